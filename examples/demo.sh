#!/usr/bin/env bash
# atomic's main job on a bundled example: build a git history with real git, clone it with
# atomic, record a change and show that git sees it, ask about code by symbol, and merge
# two branches that edited neighbouring functions (git's line merge conflicts there).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cargo build --quiet --manifest-path "$root/Cargo.toml" -p atomic-cli
atomic="$root/target/debug/atomic"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME=Demo GIT_AUTHOR_EMAIL=demo@example.com
export GIT_COMMITTER_NAME=Demo GIT_COMMITTER_EMAIL=demo@example.com

"$root/testdata/git/history.sh" "$work/source"
echo "== atomic clone"
"$atomic" clone "$work/source" "$work/repo"
cd "$work/repo"
echo "== atomic log --oneline"
"$atomic" log --oneline
echo "== edit, status, diff, record"
printf 'pub fn mul(a: i32, b: i32) -> i32 {\n    a * b\n}\n' >> src/lib.rs
"$atomic" status
"$atomic" diff
"$atomic" diff --symbols
"$atomic" record -m "Add mul"
echo "== git sees the change"
git log --oneline -3
git status --short
echo "== symbols and context"
"$atomic" symbols src/lib.rs
"$atomic" context add --depth full
echo "== two branches add different functions after add; atomic merges them by symbol"
"$atomic" switch -c left
sed -i '3a\\npub fn double(a: i32) -> i32 {\n    a * 2\n}' src/lib.rs
"$atomic" record -m "Add double"
git show left:src/lib.rs > "$work/left.rs"
"$atomic" switch main
sed -i '3a\\npub fn square(a: i32) -> i32 {\n    a * a\n}' src/lib.rs
"$atomic" record -m "Add square"
git show main~1:src/lib.rs > "$work/base.rs"
cp src/lib.rs "$work/main.rs"
if git merge-file -p "$work/main.rs" "$work/base.rs" "$work/left.rs" > /dev/null; then
  echo "git merge-file: clean"
else
  echo "git merge-file: conflict"
fi
"$atomic" merge left
cat src/lib.rs
git log --oneline --graph -4
echo "== atomic doctor"
"$atomic" doctor
