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
: "${top_srcdir:=..}"
. "$top_srcdir/tests/testlib.sh"

# want_status want_output_substring description verify-args...
verify() {
	want=$1 what=$2 desc=$3
	shift 3
	"$NFJUDGE" audit verify "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	got=$?
	if [ "$got" -ne "$want" ]; then
		bad "$desc: exit $got, want $want"
		cat "$tmp/err"
	elif [ -n "$what" ] && ! grep -qF -- "$what" "$tmp/err" "$tmp/out"; then
		bad "$desc: no '$what' in:"
		cat "$tmp/err" "$tmp/out"
	else
		ok
	fi
}

cd "$tmp" || exit 99
"$MKLOG" -n 20 >a.log || exit 99
printf 'a-secret-key\n' >key
"$MKLOG" -n 20 -k key >k.log || exit 99
"$MKLOG" -n 20 -r 8 >r.log || exit 99

verify 0 "20 records, seq 1 to 20: chain intact (SHA-256)" "intact" a.log
verify 0 "chain intact (HMAC-SHA256)" "intact, keyed" --key key k.log
verify 1 "k.log:1: chain mismatch" "keyed log without the key" k.log
verify 1 "a.log:1: chain mismatch" "plain log with a key" --key key a.log

sed 5d a.log >removed.log
verify 1 "removed.log:5: seq 6 after seq 4: 1 record(s) missing" \
	"removed record" removed.log
{ sed -n 1,4p a.log; sed -n 6p a.log; sed -n 5p a.log; sed -n '7,$p' a.log; } \
	>reordered.log
verify 1 "reordered.log:5: seq 6 after seq 4" "reordered pair" reordered.log
sed '7s/"dest_port":443/"dest_port":444/' a.log >edited.log
cmp -s a.log edited.log && { echo "FAIL: edit did nothing"; exit 99; }
verify 1 "edited.log:7: chain mismatch" "edited field" edited.log
head -c -1 a.log >nonl.log
verify 1 "nonl.log:20: truncated last line" "last newline cut" nonl.log
head -c -40 a.log >cut.log
verify 1 "cut.log:20: truncated last line" "last line cut" cut.log
{ head -3 a.log; echo 'not json'; } >junk.log
verify 1 "junk.log:4: invalid JSON" "garbage line" junk.log
{ head -3 a.log; sed -n 3p a.log; } >dup.log
verify 1 "dup.log:4: seq 3 after seq 3" "repeated record" dup.log
{ cat a.log; sed -n 20p a.log | sed 's/,"chain":"[0-9a-f]*"}$/}/'; } \
	>nochain.log
verify 1 "nochain.log:21: does not end with the \"chain\" field" \
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
	verify 1 "kforged.log:11: chain mismatch" "insertion, keyed" \
		--key key kforged.log
	# without a key the chain cannot tell: that is what --key is for
	verify 0 "21 records" "insertion, plain SHA-256 recomputed" forged.log
else
	bad "could not run $PYTHON3"
fi

gzip -c a.log >a.log.gz
verify 0 "chain intact" "gzip" a.log.gz
head -c 200 a.log.gz >bad.gz
verify 2 "" "truncated gzip" bad.gz
"$NFJUDGE" audit verify - <a.log >out 2>&1
[ $? -eq 0 ] && ok || bad "stdin"
"$NFJUDGE" audit verify - <edited.log >out 2>&1
if [ $? -eq 1 ] && grep -q '^<stdin>:7: chain mismatch' out; then
	ok
else
	bad "stdin tampered"; cat out
fi

# rotated: three files in order, one compressed
head -7 a.log >a.log.2
sed -n 8,14p a.log | gzip -c >a.log.1.gz
tail -n +15 a.log >a.log.0
sed -n 8,14p a.log >r.log.mid
verify 0 "20 records, seq 1 to 20" "rotated files in order" \
	a.log.2 a.log.1.gz a.log.0
verify 1 "a.log.0:1: seq 15 after seq 7: 7 record(s) missing" \
	"rotated file left out" a.log.2 a.log.0
verify 1 "a.log.2:1: seq 1 after seq 14" "rotated files out of order" \
	a.log.2 a.log.1.gz a.log.2
# A file that does not begin at seq 1 has an unverifiable head: it fails
# unless anchored by a digest the user trusts, or taken on trust openly.
verify 1 "a.log.1.gz:1: the log starts at seq 8, not at seq 1" \
	"lone rotated file, no anchor" a.log.1.gz
