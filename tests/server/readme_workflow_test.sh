#!/usr/bin/env bash
# Runs the organiser workflow of README.md exactly as written (the sh block after the
# "organiser-workflow" marker) against a real stagehub serving the demo day at real speed,
# in a scratch folder, and checks what the organiser would read in its output.
# usage: readme_workflow_test.sh STAGEHUB_BINARY SOURCE_DIR
set -euo pipefail
binary=$1
source_dir=$2
work=$(mktemp -d)
server_pid=
cleanup() {
  [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/build"
ln -s "$binary" "$work/build/stagehub"
cd "$work"
"$binary" serve --data var --port 0 --no-broadcast --web "$source_dir/web" \
  --demo "$source_dir/schedule/programmes/tillsammans-for-fornyelse.json" >server.out 2>server.log &
server_pid=$!
for _ in $(seq 100); do
  grep -q "serving on" server.out 2>/dev/null && break
  sleep 0.1
done
url=$(grep -o 'http://[^ ]*' server.out | sed 's#/$##') || { cat server.log; exit 1; }

# The README's block, with the server's address in place of the default one.
awk '/organiser-workflow/ {found=1; next} found && /^```sh/ {inside=1; next}
     inside && /^```/ {exit} inside {print}' "$source_dir/README.md" >workflow.sh
grep -q '^STAGEHUB=http://127.0.0.1:8080$' workflow.sh || { echo "README block not found"; exit 1; }
sed -i "s#^STAGEHUB=http://127.0.0.1:8080\$#STAGEHUB=$url#" workflow.sh
bash -euo pipefail workflow.sh >workflow.out 2>&1 || { cat workflow.out server.log; exit 1; }
cat workflow.out

expect() {
  grep -qF -- "$1" workflow.out || { echo "README workflow: expected '$1' in the output"; exit 1; }
}
expect '"now": "valkommen"'
expect "absorbed"
expect "edited session 'Innovationssprintar i praktiken'"
expect '"code": "overlap"'
expect '"my_position": 3'
expect '"now": "Helena Marklund"'
expect '"next": "Per Öhman"'
expect '"sessions": 24'
expect "checked_in"
expect "already checked in at "
expect '{"every":15}'
expect '{"in_person":1,"web_viewers":1}'
expect "Tillsammans för förnyelse (Europe/Stockholm)"
[[ -s schedule.json && -s schedule.ics && -s sessions.csv ]] || { echo "exports missing"; exit 1; }
grep -q "BEGIN:VCALENDAR" schedule.ics
echo "README organiser workflow: ok"
