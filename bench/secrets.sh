#!/bin/bash
# Secret detection beside secretlint and git-secrets on the labelled corpus
# of tests/corpus/secrets: each tool is given the same files, its reports
# are reduced to path:line and scored against manifest.tsv by one scorer
# (build/corpus-score --findings: a positive counts when any report falls
# on one of its lines, a decoy line with any report is a false positive),
# and its wall time over the whole corpus is the median of RUNS runs, with
# min-max.  Bulkhead's side is the engine alone (corpus-score --scan),
# started fresh each run, rules compiled on first use.
#
# Installs secretlint and its recommended preset with npm into bench/.cache
# (not tracked) and git-secrets with apt when missing.  Writes a dated
# table into bench/README.md between the SECRETS markers and the reports,
# as path:line:rule (git-secrets: path:line; the matched text is not kept,
# fake as it is), to bench/results/.
#   bench/secrets.sh [RUNS]        default 5
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
RUNS=${1:-5}
CORPUS=$ROOT/tests/corpus/secrets
CACHE=$ROOT/bench/.cache/secretlint
SECRETLINT=$CACHE/node_modules/.bin/secretlint
SCORE=$ROOT/build/corpus-score

make -s build/corpus-score
if [ ! -x "$SECRETLINT" ]; then
	mkdir -p "$CACHE"
	(cd "$CACHE" && { [ -f package.json ] || npm init -y >/dev/null; } &&
		npm install --no-audit --no-fund secretlint@13 \
			@secretlint/secretlint-rule-preset-recommend@13)
fi
if ! command -v git-secrets >/dev/null; then
	apt-get update -qq && apt-get install -y -qq git-secrets
fi

WS=$(mktemp -d /tmp/bh-secrets.XXXXXX)
trap 'rm -rf "$WS"' EXIT
stamp=$(date -u +%Y%m%dT%H%M%SZ)
day=$(date -u +%Y-%m-%d)
mkdir -p bench/results
out=bench/results/secrets-$stamp

# The same file list for every tool: the files the manifest labels.
grep -v '^#' "$CORPUS/manifest.tsv" | cut -f1 | sort -u >"$WS/files"
mapfile -t FILES <"$WS/files"
echo '{"rules": [{"id": "@secretlint/secretlint-rule-preset-recommend"}]}' \
	>"$WS/secretlintrc.json"
# git-secrets scans inside a git repository whose config holds its
# patterns: a copy of the corpus, with the AWS patterns and its allowed
# examples registered (git-secrets has no other built-in patterns).
mkdir "$WS/repo"
(cd "$CORPUS" && cp --parents "${FILES[@]}" "$WS/repo/")
git -C "$WS/repo" init -q
(cd "$WS/repo" && git secrets --register-aws >/dev/null)

run_bulkhead() { "$SCORE" --scan "$CORPUS"; }
run_secretlint() {
	(cd "$CORPUS" && "$SECRETLINT" --secretlintrc "$WS/secretlintrc.json" \
		--format json --no-color "${FILES[@]}") || true
}
run_git_secrets() { (cd "$WS/repo" && git secrets --scan "${FILES[@]}" 2>&1) || true; }

# Reports as path:line[:rule], paths relative to the corpus.
reports_bulkhead() { cat; }
reports_secretlint() {
	python3 -c '
import json, os, sys
root = sys.argv[1]
for r in json.load(sys.stdin):
    for m in r["messages"]:
        rule = m["ruleId"].replace("@secretlint/secretlint-rule-", "")
        print("%s:%d:%s" % (os.path.relpath(r["filePath"], root), m["loc"]["start"]["line"], rule))
' "$CORPUS"
}
reports_git_secrets() { grep -aE '^[^:]+:[0-9]+:' | cut -d: -f1,2; }

# Median and min-max of RUNS wall times, in ms.
timed() { # command
	local i s e
	for i in $(seq "$RUNS"); do
		s=$(date +%s%N)
		"$@" >/dev/null
		e=$(date +%s%N)
		echo $(((e - s) / 1000))
	done | sort -n | awk '{v[NR] = $1 / 1000}
		END {m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		     printf "%.1f|%.1f–%.1f", m, v[1], v[NR]}'
}

versions() {
	case $1 in
	bulkhead) git -C "$ROOT" describe --always --dirty ;;
	secretlint) echo "$("$SECRETLINT" --version) (preset-recommend $(node -p "require('$CACHE/node_modules/@secretlint/secretlint-rule-preset-recommend/package.json').version"))" ;;
	git_secrets) dpkg-query -W -f '${Version}' git-secrets ;;
	esac
}

rows=""
for tool in bulkhead secretlint git_secrets; do
	name=${tool//_/-}
	"run_$tool" | "reports_$tool" >"$out-$name.txt"
	cut -d: -f1,2 "$out-$name.txt" >"$WS/findings"
	read -r _ found _ fp < <("$SCORE" --findings "$CORPUS" "$WS/findings")
	t=$(timed "run_$tool")
	pct() { awk -v r="$1" 'BEGIN {split(r, a, "/"); printf "%.2f %% (%s)", 100 * a[1] / a[2], r}'; }
	rows+="| $name $(versions "$tool") | $(pct "$found") | $(pct "$fp") | ${t%%|*} | ${t#*|} |"$'\n'
	echo "$name: recall $found, false positives $fp, ${t%%|*} ms"
done
strict=$("$SCORE" "$CORPUS" | sed -n 's/^recall: \([^(]*\) (.*/\1/p')
rules=$("$SCORE" "$CORPUS" | sed -n 's/.*decoy lines, \([0-9]*\) value rules/\1/p')
positives=$(grep -v '^#' "$CORPUS/manifest.tsv" | awk -F'\t' '$3 != "-" && $3 != "+"' | wc -l)
decoys=$(grep -v '^#' "$CORPUS/manifest.tsv" | awk -F'\t' '$3 == "-"' | wc -l)

table="*$day: secret detection on tests/corpus/secrets ($positives positives covering all $rules value rules, $decoys decoy lines, $(wc -l <"$WS/files") files), $RUNS runs, $(nproc) CPUs; \`bench/secrets.sh\`*

| tool | recall | false positives (decoy lines) | wall ms, median | min–max ms |
|---|---:|---:|---:|---:|
$rows
Bulkhead's recall here counts a report of any rule; counting only the
positive's own rule, as the test suite does: $strict.
"
printf '%s\n' "$table" >"$out.md"
printf '%s' "$table" | python3 bench/readme-section.py SECRETS "Secret detection"
echo "bench: wrote $out.md and bench/README.md"
