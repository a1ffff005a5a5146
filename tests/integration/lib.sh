# shellcheck shell=bash
# Shared helpers for the integration tests.  Each test function runs in its
# own subshell with a fresh tree $T:
#   $T/home   the caller's HOME (fake secrets planted, world-readable so that
#             only the sandbox, not file permissions, keeps them out)
#   $T/ws     the workspace (current directory of the test), with bin/
#             holding the test helpers
# MODE is "root" (bulkhead runs as root; the sandbox drops to the workspace
# owner, uid 65533) or "user" (bulkhead runs as uid 65534 via setpriv).

CANARY="BH-CANARY-$$-$RANDOM$RANDOM"
T_FAILED=0

fail() {
	echo "    FAIL: $*" >&2
	T_FAILED=1
}

skip() {
	echo "    SKIP: $*" >&2
	exit 77
}

setup_tree() {
	T=$(mktemp -d /tmp/bh-it.XXXXXX)
	chmod 755 "$T"
	mkdir -p "$T/home/.ssh" "$T/home/.aws" "$T/ws/bin" "$T/ws/src"
	echo "$CANARY-ssh" > "$T/home/.ssh/id_ed25519"
	printf '[default]\naws_secret_access_key = %s-aws\n' "$CANARY" \
		> "$T/home/.aws/credentials"
	chmod -R a+rX "$T/home"
	cp "$HELPERS"/* "$T/ws/bin/"
	echo "hello" > "$T/ws/src/existing.txt"
	if [ "$MODE" = user ]; then
		SBX_UID=65534
		chown -R 65534:65534 "$T/home" "$T/ws"
	else
		SBX_UID=65533
		chown -R 65533:65533 "$T/ws"
	fi
	chmod -R u+rwX,a+rX "$T/ws"
}

cleanup_tree() {
	[ -n "${T:-}" ] && [ -d "$T" ] && rm -rf --one-file-system "$T"
}

# bh ARGS...: runs bulkhead as the mode's caller, from $T/ws (or $BH_CWD),
# with a small clean environment plus $BH_ENV (space-separated NAME=VALUE).
bh() {
	local -a envv=(HOME="$T/home" PATH=/usr/local/bin:/usr/bin:/bin
		       LANG=C.UTF-8 TERM=dumb)
	local e
	for e in ${BH_ENV:-}; do envv+=("$e"); done
	local -a who=()
	if [ "$MODE" = user ]; then
		who=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	fi
	(cd "${BH_CWD:-$T/ws}" && "${who[@]}" env -i "${envv[@]}" \
		"$BH_BIN" "$@")
}

expect_contains() { # haystack needle [what]
	case "$1" in
	*"$2"*) ;;
	*) fail "${3:-output} does not contain '$2'; got: $(printf %s "$1" | head -c 600)" ;;
	esac
}

expect_not_contains() {
	case "$1" in
	*"$2"*) fail "${3:-output} contains '$2'; got: $(printf %s "$1" | head -c 600)" ;;
	*) ;;
	esac
}

expect_eq() { # got expected [what]
	[ "$1" = "$2" ] || fail "${3:-value}: expected '$2', got '$1'"
}

# run_status VAR ARGS...: runs bh ARGS, stores stdout+stderr in OUT and the
# exit status in the named variable.
run_bh() {
	OUT=$(bh "$@" 2>&1)
	STATUS=$?
}

# start_server: a TCP listener on the host's loopback answering "pong"
# (port in $PORT), killed with the tree.
start_server() {
	"$HELPERS/netprobe" listen "$T/port" &
	SERVER=$!
	for _ in $(seq 1 100); do [ -s "$T/port" ] && break; sleep 0.02; done
	PORT=$(cat "$T/port")
	trap 'kill $SERVER 2>/dev/null; cleanup_tree' EXIT
}

# plant_git_dir: .git/hooks and .git/config in the workspace, owned by the
# sandbox's uid, so only the protect rules keep them read-only.
plant_git_dir() {
	mkdir -p "$T/ws/.git/hooks"
	echo '[core]' > "$T/ws/.git/config"
	chown -R "$SBX_UID:$SBX_UID" "$T/ws/.git"
}

# kill_supervisor BH_PATTERN SANDBOX_PATTERN WHAT: SIGKILLs the bulkhead
# whose command line matches BH_PATTERN and fails when processes matching
# SANDBOX_PATTERN (WHAT) outlive it.
kill_supervisor() {
	pkill -9 -f "$1"
	for _ in $(seq 1 100); do pgrep -f "$2" >/dev/null || break; sleep 0.05; done
	if pgrep -f "$2" >/dev/null; then
		pkill -9 -f "$2"
		fail "$3 survived the supervisor's SIGKILL"
	fi
}

# expect_swept RUNDIR: the next start removes what a SIGKILL'd session
# left: placeholders, journals, its private directory, its cgroup.
expect_swept() {
	run_bh run -q -t "$TIER" -- true
	expect_eq "$STATUS" 0 "the start after a SIGKILL"
	for p in .claude .envrc .git .mcp.json; do
		[ ! -e "$T/ws/$p" ] || fail "placeholder $p left in the workspace"
	done
	ls "$T/home/.local/state/bulkhead/journal/" 2>/dev/null | grep -q . &&
		fail "journal entries left: $(ls "$T/home/.local/state/bulkhead/journal/")"
	[ -z "$1" ] || [ ! -e "$1" ] || fail "private directory $1 of the killed session left behind"
	if [ "$MODE" = root ]; then
		left=$(own_cgroups_left)
		[ -z "$left" ] || fail "session cgroup left after SIGKILL: $left"
	fi
}

# own_cgroups_left: the session cgroups of this test's own sessions (those
# in its audit log) that still exist, in any hierarchy.  Other bulkhead
# runs on the host (another test run, a user) have cgroups of their own
# that come and go; they are not this test's business.
own_cgroups_left() {
	local log="$T/home/.local/state/bulkhead/audit.jsonl" sid h
	[ -f "$log" ] || return 0
	for sid in $(sed -n 's/.*"session":"\([^"]*\)".*/\1/p' "$log" | sort -u); do
		for h in /sys/fs/cgroup/*/bulkhead /sys/fs/cgroup/bulkhead; do
			[ -d "$h" ] || continue
			find "$h" -mindepth 1 -maxdepth 1 -type d -name "$sid-*" 2>/dev/null
		done
	done
}

# start_origin: an HTTP server on the host's loopback serving $T/ws/src
# (port in $PORT), and $T/e.profile allowing it through the proxy.
start_origin() {
	python3 -m http.server 0 --bind 127.0.0.1 --directory "$T/ws/src" >"$T/origin.log" 2>&1 &
	ORIGIN=$!
	for _ in $(seq 1 100); do
		PORT=$(sed -n 's/.*port \([0-9]*\).*/\1/p' "$T/origin.log" | head -n1)
		[ -n "$PORT" ] && break
		sleep 0.05
	done
	trap 'kill $ORIGIN 2>/dev/null; cleanup_tree' EXIT
	printf 'include default\nnet allow 127.0.0.1\n' > "$T/e.profile"
}

# expect_proxy_answers: with $T/e.profile, the origin answers through the
# session's proxy over HTTP, CONNECT and SOCKS5.
expect_proxy_answers() {
	run_bh run -q -p "$T/e.profile" -t "$TIER" -- sh -c "
		curl -s http://127.0.0.1:$PORT/existing.txt
		curl -s --proxytunnel -x \"\$HTTP_PROXY\" http://127.0.0.1:$PORT/existing.txt
		curl -s -x \"\$ALL_PROXY\" http://127.0.0.1:$PORT/existing.txt"
	n=$(printf '%s\n' "$OUT" | grep -c '^hello$')
	expect_eq "$n" 3 "answers through HTTP, CONNECT and SOCKS5"
}

# expect_exec_failures: a command not found is 127, one that cannot be
# executed 126, as for any shell.
expect_exec_failures() {
	run_bh run -t "$TIER" -- no-such-command-xyz
	expect_eq "$STATUS" 127 "not found"
	expect_contains "$OUT" "no-such-command-xyz: command not found"
	printf 'not a program' > "$T/ws/notexec"; chmod 644 "$T/ws/notexec"
	run_bh run -t "$TIER" -- ./notexec
	expect_eq "$STATUS" 126 "not executable"
}
