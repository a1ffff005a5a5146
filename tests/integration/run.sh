#!/bin/bash
# Runs every tests/integration/t_*.sh test function, as root and as an
# unprivileged user (DESIGN.md settled question 13), each in a fresh tree.
# Ends with "integration: N passed, N failed, N skipped".
set -u
here=$(cd "$(dirname "$0")" && pwd)
export HERE="$here"
: "${BULKHEAD:?BULKHEAD must point at the binary}"
: "${HELPERS:?HELPERS must point at the built test helpers}"

# Copy the binary and helpers where every test user can read them.
STAGE=$(mktemp -d /tmp/bh-it-bin.XXXXXX)
chmod 755 "$STAGE"
cp "$BULKHEAD" "$STAGE/bulkhead"
mkdir "$STAGE/helpers"
cp "$HELPERS"/* "$STAGE/helpers/"
chmod -R a+rX "$STAGE"
export BH_BIN="$STAGE/bulkhead" HELPERS="$STAGE/helpers"
trap 'rm -rf "$STAGE"' EXIT

modes="user"
if [ "$(id -u)" = 0 ]; then
	modes="root user"
else
	echo "integration: not root: running the unprivileged mode only" >&2
fi
filter="${1:-}"

pass=0 failn=0 skipn=0
failed_names=()
# Each file may set TIERS (default: kernel and namespace; the slower
# tiers run only the files that ask for them).
all_tiers=${BH_TIERS:-"kernel namespace gvisor microvm"}
for mode in $modes; do
	for file in "$here"/t_*.sh; do
		fns=$(bash -c "source '$here/lib.sh'; source '$file'; declare -F" |
			awk '{print $3}' | grep '^test_' || true)
		file_tiers=$(bash -c "TIERS='kernel namespace'; source '$here/lib.sh'; source '$file'; echo \$TIERS")
		for tier in $file_tiers; do
		case " $all_tiers " in *" $tier "*) ;; *) continue ;; esac
		for fn in $fns; do
			[ -n "$filter" ] && [[ "$fn" != *$filter* ]] && continue
			(
				MODE=$mode
				TIER=$tier
				source "$here/lib.sh"
				source "$file"
				setup_tree
				trap cleanup_tree EXIT
				"$fn"
				exit $T_FAILED
			)
			rc=$?
			name="$mode $tier $(basename "$file" .sh) $fn"
			if [ $rc = 0 ]; then
				pass=$((pass + 1))
				echo "ok   $name"
			elif [ $rc = 77 ]; then
				skipn=$((skipn + 1))
				echo "skip $name"
			else
				failn=$((failn + 1))
				failed_names+=("$name")
				echo "FAIL $name"
			fi
		done
		done
	done
done
for n in "${failed_names[@]}"; do echo "failed: $n"; done
echo "integration: $pass passed, $failn failed, $skipn skipped"
[ $failn = 0 ]
