#!/usr/bin/env bash
# Runs every test of Waymark. It installs what the tests need first, so a
# newcomer's machine and CI pass the same way. Usage: ./scripts/test.sh [go test flags]
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v go >/dev/null; then
	echo "Go 1.26 or newer is required: https://go.dev/dl/" >&2
	exit 1
fi

# DuckDB comes with the Go module (cgo): a C compiler is all it needs.
if ! command -v gcc >/dev/null; then
	echo "installing gcc for cgo (DuckDB)" >&2
	apt-get update -qq && apt-get install -y -qq gcc >/dev/null
fi

go vet ./...
go test -count=1 -timeout 20m "$@" ./...
