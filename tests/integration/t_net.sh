# Network confinement of the kernel tier: no way out, not even to loopback.

test_tcp_connect_to_loopback_refused() {
	start_server
	# The server answers outside the sandbox.
	out=$("$HELPERS/netprobe" connect "$PORT")
	expect_contains "$out" "connect ok pong" "unsandboxed probe"
	run_bh run -t "$TIER" -- bin/netprobe connect "$PORT"
	expect_not_contains "$OUT" pong
	if [ "$TIER" = kernel ]; then
		expect_contains "$OUT" "connect errno=EACCES"
	else
		# Its own network namespace: nothing listens on its loopback.
		expect_contains "$OUT" "connect errno=ECONNREFUSED"
	fi
}

test_tcp_bind() {
	run_bh run -t "$TIER" -- bin/netprobe bind
	if [ "$TIER" = kernel ]; then
		# The host's loopback: binding would expose a service.
		expect_contains "$OUT" "bind errno=EACCES"
	else
		# The sandbox's own loopback: a test server may listen there.
		expect_contains "$OUT" "bind ok"
	fi
}

test_udp_refused() {
	run_bh run -t "$TIER" -- bin/netprobe udp 9
	expect_contains "$OUT" "udp errno=EACCES"
}

test_unix_sockets_refused() {
	# A host agent's socket (outside every grant) and an abstract one.
	python3 -c "
import socket,os,sys,time
s=socket.socket(socket.AF_UNIX); s.bind('$T/home/agent.sock'); s.listen(1)
a=socket.socket(socket.AF_UNIX); a.bind('\0bh-test-$$'); a.listen(1)
open('$T/ready','w').close(); time.sleep(20)" &
	pid=$!
	trap 'kill $pid 2>/dev/null; cleanup_tree' EXIT
	for _ in $(seq 1 100); do [ -e "$T/ready" ] && break; sleep 0.05; done
	chmod 777 "$T/home/agent.sock"
	run_bh run -t "$TIER" -- bin/netprobe unix "$T/home/agent.sock"
	expect_not_contains "$OUT" "unix ok"
	run_bh run -t "$TIER" -- bin/netprobe abstract "bh-test-$$"
	expect_not_contains "$OUT" "abstract ok"
	if [ "$TIER" = kernel ]; then
		expect_contains "$OUT" "abstract errno=EACCES"
	else
		expect_contains "$OUT" "abstract errno=ECONNREFUSED"
	fi
}

test_abstract_socket_scoped_when_unix_allowed() {
	python3 -c "
import socket,time
a=socket.socket(socket.AF_UNIX); a.bind('\0bh-test2-$$'); a.listen(1)
open('$T/ready','w').close(); time.sleep(20)" &
	pid=$!
	trap 'kill $pid 2>/dev/null; cleanup_tree' EXIT
	for _ in $(seq 1 100); do [ -e "$T/ready" ] && break; sleep 0.05; done
	printf 'include default\nnet unix\n' > "$T/u.profile"
	run_bh run -p "$T/u.profile" -t "$TIER" -- bin/netprobe abstract "bh-test2-$$"
	expect_not_contains "$OUT" "abstract ok"
	[ "$TIER" = kernel ] && expect_contains "$OUT" "abstract errno=EPERM"
}
