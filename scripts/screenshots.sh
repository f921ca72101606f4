#!/usr/bin/env bash
# Makes the dashboard's screenshots in docs/screenshots from the demo data,
# in a headless Chromium, so that the docs show the pages as they are.
# Usage: ./scripts/screenshots.sh   (needs chromium, as ./scripts/test.sh installs)
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p docs/screenshots
go test -count=1 -run '^TestScreenshots$' ./cmd/waymark -args -screenshots "$PWD/docs/screenshots"
ls -l docs/screenshots
