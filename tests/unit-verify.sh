#!/bin/sh
# The shipped systemd unit, as generated, passes systemd-analyze verify
# without a warning (an unknown setting is only warned about, and
# ignored), with the watchdog and reload settings the daemon implements.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${NFJUDGE:=$top_builddir/src/nfjudge}"
command -v systemd-analyze >/dev/null 2>&1 ||
	{ echo "skipped: no systemd-analyze"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$top_srcdir/tests/testlib.sh"

unit=$top_builddir/dist/nfjudge.service
make -C "$top_builddir" dist/nfjudge.service >/dev/null 2>&1
[ -f "$unit" ] || { bad "no generated unit $unit"; test_summary; exit; }
# Verify checks that the programs exist: run the one just built.
sed "s|^ExecStart=[^ ]*nfjudge |ExecStart=$NFJUDGE |" "$unit" \
	>"$tmp/nfjudge.service"
expect_status 0 "systemd-analyze verify" \
	systemd-analyze verify --man=no "$tmp/nfjudge.service"
expect_eq "systemd-analyze verify says nothing" \
	"$(cat "$tmp/out" "$tmp/err")" ""
# The checker itself: a value it cannot parse is reported.
mkdir "$tmp/bad"
sed 's/^WatchdogSec=.*/WatchdogSec=soon/' "$tmp/nfjudge.service" \
	>"$tmp/bad/nfjudge.service"
systemd-analyze verify --man=no "$tmp/bad/nfjudge.service" >"$tmp/bad.out" 2>&1
expect_status 0 "a bad WatchdogSec= is reported" \
	grep -q 'Failed to parse.*soon' "$tmp/bad.out"

get() { sed -n "s/^$1=//p" "$tmp/nfjudge.service"; }
expect_eq "Type=" "$(get Type)" notify
expect_eq "NotifyAccess=" "$(get NotifyAccess)" main
expect_eq "ExecReload= sends HUP" "$(get ExecReload)" '/bin/kill -HUP $MAINPID'
expect_eq "WatchdogSec=" "$(get WatchdogSec)" 30s
expect_eq "Restart=" "$(get Restart)" on-failure
test_summary
