#!/bin/bash
# Every tier side by side in one run (issue 7): start-to-exit of `true` and
# of a small real command (list /usr/bin, count lines of /etc/passwd) under
# the default profile, beside bare exec, plain `runsc do`, and the microvm
# warm mode (`run --serve` + `vm exec`).  Few runs: a cold microVM under
# emulation is a whole emulated boot (~8 s).  Writes the table into
# bench/README.md between the TIERS markers and the JSON to bench/results/.
#   bench/tiers.sh [RUNS]   default 5 runs each, 1 warm-up
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
RUNS=${1:-5}
source bench/warm-vm.sh
bench_vm_prelude tiers tiers
# Like for like: bulkhead as root runs runsc as root, as a user rootless.
rootless=--rootless
[ "$(id -u)" = 0 ] && rootless=
runsc_do=(-n "plain runsc $rootless${rootless:+ }--network=none do: true" "runsc $rootless${rootless:+ }--network=none do $TRUE"
	-n "plain runsc $rootless${rootless:+ }--network=none do: real" "runsc $rootless${rootless:+ }--network=none do $REAL")
command -v runsc >/dev/null || runsc_do=()
(cd "$WS/ws" && HOME=$WS/home hyperfine -N -i --warmup 1 --runs "$RUNS" \
	--export-json "$ROOT/$json" \
	-n "bare: true" "$TRUE" \
	-n "bare: real" "$REAL" \
	-n "kernel: true" "$BH run -q -t kernel -- $TRUE" \
	-n "kernel: real" "$BH run -q -t kernel -- $REAL" \
	-n "namespace: true" "$BH run -q -t namespace -- $TRUE" \
	-n "namespace: real" "$BH run -q -t namespace -- $REAL" \
	"${runsc_do[@]}" \
	-n "gvisor: true" "$BH run -q -t gvisor -- $TRUE" \
	-n "gvisor: real" "$BH run -q -t gvisor -- $REAL" \
	-n "microvm cold ($accel): true" "$BH run -q -t microvm -- $TRUE" \
	-n "microvm cold ($accel): real" "$BH run -q -t microvm -- $REAL" \
	-n "microvm warm ($accel): true" "$BH vm exec $SOCK -- $TRUE" \
	-n "microvm warm ($accel): real" "$BH vm exec $SOCK -- $REAL" >/dev/null)
table=$(python3 - "$json" "$stamp" "$RUNS" "$accel" <<'PY'
import json, sys
path, stamp, runs, accel = sys.argv[1:]
res = json.load(open(path))["results"]
bare = {r["command"].split(": ")[1]: r["median"] for r in res if r["command"].startswith("bare")}
day = f"{stamp[0:4]}-{stamp[4:6]}-{stamp[6:8]}"
print(f"*{day}: start to exit under the default profile, {runs} runs each after 1 warm-up, 2 CPUs, microVM {accel}; \"real\" = `ls /usr/bin | wc -l; grep -c : /etc/passwd`; `bench/tiers.sh`*")
print()
print("| tier: command | median ms | min–max ms | − bare ms |")
print("|---|---:|---:|---:|")
for r in res:
    kind = r["command"].rsplit(": ", 1)[1]
    extra = (r["median"] - bare.get(kind, 0)) * 1000 if kind in bare else 0
    print(f"| {r['command']} | {r['median']*1000:.1f} | {r['min']*1000:.1f}–{r['max']*1000:.1f} | {extra:+.1f} |")
PY
)
printf '%s\n' "$table" | tee "bench/results/tiers-$stamp.md"
printf '%s\n' "$table" | python3 bench/readme-section.py TIERS "Every tier side by side"
