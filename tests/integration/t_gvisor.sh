# The gvisor tier: the namespace tier's scenarios on gVisor's Sentry.
# Processes inside are the Sentry's tasks, invisible to the host's pgrep:
# the tests watch runsc itself and files the command writes.
TIERS="gvisor"

# Skips (with the reason) only where runsc is missing or its health probe
# failed; anything else that goes wrong is a failure.
need_gvisor() {
	command -v runsc >/dev/null || skip "runsc is not installed (apt-get install runsc)"
	run_bh explain -q -t gvisor
	case "$OUT" in
	*"tier gvisor cannot run here"*) skip "$(printf %s "$OUT" | head -n1)" ;;
	esac
}

test_gvisor_host_files_outside_grants_unreadable() {
	need_gvisor
	mkdir -p "$T/outside" && echo "$CANARY-out" > "$T/outside/notes" && chmod -R a+rX "$T/outside"
	run_bh run -t "$TIER" -- cat "$T/outside/notes"
	expect_not_contains "$OUT" "$CANARY"
	[ "$STATUS" != 0 ] || fail "cat of a file outside the grants succeeded"
	run_bh run -t "$TIER" -- cat /etc/shadow
	expect_not_contains "$OUT" "root:"
}

test_gvisor_home_secrets_unreadable() {
	need_gvisor
	run_bh run -t "$TIER" -- cat "$T/home/.ssh/id_ed25519" "$T/home/.aws/credentials"
	expect_not_contains "$OUT" "$CANARY"
	[ "$STATUS" != 0 ] || fail "cat of a planted ssh key succeeded"
	ln -s "$T/home/.ssh/id_ed25519" "$T/ws/notes.txt"
	run_bh run -t "$TIER" -- cat notes.txt
	expect_not_contains "$OUT" "$CANARY"
}

test_gvisor_workspace_writable() {
	need_gvisor
	run_bh run -t "$TIER" -- sh -c 'echo new > src/new.txt && echo more >> src/existing.txt && mkdir -p a/b && echo x > a/b/c && echo top > top.txt && rm src/new.txt && echo done'
	expect_contains "$OUT" done
	[ -f "$T/ws/a/b/c" ] || fail "nested file not written"
	[ -f "$T/ws/top.txt" ] || fail "top-level file not written"
	[ ! -e "$T/ws/src/new.txt" ] || fail "removed file still there"
	expect_eq "$(tail -n1 "$T/ws/src/existing.txt")" more "appended line"
	expect_eq "$(stat -c %u "$T/ws/top.txt")" "$SBX_UID" "owner of a new file"
}

test_gvisor_write_outside_workspace_refused() {
	need_gvisor
	run_bh run -t "$TIER" -- sh -c "echo pwn > $T/home/pwned; echo pwn > /tmp/bh-pwned-$$; echo pwn > /usr/bh-pwned-$$"
	[ ! -e "$T/home/pwned" ] || fail "wrote into the real HOME"
	[ ! -e "/tmp/bh-pwned-$$" ] || { rm -f "/tmp/bh-pwned-$$"; fail "wrote into /tmp"; }
	[ ! -e "/usr/bh-pwned-$$" ] || { rm -f "/usr/bh-pwned-$$"; fail "wrote into /usr"; }
}

test_gvisor_protected_paths() {
	need_gvisor
	plant_git_dir
	run_bh run -t "$TIER" -- sh -c '
		echo "#!/bin/sh" > .git/hooks/pre-commit && echo HOOK-WRITTEN
		echo "[core] fsmonitor = evil" >> .git/config && echo CONFIG-WRITTEN
		mv .git .git-away && echo MOVED
		mkdir .claude && echo CLAUDE-CREATED
		echo "{}" > .mcp.json && echo MCP-CREATED
		echo fine > src/ok.txt && echo SRC-OK'
	for w in HOOK-WRITTEN CONFIG-WRITTEN MOVED CLAUDE-CREATED MCP-CREATED; do
		expect_not_contains "$OUT" "$w"
	done
	expect_contains "$OUT" SRC-OK
	[ ! -e "$T/ws/.git/hooks/pre-commit" ] || fail "hook created"
	expect_eq "$(cat "$T/ws/.git/config")" "[core]" ".git/config"
	# The placeholders that stopped the creations are gone.
	for p in .claude .mcp.json .vscode .envrc; do
		[ ! -e "$T/ws/$p" ] || fail "placeholder $p left in the workspace"
	done
	run_bh explain -t "$TIER" --json
	expect_contains "$OUT" '"rule": "protect '"$T"'/ws/.claude"'
}

