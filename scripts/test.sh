#!/usr/bin/env bash
# Runs every test of Waymark. It installs what the tests need first, so a
# newcomer's machine and CI pass the same way. Usage: ./scripts/test.sh [go test flags]
#
# What is missing it installs with apt-get (Debian or Ubuntu; root or sudo
# needed then), waiting for another apt-get that holds the lock:
#   - g++, and with it gcc and the C and C++ libraries' headers, for DuckDB's
#     cgo build;
#   - clickhouse-server, clickhouse-client and zookeeper, which pulls in a Java
#     runtime (scripts/clickhouse.sh);
#   - chromium, for the browser tests.
#
# The ClickHouse tests run against real servers, a single one and a two-shard
# cluster, which this script starts under a temporary directory and stops at
# the end. If WAYMARK_TEST_CLICKHOUSE and WAYMARK_TEST_CLICKHOUSE_CLUSTER are
# set, the tests use those servers instead, and nothing of ClickHouse is
# installed or started:
#   WAYMARK_TEST_CLICKHOUSE='clickhouse://127.0.0.1:19000/waymark_test' \
#   WAYMARK_TEST_CLICKHOUSE_CLUSTER='clickhouse://127.0.0.1:19101/waymark_test?cluster=waymark' \
#   ./scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/apt.sh

if ! command -v go >/dev/null; then
	echo "Go 1.26 or newer is required: https://go.dev/dl/" >&2
	exit 1
fi

missing=()
# DuckDB comes with the Go module (cgo): it needs a C compiler and links the
# C++ standard library.
command -v gcc >/dev/null && command -v g++ >/dev/null || missing+=(g++)
command -v chromium >/dev/null || [ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then apt_install "${missing[@]}"; fi

go vet ./...

# The ClickHouse tests run against real servers, a single one and a two-shard
# cluster (scripts/clickhouse.sh), unless WAYMARK_TEST_CLICKHOUSE and
# WAYMARK_TEST_CLICKHOUSE_CLUSTER name running ones. Their files go to memory
# when it has room (the tests store a few hundred MB at most): every tiny
# insert is a directory of files, and making and dropping them on disk took
# the servers several times as long. The trap comes before start, so that a
# start failing halfway still stops what it started; start's output is
# assigned before eval, so that set -e sees its failure.
if [ -z "${WAYMARK_TEST_CLICKHOUSE:-}" ] || [ -z "${WAYMARK_TEST_CLICKHOUSE_CLUSTER:-}" ]; then
	ch_parent=${TMPDIR:-/tmp}
	if [ "$(df --output=avail -k /dev/shm 2>/dev/null | tail -n 1)" -gt $((1 << 20)) ] 2>/dev/null; then
		ch_parent=/dev/shm
	fi
	ch_dir=$(mktemp -d -p "$ch_parent")
	trap 'scripts/clickhouse.sh stop "$ch_dir"; rm -rf "$ch_dir"' EXIT
	ch_env=$(scripts/clickhouse.sh start "$ch_dir")
	eval "$ch_env"
fi

go test -count=1 -timeout 20m -parallel 8 "$@" ./...
