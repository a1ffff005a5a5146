# Overlay-mode sessions: diff, apply, discard, sessions (docs/workspace.md).
#
# Until the namespace tier creates sessions itself, these tests play its
# part: ws_new writes STATE/sessions/ID as bh_ws_session_create() does, and
# ws_run mounts the overlay (lower $T/ws, the session's upper and work) the
# way the tier will -- as root with trusted.overlay.* markers, as uid 65534
# in a user namespace with `userxattr` -- and runs commands in the merged
# view.  Everything after that goes through the real binary.  No tier is
# involved, so the tests run once per mode.
TIERS="kernel"

WS_STATE_REL=.local/state/bulkhead/sessions

ws_dir() { echo "$T/home/$WS_STATE_REL/$1"; }

# ws_new ID [PROTECTED...]: a session in state "ended" (WS_STATE to
# change), supervisor WS_PID (default: none), started now.
ws_new() {
	local id=$1
	shift
	local sd
	sd=$(ws_dir "$id")
	mkdir -p "$sd/upper" "$sd/work"
	local xattr=trusted owner=65533
	if [ "$MODE" = user ]; then xattr=user owner=65534; fi
	# The workspace was made before the session started.
	sleep 0.05
	python3 - "$sd" "$id" "$T/ws" "$xattr" "${WS_PID:-0}" \
		"${WS_STATE:-ended}" "$@" <<'PY' || fail "writing meta.json"
import json, os, sys, time
sd, sid, ws, xattr, pid, state = sys.argv[1:7]
st = os.stat(ws)
start = 0
if int(pid):
    with open(f"/proc/{pid}/stat") as f:
        start = int(f.read().rsplit(")", 1)[1].split()[19])
meta = {"v": 1, "id": sid, "workspace": ws, "workspace_dev": st.st_dev,
        "workspace_ino": st.st_ino, "profile": "default",
        "created": time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime()),
        "created_ns": time.time_ns(), "state": state,
        "overlay_xattr": xattr, "pid": int(pid), "pid_start": start,
        "uid": os.getuid(), "protected": sys.argv[7:]}
with open(sd + "/meta.json", "w") as f:
    json.dump(meta, f, indent=2)
PY
	chmod 700 "$T/home/.local" "$T/home/.local/state" \
		"$T/home/.local/state/bulkhead" "$T/home/$WS_STATE_REL" "$sd"
	chmod 600 "$sd/meta.json"
	chmod "$(stat -c %a "$T/ws")" "$sd/upper"
	chown "$owner:$owner" "$sd/upper"
	if [ "$MODE" = user ]; then
		chown -R 65534:65534 "$T/home/.local"
	fi
}

# ws_run ID 'shell commands': runs them at the top of the session's
# merged view.  The mount lives in a private mount namespace and goes when
# the commands end.
ws_run() {
	local sd m="$T/merged"
	sd=$(ws_dir "$1")
	mkdir -p "$m"
	local opts="lowerdir=$T/ws,upperdir=$sd/upper,workdir=$sd/work"
	if [ "$MODE" = user ]; then
		chown 65534:65534 "$m"
		setpriv --reuid=65534 --regid=65534 --clear-groups \
			unshare -Urm sh -c "mount -t overlay overlay \
			-o $opts,userxattr '$m' && cd '$m' && $2"
	else
		unshare -m sh -c "mount -t overlay overlay -o $opts '$m' && \
			cd '$m' && $2"
	fi
}

# Skips (with the reason) where this mode cannot mount an overlay at all.
ws_require_overlay() {
	ws_new probe-0
	if ! ws_run probe-0 true 2>/dev/null; then
		skip "cannot mount overlayfs in mode $MODE here"
	fi
	rm -rf "$(ws_dir probe-0)"
}

