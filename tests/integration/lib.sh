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
