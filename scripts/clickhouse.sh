#!/usr/bin/env bash
# Starts the real ClickHouse servers the tests use, as background processes of
# the current user with every file under one directory:
#   - a single server on 127.0.0.1:19000 (http 18123)
#   - ZooKeeper on 127.0.0.1:12181, which ON CLUSTER DDL needs
#   - cluster "waymark": shard 1 on 127.0.0.1:19101, shard 2 on 127.0.0.1:19102
# The ports stay clear of 9000/8123, so a ClickHouse the machine already runs
# is left alone.
#
# Usage:
#   env=$(scripts/clickhouse.sh start DIR) && eval "$env"   # sets WAYMARK_TEST_CLICKHOUSE*
#   scripts/clickhouse.sh stop DIR   # safe to repeat, and after a failed start
# Only the two export lines go to stdout; everything else goes to stderr.
# start installs what is missing of clickhouse-server, clickhouse-client and
# zookeeper (which pulls in a Java runtime) with apt-get, as root or through
# sudo (scripts/apt.sh).
set -euo pipefail
source "$(dirname "$0")/apt.sh"

usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
cmd=$1 DIR=$2

log() { echo "clickhouse.sh: $*" >&2; }

# The process of a pid file is ours while its command line names DIR; this
# also rules out a pid the system has since given to another process.
ours() { tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline" | grep -qF -- "$DIR/"; }

any_ours() {
	local pid
	for pid; do ours "$pid" && return 0; done
	return 1
}

stop() {
	[ -d "$DIR" ] || return 0
	DIR=$(cd "$DIR" && pwd)
	local f pid pids=()
	for f in "$DIR"/*.pid; do
		[ -f "$f" ] || continue
		pid=$(<"$f")
		if ours "$pid"; then kill -TERM "$pid" 2>/dev/null || true; pids+=("$pid"); fi
	done
	# ClickHouse may take a few seconds to shut down; after 10 s it is killed.
	local i
	for i in {1..40}; do
		any_ours ${pids[@]+"${pids[@]}"} || break
		sleep 0.25
	done
	for pid in ${pids[@]+"${pids[@]}"}; do
		if ours "$pid"; then log "killing $pid"; kill -KILL "$pid" 2>/dev/null || true; fi
	done
	rm -f "$DIR"/*.pid
}

install_missing() {
	local missing=()
	PATH=$PATH:/usr/sbin command -v clickhouse-server >/dev/null || missing+=(clickhouse-server)
	command -v clickhouse-client >/dev/null || missing+=(clickhouse-client)
	[ -f /usr/share/java/zookeeper.jar ] || missing+=(zookeeper)
	[ ${#missing[@]} -eq 0 ] && return
	apt_install "${missing[@]}"
}

users_xml() {
	# Written rather than copied from /etc, so a local edit (a password, say)
	# cannot make the tests pass on one machine and fail on another.
	cat <<-EOF
	<?xml version="1.0"?>
	<yandex>
	    <profiles><default/></profiles>
	    <users>
	        <default>
	            <password></password>
	            <networks><ip>::/0</ip><ip>127.0.0.1</ip></networks>
	            <profile>default</profile>
	            <quota>default</quota>
	        </default>
	    </users>
	    <quotas>
	        <default><interval><duration>3600</duration><queries>0</queries><errors>0</errors>
	            <result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time>
	        </interval></default>
	    </quotas>
	</yandex>
	EOF
}

# cluster_xml SHARD INTERSERVER_PORT: what a member of cluster "waymark" adds.
cluster_xml() {
	cat <<-EOF
	    <interserver_http_port>$2</interserver_http_port>
	    <interserver_http_host>127.0.0.1</interserver_http_host>
	    <remote_servers>
	        <waymark>
	            <shard><replica><host>127.0.0.1</host><port>19101</port></replica></shard>
	            <shard><replica><host>127.0.0.1</host><port>19102</port></replica></shard>
	        </waymark>
	    </remote_servers>
	    <zookeeper><node><host>127.0.0.1</host><port>12181</port></node></zookeeper>
	    <distributed_ddl><path>/clickhouse/task_queue/ddl</path></distributed_ddl>
	    <macros><shard>$1</shard><replica>r1</replica></macros>
	EOF
}

# start_server NAME TCP_PORT HTTP_PORT [EXTRA_XML]
start_server() {
	local d=$DIR/$1
	mkdir -p "$d/data" "$d/tmp" "$d/user_files"
	cat >"$d/config.xml" <<-EOF
	<?xml version="1.0"?>
	<yandex>
	    <logger>
	        <level>information</level>
	        <log>$d/server.log</log>
	        <errorlog>$d/server.err.log</errorlog>
	    </logger>
	    <listen_host>127.0.0.1</listen_host>
	    <tcp_port>$2</tcp_port>
	    <http_port>$3</http_port>
	    <path>$d/data/</path>
	    <tmp_path>$d/tmp/</tmp_path>
	    <user_files_path>$d/user_files/</user_files_path>
	    <users_config>$DIR/users.xml</users_config>
	    <default_profile>default</default_profile>
	    <default_database>default</default_database>
	    <mark_cache_size>268435456</mark_cache_size>
	${4:-}
	</yandex>
	EOF
	"$ch_server" --config-file="$d/config.xml" </dev/null >"$d/stderr.log" 2>&1 &
	echo $! >"$DIR/$1.pid"
}

start_zookeeper() {
	mkdir -p "$DIR/zk/data"
	cat >"$DIR/zk/zoo.cfg" <<-EOF
	tickTime=2000
	dataDir=$DIR/zk/data
	clientPort=12181
	clientPortAddress=127.0.0.1
	4lw.commands.whitelist=srvr
	EOF
	# zookeeper.jar's manifest lists its dependencies; slf4j-simple (from
	# libslf4j-java, a dependency of the package) makes it log to stderr.
	java -Xmx256m -Dzookeeper.admin.enableServer=false \
		-cp /usr/share/java/zookeeper.jar:/usr/share/java/slf4j-simple.jar \
		org.apache.zookeeper.server.ZooKeeperServerMain "$DIR/zk/zoo.cfg" \
		</dev/null >"$DIR/zk/zookeeper.log" 2>&1 &
	echo $! >"$DIR/zookeeper.pid"
}

fail() {
	log "$*"
	[ -s "$DIR/last_error" ] && { echo "--- last error:" >&2; cat "$DIR/last_error" >&2; }
	local f
	for f in "$DIR"/{single,shard1,shard2}/{stderr.log,server.err.log} "$DIR/zk/zookeeper.log"; do
		if [ -s "$f" ]; then tail -v -n 20 "$f" >&2; fi
	done
	exit 1
}

# until_ok WHAT COMMAND...: retries COMMAND until it succeeds, failing loudly
# once a server has died or the deadline has passed.
until_ok() {
	local what=$1 f; shift
	until "$@" >/dev/null 2>"$DIR/last_error"; do
		for f in "$DIR"/*.pid; do
			ours "$(<"$f")" || fail "$(basename "$f" .pid) exited while waiting for $what"
		done
		((SECONDS < deadline)) || fail "timed out waiting for $what"
		sleep 0.3
	done
}

# ZooKeeper answers "srvr" with its version only once it serves requests.
zk_ok() {
	timeout 5 bash -c 'exec 3<>/dev/tcp/127.0.0.1/12181 && echo srvr >&3 && grep -q "^Zookeeper version" <&3'
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

q() { clickhouse-client --host 127.0.0.1 --port "$1" -q "$2"; }

# A short task timeout, so that a stuck shard makes the probe retry (and
# finally fail) rather than wait the default 180 s.
probe_ddl() {
	clickhouse-client --host 127.0.0.1 --port 19101 --distributed_ddl_task_timeout=20 \
		-q "CREATE DATABASE IF NOT EXISTS waymark_probe ON CLUSTER waymark" &&
		clickhouse-client --host 127.0.0.1 --port 19101 --distributed_ddl_task_timeout=20 \
			-q "DROP DATABASE waymark_probe ON CLUSTER waymark"
}

start() {
	install_missing
	ch_server=$(PATH=$PATH:/usr/sbin command -v clickhouse-server)
	mkdir -p "$DIR"
	DIR=$(cd "$DIR" && pwd)
	local p
	# A server left over from an earlier run would answer in place of ours.
	for p in 19000 18123 12181 19101 18124 19201 19102 18125 19202; do
		if port_open "$p"; then fail "port $p is already in use (an earlier run not stopped? $0 stop DIR)"; fi
	done

	users_xml >"$DIR/users.xml"
	deadline=$((SECONDS + 60))
	start_zookeeper
	start_server single 19000 18123
	# A cluster server that finds no ZooKeeper at startup gives up on distributed
	# DDL for good, and then crashes on the first ON CLUSTER query (18.16).
	until_ok "ZooKeeper on port 12181" zk_ok
	start_server shard1 19101 18124 "$(cluster_xml 01 19201)"
	start_server shard2 19102 18125 "$(cluster_xml 02 19202)"
	for p in 19000 19101 19102; do until_ok "SELECT 1 on port $p" q "$p" 'SELECT 1'; done
	until_ok "distributed DDL (ON CLUSTER waymark through ZooKeeper)" probe_ddl
	log "ready in ${SECONDS}s"

	echo "export WAYMARK_TEST_CLICKHOUSE='clickhouse://127.0.0.1:19000/waymark_test'"
	echo "export WAYMARK_TEST_CLICKHOUSE_CLUSTER='clickhouse://127.0.0.1:19101/waymark_test?cluster=waymark'"
}

case $cmd in
start) start ;;
stop) stop ;;
*) usage ;;
esac
