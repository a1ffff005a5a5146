# The command line: help, profile errors, explain.
# Most of this does not depend on the tier; run it with the kernel tier.
TIERS="kernel"

test_help_per_subcommand() {
	for c in run explain log profiles; do
		run_bh "$c" --help
		expect_eq "$STATUS" 0 "$c --help status"
		expect_contains "$OUT" "usage: bulkhead $c"
	done
	run_bh --help
	expect_contains "$OUT" "commands:"
	run_bh frobnicate
	expect_eq "$STATUS" 2 "unknown command"
}

test_profile_error_exit_2_nothing_launched() {
	printf 'include default\nraed /usr\n' > "$T/bad.profile"
	run_bh run -p "$T/bad.profile" -- sh -c 'echo LAUNCHED'
	expect_eq "$STATUS" 2 "status"
	expect_contains "$OUT" "$T/bad.profile:2:1:"
	expect_not_contains "$OUT" LAUNCHED
	run_bh explain -p "$T/bad.profile"
	expect_eq "$STATUS" 2 "explain status"
}

test_unknown_profile() {
	run_bh run -p no-such-profile-xyz -- true
	expect_eq "$STATUS" 2 "status"
}

test_usage_errors() {
	run_bh run --bogus -- true
	expect_eq "$STATUS" 2 "unknown option"
	run_bh run
	expect_eq "$STATUS" 2 "no command"
	run_bh run -t warp -- true
	expect_eq "$STATUS" 2 "bad tier"
}

test_explain_text_and_json() {
	run_bh explain -t "$TIER"
	expect_eq "$STATUS" 0 "explain status"
	expect_contains "$OUT" "write $T/ws"
	expect_contains "$OUT" "enforced"
	run_bh explain -t "$TIER" --json
	python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["tier"]=="kernel"; assert d["report"]; assert d["policy"]' "$OUT" ||
		fail "explain --json is not the expected JSON"
}

test_builtin_profiles_listed_and_usable() {
	run_bh profiles
	list=$OUT
	for p in default node python rust go; do
		expect_contains "$list" "$p" "profile list"
		run_bh run -p "$p" -t "$TIER" -- true
		expect_eq "$STATUS" 0 "run with profile $p"
		expect_not_contains "$OUT" "not passing" "profile $p warnings"
	done
}

test_strict_refuses_degraded() {
	run_bh run --strict -t "$TIER" -- sh -c 'echo LAUNCHED'
	expect_not_contains "$OUT" LAUNCHED
	expect_eq "$STATUS" 125 "strict refusal"
}

test_home_as_workspace_refused() {
	BH_CWD=$T/home run_bh run -t "$TIER" -- true
	expect_eq "$STATUS" 2 "home as workspace"
	expect_contains "$OUT" "refusing"
}
