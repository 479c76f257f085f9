#!/usr/bin/env bash
# The README's two commands on a fresh clone of this repository, timed: `./dev example`
# (set-up, release build, the swarm on the bundled example) and, with --test, `./dev test`.
#   benches/fresh-clone.sh [--test]
# CARGO_TARGET_DIR, when set, is shared with the clone (a warm build); unset, the clone
# builds from nothing (a cold build: about 32 min for the example on 2 cores).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone -q "$here" "$work/atomic"
cd "$work/atomic"
start=$(date +%s)
./dev example
echo "./dev example on a fresh clone: $(( $(date +%s) - start )) s"
if [ "${1:-}" = "--test" ]; then
  start=$(date +%s)
  ./dev test
  echo "./dev test on a fresh clone: $(( $(date +%s) - start )) s"
fi
