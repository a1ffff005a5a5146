# Network confinement of the kernel tier: no way out, not even to loopback.

start_server() {
	"$HELPERS/netprobe" listen "$T/port" &
	SERVER=$!
	for _ in $(seq 1 100); do [ -s "$T/port" ] && break; sleep 0.02; done
	PORT=$(cat "$T/port")
	trap 'kill $SERVER 2>/dev/null; cleanup_tree' EXIT
}

test_tcp_connect_to_loopback_refused() {
	start_server
	# The server answers outside the sandbox.
	out=$("$HELPERS/netprobe" connect "$PORT")
	expect_contains "$out" "connect ok pong" "unsandboxed probe"
	run_bh run -t kernel -- bin/netprobe connect "$PORT"
	expect_contains "$OUT" "connect errno=EACCES"
	expect_not_contains "$OUT" pong
}

test_tcp_bind_refused() {
	run_bh run -t kernel -- bin/netprobe bind
	expect_contains "$OUT" "bind errno=EACCES"
}

test_udp_refused() {
	run_bh run -t kernel -- bin/netprobe udp 9
	expect_contains "$OUT" "udp errno=EACCES"
}

test_unix_sockets_refused() {
	python3 -c "
import socket,os,sys,time
s=socket.socket(socket.AF_UNIX); s.bind('$T/ws/agent.sock'); s.listen(1)
a=socket.socket(socket.AF_UNIX); a.bind('\0bh-test-$$'); a.listen(1)
open('$T/ready','w').close(); time.sleep(20)" &
	pid=$!
	trap 'kill $pid 2>/dev/null; cleanup_tree' EXIT
	for _ in $(seq 1 100); do [ -e "$T/ready" ] && break; sleep 0.05; done
	chmod 777 "$T/ws/agent.sock"
	run_bh run -t kernel -- bin/netprobe unix "$T/ws/agent.sock"
	expect_contains "$OUT" "unix errno=EACCES"
	run_bh run -t kernel -- bin/netprobe abstract "bh-test-$$"
	expect_contains "$OUT" "abstract errno=EACCES"
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
	run_bh run -p "$T/u.profile" -t kernel -- bin/netprobe abstract "bh-test2-$$"
	expect_contains "$OUT" "abstract errno=EPERM"
}
