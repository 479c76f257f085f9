#!/usr/bin/env bash
# atomic's main job on a bundled example: build a git history with real git, clone it with
# atomic, record a change, and show that git sees it.
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
"$atomic" record -m "Add mul"
echo "== git sees the change"
git log --oneline -3
git status --short
echo "== atomic doctor"
"$atomic" doctor
