#!/bin/sh
# nfjudge doctor against real namespaces, each set up to have one hole:
# a process keeping CAP_NET_RAW (with an AF_PACKET socket open, so the
# hole is real) or CAP_NET_ADMIN, ping_group_range, ip_forward, the chain
# missing, altered, without REJECT or behind another rule, fail-open
# rules, the IPv6 chain missing, the queue not bound.  Each is found (exit
# 1, a line naming it); a clean namespace (rules installed, the daemon
# running, no capable process) gives exit 0, from inside and with --netns
# from outside.
set -u
live_name=doctor
. "$(cd "$(dirname "$0")" && pwd)/livelib.sh"

# A directory the unprivileged helper can write its ready file to.
mkdir "$tmp/w" && chmod 1777 "$tmp/w"

# doctor in the namespace: its status must be want, its output hold text.
doc() { # want text options...
	want=$1 text=$2
	shift 2
	expect_status "$want" "doctor $* ($text)" nsx "$NFJUDGE" doctor "$@"
	if grep -qF -e "$text" "$tmp/out"; then ok; else
		bad "doctor $*: no line with '$text'"
		cat "$tmp/out"
	fi
}

# Wait (up to 10 s) for a file the helper writes once it is set up.
wait_file() {
	i=0
	while [ ! -s "$1" ]; do
		i=$((i + 1))
		[ $i -gt 100 ] && return 1
		sleep 0.1
	done
}

daemon() { # log rules options...
	l=$1
	shift
	start_daemon 1 "$l" -c "$tmp/policy.conf" --install-rules "$@"
}

stop_daemon() {
	kill -TERM "$DPID"
	wait "$DPID" 2>/dev/null
}

# --- usage -----------------------------------------------------------
expect_status 2 "unknown option" "$NFJUDGE" doctor --bogus
expect_status 2 "stray argument" "$NFJUDGE" doctor extra
expect_status 2 "bad queue" "$NFJUDGE" doctor -q 9:1
expect_status 2 "--netns of a missing file" "$NFJUDGE" doctor --netns "$tmp/nope"
expect_err "--netns of a missing file" "$tmp/nope"
expect_status 2 "--netns of a file that is no namespace" \
	"$NFJUDGE" doctor --netns "$tmp/policy.conf"
expect_err "--netns of a file that is no namespace" "not a network namespace"
expect_status 0 "--help" "$NFJUDGE" doctor --help
expect_status 2 "bad --nflog-group" "$NFJUDGE" doctor --nflog-group x

# --- a clean namespace -----------------------------------------------
daemon "$tmp/log"
doc 0 "no hole found"
check "clean: the queue's reader is nfjudge" sh -c "! grep -q 'is read by' '$tmp/out'"
# A stats record is written after whatever the start wrote: no alert.
kill -USR1 "$DPID"
check "clean: a stats record" wait_events stats 1 "$tmp/log"
expect_eq "clean: the daemon recorded no hole at start" \
	"$(count_events alert "$tmp/log")" 0
expect_status 0 "clean, from outside with --netns" \
	"$NFJUDGE" doctor --netns "/run/netns/$NS"
if grep -qx "no hole found" "$tmp/out"; then ok; else
	bad "clean, from outside: no hole"
	cat "$tmp/out"
fi
check "the daemon is named, as expected" grep -q "^info: pid $DPID (nfjudge)" "$tmp/out"

# Unprivileged ping sockets with the chain in place: information only.
nsx sysctl -qw net.ipv4.ping_group_range="0 2147483647"
doc 0 "info: net.ipv4.ping_group_range is '0 2147483647'"

# --- processes with capabilities --------------------------------------
# The rules tool nfjudge runs holds its capabilities while it runs (the
# daemon lists its chain every few seconds): not a hole.  This one waits
# for the test before it does its work.
mkdir "$tmp/bin"
real=$(command -v iptables-restore)
# One process, as the real tool is (a sleep(1) of its own would be another
# capable process).
cat >"$tmp/bin/iptables-restore" <<TOOL
#!$PY
import os, sys, time
open("$tmp/w/tool", "w").write(str(os.getpid()))
end = time.monotonic() + 30
while not os.path.exists("$tmp/w/tool.go") and time.monotonic() < end:
    time.sleep(0.1)
os.execv("$real", ["$real"] + sys.argv[1:])
TOOL
chmod 755 "$tmp/bin/iptables-restore"
nsbg env PATH="$tmp/bin:$PATH" "$NFJUDGE" rules install
check "the slow rules tool started" wait_file "$tmp/w/tool"
doc 0 "info: pid $(cat "$tmp/w/tool") (iptables-restor) holds capabilities and is a child of nfjudge (pid $last_pid)"
: >"$tmp/w/tool.go"
wait "$last_pid"
check "the slow rules tool: the rules are installed" [ $? -eq 0 ]

# An unprivileged user keeping CAP_NET_RAW (ambient), with a live
# AF_PACKET socket: what bypasses netfilter.
nsbg setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=+net_raw \
	--ambient-caps=+net_raw "$PY" -c "
