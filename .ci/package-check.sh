#!/usr/bin/env bash
# Checks the .deb as a person would use it: lintian without errors, `apt-get install
# ./latchkey_*.deb`, the installed `latchkey` launches to its sign-in screen (under Xvfb and
# a private D-Bus session), and uninstalling leaves the users' data in place.
# Run by `make package-check` after `make bundle`; needs root or sudo.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
deb=$(ls target/release/bundle/deb/latchkey_*.deb | head -n 1)
echo "== lintian $deb"
lintian --fail-on error "$deb"

echo "== install"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "./$deb" >/dev/null
command -v latchkey

echo "== launch the installed latchkey"
data=$(mktemp -d)
out=$(mktemp)
LATCHKEY_DATA_DIR="$data" LATCHKEY_STARTUP_PROBE=1 timeout 60 \
  xvfb-run -a dbus-run-session -- latchkey >"$out" 2>/dev/null &
runner=$!
for _ in $(seq 600); do
  grep -q 'latchkey-ready' "$out" && break
  sleep 0.1
done
grep -m1 'latchkey-ready' "$out" || { echo "the installed latchkey never showed its sign-in screen"; kill "$runner" 2>/dev/null; exit 1; }
pkill -TERM -x latchkey || true
wait "$runner" 2>/dev/null || true
test -s "$data/latchkey.db" || { echo "no database was created"; exit 1; }

echo "== uninstall keeps the data"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq latchkey >/dev/null
! command -v latchkey
test -s "$data/latchkey.db" && echo "data kept: $data/latchkey.db"
rm -rf "$data" "$out"
echo "package check passed"
