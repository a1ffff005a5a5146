#!/bin/bash
# gvisor tier start-to-exit (issue 7): `bulkhead run -t gvisor -- true`
# beside plain `runsc do true`, in one hyperfine run so every command sees
# the same machine state.  Target: the tier within 10 % of plain runsc do.
# Replaces the table under "## gVisor tier" in bench/README.md.
#   usage: bench/gvisor.sh [BULKHEAD]      (BENCH_GVISOR_RUNS, default 40)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
BH=$(realpath "${1:-$here/../build/bulkhead}")
RUNS=${BENCH_GVISOR_RUNS:-40}
for t in hyperfine runsc python3; do
	command -v $t >/dev/null || { echo "bench/gvisor.sh: $t missing (tools/setup.sh --bench)" >&2; exit 1; }
done
W=$(mktemp -d /tmp/bh-bench-gvisor.XXXXXX)
# runsc do (not rootless) runs its sandbox as nobody in the current directory.
chmod 755 "$W"
trap 'rm -rf "$W"' EXIT
mkdir "$W/ws" "$W/home" "$W/tmp"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
json="$here/results/gvisor-$stamp.json"
cd "$W/ws"
# HOME and TMPDIR are the bench's own: bulkhead's state (audit log, the
# cached runsc health probe, made once in the warm-up) and runsc do's
# temporary directories stay in $W.
export HOME="$W/home" TMPDIR="$W/tmp"
hyperfine -N --warmup 3 --runs "$RUNS" --export-json "$json" \
	-n "runsc --rootless --network=none do true" "runsc --rootless --network=none do true" \
	-n "runsc --network=none do true" "runsc --network=none do true" \
	-n "bulkhead run -t gvisor -- true" "$BH run -q -t gvisor -- true" \
	-n "bulkhead run -t namespace -- true" "$BH run -q -t namespace -- true" >&2
python3 - "$json" "$RUNS" <<'PY' | (cd "$here/.." && python3 bench/readme-section.py GVISOR "gVisor tier")
import json, statistics, subprocess, sys, datetime
res = json.load(open(sys.argv[1]))["results"]
kernel = subprocess.run(["uname", "-r"], capture_output=True, text=True).stdout.strip()
ver = subprocess.run(["runsc", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
base = statistics.median(res[0]["times"]) * 1000
print(f"*{datetime.date.today()}: start to exit of `true` as root, {sys.argv[2]} runs after 3 warm-ups, "
      f"{ver}, platform ptrace, {kernel}; `bench/gvisor.sh`*\n")
print("| command | median ms | IQR ms | min–max ms | × runsc --rootless do |")
print("|---|---:|---:|---:|---:|")
for r in res:
    t = sorted(x * 1000 for x in r["times"])
    q = statistics.quantiles(t, n=4)
    med = statistics.median(t)
    print(f"| `{r['command']}` | {med:.1f} | {q[2]-q[0]:.1f} | {t[0]:.1f}–{t[-1]:.1f} | {med/base:.2f} |")
PY
echo "bench/gvisor.sh: results in bench/README.md and $json" >&2
