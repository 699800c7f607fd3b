#!/bin/sh
# The daemon under a flood, in a namespace of the test's own: eight
# clients (tests/floodclient) open connections as fast as they can for
# FLOOD_SECONDS (default 60), TCP and UDP, to the proxy (allowed) and to
# another address (rejected).  Every attempt has exactly one record (by
# protocol, destination and source port), no allowed attempt is refused
# or times out (but one whose accept an error record says was withheld,
# its record being late), no rejected one gets through, the daemon's RSS
# stays flat after the
# first seconds, and the kernel queue's drop counters are reported.
# FLOOD_KEEP_ICMP_LIMITS=1 keeps the kernel's ICMP rate limits (to see them
# suppress the refusals of UDP: the ICMP check then fails).
set -u
live_name=flood
. "$(cd "$(dirname "$0")" && pwd)/livelib.sh"
: "${FLOOD_SECONDS:=60}"
FC=$top_builddir/tests/floodclient
[ -x "$FC" ] || { echo "no $FC: make check builds it"; exit 1; }

nsbg "$FC" serve 10.200.0.1:3128 10.200.0.9:3128
for proto in tcp udp; do
	wait_bound $proto 10.200.0.1:3128 10.200.0.9:3128 || exit 1
done
start_daemon 1 "$tmp/log" -c "$tmp/policy.conf" --install-rules || exit 1
# Source ports come back every few seconds; conntrack must have forgotten
# an answered UDP flow by then, or its next datagram is not queued.
nsx sysctl -qw net.netfilter.nf_conntrack_udp_timeout=2
# A refused datagram is answered by REJECT's ICMP port unreachable, and the
# kernel rate-limits ICMP per namespace (icmp_msgs_per_sec, burst 50): under
# the flood some would be suppressed and their clients time out, which says
# nothing about nfjudge.  No ICMP type is limited in this namespace, and the
# counters below prove that none was.
[ -n "${FLOOD_KEEP_ICMP_LIMITS:-}" ] || nsx sysctl -qw net.ipv4.icmp_ratemask=0

k=0 clients=""
for spec in "tcp 10.200.0.1:3128" "tcp 10.200.0.9:3128" \
	"udp 10.200.0.1:3128" "udp 10.200.0.9:3128"; do
	for _ in 1 2; do
		# shellcheck disable=SC2086
		# Each (protocol, destination) has its own records, so its two
		# clients split 44000 ports: a fast daemon comes back to a port
		# only after seconds, well apart from a resent SYN.
		nsx "$FC" flood $spec "$FLOOD_SECONDS" \
			$((20000 + (k % 2) * 22000)) 22000 >"$tmp/client.$k" &
		clients="$clients $!"
		echo "$spec" >"$tmp/spec.$k"
		k=$((k + 1))
	done
done
t0=$(date +%s)
i=0
while [ $i -lt "$FLOOD_SECONDS" ]; do
	sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$DPID/status" \
		>>"$tmp/rss"
	sleep 1
	i=$((i + 1))
done
# shellcheck disable=SC2086
wait $clients
t1=$(date +%s)
drops=$(nsx cat /proc/net/netfilter/nfnetlink_queue)
icmp_limited=$(nsx awk '/^Icmp:/ { if (!n++) { for (i = 2; i <= NF; i++)
	col[$i] = i; next } print $col["OutRateLimitGlobal"] + \
	$col["OutRateLimitHost"] }' /proc/net/snmp)
kill -TERM "$DPID"
wait "$DPID"
check "daemon exits 0 after the flood" [ $? -eq 0 ]
check "log verifies" "$NFJUDGE" audit verify "$tmp/log"

"$PY" - "$tmp" "$k" >"$tmp/checks.out" 2>&1 <<'PY'
import collections, datetime, json, re, sys
tmp, n = sys.argv[1], int(sys.argv[2])
def want(cond, what):
    print(("ok " if cond else "FAIL ") + what)
# An accept whose record was not written within the commit wait is
# withheld (dropped), and an error record names its verdict record: such
# an attempt may time out, and only such a one.
WITHHELD = re.compile(r"^accept withheld: record not written within 1 s, "
                      r"packet dropped: queue (\d+), packet_id (\d+), "
                      r"seq (\d+)$")
withheld = {}   # seq of the verdict record -> (queue, packet_id)
verdicts = {}   # seq -> record
for line in open(tmp + "/log"):
    r = json.loads(line)
    m = WITHHELD.match(r.get("message", "")) \
        if r["event_type"] == "error" else None
    if m:
        withheld[int(m.group(3))] = (int(m.group(1)), int(m.group(2)))
    elif r["event_type"] == "verdict" and r["verdict"] == "accept":
        verdicts[r["seq"]] = r
