# The egress proxy, standalone (`bulkhead proxy`), with real clients.
# Everything runs inside a network namespace each test creates with only
# loopback (DESIGN.md settled 14): the stub DNS server may answer
# 10.0.0.1 or 169.254.169.254 and nothing can leave the machine even if
# the proxy had a bug.  As root the proxy runs as root and drops to 65534;
# as a user, inside `unshare -rn`.
TIERS="kernel"

# Runs the script on stdin inside a fresh network namespace, as the mode's
# user, with the helper functions below defined.  Output in OUT.
netns_run() {
	mkdir -p "$T/px"
	chmod 777 "$T/px"
	local script="$T/px/scenario.sh"
	{
		echo 'set -u'
		# Background servers must not outlive the scenario (nor hold
		# the output pipe open).
		echo 'trap '"'"'kill $(jobs -p) 2>/dev/null; wait'"'"' EXIT'
		declare -f px_setup px_proxy px_raw px_wait_port px_big_body
		cat
	} > "$script"
	chmod 644 "$script"
	local -a envv=(PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin
		       HOME="$T/home" LANG=C.UTF-8 BH_BIN="$BH_BIN"
		       STUB="$HERE/../helpers/dnsstub.py"
		       ORIGIN="$HERE/../helpers/httporigin.py" W="$T/px"
		       PYTHONDONTWRITEBYTECODE=1)
	if [ "$MODE" = user ]; then
		OUT=$(setpriv --reuid=65534 --regid=65534 --clear-groups \
			env -i "${envv[@]}" unshare -rn bash "$script" 2>&1)
	else
		OUT=$(env -i "${envv[@]}" unshare -n bash "$script" 2>&1)
	fi
}

px_wait_port() { # PORT
	for _ in $(seq 1 100); do
		ss -ltn 2>/dev/null | grep -q "127.0.0.1:$1 " && return 0
		sleep 0.05
	done
	echo "port $1 never listened"
}

# Origins and the stub DNS, all on this namespace's loopback.
px_setup() {
	ip link set lo up
	cd "$W" || exit 1
	mkdir -p www
	echo "hello from origin" > www/index.txt
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
		-nodes -keyout key.pem -out cert.pem -days 2 \
		-subj /CN=allowed.test \
		-addext "subjectAltName=DNS:allowed.test,DNS:other.test" \
		2>/dev/null
	python3 -m http.server 8080 --bind 127.0.0.1 --directory www \
		> origin.log 2>&1 &
	openssl s_server -quiet -accept 127.0.0.1:443 -cert cert.pem \
		-key key.pem -WWW > tls.log 2>&1 &
	(cd www && exec openssl s_server -quiet -accept 127.0.0.1:8443 \
		-cert ../cert.pem -key ../key.pem -WWW > ../tls2.log 2>&1) &
	python3 "$STUB" dns.port queries allowed.test=127.0.0.1 \
		other.test=127.0.0.1 denied.test=127.0.0.1 \
		meta.test=169.254.169.254 ten.test=10.0.0.1 > dns.log 2>&1 &
	# Raw-socket origin: bodies hashed, framing logged, WebSocket echo.
	: > http.log
	python3 "$ORIGIN" serve origin.port http.log > horigin.log 2>&1 &
	for _ in $(seq 1 100); do [ -s dns.port ] && [ -s origin.port ] && break; sleep 0.05; done
	OPORT=$(cat origin.port)
	px_wait_port 8080
	px_wait_port 443
	: > queries
}

# px_proxy PROFILE-TEXT [ARGS...]: starts the proxy on 127.0.0.1:3128.
px_proxy() {
	printf '%s\n' "$1" > "$W/test.profile"
	shift
	"$BH_BIN" proxy -p "$W/test.profile" --listen 127.0.0.1:3128 \
		--dns "127.0.0.1:$(cat "$W/dns.port")" --log "$W/audit.jsonl" \
		"$@" > "$W/proxy.out" 2> "$W/proxy.err" &
	PROXY=$!
	px_wait_port 3128
}

# px_big_body: writes 300000 random bytes to big.bin, prints "want HASH".
px_big_body() {
	head -c 300000 /dev/urandom > big.bin
	echo "want $(sha256sum big.bin | cut -d' ' -f1)"
}

# The hash px_big_body printed, from the scenario's output.
px_want() {
	printf '%s\n' "$OUT" | sed -n 's/^want //p'
}

