#!/bin/sh
# What nfjudge run keeps after set-up, read from /proc/PID/task/*/status
# of every thread: exactly the documented capabilities, no_new_privs, the
# seccomp filter (mode 2), with --user the uid and gid of nobody -- and it
# still judges and names other users' processes.  A forbidden system call
# kills the daemon (SIGSYS), and its fail-closed rules then let nothing
# through.
set -u
live_name=privs
. "$(cd "$(dirname "$0")" && pwd)/livelib.sh"

# Capability numbers (linux/capability.h) of what privs.c documents.
CAP_DAC_READ_SEARCH=2 CAP_NET_ADMIN=12 CAP_NET_RAW=13 CAP_SYS_PTRACE=19
mask() { # cap numbers...
	m=0
	for c in "$@"; do m=$((m | (1 << c))); done
	printf '%016x' "$m"
}
BASE="$CAP_DAC_READ_SEARCH $CAP_NET_ADMIN $CAP_SYS_PTRACE"
# shellcheck disable=SC2086
want_plain=$(mask $BASE)
# shellcheck disable=SC2086
want_rules=$(mask $BASE $CAP_NET_RAW)

# One status field of every thread, deduplicated: one line if all agree.
field() { # pid name
	for t in /proc/"$1"/task/*; do
		sed -n "s/^$2:[[:space:]]*//p" "$t/status"
	done | sort -u | tr '\t' ' '
}
threads() { ls /proc/"$1"/task | wc -l; }
# The queue's worker threads: one per online CPU, at most 4.
lanes=$(getconf _NPROCESSORS_ONLN)
[ "$lanes" -le 4 ] || lanes=4
# The workers start right after the start record: wait for them all (a
# loaded machine may take seconds to run them).
all_threads() { # who
	i=0
	while [ "$(threads "$DPID")" -lt $((2 + lanes)) ] && [ $i -lt 200 ]; do
		i=$((i + 1))
		sleep 0.1
	done
	check "$1: main, log writer and worker threads" \
		[ "$(threads "$DPID")" -eq $((2 + lanes)) ]
}
# Each named field is the same in every thread of the daemon, and WANT.
fields_are() { # who want field...
	who=$1 want=$2
	shift 2
	for f in "$@"; do
		got=$(field "$DPID" "$f")
		check "$who: $f of every thread is '$want' (got '$got')" \
			[ "$got" = "$want" ]
	done
}

# --print-privileges names exactly these and lists the allowlist.
"$NFJUDGE" run --install-rules --print-privileges >"$tmp/privs.txt"
for c in CAP_NET_ADMIN CAP_SYS_PTRACE CAP_DAC_READ_SEARCH CAP_NET_RAW; do
	check "--print-privileges names $c" grep -q "^  $c " "$tmp/privs.txt"
done
check "--print-privileges names nothing else" \
	[ "$(grep -c '^  CAP_' "$tmp/privs.txt")" -eq 4 ]
check "--print-privileges describes the seccomp allowlist" \
	grep -q 'seccomp allowlist' "$tmp/privs.txt"
check "--print-privileges lists the calls" grep -q 'readlinkat' "$tmp/privs.txt"
check "CAP_NET_RAW only with rules" sh -c \
	"! '$NFJUDGE' run --print-privileges | grep -q CAP_NET_RAW"

# As root with --install-rules: the rules-time set on every thread.
start_daemon 1 "$tmp/root.log" -c "$tmp/policy.conf" --install-rules ||
	exit 1
all_threads root
fields_are root "$want_rules" CapEff CapPrm CapBnd
fields_are root 1 NoNewPrivs
fields_are root 2 Seccomp
kill -TERM "$DPID"
wait "$DPID"
check "root: exits 0 on TERM" [ $? -eq 0 ]
check "root: rules removed under the filter" \
	sh -c "! ip netns exec $NS iptables -S | grep -q NFJUDGE"

# As nobody, rules installed beforehand: judges, names a root process.
nsx "$NFJUDGE" rules install
listen_proxy_web || exit 1
start_daemon 1 "$tmp/nobody.log" -c "$tmp/policy.conf" --user nobody ||
	exit 1
