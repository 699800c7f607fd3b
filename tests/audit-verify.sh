#!/bin/sh
# nfjudge audit verify: an intact log passes, whole or rotated, plain,
# gzip'd or on stdin; each kind of tampering is named at its first line.
set -u
: "${NFJUDGE:=../src/nfjudge}"
: "${top_builddir:=..}"
: "${PYTHON3:=python3}"
MKLOG=$top_builddir/tests/mklog
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
pass=0

# want_status want_stderr_substring description verify-args...
check() {
	want=$1 what=$2 desc=$3
	shift 3
	"$NFJUDGE" audit verify "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	got=$?
	if [ "$got" -ne "$want" ]; then
		echo "FAIL: $desc: exit $got, want $want"; cat "$tmp/err"
		fails=$((fails + 1))
	elif [ -n "$what" ] && ! grep -qF -- "$what" "$tmp/err" "$tmp/out"; then
		echo "FAIL: $desc: no '$what' in:"; cat "$tmp/err" "$tmp/out"
		fails=$((fails + 1))
	else
		pass=$((pass + 1))
	fi
}

cd "$tmp" || exit 99
"$MKLOG" -n 20 >a.log || exit 99
printf 'a-secret-key\n' >key
"$MKLOG" -n 20 -k key >k.log || exit 99
"$MKLOG" -n 20 -r 8 >r.log || exit 99

check 0 "20 records, seq 1 to 20: chain intact (SHA-256)" "intact" a.log
check 0 "chain intact (HMAC-SHA256)" "intact, keyed" --key key k.log
check 1 "k.log:1: chain mismatch" "keyed log without the key" k.log
check 1 "a.log:1: chain mismatch" "plain log with a key" --key key a.log

sed 5d a.log >removed.log
check 1 "removed.log:5: seq 6 after seq 4: 1 record(s) missing" \
	"removed record" removed.log
{ sed -n 1,4p a.log; sed -n 6p a.log; sed -n 5p a.log; sed -n '7,$p' a.log; } \
	>reordered.log
check 1 "reordered.log:5: seq 6 after seq 4" "reordered pair" reordered.log
sed '7s/"dest_port":443/"dest_port":444/' a.log >edited.log
cmp -s a.log edited.log && { echo "FAIL: edit did nothing"; exit 99; }
check 1 "edited.log:7: chain mismatch" "edited field" edited.log
head -c -1 a.log >nonl.log
check 1 "nonl.log:20: truncated last line" "last newline cut" nonl.log
head -c -40 a.log >cut.log
check 1 "cut.log:20: truncated last line" "last line cut" cut.log
{ head -3 a.log; echo 'not json'; } >junk.log
check 1 "junk.log:4: invalid JSON" "garbage line" junk.log
{ head -3 a.log; sed -n 3p a.log; } >dup.log
check 1 "dup.log:4: seq 3 after seq 3" "repeated record" dup.log
{ cat a.log; sed -n 20p a.log | sed 's/,"chain":"[0-9a-f]*"}$/}/'; } \
	>nochain.log
check 1 "nochain.log:21: does not end with the \"chain\" field" \
	"record without chain" nochain.log

# Insert a record and renumber and re-digest everything after it with
# plain SHA-256, as someone who can edit the log but lacks the key would.
forge() { # in out
	"$PYTHON3" - "$1" "$2" <<'PY'
import hashlib, re, sys
lines = open(sys.argv[1]).read().splitlines()
ins = re.sub(r'"dest_port":\d+', '"dest_port":8443', lines[9])
lines.insert(10, ins)
prev, out = None, []
for n, line in enumerate(lines, 1):
    body = re.sub(r',"chain":"[0-9a-f]{64}"}$', '', line)
    body = re.sub(r'"seq":\d+', '"seq":%d' % n, body, count=1)
    if n <= 10:
        out.append(line)
        prev = line[-66:-2]
        continue
    prev = hashlib.sha256((prev + "\n" + body).encode()).hexdigest()
    out.append(body + ',"chain":"%s"}' % prev)
open(sys.argv[2], "w").write("\n".join(out) + "\n")
PY
}
if forge k.log kforged.log && forge a.log forged.log; then
	check 1 "kforged.log:11: chain mismatch" "insertion, keyed" \
		--key key kforged.log
	# without a key the chain cannot tell: that is what --key is for
	check 0 "21 records" "insertion, plain SHA-256 recomputed" forged.log