verify 0 "head trusted, not verified: a.log.1.gz:1: the log starts at seq 8" \
	"lone rotated file, --trust-head" --trust-head a.log.1.gz
grep -q "seq 8 to 14: chain intact" out ||
	bad "--trust-head: no count"
d7=$(sed -n 7p a.log | sed 's/.*"chain":"\([0-9a-f]*\)"}$/\1/')
d8=$(sed -n 8p a.log | sed 's/.*"chain":"\([0-9a-f]*\)"}$/\1/')
verify 0 "anchored: seq 8 follows --from 7:$d7" "--from the predecessor" \
	--from "7:$d7" a.log.1.gz
verify 0 "6 records, seq 9 to 14: chain intact" "--from the first record" \
	--from "8:$d8" a.log.1.gz
D7=$(printf %s "$d7" | tr a-f A-F)
verify 0 "7 records, seq 8 to 14" "--from in upper case" --from "7:$D7" \
	a.log.1.gz
verify 1 "a.log.1.gz:1: chain mismatch" "--from a wrong digest" \
	--from "7:$d8" a.log.1.gz
verify 1 "a.log.1.gz:1: seq 8 does not carry the digest --from names" \
	"--from the first record, wrong digest" --from "8:$d7" a.log.1.gz
verify 1 "must start at seq 5 or 6" "--from another seq" --from "5:$d7" \
	a.log.1.gz
sed -n 8p a.log | sed 's/"dest_port":443/"dest_port":1/' >a.edit8
sed -n 9,14p a.log >>a.edit8
verify 1 "a.edit8:1: chain mismatch" "--from the predecessor, first edited" \
	--from "7:$d7" a.edit8
# the command says how to anchor the next file, and that works
verify 0 "to verify what follows: --from 7:$d7" "next anchor printed" a.log.2
next=$(sed -n 's/^to verify what follows: --from //p' "$tmp/out")
verify 0 "seq 8 to 20" "next anchor used" --from "$next" a.log.1.gz a.log.0
for bad in 7 "7:" ":$d7" "0:$d7" "x:$d7" "7:${d7}0" "7:$(printf %s "$d7" | \
	sed 's/./g/')" "-1:$d7"; do
	verify 2 "expected SEQ:DIGEST" "--from '$bad'" --from "$bad" a.log
done
verify 2 "one of --from and --trust-head" "--from and --trust-head" \
	--from "7:$d7" --trust-head a.log.1.gz
verify 0 "seq 1 to 20: chain intact" "--trust-head, log from seq 1" \
	--trust-head a.log
if grep -q "head trusted" "$tmp/out"; then
	bad "--trust-head said so of a log from seq 1"
fi
# a file that begins after a reopen names its predecessor's digest, but
# that is the file's word, not an anchor
sed -n '8,$p' r.log >r.tail
verify 1 "r.tail:1: the log starts at seq 8" "lone file with prev_chain" r.tail
verify 0 "head trusted, not verified" "lone file with prev_chain, trusted" \
	--trust-head r.tail
sed '1s/"dest_port":443/"dest_port":1/' r.tail >r.edit
verify 1 "r.edit:1: chain mismatch" "lone file, first record edited" \
	--trust-head r.edit

# The forged head (keyed): cut the first record, rewrite the next at will.
sed 1d k.log | sed '1s/"verdict":"reject"/"verdict":"accept"/;
	1s#"exe":"/usr/bin/curl"#"exe":"/usr/bin/true"#' >khead.log
cmp -s khead.log k.log && { echo "FAIL: head forgery did nothing"; exit 99; }
grep -q '"seq":2,"verdict":"accept"' khead.log ||
	{ echo "FAIL: head forgery did not rewrite"; exit 99; }
verify 1 "khead.log:1: the log starts at seq 2, not at seq 1" \
	"forged head, keyed" --key key khead.log
k1=$(sed -n 1p k.log | sed 's/.*"chain":"\([0-9a-f]*\)"}$/\1/')
verify 1 "khead.log:1: chain mismatch" "forged head, keyed, anchored" \
	--key key --from "1:$k1" khead.log
sed 1d k.log >kcut.log
verify 0 "seq 2 to 20: chain intact (HMAC-SHA256)" "cut head, anchored" \
	--key key --from "1:$k1" kcut.log