test_gvisor_no_network() {
	need_gvisor
	start_server
	out=$("$HELPERS/netprobe" connect "$PORT")
	expect_contains "$out" "connect ok pong" "unsandboxed probe"
	run_bh run -t "$TIER" -- bin/netprobe connect "$PORT"
	expect_not_contains "$OUT" pong
	# The Sentry's own loopback: nothing listens there.
	expect_contains "$OUT" "connect errno=ECONNREFUSED"
}

test_gvisor_egress_only_through_the_proxy() {
	need_gvisor
	command -v curl >/dev/null || skip "curl missing"
	start_origin
	[ -n "$PORT" ] || { fail "origin did not start"; return; }
	expect_proxy_answers
	run_bh run -q -p "$T/e.profile" -t "$TIER" -- sh -c "
		curl -s -o /dev/null -w 'denied %{http_code}\n' http://example.invalid/
		curl -s --noproxy '*' -m 5 -o /dev/null -w 'direct %{http_code}\n' http://127.0.0.1:$PORT/existing.txt
		exit 3"
	expect_eq "$STATUS" 3 "exit status through the relay"
	expect_contains "$OUT" "denied 403"
	expect_contains "$OUT" "direct 000"
	run_bh log --json
	expect_contains "$OUT" '"host":"example.invalid"'
	expect_contains "$OUT" '"decision":"deny"'
	run_bh explain -p "$T/e.profile" -t "$TIER" --json
	expect_contains "$OUT" '"mechanism": "proxy+sentry"'
}

test_gvisor_not_found_and_not_executable() {
	need_gvisor
	expect_exec_failures
}

test_gvisor_environment_filtered() {
	need_gvisor
	BH_ENV="FOO_HOST_VAR=1 LD_PRELOAD=/tmp/evil.so GITHUB_TOKEN=ghp_R4nd0mR4nd0mR4nd0mR4nd0mR4nd0m123456" \
		run_bh run -t "$TIER" -- /usr/bin/env
	for v in FOO_HOST_VAR= LD_PRELOAD= GITHUB_TOKEN= ghp_; do
		expect_not_contains "$OUT" "$v"
	done
	expect_contains "$OUT" "BULKHEAD_SESSION="
}

test_gvisor_exit_status_passed_through() {
	need_gvisor
	run_bh run -t "$TIER" -- sh -c 'echo to-out; echo to-err >&2; exit 7'
	expect_eq "$STATUS" 7 "exit status"
	expect_contains "$OUT" to-out
	expect_contains "$OUT" to-err
	run_bh run -t "$TIER" -- sh -c 'kill -9 $$'
	expect_eq "$STATUS" 137 "killed by SIGKILL"
}

test_gvisor_min_tier_picks_gvisor() {
	need_gvisor
	printf 'include default\nmin-tier gvisor\n' > "$T/min.profile"
	run_bh explain -p "$T/min.profile" --json
	expect_contains "$OUT" '"tier": "gvisor"'
	# Without a minimum, auto never picks gvisor.
	run_bh explain --json
	expect_not_contains "$OUT" '"tier": "gvisor"'
}