# px_raw HEX-OR-TEXT: sends raw bytes to the proxy, prints the reply.
px_raw() {
	python3 - "$1" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", 3128), timeout=5)
s.sendall(sys.argv[1].encode("latin-1").decode("unicode_escape").encode("latin-1"))
data = b""
try:
    while len(data) < 4096:
        d = s.recv(4096)
        if not d:
            break
        data += d
except Exception:
    pass
print("REPLY:" + repr(data[:120]))
PY
}

test_proxy_allowed_literal_connect_http_socks5() {
	command -v curl >/dev/null || skip "curl not installed"
	netns_run <<'EOS'
px_setup
px_proxy "net allow 127.0.0.1"
P=http://127.0.0.1:3128
echo "plain: $(curl -sSf -m 5 --proxy $P http://127.0.0.1:8080/index.txt)"
echo "tunnel: $(curl -sSf -m 5 -p --proxy $P http://127.0.0.1:8080/index.txt)"
echo "socks: $(curl -sSf -m 5 --socks5-hostname 127.0.0.1:3128 http://127.0.0.1:8080/index.txt)"
echo "socks-ip: $(curl -sSf -m 5 --socks5 127.0.0.1:3128 http://127.0.0.1:8080/index.txt)"
# HTTPS to the literal: no SNI is sent for an address, and none is needed.
echo "https: $(curl -sSf -m 5 -k --proxy $P https://127.0.0.1/www/index.txt | head -c 40)"
# git, dumb HTTP through the plain proxy.
git init -q --bare www/repo.git 2>/dev/null && (cd www/repo.git && git update-server-info)
git -c http.proxy=$P clone -q http://127.0.0.1:8080/repo.git clone 2>&1 | grep -v warning
[ -d clone/.git ] && echo "git: cloned"
sleep 0.2
echo "records: $(grep -c '"decision":"allow"' audit.jsonl)"
grep -q '"rule":"'"$W"'/test.profile:1:11 net allow 127.0.0.1"' audit.jsonl && echo "rule located"
grep -o '"bytes_down":[0-9]*' audit.jsonl | head -1
EOS
	expect_contains "$OUT" "plain: hello from origin"
	expect_contains "$OUT" "tunnel: hello from origin"
	expect_contains "$OUT" "socks: hello from origin"
	expect_contains "$OUT" "socks-ip: hello from origin"
	expect_contains "$OUT" "https: hello from origin"
	expect_contains "$OUT" "git: cloned"
	expect_contains "$OUT" "rule located"
	expect_not_contains "$OUT" '"bytes_down":0'
}

test_proxy_rebinding_and_metadata_refused() {
	netns_run <<'EOS'
px_setup
px_proxy "net allow allowed.test meta.test ten.test"
P=http://127.0.0.1:3128
for h in allowed.test:8080 meta.test ten.test 169.254.169.254; do
	curl -sSf -m 5 -o /dev/null --proxy $P http://$h/index.txt 2>/dev/null
	echo "$h plain rc=$?"
	curl -sSf -m 5 -o /dev/null --socks5-hostname 127.0.0.1:3128 http://$h/ 2>/dev/null
	echo "$h socks rc=$?"
done
grep -c '"decision":"deny"' audit.jsonl
grep -o 'resolves to [0-9.]*: is a [a-z ]*' audit.jsonl | sort -u
grep -q '"addr":"169.254.169.254"' audit.jsonl && echo "metadata addr logged"
cat origin.log | grep -c 'GET' | sed 's/^/origin hits: /'
EOS
	expect_contains "$OUT" "allowed.test:8080 plain rc=22"
	expect_contains "$OUT" "allowed.test:8080 socks rc=97"
	expect_contains "$OUT" "meta.test plain rc=22"
	expect_contains "$OUT" "ten.test socks rc=97"
	expect_contains "$OUT" "169.254.169.254 plain rc=22"
	expect_contains "$OUT" "resolves to 127.0.0.1: is a loopback"
	expect_contains "$OUT" "resolves to 169.254.169.254"
	expect_contains "$OUT" "resolves to 10.0.0.1"
	expect_contains "$OUT" "metadata addr logged"
	expect_contains "$OUT" "origin hits: 0"
}

