#!/bin/bash
# Latency of command checks on real agent command lines
# (bench/agent-commands.txt): in process (bh_cmd_check(): parse and decide,
# what a long-running integration pays per command) and as a whole
# `bulkhead check` process (what a hook pays: exec, profile load, decision,
# audit record), beside `bash -n -c` (parsing only, no decision) as the
# floor of a process that reads a shell string.  Target: under 1 ms per
# command.  Writes a dated table into bench/README.md (CHECK markers).
#   bench/check.sh [ROUNDS]   default 200 rounds per line in process
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-200}
make -s build/bulkhead build/libbulkhead.a
LDLIBS=$(pkg-config --libs libseccomp jansson libpcre2-8 libidn2 libpsl libcares)
gcc -O2 -std=c11 -D_GNU_SOURCE -Isrc -Ibuild/gen -o build/check_latency \
	bench/check_latency.c build/libbulkhead.a $LDLIBS
read -r lines rounds med p99 worst < <(build/check_latency bench/agent-commands.txt "$ROUNDS")
WS=$(mktemp -d /tmp/bh-bench-check.XXXXXX)
trap 'rm -rf "$WS"' EXIT
mkdir -p "$WS/home" "$WS/ws"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
json=bench/results/check-$stamp.json
mkdir -p bench/results
cmd1="git diff HEAD~1 -- src/"
cmd2="grep -rn TODO src | head -20; npm test -- --watch=false"
(cd "$WS/ws" && HOME=$WS/home hyperfine -N -i --warmup 20 --runs 300 --export-json "$OLDPWD/$json" \
	-n "bash -n -c (parse only)" "bash -n -c '$cmd2'" \
	-n "bulkhead check (short line)" "$OLDPWD/build/bulkhead check -- '$cmd1'" \
	-n "bulkhead check (compound line)" "$OLDPWD/build/bulkhead check -- '$cmd2'" >/dev/null)
table=$(python3 - "$json" "$stamp" "$lines" "$rounds" "$med" "$p99" "$worst" <<'PY'
import json, sys
path, stamp, lines, rounds, med, p99, worst = sys.argv[1:]
day = f"{stamp[0:4]}-{stamp[4:6]}-{stamp[6:8]}"
print(f"*{day}: command checks on {lines} agent command lines (bench/agent-commands.txt), 2 CPUs; `bench/check.sh`*")
print()
print("| what | median | p99 / spread | target |")
print("|---|---:|---:|---:|")
print(f"| `bh_cmd_check()` in process, per line ({rounds} rounds each) | {float(med):.1f} µs | p99 {float(p99):.1f} µs; slowest line's median {float(worst):.1f} µs | < 1 ms |")
for r in json.load(open(path))["results"]:
    print(f"| {r['command']} (whole process) | {r['median']*1000:.2f} ms | {r['min']*1000:.2f}–{r['max']*1000:.2f} ms | |")
PY
)
printf '%s\n' "$table" | tee "bench/results/check-$stamp.md"
printf '%s\n' "$table" | python3 bench/readme-section.py CHECK "Command checks"
