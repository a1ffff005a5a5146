#!/bin/bash
# Egress proxy benchmark (issue 4): direct vs through `bulkhead proxy` vs
# tinyproxy, on the host's loopback only, in one run:
#   - throughput of one 1 GiB transfer (curl -o /dev/null), best of 3;
#   - latency of 1,000 small requests, each on a new connection, timed
#     in-process by a Python client (median);
#   - 1,000 concurrent idle CONNECT tunnels held for 5 s (asyncio client),
#     all still open afterwards, and the proxy's resident memory.
# Appends a table under "## Egress proxy" in bench/README.md (replacing
# the previous one).  usage: bench/proxy.sh [BULKHEAD]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
BH=${1:-$here/../build/bulkhead}
SIZE=${BENCH_PROXY_BYTES:-1073741824}
RUNS=${BENCH_PROXY_RUNS:-1000}
IDLE=${BENCH_PROXY_IDLE:-1000}
W=$(mktemp -d /tmp/bh-bench-proxy.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$W"; }
trap cleanup EXIT
ulimit -n "$(ulimit -Hn)"
for t in curl tinyproxy python3; do
	command -v $t >/dev/null || { echo "bench/proxy.sh: $t missing (tools/setup.sh --bench)" >&2; exit 1; }
done

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 1 200); do ss -ltn | grep -q "127.0.0.1:$1 " && return; sleep 0.05; done; echo "port $1 never opened" >&2; exit 1; }

# Origin: /big streams SIZE zero bytes, anything else is a 2-byte body.
OP=$(free_port)
cat > "$W/origin.py" <<'PY'
import socket, sys, threading
size = int(sys.argv[2]); chunk = memoryview(bytes(1 << 20))
def serve(c):
    try:
        buf = b""
        while True:
            while b"\r\n\r\n" not in buf:
                d = c.recv(65536)
                if not d:
                    return
                buf += d
            head, buf = buf.split(b"\r\n\r\n", 1)
            line = head.split(b"\r\n", 1)[0]
            if line.startswith(b"CONNECT"):
                continue
            if b" /big " in line:
                c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % size)
                left = size
                while left:
                    n = min(left, len(chunk)); c.sendall(chunk[:n]); left -= n
            else:
                c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
    except OSError:
        pass
    finally:
        c.close()
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(4096)
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
PY
python3 "$W/origin.py" "$OP" "$SIZE" & pids+=($!)
wait_port "$OP"

BP=$(free_port)
echo "net allow 127.0.0.1:$OP" > "$W/bench.profile"
"$BH" proxy -p "$W/bench.profile" --listen "127.0.0.1:$BP" --log /dev/null 2> "$W/bh.err" & pids+=($!)
wait_port "$BP"

TP=$(free_port)
cat > "$W/tinyproxy.conf" <<CONF
Port $TP
Listen 127.0.0.1
Timeout 600
MaxClients $((IDLE + 100))
LogLevel Critical
Allow 127.0.0.1
ConnectPort $OP
DisableViaHeader Yes
CONF
tinyproxy -d -c "$W/tinyproxy.conf" > "$W/tp.log" 2>&1 & pids+=($!)
wait_port "$TP"

URL_BIG=http://127.0.0.1:$OP/big
URL_SMALL=http://127.0.0.1:$OP/small
declare -A via=([direct]="" [bulkhead]="--proxy http://127.0.0.1:$BP" [tinyproxy]="--proxy http://127.0.0.1:$TP")
declare -A mbps lat_ms idle_ok rss_kb

for k in direct bulkhead tinyproxy; do
	best=0
	for _ in 1 2 3; do
		# shellcheck disable=SC2086
		sp=$(curl -sS -o /dev/null ${via[$k]} -w '%{speed_download}' "$URL_BIG")
		best=$(python3 -c "print(max($best, $sp))")
	done
	mbps[$k]=$(python3 -c "print(round($best / 1048576, 1))")
	echo "$k: ${mbps[$k]} MiB/s" >&2
done

# Latency, timed in-process (no curl start-up noise), the three paths
# interleaved request by request so that drift in the machine's load hits
# them alike: a new connection per request, send, read the 2-byte body,
# close.
read -r lat_ms[direct] lat_ms[bulkhead] lat_ms[tinyproxy] < <(python3 - "$OP" "$BP" "$TP" "$RUNS" <<'PY'
import socket, statistics, sys, time
op, bp, tp, runs = (int(a) for a in sys.argv[1:5])
def one(port, target):
    req = b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n" % op
    t = time.perf_counter()
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(req)
    buf = b""
    while not (b"\r\n\r\n" in buf and buf.endswith(b"ok")):
        d = s.recv(4096)
        if not d:
            break
        buf += d
    s.close()
    assert buf.endswith(b"ok"), buf[:80]
    return time.perf_counter() - t
paths = [(op, b"/small"), (bp, b"http://127.0.0.1:%d/small" % op),
         (tp, b"http://127.0.0.1:%d/small" % op)]
xs = [[], [], []]
for i in range(runs + 20):
    for j, (port, target) in enumerate(paths):
        x = one(port, target)
        if i >= 20:
            xs[j].append(x)
print(" ".join("%.3f" % (statistics.median(x) * 1000) for x in xs))
PY
)
echo "latency medians ms: direct ${lat_ms[direct]}, bulkhead ${lat_ms[bulkhead]}, tinyproxy ${lat_ms[tinyproxy]}" >&2

