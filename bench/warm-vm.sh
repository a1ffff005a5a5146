# shellcheck shell=bash
# Sourced by bench/microvm.sh and bench/tiers.sh, from the repository's top
# with ROOT set.
#
# bench_vm_prelude NAME RESULT sets what both benches use: BH (built when
# missing), TRUE, REAL (the small real command), stamp and json (RESULT's
# file under bench/results/), and runs bench_vm_setup NAME.
bench_vm_prelude() {
	BH=$ROOT/build/bulkhead
	[ -x "$BH" ] || make -s
	command -v hyperfine >/dev/null || { echo "bench: hyperfine missing (tools/setup.sh --bench)"; exit 1; }
	bench_vm_setup "$1"
	TRUE=$(command -v true)
	REAL="sh -c 'ls /usr/bin | wc -l; grep -c : /etc/passwd'"
	mkdir -p bench/results
	stamp=$(date -u +%Y%m%dT%H%M%SZ)
	json=bench/results/$2-$stamp.json
}

# bench_vm_setup NAME makes a scratch tree in $WS whose workspace belongs to
# nobody (as root the command, and qemu, run as the workspace's owner),
# boots a warm microVM serving on $SOCK, and sets $accel (kvm or tcg, as the
# tier reports it).  The VM is stopped and the tree removed on exit.
bench_vm_setup() {
	WS=$(mktemp -d "/tmp/bh-bench-$1.XXXXXX")
	trap 'rm -rf "$WS"' EXIT
	mkdir -p "$WS/home" "$WS/ws"
	chmod 755 "$WS"
	chown 65534:65534 "$WS/ws"
	SOCK=$WS/vm.sock
	(cd "$WS/ws" && HOME=$WS/home "$BH" run -q -t microvm --serve "$SOCK" >/dev/null 2>&1 &)
	for _ in $(seq 1 600); do [ -S "$SOCK" ] && break; sleep 0.1; done
	"$BH" vm exec "$SOCK" -- true >/dev/null # waits for the boot
	trap '"$BH" vm stop "$SOCK" 2>/dev/null; rm -rf "$WS"' EXIT
	accel=$(cd "$WS/ws" && HOME=$WS/home "$BH" explain -t microvm 2>&1 |
		grep -o '\[kvm\]\|\[tcg\]' | head -n1 | tr -d '[]')
}
