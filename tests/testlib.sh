# Helpers for the shell tests; source it after setting tmp (a scratch
# directory).  Each check counts into pass or fails; end a test with
# test_summary.
fails=0
pass=0

ok() { pass=$((pass + 1)); }
bad() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}
expect_eq() { # description got want
	if [ "$2" = "$3" ]; then ok; else
		bad "$1"
		printf '  got:\n%s\n  want:\n%s\n' "$2" "$3"
	fi
}
# The command's stdout and stderr are left in $tmp/out and $tmp/err.
expect_status() { # want description command...
	want=$1 desc=$2
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" -eq "$want" ]; then ok; else
		bad "$desc: exit $got, want $want"
		cat "$tmp/err"
	fi
}
expect_err() { # description text
	if grep -qF -e "$2" "$tmp/err"; then ok; else
		bad "$1: stderr lacks '$2'"
		cat "$tmp/err"
	fi
}
expect_in() { # description file text
	if grep -qF -- "$3" "$2"; then ok; else bad "$1: no '$3' in $2"; fi
}
# check description command...: passes when the command does
check() {
	d=$1
	shift
	if "$@"; then ok; else bad "$d"; fi
}
poll() { # tries command...: up to tries * 0.1 s for the command to pass
	n=$1
	shift
	while ! "$@" 2>/dev/null; do
		n=$((n - 1))
		[ $n -gt 0 ] || return 1
		sleep 0.1
	done
}
test_summary() {
	echo "$pass passed, $fails failed"
	[ "$fails" -eq 0 ]
}