test_proxy_denied_name_never_queried() {
	netns_run <<'EOS'
px_setup
px_proxy "net allow 127.0.0.1 allowed.test
net deny other.test"
P=http://127.0.0.1:3128
curl -sSf -m 5 -o /dev/null --proxy $P http://denied.test:8080/; echo "denied plain rc=$?"
curl -sSf -m 5 -o /dev/null -p --proxy $P http://denied.test:8080/; echo "denied connect rc=$?"
curl -sSf -m 5 -o /dev/null --socks5-hostname 127.0.0.1:3128 http://denied.test:8080/; echo "denied socks rc=$?"
curl -sSf -m 5 -o /dev/null --proxy $P http://other.test:8080/; echo "deny rule rc=$?"
curl -sSf -m 5 -o /dev/null --proxy $P http://allowed.test.evil.test:8080/; echo "suffix rc=$?"
curl -sSf -m 5 -o /dev/null --proxy $P http://evilallowed.test:8080/; echo "glued rc=$?"
# SOCKS5 DOMAINNAME with a NUL: "denied.test\0.allowed.test".
python3 - <<'PY'
import socket
s = socket.create_connection(("127.0.0.1", 3128), timeout=5)
s.sendall(b"\x05\x01\x00")
s.recv(2)
name = b"denied.test\x00.allowed.test"
s.sendall(b"\x05\x01\x00\x03" + bytes([len(name)]) + name + b"\x1f\x90")
print("nul reply", s.recv(10)[:2])
PY
sleep 0.3
echo "queries: $(sort -u queries | tr '\n' ' ')"
grep -c '"decision":"deny"' audit.jsonl | sed 's/^/denials: /'
EOS
	expect_contains "$OUT" "denied plain rc=22"
	expect_not_contains "$OUT" "denied connect rc=0"
	expect_contains "$OUT" "denied socks rc=97"
	expect_contains "$OUT" "deny rule rc=22"
	expect_contains "$OUT" "suffix rc=22"
	expect_contains "$OUT" "glued rc=22"
	expect_contains "$OUT" "nul reply b'\\x05\\x04'"
	expect_not_contains "$OUT" "denied.test 1"
	expect_not_contains "$OUT" "other.test 1"
	expect_not_contains "$OUT" "evil"
	expect_contains "$OUT" "denials: 7"
}

