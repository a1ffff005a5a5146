# Egress through the session's proxy, in both tiers: the only way out.
# Only loopback is ever contacted; the origin is a server this test starts.

test_egress_allowed_host_through_proxy() {
	command -v curl >/dev/null || skip "curl missing"
	start_origin
	[ -n "$PORT" ] || { fail "origin did not start"; return; }
	expect_proxy_answers
}

test_egress_denied_and_direct_refused() {
	command -v curl >/dev/null || skip "curl missing"
	start_origin
	run_bh run -q -p "$T/e.profile" -t "$TIER" -- sh -c "
		curl -s -o /dev/null -w 'denied %{http_code}\n' http://example.invalid/
		curl -s --noproxy '*' -m 5 -o /dev/null -w 'direct %{http_code}\n' http://127.0.0.1:$PORT/existing.txt
		env -u HTTP_PROXY -u http_proxy -u ALL_PROXY -u all_proxy curl -s -m 5 -o /dev/null -w 'noproxy %{http_code}\n' http://127.0.0.1:$PORT/existing.txt"
	expect_contains "$OUT" "denied 403"
	expect_contains "$OUT" "direct 000"
	expect_contains "$OUT" "noproxy 000"
	run_bh log --json
	expect_contains "$OUT" '"host":"example.invalid"'
	expect_contains "$OUT" '"decision":"deny"'
	sid=$(printf '%s\n' "$OUT" | sed -n 's/.*"session":"\([^"]*\)".*/\1/p' | tail -n1)
	run_bh log --session "$sid"
	expect_contains "$OUT" "denied hosts (first):"
	expect_contains "$OUT" "net allow example.invalid"
}

test_egress_explain_warns_about_exfiltration_hosts() {
	printf 'include default\nnet allow pypi.org gist.github.com *.s3.amazonaws.com\n' > "$T/w.profile"
	run_bh explain -p "$T/w.profile" -t "$TIER"
	expect_contains "$OUT" "allowlist warnings"
	expect_contains "$OUT" "net allow gist.github.com"
	expect_contains "$OUT" "net allow *.s3.amazonaws.com"
	expect_not_contains "$OUT" "net allow pypi.org:"
	run_bh explain -p "$T/w.profile" -t "$TIER" --json
	n=$(python3 -c 'import json,sys; print(len(json.loads(sys.argv[1])["warnings"]))' "$OUT")
	expect_eq "$n" 2 "warnings in --json"
}

test_egress_dead_proxy_means_no_network() {
	command -v curl >/dev/null || skip "curl missing"
	start_origin
	chmod 777 "$T/ws"
	(run_bh run -q -p "$T/e.profile" -t "$TIER" -- sh -c "
		curl -s -o /dev/null -w 'before %{http_code}\n' http://127.0.0.1:$PORT/existing.txt
		touch ready
		while [ ! -e go ]; do sleep 0.05; done
		curl -s -m 5 -o /dev/null -w 'after %{http_code}\n' http://127.0.0.1:$PORT/existing.txt
		curl -s -m 5 --noproxy '*' -o /dev/null -w 'direct %{http_code}\n' http://127.0.0.1:$PORT/existing.txt
	"; echo "$OUT" > "$T/out") &
	runner=$!
	for _ in $(seq 1 200); do [ -e "$T/ws/ready" ] && break; sleep 0.05; done
	[ -e "$T/ws/ready" ] || { fail "sandbox never got ready"; touch "$T/ws/go"; wait "$runner"; return; }
	# Kill this session's proxy: the supervisor's child named bulkhead-proxy.
	sup=$(pgrep -f "bulkhead run -q -p $T/e.profile" | head -n1)
	proxy=$(pgrep -P "$sup" -x bulkhead-proxy | head -n1)
	[ -n "$proxy" ] || fail "no proxy process found under supervisor $sup"
	[ -n "$proxy" ] && kill -9 "$proxy"
	touch "$T/ws/go"
	wait "$runner"
	out=$(cat "$T/out")
	expect_contains "$out" "before 200"
	expect_contains "$out" "after 000"
	expect_contains "$out" "direct 000"
}
