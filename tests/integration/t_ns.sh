# Escapes aimed at the namespace tier's own mechanisms.
TIERS="namespace"

test_ns_proc_magic_links_stay_inside() {
	run_bh run -t "$TIER" -- sh -c "
		cat /proc/1/root$T/home/.ssh/id_ed25519
		cat /proc/self/root$T/home/.ssh/id_ed25519
		cd /proc/self/cwd/../../.. && cat .$T/home/.ssh/id_ed25519
		ls /proc/1/root/ /proc/1/cwd/"
	expect_not_contains "$OUT" "$CANARY"
	expect_not_contains "$OUT" "bh-it-bin"
}

test_ns_host_processes_invisible() {
	marker=$((6000 + RANDOM % 1000)).5
	sleep "$marker" &
	host=$!
	trap 'kill $host 2>/dev/null; cleanup_tree' EXIT
	run_bh run -q -t "$TIER" -- sh -c "ls /proc | grep -c '^[0-9]'; cat /proc/*/cmdline 2>/dev/null | tr '\\0' ' '; kill -0 $host && echo SIG''NALLED"
	expect_not_contains "$OUT" "sleep $marker"
	expect_not_contains "$OUT" SIGNALLED
	count=$(printf '%s\n' "$OUT" | head -n1)
	[ "$count" -le 6 ] || fail "saw $count processes in /proc"
}

test_ns_read_only_binds_stay_read_only() {
	run_bh run -q -t "$TIER" -- sh -c '
		touch /usr/bh-x && echo TOUCHED
		mount -o remount,rw /usr 2>&1 && echo REMOUNTED
		mount -t tmpfs none /usr 2>&1 && echo MOUNTED
		touch /bh-root-x && echo ROOT-WRITTEN
		touch /etc/bh-x && echo ETC-WRITTEN'
	for w in TOUCHED REMOUNTED MOUNTED ROOT-WRITTEN ETC-WRITTEN; do
		expect_not_contains "$OUT" "$w"
	done
	[ ! -e /usr/bh-x ] || { rm -f /usr/bh-x; fail "wrote into the host's /usr"; }
}

test_ns_identity_and_hostname() {
	run_bh run -q -t "$TIER" -- sh -c 'id -u; id -g; hostname; cat /proc/self/uid_map'
	expect_contains "$OUT" "$SBX_UID"
	expect_contains "$OUT" bulkhead
	# Exactly one id mapped, to itself: host root does not exist inside.
	map=$(printf '%s\n' "$OUT" | awk 'NF==3 {print $1, $2, $3}')
	expect_eq "$map" "$SBX_UID $SBX_UID 1" "uid_map"
}

test_ns_minimal_dev() {
	run_bh run -q -t "$TIER" -- sh -c 'ls /dev; echo x > /dev/null && echo NULL-OK; head -c 4 /dev/urandom | wc -c; ls /dev/sda /dev/mem /dev/kmsg 2>&1'
	expect_contains "$OUT" NULL-OK
	expect_contains "$OUT" "4"
	for d in sda mem kmsg; do
		expect_contains "$OUT" "/dev/$d': No such file"
	done
}

test_ns_supervisor_sigkill_leaves_nothing() {
	marker=$((7000 + RANDOM % 1000)).5
	# Run in the background with the caller's identity, then SIGKILL the
	# supervisor itself.
	(bh run -q -t "$TIER" -- sh -c "setsid sleep $marker & sleep $marker" >/dev/null 2>&1 &)
	for _ in $(seq 1 100); do pgrep -f "^sleep $marker" >/dev/null && break; sleep 0.05; done
	pgrep -f "^sleep $marker" >/dev/null || { fail "sandbox never started"; return; }
	# The killed session's private directory, as its journal names it.
	rundir=$(cat "$T"/home/.local/state/bulkhead/journal/*.rundir 2>/dev/null | head -n1)
	[ -n "$rundir" ] && [ -d "$rundir" ] || fail "no journaled private directory during the session"
	kill_supervisor "bulkhead run -q -t $TIER -- sh -c setsid sleep $marker" \
		"sleep $marker" "sandboxed processes"
	# The next start sweeps what the killed one could not remove.
	expect_swept "$rundir"
}

test_ns_workspace_top_stays_creatable_in_git_repo() {
	mkdir -p "$T/ws/.git/hooks" && echo '[core]' > "$T/ws/.git/config"
	chown -R "$SBX_UID:$SBX_UID" "$T/ws/.git"
	run_bh run -q -t "$TIER" -- sh -c 'echo a > top.txt && echo TOP; mv .git .git-away && echo MOVED; echo x > .git/hooks/pre-commit && echo HOOK'
	expect_contains "$OUT" TOP
	expect_not_contains "$OUT" MOVED
	expect_not_contains "$OUT" HOOK
}
