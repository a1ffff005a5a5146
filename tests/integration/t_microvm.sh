# shellcheck shell=bash
# The microvm tier: the namespace tier's scenarios inside a qemu microVM.
# Under emulation a boot takes 8-20 s, so each test boots once or twice and
# checks several things per boot.  Skipped only where qemu or a guest kernel
# is missing (tools/setup.sh --microvm installs both).
TIERS="microvm"

need_microvm() {
	command -v qemu-system-x86_64 >/dev/null ||
		skip "qemu-system-x86_64 is not installed (tools/setup.sh --microvm)"
	local k
	for k in /var/cache/bulkhead/microvm/boot/vmlinuz-* /boot/vmlinuz-* \
		"${BULKHEAD_MICROVM_KERNEL:-}"; do
		[ -n "$k" ] && [ -r "$k" ] && return 0
	done
	skip "no guest kernel (tools/setup.sh --microvm fills /var/cache/bulkhead/microvm)"
}

test_microvm_confinement() {
	need_microvm
	mkdir -p "$T/ws/.git/hooks"
	echo '#!/bin/sh' > "$T/ws/.git/hooks/pre-commit"
	chown -R "$SBX_UID:$SBX_UID" "$T/ws/.git"
	echo "$CANARY-outside" > "$T/outside.txt"
	chmod 644 "$T/outside.txt"
	BH_ENV="AWS_SECRET_ACCESS_KEY=$CANARY-env MYVAR=$CANARY-var LANG=C.UTF-8" \
		run_bh run -t microvm -- sh -c "
		cat $T/home/.ssh/id_ed25519 $T/home/.aws/credentials $T/outside.txt
		echo home=\$HOME
		cat \$HOME/.ssh/id_ed25519
		touch /etc/bh-probe /usr/bh-probe $T/bh-probe && echo WROTE-OUTSIDE
		echo hooked >> .git/hooks/pre-commit && echo WROTE-HOOK
		mv .git moved && echo MOVED-GIT
		echo inside > src/made.txt && echo WROTE-WS
		echo netdevs: \$(ls /sys/class/net)
		grep -c : /proc/net/dev
		env
		echo uid=\$(id -u)
		exit 7"
	expect_eq "$STATUS" 7 "exit status"
	expect_not_contains "$OUT" "$CANARY"
	expect_not_contains "$OUT" "WROTE-OUTSIDE"
	expect_not_contains "$OUT" "WROTE-HOOK"
	expect_not_contains "$OUT" "MOVED-GIT"
	expect_contains "$OUT" "WROTE-WS"
	expect_contains "$OUT" "netdevs: lo"
	expect_not_contains "$OUT" "eth"
	expect_contains "$OUT" "LANG=C.UTF-8"
	expect_contains "$OUT" "uid=$SBX_UID"
	expect_eq "$(cat "$T/ws/src/made.txt" 2>/dev/null)" inside "file written inside, seen on the host"
	expect_eq "$(cat "$T/ws/.git/hooks/pre-commit")" '#!/bin/sh' "hook on the host"
	[ ! -e /etc/bh-probe ] && [ ! -e /usr/bh-probe ] && [ ! -e "$T/bh-probe" ] ||
		fail "a file was created outside the workspace"
	# The report says what the VM runs on and what it costs.
	out=$(bh explain -t microvm 2>&1)
	expect_contains "$out" "virtual machine"
	case "$out" in
	*"[kvm]"*) ;;
	*) expect_contains "$out" "emulated (" "report under emulation" ;;
	esac
	# auto never picks it on its own; a min-tier microvm does.
	out=$(bh explain 2>&1)
	expect_not_contains "$out" "report for tier microvm" "auto"
	printf 'include default\nmin-tier microvm\n' > "$T/min.profile"
	chmod 644 "$T/min.profile"
	out=$(bh explain -p "$T/min.profile" 2>&1)
	expect_contains "$out" "report for tier microvm" "auto with min-tier microvm"
}

