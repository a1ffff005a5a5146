# Resource limits: a memory hog and a fork bomb are stopped without harming
# the host.  As root on this host a session cgroup (v1 here, v2 elsewhere)
# holds them; unprivileged, rlimits do, and the report says which.

test_memory_hog_stopped() {
	printf 'include default\nlimit memory 256M\n' > "$T/m.profile"
	run_bh run -q -p "$T/m.profile" -t "$TIER" -- python3 -c '
x = bytearray(4 * 1024 * 1024 * 1024)
for i in range(0, len(x), 4096):
    x[i] = 1
print("ALLOCATED")'
	expect_not_contains "$OUT" ALLOCATED
	[ "$STATUS" != 0 ] || fail "a 4 GiB allocation under a 256 MiB limit succeeded"
	run_bh explain -p "$T/m.profile" -t "$TIER" --json
	mech=$(python3 -c '
import json, sys
d = json.loads(sys.argv[1])
print([i["mechanism"] for i in d["report"] if i["rule"].startswith("limit memory")][0])' "$OUT")
	if [ "$MODE" = root ]; then
		expect_contains "$mech" cgroup "memory limit mechanism as root"
	else
		expect_eq "$mech" rlimit "memory limit mechanism unprivileged"
	fi
}

test_fork_bomb_capped() {
	printf 'include default\nlimit pids 64 time 20s\n' > "$T/p.profile"
	run_bh run -q -p "$T/p.profile" -t "$TIER" -- python3 -c '
import os, time
n = 0
try:
    while n < 2000:
        if os.fork() == 0:
            time.sleep(30)
            os._exit(0)
        n += 1
except OSError:
    pass
print("FORKS", n)'
	forks=$(printf '%s\n' "$OUT" | sed -n 's/^FORKS //p')
	[ -n "$forks" ] || { fail "no fork count: $OUT"; return; }
	[ "$forks" -lt 64 ] || fail "$forks forks under a 64-process limit"
	sleep 0.2
	if [ "$MODE" = root ]; then
		left=$(own_cgroups_left)
		[ -z "$left" ] || fail "session cgroup left: $left"
	fi
	true
}
