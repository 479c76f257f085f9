#!/usr/bin/env bash
# Builds a linear git history of N commits quickly with git fast-import: each commit edits
# one of 20 files. Used to make imports long enough to interrupt or contend with.
#
# Usage: big-history.sh DIR N
set -euo pipefail
dir=$1
n=$2
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
git init -q -b main "$dir"
{
  for ((i = 1; i <= n; i++)); do
    content="file $((i % 20)) at commit $i"
    echo "commit refs/heads/main"
    echo "committer Bulk <bulk@example.com> $((1700000000 + i)) +0000"
    message="commit $i"
    echo "data ${#message}"
    echo "$message"
    echo "M 100644 inline f$((i % 20)).txt"
    echo "data ${#content}"
    echo "$content"
  done
} | git -C "$dir" fast-import --quiet
git -C "$dir" checkout -q main
