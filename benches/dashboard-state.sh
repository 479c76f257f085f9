#!/usr/bin/env bash
# Times the dashboard's /api/state with N live sessions on a real repository, each
# session having changed one file, after a submit moved the branch (so each status runs the
# submit's merge as a dry run). Usage: benches/dashboard-state.sh ATOMIC N GIT_REPO
set -euo pipefail
A=$1; N=${2:-200}
SRC=${3:?a git repository to clone, e.g. a mirror of tokio-rs/tokio}
W=${TMPDIR:-/tmp}/dstate; rm -rf $W; git clone -q "$SRC" $W; cd $W
$A init >/dev/null 2>&1 || $A init .
URL=$($A --json dashboard | python3 -c 'import json,sys;print(json.load(sys.stdin)["url"])')
BASE=${URL%%/?secret=*}; SEC=${URL##*=}
mapfile -t FILES < <(git ls-files '*.rs' '*.py' '*.go' '*.java' '*.ts' | head -n $N)
i=0
for f in "${FILES[@]}"; do
  read -r id tok < <($A --json session new --agent "agent-$i" --intent "task $i" | python3 -c 'import json,sys;d=json.load(sys.stdin);print(d["session_id"], d["token"])')
  { cat "$f"; printf '\n// touched by agent %s\n' "$i"; } | $A session --session $id --token $tok write "$f" >/dev/null
  i=$((i+1))
done
read -r id tok < <($A --json session new --agent mover | python3 -c 'import json,sys;d=json.load(sys.stdin);print(d["session_id"], d["token"])')
printf 'moved\n' | $A session --session $id --token $tok write MOVED.txt >/dev/null
$A session --session $id --token $tok submit -m "move main" >/dev/null
echo "sessions: $($A --json session list | python3 -c 'import json,sys;print(len(json.load(sys.stdin)))')"
for k in 1 2 3 4 5; do
  curl -s -o $W.json -w "%{time_total}\n" "$BASE/api/state?secret=$SEC"
done | sort -n | sed -n 3p | awk '{printf "GET /api/state median of 5: %.0f ms\n", $1*1000}'
python3 -c "import json;d=json.load(open('$W.json'));print('state bytes', len(open('$W.json').read()), 'sessions', len(d['sessions']), 'branch_moved', sum(s['status']['branch_moved'] for s in d['sessions']))"
$A serve --stop >/dev/null