test_ws_diff_and_apply_modify_add_delete() {
	ws_require_overlay
	printf 'one\ntwo\nthree\n' > "$T/ws/src/lines.txt"
	echo bye > "$T/ws/src/gone.txt"
	mkdir -p "$T/ws/old/sub"
	echo a > "$T/ws/old/a"
	echo b > "$T/ws/old/sub/b"
	chown -R "$SBX_UID:$SBX_UID" "$T/ws/src" "$T/ws/old"
	ws_new 20261126T181000Z-65d4b4dd
	# `rm -rf old && mkdir old` leaves an opaque directory (the marker in
	# trusted.overlay.* as root, user.overlay.* in a user namespace).
	ws_run 20261126T181000Z-65d4b4dd \
		"sed -i s/two/TWO/ src/lines.txt && echo fresh > src/new.txt \
		&& rm src/gone.txt && mkdir -p lib/deep && echo x > lib/deep/x.c \
		&& rm -rf old && mkdir old && echo c > old/c" ||
		fail "changes in the overlay"
	run_bh sessions
	expect_contains "$OUT" "20261126T181000Z-65d4b4dd"
	expect_contains "$OUT" "ended"
	run_bh diff 20261126T1810
	expect_eq "$STATUS" 0 "diff status"
	expect_contains "$OUT" "--- a/src/lines.txt"
	expect_contains "$OUT" "+++ b/src/lines.txt"
	expect_contains "$OUT" "-two"
	expect_contains "$OUT" "+TWO"
	expect_contains "$OUT" "--- /dev/null"
	expect_contains "$OUT" "+++ b/src/new.txt"
	expect_contains "$OUT" "deleted file mode 100644"
	expect_contains "$OUT" " D src/gone.txt"
	expect_contains "$OUT" " A lib/deep/"
	expect_contains "$OUT" " M old/"
	expect_contains "$OUT" "directory replaced"
	expect_contains "$OUT" " D old/sub/b"
	run_bh diff 20261126T1810 --stat
	expect_not_contains "$OUT" "@@"
	OUT=$(bh diff 20261126T1810 --json)
	python3 -c '
import json, sys
d = json.loads(sys.argv[1])
by = {c["path"]: c for c in d["changes"]}
assert by["src/lines.txt"]["status"] == "modified"
assert by["src/lines.txt"]["insertions"] == 1
assert by["src/new.txt"]["status"] == "added"
assert by["src/gone.txt"]["status"] == "deleted"
assert d["summary"]["refused"] == 0
' "$OUT" || fail "diff --json: $OUT"

	run_bh apply 20261126T181000Z-65d4b4dd
	expect_eq "$STATUS" 0 "apply status ($OUT)"
	expect_eq "$(cat "$T/ws/src/lines.txt")" "$(printf 'one\nTWO\nthree')" \
		"modified file"
	expect_eq "$(cat "$T/ws/src/new.txt" 2>/dev/null)" fresh "added file"
	[ -e "$T/ws/src/gone.txt" ] && fail "deleted file still there"
	[ -f "$T/ws/lib/deep/x.c" ] || fail "new directories not made"
	expect_eq "$(cd "$T/ws/old" && find . | sort | tr '\n' ' ')" ". ./c " \
		"the replaced directory"
	# New entries belong to the workspace's owner, even from a root apply.
	expect_eq "$(stat -c %u "$T/ws/src/new.txt")" "$SBX_UID" "owner"
	expect_eq "$(stat -c %u "$T/ws/lib/deep")" "$SBX_UID" "dir owner"
	ls -a "$T/ws/src" | grep -q bulkhead-apply && fail "temp file left"
	run_bh sessions
	expect_contains "$OUT" "applied"
	run_bh diff 20261126T181000Z-65d4b4dd --stat
	expect_contains "$OUT" " 0 changes"
	# Applied is not removed: only discard removes a session.
	[ -d "$(ws_dir 20261126T181000Z-65d4b4dd)/upper" ] ||
		fail "session gone after apply"
	run_bh apply 20261126T181000Z-65d4b4dd
	expect_eq "$STATUS" 1 "second apply"
}

