#!/usr/bin/env bash
# Checks the installers as a person and a packager would: exactly one .deb, named
# latchkey_<version>_<arch>.deb; every icon of the .deb and .rpm in a hicolor size folder;
# lintian without errors; `apt-get install ./latchkey_*.deb` (and the installed icons);
# the installed `latchkey` launches to its sign-in screen (under Xvfb and a private D-Bus
# session); uninstalling leaves the users' data in place.
# Run by `make package-check` after `make bundle`; needs root or sudo.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
version=$(sed -n 's/^ *"version": *"\(.*\)",$/\1/p' tauri.conf.json | head -n 1)
arch=$(dpkg --print-architecture)

echo "== exactly one .deb, named as Debian names packages"
debs=$(cd target/release/bundle/deb && ls ./*.deb)
echo "$debs"
[ "$debs" = "./latchkey_${version}_${arch}.deb" ] || { echo "expected only latchkey_${version}_${arch}.deb"; exit 1; }
deb="target/release/bundle/deb/latchkey_${version}_${arch}.deb"
rpm=$(ls target/release/bundle/rpm/*.rpm | head -n 1)

# Icons must sit where icon themes look: /usr/share/icons/hicolor/<size>/apps with a size
# directory the hicolor theme defines (NxN, or NxN@2x for scaled ones).
check_icons() {
  local what=$1 listing=$2 bad
  echo "$listing"
  [ -n "$listing" ] || { echo "$what installs no icon"; exit 1; }
  bad=$(echo "$listing" | grep -Ev '^/usr/share/icons/hicolor/(16x16|22x22|24x24|32x32|48x48|64x64|96x96|128x128|192x192|256x256|512x512)(@2x)?/apps/latchkey\.png$' || true)
  [ -z "$bad" ] || { echo "$what installs icons where no theme looks:"; echo "$bad"; exit 1; }
}
echo "== icons in the .deb"
check_icons "the .deb" "$(dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' | grep '^/usr/share/icons/' | grep -v '/$')"
echo "== icons in the .rpm"
check_icons "the .rpm" "$(rpm -qlp "$rpm" 2>/dev/null | grep '^/usr/share/icons/')"

echo "== lintian $deb"
lintian --fail-on error "$deb"

echo "== install"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "./$deb" >/dev/null
command -v latchkey
echo "== installed icons"
check_icons "the installed package" "$(dpkg -L latchkey | grep '^/usr/share/icons/.*\.png$')"

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
echo "== installed icons"
check_icons "the installed package" "$(dpkg -L latchkey | grep '^/usr/share/icons/.*\.png$')"
test -s "$data/latchkey.db" && echo "data kept: $data/latchkey.db"
rm -rf "$data" "$out"
echo "package check passed"
