#!/usr/bin/env bash
# The .deb as a Debian machine gets it: built by CPack from this build, unpacked with
# dpkg-deb -x into a throwaway root, its layout, control data and unit checked, and the
# INSTALLED binary started from that root with the SHIPPED configuration, from a folder
# outside the source tree: it must serve health, the watch page and /vendor/ from the
# root's share/stagehub/web, not from the source tree's web/.
# usage: package_install_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build_dir=$1
source_dir=$2
work=$(mktemp -d /tmp/stagehub-deploy-XXXXXX)
server_pid=
cleanup() {
  if [[ -n $server_pid ]]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "package install test: $*" >&2
  [[ -f $work/server.log ]] && cat "$work/server.log" >&2
  exit 1
}

# The package, exactly as scripts/package makes it (without its rebuild and lintian).
(cd "$work" && cpack --config "$build_dir/CPackConfig.cmake" -B "$work/out" >cpack.log 2>&1) ||
  { cat "$work/cpack.log"; fail "cpack failed"; }
deb=$(ls "$work"/out/stagehub_*.deb) || fail "no .deb in $work/out"
root=$work/root
dpkg-deb -x "$deb" "$root"

# Control data: Debian 12's package names, the user, the conffile.
depends=$(dpkg-deb -f "$deb" Depends)
for package in libwebsockets17 libwebsockets-evlib-glib libsqlite3-0 libgstreamer1.0-0 \
  gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad \
  gstreamer1.0-plugins-ugly gstreamer1.0-libav gstreamer1.0-x adduser; do
  grep -qE "(^|, )$package( |,|$)" <<<"$depends" || fail "Depends lacks $package: $depends"
done
dpkg-deb -e "$deb" "$work/control"
[[ $(cat "$work/control/conffiles") == /etc/stagehub/stagehub.conf ]] ||
  fail "conffiles: $(cat "$work/control/conffiles")"
grep -q "adduser --system" "$work/control/postinst" || fail "postinst makes no system user"

# The FHS layout.
for file in usr/bin/stagehub etc/stagehub/stagehub.conf lib/systemd/system/stagehub.service \
  usr/share/stagehub/web/index.html usr/share/stagehub/web/watch.mjs \
  usr/share/stagehub/web/i18n/watch.mjs \
  usr/share/stagehub/web/node_modules/hls.js/dist/hls.mjs \
  usr/share/stagehub/web/node_modules/hls.js/dist/hls.worker.js \
  usr/share/stagehub/web/node_modules/uplot/dist/uPlot.esm.js \
  usr/share/stagehub/programmes/tillsammans-for-fornyelse.json \
  usr/share/doc/stagehub/copyright usr/share/doc/stagehub/changelog.gz \
  usr/share/doc/stagehub/OPERATIONS.md usr/share/man/man1/stagehub.1.gz \
  usr/share/doc/stagehub/examples/nginx-stagehub.conf; do
  [[ -f $root/$file ]] || fail "the package lacks /$file"
done
# Every page file of the source tree, and every /vendor/ file a page names, is installed.
web=$root/usr/share/stagehub/web
while read -r page; do
  [[ -f $web/$page ]] || fail "web/$page is not installed (scripts/deploy/install.cmake)"
done < <(cd "$source_dir/web" && find . -path ./node_modules -prune -o -type f \
  ! -name 'package*.json' -printf '%P\n')
while read -r vendored; do
  [[ -f $web/node_modules/$vendored ]] ||
    fail "a page loads /vendor/$vendored, which is not installed (scripts/deploy/install.cmake)"
done < <(cd "$source_dir/web" && grep -rhoE "/vendor/[^\"' )\`]+\.(m?js|css)" \
  --include='*.mjs' --include='*.html' --include='*.css' --exclude-dir=node_modules . |
  sed 's#^/vendor/##' | sort -u)
# Only what is served: no npm metadata, sources or maps.
extra=$(cd "$root/usr/share/stagehub/web" && find . -name 'package*.json' -o -name '*.map' \
  -o -name src -o -name '*.ts' -o -name '.stagehub-lock')
[[ -z $extra ]] || fail "the package carries development files: $extra"
[[ -x $root/usr/bin/stagehub ]] || fail "/usr/bin/stagehub is not executable"

"$source_dir/scripts/deploy/verify-unit" "$root" || fail "systemd-analyze verify failed"

# The installed binary, run from a folder outside the source tree. The shipped
# configuration's values, with the data folder and port moved for the test.
binary=$root/usr/bin/stagehub
config=$root/etc/stagehub/stagehub.conf
version=$("$binary" --version)
[[ $version =~ ^stagehub\ [0-9.]+\ \(commit\ .+\)$ ]] || fail "--version said: $version"
value() { sed -n "s/^$1 = //p" "$config"; }
[[ $(value data) == /var/lib/stagehub && $(value port) == 8080 ]] ||
  fail "the shipped configuration is not data = /var/lib/stagehub, port = 8080"