idle() { # PROXYPORT -> "held/asked"
	python3 - "$1" "$OP" "$IDLE" <<'PY'
import asyncio, sys
pp, op, n = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
async def one():
    r, w = await asyncio.open_connection("127.0.0.1", pp)
    w.write(b"CONNECT 127.0.0.1:%d HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n" % (op, op))
    line = await asyncio.wait_for(r.readline(), 20)
    while (await r.readline()) not in (b"\r\n", b""):
        pass
    return (r, w) if b" 200 " in line else None
async def main():
    sem = asyncio.Semaphore(100)
    async def guarded():
        async with sem:
            try:
                return await one()
            except Exception:
                return None
    conns = [c for c in await asyncio.gather(*[guarded() for _ in range(n)]) if c]
    await asyncio.sleep(5)
    alive = 0
    for r, w in conns:
        w.write(b"GET /small HTTP/1.1\r\nHost: x\r\n\r\n")
    for r, w in conns:
        try:
            if b"200" in await asyncio.wait_for(r.readline(), 20):
                alive += 1
        except Exception:
            pass
        w.close()
    print("%d/%d" % (alive, n))
asyncio.run(main())
PY
}
rss_of() { ps -o rss= --ppid "$1" --pid "$1" 2>/dev/null | awk '{s+=$1} END {print s+0}'; }
for k in bulkhead tinyproxy; do
	port=$BP; [ $k = tinyproxy ] && port=$TP
	idle "$port" > "$W/idle-$k" &
	ip=$!
	sleep 4
	pid=${pids[1]}; [ $k = tinyproxy ] && pid=${pids[2]}
	rss_kb[$k]=$(rss_of "$pid")
	wait $ip
	idle_ok[$k]=$(cat "$W/idle-$k")
	echo "$k: idle tunnels held ${idle_ok[$k]}, RSS ${rss_kb[$k]} KiB" >&2
done

pct() { python3 -c "print(round(100.0 * $1 / $2, 1))"; }
add() { python3 -c "print('%+.0f' % (($1 - $2) * 1000))"; }
table=$(cat <<MD
## Egress proxy

*$(date -u +%Y-%m-%d), $(nproc) CPUs, loopback; origin: a Python server; clients: curl $(curl --version | awk 'NR==1{print $2}'), tinyproxy $(tinyproxy -v 2>&1 | awk '{print $2}'); \`bench/proxy.sh\`*

| path | 1 GiB throughput MiB/s | % of direct | small request median ms ($RUNS runs) | added µs | $IDLE idle tunnels held | proxy RSS with them |
|---|---:|---:|---:|---:|---:|---:|
| direct | ${mbps[direct]} | 100 | ${lat_ms[direct]} | 0 | – | – |
| bulkhead proxy | ${mbps[bulkhead]} | $(pct "${mbps[bulkhead]}" "${mbps[direct]}") | ${lat_ms[bulkhead]} | $(add "${lat_ms[bulkhead]}" "${lat_ms[direct]}") | ${idle_ok[bulkhead]} | ${rss_kb[bulkhead]} KiB |
| tinyproxy | ${mbps[tinyproxy]} | $(pct "${mbps[tinyproxy]}" "${mbps[direct]}") | ${lat_ms[tinyproxy]} | $(add "${lat_ms[tinyproxy]}" "${lat_ms[direct]}") | ${idle_ok[tinyproxy]} | ${rss_kb[tinyproxy]} KiB |

Per-request latency: connect, request, 2-byte response, close, timed in
one Python process, the three paths interleaved request by request
(median of $RUNS each after 20 warm-up rounds); "added" is
the proxy's cost per fetch: one more loopback connection, the parse, the
decision and the relay.  Throughput: best of 3 curl downloads; with two
CPUs the proxy competes with the origin and curl for CPU (the
relay splices through a pipe per direction once a tunnel is up).  Idle tunnels: CONNECT to the origin, held 5 s, then each
carries one request; RSS is the proxy's (bulkhead: supervisor + confined
child).
MD
)
readme=$here/README.md
python3 - "$readme" "$table" <<'PY'
import re, sys
path, table = sys.argv[1], sys.argv[2]
text = open(path).read()
m = re.search(r"^## Egress proxy\n.*?(?=^## |\Z)", text, re.S | re.M)
text = text[:m.start()] + table + "\n\n" + text[m.end():] if m else text.rstrip("\n") + "\n\n" + table + "\n"
open(path, "w").write(text)
PY
echo "$table"
