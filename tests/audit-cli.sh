#!/bin/sh
# nfjudge audit search|summary|whatif|suggest|report on fixture logs:
# exact outputs (golden files in tests/audit/), exit codes, bad lines
# named and skipped, gzip and standard input.
set -u
: "${NFJUDGE:=../src/nfjudge}"
: "${top_srcdir:=..}"
: "${top_builddir:=..}"
: "${PYTHON3:=python3}"
A=$top_srcdir/tests/audit
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$top_srcdir/tests/testlib.sh"

# golden description file args...: stdout must equal $A/file, exit 0
golden() {
	desc=$1 file=$2
	shift 2
	expect_status 0 "$desc" "$NFJUDGE" audit "$@"
	if ! cmp -s "$tmp/out" "$A/$file"; then
		bad "$desc: output differs from $file"
		diff "$A/$file" "$tmp/out" | head -20
	fi
}

# Relative names, as they appear in the outputs.
cd "$A" || exit 99
P=procs.jsonl
S=sandbox.jsonl

# --- search ---------------------------------------------------------
golden "search, all as json" search-all.json search "$P" "$S"
cat "$P" "$S" >"$tmp/both"
expect_eq "search json is the records byte for byte" \
	"$(cat "$tmp/out")" "$(cat "$tmp/both")"
golden "search table" search.table search --format table "$P" "$S"
golden "search csv, combined filters" search.csv search --format csv \
	--verdict reject --proto tcp --dest 0.0.0.0/0 "$S"
golden "search by exe glob and user" search-exe.json search \
	--exe '/usr/bin/python*' --user nobody "$P"
golden "search by uid, pid, port range" search-exe.json search \
	--user 65534 --pid 2003 --port 400-500 "$P"
golden "search v6 destination" search-v6.json search \
	--dest 2606:2800::/32 "$S"
golden "search by rule and time" search-time.json search --rule default \
	--since 2026-11-28T12:00:00.006Z --until 2026-11-28T12:00:00.011Z "$S"
expect_status 0 "search, nothing newer than an hour" \
	"$NFJUDGE" audit search --since -1h "$S"
# the fixtures date from 2026-11-28; "-100000d" reaches back before them
expect_status 0 "search since -100000d" \
	"$NFJUDGE" audit search --since -100000d --until -0s "$S"
expect_eq "relative times" "$(wc -l <"$tmp/out")" 10

# gzip, stdin and rotated pieces read as one
gzip -c "$S" >"$tmp/s.gz"
head -4 "$P" >"$tmp/p.1"
tail -n +5 "$P" >"$tmp/p.0"
golden "search gzip, stdin, rotated" search-all.json search \
	"$tmp/p.1" "$tmp/p.0" - <"$tmp/s.gz"

# bad lines are named, skipped, not fatal
{ head -2 "$S"; echo 'not json'; sed -n 3p "$S" | sed 's/"dest_ip":"[^"]*"/"dest_ip":"x"/'
  echo '{"seq":1}'; tail -n +4 "$S"; printf '{"partial'; } >"$tmp/bad.log"
expect_status 0 "search over bad lines" "$NFJUDGE" audit search "$tmp/bad.log"
expect_err "invalid JSON named" "bad.log:3: invalid JSON"
expect_err "bad flow named" "bad.log:4: verdict record with a bad \"src_ip\" or \"dest_ip\""
expect_err "no chain named" "bad.log:5: does not end with the \"chain\" field"
expect_err "cut line named" "bad.log:13: truncated last line"
expect_eq "good records of a damaged log" "$(wc -l <"$tmp/out")" 9
expect_err "skipped lines counted" \
	"nfjudge audit search: 4 of 13 lines skipped: not records"
expect_status 0 "search skips start and stop records" "$NFJUDGE" audit \
	search hostile.jsonl
expect_eq "search: verdict records only" "$(grep -c '"event_type":"verdict"' \
	"$tmp/out") $(wc -l <"$tmp/out")" "6 6"
# a record without ports: empty in csv, the bare address in a table
sed -n 1p "$S" | sed 's/"src_port":[0-9]*/"src_port":null/;
	s/"dest_port":[0-9]*/"dest_port":null/' >"$tmp/noports.log"