test_gvisor_supervisor_sigkill_leaves_nothing() {
	need_gvisor
	marker="bh-gv-$RANDOM$RANDOM"
	(bh run -q -t "$TIER" -- sh -c "touch started-$marker; sleep 600" >/dev/null 2>&1 &)
	for _ in $(seq 1 200); do [ -e "$T/ws/started-$marker" ] && break; sleep 0.05; done
	[ -e "$T/ws/started-$marker" ] || { fail "sandbox never started"; return; }
	rundir=$(cat "$T"/home/.local/state/bulkhead/journal/*.rundir 2>/dev/null | head -n1)
	[ -n "$rundir" ] && [ -d "$rundir/gvisor/state" ] || fail "no runsc state directory in the journaled private directory"
	pgrep -f "$rundir/gvisor" >/dev/null || fail "no runsc process for $rundir"
	kill_supervisor "bulkhead run -q -t $TIER -- sh -c touch started-$marker" \
		"$rundir/gvisor" "runsc"
	# The next start, of any tier, sweeps what the killed one could not
	# remove: the private directory holds runsc's state.
	TIER=kernel expect_swept "$rundir"
	left=$(ls -d /sys/fs/cgroup/*/runsc-bh-* /sys/fs/cgroup/runsc-bh-* 2>/dev/null)
	[ -z "$left" ] || fail "runsc cgroups left: $left"
}

test_gvisor_terminal_is_the_commands() {
	need_gvisor
	run_bh run -q --pty -t "$TIER" -- sh -c 'test -t 0 && test -t 1 && echo IS-A-TTY'
	expect_contains "$OUT" IS-A-TTY
	# Without a terminal the command gets none.
	run_bh run -q -t "$TIER" -- sh -c 'test -t 1 || echo NO-TTY'
	expect_contains "$OUT" NO-TTY
}

test_gvisor_limits() {
	need_gvisor
	printf 'include default\nlimit pids 6 nofile 64\n' > "$T/l.profile"
	run_bh run -q -p "$T/l.profile" -t "$TIER" -- sh -c 'ulimit -n; for i in 1 2 3 4 5 6 7 8 9 10; do sleep 1 & done'
	expect_contains "$OUT" "64"
	expect_contains "$OUT" "Cannot fork"
	run_bh explain -p "$T/l.profile" -t "$TIER" --json
	expect_contains "$OUT" '"mechanism": "rlimit (sentry)"'
}

test_gvisor_sigterm_reaches_the_command() {
	need_gvisor
	marker="bh-gvterm-$RANDOM$RANDOM"
	(bh run -q -t "$TIER" -- sh -c "trap 'echo got-term; exit 9' TERM; touch started-$marker; sleep 60 & wait" >"$T/term.out" 2>&1; echo "status $?" >>"$T/term.out") &
	for _ in $(seq 1 200); do [ -e "$T/ws/started-$marker" ] && break; sleep 0.05; done
	[ -e "$T/ws/started-$marker" ] || { fail "sandbox never started"; return; }
	pkill -TERM -f "bulkhead run -q -t $TIER -- sh -c trap 'echo got-term; exit 9' TERM; touch started-$marker"
	for _ in $(seq 1 200); do grep -q '^status' "$T/term.out" && break; sleep 0.05; done
	out=$(cat "$T/term.out")
	expect_contains "$out" got-term
	expect_contains "$out" "status 9"
}

# noexec is the one mount flag the host's binds cannot carry into gVisor
# (the Sentry reads programs itself): the session's HOME and TMPDIR are
# noexec by the policy, the workspace is exec.
test_gvisor_noexec_where_the_policy_says() {
	need_gvisor
	run_bh run -q -t "$TIER" -- sh -c 'cp /bin/true "$HOME/t" && "$HOME/t"; echo "home $?"; cp /bin/true "$TMPDIR/t" && "$TMPDIR/t"; echo "tmpdir $?"; cp /bin/true ./t && ./t; echo "ws $?"'
	expect_contains "$OUT" "home 126"
	expect_contains "$OUT" "tmpdir 126"
	expect_contains "$OUT" "ws 0"
}

