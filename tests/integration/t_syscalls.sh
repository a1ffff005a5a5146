# The syscall filter: every probe of tests/helpers/sysprobe.c, run inside
# the kernel tier, must answer exactly what docs/seccomp.md documents
# (sysprobe-kernel.expected holds that table as sysprobe prints it).

test_blocked_syscalls_fail_with_documented_errno() {
	expected="$HERE/sysprobe-$TIER.expected"
	run_bh run -q -t "$TIER" -- bin/sysprobe $("$HELPERS/sysprobe" --list)
	diff <(printf '%s\n' "$OUT") "$expected" >"$T/diff" ||
		fail "sysprobe results differ from the documented table: $(cat "$T/diff")"
}

test_unfiltered_probes_differ() {
	# The probes must be able to fail: outside the sandbox the same calls
	# answer differently for the filter's own rules.
	out=$("$HELPERS/sysprobe" io_uring_setup clone3 socket_udp tiocsti_highbits personality_readimpliesexec)
	expect_not_contains "$out" "io_uring_setup errno=EPERM"
	expect_not_contains "$out" "clone3 errno=ENOSYS"
	expect_contains "$out" "socket_udp ok"
}

test_profile_can_relax_and_extend_filter() {
	printf 'include default\nseccomp allow @io_uring\nseccomp deny uname\n' > "$T/s.profile"
	run_bh run -q -p "$T/s.profile" -t "$TIER" -- bin/sysprobe io_uring_setup uname getpid
	expect_not_contains "$OUT" "io_uring_setup errno=EPERM"
	expect_contains "$OUT" "uname errno=EPERM"
	expect_contains "$OUT" "getpid ok"
	printf 'include default\nseccomp deny no_such_call\n' > "$T/b.profile"
	run_bh run -p "$T/b.profile" -t "$TIER" -- true
	expect_eq "$STATUS" 2 "unknown syscall in profile"
	expect_contains "$OUT" "$T/b.profile:2:"
}