expect_status 0 "search, no ports, csv" "$NFJUDGE" audit search \
	--format csv "$tmp/noports.log"
expect_eq "search, no ports, csv row" "$(sed -n 2p "$tmp/out" | cut -d, -f5-9)" \
	"10.200.0.2,,10.200.0.1,,"
expect_status 0 "search, no ports, table" "$NFJUDGE" audit search \
	--format table "$tmp/noports.log"
expect_eq "search, no ports, table row" \
	"$(sed -n 2p "$tmp/out" | tr -s ' ' | cut -d' ' -f6)" "10.200.0.1"
expect_status 2 "search, missing file" "$NFJUDGE" audit search \
	"$tmp/none" "$S"
expect_eq "the other files are still read" "$(wc -l <"$tmp/out")" 10

for o in "--verdict allow" "--port 0-70000" "--port x" "--dest 10.0.0.0/40" \
	"--proto icmp" "--since yesterday" "--until -5y" "--pid -1" \
	"--format xml" "--bogus 1"; do
	# shellcheck disable=SC2086
	expect_status 2 "search $o" "$NFJUDGE" audit search $o "$S"
done
expect_status 2 "search --port 0-70000" "$NFJUDGE" audit search \
	--port 0-70000 "$S"
expect_err "bad value explained" \
	"--port '0-70000': expected a port N or range N-M (0..65535)"
expect_status 2 "search without LOG" "$NFJUDGE" audit search --verdict drop
expect_status 0 "search --help" "$NFJUDGE" audit search --help

# --- summary --------------------------------------------------------
golden "summary by verdict" summary.table summary "$P" "$S"
golden "summary by rule and exe" summary-rule-exe.table summary \
	--by rule --by exe "$P" "$S"
golden "summary json by exe and dest" summary-exe-dest.json summary \
	--by exe --by dest --format json "$P" "$S"
golden "summary csv by hour and user" summary-hour-user.csv summary \
	--by hour --by user --format csv "$P" "$S"
golden "summary gzip on stdin" summary.table summary "$P" - <"$tmp/s.gz"
expect_status 0 "summary over bad lines" "$NFJUDGE" audit summary \
	--format csv "$tmp/bad.log"
expect_err "bad line named by summary" "bad.log:3: invalid JSON"
expect_eq "csv rows end in CRLF" "$(grep -c "$(printf '\r')\$" "$tmp/out")" 4
expect_eq "summary counts only records" "$(tr -d '\r' <"$tmp/out")" \
"verdict,count,first_seen,last_seen
reject,6,2026-11-28T12:00:00.003000Z,2026-11-28T12:00:00.014000Z
accept,2,2026-11-28T12:00:00.000000Z,2026-11-28T12:00:00.007000Z
drop,1,2026-11-28T12:00:00.016000Z,2026-11-28T12:00:00.016000Z"
# lost records (packets never judged, records never written) are gaps:
# counted apart from the verdicts, and shown by summary and report
"$PYTHON3" - "$S" "$tmp/gaps.log" <<'PY' || bad "could not make gaps.log"
import hashlib, re, sys
lines = open(sys.argv[1]).read().splitlines()
lines.insert(2, '{"timestamp":"2026-11-28T12:00:00.004000Z","event_type":'
             '"lost","seq":0,"lost":"queue_dropped","count":29000,'
             '"total":29000,"queue":0,"chain":"x"}')
lines.insert(5, '{"timestamp":"2026-11-28T12:00:00.009000Z","event_type":'
             '"lost","seq":0,"lost":"records","count":4,"total":4,'
             '"chain":"x"}')
prev, out = "0" * 64, []
for n, line in enumerate(lines, 1):
    body = re.sub(r',"chain":"[0-9a-fx]*"}$', '', line)
    body = re.sub(r'"seq":\d+', '"seq":%d' % n, body, count=1)
    prev = hashlib.sha256((prev + "\n" + body).encode()).hexdigest()
    out.append(body + ',"chain":"%s"}' % prev)