test_microvm_read_only_roots_hold_against_guest_root() {
	need_microvm
	mkdir -p "$T/ws/.git/hooks"
	echo '#!/bin/sh' > "$T/ws/.git/hooks/pre-commit"
	chown -R "$SBX_UID:$SBX_UID" "$T/ws/.git"
	# Root inside the guest (a test knob) may remount and unmount what
	# it likes: the read-only share and the protected path are refused
	# by qemu and the host kernel.
	BH_ENV="BULKHEAD_MICROVM_GUEST_ROOT=1" run_bh run -t microvm -- sh -c "
		echo uid=\$(id -u)
		mount -o remount,rw /usr && echo REMOUNTED
		touch /usr/bh-probe-root && echo WROTE-USR
		umount .git/hooks && echo UNMOUNTED-HOOKS
		echo evil >> .git/hooks/pre-commit && echo WROTE-HOOK
		true"
	expect_contains "$OUT" "uid=0"
	expect_contains "$OUT" "REMOUNTED" "guest root can remount (else the test proves nothing)"
	expect_not_contains "$OUT" "WROTE-USR"
	expect_not_contains "$OUT" "WROTE-HOOK"
	[ ! -e /usr/bh-probe-root ] || { rm -f /usr/bh-probe-root; fail "guest root wrote into /usr"; }
	expect_eq "$(cat "$T/ws/.git/hooks/pre-commit")" '#!/bin/sh' "hook on the host"
}

test_microvm_status_of_signals_and_missing_commands() {
	need_microvm
	run_bh run -t microvm -- sh -c 'kill -TERM $$'
	expect_eq "$STATUS" 143 "killed by SIGTERM"
	run_bh run -t microvm -- no-such-command-xyz
	expect_eq "$STATUS" 127 "not found"
	expect_contains "$OUT" "no-such-command-xyz: command not found"
	printf 'not a program' > "$T/ws/notexec"
	chmod 644 "$T/ws/notexec"
	chown "$SBX_UID:$SBX_UID" "$T/ws/notexec"
	run_bh run -t microvm -- ./notexec
	expect_eq "$STATUS" 126 "not executable"
}

