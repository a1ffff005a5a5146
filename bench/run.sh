#!/bin/bash
# Launch overhead: `bulkhead run -- true` beside bare exec, bubblewrap and
# firejail, in one hyperfine run (same machine state for all), reported as
# median and spread and as ratios to bare exec.  Writes the table into
# bench/README.md between the RESULTS markers and the raw JSON to
# bench/results/.
#   bench/run.sh [RUNS]        default 300 runs each, 30 warm-up
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-300}
BH=$PWD/build/bulkhead
[ -x "$BH" ] || make -s
for t in hyperfine bwrap firejail python3; do
	command -v $t >/dev/null || { echo "bench: $t missing (tools/setup.sh --bench)"; exit 1; }
done

WS=$(mktemp -d /tmp/bh-bench.XXXXXX)
trap 'rm -rf "$WS"' EXIT
mkdir -p "$WS/home" "$WS/ws"
export HOME=$WS/home
cd "$WS/ws"
TRUE=$(command -v true)

# bubblewrap configured like the kernel tier's default profile: system
# directories read-only, the workspace read-write, no network, a new session,
# a private /tmp and /dev.
BWRAP="bwrap --ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/sbin /sbin \
--symlink usr/lib /lib --symlink usr/lib64 /lib64 --ro-bind /etc /etc \
--bind $WS/ws $WS/ws --tmpfs /tmp --dev /dev --unshare-net --new-session \
--die-with-parent $TRUE"

mkdir -p "$OLDPWD/bench/results"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
json="$OLDPWD/bench/results/launch-$stamp.json"
hyperfine -N --warmup 30 --runs "$RUNS" --export-json "$json" \
	-n bare "$TRUE" \
	-n "bulkhead kernel" "$BH run -q -t kernel -- $TRUE" \
	-n "bwrap" "$BWRAP" \
	-n "firejail" "firejail --quiet --noprofile --net=none $TRUE" \
	>/dev/null 2>&1 || hyperfine -N --warmup 30 --runs "$RUNS" --export-json "$json" \
	-n bare "$TRUE" \
	-n "bulkhead kernel" "$BH run -q -t kernel -- $TRUE" \
	-n "bwrap" "$BWRAP" \
	-n "firejail" "firejail --quiet --noprofile $TRUE"

cd "$OLDPWD"
python3 bench/report.py "$json" "launch overhead, $RUNS runs, as $(id -un), $(uname -r)" > bench/results/launch-$stamp.md
cat bench/results/launch-$stamp.md
python3 - "$stamp" <<'PY'
import re, sys
stamp = sys.argv[1]
table = open(f"bench/results/launch-{stamp}.md").read()
readme = open("bench/README.md").read()
new = re.sub(r"<!-- RESULTS -->.*<!-- /RESULTS -->",
             "<!-- RESULTS -->\n" + table + "<!-- /RESULTS -->", readme, flags=re.S)
open("bench/README.md", "w").write(new)
PY