# Every key the shipped file sets or shows commented out is a serve option.
help=$("$binary" --help)
for key in $(sed -nE 's/^#? ?([a-z][a-z-]*) = .*/\1/p' "$config"); do
  grep -q -- "--$key\b" <<<"$help" || fail "stagehub.conf names '$key', which is no option"
done
mkdir "$work/elsewhere"
cd "$work/elsewhere"
"$binary" import "$root/usr/share/stagehub/programmes/tillsammans-for-fornyelse.json" \
  --data "$work/data" >import.out 2>&1 || { cat import.out; fail "import failed"; }
# The shipped configuration as the service reads it, with the data folder and port moved
# for the test (the command line overrides the file). check-config first, as an admin would.
"$binary" check-config --config "$config" --data "$work/data" --port 0 >"$work/check.out" ||
  { cat "$work/check.out"; fail "check-config refused the shipped configuration"; }
grep -q "^host = 127.0.0.1 .*# $config:" "$work/check.out" ||
  fail "check-config did not take host from the shipped file: $(cat "$work/check.out")"
# Each commented-out line shows a default: uncommented, the file must still be accepted
# (the TLS lines name files that do not exist here, so they stay out).
sed -E 's/^# ([a-z][a-z-]* = )/\1/' "$config" | grep -v '^tls-' |
  sed "s#^web = /usr/share/#web = $root/usr/share/#" >"$work/uncommented.conf"
"$binary" check-config --config "$work/uncommented.conf" --data "$work/data" >"$work/check.out" ||
  { cat "$work/check.out"; fail "a commented default of stagehub.conf is refused"; }
"$binary" serve --config "$config" --data "$work/data" --port 0 \
  >"$work/server.out" 2>"$work/server.log" &
server_pid=$!
for _ in $(seq 150); do
  grep -q "serving on" "$work/server.out" 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || fail "the installed binary exited"
  sleep 0.1
done
url=$(grep -o 'http://[^ ]*' "$work/server.out" | sed 's#/$##') || fail "no 'serving on' line"

get() { curl -sS --max-time 10 -o "$work/body" -w '%{http_code}' "$url$1"; }
[[ $(get /api/v1/health) == 200 ]] || fail "/api/v1/health: $(cat "$work/body")"
stage=$(jq -r '.stages[0].id' "$root/usr/share/stagehub/programmes/tillsammans-for-fornyelse.json")
jq -e --arg stage "$stage" '.server_time and .stages[$stage]' "$work/body" >/dev/null ||
  fail "health lacks the server time or the installed programme's stage: $(cat "$work/body")"
[[ $(get "/watch/$stage") == 200 ]] || fail "/watch/$stage"
cmp -s "$work/body" "$root/usr/share/stagehub/web/index.html" ||
  fail "/watch/$stage is not the installed index.html"
[[ $(get /vendor/hls.js/dist/hls.mjs) == 200 ]] || fail "/vendor/hls.js/dist/hls.mjs"
cmp -s "$work/body" "$root/usr/share/stagehub/web/node_modules/hls.js/dist/hls.mjs" ||
  fail "/vendor/hls.js/dist/hls.mjs is not the installed file"
# Files the source tree's web/ has and the package does not: were the server reading the
# source tree, these would be found.
for only_in_source in /package.json /vendor/hls.js/package.json; do
  [[ -f $source_dir/web${only_in_source/\/vendor\//\/node_modules\/} ]] ||
    fail "the check needs $source_dir/web${only_in_source/\/vendor\//\/node_modules\/}"
  [[ $(get "$only_in_source") == 404 ]] || fail "$only_in_source was served: the source tree's web/"
done

# What README's "Running in production" does next against the running service: a backup
# while it serves, and the metrics Prometheus would scrape from the machine itself.
"$binary" backup --config "$config" --data "$work/data" --to "$work/backup.db" \
  >"$work/backup.out" 2>&1 || { cat "$work/backup.out"; fail "backup of the running service failed"; }
grep -q "^backed up " "$work/backup.out" || fail "backup said: $(cat "$work/backup.out")"
[[ $(sqlite3 "$work/backup.db" "PRAGMA integrity_check") == ok ]] || fail "the backup is not intact"
[[ $(sqlite3 "$work/backup.db" "SELECT count(*) FROM sessions") -gt 0 ]] ||
  fail "the backup holds no sessions"
[[ $(get /metrics) == 200 ]] || fail "/metrics: $(cat "$work/body")"
grep -q '^stagehub_http_requests_total{class="page",code="200"} ' "$work/body" ||
  fail "/metrics lacks the pages served: $(head -c 2000 "$work/body")"

kill -TERM "$server_pid"
status=0
wait "$server_pid" || status=$?
server_pid=
[[ $status == 0 ]] || fail "the installed binary exited with $status on SIGTERM"
echo "package install test: ok ($(basename "$deb"), $(du -k "$deb" | cut -f1) KiB)"
