# Sourced by test.sh and clickhouse.sh: apt_install PACKAGE... installs
# Debian packages with apt-get, as root or through sudo, without their
# recommended packages. Another apt-get or dpkg that holds the lock (an
# unattended upgrade, say) is waited for, up to 10 minutes, instead of failing.

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"
	elif command -v sudo >/dev/null; then sudo "$@"
	else echo "$(basename "$0"): need root (or sudo) to run: $*" >&2; return 1
	fi
}

apt_install() {
	echo "$(basename "$0"): installing $* (apt-get, needs root)" >&2
	apt_update
	as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 \
		install -y -qq --no-install-recommends "$@" >&2
}

# apt-get update does not wait for the lock of the package lists
# (DPkg::Lock::Timeout covers only dpkg's), so it is retried while another
# process holds it.
apt_update() {
	local deadline=$((SECONDS + 600)) out
	until out=$(as_root apt-get -o DPkg::Lock::Timeout=600 update -qq 2>&1); do
		if ! grep -q "Could not get lock" <<<"$out" || ((SECONDS >= deadline)); then
			echo "$out" >&2
			return 1
		fi
		echo "$(basename "$0"): waiting for another apt-get to finish: $(grep -m1 -o 'held by process.*' <<<"$out")" >&2
		sleep 5
	done
}