# Egress: the proxy through the VM's one channel (no network device): an
# allowed origin answers over HTTP, CONNECT and SOCKS5, also for bodies
# larger than the relay's queues; a denied host gets the proxy's 403 and a
# record; nothing goes around the proxy; with the proxy killed, nothing
# gets out (fail closed).
test_microvm_egress_through_the_proxy() {
	need_microvm
	command -v curl >/dev/null || skip "curl missing"
	start_origin
	[ -n "$PORT" ] || { fail "origin did not start"; return; }
	head -c 3000000 /dev/urandom > "$T/ws/src/big.bin"
	chmod 644 "$T/ws/src/big.bin"
	chmod 777 "$T/ws"
	sum=$(sha256sum < "$T/ws/src/big.bin" | cut -d' ' -f1)
	(run_bh run -q -p "$T/e.profile" -t microvm -- sh -c "
		curl -s -m 30 http://127.0.0.1:$PORT/existing.txt
		curl -s -m 30 --proxytunnel -x \"\$HTTP_PROXY\" http://127.0.0.1:$PORT/existing.txt
		curl -s -m 30 -x \"\$ALL_PROXY\" http://127.0.0.1:$PORT/existing.txt
		for i in 1 2; do curl -s -m 60 http://127.0.0.1:$PORT/big.bin | sha256sum & done; wait
		curl -s -m 30 -o /dev/null -w 'denied %{http_code}\n' http://example.invalid/
		curl -s --noproxy '*' -m 5 -o /dev/null -w 'direct %{http_code}\n' http://127.0.0.1:$PORT/existing.txt
		echo \"netdevs: \$(ls /sys/class/net | tr '\n' ' ')\"
		touch ready; sleep 5
		curl -s -m 10 -o /dev/null -w 'after %{http_code}\n' http://127.0.0.1:$PORT/existing.txt
	"; echo "$OUT" > "$T/out") &
	runner=$!
	for _ in $(seq 1 1200); do [ -e "$T/ws/ready" ] && break; sleep 0.05; done
	[ -e "$T/ws/ready" ] || fail "the command never got ready"
	# Kill this session's proxy: the supervisor's child named bulkhead-proxy.
	sup=$(pgrep -f "bulkhead run -q -p $T/e.profile" | head -n1)
	proxy=$(pgrep -P "$sup" -x bulkhead-proxy | head -n1)
	[ -n "$proxy" ] || fail "no proxy process found under supervisor $sup"
	[ -n "$proxy" ] && kill -9 "$proxy"
	wait "$runner"
	OUT=$(cat "$T/out")
	n=$(printf '%s\n' "$OUT" | grep -c '^hello$')
	expect_eq "$n" 3 "answers through HTTP, CONNECT and SOCKS5"
	n=$(printf '%s\n' "$OUT" | grep -c "^$sum")
	expect_eq "$n" 2 "two 3 MB bodies at once, intact"
	expect_contains "$OUT" "denied 403"
	expect_contains "$OUT" "direct 000"
	expect_contains "$OUT" "after 000"
	expect_eq "$(printf '%s\n' "$OUT" | grep '^netdevs:')" "netdevs: lo " "network devices"
	run_bh log --json
	expect_contains "$OUT" '"host":"example.invalid"'
	expect_contains "$OUT" '"decision":"deny"'
	expect_contains "$OUT" '"decision":"allow"'
	out=$(bh explain -p "$T/e.profile" -t microvm 2>&1)
	expect_contains "$out" "proxy+virtio-serial"
}

test_microvm_supervisor_sigkill_leaves_nothing() {
	need_microvm
	marker="bh-vm-$RANDOM$RANDOM"
	(bh run -q -t microvm -- sh -c "touch $marker; exec sleep 600" >/dev/null 2>&1 &)
	for _ in $(seq 1 1200); do [ -e "$T/ws/$marker" ] && break; sleep 0.1; done
	[ -e "$T/ws/$marker" ] || { fail "the command never started in the VM"; pkill -9 -f "touch $marker"; return; }
	rundir=$(cat "$T"/home/.local/state/bulkhead/journal/*.rundir 2>/dev/null | head -n1)
	[ -n "$rundir" ] && [ -d "$rundir" ] || fail "no journaled private directory during the session"
	pgrep -f "qemu-system-x86_64.*$rundir" >/dev/null || fail "no qemu for the session"
	pkill -9 -f "bulkhead run -q -t microvm -- sh -c touch $marker"
	for _ in $(seq 1 100); do pgrep -f "qemu-system-x86_64.*$rundir" >/dev/null || break; sleep 0.05; done
	if pgrep -f "qemu-system-x86_64.*$rundir" >/dev/null; then
		pkill -9 -f "qemu-system-x86_64.*$rundir"
		fail "qemu survived the supervisor's SIGKILL"
	fi
	# The next start (any tier) sweeps the private directory: socket,
	# config share, logs.
	run_bh run -q -t kernel -- true
	[ -z "$rundir" ] || [ ! -e "$rundir" ] || fail "private directory $rundir of the killed session left behind"
	ls "$T/home/.local/state/bulkhead/journal/" 2>/dev/null | grep -q . &&
		fail "journal entries left: $(ls "$T/home/.local/state/bulkhead/journal/")"
	for p in .claude .envrc .mcp.json; do
		[ ! -e "$T/ws/$p" ] || fail "placeholder $p left in the workspace"
	done
}

test_microvm_warm_mode() {
	need_microvm
	mkdir "$T/run"
	[ "$MODE" = user ] && chown 65534:65534 "$T/run"
	sock="$T/run/vm.sock"
	# With egress: the channel to the proxy outlives each command (whose
	# end kills every process it left).
	start_origin
	(bh run -q -p "$T/e.profile" -t microvm --serve "$sock" >"$T/serve.log" 2>&1 &)
	for _ in $(seq 1 600); do [ -S "$sock" ] && break; sleep 0.1; done
	[ -S "$sock" ] || { fail "no serve socket: $(cat "$T/serve.log")"; return; }
	if command -v curl >/dev/null && [ -n "$PORT" ]; then
		for i in 1 2 3; do
			run_bh vm exec "$sock" -- curl -s -m 20 "http://127.0.0.1:$PORT/existing.txt"
			expect_eq "$OUT" hello "warm command $i through the proxy"
		done
	fi
	run_bh vm exec "$sock" -- sh -c 'echo one; echo two >&2; exit 3'
	expect_eq "$STATUS" 3 "first command's status"
	expect_contains "$OUT" "one"
	expect_contains "$OUT" "two"
	OUT=$(echo piped | bh vm exec "$sock" -- cat 2>&1)
	expect_eq "$OUT" piped "stdin relayed"
	run_bh vm exec "$sock" -- sh -c "echo warm > warm.txt; cat $T/home/.ssh/id_ed25519"
	expect_eq "$(cat "$T/ws/warm.txt" 2>/dev/null)" warm "workspace write from a warm command"
	expect_not_contains "$OUT" "$CANARY"
	run_bh vm exec "$sock" -- no-such-command-xyz
	expect_eq "$STATUS" 127 "not found in warm mode"
	start=$(date +%s%N)
	run_bh vm exec "$sock" -- true
	end=$(date +%s%N)
	expect_eq "$STATUS" 0 "true"
	echo "    warm command latency: $(((end - start) / 1000000)) ms" >&2
	tok="ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
	run_bh vm exec "$sock" -- sh -c "exit 5" "$tok"
	expect_eq "$STATUS" 5 "status with a secret in argv"
	run_bh vm stop "$sock"
	for _ in $(seq 1 300); do [ -e "$sock" ] || break; sleep 0.1; done
	# Every served command has its own audit record, argv redacted.
	log="$T/home/.local/state/bulkhead/audit.jsonl"
	n=$(grep -c '"event":"exec"' "$log" 2>/dev/null)
	[ "${n:-0}" -ge 6 ] || fail "exec records in the audit log: ${n:-0}"
	grep '"event":"exec"' "$log" | grep -q 'no-such-command-xyz.*"exit_code":127' ||
		fail "no exec record for the missing command"
	grep -q "$tok" "$log" && fail "a secret from argv reached the audit log"
	grep '"event":"exec"' "$log" | grep -q '"exit_code":5' || fail "no exec record with status 5"
	[ ! -e "$sock" ] || fail "the serve socket outlived vm stop"
	pgrep -f "qemu-system-x86_64.*$T/" >/dev/null && fail "qemu still running after vm stop"
	run_bh vm exec "$sock" -- true
	expect_eq "$STATUS" 125 "exec after stop"

	# A signal to the serving run ends the session, also while a
	# command runs; the client gets the command's end.
	(bh run -q -t microvm --serve "$sock" >"$T/serve.log" 2>&1 &)
	for _ in $(seq 1 600); do [ -S "$sock" ] && break; sleep 0.1; done
	(bh vm exec "$sock" -- sh -c "touch started; exec sleep 600" >/dev/null 2>&1; echo "rc=$?" > "$T/exec.rc") &
	for _ in $(seq 1 600); do [ -e "$T/ws/started" ] && break; sleep 0.1; done
	[ -e "$T/ws/started" ] || fail "the long command never started"
	pkill -TERM -f "bulkhead run -q -t microvm --serve $sock"
	for _ in $(seq 1 300); do [ -e "$T/exec.rc" ] && [ ! -e "$sock" ] && break; sleep 0.1; done
	expect_eq "$(cat "$T/exec.rc" 2>/dev/null)" "rc=137" "the running command's end"
	[ ! -e "$sock" ] || fail "the serve socket outlived the signal"
	if pgrep -f "qemu-system-x86_64.*$T/" >/dev/null; then
		pkill -9 -f "qemu-system-x86_64.*$T/"
		fail "qemu still running after the signal"
	fi
}