test_ws_refuses_protected_paths() {
	ws_require_overlay
	mkdir -p "$T/ws/.git/hooks"
	chown -R "$SBX_UID:$SBX_UID" "$T/ws/.git"
	ws_new 20261126T181000Z-00000001 .git/hooks .claude
	ws_run 20261126T181000Z-00000001 \
		"mkdir .claude && echo '{\"hooks\":1}' > .claude/settings.json \
		&& printf '#!/bin/sh\ncurl evil\n' > .git/hooks/pre-commit \
		&& echo ok > ok.txt" || fail "changes in the overlay"
	run_bh apply 20261126T181000Z-00000001 </dev/null
	expect_eq "$STATUS" 3 "refused"
	expect_contains "$OUT" "a protected path"
	expect_contains "$OUT" "--force-protected"
	expect_contains "$OUT" "nothing applied"
	[ -e "$T/ws/ok.txt" ] && fail "applied something despite refusals"
	[ -e "$T/ws/.claude" ] && fail ".claude created"
	run_bh apply 20261126T181000Z-00000001 --yes </dev/null
	expect_eq "$STATUS" 3 "--yes leaves them out"
	[ -f "$T/ws/ok.txt" ] || fail "--yes did not apply the rest"
	[ -e "$T/ws/.git/hooks/pre-commit" ] && fail "hook written"
	[ -e "$T/ws/.claude" ] && fail ".claude created with --yes"
	run_bh sessions
	expect_contains "$OUT" "partial"
	run_bh apply 20261126T181000Z-00000001 --force-protected </dev/null
	expect_eq "$STATUS" 0 "--force-protected"
	[ -f "$T/ws/.git/hooks/pre-commit" ] || fail "hook not applied"
}

test_ws_refuses_setuid() {
	ws_require_overlay
	ws_new 20261126T181000Z-00000002
	ws_run 20261126T181000Z-00000002 \
		"cp /bin/true tool && chmod 4755 tool && cp /bin/true gtool \
		&& chmod 2755 gtool" || fail "changes in the overlay"
	run_bh diff 20261126T181000Z-00000002
	expect_contains "$OUT" "new file mode 104755"
	run_bh apply 20261126T181000Z-00000002 </dev/null
	expect_eq "$STATUS" 3 "refused"
	expect_contains "$OUT" "setuid/setgid"
	[ -e "$T/ws/tool" ] && fail "setuid file applied"
	run_bh apply 20261126T181000Z-00000002 --strip-setid </dev/null
	expect_eq "$STATUS" 0 "--strip-setid"
	expect_eq "$(stat -c %a "$T/ws/tool")" 755 "mode of tool"
	expect_eq "$(stat -c %a "$T/ws/gtool")" 755 "mode of gtool"
}

test_ws_never_applies_fifos_and_sockets() {
	ws_require_overlay
	ws_new 20261126T181000Z-00000003
	ws_run 20261126T181000Z-00000003 \
		"mkfifo pipe && python3 -c 'import socket; \
		socket.socket(socket.AF_UNIX).bind(\"sock\")' && echo x > x" ||
		fail "changes in the overlay"
	run_bh apply 20261126T181000Z-00000003 --force --force-protected \
		--strip-setid --allow-outside-links </dev/null
	expect_eq "$STATUS" 3 "refused even with every option"
	expect_contains "$OUT" "a device node, fifo or socket"
	[ -e "$T/ws/x" ] && fail "applied the rest without --yes"
	run_bh apply 20261126T181000Z-00000003 --yes </dev/null
	expect_eq "$STATUS" 3 "--yes"
	[ -f "$T/ws/x" ] || fail "rest not applied"
	[ -e "$T/ws/pipe" ] && fail "fifo applied"
	[ -e "$T/ws/sock" ] && fail "socket applied"
}

test_ws_never_applies_device_nodes() {
	[ "$MODE" = root ] ||
		skip "an unprivileged user cannot make a device node to test with"
	ws_require_overlay
	ws_new 20261126T181000Z-00000004
	ws_run 20261126T181000Z-00000004 "mknod mem c 1 1 && mknod disk b 7 0" ||
		fail "mknod in the overlay"
	run_bh diff 20261126T181000Z-00000004
	expect_contains "$OUT" "character device"
	expect_contains "$OUT" "block device"
	run_bh apply 20261126T181000Z-00000004 --yes </dev/null
	expect_eq "$STATUS" 3 "status"
	[ -e "$T/ws/mem" ] && fail "device node applied"
	[ -e "$T/ws/disk" ] && fail "block device applied"
}

