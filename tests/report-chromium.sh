#!/bin/sh
# The page of 'nfjudge audit report' in a browser: headless Chromium
# renders it without a console message (a script, a style or anything
# fetched against the page's Content-Security-Policy would say so), and
# the numbers it shows are those of 'audit summary' and 'audit verify'
# over the same logs, two daemons' logs with one tampered between them.
set -u
: "${NFJUDGE:=../src/nfjudge}"
: "${top_srcdir:=..}"
: "${top_builddir:=..}"
: "${PYTHON3:=python3}"
MKLOG=$top_builddir/tests/mklog
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$top_srcdir/tests/testlib.sh"

CHROMIUM=
for c in chromium chromium-browser; do
	command -v "$c" >/dev/null 2>&1 && CHROMIUM=$c && break
done
if [ -z "$CHROMIUM" ]; then
	echo "SKIP: chromium not installed (scripts/deps installs it)"
	exit 77
fi

# page: the DOM as rendered into $1.dom, the browser's log into $1.log
render() {
	timeout 120 "$CHROMIUM" --headless=new --no-sandbox --disable-gpu \
		--user-data-dir="$tmp/profile" --enable-logging=stderr --v=0 \
		--dump-dom "file://$1" >"$1.dom" 2>"$1.log"
}

# That a console message is seen at all: a page with one.
printf '<html><body><script>console.error("seen")</script></body></html>' \
	>"$tmp/probe.html"
render "$tmp/probe.html"
grep -q ':CONSOLE.*"seen"' "$tmp/probe.html.log" && ok ||
	bad "the browser's console messages are not seen"

"$MKLOG" -s -v -n 3000 >"$tmp/a.log"
"$MKLOG" -s -v -n 500 -t 5400 >"$tmp/b.log"
sed '7s/"dest_port":\([0-9]*\)/"dest_port":1\1/' "$tmp/b.log" >"$tmp/b.edit"
"$MKLOG" -s -v -n 1000 -t 7200 >"$tmp/c.log"
set -- "$tmp/a.log" "$tmp/b.edit" "$tmp/c.log"
expect_status 0 "report" "$NFJUDGE" audit report -o "$tmp/r.html" "$@"
render "$tmp/r.html" && ok || bad "chromium failed on the report"
if grep ':CONSOLE' "$tmp/r.html.log"; then
	bad "console messages on the report's page"
else ok; fi

# What the page shows, read from the rendered DOM.
"$PYTHON3" -c '
import html.parser, sys
class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(); self.at = None; self.v = {}; self.tags = 0
    def handle_starttag(self, tag, attrs):
        self.tags += 1
        a = dict(attrs)
        if a.get("id") == "chains":
            self.v["chains"] = a["data-chains"]
            self.v["broken"] = a["data-broken"]
        if a.get("id") == "timeline":
            self.v["bucket"] = a["data-bucket-us"]
        self.at = a.get("id")
    def handle_data(self, d):
        if self.at in ("records", "n-accept", "n-reject", "n-drop"):
            self.v[self.at] = d.strip()
        self.at = None
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read())
for k in ("records", "n-accept", "n-reject", "n-drop", "chains", "broken",
          "bucket"):
    print(k, p.v.get(k, "?"))
print("elements", "many" if p.tags > 100 else p.tags)
' "$tmp/r.html.dom" >"$tmp/page"

# The same from the other commands: verdict counts from summary, over the
# records the report verified (the tampered log's from its start to its
# bad line and after, summary reads them all the same).
"$NFJUDGE" audit summary --by verdict --format json "$@" >"$tmp/sum"
n() { sed -n "s/.*\"verdict\":\"$1\",\"count\":\([0-9]*\).*/\1/p" "$tmp/sum"; }
all=$(($(wc -l <"$tmp/a.log") + $(wc -l <"$tmp/b.edit") + \
	$(wc -l <"$tmp/c.log")))
# each chain on its own, as verify sees each log
chains=0 broken=0
for f in "$@"; do
	chains=$((chains + 1))
	"$NFJUDGE" audit verify "$f" >/dev/null 2>&1 || broken=$((broken + 1))
done
expect_eq "the page's numbers" "$(cat "$tmp/page")" "records $all
n-accept $(n accept)
n-reject $(n reject)
n-drop $(n drop)
chains $chains
broken $broken
bucket 3600000000
elements many"
expect_eq "one tampered log" "$broken" 1
grep -q "$tmp/b.edit:7: chain mismatch" "$tmp/r.html.dom" && ok ||
	bad "the page does not name the first bad line"
test_summary
