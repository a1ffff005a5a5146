# shellcheck shell=bash
# The agent profiles: each agent's own state writable, the settings it loads
# on its next start read-only, the rest of HOME out of reach, its own key
# passed and other secrets not, and only its API hosts allowed.  Then the
# real agents, where installed (.ci/run installs Claude Code and Codex from
# npm): they start inside the sandbox.

ANT_KEY=sk-ant-api03-R4nd0mR4nd0mR4nd0mR4nd0mR4nd0mR4nd0mR4nd0mR4nd0mR4nd0mR4nd0mR4nd0mR4nd0mR4nd0mAA

# agent_home DIR SETTINGS...: the agent's state dir with its settings files.
agent_home() {
	local dir=$1 f
	shift
	# Agents keep their state in subdirectories (sessions, projects,
	# todos): the kernel tier cannot let new names appear next to a
	# protected file, only below it (docs/tiers.md).
	mkdir -p "$T/home/$dir/sessions"
	for f in "$@"; do
		mkdir -p "$(dirname "$T/home/$dir/$f")"
		echo '{"original": true}' > "$T/home/$dir/$f"
	done
	chown -R "$SBX_UID:$SBX_UID" "$T/home/$dir"
	chmod -R u+rwX "$T/home/$dir"
}

# profile_contract PROFILE STATEDIR SETTINGS KEYVAR
profile_contract() {
	local prof=$1 dir=$2 settings=$3 keyvar=$4
	BH_ENV="$keyvar=$ANT_KEY AWS_SECRET_ACCESS_KEY=Zm9vYmFyYmF6cXV4cXV1eHh5enp5MTIzNDU2Nzg5MGFi" \
		run_bh run -q -p "$prof" -t "$TIER" -- sh -c "
		echo new > \"\$HOME/$dir/sessions/state.json\" && echo STATE-OK
		echo evil > \"\$HOME/$dir/$settings\" && echo SETTINGS-WRITTEN
		cat \"\$HOME/.ssh/id_ed25519\" 2>/dev/null
		cat \"\$HOME/.aws/credentials\" 2>/dev/null
		echo \"KEY=\${$keyvar:-none} AWS=\${AWS_SECRET_ACCESS_KEY:-none} HOME=\$HOME\""
	expect_contains "$OUT" "STATE-OK" "$prof: its state is writable"
	expect_not_contains "$OUT" "SETTINGS-WRITTEN" "$prof: its settings are read-only"
	expect_not_contains "$OUT" "$CANARY" "$prof: the rest of HOME"
	expect_contains "$OUT" "KEY=$ANT_KEY" "$prof: its own key is passed"
	expect_contains "$OUT" "AWS=none" "$prof: other secrets are not"
	expect_contains "$OUT" "HOME=$T/home" "$prof: HOME keeps its path"
	grep -q original "$T/home/$dir/$settings" ||
		fail "$prof: settings file changed on the host"
}

test_profile_claude_code() {
	agent_home .claude settings.json
	profile_contract claude-code .claude settings.json ANTHROPIC_API_KEY
}

test_profile_codex() {
	agent_home .codex config.toml
	profile_contract codex .codex config.toml OPENAI_API_KEY
}

test_profile_gemini_cli() {
	agent_home .gemini settings.json
	profile_contract gemini-cli .gemini settings.json GEMINI_API_KEY
}

test_profile_aider() {
	agent_home .aider
	echo 'model: x' > "$T/home/.aider.conf.yml"
	chmod a+r "$T/home/.aider.conf.yml"
	BH_ENV="OPENAI_API_KEY=$ANT_KEY" run_bh run -q -p aider -t "$TIER" -- sh -c '
		echo x > "$HOME/.aider/sessions/cache" && echo STATE-OK
		echo "lint-cmd: evil" >> "$HOME/.aider.conf.yml" && echo CONF-WRITTEN
		cat "$HOME/.aider.conf.yml"'
	expect_contains "$OUT" "STATE-OK"
	expect_not_contains "$OUT" "CONF-WRITTEN"
	expect_contains "$OUT" "model: x" "aider reads its config"
	grep -q evil "$T/home/.aider.conf.yml" && fail "aider config changed on the host"
	return 0
}

test_agent_profiles_allow_only_their_api_hosts() {
	local p
	for p in claude-code codex gemini-cli aider; do
		run_bh explain -p "$p" --json
		printf '%s' "$OUT" | python3 -c '
import json, sys
p = sys.argv[1]
want = {"claude-code": "api.anthropic.com", "codex": "api.openai.com",
        "gemini-cli": "generativelanguage.googleapis.com", "aider": "api.openai.com"}[p]
d = json.load(sys.stdin)
hosts = [h["host"] for h in d["policy"]["net"]["rules"] if h["action"] == "allow"]
assert want in hosts, (p, hosts)
assert not any(h in ("*", "github.com", "gist.github.com") for h in hosts), hosts
' "$p" || fail "$p: hosts: $(printf %s "$OUT" | head -c 300)"
	done
}

test_inventory_reports_the_agent_key_exposed() {
	agent_home .claude settings.json
	echo '{"claudeAiOauth":{"accessToken":"sk-ant-oat01-R4nd0mR4nd0mR4nd0mR4nd0mR4nd0mR4nd0mR4nd0mR4nd0mR4nd0mR4nd0mR4nd0mR4nd0mAA"}}' \
		> "$T/home/.claude/.credentials.json"
	chown "$SBX_UID" "$T/home/.claude/.credentials.json"
	BH_ENV="ANTHROPIC_API_KEY=$ANT_KEY" run_bh inventory -q -t "$TIER" -p claude-code --json
	printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
exp = [(f["kind"], f["location"]) for f in d["findings"] if f["status"] == "exposed"]
assert ("env", "env:ANTHROPIC_API_KEY") in exp, exp
assert any(loc.endswith("/.claude/.credentials.json") for k, loc in exp), exp
assert not any("/.ssh/" in loc or "/.aws/" in loc for k, loc in exp), exp
' || fail "inventory -p claude-code: $(printf %s "$OUT" | head -c 600)"
}

# starts_outside BIN NAME PACKAGE: skips unless BIN runs on this host.
starts_outside() {
	command -v "$1" >/dev/null ||
		skip "$2 is not installed (tools/setup.sh --agents, or npm install -g $3)"
	timeout 60 "$1" --version >/dev/null 2>&1 ||
		skip "$2 does not start on this host, outside any sandbox (Node.js too old?)"
}

test_real_claude_code_starts_inside() {
	starts_outside claude "Claude Code" @anthropic-ai/claude-code
	agent_home .claude settings.json
	run_bh run -q -p claude-code -t "$TIER" -- claude --version
	expect_eq "$STATUS" 0 "claude --version inside the sandbox"
	expect_contains "$OUT" "Claude Code"
}

test_real_codex_starts_inside() {
	starts_outside codex "Codex CLI" @openai/codex
	agent_home .codex config.toml
	run_bh run -q -p codex -t "$TIER" -- codex --version
	expect_eq "$STATUS" 0 "codex --version inside the sandbox"
	expect_contains "$OUT" "codex"
}

test_real_gemini_cli_starts_inside() {
	starts_outside gemini "Gemini CLI" @google/gemini-cli
	agent_home .gemini settings.json
	run_bh run -q -p gemini-cli -t "$TIER" -- gemini --version
	expect_eq "$STATUS" 0 "gemini --version inside the sandbox"
	expect_contains "$OUT" "0."
}
