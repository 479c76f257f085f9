#!/usr/bin/env bash
# Indexes a real repository's symbols with atomic and compares with universal-ctags on the
# same tree.
#
# Usage: benches/index-vs-ctags.sh SOURCE [ATOMIC]
#   SOURCE  a git repository, e.g. a fetched mirror of tokio-rs/tokio
#   ATOMIC  the atomic binary (default: target/release/atomic)
#
# Prints: files and symbols indexed, full-index wall time (every file parsed, cache
# dropped first), re-index time after changing one file, and `ctags -R` on the same tree.
set -euo pipefail
src=$(cd "$1" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
atomic=${2:-$root/target/release/atomic}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1

seconds() { python3 -c 'import sys,time,subprocess; s=time.monotonic(); subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); print(f"{time.monotonic()-s:.2f}")' "$@"; }
timed() { python3 -c 'import sys,time,subprocess; s=time.monotonic(); out=subprocess.run(sys.argv[2:], check=True, capture_output=True).stdout; open(sys.argv[1],"wb").write(out); print(f"{time.monotonic()-s:.2f}")' "$@"; }
field() { python3 -c "import json,sys; d=json.load(sys.stdin); print(d$1)"; }

"$atomic" --quiet clone "$src" "$work/repo" >/dev/null
cd "$work/repo"
full_s=$(timed "$work/full.json" "$atomic" --json index --rebuild)
full=$(cat "$work/full.json")
files=$(echo "$full" | field "['summary']['files']")
symbols=$(echo "$full" | field "['summary']['symbols']")
errors=$(echo "$full" | field "['summary']['with_errors']")
full_ms=$(echo "$full" | field "['elapsed_ms']")

# Change one source file in the working tree, then index the working tree.
file=$(git ls-files '*.rs' '*.py' '*.go' '*.java' '*.ts' '*.js' | awk 'NR == 1')
printf '\n// touched by the benchmark\n' >> "$file"
"$atomic" --quiet index >/dev/null  # the working tree's other blobs are HEAD's, cached
printf '\n// touched again\n' >> "$file"
re_s=$(timed "$work/re.json" "$atomic" --json index)
re=$(cat "$work/re.json")
re_ms=$(echo "$re" | field "['elapsed_ms']")
re_parsed=$(echo "$re" | field "['summary']['parsed']")
git checkout -q -- "$file"

ctags_s=$(seconds ctags -R --languages=Rust,Python,Go,Java,JavaScript,TypeScript -f "$work/tags" .)
tags=$(grep -vc '^!_TAG' "$work/tags" || true)

cat <<TABLE
| figure | atomic | universal-ctags |
|---|---|---|
| files indexed | $files ($errors with syntax errors) | |
| symbols / tags | $symbols | $tags |
| full index, wall (process) | ${full_s} s | ${ctags_s} s |
| full index, inside atomic | ${full_ms} ms | |
| re-index after one file changed, wall | ${re_s} s ($re_parsed parsed) | ${ctags_s} s (ctags has no incremental mode) |
| re-index, inside atomic | ${re_ms} ms | |
TABLE