import socket, sys, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
open(sys.argv[1], 'w').write('ok')
time.sleep(60)" "$tmp/w/raw"
RAW=$last_pid
check "the CAP_NET_RAW helper opened an AF_PACKET socket" wait_file "$tmp/w/raw"
doc 1 "hole: pid $RAW (python3, uid 65534) holds CAP_NET_RAW (sets: effective permitted ambient)"
expect_status 1 "CAP_NET_RAW, from outside" "$NFJUDGE" doctor --netns "/run/netns/$NS"
check "CAP_NET_RAW, from outside: named" grep -q "pid $RAW (python3" "$tmp/out"
kill -KILL "$RAW"
wait "$RAW" 2>/dev/null

# Capabilities are per thread: a root process whose first thread dropped
# every capability (capset(2) acts on the calling thread only) while
# another thread keeps them.
nsbg "$PY" -c "
import ctypes, sys, threading, time
libc = ctypes.CDLL(None, use_errno=True)
up = threading.Event()
t = threading.Thread(target=lambda: (up.set(), time.sleep(60)), daemon=True)
t.start()
up.wait()
hdr = (ctypes.c_uint32 * 2)(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3
if libc.capset(hdr, (ctypes.c_uint32 * 6)()) != 0:
    sys.exit('capset failed')
open(sys.argv[1], 'w').write(str(t.native_id))
time.sleep(60)" "$tmp/w/thread"
check "the thread helper dropped its first thread's capabilities" \
	wait_file "$tmp/w/thread"
TID=$(cat "$tmp/w/thread")
check "the first thread holds nothing" \
	grep -qx 'CapEff:[[:space:]]*0000000000000000' "/proc/$last_pid/status"
doc 1 "hole: pid $last_pid thread $TID (python3, uid 0) holds CAP_NET_RAW, CAP_NET_ADMIN, CAP_SYS_ADMIN"
kill -KILL "$last_pid"
wait "$last_pid" 2>/dev/null

# A user without capabilities, who could gain them by exec unless
# no_new_privs is set: information, not a hole.
nsbg setpriv --reuid=65534 --regid=65534 --clear-groups sh -c \
	'echo ok >"$1"; exec sleep 60' sh "$tmp/w/user"
check "the unprivileged helper started" wait_file "$tmp/w/user"
doc 0 "info: 1 process(es) (pid $last_pid first) could gain CAP_NET_RAW"
kill -KILL "$last_pid"
wait "$last_pid" 2>/dev/null
nsbg setpriv --reuid=65534 --regid=65534 --clear-groups --no-new-privs sh -c \
	'echo ok >"$1"; exec sleep 60' sh "$tmp/w/nnp"
check "the no_new_privs helper started" wait_file "$tmp/w/nnp"
doc 0 "no hole found"
check "no_new_privs: cannot gain" sh -c "! grep -q 'could gain' '$tmp/out'"
kill -KILL "$last_pid"
wait "$last_pid" 2>/dev/null

# Capabilities in a child user namespace (unshare -r) do not reach the
# namespace's sockets or rules, which the initial user namespace owns.
# (Made by another user than the daemon's, which is a hole of its own.)
# Only where the kernel lets an unprivileged user make one.
if setpriv --reuid=65534 --regid=65534 --clear-groups unshare -U -r true \
	2>/dev/null; then
	nsbg setpriv --reuid=65534 --regid=65534 --clear-groups unshare -U -r \
		sh -c 'echo ok >"$1"; exec sleep 60' sh "$tmp/w/userns"
	check "the user namespace helper started" wait_file "$tmp/w/userns"
	check "the user namespace helper holds capabilities there" \
		sh -c "! grep -qx 'CapEff:[[:space:]]*0*' /proc/$last_pid/status"
	doc 0 "info: pid $last_pid (sleep) holds capabilities only in a user namespace"
	kill -KILL "$last_pid"
	wait "$last_pid" 2>/dev/null
else
	echo "note: no unprivileged user namespaces here, that case is not run"
fi

# Root without any capability still shares the daemon's uid: it can
# signal it and write what root owns.
nsbg setpriv --bounding-set=-all sh -c 'echo ok >"$1"; exec sleep 60' sh \
	"$tmp/w/uid0"
check "the capability-less root helper started" wait_file "$tmp/w/uid0"
doc 1 "hole: pid $last_pid (sleep) runs as uid 0, as nfjudge (pid $DPID) does"
check "capability-less root: no capability to report" \
	sh -c "! grep -q 'pid $last_pid (sleep, uid 0) holds' '$tmp/out'"
kill -KILL "$last_pid"
wait "$last_pid" 2>/dev/null

# A root shell: CAP_NET_ADMIN, it could remove the rules.
nsbg sh -c 'echo ok >"$1"; exec sleep 60' sh "$tmp/w/root"
check "the root helper started" wait_file "$tmp/w/root"
doc 1 "CAP_NET_ADMIN"
check "CAP_NET_ADMIN: says it can change the rules" \
	grep -q "it can change or remove the rules" "$tmp/out"
kill -KILL "$last_pid"
wait "$last_pid" 2>/dev/null
doc 0 "no hole found"

# --- sysctls ------------------------------------------------------------
nsx sysctl -qw net.ipv4.ip_forward=1
doc 1 "hole: net.ipv4.ip_forward is 1"
nsx sysctl -qw net.ipv4.ip_forward=0

# --- the chain, while the daemon runs -----------------------------------
# A daemon that installed the rules puts an altered chain back within
# seconds (redteam-live.sh shows it); this one did not install them, so
# what is done to the chain stays for doctor to see.
stop_daemon
nsx "$NFJUDGE" rules install
start_daemon 2 "$tmp/log" -c "$tmp/policy.conf"
nsx iptables -w -I NFJUDGE 3 -j ACCEPT
doc 1 "IPv4 chain NFJUDGE is altered: rule 3 is '-A NFJUDGE -j ACCEPT'"
nsx iptables -w -D NFJUDGE 3
nsx iptables -w -S NFJUDGE | grep -e ' -j REJECT' | sed 's/^-A //' |
	while read -r rule; do
		# shellcheck disable=SC2086
		nsx iptables -w -D $rule
	done
doc 1 "IPv4 chain NFJUDGE has no REJECT rule"
nsx "$NFJUDGE" rules install
nsx iptables -w -I OUTPUT 1 -o lo -j ACCEPT
doc 1 "the first rule of OUTPUT is '-A OUTPUT -o lo -j ACCEPT'"
nsx iptables -w -D OUTPUT 1
doc 0 "no hole found"
stop_daemon

# --- no daemon: the queue has no reader, then no chain at all -----------
nsx "$NFJUDGE" rules install
doc 1 "hole: queue 0 has no reader"
# Whoever reads the queue decides: a reader that is not nfjudge is a hole.
nsbg "$top_builddir/tests/nfq-verdict" 0 accept 0x100000/0x100000 \
	>"$tmp/reader.out"
check "the other queue reader is bound" wait_file "$tmp/reader.out"
doc 1 "hole: queue 0 is read by pid $last_pid (nfq-verdict), which is not nfjudge"
kill -KILL "$last_pid"
wait "$last_pid" 2>/dev/null
# The options say what our chain is: another NFLOG group is another chain.
doc 1 "altered" --nflog-group 7
check "--nflog-group: in the fix" grep -q "nfjudge rules install --nflog-group 7" "$tmp/out"
nsx "$NFJUDGE" rules install --nflog-group 7
expect_status 1 "--nflog-group 7 installed" nsx "$NFJUDGE" doctor --nflog-group 7
check "--nflog-group 7 installed: not altered" sh -c "! grep -q altered '$tmp/out'"
nsx "$NFJUDGE" rules install
nsx "$NFJUDGE" rules install --fail-open
doc 1 "is fail-open"
check "fail-open: not also reported as altered" \
	sh -c "! grep -q altered '$tmp/out'"
nsx "$NFJUDGE" rules remove
doc 1 "IPv4 chain NFJUDGE is missing"
check "missing: no jump either" grep -q "OUTPUT has no jump to NFJUDGE" "$tmp/out"
doc 1 "hole: net.ipv4.ping_group_range" # no chain: ping is a hole now

# --- IPv6 ---------------------------------------------------------------
ns_fresh
nsx ip link add d0 type veth peer name d1
nsx ip link set d0 up
nsx ip link set d1 up
daemon "$tmp/log6" --no-ipv6
doc 1 "IPv6 chain NFJUDGE is missing"
doc 1 "IPv6 is enabled (on d" --no-ipv6
nsx sysctl -qw net.ipv6.conf.all.disable_ipv6=1
nsx sysctl -qw net.ipv6.conf.default.disable_ipv6=1
doc 0 "no hole found"
nsx sysctl -qw net.ipv6.conf.all.disable_ipv6=0
nsx sysctl -qw net.ipv6.conf.all.forwarding=1
nsx "$NFJUDGE" rules install
doc 1 "hole: net.ipv6.conf.all.forwarding is 1"
check "IPv6 chain installed: no longer missing" \
	sh -c "! grep -q 'IPv6 chain NFJUDGE is missing' '$tmp/out'"
stop_daemon

# --- the daemon records at start what doctor finds -----------------------
ns_fresh
nsx sysctl -qw net.ipv4.ip_forward=1
daemon "$tmp/log2"
check "hole at start: an alert record" wait_events alert 1 "$tmp/log2"
check "hole at start: kind hole, the doctor's line" grep -q \
	'"event_type":"alert".*"kind":"hole","message":"net.ipv4.ip_forward is 1' \
	"$tmp/log2"
expect_eq "hole at start: only that one" "$(count_events alert "$tmp/log2")" 1
check "hole at start: said on stderr" grep -q "1 hole(s) in the fence" \
	"$tmp/daemon.err"
check "hole at start: the log verifies" "$NFJUDGE" audit verify "$tmp/log2"
stop_daemon

test_summary
