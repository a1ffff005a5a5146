# The audit log.

test_audit_start_and_end_records() {
	run_bh run -t "$TIER" -- sh -c 'exit 3'
	log="$T/home/.local/state/bulkhead/audit.jsonl"
	[ -f "$log" ] || { fail "no audit log at $log"; return; }
	python3 - "$log" "$TIER" <<'PY' || fail "audit records malformed"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
start = [r for r in recs if r["event"] == "start"][-1]
end = [r for r in recs if r["event"] == "end" and r["session"] == start["session"]][-1]
assert start["tier"] == sys.argv[2], start["tier"]
assert start["argv"] == ["sh", "-c", "exit 3"], start["argv"]
assert len(start["profile"]["hash"]) == 64
assert start["report"] and "env" in start
assert end["status"]["kind"] == "exit" and end["status"]["code"] == 3
assert end["exit_code"] == 3
PY
	run_bh log
	expect_contains "$OUT" "exit 3"
	sid=$(python3 -c 'import json,sys; print([json.loads(l) for l in open(sys.argv[1])][-1]["session"])' "$log")
	run_bh log --session "$sid" --json
	expect_contains "$OUT" "\"session\":\"$sid\""
}

test_audit_log_untouchable_from_inside() {
	run_bh run -t "$TIER" -- true
	log="$T/home/.local/state/bulkhead/audit.jsonl"
	before=$(sha256sum "$log")
	run_bh run -t "$TIER" -- sh -c "echo forged >> $log; cat $log; rm -f $log"
	expect_not_contains "$OUT" '"event"'
	grep -qx forged "$log" && fail "audit log was written from inside"
	[ -f "$log" ] || fail "audit log removed from inside"
}

test_argv_secrets_redacted_in_log() {
	run_bh run -t "$TIER" -- echo ghp_R4nd0mR4nd0mR4nd0mR4nd0mR4nd0m123456
	log="$T/home/.local/state/bulkhead/audit.jsonl"
	grep -q R4nd0mR4nd0m "$log" && fail "secret in argv reached the audit log"
	grep -q 'redacted' "$log" || fail "no redaction marker in the log"
}
