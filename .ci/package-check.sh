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

failed=0
fail() { echo "FAILED: $*"; failed=1; }

echo "== exactly one .deb, named as Debian names packages"
debs=$(cd target/release/bundle/deb && ls ./*.deb)
echo "$debs"
[ "$debs" = "./latchkey_${version}_${arch}.deb" ] || fail "expected only latchkey_${version}_${arch}.deb"
deb=$(ls target/release/bundle/deb/*.deb | head -n 1)
rpm=$(ls target/release/bundle/rpm/*.rpm | head -n 1)

# Icons must sit where icon themes look: /usr/share/icons/hicolor/<dir>/apps/latchkey.png,
# <dir> one of the directories the installed hicolor theme's index.theme lists (NxN, or
# NxN@2 for scale 2), and the picture must have that folder's size (N, or 2N at scale 2).
themes=$(sed -n 's/^Directories=//p' /usr/share/icons/hicolor/index.theme | tr ',' '\n' | sed -n 's|/apps$||p')
check_icons() { # what, listing of installed paths, folder holding the files ("-": not unpacked)
  local what=$1 listing=$2 root=$3 path dir size scale want got
  echo "$listing"
  [ -n "$listing" ] || { fail "$what installs no icon"; return; }
  while read -r path; do
    dir=${path#/usr/share/icons/hicolor/}; dir=${dir%/apps/latchkey.png}
    if [ "$path" != "/usr/share/icons/hicolor/$dir/apps/latchkey.png" ] || ! grep -qx "$dir" <<<"$themes"; then
      fail "$what: $path is in no folder the hicolor theme reads"; continue
    fi
    [ "$root" != "-" ] || continue
    size=${dir%%x*}; scale=1; [[ $dir == *@2 ]] && scale=2
    want="$((size * scale)) x $((size * scale))"
    got=$(file -b "$root$path" | grep -o '[0-9]* x [0-9]*' | head -n 1)
    [ "$got" = "$want" ] || fail "$what: $path is $got pixels, its folder says $want"
  done <<<"$listing"
}
unpacked=$(mktemp -d)
dpkg-deb -x "$deb" "$unpacked"
echo "== icons in the .deb"
check_icons "the .deb" "$(cd "$unpacked" && find usr/share/icons -name '*.png' 2>/dev/null | sed 's|^|/|' | sort)" "$unpacked"
echo "== icons in the .rpm"
check_icons "the .rpm" "$(rpm -qlp "$rpm" 2>/dev/null | grep '^/usr/share/icons/.*\.png$' | sort)" "-"
rm -rf "$unpacked"
[ "$failed" -eq 0 ] || { echo "package check failed"; exit 1; }

echo "== lintian $deb"
lintian --fail-on error "$deb"

echo "== install"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "./$deb" >/dev/null
command -v latchkey
echo "== installed icons"
check_icons "the installed package" "$(dpkg -L latchkey | grep '^/usr/share/icons/.*\.png$' | sort)" ""
[ "$failed" -eq 0 ] || { echo "package check failed"; exit 1; }

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