test_proxy_parser_tricks_refused_over_the_wire() {
	netns_run <<'EOS'
px_setup
px_proxy "net allow 127.0.0.1"
px_raw 'GET http://127.0.0.1:8080/ HTTP/1.1\r\nHost: evil.test\r\n\r\n'
px_raw 'GET http://127.0.0.1:8080/ HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nHost: 127.0.0.1:8080\r\n\r\n'
px_raw 'GET http://127.0.0.1:8080/ HTTP/1.1\r\nX: a\r\n folded\r\n\r\n'
px_raw 'POST http://127.0.0.1:8080/ HTTP/1.1\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'
px_raw 'GET http://127.0.0.1:8080/ HTTP/1.1\r\nX: a\rb\r\n\r\n'
px_raw 'GET http://127.0.0.1:8080/ HTTP/1.1\r\nX: a\x00b\r\n\r\n'
px_raw 'GET http://127.0.0.1:8080@evil.test/ HTTP/1.1\r\n\r\n'
px_raw 'GET /index.txt HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n'
px_raw 'CONNECT 2130706433:8080 HTTP/1.1\r\n\r\n' | head -c 60; echo
# Keep-alive reuse: the second request, to another host, never reaches
# the origin (one request per connection, bytes after the body dropped).
px_raw 'GET http://127.0.0.1:8080/index.txt HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\nGET http://evil.test/second HTTP/1.1\r\nHost: evil.test\r\n\r\n' | head -c 30; echo
sleep 0.3
echo "origin GETs: $(grep -c 'GET' origin.log)"
grep -c '"reason":"bad request' audit.jsonl | sed 's/^/bad requests: /'
EOS
	expect_not_contains "$OUT" "REPLY:b''"
	[ "$(printf '%s\n' "$OUT" | grep -c "REPLY:b'HTTP/1.1 400")" = 8 ] ||
		fail "expected 8 refusals with 400: $OUT"
	expect_contains "$OUT" "REPLY:b'HTTP/1.1 200 Connection established"
	expect_contains "$OUT" "origin GETs: 1"
	expect_not_contains "$OUT" "second"
	expect_contains "$OUT" "bad requests: 8"
}

test_proxy_http_bodies() {
	command -v curl >/dev/null || skip "curl not installed"
	netns_run <<'EOS'
px_setup
px_proxy "net allow 127.0.0.1"
px_big_body
# Content-Length, HTTP/1.1.
curl -sS -m 10 --proxy http://127.0.0.1:3128 --data-binary @big.bin \
	http://127.0.0.1:$OPORT/cl | sed 's/^/cl: /'
# HTTP/1.0 without Host: the rewritten head is longer than the one
# received, and a full buffer of body bytes read with the head must all
# reach the origin.  The head's last CRLF comes with the body, so the read
# that completes the head is likely to fill the buffer.
python3 - "$OPORT" <<'PY'
import os, sys; sys.path.insert(0, os.path.dirname(os.environ["ORIGIN"]))
from httporigin import proxy_send
body = open("big.bin", "rb").read()
head = b"POST http://127.0.0.1:%s/ HTTP/1.0\r\nContent-Length: %d\r\n" % (
    sys.argv[1].encode(), len(body))
reply = proxy_send([head, b"\r\n" + body], pause=0.3)
print("http/1.0:", reply.split(b"\r\n\r\n", 1)[-1][:90])
PY
EOS
	local want
	want=$(px_want)
	expect_contains "$OUT" "cl: len=300000 sha256=$want"
	expect_contains "$OUT" "http/1.0: b'len=300000 sha256=$want"
}

test_proxy_chunked_request_bodies() {
	command -v curl >/dev/null || skip "curl not installed"
	netns_run <<'EOS'
px_setup
px_proxy "net allow 127.0.0.1"
px_big_body
# curl frames the body itself, and the origin answers chunked.
curl -sS -m 10 --proxy http://127.0.0.1:3128 -H 'Transfer-Encoding: chunked' \
	--data-binary @big.bin http://127.0.0.1:$OPORT/up | sed 's/^/curl: /'
# An interim 100 Continue passes through like any response byte.
curl -sSv -m 10 --proxy http://127.0.0.1:3128 -H 'Transfer-Encoding: chunked' \
	-H 'Expect: 100-continue' --data-binary @big.bin \
	http://127.0.0.1:$OPORT/up 2>&1 | grep -E '^< HTTP|^len=' | tr -d '\r' |
	sed 's/^/expect: /'
# Trailers, then a pipelined request for another host in the same write,
# then the same body dribbled a few bytes a write.
python3 - "$OPORT" <<'PY'
import os, sys; sys.path.insert(0, os.path.dirname(os.environ["ORIGIN"]))
from httporigin import proxy_send
port = sys.argv[1].encode()
head = b"POST http://127.0.0.1:%s/t HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nTransfer-Encoding: chunked\r\n\r\n" % (port, port)
body = b"5\r\nhello\r\n6\r\n world\r\n0\r\nX-Sum: 1\r\n\r\n"
second = b"GET http://evil.test/second HTTP/1.1\r\nHost: evil.test\r\n\r\n"
print("pipelined:", proxy_send([head + body + second]).split(b"\r\n")[0])
print("dribbled:", proxy_send([head + body], step=3).split(b"\r\n")[0])
PY
sleep 0.3
grep -o 'body len=[0-9]* sha256=[0-9a-f]* trailers=[^ ]*' http.log | sort | uniq -c
echo "extras: $(grep -o 'extra=[0-9]*' http.log | sort -u | tr '\n' ' ')"
grep -q '"decision":"allow"' audit.jsonl && echo "audited"
EOS
	local want
	want=$(px_want)
	expect_contains "$OUT" "curl: len=300000 sha256=$want"
	expect_contains "$OUT" "expect: < HTTP/1.1 100 Continue"
	expect_contains "$OUT" "expect: < HTTP/1.1 200 OK"
	expect_contains "$OUT" "expect: len=300000 sha256=$want"
	expect_contains "$OUT" "2 body len=300000 sha256=$want trailers=-"
	expect_contains "$OUT" "pipelined: b'HTTP/1.1 200 OK'"
	expect_contains "$OUT" "dribbled: b'HTTP/1.1 200 OK'"
	# hello world, with its trailer, twice; nothing after either body.
	expect_contains "$OUT" "2 body len=11 sha256=b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9 trailers=X-Sum"
	expect_contains "$OUT" "extras: extra=0 "
	expect_not_contains "$OUT" "second"
	expect_contains "$OUT" "audited"
}

# Request smuggling: every ambiguous framing is refused with 400 before a
# byte reaches the origin; a body that goes bad later is cut where it does.
test_proxy_chunked_smuggling_refused() {
	netns_run <<'EOS'
px_setup
px_proxy "net allow 127.0.0.1"
H="POST http://127.0.0.1:$OPORT/s HTTP/1.1\r\nHost: 127.0.0.1:$OPORT\r\n"
px_raw "${H}Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET http://127.0.0.1:$OPORT/smuggled HTTP/1.1\r\n\r\n"
px_raw "${H}Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n"
px_raw "${H}Transfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n"
px_raw "${H}Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n"
px_raw "${H}Transfer-Encoding: chunked \r\n\r\n0\r\n\r\n"
px_raw "${H}Transfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n"
px_raw "${H}Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n0\r\n\r\n"
px_raw "${H}Content-Length: 4\r\nContent-Length: 5\r\n\r\nabcde"
px_raw "POST http://127.0.0.1:$OPORT/s HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
# Bad chunk framing read with the head: refused before connecting.
px_raw "${H}Transfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n0\r\n\r\n"
px_raw "${H}Transfer-Encoding: chunked\r\n\r\n5\nhello\n0\n\n"
px_raw "${H}Transfer-Encoding: chunked\r\n\r\n100000000\r\n"
px_raw "${H}Transfer-Encoding: chunked\r\n\r\n0\r\nContent-Length: 50\r\n\r\n"
sleep 0.3
echo "origin connections: $(grep -c ' head ' http.log)"
# A body that goes bad after the head went: the origin gets the valid
# prefix only, then the connection closes; the client gets a 400.
python3 - "$OPORT" <<'PY'
import os, sys; sys.path.insert(0, os.path.dirname(os.environ["ORIGIN"]))
from httporigin import proxy_send
port = sys.argv[1].encode()
data = proxy_send([b"POST http://127.0.0.1:%s/late HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n" % port,
                   b"5\r\nworld\r\nGET http://127.0.0.1:%s/smuggled HTTP/1.1\r\n\r\n" % port], pause=0.5)
print("late:", data.split(b"\r\n")[0], b"chunked body: chunk size is not hex" in data)
PY
sleep 0.5
grep -c ' head ' http.log | sed 's/^/origin connections after: /'
grep ' bad ' http.log | sed 's/^c[0-9]* /origin: /'
grep -c '"reason":"bad request' audit.jsonl | sed 's/^/bad requests: /'
grep -o '"reason":"bad request: chunked body[^"]*"' audit.jsonl | sort | uniq -c
EOS
	expect_not_contains "$OUT" "REPLY:b''"
	[ "$(printf '%s\n' "$OUT" | grep -c "REPLY:b'HTTP/1.1 400 Bad Request")" = 13 ] ||
		fail "expected 13 refusals with 400: $OUT"
	expect_contains "$OUT" "origin connections: 0"
	expect_contains "$OUT" "late: b'HTTP/1.1 400 Bad Request' True"
	expect_contains "$OUT" "origin connections after: 1"
	expect_contains "$OUT" "origin: bad "
	expect_not_contains "$OUT" "smuggled"
	expect_contains "$OUT" "bad requests: 14"
	expect_contains "$OUT" '1 "reason":"bad request: chunked body: chunk extension"'
	expect_contains "$OUT" '1 "reason":"bad request: chunked body: chunk size is not hex"'
	expect_contains "$OUT" '1 "reason":"bad request: chunked body: chunk size too large"'
	expect_contains "$OUT" '1 "reason":"bad request: chunked body: bare LF after a chunk size"'
	expect_contains "$OUT" '1 "reason":"bad request: chunked body: trailer names a framing'
}

# WebSocket over plain HTTP: forwarded to an allowed host, a tunnel after
# the origin's 101, audited like one; refused for a denied host; client
# bytes sent before the 101 held, and dropped when the origin says no.
test_proxy_websocket() {
	command -v curl >/dev/null || skip "curl not installed"
	netns_run <<'EOS'
px_setup
px_proxy "net allow 127.0.0.1"
python3 "$ORIGIN" ws-client 3128 127.0.0.1:$OPORT /ws | sed 's/^/ws: /'
python3 "$ORIGIN" ws-client 3128 127.0.0.1:$OPORT /ws early | sed 's/^/early: /'
python3 "$ORIGIN" ws-client 3128 127.0.0.1:$OPORT /nows early | sed 's/^/nows: /'
python3 "$ORIGIN" ws-client 3128 denied.test:$OPORT /ws | sed 's/^/denied: /'
# Any other Upgrade is dropped: the origin sees a plain HTTP/1.1 request.
curl -sS -m 5 --http2 --proxy http://127.0.0.1:3128 http://127.0.0.1:$OPORT/curl |
	head -1 | sed 's/^/curl h2c: /'
px_raw "GET http://127.0.0.1:$OPORT/h2c HTTP/1.1\r\nUpgrade: h2c\r\nConnection: Upgrade, HTTP2-Settings\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n" | sed 's/^/h2c: /'
sleep 0.5
grep -o 'ws [a-z]*=[0-9]*.*\|ws open' http.log | sort | uniq -c
h2c=$(grep ' head GET /h2c ' http.log | cut -d' ' -f1)
echo "h2c at origin: $(grep "^$h2c header" http.log | cut -d' ' -f3 | tr 'A-Z\n' 'a-z ')"
echo "queries: $(sort -u queries | tr '\n' ' ')"
python3 - <<'PY'
import json
for line in open("audit.jsonl"):
    r = json.loads(line)
    if r["proto"] == "websocket":
        big = r["bytes_up"] > 200000 and r["bytes_down"] > 200000
        print("audit:", r["host"], r["decision"], "big" if big else "small",
              "timed" if isinstance(r["duration_ms"], int) else "untimed",
              r["reason"])
PY
EOS
	expect_contains "$OUT" "ws: status 101"
	expect_contains "$OUT" "ws: accept ok"
	expect_contains "$OUT" "ws: echo text ok"
	expect_contains "$OUT" "ws: echo binary ok"
	expect_contains "$OUT" "ws: close ok"
	expect_contains "$OUT" "early: echo text ok"
	expect_contains "$OUT" "early: echo binary ok"
	expect_contains "$OUT" "nows: status 403"
	expect_contains "$OUT" "denied: status 403"
	expect_contains "$OUT" "h2c: REPLY:b'HTTP/1.1 200 OK"
	expect_contains "$OUT" "curl h2c: GET /curl HTTP/1.1"
	expect_contains "$OUT" "1 ws early=0"
	expect_contains "$OUT" "2 ws frames=2 bytes=200023"
	expect_contains "$OUT" "h2c at origin: host: connection: "
	expect_not_contains "$OUT" "denied.test 1"
	[ "$(printf '%s\n' "$OUT" | grep -c "audit: 127.0.0.1 allow big timed None")" = 2 ] ||
		fail "two audited tunnels: $OUT"
	expect_contains "$OUT" "audit: 127.0.0.1 allow small timed WebSocket not upgraded: the origin answered 403"
	expect_contains "$OUT" "audit: denied.test deny small timed no rule allows it"
}

test_proxy_sni_must_match() {
	netns_run <<'EOS'
px_setup
px_proxy "net allow allowed.test:443 other.test:443 127.0.0.1"
P=http://127.0.0.1:3128
echo "match: $(curl -sSf -m 5 --cacert cert.pem --proxy $P https://allowed.test/www/index.txt)"
echo "socks match: $(curl -sSf -m 5 --cacert cert.pem --socks5-hostname 127.0.0.1:3128 https://allowed.test/www/index.txt)"
# CONNECT allowed.test:443, SNI other.test: fronting.
echo | openssl s_client -proxy 127.0.0.1:3128 -connect allowed.test:443 -servername other.test > s1.out 2>&1
grep -q 'BEGIN CERTIFICATE' s1.out && echo "fronting: handshake done" || echo "fronting: closed"
echo | openssl s_client -proxy 127.0.0.1:3128 -connect allowed.test:443 -noservername > s2.out 2>&1
grep -q 'BEGIN CERTIFICATE' s2.out && echo "nosni: handshake done" || echo "nosni: closed"
# Not TLS at all on 443.
python3 - <<'PY'
import socket
s = socket.create_connection(("127.0.0.1", 3128), timeout=5)
s.sendall(b"CONNECT allowed.test:443 HTTP/1.1\r\n\r\n")
s.recv(100)
s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
print("plaintext on 443:", s.recv(100))
PY
# A hello dribbled one byte at a time is waited for, then judged.
python3 - <<'PY'
import socket, subprocess, time
sock = socket.socket(); sock.bind(("127.0.0.1", 0)); sock.listen(1)
p = subprocess.Popen(["openssl", "s_client", "-connect", "127.0.0.1:%d" % sock.getsockname()[1], "-servername", "other.test"],
                     stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
c, _ = sock.accept(); c.settimeout(1); hello = c.recv(65536); p.kill()
s = socket.create_connection(("127.0.0.1", 3128), timeout=5)
s.sendall(b"CONNECT allowed.test:443 HTTP/1.1\r\n\r\n"); s.recv(100)
for b in hello:
    try:
        s.send(bytes([b])); time.sleep(0.001)
    except OSError:
        break
print("dribbled mismatch:", s.recv(100))
PY
sleep 0.3
grep -o '"reason":"domain-fronting[^"]*"' audit.jsonl
EOS
	expect_contains "$OUT" "match: hello from origin"
	expect_contains "$OUT" "socks match: hello from origin"
	expect_contains "$OUT" "fronting: closed"
	expect_contains "$OUT" "nosni: closed"
	expect_contains "$OUT" "plaintext on 443: b''"
	expect_contains "$OUT" "dribbled mismatch: b''"
	expect_contains "$OUT" "SNI other.test differs from the requested host allowed.test"
	expect_contains "$OUT" "without a server name"
}

test_proxy_token_required() {
	netns_run <<'EOS'
px_setup
px_proxy "net allow 127.0.0.1" --token s3cret
curl -sSf -m 5 -o /dev/null --proxy http://127.0.0.1:3128 http://127.0.0.1:8080/index.txt; echo "none rc=$?"
curl -sSf -m 5 --proxy http://bulkhead:s3cret@127.0.0.1:3128 http://127.0.0.1:8080/index.txt; echo "basic rc=$?"
curl -sSf -m 5 -o /dev/null --proxy http://bulkhead:wrong@127.0.0.1:3128 http://127.0.0.1:8080/index.txt; echo "wrong rc=$?"
curl -sSf -m 5 --socks5-hostname 127.0.0.1:3128 --proxy-user bulkhead:s3cret http://127.0.0.1:8080/index.txt; echo "socks rc=$?"
curl -sSf -m 5 -o /dev/null --socks5-hostname 127.0.0.1:3128 http://127.0.0.1:8080/index.txt; echo "socks none rc=$?"
EOS
	expect_contains "$OUT" "none rc=22"
	expect_contains "$OUT" "basic rc=0"
	expect_contains "$OUT" "wrong rc=22"
	expect_contains "$OUT" "socks rc=0"
	expect_contains "$OUT" "socks none rc=97"
}

test_proxy_lookup_storm_rate_limited() {
	netns_run <<'EOS'
px_setup
px_proxy "net allow *.wild.test"
for i in $(seq 1 40); do
	curl -s -m 5 -o /dev/null --proxy http://127.0.0.1:3128 http://r$i.wild.test/
done
sleep 0.3
echo "names queried: $(awk '{print $1}' queries | sort -u | wc -l)"
grep -c 'DNS rate limit' audit.jsonl | sed 's/^/limited: /'
EOS
	expect_contains "$OUT" "names queried: 32"
	expect_contains "$OUT" "limited: 8"
}

test_proxy_killed_proxy_fails_closed() {
	netns_run <<'EOS'
px_setup
px_proxy "net allow 127.0.0.1"
curl -sSf -m 5 -o /dev/null --proxy http://127.0.0.1:3128 http://127.0.0.1:8080/index.txt; echo "before rc=$?"
# The supervisor dies hard: the confined child dies with it.
kill -9 $PROXY
sleep 0.3
curl -sS -m 5 -o /dev/null --proxy http://127.0.0.1:3128 http://127.0.0.1:8080/index.txt; echo "after rc=$?"
curl -sS -m 5 -o /dev/null --socks5-hostname 127.0.0.1:3128 http://127.0.0.1:8080/index.txt; echo "socks after rc=$?"
pgrep -f "proxy -p $W/test.profile" >/dev/null && echo "proxy still running" || echo "proxy gone"
EOS
	expect_contains "$OUT" "before rc=0"
	expect_contains "$OUT" "after rc=7"
	expect_contains "$OUT" "socks after rc=7"
	expect_contains "$OUT" "proxy gone"
}
