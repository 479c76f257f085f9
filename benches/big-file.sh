#!/usr/bin/env bash
# Peak memory of writing and submitting one large file in a session, measured with
# /usr/bin/time -v, each step as its own process with no server (the process does the
# work itself), beside `git add` and `git commit` of the same file.
#
# Usage: benches/big-file.sh [MIB] [ATOMIC]   (default 100 MiB, target/release/atomic)
set -euo pipefail
mib=${1:-100}
atomic=$(realpath "${2:-target/release/atomic}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 ATOMIC_NO_SERVER=1
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com

peak() { # command... -> "<peak MiB> <wall s>"
  /usr/bin/time -f '%M %e' -o "$work/time" "$@" > /dev/null
  awk '{ printf "%.0f MiB, %.2f s", $1 / 1024, $2 }' "$work/time"
}

mkdir "$work/repo" && cd "$work/repo"
git init -q -b main . && echo hello > README && git add README && git commit -q -m base
"$atomic" --quiet init . > /dev/null
# Text-like but incompressible enough: random hex lines.
python3 -c 'import os, sys
size = int(sys.argv[1])
out = open(sys.argv[2], "w")
while size > 0:
    line = os.urandom(32).hex()[: min(64, size - 1)] + "\n"
    out.write(line)
    size -= len(line)' $((mib * 1024 * 1024)) "$work/big.txt"
size=$(stat -c %s "$work/big.txt")

eval "$("$atomic" session new --agent bench)"
echo "| step | peak resident memory, wall |"
echo "|---|---|"
echo "| file | $((size / 1024 / 1024)) MiB |"
echo "| atomic session write | $(peak "$atomic" session write big.txt --file "$work/big.txt") |"
echo "| atomic session submit | $(peak "$atomic" session submit -m 'Add a big file') |"
git -C "$work/repo" cat-file -e main:big.txt
mkdir "$work/git" && cd "$work/git"
git init -q -b main . && cp "$work/big.txt" big.txt
echo "| git add | $(peak git add big.txt) |"
echo "| git commit | $(peak git commit -q -m 'Add a big file') |"
