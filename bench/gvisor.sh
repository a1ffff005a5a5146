#!/bin/bash
# gvisor tier start-to-exit (issue 7): `bulkhead run -t gvisor -- true`
# beside plain `runsc do true`, like for like: as root (runsc as root) and
# as an unprivileged user (runsc --rootless).  Interleaved: every round
# runs each command once, in a shuffled order, so drift on a shared
# machine hits all alike; the ratio is the median of the per-round ratios.
# Target: the tier within 10 % of plain runsc do.  Replaces the table
# under "## gVisor tier" in bench/README.md.
#   usage: bench/gvisor.sh [BULKHEAD]      (BENCH_GVISOR_RUNS, default 60)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
BH=$(realpath "${1:-$here/../build/bulkhead}")
RUNS=${BENCH_GVISOR_RUNS:-60}
for t in runsc python3 setpriv; do
	command -v $t >/dev/null || { echo "bench/gvisor.sh: $t missing (tools/setup.sh --bench)" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "bench/gvisor.sh: run as root (it also runs the user rows as uid 65534)" >&2; exit 1; }
W=$(mktemp -d /tmp/bh-bench-gvisor.XXXXXX)
# runsc do (not rootless) runs its sandbox as nobody in the current
# directory; the user rows run as nobody there.
chmod 755 "$W"
trap 'rm -rf "$W"' EXIT
mkdir "$W/ws" "$W/home" "$W/tmp" "$W/uhome" "$W/utmp"
chown 65534:65534 "$W/ws" "$W/uhome" "$W/utmp"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
json="$here/results/gvisor-$stamp.json"
cd "$W/ws"
# HOME and TMPDIR are the bench's own: bulkhead's state (audit log, the
# cached runsc health probe, made in the warm-up) and runsc do's temporary
# directories stay in $W.
python3 - "$BH" "$W" "$RUNS" "$json" <<'PY' | (cd "$here/.." && python3 bench/readme-section.py GVISOR "gVisor tier")
import datetime, json, os, random, statistics, subprocess, sys, time
bh, w, runs, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
root_env = dict(os.environ, HOME=f"{w}/home", TMPDIR=f"{w}/tmp")
user = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
        "env", f"HOME={w}/uhome", f"TMPDIR={w}/utmp"]
cmds = {
    "root: runsc --network=none do true": ["runsc", "--network=none", "do", "true"],
    "root: bulkhead run -t gvisor -- true": [bh, "run", "-q", "-t", "gvisor", "--", "true"],
    "user: runsc --rootless --network=none do true": user + ["runsc", "--rootless", "--network=none", "do", "true"],
    "user: bulkhead run -t gvisor -- true": user + [bh, "run", "-q", "-t", "gvisor", "--", "true"],
    "root: bulkhead run -t namespace -- true": [bh, "run", "-q", "-t", "namespace", "--", "true"],
}
# posix_spawn (a vfork) and waitpid: the least a timer can add around a
# command (subprocess.run added ~8 ms).
null = os.open("/dev/null", os.O_RDWR)
acts = [(os.POSIX_SPAWN_DUP2, null, 0), (os.POSIX_SPAWN_DUP2, null, 1),
        (os.POSIX_SPAWN_DUP2, null, 2)]
def once(argv):
    t0 = time.perf_counter()
    pid = os.posix_spawnp(argv[0], argv, root_env, file_actions=acts)
    _, st = os.waitpid(pid, 0)
    t = (time.perf_counter() - t0) * 1000
    if os.waitstatus_to_exitcode(st) != 0:
        sys.exit(f"bench/gvisor.sh: {' '.join(argv)} failed ({st})")
    return t
for _ in range(3):
    for argv in cmds.values():
        once(argv)
times = {k: [] for k in cmds}
for _ in range(runs):
    order = list(cmds)
    random.shuffle(order)
    for k in order:
        times[k].append(once(cmds[k]))
json.dump(times, open(out, "w"), indent=1)
base = {"root": "root: runsc --network=none do true",
        "user": "user: runsc --rootless --network=none do true"}
kernel = os.uname().release
ver = subprocess.run(["runsc", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
print(f"*{datetime.date.today()}: start to exit of `true`, {runs} interleaved rounds after 3 warm-ups, "
      f"{ver}, platform ptrace, {kernel}; as root and as uid 65534; `bench/gvisor.sh`*\n")
print("| command | median ms | IQR ms | min–max ms | × plain runsc do of the same user (median of per-round ratios, IQR) |")
print("|---|---:|---:|---:|---:|")
for k, t in times.items():
    s = sorted(t)
    q = statistics.quantiles(s, n=4)
    b = times[base[k.split(":")[0]]]
    ratios = sorted(x / y for x, y in zip(t, b))
    rq = statistics.quantiles(ratios, n=4)
    print(f"| `{k}` | {statistics.median(s):.1f} | {q[2]-q[0]:.1f} | {s[0]:.1f}–{s[-1]:.1f} | "
          f"{statistics.median(ratios):.2f} ({rq[0]:.2f}–{rq[2]:.2f}) |")
PY
echo "bench/gvisor.sh: results in bench/README.md and $json" >&2
