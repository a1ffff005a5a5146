#!/bin/bash
# The whole test suite, as `make test` runs it: unit tests, the fuzz corpora
# replayed, recall and false positives of the secret rules on their corpus,
# the unit tests and corpora again under ASan+UBSan, and the
# integration tests as root and as an unprivileged user.  Each suite prints
# "NAME: N passed, N failed"; the last line adds them up.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
total_pass=0 total_fail=0 total_skip=0
status=0

tally() { # name, log file, rc
	local line p f s
	line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$2" | tail -n1)
	p=$(sed -nE 's/.* ([0-9]+) passed.*/\1/p' <<<"$line")
	f=$(sed -nE 's/.* ([0-9]+) failed.*/\1/p' <<<"$line")
	s=$(sed -nE 's/.* ([0-9]+) skipped.*/\1/p' <<<"$line")
	if [ -z "$p" ]; then
		# A suite that died before its summary counts as one failure.
		p=0 f=1
	fi
	if [ "$3" != 0 ] && [ "${f:-0}" = 0 ]; then f=1; fi
	total_pass=$((total_pass + p)) total_fail=$((total_fail + ${f:-0}))
	total_skip=$((total_skip + ${s:-0}))
	[ "$3" = 0 ] || status=1
	echo "== $1: ${p} passed, ${f:-0} failed${s:+, $s skipped}"
}

run_suite() { # name, command...
	local name=$1 log
	shift
	log=$(mktemp)
	echo "== $name"
	"$@" 2>&1 | tee "$log"
	local rc=${PIPESTATUS[0]}
	tally "$name" "$log" "$rc"
	rm -f "$log"
}

corpora() { # build dir
	local p=0 f=0 t
	for t in tests/fuzz/corpus/*/; do
		t=$(basename "$t")
		if [ -x "$1/fuzz-replay-$t" ] && "$1/fuzz-replay-$t" "tests/fuzz/corpus/$t"; then
			p=$((p + 1))
		else
			echo "corpus $t: FAILED"
			f=$((f + 1))
		fi
	done
	echo "corpora: $p passed, $f failed"
	[ $f = 0 ]
}

run_suite unit "$BUILD/unit-tests"
run_suite corpora corpora "$BUILD"
run_suite secrets-corpus "$BUILD/corpus-score" tests/corpus/secrets
if [ "${BH_SKIP_ASAN:-0}" != 1 ]; then
	echo "== asan-build"
	if ! make -s asan-build; then
		echo "== asan-build: FAILED"
		total_fail=$((total_fail + 1)) status=1
	fi
	run_suite asan-unit env ASAN_OPTIONS=detect_leaks=1 build-asan/unit-tests
	run_suite asan-corpora env ASAN_OPTIONS=detect_leaks=1 bash -c "$(declare -f corpora); corpora build-asan"
fi
run_suite integration env BULKHEAD="$PWD/$BUILD/bulkhead" \
	HELPERS="$PWD/$BUILD/helpers" bash tests/integration/run.sh

echo
echo "${total_pass} passed, ${total_fail} failed, ${total_skip} skipped"
exit $status
