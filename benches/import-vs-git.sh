#!/usr/bin/env bash
# Clones a real git repository with atomic and compares with git on the same history.
#
# Usage: benches/import-vs-git.sh SOURCE [ATOMIC]
#   SOURCE  a git repository (bare or not), e.g. a fetched mirror of tokio-rs/tokio
#   ATOMIC  the atomic binary (default: target/release/atomic; build it with
#           `cargo build --release -p atomic-cli`)
#
# Prints: commits imported, wall time of `atomic clone`, store size, the time of
# `git log -p --all > /dev/null` on the same history (the diffing atomic does once), their
# ratio, `atomic doctor` time, and whether every commit id survives atomic → git clone.
set -euo pipefail
src=$(cd "$1" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
atomic=${2:-$root/target/release/atomic}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1

seconds() { python3 -c 'import sys,time; s=time.monotonic(); import subprocess; subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); print(f"{time.monotonic()-s:.2f}")' "$@"; }

gitclone_s=$(seconds git clone -q --no-local --no-checkout "$src" "$work/plain-git-clone")
rm -rf "$work/plain-git-clone"
clone_s=$(seconds "$atomic" --quiet clone "$src" "$work/repo")
commits=$(git -C "$work/repo" rev-list --all | wc -l)
changes=$("$atomic" -R "$work/repo" --json log --all | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
store_kib=$(du -sk "$work/repo/.atomic" | cut -f1)
git_kib=$(du -sk "$work/repo/.git" | cut -f1)
gitlog_s=$(seconds bash -c "git -C '$work/repo' log -p --all > /dev/null")
doctor_s=$(seconds "$atomic" -R "$work/repo" --quiet doctor)
git clone -q "$work/repo" "$work/git-clone"
if diff <(git -C "$src" rev-list --branches --tags | sort) <(git -C "$work/git-clone" rev-list --all | sort) >/dev/null; then
  same=yes
else
  same=NO
fi
ratio=$(python3 -c "print(f'{$clone_s/$gitlog_s:.2f}')")

cat <<TABLE
| figure | value |
|---|---|
| source | $(basename "$(dirname "$src")")/$(basename "$src") |
| commits in the clone (all refs) | $commits |
| changes in atomic's log --all | $changes |
| git clone --no-local --no-checkout (pack transfer only), wall | ${gitclone_s} s |
| atomic clone (transfer, checkout, import, symbol index), wall | ${clone_s} s |
| git log -p --all > /dev/null, wall | ${gitlog_s} s |
| ratio clone / git log -p | ${ratio} |
| atomic doctor, wall | ${doctor_s} s |
| .atomic size | $((store_kib / 1024)) MiB ($store_kib KiB) |
| .git size | $((git_kib / 1024)) MiB |
| commit ids identical after atomic clone → git clone | $same |
TABLE