excuse = collections.Counter()      # (proto, dest, sport) -> withheld
for seq, (q, pid) in withheld.items():
    r = verdicts.get(seq)
    want(r is not None and (r["queue"], r["packet_id"]) == (q, pid),
         "the withheld packet of seq %d is its accept record's" % seq)
    if r is not None:
        excuse[(r["proto"], r["dest_ip"], r["src_port"])] += 1
excused = 0
attempts = collections.Counter()   # (proto, dest, sport) -> answered tries
outcomes = collections.Counter()
bad_outcome = 0
failed = []
for k in range(n):
    proto, dest = open("%s/spec.%d" % (tmp, k)).read().split()
    ip = dest.split(":")[0]
    allowed = ip == "10.200.0.1"
    for line in open("%s/client.%d" % (tmp, k)):
        res, sport = line.split()
        outcomes[(proto, "allowed" if allowed else "rejected", res)] += 1
        key = (proto.upper(), ip, int(sport))
        if res == "timeout" and excuse[key] > 0:
            excuse[key] -= 1
            excused += 1
            res = "withheld"
        if res in ("connected", "answered", "refused", "withheld"):
            attempts[key] += 1
        ok = res in (("connected", "answered", "withheld") if allowed
                     else ("refused",))
        bad_outcome += not ok
        if not ok:
            failed.append("%s %s %s from port %s" % (proto, dest, res, sport))
# A TCP SYN held over a second is sent again, queued and judged again:
# records of one 5-tuple less than the client's timeout apart are one
# attempt.  Ports come back only after thousands of attempts.
times = collections.defaultdict(list)
verdict_ok = named = total = 0
wrong = []
for line in open(tmp + "/log"):
    r = json.loads(line)
    if r["event_type"] != "verdict":
        continue
    total += 1
    times[(r["proto"], r["dest_ip"], r["src_port"])].append(r["timestamp"])
    good = r["verdict"] == (
        "accept" if r["dest_ip"] == "10.200.0.1" else "reject")
    verdict_ok += good
    if not good and len(wrong) < 5:
        wrong.append("%s %s %s:%s rule %s" % (r["verdict"], r["proto"],
                     r["dest_ip"], r["src_port"], r.get("rule")))
    named += bool(r["proc"]) and r["proc"]["comm"] == "floodclient"
def secs(ts):
    return datetime.datetime.strptime(ts, "%Y-%m-%dT%H:%M:%S.%fZ").timestamp()
records = collections.Counter()
resent = 0
for key, ts in times.items():
    ts = sorted(secs(t) for t in ts)
    n = 1 + sum(b - a > 3 for a, b in zip(ts, ts[1:]))
    records[key] = n
    resent += len(ts) - n
tries = sum(attempts.values())
# The daemon's own counts: errors include accepts it withheld because
# their record was not written within its group-commit wait.
stop = [json.loads(l) for l in open(tmp + "/log")
        if '"event_type":"stop"' in l][-1:]
print("info daemon stop stats: %s" % (stop[0]["stats"] if stop else "none"))
for key in sorted(outcomes):
    print("info %s %s %s: %d" % (key + (outcomes[key],)))
print("info attempts answered: %d, verdict records: %d (%d for a resent "
      "SYN), named: %d" % (tries, total, resent, named))
print("info accepts withheld: %d, timeouts they explain: %d"
      % (len(withheld), excused))
want(tries > 1000, "the flood made more than 1000 attempts (%d)" % tries)
for f in failed[:20]:
    print("info not as expected: %s" % f)
want(bad_outcome == 0, "every allowed attempt got through and every "
     "rejected one was refused (%d did not)" % bad_outcome)
missing = sum(((attempts - records)).values())
extra = sum(((records - attempts)).values())
want(missing == 0, "every attempt has a record (%d have none)" % missing)
want(extra == 0, "no record without an attempt (%d)" % extra)
for w in wrong:
    print("info wrong verdict: %s" % w)
want(verdict_ok == total, "every record has the expected verdict")
want(named == total, "every record names the client (%d of %d)"
     % (named, total))
rss = [int(x) for x in open(tmp + "/rss") if x.strip()]
warm = min(10, len(rss) // 4)
base, peak = rss[warm], max(rss[warm:])
print("info RSS kB: %s" % " ".join(map(str, rss)))
want(peak - base <= max(base // 10, 4096),
     "RSS flat after warm-up: %d kB -> peak %d kB" % (base, peak))
PY
while read -r st what; do
	case $st in
	ok) ok ;;
	info) echo "$what" ;;
	*) bad "$what" ;;
	esac
done <"$tmp/checks.out"
echo "ICMP messages the kernel suppressed by its rate limits: $icmp_limited"
check "no ICMP error was rate-limited away" [ "$icmp_limited" -eq 0 ]
echo "duration: $((t1 - t0)) s (FLOOD_SECONDS=$FLOOD_SECONDS)"
echo "kernel queue (queue portid total mode range queue_dropped" \
	"user_dropped id_seq 1): $drops"
test_summary
