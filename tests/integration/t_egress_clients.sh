# Real package clients (npm, pip) through the session's egress proxy, in both
# tiers, against a registry stand-in this test starts on 127.0.0.1.  Only
# loopback is ever contacted.

# start_registry KIND NAME: builds the artifacts for package NAME under
# $T/reg and serves them (KIND "npm" or "pypi") on 127.0.0.1, port 0.
# Sets PORT and REG (the server's pid) and writes $T/c.profile.
start_registry() {
	local kind=$1 name=$2
	mkdir -p "$T/reg"
	cat > "$T/reg/server.py" <<'PY'
import base64, hashlib, http.server, io, json, os, re, sys, zipfile

kind, name, root, portfile = sys.argv[1:5]
files = {}  # URL path -> (content type, bytes)

if kind == "npm":
    tgz = open(os.path.join(root, "pkg.tgz"), "rb").read()
    files["/%s/-/%s-1.0.0.tgz" % (name, name)] = ("application/octet-stream", tgz)
else:
    init = b"VALUE = 'bh-pip-ok'\n"
    di = "%s-1.0.dist-info" % name
    meta = ("Metadata-Version: 2.1\nName: %s\nVersion: 1.0\n" % name).encode()
    wheel = b"Wheel-Version: 1.0\nGenerator: bh-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    entries = [("%s/__init__.py" % name, init), (di + "/METADATA", meta),
               (di + "/WHEEL", wheel)]
    def rec(path, data):
        h = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        return "%s,sha256=%s,%d\n" % (path, h, len(data))
    record = "".join(rec(p, d) for p, d in entries) + di + "/RECORD,,\n"
    entries.append((di + "/RECORD", record.encode()))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for p, d in entries:
            z.writestr(p, d)
    whl = buf.getvalue()
    fn = "%s-1.0-py3-none-any.whl" % name
    files["/files/" + fn] = ("application/octet-stream", whl)

class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, fmt, *a):
        sys.stderr.write("%s\n" % (self.requestline,))
    def send(self, ctype, body, code=200):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def do_GET(self):
        port = self.server.server_address[1]
        base = "http://127.0.0.1:%d" % port
        path = self.path.split("?")[0]
        if path in files:
            return self.send(*files[path])
        if kind == "npm" and path.rstrip("/") in ("/" + name,):
            tgz = files["/%s/-/%s-1.0.0.tgz" % (name, name)][1]
            integ = "sha512-" + base64.b64encode(hashlib.sha512(tgz).digest()).decode()
            v = {"name": name, "version": "1.0.0", "main": "index.js",
                 "dist": {"tarball": "%s/%s/-/%s-1.0.0.tgz" % (base, name, name),
                          "shasum": hashlib.sha1(tgz).hexdigest(),
                          "integrity": integ}}
            doc = {"name": name, "dist-tags": {"latest": "1.0.0"},
                   "versions": {"1.0.0": v}}
            return self.send("application/json", json.dumps(doc).encode())
        # PEP 503: the index answers at the normalized project name.
        norm = re.sub(r"[-_.]+", "-", name).lower()
        if kind == "pypi" and path.rstrip("/") == "/simple/" + norm:
            fn = "%s-1.0-py3-none-any.whl" % name
            whl = files["/files/" + fn][1]
            html = ('<!DOCTYPE html><html><body><a href="%s/files/%s#sha256=%s">%s</a>'
                    '</body></html>\n') % (base, fn, hashlib.sha256(whl).hexdigest(), fn)
            return self.send("text/html", html.encode())
        self.send("text/plain", b"not found\n", 404)

srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
with open(portfile + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(portfile + ".tmp", portfile)
srv.serve_forever()
PY
	if [ "$kind" = npm ]; then
		mkdir -p "$T/reg/src/package"
		printf '{"name":"%s","version":"1.0.0","main":"index.js"}\n' "$name" \
			> "$T/reg/src/package/package.json"
		echo "module.exports = 'bh-npm-ok';" > "$T/reg/src/package/index.js"
		tar czf "$T/reg/pkg.tgz" -C "$T/reg/src" package || { fail "tar czf failed"; return 1; }
	fi
	python3 "$T/reg/server.py" "$kind" "$name" "$T/reg" "$T/reg/port" \
		>"$T/reg.log" 2>&1 &
	REG=$!
	trap 'kill $REG 2>/dev/null; cleanup_tree' EXIT
	PORT=
	for _ in $(seq 1 200); do
		[ -s "$T/reg/port" ] && PORT=$(cat "$T/reg/port") && break
		sleep 0.05
	done
	[ -n "$PORT" ] || { fail "registry stand-in did not start: $(cat "$T/reg.log")"; return 1; }
	printf 'include default\nnet allow 127.0.0.1\n' > "$T/c.profile"
}

# expect_net_allowed: the audit log holds an allowed "net" record for
# 127.0.0.1.
expect_net_allowed() {
	run_bh log --json
	n=$(printf '%s\n' "$OUT" | python3 -c '
import json, sys
n = 0
for line in sys.stdin:
    try:
        r = json.loads(line)
    except ValueError:
        continue
    if r.get("event") == "net" and r.get("decision") == "allow" \
       and r.get("host") == "127.0.0.1":
        n += 1
print(n)')
	[ "${n:-0}" -ge 1 ] || fail "no allowed net record for 127.0.0.1 in the audit log; got: $(printf %s "$OUT" | tail -c 600)"
}

test_egress_npm_through_proxy() {
	command -v npm >/dev/null || skip "npm not installed on this host"
	local name=bh-egress-npm-probe
	start_registry npm "$name" || return
	run_bh run -q -p "$T/c.profile" -t "$TIER" -- sh -c "
		command -v npm >/dev/null || { echo 'NPM-MISSING'; exit 3; }
		mkdir npmproj && cd npmproj &&
		echo '{\"name\":\"bh-consumer\",\"version\":\"1.0.0\",\"private\":true}' > package.json &&
		npm install --registry http://127.0.0.1:$PORT/ --no-audit --no-fund \
			--cache \"\${TMPDIR:-/tmp}/npm-cache\" $name"
	case "$OUT" in *NPM-MISSING*) fail "npm not found inside the sandbox" ;; esac
	[ "$STATUS" = 0 ] || fail "npm install exited $STATUS: $(printf %s "$OUT" | tail -c 1500); registry log: $(tail -c 600 "$T/reg.log")"
	[ -f "$T/ws/npmproj/node_modules/$name/index.js" ] ||
		fail "node_modules/$name/index.js missing on the host"
	expect_contains "$(cat "$T/reg.log")" "GET /$name/-/$name-1.0.0.tgz" "registry log"
	expect_net_allowed
}

test_egress_pip_through_proxy() {
	[ -x /usr/bin/python3 ] || skip "/usr/bin/python3 missing"
	/usr/bin/python3 -m pip --version >/dev/null 2>&1 ||
		skip "/usr/bin/python3 has no pip module"
	local name=bhegresspipprobe
	start_registry pypi "$name" || return
	run_bh run -q -p "$T/c.profile" -t "$TIER" -- sh -c "
		/usr/bin/python3 -m pip install --disable-pip-version-check \
			--index-url http://127.0.0.1:$PORT/simple/ \
			--target '$T/ws/pipdir' --no-cache-dir $name"
	[ "$STATUS" = 0 ] || fail "pip install exited $STATUS: $(printf %s "$OUT" | tail -c 1500); registry log: $(tail -c 600 "$T/reg.log")"
	[ -f "$T/ws/pipdir/$name/__init__.py" ] ||
		fail "$name/__init__.py missing under pipdir on the host"
	got=$(cd "$T/ws/pipdir" && /usr/bin/python3 -c "import $name; print($name.VALUE)" 2>&1)
	expect_eq "$got" "bh-pip-ok" "installed package's value"
	expect_contains "$(cat "$T/reg.log")" "GET /files/$name-1.0-py3-none-any.whl" "registry log"
	expect_net_allowed
}
