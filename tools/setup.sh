#!/bin/sh
# Installs what bulkhead needs to build and test on Debian 12, then builds.
#   tools/setup.sh          build dependencies + build/bulkhead
#   tools/setup.sh --bench  also the peers the benchmarks compare against
#   tools/setup.sh --fuzz   also clang and libFuzzer
#   tools/setup.sh --microvm also qemu and a guest kernel for the microvm
#                           tier: Debian's kernel package unpacked (only
#                           the image and the modules the guest loads)
#                           into /var/cache/bulkhead/microvm, never
#                           installed as the host's kernel
#   tools/setup.sh --agents also the agents the agent tests start inside the
#                           sandbox (Claude Code, Codex, Gemini CLI from npm;
#                           best effort: without them those tests skip)
set -eu
cd "$(dirname "$0")/.."
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
pkgs="build-essential pkg-config libseccomp-dev libjansson-dev libpcre2-dev
      libc-ares-dev libidn2-dev libpsl-dev publicsuffix
      python3 util-linux procps git curl openssl iproute2 runsc"
agents=0
microvm=0
for opt in "$@"; do
	case $opt in
	--bench) pkgs="$pkgs bubblewrap firejail hyperfine tinyproxy-bin" ;;
	--fuzz) pkgs="$pkgs clang-14 libfuzzer-14-dev" ;;
	--agents) agents=1 ;;
	--microvm) microvm=1 ;;
	*) echo "setup.sh: unknown option $opt" >&2; exit 2 ;;
	esac
done
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
if [ $microvm = 1 ]; then
	# Without recommends: the GUI and audio libraries are not needed.
	dpkg-query -W -f='${Status}' qemu-system-x86 2>/dev/null |
		grep -q "ok installed" ||
		DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q \
			--no-install-recommends qemu-system-x86
	cache=/var/cache/bulkhead/microvm
	if ! ls "$cache"/boot/vmlinuz-* >/dev/null 2>&1; then
		# The kernel linux-image-amd64 points at today, fetched, not
		# installed.
		kpkg=$(apt-cache depends linux-image-amd64 |
			awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
		tmp=$(mktemp -d)
		chmod 755 "$tmp"
		(cd "$tmp" && apt-get download -q "$kpkg")
		$SUDO mkdir -p "$cache"
		dpkg-deb --fsys-tarfile "$tmp"/"$kpkg"_*.deb |
			$SUDO tar -x -C "$cache" --wildcards \
				'./boot/vmlinuz-*' './lib/modules/*/modules.builtin' \
				'./lib/modules/*/kernel/drivers/virtio/*' \
				'./lib/modules/*/kernel/drivers/char/virtio_console.ko' \
				'./lib/modules/*/kernel/fs/9p/*' \
				'./lib/modules/*/kernel/fs/netfs/*' \
				'./lib/modules/*/kernel/fs/fscache/*' \
				'./lib/modules/*/kernel/net/9p/*'
		$SUDO chmod -R a+rX "$cache"
		rm -rf "$tmp"
	fi
fi
make -j"$(nproc)"
if [ $agents = 1 ]; then
	# Pinned versions, with the machine's Node.js and npm.  A registry
	# that cannot be reached is not fatal; a test whose agent does not
	# start on the host even outside a sandbox (Debian's Node.js 18 is
	# too old for Gemini CLI) skips and says why.
	command -v npm >/dev/null || $SUDO apt-get install -y -q nodejs npm || true
	if ! $SUDO npm install -g --no-audit --no-fund \
		@anthropic-ai/claude-code@2.1.332 @openai/codex@0.171.0 \
		@google/gemini-cli@0.61.0 >/tmp/bulkhead-agents-npm.log 2>&1; then
		echo "setup.sh: agents not installed (their tests skip); see" \
			"/tmp/bulkhead-agents-npm.log" >&2
	fi
fi
