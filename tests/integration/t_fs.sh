# Filesystem confinement of the kernel tier (default profile).

test_home_secret_unreadable() {
	run_bh run -t "$TIER" -- cat "$T/home/.ssh/id_ed25519"
	expect_not_contains "$OUT" "$CANARY"
	[ "$STATUS" != 0 ] || fail "cat of a planted ssh key succeeded"
	run_bh run -t "$TIER" -- cat "$T/home/.aws/credentials"
	expect_not_contains "$OUT" "$CANARY"
	run_bh run -t "$TIER" -- ls "$T/home"
	[ "$STATUS" != 0 ] || fail "listing the real HOME succeeded"
}

test_symlink_in_workspace_does_not_reach_home() {
	ln -s "$T/home/.ssh/id_ed25519" "$T/ws/notes.txt"
	ln -s "$T/home/.ssh" "$T/ws/cfg"
	run_bh run -t "$TIER" -- cat notes.txt cfg/id_ed25519
	expect_not_contains "$OUT" "$CANARY"
}

test_hardlink_from_inside_refused() {
	run_bh run -t "$TIER" -- ln "$T/home/.ssh/id_ed25519" "$T/ws/x"
	[ ! -e "$T/ws/x" ] || fail "hard link to a host secret was created"
}

test_shadow_unreadable() {
	run_bh run -t "$TIER" -- cat /etc/shadow
	# The namespace tier masks it with an empty file; the kernel tier
	# denies it.  Either way no hash comes out.
	[ "$TIER" = namespace ] || [ "$STATUS" != 0 ] || fail "/etc/shadow was readable"
	expect_not_contains "$OUT" "root:"
}

test_hidden_path_under_read_root() {
	# World-readable, so only the hide rule keeps it out.
	mkdir -p "$T/sys/secret" && echo "$CANARY" > "$T/sys/secret/k" &&
		echo visible > "$T/sys/ok" && chmod -R a+rX "$T/sys"
	cat > "$T/p.profile" <<P
include default
read $T/sys
hide $T/sys/secret
P
	run_bh run -p "$T/p.profile" -t "$TIER" -- cat "$T/sys/ok" "$T/sys/secret/k"
	expect_contains "$OUT" visible
	expect_not_contains "$OUT" "$CANARY"
}

test_workspace_writable() {
	run_bh run -t "$TIER" -- sh -c 'echo new > src/new.txt && echo more >> src/existing.txt && mkdir -p a/b && echo x > a/b/c && echo top > top.txt && rm src/new.txt && echo done'
	expect_contains "$OUT" done
	[ -f "$T/ws/a/b/c" ] || fail "nested file not written"
	[ -f "$T/ws/top.txt" ] || fail "top-level file not written"
	expect_eq "$(tail -n1 "$T/ws/src/existing.txt")" more "appended line"
}

test_write_outside_workspace_refused() {
	run_bh run -t "$TIER" -- sh -c "echo pwn > $T/home/pwned; echo pwn > /tmp/bh-pwned-$$"
	[ ! -e "$T/home/pwned" ] || fail "wrote into the real HOME"
	[ ! -e "/tmp/bh-pwned-$$" ] || { rm -f "/tmp/bh-pwned-$$"; fail "wrote into /tmp"; }
}

test_private_home_and_tmp() {
	run_bh run -t "$TIER" -- sh -c 'echo $HOME; ls -A $HOME | wc -l; echo x > $HOME/f && echo x > $TMPDIR/f && echo wrote'
	expect_contains "$OUT" wrote
	expect_not_contains "$OUT" "$T/home"
	home=$(printf '%s\n' "$OUT" | head -n1)
	[ ! -e "$home" ] || fail "private HOME $home left behind"
}

