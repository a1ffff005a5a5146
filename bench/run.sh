#!/bin/bash
# Launch overhead of both tiers beside bare exec, bubblewrap and firejail,
# in one hyperfine run per identity (same machine state for every command),
# reported as medians with spread and as ratios to bare exec; then the cost
# on a real workload (building bulkhead itself) inside the namespace tier vs
# outside.  Writes the tables into bench/README.md between the RESULTS
# markers and the raw JSON to bench/results/.
#   bench/run.sh [RUNS]        default 300 runs each, 30 warm-up
#   BENCH_SKIP_WORKLOAD=1      launch overhead only
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
RUNS=${1:-300}
BH=$ROOT/build/bulkhead
[ -x "$BH" ] || make -s
for t in hyperfine bwrap firejail python3 setpriv; do
	command -v $t >/dev/null || { echo "bench: $t missing (tools/setup.sh --bench)"; exit 1; }
done

WS=$(mktemp -d /tmp/bh-bench.XXXXXX)
trap 'rm -rf "$WS"' EXIT
chmod 755 "$WS"
mkdir -p "$WS/home" "$WS/ws" "$WS/uhome"
cp bench/equivalent.profile "$WS/equivalent.profile"
chmod -R a+rX "$WS"
chown 65534:65534 "$WS/uhome" "$WS/ws"
TRUE=$(command -v true)
stamp=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p bench/results
out=bench/results/bench-$stamp.md
: > "$out"

launch() { # identity prefix ("" or setpriv ...), label, home
	local who=$1 label=$2 home=$3
	# bubblewrap with the root of the default profile (system read-only,
	# workspace read-write, private /tmp and /dev, no network, new
	# session): the comparison for the kernel tier.
	local bwrap_k="bwrap --ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/sbin /sbin --symlink usr/lib /lib --symlink usr/lib64 /lib64 --ro-bind /etc /etc --bind $WS/ws $WS/ws --tmpfs /tmp --dev /dev --unshare-net --new-session --die-with-parent $TRUE"
	# bubblewrap --unshare-all with the same root as bench/equivalent.profile:
	# the comparison for the namespace tier.
	local bwrap_n="bwrap --unshare-all --ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/sbin /sbin --symlink usr/lib /lib --symlink usr/lib64 /lib64 --ro-bind /etc /etc --bind $WS/ws $WS/ws --tmpfs /tmp --dev /dev --proc /proc --new-session --die-with-parent $TRUE"
	local json="bench/results/launch-$label-$stamp.json"
	# Debian's firejail only admits users listed in firejail.users.
	local -a firejail=()
	[ -z "$who" ] && firejail=(-n "firejail --noprofile --net=none" "firejail --quiet --noprofile --net=none $TRUE")
	(cd "$WS/ws" && HOME=$home hyperfine -N --warmup 30 --runs "$RUNS" --export-json "$ROOT/$json" \
		-n bare "$who $TRUE" \
		-n "bulkhead kernel (default profile)" "$who $BH run -q -t kernel -- $TRUE" \
		-n "bulkhead namespace (default profile)" "$who $BH run -q -t namespace -- $TRUE" \
		-n "bulkhead namespace (bwrap-equivalent profile)" "$who $BH run -q -p $WS/equivalent.profile -t namespace -- $TRUE" \
		-n "bwrap (kernel-tier comparison)" "$who $bwrap_k" \
		-n "bwrap --unshare-all (namespace comparison)" "$who $bwrap_n" \
		"${firejail[@]}" >/dev/null)
	python3 bench/report.py "$json" "$(date -u +%F): launch overhead as $label, $RUNS runs, $(uname -r)" >> "$out"
}

launch "" root "$WS/home"
launch "setpriv --reuid=65534 --regid=65534 --clear-groups" "uid-65534" "$WS/uhome"

if [ "${BENCH_SKIP_WORKLOAD:-0}" != 1 ]; then
	# A real workload: a clean build of bulkhead's own sources (about 60
	# C files) with make -j2, outside and inside the namespace tier.
	SRC=$WS/ws/src-copy
	git -C "$ROOT" archive --format=tar HEAD | (mkdir -p "$SRC" && tar -x -C "$SRC")
	chown -R 65534:65534 "$SRC"
	json="bench/results/workload-$stamp.json"
	(cd "$SRC" && HOME=$WS/home hyperfine --warmup 1 --runs 5 --export-json "$ROOT/$json" \
		--prepare "make -s clean" \
		-n "make -j2 (bare)" "make -s -j2 build/bulkhead" \
		-n "make -j2 (bulkhead namespace)" "$BH run -q -p default -t namespace --uid 65534 -- make -s -j2 build/bulkhead" \
		>/dev/null)
	python3 bench/report.py "$json" "$(date -u +%F): workload: clean build of bulkhead, 5 runs" >> "$out"
fi

cat "$out"
python3 - "$out" <<'PY'
import re, sys
table = open(sys.argv[1]).read()
readme = open("bench/README.md").read()
new = re.sub(r"<!-- RESULTS -->.*<!-- /RESULTS -->",
             "<!-- RESULTS -->\n" + table + "<!-- /RESULTS -->", readme, flags=re.S)
open("bench/README.md", "w").write(new)
PY