else
	echo "FAIL: could not run $PYTHON3"; fails=$((fails + 1))
fi

gzip -c a.log >a.log.gz
check 0 "chain intact" "gzip" a.log.gz
head -c 200 a.log.gz >bad.gz
check 2 "" "truncated gzip" bad.gz
"$NFJUDGE" audit verify - <a.log >out 2>&1
[ $? -eq 0 ] && pass=$((pass + 1)) || { echo "FAIL: stdin"; fails=$((fails + 1)); }
"$NFJUDGE" audit verify - <edited.log >out 2>&1
if [ $? -eq 1 ] && grep -q '^<stdin>:7: chain mismatch' out; then
	pass=$((pass + 1))
else
	echo "FAIL: stdin tampered"; cat out; fails=$((fails + 1))
fi

# rotated: three files in order, one compressed
head -7 a.log >a.log.2
sed -n 8,14p a.log | gzip -c >a.log.1.gz
tail -n +15 a.log >a.log.0
sed -n 8,14p a.log >r.log.mid
check 0 "20 records, seq 1 to 20" "rotated files in order" \
	a.log.2 a.log.1.gz a.log.0
check 1 "a.log.0:1: seq 15 after seq 7: 7 record(s) missing" \
	"rotated file left out" a.log.2 a.log.0
check 1 "a.log.2:1: seq 1 after seq 14" "rotated files out of order" \
	a.log.2 a.log.1.gz a.log.2
check 0 "taken on trust" "lone rotated file" a.log.1.gz
# a file that begins after a reopen names its predecessor's digest
sed -n '8,$p' r.log >r.tail
check 0 "taken from prev_chain" "lone file with prev_chain" r.tail
sed '1s/"dest_port":443/"dest_port":1/' r.tail >r.edit
check 1 "r.edit:1: chain mismatch" "lone file, first record edited" r.edit
check 0 "seq 1 to 20" "prev_chain inside a whole log" r.log
sed '8s/"prev_chain":"[0-9a-f]/"prev_chain":"f/' r.log >r.prev
cmp -s r.log r.prev && { echo "FAIL: prev_chain edit did nothing"; exit 99; }
check 1 "r.prev:8: prev_chain is not the digest" "edited prev_chain" r.prev

# the independent check that nfjudge-log(5) prints agrees
: "${top_srcdir:=..}"
sed -n '/^import hashlib/,/^print("intact")/p' "$top_srcdir/man/nfjudge-log.5" |
	sed -e 's/\\-/-/g' -e "s/\\\\(aq/'/g" -e 's/\\e/\\/g' >manpage.py
mancheck() { # want_status description args...
	want=$1 desc=$2
	shift 2
	"$PYTHON3" manpage.py "$@" >/dev/null 2>&1
	got=$?
	if [ "$got" -eq "$want" ]; then
		pass=$((pass + 1))
	else
		echo "FAIL: man page script: $desc: exit $got, want $want"
		fails=$((fails + 1))
	fi
}
[ -s manpage.py ] || { echo "FAIL: no script in the man page"; fails=$((fails + 1)); }
mancheck 0 "intact" a.log
mancheck 0 "keyed" --key key k.log
mancheck 0 "rotated" a.log.2 r.log.mid a.log.0
mancheck 0 "lone file with prev_chain" r.tail
mancheck 1 "edited" edited.log
mancheck 1 "removed" removed.log
mancheck 1 "keyed insertion" --key key kforged.log

check 2 "" "missing file" nonexistent.log
check 2 "" "no LOG"
check 2 "" "missing key file" --key nonexistent a.log
check 0 "no records" "empty log" /dev/null

"$NFJUDGE" audit nosuchcommand a.log >/dev/null 2>&1
[ $? -eq 2 ] && pass=$((pass + 1)) || { echo "FAIL: unknown command"; fails=$((fails + 1)); }

echo "$pass passed, $fails failed"
[ "$fails" -eq 0 ]
