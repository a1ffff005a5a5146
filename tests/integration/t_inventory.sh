# shellcheck shell=bash
# The credential inventory: planted credentials in a fake HOME are contained
# under the default profile and exposed under one that grants HOME; an env
# token, an agent socket, the outputs, --fail-on and --baseline.  Never
# contacts anything but loopback (the agent socket is a unix socket the test
# makes).

# Real-shaped fakes (never valid anywhere).
GH_TOKEN_FAKE=ghp_R4nd0mR4nd0mR4nd0mR4nd0mR4nd0m123456
AWS_ID_FAKE=AKIAQWERTYUIOPASDFGH
AWS_SECRET_FAKE=Zm9vYmFyYmF6cXV4cXV1eHh5enp5MTIzNDU2Nzg5MGFi
NPM_FAKE=npm_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8d

plant_home() {
	local h=$T/home
	mkdir -p "$h/.aws" "$h/.ssh" "$h/.config/gh" "$h/.docker" "$h/.kube"
	printf '[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n' \
		"$AWS_ID_FAKE" "$AWS_SECRET_FAKE" > "$h/.aws/credentials"
	{
		echo '-----BEGIN OPENSSH PRIVATE KEY-----'
		echo 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW'
		echo 'QyNTUxOQAAACBfYWtlZmFrZWZha2VmYWtlZmFrZWZha2VmYWtlZmFrZWZhawAAAJgAAAAA'
		echo '-----END OPENSSH PRIVATE KEY-----'
	} > "$h/.ssh/id_ed25519"
	printf 'github.com:\n    user: someone\n    oauth_token: %s\n' \
		"$GH_TOKEN_FAKE" > "$h/.config/gh/hosts.yml"
	printf '//registry.npmjs.org/:_authToken=%s\n' "$NPM_FAKE" > "$h/.npmrc"
	printf 'https://someone:%s@github.com\n' "$GH_TOKEN_FAKE" \
		> "$h/.git-credentials"
	chmod -R a+rX "$h"
	[ "$MODE" = user ] && chown -R 65534:65534 "$h"
	return 0
}

home_profile() { # with optional extra lines
	{
		echo 'include default'
		echo 'read ${HOME}'
		printf '%s\n' "$@"
	} > "$T/home.profile"
	chmod a+r "$T/home.profile"
}