# Several daemons' logs: each begins at its start record, seq 1, and is
# verified on its own; a chain given twice is not two chains.
"$MKLOG" -s -n 10 >d1.log || exit 99
"$MKLOG" -s -n 12 -t 60 >d2.log || exit 99
"$MKLOG" -s -n 10 -k key >kd1.log || exit 99
"$MKLOG" -s -n 12 -t 60 -k key >kd2.log || exit 99
grep -q '"event_type":"start","seq":1' d1.log || { echo "FAIL: mklog -s"; exit 99; }
verify 0 "2 chains, 22 records: chain intact (SHA-256)" "two daemons' logs" \
	d1.log d2.log
grep -q "^d1.log:1: 10 records, seq 1 to 10: intact" out &&
	grep -q "^d2.log:1: 12 records, seq 1 to 12: intact" out ||
	{ bad "chains not listed"; cat out; }
cat d1.log d2.log >d12.log
verify 0 "d12.log:11: 12 records, seq 1 to 12: intact" "two logs in one file" \
	d12.log
gzip -c kd2.log >kd2.log.gz
verify 0 "2 chains, 22 records: chain intact (HMAC-SHA256)" \
	"two keyed logs, one gzip'd" --key key kd1.log kd2.log.gz
verify 1 "d1.log:1: seq 1 after seq 10: a chain begun again" \
	"the same log twice" d1.log d1.log
sed 1d d2.log >d2.cut
verify 1 "d2.cut:1: seq 2 after seq 10" "second log's head cut" d1.log d2.cut
verify 1 "d2.log:1: chain mismatch" "unkeyed log among keyed ones" \
	--key key kd1.log d2.log
verify 1 "d2.cut:1: the log starts at seq 2" "cut head first, then a log" \
	d2.cut d1.log
verify 0 "2 chains, 21 records" "trusted head, then a log" --trust-head \
	d2.cut d1.log
verify 0 "seq 1 to 20" "prev_chain inside a whole log" r.log
sed '8s/"prev_chain":"[0-9a-f]/"prev_chain":"f/' r.log >r.prev
cmp -s r.log r.prev && { echo "FAIL: prev_chain edit did nothing"; exit 99; }
verify 1 "r.prev:8: prev_chain is not the digest" "edited prev_chain" r.prev

# A "lost" record (packets never judged, records never written) is a gap:
# reported, counted, not a break in the chain, not a failure.
lost() { # in out [key]: two lost records, the chain redone
	"$PYTHON3" - "$@" <<'PY'
import hashlib, hmac, re, sys
lines = open(sys.argv[1]).read().splitlines()
key = open(sys.argv[3], "rb").read().rstrip(b"\n") if len(sys.argv) > 3 else None
lines.insert(5, '{"timestamp":"2026-11-28T12:00:00.000005Z",'
             '"event_type":"lost","seq":0,"lost":"queue_dropped",'
             '"count":17,"total":17,"queue":0,"chain":"x"}')
lines.insert(8, '{"timestamp":"2026-11-28T12:00:00.000007Z",'
             '"event_type":"lost","seq":0,"lost":"records",'
             '"count":3,"total":3,"chain":"x"}')
prev, out = "0" * 64, []
for n, line in enumerate(lines, 1):
    body = re.sub(r',"chain":"[0-9a-fx]*"}$', '', line)
    body = re.sub(r'"seq":\d+', '"seq":%d' % n, body, count=1)
    msg = (prev + "\n" + body).encode()
    h = hmac.new(key, msg, "sha256") if key else hashlib.sha256(msg)
    prev = h.hexdigest()
    out.append(body + ',"chain":"%s"}' % prev)
open(sys.argv[2], "w").write("\n".join(out) + "\n")
PY
}
if lost d1.log lost.log && lost kd1.log klost.log key; then
	verify 0 "lost.log:6: gap: 17 packet(s) never judged" "lost record" \
		lost.log
	grep -q "^lost.log:9: gap: 3 record(s) could not be written" out ||
		{ bad "records gap"; cat out; }
	grep -q "12 records, seq 1 to 12, 2 gap(s): 17 packet(s) never judged, 3 record(s) not written" out ||
		{ bad "gap not counted"; cat out; }
	verify 0 "not written: chain intact (HMAC" \
		"lost record, keyed" --key key klost.log
	sed '6s/"count":17/"count":1/' klost.log >klost.edit
	verify 1 "klost.edit:6: chain mismatch" "lost count edited" \
		--key key klost.edit
	verify 0 "lost.log:1: 12 records, seq 1 to 12, 2 gap(s)" \
		"lost record in the first of two logs" lost.log d2.log
else
	bad "could not run $PYTHON3"
fi