open(sys.argv[2], "w").write("\n".join(out) + "\n")
PY
expect_status 0 "summary with gaps" "$NFJUDGE" audit summary "$tmp/gaps.log"
expect_eq "summary: verdicts as before, then the gaps" "$(cat "$tmp/out")" \
"$(cat "$A/summary-sandbox.table")

gaps: 29000 packet(s) never judged, 4 record(s) not written, in 2 lost record(s) from 2026-11-28T12:00:00.004000Z to 2026-11-28T12:00:00.009000Z"
expect_status 0 "summary json with gaps" "$NFJUDGE" audit summary \
	--format json "$tmp/gaps.log"
expect_eq "summary json: gaps last" "$(tail -1 "$tmp/out")" \
'{"gaps":2,"lost_packets":29000,"lost_records":4,"first_seen":"2026-11-28T12:00:00.004000Z","last_seen":"2026-11-28T12:00:00.009000Z"}'
expect_status 0 "summary csv with gaps" "$NFJUDGE" audit summary \
	--format csv "$tmp/gaps.log"
expect_err "summary csv: gaps on stderr" \
	"nfjudge audit summary: gaps: 29000 packet(s) never judged, 4 record(s)"
expect_eq "summary csv: rows only" "$(grep -c gaps "$tmp/out")" 0
expect_status 0 "report with gaps" "$NFJUDGE" audit report \
	-o "$tmp/g.html" "$tmp/gaps.log"
grep -q 'seq 1 to 12. <span class="bad">2 gap(s): 29000 packet(s) never judged, 4 record(s) not written.</span>' \
	"$tmp/g.html" && ok || bad "report: gaps not shown"
expect_status 0 "search skips lost records" "$NFJUDGE" audit search \
	"$tmp/gaps.log"
expect_eq "search: verdicts only" "$(grep -c '"event_type":"verdict"' \
	"$tmp/out") $(wc -l <"$tmp/out")" "10 10"
expect_status 2 "summary --by host" "$NFJUDGE" audit summary --by host "$S"
expect_err "summary --by explained" "--by 'host': expected verdict"
expect_status 2 "summary --format xml" "$NFJUDGE" audit summary \
	--format xml "$S"
expect_status 2 "summary missing file" "$NFJUDGE" audit summary "$tmp/none"
expect_status 0 "summary of nothing" "$NFJUDGE" audit summary /dev/null
expect_eq "summary of nothing: the heads" "$(cat "$tmp/out")" \
	"VERDICT  COUNT  FIRST SEEN  LAST SEEN"

# --- whatif ---------------------------------------------------------
# The policy that wrote a log changes nothing in it.
expect_status 0 "whatif, the same policy" "$NFJUDGE" audit whatif \
	-c sandbox.conf --fail-on-change "$S"
expect_eq "whatif, the same policy: totals" "$(tail -1 "$tmp/out")" \
	"10 records, 0 changed"
expect_status 0 "whatif, the same policy with processes" "$NFJUDGE" \
	audit whatif -c procs.conf --fail-on-change "$P"
expect_eq "whatif, processes: totals" "$(tail -1 "$tmp/out")" \
	"10 records, 0 changed"
# Every replay golden written under sandbox.conf agrees with it too.
R=$top_srcdir/tests/replay
for c in sandbox vlan sll sll2 raw ipv6-ext udp-timing hostile multi \
	tcp-flags; do
	expect_status 0 "whatif replay/$c.out" "$NFJUDGE" audit whatif \
		-c sandbox.conf --fail-on-change --format json "$R/$c.out"
	expect_eq "whatif replay/$c.out unchanged" \
		"$(grep -c '"changed":0,' "$tmp/out")" 1
done
# ... and those under fence.conf: every protocol, both directions.
for c in protocols inbound; do
	expect_status 0 "whatif replay/$c.out" "$NFJUDGE" audit whatif \
		-c "$R/fence.conf" --fail-on-change --format json "$R/$c.out"
	expect_eq "whatif replay/$c.out unchanged" \
		"$(grep -c '"changed":0,' "$tmp/out")" 1
