#!/bin/bash
# How long `bulkhead inventory` takes on a realistic tree, in both tiers,
# beside the launch floor (`bulkhead run -- true`) and beside secretlint and
# git-secrets scanning the same files (content only: they have no sandbox
# pass and no credential-file catalog).  The tree: a HOME with the planted
# credential files of the integration tests plus ~2,000 config-like text
# files, and a workspace of three copies of this repository's tracked text
# files.  Writes a dated table into bench/README.md between the INVENTORY
# markers and hyperfine's JSON to bench/results/.
#   bench/inventory.sh [RUNS]   default 10 runs each, 2 warm-up
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
RUNS=${1:-10}
BH=$ROOT/build/bulkhead
[ -x "$BH" ] || make -s
command -v hyperfine >/dev/null || { echo "bench: hyperfine missing (tools/setup.sh --bench)"; exit 1; }

WS=$(mktemp -d /tmp/bh-bench-inv.XXXXXX)
trap 'rm -rf "$WS"' EXIT
chmod 755 "$WS" # the sandbox user must reach the workspace
H=$WS/home
mkdir -p "$H/.aws" "$H/.ssh" "$H/.config/gh" "$H/proj"
printf '[default]\naws_access_key_id = AKIAQWERTYUIOPASDFGH\naws_secret_access_key = Zm9vYmFyYmF6cXV4cXV1eHh5enp5MTIzNDU2Nzg5MGFi\n' >"$H/.aws/credentials"
printf 'github.com:\n    oauth_token: ghp_R4nd0mR4nd0mR4nd0mR4nd0mR4nd0m123456\n' >"$H/.config/gh/hosts.yml"
ssh-keygen -q -t ed25519 -N '' -f "$H/.ssh/id_ed25519" 2>/dev/null ||
	printf -- '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjE=\n-----END OPENSSH PRIVATE KEY-----\n' >"$H/.ssh/id_ed25519"
for d in $(seq 1 40); do
	mkdir -p "$H/.config/app$d"
	for f in $(seq 1 50); do
		printf 'name = "app%s"\nsetting_%s = %s\nlog_level = info\n' "$d" "$f" "$RANDOM$RANDOM" \
			>"$H/.config/app$d/conf$f.toml"
	done
done
P=$H/proj
for i in 1 2 3; do
	mkdir -p "$P/copy$i"
	git ls-files -z | grep -zv '^tests/corpus/' | xargs -0 -I{} cp --parents {} "$P/copy$i/" 2>/dev/null || true
done
chmod -R a+rX "$WS"
nfiles=$(find "$WS" -type f | wc -l)
stamp=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p bench/results
json=bench/results/inventory-$stamp.json

peers=()
SL=$ROOT/bench/.cache/secretlint/node_modules/.bin/secretlint
if [ -x "$SL" ]; then
	echo '{"rules": [{"id": "@secretlint/secretlint-rule-preset-recommend"}]}' >"$WS/secretlintrc.json"
	peers+=(-n "secretlint (content of HOME and workspace)"
		"$SL --secretlintrc $WS/secretlintrc.json --format json $H/**/* $H/.*/**/*")
fi
if command -v git-secrets >/dev/null; then
	(cd "$P" && git init -q && git secrets --register-aws >/dev/null)
	peers+=(-n "git-secrets --scan -r (workspace)" "sh -c 'cd $P && git secrets --scan -r . >/dev/null 2>&1; true'")
fi

(cd "$P" && HOME=$H hyperfine -N -i --warmup 2 --runs "$RUNS" --export-json "$ROOT/$json" \
	-n "bulkhead run -t namespace -- true (launch floor)" "$BH run -q -t namespace -- true" \
	-n "bulkhead inventory -t kernel" "$BH inventory -q -t kernel" \
	-n "bulkhead inventory -t namespace" "$BH inventory -q -t namespace" \
	"${peers[@]}" >/dev/null)

files_line=$(cd "$P" && HOME=$H "$BH" inventory -q -t namespace --json 2>"$WS/inv.err" |
	python3 -c 'import json,sys; d=json.load(sys.stdin); s=d["scan"]; print(s["inside"]["files"], s["outside"]["files"], d["summary"]["exposed"], d["summary"]["contained"])')
[ -n "$files_line" ] || { cat "$WS/inv.err"; exit 1; }
read -r fin fout nexp ncont <<<"$files_line"

table=$(python3 - "$json" "$stamp" "$nfiles" "$fin" "$fout" "$nexp" "$ncont" "$RUNS" <<'PY'
import json, sys
path, stamp, nfiles, fin, fout, nexp, ncont, runs = sys.argv[1:]
res = json.load(open(path))["results"]
floor = next(r for r in res if "launch floor" in r["command"])
day = f"{stamp[0:4]}-{stamp[4:6]}-{stamp[6:8]}"
print(f"*{day}: `bulkhead inventory` on a tree of {nfiles} files (HOME with planted credentials and 2,000 config files, a workspace of 3 copies of this repository); the scan read {fin} files inside and {fout} outside and reported {nexp} exposed, {ncont} contained; {runs} runs, 2 CPUs; `bench/inventory.sh`*")
print()
print("| command | median ms | min–max ms | × launch floor |")
print("|---|---:|---:|---:|")
for r in res:
    print(f"| {r['command']} | {r['median']*1000:.1f} | {r['min']*1000:.1f}–{r['max']*1000:.1f} | {r['median']/floor['median']:.2f} |")
PY
)
printf '%s\n' "$table" | tee "bench/results/inventory-$stamp.md"
printf '%s\n' "$table" | python3 bench/readme-section.py INVENTORY "Credential inventory"
