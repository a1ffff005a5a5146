# `run --overlay`: the command's writes land in an overlay kept for review;
# the real workspace changes only through `bulkhead apply`.
TIERS="kernel namespace gvisor"

test_overlay_run_then_review() {
	echo hello > "$T/ws/src/existing.txt"
	chown "$SBX_UID:$SBX_UID" "$T/ws/src/existing.txt"
	if [ "$TIER" = kernel ]; then
		run_bh run --overlay -t "$TIER" -- sh -c 'echo LAUNCHED'
		expect_eq "$STATUS" 125 "kernel tier refuses overlay mode"
		expect_not_contains "$OUT" LAUNCHED
		return
	fi
	# apply treats a file changed in the 20 ms before the session as a
	# possible conflict; leave a gap after preparing the tree.
	sleep 0.1
	run_bh run -q --overlay -t "$TIER" -- sh -c 'echo changed > src/existing.txt; echo new > src/new.txt; rm src/../bin/fdlist; mkdir .claude && echo CLAUDE > .claude/settings.json; echo done'
	expect_contains "$OUT" done
	expect_eq "$(cat "$T/ws/src/existing.txt")" hello "real tree before apply"
	[ ! -e "$T/ws/src/new.txt" ] || fail "new file reached the real tree before apply"
	[ -e "$T/ws/bin/fdlist" ] || fail "deletion reached the real tree before apply"
	sid=$(ls "$T/home/.local/state/bulkhead/sessions" | tail -n1)
	[ -n "$sid" ] || { fail "no review session"; return; }
	run_bh diff "$sid"
	expect_contains "$OUT" "+changed"
	expect_contains "$OUT" "src/new.txt"
	expect_contains "$OUT" ".claude"
	run_bh apply "$sid" </dev/null
	# The protected path is refused; the rest is applied only with --yes.
	expect_eq "$(cat "$T/ws/src/existing.txt")" hello "apply with a refused change must not apply silently"
	run_bh apply --yes "$sid" </dev/null
	expect_eq "$(cat "$T/ws/src/existing.txt")" changed "after apply --yes"
	expect_eq "$(cat "$T/ws/src/new.txt")" new "added file after apply"
	[ ! -e "$T/ws/bin/fdlist" ] || fail "deletion not applied"
	[ ! -e "$T/ws/.claude" ] || fail "protected .claude applied"
	run_bh discard "$sid"
	[ ! -e "$T/home/.local/state/bulkhead/sessions/$sid" ] || fail "discard left the session"
}

test_overlay_session_survives_supervisor_kill() {
	[ "$TIER" != kernel ] || return 0
	marker=$((8000 + RANDOM % 1000)).5
	(bh run -q --overlay -t "$TIER" -- sh -c "echo kept > src/kept.txt; sleep $marker" >/dev/null 2>&1 &)
	for _ in $(seq 1 100); do pgrep -f "^sleep $marker" >/dev/null && break; sleep 0.05; done
	pkill -9 -f "bulkhead run -q --overlay -t $TIER -- sh -c echo kept"
	for _ in $(seq 1 100); do pgrep -f "sleep $marker" >/dev/null || break; sleep 0.05; done
	sid=$(ls "$T/home/.local/state/bulkhead/sessions" | tail -n1)
	[ -n "$sid" ] || { fail "session lost with the supervisor"; return; }
	run_bh sessions
	expect_contains "$OUT" "$sid"
	run_bh diff "$sid"
	expect_contains "$OUT" "+kept"
	[ ! -e "$T/ws/src/kept.txt" ] || fail "write reached the real tree"
	# The next start sweeps what the killed supervisor could not remove.
	expect_swept ""
}