# The root is built in runsc's own mount namespace: while the command
# runs, the host's mount table has nothing of it, and hidden paths are
# masked there even when their mode lets anyone read them.
test_gvisor_root_built_out_of_the_hosts_sight() {
	need_gvisor
	echo "$CANARY-hidden" > "$T/ws/notes.secret"
	chmod 644 "$T/ws/notes.secret"
	printf 'include default\nhide %s\n' "$T/ws/notes.secret" > "$T/h.profile"
	marker="bh-gvns-$RANDOM$RANDOM"
	(bh run -q -p "$T/h.profile" -t "$TIER" -- sh -c "cat notes.secret > seen-$marker; touch started-$marker; sleep 30" >/dev/null 2>&1 &)
	for _ in $(seq 1 200); do [ -e "$T/ws/started-$marker" ] && break; sleep 0.05; done
	[ -e "$T/ws/started-$marker" ] || { fail "sandbox never started"; return; }
	rundir=$(cat "$T"/home/.local/state/bulkhead/journal/*.rundir 2>/dev/null | head -n1)
	[ -n "$rundir" ] || fail "no journaled private directory"
	if grep -q " $rundir" /proc/self/mountinfo; then
		fail "the sandbox's root is mounted in the host's namespace"
	fi
	[ -z "$(ls -A "$rundir/gvisor/root" 2>/dev/null)" ] || fail "the root's mount point is not empty on the host"
	pkill -TERM -f "bulkhead run -q -p $T/h.profile -t $TIER -- sh -c cat notes.secret"
	for _ in $(seq 1 200); do [ -d "$rundir" ] || break; sleep 0.05; done
	[ ! -d "$rundir" ] || fail "private directory left after the run: $rundir"
	expect_not_contains "$(cat "$T/ws/seen-$marker")" "$CANARY"
}

# A write grant inside a read grant of another exec flag: the Sentry's bind
# for the read grant must not make the write grant read-only.
test_gvisor_write_grant_inside_a_read_grant() {
	need_gvisor
	mkdir -p "$T/ws/ro/rw"
	chown -R "$SBX_UID:$SBX_UID" "$T/ws/ro"
	printf 'include default\nread %s\nwrite %s\n' "$T/ws/ro" "$T/ws/ro/rw" > "$T/rw.profile"
	run_bh run -q -p "$T/rw.profile" -t "$TIER" -- sh -c "echo in > $T/ws/ro/rw/f && echo WROTE-INNER; echo out > $T/ws/ro/g && echo WROTE-OUTER"
	expect_contains "$OUT" WROTE-INNER
	expect_not_contains "$OUT" WROTE-OUTER
	expect_eq "$(cat "$T/ws/ro/rw/f" 2>/dev/null)" in "file in the inner write grant"
	[ ! -e "$T/ws/ro/g" ] || fail "wrote into the read grant"
}

# What the sandbox may write, or a user may change on the host while the
# command runs (the workspace, a read-only tools directory that is not
# root's), is served fresh (shared file access), not from the Sentry's
# cache of the root.
test_gvisor_sees_host_edits_in_the_workspace() {
	need_gvisor
	echo before > "$T/ws/shared.txt"
	chmod 666 "$T/ws/shared.txt"
	mkdir -p "$T/tools" && chown "$SBX_UID:$SBX_UID" "$T/tools"
	printf 'include default\nexec %s\n' "$T/tools" > "$T/tools.profile"
	marker="bh-gvedit-$RANDOM$RANDOM"
	(bh run -q -p "$T/tools.profile" -t "$TIER" -- sh -c "cat shared.txt; (cd $T/tools && ls); touch started-$marker; i=0; while [ ! -e go-$marker ] && [ \$i -lt 100 ]; do sleep 0.1; i=\$((i+1)); done; cat shared.txt; ls; cd $T/tools && ls" >"$T/edit.out" 2>&1; echo "status $?" >>"$T/edit.out") &
	for _ in $(seq 1 200); do [ -e "$T/ws/started-$marker" ] && break; sleep 0.05; done
	[ -e "$T/ws/started-$marker" ] || { fail "sandbox never started"; return; }
	echo after-edit > "$T/ws/shared.txt"
	echo new > "$T/ws/added-$marker"
	echo tool > "$T/tools/tool-$marker"
	touch "$T/ws/go-$marker"
	for _ in $(seq 1 300); do grep -q '^status' "$T/edit.out" && break; sleep 0.05; done
	out=$(cat "$T/edit.out")
	expect_contains "$out" before
	expect_contains "$out" after-edit
	expect_contains "$out" "added-$marker"
	expect_contains "$out" "tool-$marker"
	expect_contains "$out" "status 0"
}
