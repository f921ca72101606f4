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

# The ClickHouse tests run against real servers, a single one and a two-shard
# cluster (scripts/clickhouse.sh). Their files go to memory when it has room
# (the tests store a few hundred MB at most): every tiny insert is a directory
# of files, and making and dropping them on disk took the servers several
# times as long. The trap comes before start, so that a start failing halfway still
# stops what it started; start's output is assigned before eval, so that
# set -e sees its failure.
ch_parent=${TMPDIR:-/tmp}
if [ "$(df --output=avail -k /dev/shm 2>/dev/null | tail -n 1)" -gt $((1 << 20)) ] 2>/dev/null; then
	ch_parent=/dev/shm
fi
ch_dir=$(mktemp -d -p "$ch_parent")
trap 'scripts/clickhouse.sh stop "$ch_dir"; rm -rf "$ch_dir"' EXIT
ch_env=$(scripts/clickhouse.sh start "$ch_dir")
eval "$ch_env"

go test -count=1 -timeout 20m -parallel 8 "$@" ./...