done
golden "whatif table" whatif.table whatif -c sandbox.conf "$P"
golden "whatif json" whatif.json whatif -c sandbox.conf --format json "$P"
expect_status 1 "whatif --fail-on-change" "$NFJUDGE" audit whatif \
	-c sandbox.conf --format csv --fail-on-change "$P"
expect_eq "whatif csv" "$(cat "$tmp/out")" "$(cat whatif.csv)"
expect_err "whatif csv totals on stderr" "drop -> reject: 2"
golden "whatif, embedded policy" whatif-embedded.table whatif \
	--proxy 10.200.0.1:3128 "$S"
expect_status 0 "whatif over bad lines" "$NFJUDGE" audit whatif \
	-c sandbox.conf "$tmp/bad.log"
expect_err "bad line named by whatif" "bad.log:4: verdict record with"
expect_eq "whatif over bad lines: totals" "$(tail -1 "$tmp/out")" \
	"9 records, 0 changed"
printf 'accept everything\n' >"$tmp/bad.conf"
expect_status 2 "whatif, bad policy" "$NFJUDGE" audit whatif \
	-c "$tmp/bad.conf" "$S"
expect_err "whatif, bad policy named" "bad.conf:1:"
expect_status 2 "whatif, no such policy" "$NFJUDGE" audit whatif \
	-c "$tmp/none.conf" "$S"
expect_status 2 "whatif --format xml" "$NFJUDGE" audit whatif \
	-c sandbox.conf --format xml "$S"

# --- suggest --------------------------------------------------------
H=hostile.jsonl
golden "suggest" suggest.conf suggest "$P" "$S"
# What it suggests is policy, and accepts every refused flow of the log.
{ cat "$A/suggest.conf"; echo 'set default reject'; } >"$tmp/sug.conf"
expect_status 0 "suggest: policy check" "$NFJUDGE" policy check "$tmp/sug.conf"
expect_status 0 "suggest: whatif" "$NFJUDGE" audit whatif \
	-c "$tmp/sug.conf" --format json "$P" "$S"
expect_eq "suggest: every refused flow accepted" "$(tail -1 "$tmp/out")" \
	'{"records":20,"changed":19,"transitions":{"accept -> reject":4,"reject -> accept":12,"drop -> accept":3}}'
# ... and placed before the policy that wrote the log, accepts them all.
{ cat "$A/suggest.conf"; cat sandbox.conf; } >"$tmp/sug2.conf"
expect_status 0 "suggest + sandbox.conf" "$NFJUDGE" audit whatif \
	-c "$tmp/sug2.conf" "$S"
expect_eq "suggest + sandbox.conf: totals" "$(tail -3 "$tmp/out")" \
"10 records, 8 changed
reject -> accept: 7
drop -> accept: 1"
# Hostile executables: glob characters and quotes escaped, exact; what
# cannot be spelled exactly gets no rule.
golden "suggest, hostile names" suggest-hostile.conf suggest "$H"
{ cat "$A/suggest-hostile.conf"; echo 'set default reject'; } >"$tmp/h.conf"
expect_status 0 "suggest, hostile: policy check" "$NFJUDGE" policy check \
	"$tmp/h.conf"
sed -n 2p "$H" | sed 's|\*\[a\]?|YaY|' >"$tmp/glob.log"
grep -q 'YaY' "$tmp/glob.log" || bad "glob.log not made"
expect_status 0 "suggest, hostile: whatif" "$NFJUDGE" audit whatif \
	-c "$tmp/h.conf" --format json "$H" "$tmp/glob.log"
expect_eq "suggest, hostile: exact executables only" \
	"$(tail -1 "$tmp/out")" \
	'{"records":7,"changed":5,"transitions":{"accept -> reject":1,"reject -> accept":3,"drop -> reject":1}}'
expect_status 0 "suggest, nothing refused" "$NFJUDGE" audit suggest \
	"$top_srcdir/tests/replay/fail-on-any-clean.out"
expect_eq "suggest, nothing refused: says so" "$(cat "$tmp/out")" \
	"# nothing was rejected or dropped"
expect_status 2 "suggest, bad option" "$NFJUDGE" audit suggest -x "$S"
expect_status 2 "suggest, no LOG" "$NFJUDGE" audit suggest