# inv ARGS...: `inventory --json` summarised as "status kind rule location"
# lines in INV, the raw JSON in RAW, the exit status in STATUS.
inv() {
	RAW=$(bh inventory -q -t "$TIER" --json "$@" 2> "$T/inv.err")
	STATUS=$?
	INV=$(printf '%s' "$RAW" | python3 -c '
import json, sys
d = json.load(sys.stdin)
for f in d["findings"]:
    print(f["status"], f["kind"], f["rule"], f["location"])
print("summary", d["summary"]["exposed"], d["summary"]["contained"], d["summary"]["suppressed"])
' 2>&1)
}

no_secret_bytes() { # text
	local s
	for s in "$GH_TOKEN_FAKE" "$AWS_SECRET_FAKE" "$AWS_ID_FAKE" "$NPM_FAKE" \
		b3BlbnNzaC1rZXktdjEAAAAABG5vbmU; do
		expect_not_contains "$1" "$s" "inventory output"
	done
}

test_inventory_default_profile_contains_planted_home() {
	plant_home
	inv
	expect_eq "$STATUS" 0 "exit status"
	no_secret_bytes "$RAW"
	local f
	for f in .aws/credentials .ssh/id_ed25519 .config/gh/hosts.yml .npmrc \
		.git-credentials; do
		expect_contains "$INV" "contained file " "$f as a credential file"
		expect_contains "$INV" "$T/home/$f" "$f found at all"
		if grep -q "^exposed .* $T/home/$f" <<<"$INV"; then
			fail "$f exposed under the default profile: $INV"
		fi
	done
	grep -q '^exposed' <<<"$INV" && fail "something exposed: $INV"
	return 0
}

test_inventory_home_grant_exposes_planted_home() {
	plant_home
	home_profile
	inv -p "$T/home.profile"
	expect_eq "$STATUS" 0 "exit status"
	no_secret_bytes "$RAW"
	local f
	for f in .aws/credentials .ssh/id_ed25519 .config/gh/hosts.yml .npmrc \
		.git-credentials; do
		grep -q "^exposed file .* $T/home/$f\$" <<<"$INV" ||
			fail "$f not exposed as a credential file: $INV"
	done
	grep -q "^exposed content aws-access-key-id $T/home/.aws/credentials" <<<"$INV" ||
		fail "the AWS key inside the file not reported: $INV"
	# Text and SARIF outputs never carry the bytes either.
	local txt sarif
	txt=$(bh inventory -q -t "$TIER" -p "$T/home.profile" 2>&1)
	no_secret_bytes "$txt"
	expect_contains "$txt" "EXPOSED (readable or reachable inside the sandbox)"
	sarif=$(bh inventory -q -t "$TIER" -p "$T/home.profile" --sarif 2>&1)
	no_secret_bytes "$sarif"
}

test_inventory_env_token() {
	plant_home
	BH_ENV="GITHUB_TOKEN=$GH_TOKEN_FAKE" inv
	no_secret_bytes "$RAW"
	expect_contains "$INV" "contained env github-pat env:GITHUB_TOKEN"
	cat > "$T/env.profile" <<'P'
include default
env keep GITHUB_TOKEN
env allow-unsafe GITHUB_TOKEN
P
	chmod a+r "$T/env.profile"
	BH_ENV="GITHUB_TOKEN=$GH_TOKEN_FAKE" inv -p "$T/env.profile"
	no_secret_bytes "$RAW"
	expect_contains "$INV" "exposed env github-pat env:GITHUB_TOKEN"
}

start_agent() { # a listening unix socket at $T/home/agent.sock
	python3 -c '
import os, socket, sys, time
p = sys.argv[1]
s = socket.socket(socket.AF_UNIX)
s.bind(p)
os.chmod(p, 0o777)
s.listen(64)
open(p + ".ready", "w").close()
time.sleep(60)
' "$T/home/agent.sock" &
	AGENT_PID=$!
	local i
	for i in $(seq 50); do
		[ -e "$T/home/agent.sock.ready" ] && return 0
		sleep 0.1
	done
	fail "agent stand-in did not start"
}

test_inventory_agent_socket_reachability() {
	plant_home
	start_agent
	trap 'kill $AGENT_PID 2>/dev/null; cleanup_tree' EXIT
	BH_ENV="SSH_AUTH_SOCK=$T/home/agent.sock" inv
	expect_contains "$INV" "contained socket agent-socket $T/home/agent.sock"
	# Granting HOME is not enough: sockets need `net unix`.
	home_profile 'net unix'
	BH_ENV="SSH_AUTH_SOCK=$T/home/agent.sock" inv -p "$T/home.profile"
	expect_contains "$INV" "exposed socket agent-socket $T/home/agent.sock"
	kill "$AGENT_PID" 2>/dev/null
	wait "$AGENT_PID" 2>/dev/null
	return 0
}

test_inventory_workspace_secret_exposed() {
	printf 'NPM_TOKEN=%s\n' "$NPM_FAKE" > "$T/ws/.env"
	chmod a+r "$T/ws/.env"
	inv
	no_secret_bytes "$RAW"
	expect_contains "$INV" "exposed content npm-token $T/ws/.env"
}

test_inventory_fail_on_and_baseline() {
	plant_home
	home_profile
	inv -p "$T/home.profile" --fail-on critical
	expect_eq "$STATUS" 1 "--fail-on critical with an exposed ssh key"
	printf '%s' "$RAW" > "$T/baseline.json"
	chmod a+r "$T/baseline.json"
	inv -p "$T/home.profile" --fail-on low --baseline "$T/baseline.json"
	expect_eq "$STATUS" 0 "everything exposed is in the baseline"
	grep -q '^exposed' <<<"$INV" && fail "not suppressed: $INV"
	grep -q '^suppressed file' <<<"$INV" || fail "nothing suppressed: $INV"
	# A new secret is not in the baseline.
	printf 'NPM_TOKEN=%s\n' "$NPM_FAKE" > "$T/ws/.env"
	chmod a+r "$T/ws/.env"
	inv -p "$T/home.profile" --fail-on high --baseline "$T/baseline.json"
	expect_eq "$STATUS" 1 "a new exposed token"
	expect_contains "$INV" "exposed content npm-token $T/ws/.env"
}

test_inventory_sarif_shape() {
	plant_home
	home_profile
	local out
	out=$(bh inventory -q -t "$TIER" -p "$T/home.profile" --sarif 2>&1)
	printf '%s' "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["version"] == "2.1.0", d["version"]
run = d["runs"][0]
ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
assert len(ids) == len(set(ids)), "duplicate rules"
assert run["results"], "no results"
for r in run["results"]:
    assert r["ruleId"] == ids[r["ruleIndex"]]
    assert len(r["partialFingerprints"]["bulkheadFingerprint/v1"]) == 12
    assert r["kind"] in ("fail", "pass")
    uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri, r
' || fail "SARIF malformed: $(printf %s "$out" | head -c 400)"
}

test_inventory_usage_errors() {
	run_bh inventory --fail-on bogus
	expect_eq "$STATUS" 2 "--fail-on bogus"
	expect_contains "$OUT" "--fail-on takes low, medium, high or critical"
	run_bh inventory --json --sarif
	expect_eq "$STATUS" 2 "--json --sarif"
	printf 'abc\n' > "$T/bad.baseline"
	chmod a+r "$T/bad.baseline"
	run_bh inventory -t "$TIER" --baseline "$T/bad.baseline"
	expect_eq "$STATUS" 2 "bad baseline"
	expect_contains "$OUT" "bad.baseline:1:"
	run_bh inventory -t "$TIER" -p /nonexistent.profile
	expect_eq "$STATUS" 2 "missing profile"
}

test_inventory_scanner_refuses_without_settings() {
	run_bh __inventory-scan < /dev/null
	expect_eq "$STATUS" 125 "__inventory-scan without stdin settings"
}

test_inventory_network_judged_from_policy() {
	inv
	expect_contains "$INV" "contained network network-destination net:169.254.169.254"
	cat > "$T/net.profile" <<'P'
include default
net allow example.com 169.254.169.254:80
P
	chmod a+r "$T/net.profile"
	inv -p "$T/net.profile"
	expect_contains "$INV" "exposed network network-destination net:169.254.169.254"
	expect_contains "$INV" "contained network network-destination net:127.0.0.1"
	if [ "$TIER" = kernel ]; then
		# The session's proxy credential is known for what it is.
		expect_contains "$INV" "exposed env bulkhead-proxy-token env:HTTP_PROXY"
		expect_not_contains "$INV" "url-password env:"
	fi
}

test_inventory_baseline_does_not_hide_what_became_exposed() {
	inv --json
	printf '%s' "$RAW" > "$T/base.json"
	chmod a+r "$T/base.json"
	cat > "$T/meta.profile" <<'P'
include default
net allow 169.254.169.254:443 127.0.0.1:5432
P
	chmod a+r "$T/meta.profile"
	inv -p "$T/meta.profile" --baseline "$T/base.json" --fail-on critical
	expect_eq "$STATUS" 1 "metadata endpoint newly exposed"
	expect_contains "$INV" "exposed network network-destination net:169.254.169.254:443"
	expect_contains "$INV" "exposed network network-destination net:127.0.0.1:5432"
}

test_inventory_names_are_escaped_and_nested_repos_read() {
	local evil
	evil=$(printf 'evil\n\033[31mRED\a\377.env')
	printf 'NPM_TOKEN=%s\n' "$NPM_FAKE" > "$T/ws/$evil"
	mkdir -p "$T/ws/sub/.git"
	printf '[remote "origin"]\n\turl = https://someone:%s@github.com/x/y\n' \
		"$GH_TOKEN_FAKE" > "$T/ws/sub/.git/config"
	chmod -R a+rX "$T/ws"
	inv
	expect_eq "$STATUS" 0 "inventory over an odd file name"
	expect_contains "$INV" 'exposed content npm-token '"$T"'/ws/evil\x0a\x1b[31mRED\x07\xff.env'
	expect_contains "$INV" "exposed content github-pat $T/ws/sub/.git/config"
	local txt
	txt=$(bh inventory -q -t "$TIER" 2>&1)
	case "$txt" in *$'\033'*) fail "an escape byte reached the text output" ;; esac
	no_secret_bytes "$txt"
}
