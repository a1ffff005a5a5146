# shellcheck shell=bash
# The tier ladder: `bulkhead tiers` says what runs here and why not,
# `min-tier` refuses to run below the minimum, and `bulkhead plan` turns a
# threat model into a tier and a profile that loads.
TIERS="kernel"

test_tiers_lists_every_tier_with_reasons() {
	run_bh tiers --json
	expect_eq "$STATUS" 0 "tiers exit"
	printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
names = [t["tier"] for t in d["tiers"]]
assert names == ["microvm", "gvisor", "namespace", "kernel"], names
for t in d["tiers"]:
    assert t["available"] or t.get("why"), t
k = [t for t in d["tiers"] if t["tier"] == "kernel"][0]
assert k["available"], k
assert d["auto"] in ("namespace", "kernel"), d
' || fail "tiers --json: $(printf %s "$OUT" | head -c 500)"
	run_bh tiers
	expect_contains "$OUT" "auto picks:"
}

test_min_tier_refuses_to_run_below_the_minimum() {
	# The strongest tier is asked for; where it cannot run, nothing runs.
	cat > "$T/min.profile" <<'P'
include default
min-tier microvm
P
	chmod a+r "$T/min.profile"
	# Take the microVM's kernel away, so that it cannot run here.
	local BH_ENV="BULKHEAD_MICROVM_KERNEL=/nonexistent"
	run_bh run -p "$T/min.profile" -- touch "$T/ws/ran"
	expect_eq "$STATUS" 125 "min-tier microvm where microvm cannot run"
	expect_contains "$OUT" "microvm"
	[ -e "$T/ws/ran" ] && fail "the command ran below the minimum"
	# Asking for a weaker tier explicitly is refused too.
	run_bh run -p "$T/min.profile" -t kernel -- touch "$T/ws/ran"
	[ "$STATUS" = 0 ] && fail "-t kernel under min-tier microvm ran"
	[ -e "$T/ws/ran" ] && fail "the command ran below the minimum"
	return 0
}

test_plan_answers_with_a_tier_and_a_loadable_profile() {
	run_bh plan --json --source third-party --network registries \
		--ecosystem node --blast review
	expect_eq "$STATUS" 0 "plan exit"
	printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["tier"] in ("namespace", "gvisor", "microvm", "kernel"), d
assert d["answers"]["source"] == "third-party", d
assert any("Leaky Vessels" in r or "Dirty Pipe" in r for r in d["reasons"]), d
open(sys.argv[1], "w").write(d["profile"])
' "$T/plan.profile" || fail "plan --json: $(printf %s "$OUT" | head -c 500)"
	chmod a+r "$T/plan.profile"
	run_bh explain -p "$T/plan.profile" -q
	expect_contains "$OUT" "launch: allowed" "the generated profile"
	# Untrusted code with broad credentials gets a microVM, or says what
	# was given up where none runs.
	run_bh plan --source untrusted --secrets broad --network apis
	case "$OUT" in
	*"tier: microvm"*) ;;
	*) expect_contains "$OUT" "given up:" ;;
	esac
	expect_contains "$OUT" "credential proxy"
	# Answers from a file; a bad one names the line.
	printf 'source=own\nnetwork=maybe\n' > "$T/answers"
	chmod a+r "$T/answers"
	run_bh plan --answers "$T/answers"
	expect_eq "$STATUS" 2 "bad answer"
	expect_contains "$OUT" "answers:2"
	run_bh plan -o "$T/ws/p.profile" --source own < /dev/null
	expect_eq "$STATUS" 0 "plan -o"
	[ -s "$T/ws/p.profile" ] || fail "plan -o wrote nothing"
	run_bh plan -o "$T/ws/p.profile" --source own < /dev/null
	expect_eq "$STATUS" 2 "plan -o over an existing file"
}