test_ws_refuses_escaping_symlinks() {
	ws_require_overlay
	ws_new 20261126T181000Z-00000005
	ws_run 20261126T181000Z-00000005 \
		"ln -s /etc/shadow abs && ln -s ../../../etc/passwd src/rel \
		&& mkdir -p a/b && ln -s ../.. a/b/top && ln -s a/b/top/../.. chain \
		&& ln -s existing.txt src/fine" || fail "links in the overlay"
	run_bh apply 20261126T181000Z-00000005 </dev/null
	expect_eq "$STATUS" 3 "refused"
	expect_contains "$OUT" "left out: abs: a symlink that leads outside"
	expect_contains "$OUT" "left out: src/rel:"
	expect_contains "$OUT" "left out: chain:"
	expect_not_contains "$OUT" "left out: src/fine"
	expect_not_contains "$OUT" "left out: a/b/top"
	[ -L "$T/ws/src/fine" ] && fail "applied despite refusals"
	run_bh apply 20261126T181000Z-00000005 --yes </dev/null
	[ -L "$T/ws/src/fine" ] || fail "inside link not applied"
	[ -L "$T/ws/abs" ] && fail "absolute link applied"
	run_bh apply 20261126T181000Z-00000005 --allow-outside-links </dev/null
	expect_eq "$STATUS" 0 "--allow-outside-links"
	expect_eq "$(readlink "$T/ws/abs")" /etc/shadow "target"
}

# The workspace changed under the session: a file the agent also changed
# (a conflict), and a directory swapped for a symlink out of the tree.
test_ws_conflicts_and_swapped_directories() {
	ws_require_overlay
	mkdir -p "$T/ws/sub" "$T/outside"
	echo base > "$T/ws/sub/f"
	chown -R "$SBX_UID:$SBX_UID" "$T/ws/sub"
	ws_new 20261126T181000Z-00000006
	ws_run 20261126T181000Z-00000006 \
		"echo agent > src/existing.txt && echo agent > sub/f" ||
		fail "changes in the overlay"
	echo user > "$T/ws/src/existing.txt" # the user, meanwhile
	mv "$T/ws/sub" "$T/ws/sub.old"
	ln -s "$T/outside" "$T/ws/sub"
	run_bh apply 20261126T181000Z-00000006 </dev/null
	expect_eq "$STATUS" 3 "conflicts refused"
	expect_contains "$OUT" "left out: src/existing.txt: changed in the workspace after the session took its copy (--force)"
	expect_contains "$OUT" "left out: sub: changed in the workspace"
	expect_eq "$(cat "$T/ws/src/existing.txt")" user "user's edit kept"
	[ -L "$T/ws/sub" ] || fail "the user's symlink replaced"
	# Forced, the symlink is replaced by the session's directory: nothing
	# is written through it.
	run_bh apply 20261126T181000Z-00000006 --force </dev/null
	expect_eq "$STATUS" 0 "--force ($OUT)"
	expect_eq "$(cat "$T/ws/src/existing.txt")" agent "forced"
	[ -e "$T/outside/f" ] && fail "wrote through a symlinked directory"
	[ -d "$T/ws/sub" ] && [ ! -L "$T/ws/sub" ] || fail "sub not a directory"
	expect_eq "$(cat "$T/ws/sub/f")" agent "sub/f"
	expect_eq "$(cat "$T/ws/sub.old/f")" base "the user's moved directory"
}

# Skips when the namespace tier's probe says it cannot run here (the
# reasons src/tier/namespace.c gives).
ws_namespace_tier_missing() {
	case "$1" in
	*"cannot create a user namespace"* | *"AppArmor restricts"* | \
		*"Landlock is not available"*)
		skip "the namespace tier cannot run here: $1" ;;
	esac
}

# The real thing: `run --overlay` in the namespace tier makes the session,
# the review commands land it.
ws_run_overlay() { # ARGS... after `run`; sets OUT, STATUS and WS_ID
	run_bh run -t namespace --overlay "$@"
	WS_ID=$(printf '%s\n' "$OUT" |
		sed -n 's/.*changes kept for review: bulkhead diff \([^ ]*\).*/\1/p')
	ws_namespace_tier_missing "$OUT"
}

