#!/bin/sh
# nfjudge rules without root: option errors, print, and install/remove
# against fake iptables tools (first in PATH) that record what they are
# given and keep a listing as the real ones would.
set -u
: "${NFJUDGE:=../src/nfjudge}"
: "${top_srcdir:=..}"
golden=$top_srcdir/tests/data/rules
. "$top_srcdir/tests/testlib.sh"

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

# --- usage errors: exit 2 and say what was expected ----------------------
usage_case() { # message options...
	msg=$1
	shift
	expect_status 2 "rules $*" "$NFJUDGE" rules "$@"
	expect_err "rules $*" "$msg"
}
usage_case "--queue '70000': expected a queue number" print --queue 70000
usage_case "--queue '3:1'" print -q 3:1
usage_case "--queue '-1'" print -q -1
usage_case "VALUE has bits outside its MASK" print --mark 0x3/0x1
usage_case "MASK must not be 0" print --mark 1/0
usage_case "VALUE must not be 0" print --mark 0/1
usage_case "expected VALUE/MASK" print --mark 1
usage_case "expected nft or legacy" print --backend iptables
usage_case "expected a numeric uid" print --exempt-uid root
usage_case "expected an NFLOG group" print --nflog-group 65536
usage_case "expected one action" --no-udp
usage_case "expected one action" print remove
usage_case "unknown action 'frob'" frob
usage_case "unrecognized option" print --frob
expect_status 0 "rules --help" "$NFJUDGE" rules --help
grep -q "invisible to the other" "$tmp/out" ||
	bad "--help does not explain the backend mismatch"

# --- print ----------------------------------------------------------------
expect_status 0 "print" "$NFJUDGE" rules print
expect_eq "print: default golden text" "$(cat "$tmp/out")" \
	"$(cat "$golden/default-v4" "$golden/default-v6")"
expect_status 0 "print --no-ipv6" "$NFJUDGE" rules print --no-ipv6
expect_eq "print --no-ipv6" "$(cat "$tmp/out")" "$(cat "$golden/default-v4")"
if [ -w /dev/full ]; then
	expect_status 1 "print to a full disk" sh -c \
		'"$1" rules print >/dev/full' sh "$NFJUDGE"
	expect_err "print to a full disk: said so" "standard output"
fi

# The chain nfjudge(8) shows is the one print gives.
expect_eq "nfjudge.8 shows the default chain" \
	"$(sed -n '/^\.SH RULES/,/^\.fi/p' "$top_srcdir/man/nfjudge.8" |
		sed -n '/^\.nf/,/^\.fi/p' | grep -v '^\.' | sed 's/\\-/-/g')" \
	"$(grep -v '^#' "$golden/default-v4")"

# --- fake tools -------------------------------------------------------------
# iptables -S prints $state/NAME.list (NAME: iptables or ip6tables), and
# for "-t mangle" NAME.mangle; iptables-restore appends its arguments and
# input to $state/NAME.log, fails with the text of $state/NAME.fail if
# there is one, and else keeps both listings as the real tool would.
mkdir "$tmp/bin" "$tmp/state"
cat >"$tmp/bin/fake" <<'EOF'
#!/bin/sh
name=$(basename "$0")
base=${name%-restore}
if [ -e "$STATE/$base.fail" ] && [ "$name" != "$base" ]; then
	cat "$STATE/$base.fail" >&2
	exit 2
fi
if [ "$name" = "$base" ]; then
	[ -e "$STATE/$base.listfail" ] && { echo "listing broke" >&2; exit 1; }
	case " $* " in
	*" mangle "*) cat "$STATE/$base.mangle" 2>/dev/null ;;
	*) cat "$STATE/$base.list" 2>/dev/null ;;
	esac
	exit 0
fi
input=$(cat)
printf '%s\n%s\n' "ARGS $*" "$input" >>"$STATE/$base.log"
case $input in
*"-X NFJUDGE"*) : >"$STATE/$base.list"; : >"$STATE/$base.mangle" ;;
*"-I OUTPUT 1 -j NFJUDGE"*)
	printf '%s\n' '-N NFJUDGE' '-N NFJUDGE-IN' '-A OUTPUT -j NFJUDGE' \
		'-A INPUT -j NFJUDGE-IN' >"$STATE/$base.list"
	printf '%s\n' '-N NFJUDGE' '-A OUTPUT -j NFJUDGE' \
		>"$STATE/$base.mangle" ;;
esac
EOF
chmod +x "$tmp/bin/fake"
for t in iptables ip6tables iptables-restore ip6tables-restore; do
	ln -s fake "$tmp/bin/$t"
