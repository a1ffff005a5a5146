# Environment control.

test_host_environment_dropped() {
	BH_ENV="FOO_HOST_VAR=1 LD_PRELOAD=/tmp/evil.so BASH_ENV=/tmp/x NODE_OPTIONS=--require=/tmp/x GITHUB_TOKEN=ghp_R4nd0mR4nd0mR4nd0mR4nd0mR4nd0m123456 GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=core.sshCommand GIT_CONFIG_VALUE_0=evil" \
		run_bh run -t "$TIER" -- /usr/bin/env
	# (bulkhead itself runs with the caller's LD_PRELOAD, so ld.so may
	# complain about it; only the command's environment matters here.)
	for v in FOO_HOST_VAR= LD_PRELOAD= BASH_ENV= NODE_OPTIONS= GITHUB_TOKEN= GIT_CONFIG_COUNT= GIT_CONFIG_KEY_0= ghp_; do
		expect_not_contains "$OUT" "$v"
	done
	expect_contains "$OUT" "PATH=/usr/local/sbin:"
	expect_contains "$OUT" "LANG=C.UTF-8"
	expect_contains "$OUT" "HOME=/"
}

test_profile_keep_cannot_pass_injectors_or_secrets() {
	cat > "$T/e.profile" <<'P'
include default
env keep LD_PRELOAD NODE_OPTIONS MY_API_TOKEN PLAIN
env set PYTHONSTARTUP=/tmp/evil.py
P
	BH_ENV="LD_PRELOAD=/tmp/evil.so NODE_OPTIONS=--require=x MY_API_TOKEN=abc PLAIN=yes" \
		run_bh run -p "$T/e.profile" -t "$TIER" -- /usr/bin/env
	expect_not_contains "$OUT" "LD_PRELOAD="
	expect_not_contains "$OUT" "NODE_OPTIONS="
	expect_not_contains "$OUT" "MY_API_TOKEN="
	expect_not_contains "$OUT" "PYTHONSTARTUP="
	expect_contains "$OUT" "PLAIN=yes"
	expect_contains "$OUT" "not passing LD_PRELOAD"
}

test_allow_unsafe_passes_loudly() {
	cat > "$T/e.profile" <<'P'
include default
env keep NODE_OPTIONS
env allow-unsafe NODE_OPTIONS
P
	BH_ENV="NODE_OPTIONS=--max-old-space-size=100" \
		run_bh run -p "$T/e.profile" -t "$TIER" -- /usr/bin/env
	expect_contains "$OUT" "NODE_OPTIONS=--max-old-space-size=100"
	expect_contains "$OUT" "WARNING"
}

test_secret_by_value_refused() {
	cat > "$T/e.profile" <<'P'
include default
env keep NOTES
P
	BH_ENV="NOTES=AKIAZ7Q3M5N2B4V6CZXW" \
		run_bh run -p "$T/e.profile" -t "$TIER" -- /usr/bin/env
	expect_not_contains "$OUT" "AKIAZ7Q3M5N2B4V6CZXW"
}

test_print_env_redacts() {
	cat > "$T/e.profile" <<'P'
include default
env keep NOTES GREETING
env allow-unsafe NOTES
P
	BH_ENV="NOTES=ghp_R4nd0mR4nd0mR4nd0mR4nd0mR4nd0m123456 GREETING=hi" \
		run_bh run -p "$T/e.profile" --print-env
	expect_eq "$STATUS" 0 "--print-env status"
	expect_contains "$OUT" "GREETING=hi"
	expect_contains "$OUT" "NOTES=<redacted:"
	expect_not_contains "$OUT" "R4nd0mR4nd0m"
}