test_ws_end_to_end_run_overlay() {
	ws_run_overlay -- sh -c 'echo changed > src/existing.txt &&
		echo new > src/new.txt && mkdir -p .claude &&
		echo x > .claude/settings.json'
	expect_eq "$STATUS" 0 "run status ($OUT)"
	[ -n "$WS_ID" ] || { fail "no session id in: $OUT"; return; }
	expect_eq "$(cat "$T/ws/src/existing.txt")" hello "workspace untouched"
	[ -e "$T/ws/src/new.txt" ] && fail "a write reached the workspace"
	run_bh sessions
	expect_contains "$OUT" "$WS_ID"
	expect_contains "$OUT" "ended"
	run_bh diff "$WS_ID"
	expect_contains "$OUT" "+changed"
	expect_contains "$OUT" "+++ b/src/new.txt"
	expect_contains "$OUT" "a protected path"
	run_bh apply "$WS_ID" </dev/null
	expect_eq "$STATUS" 3 "protected path refused"
	run_bh apply "$WS_ID" --yes </dev/null
	expect_eq "$(cat "$T/ws/src/existing.txt")" changed "applied"
	expect_eq "$(cat "$T/ws/src/new.txt")" new "added"
	[ -e "$T/ws/.claude" ] && fail "protected path applied"
	run_bh discard "$WS_ID"
	expect_eq "$STATUS" 0 "discard"
	[ -e "$(ws_dir "$WS_ID")" ] && fail "session left after discard"
}