done
STATE=$tmp/state
export STATE
fake() { PATH="$tmp/bin:$PATH" "$NFJUDGE" rules "$@"; }
reset() { rm -f "$STATE"/*; }
log() { cat "$STATE/$1.log" 2>/dev/null; }

expect_status 0 "install" fake install
expect_eq "install: IPv4 transaction" "$(log iptables)" \
	"$(echo 'ARGS --wait=10 --noflush'; cat "$golden/default-v4")"
expect_eq "install: IPv6 transaction" "$(log ip6tables)" \
	"$(echo 'ARGS --wait=10 --noflush'; cat "$golden/default-v6")"

reset
printf '%s\n' '-P OUTPUT ACCEPT' '-N NFJUDGE' '-A OUTPUT -j NFJUDGE' \
	'-A OUTPUT -o lo -j NFJUDGE' '-A OUTPUT -j NFJUDGE' \
	>"$STATE/iptables.list"
expect_status 0 "install over two jumps" fake install --no-ipv6 --no-udp
expect_eq "install over two jumps: both deleted, one inserted" \
	"$(log iptables | grep -e '^-[DI] OUTPUT')" \
	"$(printf '%s\n' '-I OUTPUT 1 -j NFJUDGE' '-D OUTPUT -j NFJUDGE' \
		'-D OUTPUT -j NFJUDGE' '-I OUTPUT 1 -j NFJUDGE')"
expect_eq "--no-ipv6: ip6tables not run" "$(log ip6tables)" ""

reset
expect_status 0 "remove with nothing installed" fake remove
expect_eq "remove with nothing installed: no transaction" \
	"$(log iptables)$(log ip6tables)" ""

reset
printf '%s\n' '-N NFJUDGE' '-A OUTPUT -j NFJUDGE' >"$STATE/ip6tables.list"
expect_status 0 "remove" fake remove
expect_eq "remove: IPv6 transaction" "$(log ip6tables)" \
	"$(printf '%s\n' 'ARGS --wait=10 --noflush' '*filter' \
		'-D OUTPUT -j NFJUDGE' '-F NFJUDGE' '-X NFJUDGE' 'COMMIT')"

reset
printf '%s\n' '-N NFJUDGE-IN' '-A INPUT -j NFJUDGE-IN' >"$STATE/iptables.list"
printf '%s\n' '-N NFJUDGE' '-A OUTPUT -j NFJUDGE' >"$STATE/iptables.mangle"
expect_status 0 "remove all three chains" fake remove --no-ipv6
expect_eq "remove: the input chain and the mangle chain" "$(log iptables)" \
	"$(printf '%s\n' 'ARGS --wait=10 --noflush' '*filter' \
		'-D INPUT -j NFJUDGE-IN' '-F NFJUDGE-IN' '-X NFJUDGE-IN' \
		'COMMIT' '*mangle' '-D OUTPUT -j NFJUDGE' '-F NFJUDGE' \
		'-X NFJUDGE' 'COMMIT')"

reset
echo "iptables-restore: line 4 failed" >"$STATE/iptables.fail"
expect_status 1 "install, iptables-restore fails" fake install
expect_err "the tool's message is shown" "iptables-restore: line 4 failed"
expect_err "the tool is named" "iptables-restore failed (exit status 2)"
expect_err "the input line is quoted" \
	"[input line 4: -A NFJUDGE -m mark --mark 0x100000/0x100000 -j NFLOG"
expect_eq "IPv6 not tried after IPv4 failed" "$(log ip6tables)" ""

# A failed IPv6 install takes out the IPv4 rules it had just put in.
reset
echo "ip6tables-restore: line 3 failed" >"$STATE/ip6tables.fail"
expect_status 1 "install, ip6tables-restore fails" fake install
expect_err "the ip6 tool's message is shown" "line 3 failed"
expect_eq "IPv4 rolled back" "$(cat "$STATE/iptables.list")" ""
expect_eq "IPv4: install then remove" \
	"$(log iptables | grep -c '^ARGS')" 2

# ...but not IPv4 rules that were there before.
reset
echo "ip6tables-restore: line 3 failed" >"$STATE/ip6tables.fail"
printf '%s\n' '-N NFJUDGE' '-A OUTPUT -j NFJUDGE' >"$STATE/iptables.list"
expect_status 1 "reinstall, ip6tables-restore fails" fake install
expect_eq "IPv4 rules from before kept" "$(log iptables | grep -c '^ARGS')" 1

reset
touch "$STATE/iptables.listfail"
expect_status 1 "listing fails" fake remove
expect_err "listing failure shown" "listing broke"

test_summary
