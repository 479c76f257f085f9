#!/usr/bin/env bash
# Builds a git history with branches, two-parent merges, an octopus merge, a branch merged
# late and a renamed file, for comparing `atomic log --graph` with `git log --graph`.
# With STEP (seconds, default 60) each commit is that much later than the one before; with
# STEP=0 every commit has one time, so that the order of ties is what is compared.
#
# Usage: branchy.sh DIR [STEP]
set -euo pipefail
dir=$1
step=${2:-60}
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
git init -q -b main "$dir"
cd "$dir"
t=1700000000
at() {
  t=$((t + step))
  GIT_AUTHOR_DATE="@$t +0000" GIT_COMMITTER_DATE="@$t +0000" "$@"
}
commit() { # MESSAGE [FILE]
  echo "$1" >>"${2:-f}"
  git add -A
  at git commit -qm "$1"
}
merge() { # BRANCH...
  at git merge -q --no-ff -m "merge $*" "$@" >/dev/null
}
commit base
printf 'one\ntwo\nthree\n' >docs.txt
commit two
git checkout -qb side
commit s1 s
commit s2 s
git checkout -q main
commit m1
merge side
git checkout -qb b2 HEAD~1
commit x1 x
git checkout -qb b3 HEAD~1
commit y1 y
commit y2 y
git checkout -q b2
commit x2 x
git checkout -q main
commit m2
merge b2 b3
git checkout -qb late HEAD~3
commit l1 l
git checkout -q main
git mv docs.txt guide.txt
commit m3
merge late
commit top