# --- report ---------------------------------------------------------
# Tags a report may hold; anything else came from a log.
tags() {
	"$PYTHON3" -c '
import html.parser, sys
class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(); self.seen = set()
    def handle_starttag(self, tag, attrs):
        self.seen.add(tag)
        for k, v in attrs:
            if k.startswith("on") or k in ("src", "href"):
                self.seen.add("attr:" + k)
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read())
print(" ".join(sorted(p.seen)))' "$1"
}
ALLOWED="b body br g h1 h2 head html meta p rect span style svg table td text th title tr"
golden "report of a log" report-sandbox.html report -o - "$S"
expect_status 0 "report, hostile names" "$NFJUDGE" audit report \
	-o "$tmp/h.html" "$H"
expect_eq "report: no markup from the log" "$(tags "$tmp/h.html")" "$ALLOWED"
grep -q '/tmp/&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;' \
	"$tmp/h.html" && ok || bad "report: hostile exe not shown escaped"
grep -q '&lt;img src=x onerror=alert(3)&gt;' "$tmp/h.html" && ok ||
	bad "report: hostile rule not shown escaped"
grep -q '/tmp/evil\\u000aexe\\u001b\[2J' "$tmp/h.html" && ok ||
	bad "report: control characters not shown as escapes"
expect_eq "report: no control characters but newlines" \
	"$(tr -d '\n' <"$tmp/h.html" | tr -d '[:print:]\200-\377' | wc -c)" 0
grep -q 'class="ok"><b>Intact</b> (SHA-256): 8 records' "$tmp/h.html" &&
	ok || bad "report: intact chain not said"
if grep -Eq 'url\(|@import|<link|https?://[^"]*"' "$tmp/h.html" &&
	! grep -Eq 'http://www.w3.org/2000/svg' "$tmp/h.html"; then
	bad "report fetches something"
else ok; fi
# two logs, each from its seq 1: two chains, shown one by one
expect_status 0 "report, two logs" "$NFJUDGE" audit report \
	-o "$tmp/2.html" "$H" "$P"
grep -q 'Intact</b> (SHA-256): 2 chains, one per log' "$tmp/2.html" &&
	grep -q '<li><span class="mono">hostile.jsonl:1</span>: 8 records' \
		"$tmp/2.html" &&
	grep -q '<li><span class="mono">procs.jsonl:1</span>: 10 records' \
		"$tmp/2.html" && ok || bad "report: two chains not shown"
sed '3s/"dest_port":\([0-9]*\)/"dest_port":1\1/' "$P" >"$tmp/p.edit"
cmp -s "$P" "$tmp/p.edit" && bad "report: edit did nothing"
expect_status 0 "report, tampered" "$NFJUDGE" audit report \
	-o "$tmp/t.html" "$H" "$tmp/p.edit"
grep -q "First bad line: <span class=\"mono\">$tmp/p.edit:3: chain mismatch" \
	"$tmp/t.html" && ok || bad "report: first bad line not named"
# the other daemon's chain is verified on its own, and said intact
grep -q '<b>1 of 2 chains tampered, damaged or not anchored</b>' \
	"$tmp/t.html" && ok || bad "report: broken chains not counted"
grep -q '<li><span class="mono">hostile.jsonl:1</span>: 8 records, seq 1 to 8.</li>' \
	"$tmp/t.html" && ok || bad "report: intact chain beside a broken one"
grep -q '<li class="bad"><span class="mono">'"$tmp"'/p.edit:1</span>: 2 records, seq 1 to 2\. .*(7 record(s) not verified)' \
	"$tmp/t.html" && ok || bad "report: broken chain's extent not said"
# and a third log after the tampered one: verified again from its seq 1
expect_status 0 "report, tampered log between two" "$NFJUDGE" audit report \
	-o "$tmp/t3.html" "$H" "$tmp/p.edit" "$S"
grep -q 'data-chains="3" data-broken="1"' "$tmp/t3.html" &&
	grep -q '<li><span class="mono">sandbox.jsonl:1</span>: 10 records' \
		"$tmp/t3.html" && ok || bad "report: chain after a broken one"
