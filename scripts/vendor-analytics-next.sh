#!/usr/bin/env bash
# Vendors Segment's analytics.js, the npm package @segment/analytics-next, into
# analyticsjs/dist, from which the binary serves it (package analyticsjs):
#   - analytics.min.js: the package's dist/umd/standalone.js, the bundle that
#     Segment's CDN serves under that name;
#   - bundles/: its code-split chunks (dist/umd/*.bundle.*.js), which the
#     bundle loads from /analytics-next/bundles/;
#   - LICENSE.MD: the package's licence (MIT), which travels in the binary.
# Source maps, the npm builds and the sources are left out: browsers do not
# need them. The files are committed, so building Waymark needs no Node and no
# network; this script only runs to upgrade.
#
# It fetches exactly VERSION from the npm registry and refuses the tarball
# unless its sha512 is INTEGRITY. To upgrade:
#   1. npm view @segment/analytics-next@X dist.integrity, and set VERSION and
#      INTEGRITY below, and Version in analyticsjs/analyticsjs.go;
#   2. run this script, then read what the new release calls (docs/api.md,
#      "What the settings turn off") and run go test ./analyticsjs/ ./http/ ./cmd/waymark/.
# Usage: scripts/vendor-analytics-next.sh   (needs curl, tar and coreutils)
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=1.84.3
INTEGRITY=sha512-5l7cPBzScxhfJ0zdcKQI4daDvMIWWUk7hClT1xGRelnHUltIEoQ9w8+ZpFPoWJMpX8D7IA1nVAfJbpiKi3XaKw==
REGISTRY=https://registry.npmjs.org

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
url=$REGISTRY/@segment/analytics-next/-/analytics-next-$VERSION.tgz
echo "fetching $url" >&2
curl -fsSL --retry 3 -o "$tmp/package.tgz" "$url"

# npm's integrity is the base64 of the sha512; sha512sum checks its hex.
want=$(base64 -d <<<"${INTEGRITY#sha512-}" | od -An -vtx1 | tr -d ' \n')
if ! echo "$want  $tmp/package.tgz" | sha512sum --check --status; then
	echo "vendor-analytics-next.sh: the tarball of @segment/analytics-next@$VERSION does not have the pinned sha512" >&2
	echo "  want $want ($INTEGRITY)" >&2
	echo "  got  $(sha512sum "$tmp/package.tgz" | cut -d' ' -f1)" >&2
	exit 1
fi

tar -xzf "$tmp/package.tgz" -C "$tmp" package/LICENSE.MD package/dist/umd
dist=analyticsjs/dist
rm -rf "$dist"
mkdir -p "$dist/bundles"
cp "$tmp/package/LICENSE.MD" "$dist/"
cp "$tmp/package/dist/umd/standalone.js" "$dist/analytics.min.js"
cp "$tmp"/package/dist/umd/*.bundle.*.js "$dist/bundles/"
echo "vendored @segment/analytics-next@$VERSION into $dist:" >&2
ls -l "$dist" "$dist/bundles" >&2