test_protected_existing_paths() {
	plant_git_dir
	run_bh run -t "$TIER" -- sh -c '
		echo "#!/bin/sh" > .git/hooks/pre-commit && echo HOOK-WRITTEN
		echo "[core] fsmonitor = evil" >> .git/config && echo CONFIG-WRITTEN
		mv .git .git-away && echo MOVED
		rm -rf .git/hooks && echo REMOVED
		echo fine > src/ok.txt && echo SRC-OK'
	expect_not_contains "$OUT" HOOK-WRITTEN
	expect_not_contains "$OUT" CONFIG-WRITTEN
	expect_not_contains "$OUT" MOVED
	expect_not_contains "$OUT" REMOVED
	expect_contains "$OUT" SRC-OK
	[ ! -e "$T/ws/.git/hooks/pre-commit" ] || fail "hook created"
	expect_eq "$(cat "$T/ws/.git/config")" "[core]" ".git/config"
}

test_protected_future_path_in_git_repo() {
	# .git/hooks exists, so the workspace top is split: a protected name
	# that does not exist yet cannot be created either.
	mkdir -p "$T/ws/.git/hooks"
	chown -R "$SBX_UID:$SBX_UID" "$T/ws/.git"
	run_bh run -t "$TIER" -- sh -c 'mkdir .claude && echo CREATED; echo "{}" > .mcp.json && echo MCP'
	expect_not_contains "$OUT" CREATED
	expect_not_contains "$OUT" MCP
	[ ! -e "$T/ws/.claude" ] || fail ".claude created"
	run_bh explain -t "$TIER" --json
	expect_contains "$OUT" '"rule": "protect '"$T"'/ws/.claude"'
}

test_protected_future_path_without_git() {
	# No .git, so nothing splits the workspace top.  The kernel tier
	# cannot stop the creation and must say so; the namespace tier
	# stops it with a placeholder that is gone after the session.
	run_bh explain -t "$TIER" --json
	status=$(python3 -c '
import json, sys
doc = json.loads(sys.argv[1])
items = [i for i in doc["report"] if i["rule"] == "protect " + sys.argv[2]]
print(items[0]["status"] if items else "missing")' "$OUT" "$T/ws/.claude")
	run_bh run -t "$TIER" -- sh -c 'echo x > newfile && echo NEWFILE'
	expect_contains "$OUT" NEWFILE
	if [ "$TIER" = kernel ]; then
		expect_eq "$status" degraded "kernel tier report for a missing protected path"
	else
		expect_eq "$status" enforced "namespace tier report for a missing protected path"
		run_bh run -t "$TIER" -- sh -c 'mkdir .claude && echo CREATED; echo "{}" > .mcp.json && echo MCP; mkdir -p .git/hooks && echo GITHOOKS'
		expect_not_contains "$OUT" CREATED
		expect_not_contains "$OUT" MCP
		expect_not_contains "$OUT" GITHOOKS
		for p in .claude .mcp.json .git; do
			[ ! -e "$T/ws/$p" ] || fail "$p left in the workspace after the session"
		done
		ls "$HOME/.local/state/bulkhead/journal" 2>/dev/null | grep -q . &&
			fail "placeholder journal left behind"
	fi
}

test_exec_only_where_granted() {
	cp /bin/true "$T/home/mytrue"; chmod 755 "$T/home/mytrue"
	run_bh run -t "$TIER" -- "$T/home/mytrue"
	[ "$STATUS" != 0 ] || fail "executed a binary from the real HOME"
	run_bh run -t "$TIER" -- bin/fdlist
	expect_eq "$STATUS" 0 "exec from the workspace"
}

test_gitdir_file_is_followed() {
	# A linked worktree: .git is a file naming the real git directory,
	# here inside the workspace, so its hooks must be protected too.
	mkdir -p "$T/ws/.bare/hooks" && echo '[core]' > "$T/ws/.bare/config"
	echo "gitdir: .bare" > "$T/ws/.git"
	chown -R "$SBX_UID:$SBX_UID" "$T/ws/.bare" "$T/ws/.git"
	run_bh run -q -t "$TIER" -- sh -c 'echo "#!/bin/sh" > .bare/hooks/pre-commit && echo HOOK; echo evil >> .bare/config && echo CONFIG; echo ok > src/f && echo SRC'
	expect_not_contains "$OUT" HOOK
	expect_not_contains "$OUT" CONFIG
	expect_contains "$OUT" SRC
	[ ! -e "$T/ws/.bare/hooks/pre-commit" ] || fail "hook written through a gitdir file"
}
