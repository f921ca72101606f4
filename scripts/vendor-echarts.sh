#!/usr/bin/env bash
# Vendors Apache ECharts into the dashboard's static files: the one ES-module
# build the pages import, with its licence and notice. It fetches exactly the
# pinned version with npm and refuses a tarball whose sha512 differs from the
# one pinned here, so the vendored file is the published one.
# Usage: ./scripts/vendor-echarts.sh   (to upgrade: change both pins, rerun)
set -euo pipefail
cd "$(dirname "$0")/.."

version=6.1.0
sha512=ab4c9a14f8200bd15476c587e1b95abd15859b176b22875b92828d02326e74023a080f6034fc47b55d917193447a9655964e32bc16243a46e4e87215a48c8764
dest=dashboard/static/vendor/echarts

command -v npm >/dev/null || { echo "npm is required to fetch ECharts (only to vendor it; building Waymark does not need it)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "echarts@$version" >/dev/null)
tarball="$tmp/echarts-$version.tgz"
got=$(sha512sum "$tarball" | cut -d' ' -f1)
if [ "$got" != "$sha512" ]; then
	echo "echarts-$version.tgz has sha512 $got, want $sha512: not vendoring it" >&2
	exit 1
fi
tar -xzf "$tarball" -C "$tmp" package/dist/echarts.esm.min.mjs package/LICENSE package/NOTICE package/licenses/LICENSE-d3
mkdir -p "$dest"
cp "$tmp/package/dist/echarts.esm.min.mjs" "$dest/echarts.esm.min.mjs"
cp "$tmp/package/LICENSE" "$dest/LICENSE"
cp "$tmp/package/NOTICE" "$dest/NOTICE"
cp "$tmp/package/licenses/LICENSE-d3" "$dest/LICENSE-d3"
echo "vendored ECharts $version into $dest"