all_threads nobody
fields_are nobody "65534 65534 65534 65534" Uid Gid
fields_are nobody "$want_plain" CapEff CapPrm
# Changing user empties the bounding set: nothing can come back.
fields_are nobody 0000000000000000 CapBnd
fields_are nobody "" Groups
fields_are nobody 1 NoNewPrivs
fields_are nobody 2 Seccomp
check "nobody: proxy accepted" connects_to 10.200.0.1:3128
check "nobody: direct refused" refused_by 10.200.0.9:443
cpid=$(attempt tcp-pid 10.200.0.9:443 nfj-privs-marker)
kill -TERM "$DPID"
wait "$DPID"
check "nobody: exits 0 on TERM" [ $? -eq 0 ]
"$PY" - "$tmp/nobody.log" "$cpid" >"$tmp/nobody.out" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
v = [r for r in recs if r["event_type"] == "verdict"]
mine = [r for r in v if r["proc"] and r["proc"]["pid"] == int(sys.argv[2])]
# kernel attribution when the daemon runs it (the start record says)
attr = "kernel" if recs[0].get("attribution") == "kernel" else "socket"
# Three connections; a SYN held over a second is sent again and has a
# record of its own (nfjudge(8)), from the same port, judged alike.
ports = {r["src_port"] for r in v}
ok = (len(mine) >= 1 and len({r["src_port"] for r in mine}) == 1
      and all(r["verdict"] == "reject"
              and r["attribution"] == attr
              and r["proc"]["uid"] == 0
              and "nfj-privs-marker" in r["proc"]["cmdline"]
              and r["proc"]["exe"].split("/")[-1].startswith("python3")
              for r in mine)
      and all(len({r["verdict"] for r in v if r["src_port"] == p}) == 1
              for p in ports))
print("ok" if ok and len(ports) == 3 else "FAIL %s" % v)
PY
check "nobody: the reject names root's process" grep -q '^ok' "$tmp/nobody.out"
check "nobody: log verifies" "$NFJUDGE" audit verify "$tmp/nobody.log"

# A forbidden call after set-up kills the process with SIGSYS; the rules
# stay, so connections get no verdict at all.
nsbg env NFJUDGE_TEST_FORBIDDEN_SYSCALL=1 "$NFJUDGE" run -o "$tmp/sys.log" \
	-c "$tmp/policy.conf" 2>>"$tmp/daemon.err"
wait "$last_pid"
st=$?
check "forbidden call: killed by SIGSYS (status $st)" [ "$st" -eq $((128 + 31)) ]
check "forbidden call: announced on stderr" \
	grep -q 'NFJUDGE_TEST_FORBIDDEN_SYSCALL: calling mount' "$tmp/daemon.err"
check "forbidden call: not survived" \
	sh -c "! grep -q 'was not stopped by the filter' '$tmp/daemon.err'"
check "dead daemon: proxy connection gets nothing (fail-closed)" \
	[ "$(attempt tcp 10.200.0.1:3128)" = timeout ]
nsx "$NFJUDGE" rules remove

# As nobody with --install-rules: iptables-restore runs at exit as nobody,
# with CAP_NET_ADMIN and CAP_NET_RAW ambient, under the inherited filter.
: >"$tmp/daemon.err"
start_daemon 1 "$tmp/nr.log" -c "$tmp/policy.conf" --user nobody \
	--install-rules || exit 1
all_threads "nobody, rules"
fields_are "nobody, rules" "$want_rules" CapEff CapPrm
# shellcheck disable=SC2086
fields_are "nobody, rules" "$(mask $CAP_NET_ADMIN $CAP_NET_RAW)" CapAmb
fields_are "nobody, rules" 2 Seccomp
check "nobody, rules: proxy accepted" \
	connects_to 10.200.0.1:3128
kill -TERM "$DPID"
wait "$DPID"
check "nobody, rules: exits 0 on TERM" [ $? -eq 0 ]
check "nobody, rules: rules removed as nobody under the filter" \
	sh -c "! ip netns exec $NS iptables -S | grep -q NFJUDGE"
check "nobody, rules: no removal warning" \
	sh -c "! grep -q 'could not be removed' '$tmp/daemon.err'"

# A policy that names programs: every holder, taint, the digest of the
# executable -- all of it as nobody, under the filter.
py=$(readlink -f "$(command -v "$PY")")
sha=$(sha256sum "$py" | cut -d' ' -f1)
cat >"$tmp/sha.conf" <<EOF
set default reject
accept to 10.200.0.1 port 3128 exe-sha256 $sha name sha
accept to 10.200.0.1 port 3128 exe $py name exe
EOF
chmod 644 "$tmp/sha.conf"
: >"$tmp/daemon.err"
nsx "$NFJUDGE" rules install
start_daemon 1 "$tmp/sha.log" -c "$tmp/sha.conf" --user nobody -v ||
	exit 1
check "names programs: proxy accepted by the digest" \
	connects_to 10.200.0.1:3128
kill -TERM "$DPID"
wait "$DPID"
check "names programs: exits 0 on TERM" [ $? -eq 0 ]
check "names programs: the record names the rule 'sha'" \
	grep -q '"rule":"sha"' "$tmp/sha.log"
check "names programs: says it looks for every holder" \
	grep -q 'every holder' "$tmp/daemon.err"
nsx "$NFJUDGE" rules remove

test_summary
