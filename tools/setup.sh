#!/bin/sh
# Installs what bulkhead needs to build and test on Debian 12, then builds.
#   tools/setup.sh          build dependencies + build/bulkhead
#   tools/setup.sh --bench  also the peers the benchmarks compare against
set -eu
cd "$(dirname "$0")/.."
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
pkgs="build-essential pkg-config libseccomp-dev libjansson-dev libpcre2-dev
      libc-ares-dev libidn2-dev libpsl-dev publicsuffix
      python3 util-linux procps git curl openssl iproute2"
if [ "${1:-}" = --bench ]; then
	pkgs="$pkgs bubblewrap firejail hyperfine tinyproxy-bin"
fi
if [ "${1:-}" = --fuzz ]; then
	pkgs="$pkgs clang-14 libfuzzer-14-dev"
fi
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	$SUDO apt-get update -q
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q $missing
fi
make -j"$(nproc)"