expect_status 0 "report over bad lines" "$NFJUDGE" audit report \
	-o "$tmp/b.html" "$tmp/bad.log"
expect_err "report names the bad line" "bad.log:3: invalid JSON"
grep -q "First bad line: <span class=\"mono\">$tmp/bad.log:3: invalid JSON" \
	"$tmp/b.html" && ok || bad "report: bad line not shown as a break"
expect_status 0 "report --limit, gzip on stdin" "$NFJUDGE" audit report \
	--limit 2 -o "$tmp/l.html" - <"$tmp/s.gz"
grep -q '<p>The first 2 of 8 ' "$tmp/l.html" && ok ||
	bad "report: the cap is not said"
expect_eq "report --limit: rows" "$(grep -c '^<tr><td>' "$tmp/l.html")" 2
expect_status 2 "report without -o" "$NFJUDGE" audit report "$S"
expect_status 2 "report --limit x" "$NFJUDGE" audit report --limit x \
	-o "$tmp/x.html" "$S"
expect_status 1 "report, unwritable" "$NFJUDGE" audit report \
	-o "$tmp/no/such/dir.html" "$S"
expect_status 2 "report, missing log" "$NFJUDGE" audit report \
	-o "$tmp/m.html" "$tmp/none"
MKLOG=$top_builddir/tests/mklog
printf 'k\n' >"$tmp/key"
"$MKLOG" -n 5 -k "$tmp/key" >"$tmp/k.log"
# The timeline's bucket follows the span of the logs: two daemons' logs
# (two chains) 2 hours, 5 days and 200 days apart.
"$MKLOG" -s -n 5 >"$tmp/d0.log"
for span in 7200:3600000000:'an hour' 432000:86400000000:'a day' \
	17280000:259200000000:'every 3 days'; do
	"$MKLOG" -s -n 5 -t "${span%%:*}" >"$tmp/d1.log"
	us=${span#*:}
	expect_status 0 "report over ${span%%:*} s" "$NFJUDGE" audit report \
		-o "$tmp/d.html" "$tmp/d0.log" "$tmp/d1.log"
	grep -q "id=\"timeline\" data-bucket-us=\"${us%%:*}\">Verdicts ${us#*:} (UTC)" \
		"$tmp/d.html" && grep -q 'data-chains="2" data-broken="0"' \
		"$tmp/d.html" && ok || bad "report over ${span%%:*} s: bucket or chains"
done
grep -q 'Verdicts a minute (UTC)' "$A/report-sandbox.html" && ok ||
	bad "report: a log of seconds in minutes"
expect_status 0 "report, keyed" "$NFJUDGE" audit report --key "$tmp/key" \
	-o "$tmp/k.html" "$tmp/k.log"
grep -q 'Intact</b> (HMAC-SHA256): 5 records' "$tmp/k.html" && ok ||
	bad "report: keyed chain"

# A log read in several batches, parsed on both cores: the same records,
# in order, and bad lines named at their line numbers.
"$MKLOG" -s -v -n 20000 >"$tmp/long.log"
sed -i '9000s/.*/not json/; 16500s/"ip_version":4/"ip_version":5/' "$tmp/long.log"
expect_status 0 "search, long log" "$NFJUDGE" audit search --verdict reject \
	"$tmp/long.log"
expect_eq "search, long log: the records, in order" "$(md5sum <"$tmp/out")" \
	"$(grep '"verdict":"reject"' "$tmp/long.log" |
		grep -v '"ip_version":5' | md5sum)"
expect_err "long log: bad line named" "long.log:9000: invalid JSON"
expect_err "long log: bad record named" \
	"long.log:16500: verdict record without \"proto\" or \"ip_version\""
expect_status 0 "summary, long log" "$NFJUDGE" audit summary --format csv \
	"$tmp/long.log"
expect_eq "summary, long log: counts" "$(grep -c '^accept,' "$tmp/out")" 1
expect_eq "summary, long log: all counted" \
	"$(tr -d '\r' <"$tmp/out" | awk -F, 'NR > 1 { n += $2 } END { print n }')" \
	"$(grep -c '"event_type":"verdict"' "$tmp/long.log" | awk '{ print $1 - 1 }')"
test_summary