# SIGKILL of the real supervisor mid-run: the sandbox goes with it, the
# session stays (interrupted) with what was written, and applies.
test_ws_end_to_end_supervisor_killed() {
	local -a who=()
	[ "$MODE" = user ] && who=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	(cd "$T/ws" && exec "${who[@]}" env -i HOME="$T/home" \
		PATH=/usr/bin:/bin "$BH_BIN" run -t namespace --overlay -q -- \
		sh -c 'echo kept > src/k.txt && sleep 60') >"$T/run.out" 2>&1 &
	local sup=$! i
	for i in $(seq 100); do
		ls "$T/home/$WS_STATE_REL"/*/upper/src/k.txt >/dev/null 2>&1 && break
		kill -0 "$sup" 2>/dev/null || break
		sleep 0.1
	done
	if ! ls "$T/home/$WS_STATE_REL"/*/upper/src/k.txt >/dev/null 2>&1; then
		kill -9 "$sup" 2>/dev/null
		ws_namespace_tier_missing "$(cat "$T/run.out")"
		fail "the sandbox never wrote: $(cat "$T/run.out")"
		return
	fi
	kill -9 "$sup"
	wait "$sup" 2>/dev/null
	local id
	id=$(basename "$(dirname "$(dirname "$(dirname "$(ls "$T/home/$WS_STATE_REL"/*/upper/src/k.txt)")")")")
	run_bh sessions
	expect_contains "$OUT" "$id"
	expect_contains "$OUT" "interrupted"
	run_bh diff "$id"
	expect_contains "$OUT" "+kept"
	run_bh apply "$id" </dev/null
	expect_eq "$STATUS" 0 "apply after SIGKILL ($OUT)"
	expect_eq "$(cat "$T/ws/src/k.txt")" kept "applied"
	run_bh discard "$id"
	expect_eq "$STATUS" 0 "discard"
	# The next start sweeps what the killed supervisor could not remove.
	expect_swept ""
}

# A mount point in the workspace: the overlay saw the directory under it,
# so nothing below it is applied, nor written into what is mounted there.
test_ws_mount_point_not_crossed() {
	[ "$MODE" = root ] ||
		skip "an unprivileged caller cannot bind-mount in its own mount namespace"
	ws_require_overlay
	mkdir -p "$T/ws/mnt" "$T/outside"
	ws_new 20261126T181000Z-0000000c
	ws_run 20261126T181000Z-0000000c "echo agent > mnt/x && echo ok > ok.txt" ||
		fail "changes in the overlay"
	OUT=$(unshare -m sh -c "mount --bind '$T/outside' '$T/ws/mnt' && \
		cd '$T/ws' && env -i HOME='$T/home' PATH=/usr/bin:/bin \
		'$BH_BIN' apply 20261126T181000Z-0000000c --yes" </dev/null 2>&1)
	expect_contains "$OUT" "at a mount point in the workspace"
	[ -e "$T/outside/x" ] && fail "wrote into the mounted directory"
	[ -f "$T/ws/ok.txt" ] || fail "the rest not applied"
}

# A crash between the steps: the sandbox killed mid-write, the supervisor
# SIGKILLed.  The session stays until an explicit discard; apply then
# finds only what is left to do.
test_ws_session_survives_sigkill() {
	ws_require_overlay
	sleep 1000 &
	local sup=$!
	WS_PID=$sup WS_STATE=running ws_new 20261126T181000Z-00000007
	(ws_run 20261126T181000Z-00000007 \
		"echo one > one.txt && echo two > two.txt && kill -9 \$\$") \
		2>/dev/null
	run_bh sessions
	expect_contains "$OUT" "running"
	run_bh apply 20261126T181000Z-00000007 </dev/null
	expect_eq "$STATUS" 1 "apply while the supervisor lives"
	run_bh discard 20261126T181000Z-00000007
	expect_eq "$STATUS" 1 "discard while the supervisor lives"
	kill -9 "$sup"
	wait "$sup" 2>/dev/null
	run_bh sessions
	expect_contains "$OUT" "interrupted"
	run_bh diff 20261126T181000Z-00000007
	expect_contains "$OUT" "+++ b/one.txt"
	expect_contains "$OUT" "+++ b/two.txt"
	# An apply that stopped half-way (one file in place already).
	cp "$(ws_dir 20261126T181000Z-00000007)/upper/one.txt" "$T/ws/one.txt"
	run_bh apply 20261126T181000Z-00000007 </dev/null
	expect_eq "$STATUS" 0 "apply after the crash ($OUT)"
	expect_eq "$(cat "$T/ws/two.txt")" two "second file"
	[ -d "$(ws_dir 20261126T181000Z-00000007)" ] ||
		fail "session removed by something other than discard"
	run_bh discard 20261126T181000Z-00000007
	expect_eq "$STATUS" 0 "discard"
}

test_ws_discard_leaves_nothing() {
	ws_require_overlay
	ws_new 20261126T181000Z-00000008
	ws_run 20261126T181000Z-00000008 \
		"mkdir -p locked/inner && echo x > locked/inner/f && \
		chmod 000 locked/inner locked && ln -s / rootlink && rm -rf src" ||
		fail "changes in the overlay"
	run_bh diff 20261126T181000Z-00000008
	expect_contains "$OUT" "locked"
	run_bh discard 20261126T181000Z-0000000
	expect_eq "$STATUS" 0 "discard by prefix ($OUT)"
	[ -e "$(ws_dir 20261126T181000Z-00000008)" ] &&
		fail "session directory left: $(ls -laR "$(ws_dir 20261126T181000Z-00000008)" 2>&1 | head -20)"
	[ -n "$(ls -A "$T/home/$WS_STATE_REL")" ] && fail "left in sessions/"
	[ -f "$T/ws/src/existing.txt" ] || fail "discard touched the workspace"
	run_bh sessions --json
	expect_eq "$OUT" "[]" "no sessions"
	run_bh discard 20261126T181000Z-00000008
	expect_eq "$STATUS" 1 "discard of a session that is gone"
}

# What discard cannot remove (as a user: files of other uids, which a
# user-namespace mount with several uids leaves; as root: an immutable
# file) is listed, and the session stays, marked discarding, to be
# discarded again once it can be.
test_ws_discard_reports_what_it_cannot_remove() {
	ws_require_overlay
	ws_new 20261126T181000Z-0000000d
	ws_run 20261126T181000Z-0000000d "echo x > mine.txt" ||
		fail "changes in the overlay"
	local up
	up="$(ws_dir 20261126T181000Z-0000000d)/upper"
	mkdir "$up/theirs"
	echo y > "$up/theirs/f"
	if [ "$MODE" = user ]; then
		chown -R 65533:65533 "$up/theirs"
	elif ! chattr +i "$up/theirs/f" 2>/dev/null; then
		skip "no immutable files here (chattr +i) to make a removal fail as root"
	fi
	run_bh discard 20261126T181000Z-0000000d
	expect_eq "$STATUS" 125 "incomplete discard"
	expect_contains "$OUT" "upper/theirs/f"
	expect_contains "$OUT" "unshare --map-root-user --map-auto"
	run_bh sessions
	expect_contains "$OUT" "discarding"
	[ "$MODE" = root ] && chattr -i "$up/theirs/f"
	rm -rf "$up/theirs"
	run_bh discard 20261126T181000Z-0000000d
	expect_eq "$STATUS" 0 "discard once it can"
	[ -e "$(ws_dir 20261126T181000Z-0000000d)" ] && fail "session left"
}

# Names and lines are the sandbox's: nothing in them reaches the terminal
# raw.
test_ws_names_and_lines_escaped() {
	ws_require_overlay
	ws_new 20261126T181000Z-00000009
	ws_run 20261126T181000Z-00000009 \
		"printf 'x\n' > \"\$(printf 'evil\033]0;pwned\007name')\" && \
		printf 'ok();\rhidden\n\033[2J\n' > src/existing.txt" ||
		fail "changes in the overlay"
	run_bh diff 20261126T181000Z-00000009
	case "$OUT" in
	*$'\033'* | *$'\007'*) fail "a raw control character reached the output" ;;
	esac
	expect_contains "$OUT" 'evil\x1b]0;pwned\x07name'
	expect_contains "$OUT" '+ok();\x0dhidden'
	expect_contains "$OUT" '+\x1b[2J'
}

test_ws_command_line() {
	for c in sessions diff apply discard; do
		run_bh "$c" --help
		expect_eq "$STATUS" 0 "$c --help"
		expect_contains "$OUT" "usage: bulkhead $c"
	done
	run_bh diff ../../etc
	expect_eq "$STATUS" 2 "id with a slash"
	run_bh discard ..
	expect_eq "$STATUS" 2 "id .."
	run_bh diff 20991231T000000Z-00000000
	expect_eq "$STATUS" 1 "no such session"
	run_bh apply
	expect_eq "$STATUS" 2 "no session given"
	run_bh apply x --bogus
	expect_eq "$STATUS" 2 "unknown option"
	run_bh sessions
	expect_eq "$STATUS" 0 "no sessions yet"
	ws_new 20261126T181000Z-aaaaaaaa
	ws_new 20261126T181000Z-aaaabbbb
	run_bh diff 20261126T181000Z-aaaa
	expect_eq "$STATUS" 1 "ambiguous prefix"
	expect_contains "$OUT" "20261126T181000Z-aaaabbbb"
}

# At a terminal apply asks about each refused change; without one it
# never asks.
test_ws_apply_asks_at_a_terminal() {
	ws_require_overlay
	ws_new 20261126T181000Z-0000000a .claude
	ws_run 20261126T181000Z-0000000a \
		"mkdir .claude && echo '{}' > .claude/s.json && echo a > a.txt" ||
		fail "changes in the overlay"
	local -a who=()
	[ "$MODE" = user ] && who=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	# No to .claude (its file is not asked about: it cannot be without
	# it), then yes to "apply the other one?".
	OUT=$(cd "$T/ws" && printf 'n\ny\n' | "${who[@]}" env -i \
		HOME="$T/home" PATH=/usr/bin:/bin TERM=dumb \
		script -qec "$BH_BIN apply 20261126T181000Z-0000000a" /dev/null)
	expect_contains "$OUT" ".claude: a protected path.  Apply it anyway? [y/N]"
	expect_not_contains "$OUT" ".claude/s.json: a protected path.  Apply"
	expect_contains "$OUT" "Apply the other 1 change and leave out 2?"
	[ -f "$T/ws/a.txt" ] || fail "the rest not applied after yes"
	[ -e "$T/ws/.claude" ] && fail "applied after no"
	OUT=$(cd "$T/ws" && printf 'y\ny\n' | "${who[@]}" env -i \
		HOME="$T/home" PATH=/usr/bin:/bin TERM=dumb \
		script -qec "$BH_BIN apply 20261126T181000Z-0000000a" /dev/null)
	[ -f "$T/ws/.claude/s.json" ] || fail "not applied after yes: $OUT"
}