# A log long enough to be read in several batches, each parsed and hashed
# on both cores: a break is named at its line wherever it falls (the
# first line of a batch, the second half, across files).
"$MKLOG" -s -n 20000 >big.log || exit 99
verify 0 "20000 records, seq 1 to 20000: chain intact" "long log" big.log
for n in 2 4097 8192 8193 12000 16385 20000; do
	sed "${n}s/\"dest_port\":\([0-9]*\)/\"dest_port\":1\1/" big.log >big.edit
	cmp -s big.log big.edit && { echo "FAIL: edit $n did nothing"; exit 99; }
	verify 1 "big.edit:$n: chain mismatch" "long log, line $n edited" big.edit
done
# only the first break is named, though the batches after it were read
# and hashed ahead; the same through gzip on standard input
sed -e "3000s/\"dest_port\":\([0-9]*\)/\"dest_port\":1\1/" \
	-e "15000s/\"dest_port\":\([0-9]*\)/\"dest_port\":1\1/" \
	big.log >big.two
verify 1 "big.two:3000: chain mismatch" "long log, two edits" big.two
if grep -q ":15000:" "$tmp/err" "$tmp/out"; then
	bad "long log, two edits: the second named too"
else
	ok
fi
gzip -c big.two >big.two.gz
"$NFJUDGE" audit verify - <big.two.gz >"$tmp/out" 2>&1
if [ $? -eq 1 ] && grep -q '^<stdin>:3000: chain mismatch' "$tmp/out" &&
	! grep -q ':15000:' "$tmp/out"; then
	ok
else
	bad "long log, gzip'd on stdin, two edits:"
	cat "$tmp/out"
fi
sed '14000s/"seq":/"seq"::/' big.log >big.bad
verify 1 "big.bad:14000: invalid JSON at column" "long log, bad JSON" big.bad
head -c -1 big.log >big.trunc
verify 1 "big.trunc:20000: truncated last line" "long log, no last newline" \
	big.trunc
sed 12345d big.log >big.cut
verify 1 "big.cut:12345: seq 12346 after seq 12344" "long log, record cut" \
	big.cut
head -9000 big.log >big.1
tail -n +9001 big.log | gzip -c >big.2.gz
verify 0 "seq 1 to 20000: chain intact" "long log, rotated" big.1 big.2.gz
tail -n +9001 big.log | sed "1s/\"dest_port\":\([0-9]*\)/\"dest_port\":1\1/" \
	>big.2.edit
verify 1 "big.2.edit:1: chain mismatch" "long log, rotated, first edited" \
	big.1 big.2.edit
"$MKLOG" -s -n 20000 -k key >kbig.log || exit 99
verify 0 "seq 1 to 20000: chain intact (HMAC-SHA256)" "long log, keyed" \
	--key key kbig.log
sed "10000s/\"dest_port\":\([0-9]*\)/\"dest_port\":1\1/" kbig.log >kbig.edit
verify 1 "kbig.edit:10000: chain mismatch" "long log, keyed, edited" \
	--key key kbig.edit
# the independent check that nfjudge-log(5) prints agrees
sed -n '/^import hashlib/,/^print("intact")/p' "$top_srcdir/man/nfjudge-log.5" |
	sed -e 's/\\-/-/g' -e "s/\\\\(aq/'/g" -e 's/\\e/\\/g' >manpage.py
mancheck() { # want_status description args...
	want=$1 desc=$2
	shift 2
	"$PYTHON3" manpage.py "$@" >/dev/null 2>&1
	got=$?
	if [ "$got" -eq "$want" ]; then ok; else
		bad "man page script: $desc: exit $got, want $want"
	fi
}
[ -s manpage.py ] || bad "no script in the man page"
mancheck 0 "intact" a.log
mancheck 0 "keyed" --key key k.log
mancheck 0 "rotated" a.log.2 r.log.mid a.log.0
mancheck 1 "lone file with prev_chain" r.tail
mancheck 0 "lone file with prev_chain, trusted" --trust-head r.tail
mancheck 0 "two daemons' logs" d1.log d2.log
mancheck 1 "the same log twice" d1.log d1.log
mancheck 1 "forged head, keyed" --key key khead.log
mancheck 1 "edited" edited.log
mancheck 1 "removed" removed.log
mancheck 1 "keyed insertion" --key key kforged.log

verify 2 "" "missing file" nonexistent.log
verify 2 "" "no LOG"
verify 2 "" "missing key file" --key nonexistent a.log
verify 0 "no records" "empty log" /dev/null

"$NFJUDGE" audit nosuchcommand a.log >/dev/null 2>&1
[ $? -eq 2 ] && ok || bad "unknown command"

test_summary
