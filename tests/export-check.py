#!/usr/bin/env python3
"""Validate nfjudge audit export output against the schema extracts in
tests/data/ocsf and tests/data/ecs, and, given the log it came from, that
each record maps as documented.

export-check.py ocsf|ecs DATADIR EXPORT.jsonl [LOG.jsonl]
Prints one line per problem; exit 1 if any, 0 otherwise."""
import ipaddress
import json
import os
import sys
from datetime import datetime

problems = []


def bad(where, msg):
    problems.append(f"{where}: {msg}")


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def is_ip(v):
    try:
        ipaddress.ip_address(v)
        return True
    except (ValueError, TypeError):
        return False


# --- OCSF -----------------------------------------------------------
STRINGS = {"string_t", "hostname_t", "file_name_t", "process_name_t",
           "username_t"}
CAPTIONS = {"activity_id": "activity_name", "action_id": "action",
            "disposition_id": "disposition", "severity_id": "severity",
            "status_id": "status", "direction_id": "direction",
            "type_id": "type"}


class Ocsf:
    def __init__(self, datadir):
        d = os.path.join(datadir, "ocsf")
        self.classes = {}
        for name in ("network_activity", "detection_finding",
                     "application_lifecycle", "api_activity"):
            with open(os.path.join(d, name + ".json")) as f:
                c = json.load(f)
            self.classes[c["class_uid"]] = c
        with open(os.path.join(d, "objects.json")) as f:
            o = json.load(f)
        self.objects = o["objects"]
        self.version = o["ocsf_version"]

    def value(self, where, spec, v):
        t = spec["type"]
        if t in self.objects:
            if not isinstance(v, dict):
                return bad(where, f"{t} object expected")
            return self.obj(where, self.objects[t], v)
        ok = {
            "integer_t": is_int(v), "long_t": is_int(v),
            "timestamp_t": is_int(v) and v >= 0,
            "port_t": is_int(v) and 0 <= v <= 65535,
            "ip_t": isinstance(v, str) and is_ip(v),
            "boolean_t": isinstance(v, bool),
            "object": isinstance(v, dict),
        }.get(t, isinstance(v, str) if t in STRINGS else None)
        if ok is None:
            return bad(where, f"type {t} unknown to the checker")
        if not ok:
            return bad(where, f"{v!r} is not a {t}")
        if "enum" in spec and str(v) not in spec["enum"]:
            bad(where, f"{v!r} not in the enum {sorted(spec['enum'])}")

    def obj(self, where, spec, o):
        attrs = spec["attributes"]
        for k, a in attrs.items():
            if a["requirement"] == "required" and k not in o:
                bad(where, f"required attribute {k} missing")
        alo = spec.get("at_least_one")
        if alo and not any(k in o for k in alo):
            bad(where, f"none of {alo} present")
        for k, v in o.items():
            w = f"{where}.{k}"
            if k not in attrs:
                bad(w, "attribute not in the schema extract")
                continue
            a = attrs[k]
            if a.get("is_array"):
                if not isinstance(v, list) or not v:
                    bad(w, "non-empty array expected")
                    continue
                for i, item in enumerate(v):
                    self.value(f"{w}[{i}]", a, item)
            else:
                self.value(w, a, v)
            cap = CAPTIONS.get(k)
            if cap in o and "enum" in a and v != 99 and str(v) in a["enum"]:
                if o[cap] != a["enum"][str(v)]:
                    bad(w, f"{cap} {o[cap]!r} is not the caption "
                        f"{a['enum'][str(v)]!r}")

    def event(self, where, ev):
        c = self.classes.get(ev.get("class_uid"))
        if not c:
            return bad(where, f"class_uid {ev.get('class_uid')} unexpected")
        self.obj(where, c, ev)
        if ev.get("category_uid") != c["category_uid"]:
            bad(where, f"category_uid is not {c['category_uid']}")
        if ev.get("type_uid") != c["class_uid"] * 100 + ev.get("activity_id", -1):
            bad(where, "type_uid is not class_uid * 100 + activity_id")
        if ev.get("metadata", {}).get("version") != self.version:
            bad(where, f"metadata.version is not {self.version}")


# --- ECS ------------------------------------------------------------
def flatten(prefix, o, out):
    for k, v in o.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict) and key != "labels":
            flatten(key + ".", v, out)
        else:
            out[key] = v


class Ecs:
    def __init__(self, datadir):
        with open(os.path.join(datadir, "ecs", "fields.json")) as f:
            d = json.load(f)
        self.fields = d["fields"]
        self.expected = d["expected_event_types"]
        self.version = d["ecs_version"]

    def leaf(self, where, spec, v):
        t = spec["type"]
        if t == "date":
            ok = isinstance(v, str) and v.endswith("Z")
            try:
                datetime.fromisoformat(v[:-1])
            except (ValueError, TypeError):
                ok = False
        else:
            ok = {"keyword": isinstance(v, str), "wildcard": isinstance(v, str),
                  "match_only_text": isinstance(v, str), "long": is_int(v),
                  "ip": isinstance(v, str) and is_ip(v),
                  "object": isinstance(v, dict) and
                  all(isinstance(x, str) for x in v.values())}.get(t)
        if not ok:
            return bad(where, f"{v!r} is not a {t}")
        allowed = spec.get("allowed") or spec.get("expected")
        if allowed and v not in allowed:
            bad(where, f"{v!r} not among {allowed}")

    def event(self, where, ev):
        flat = {}
        flatten("", ev, flat)
        for k in ("@timestamp", "ecs.version", "event.kind"):
            if k not in flat:
                bad(where, f"{k} missing")
        if flat.get("ecs.version") != self.version:
            bad(where, f"ecs.version is not {self.version}")
        for k, v in flat.items():
            w = f"{where}.{k}"
            spec = self.fields.get(k)
            if not spec:
                bad(w, "field not in the ECS extract")
                continue
            if spec.get("array"):
                if not isinstance(v, list) or not v:
                    bad(w, "non-empty array expected")
                    continue
                for item in v:
                    self.leaf(w, spec, item)
            else:
                self.leaf(w, spec, v)
        for cat in flat.get("event.category", []):
            for t in flat.get("event.type", []):
                if t not in (self.expected.get(cat) or []):
                    bad(where, f"event.type {t} not expected for {cat}")


# --- the mapping, record by record ------------------------------------
PROTO = {"ICMP": 1, "TCP": 6, "UDP": 17, "GRE": 47, "IPV6-ICMP": 58,
         "SCTP": 132, "UDPLITE": 136}
OCSF_OUTCOME = {  # (verdict, enforced): activity, action, disposition
    ("accept", True): (1, 1, 1), ("reject", True): (5, 2, 2),
    ("drop", True): (5, 2, 6), ("accept", False): (1, 3, 17),
    ("reject", False): (1, 3, 15), ("drop", False): (1, 3, 15)}


def ms(ts):
    d = datetime.fromisoformat(ts.replace("Z", "+00:00"))
    return int(d.timestamp() * 1000)


def expect(where, what, got, want):
    if got != want:
        bad(where, f"{what} is {got!r}, want {want!r}")


def ocsf_process(where, p, proc):
    expect(where, "pid", p.get("pid"), proc["pid"])
    expect(where, "file.path", p.get("file", {}).get("path"), proc.get("exe"))
    expect(where, "name", p.get("name"), proc.get("comm"))
    if proc.get("cmdline"):
        expect(where, "cmd_line", p.get("cmd_line"), " ".join(proc["cmdline"]))
    expect(where, "user.name", p.get("user", {}).get("name"), proc.get("user"))
    chain, q = [], p.get("parent_process")
    while q:
        chain.append(q.get("pid"))
        q = q.get("parent_process")
    want = [a["pid"] for a in proc.get("ancestors", [])]
    if not want and proc.get("ppid", 0) > 0:
        want = [proc["ppid"]]
    expect(where, "parent_process chain", chain, want)


def ocsf_verdict(where, r, ev):
    v = (r["verdict"], r.get("enforced", True))
    got = (ev.get("activity_id"), ev.get("action_id"), ev.get("disposition_id"))
    expect(where, "activity, action, disposition", got, OCSF_OUTCOME[v])
    expect(where, "time", ev.get("time"), ms(r["timestamp"]))
    expect(where, "metadata.uid", ev["metadata"].get("uid"), r["chain"])
    for side, pre in (("src_endpoint", "src_"), ("dst_endpoint", "dest_")):
        e = ev.get(side, {})
        expect(where, side + ".ip", e.get("ip"), r[pre + "ip"])
        expect(where, side + ".port", e.get("port"), r[pre + "port"])
    expect(where, "dst_endpoint.hostname",
           ev["dst_endpoint"].get("hostname"), r.get("dest_name"))
    c = ev.get("connection_info", {})
    expect(where, "community_uid", c.get("community_uid"), r["community_id"])
    expect(where, "direction_id", c.get("direction_id"),
           1 if r.get("direction") == "in" else 2)
    expect(where, "protocol_num", c.get("protocol_num"),
           PROTO.get(r["proto"], int(r["proto"]) if r["proto"].isdigit() else None))
    fw = ev.get("firewall_rule", {})
    expect(where, "firewall_rule.name", fw.get("name"), r["rule"])
    expect(where, "firewall_rule.uid", fw.get("uid"), str(r["rule_line"]))
    expect(where, "firewall_rule.desc", fw.get("desc"), r.get("reason"))
    proc = r.get("proc") or {}
    if "pid" in proc:
        ocsf_process(where, ev.get("actor", {}).get("process", {}), proc)
    elif proc.get("uid") is not None:
        expect(where, "actor.user.uid",
               ev.get("actor", {}).get("user", {}).get("uid"), str(proc["uid"]))
    elif "actor" in ev:
        bad(where, "actor without a process identity in the record")


def ocsf_record(where, r, evs):
    by = {}
    for e in evs:
        by.setdefault(e.get("class_uid"), []).append(e)
    t = r["event_type"]
    want = {"verdict": {4001: 1, 2004: 1 if r.get("hint") else 0},
            "alert": {2004: 1}, "start": {6002: 1},
            "stop": {6002: 1}, "reload": {6002: 1}, "lost": {2004: 1},
            "error": {2004: 1}, "control": {6003: 1}}.get(t, {})
    for cls in set(want) | set(by):
        expect(where, f"events of class {cls}", len(by.get(cls, [])),
               want.get(cls, 0))
    if t == "verdict" and len(by.get(4001, [])) == 1:
        ocsf_verdict(where, r, by[4001][0])
    if t == "alert" and len(by.get(2004, [])) == 1:
        f = by[2004][0].get("finding_info", {})
        expect(where, "finding_info.types", f.get("types"), [r["kind"]])
        expect(where, "finding_info.desc", f.get("desc"), r.get("message"))
    if r.get("hint") and len(by.get(2004, [])) == 1:
        expect(where, "finding_info.desc",
               by[2004][0].get("finding_info", {}).get("desc"), r["hint"])
    if t == "reload" and len(by.get(6002, [])) == 1:
        expect(where, "activity_id", by[6002][0].get("activity_id"), 8)
    if t == "control" and len(by.get(6003, [])) == 1:
        ev = by[6003][0]
        expect(where, "api.operation", ev.get("api", {}).get("operation"),
               r["command"])
        expect(where, "status_id", ev.get("status_id"), 1 if r["ok"] else 2)
        if r.get("peer_uid") is not None:
            expect(where, "actor.user.uid",
                   ev.get("actor", {}).get("user", {}).get("uid"),
                   str(r["peer_uid"]))
    if t == "lost" and len(by.get(2004, [])) == 1:
        expect(where, "finding_info.types",
               by[2004][0].get("finding_info", {}).get("types"),
               [r["lost"]] if "lost" in r else None)
    if t in ("start", "stop") and len(by.get(6002, [])) == 1:
        expect(where, "activity_id", by[6002][0].get("activity_id"),
               3 if t == "start" else 4)


def ecs_record(where, r, evs):
    t = r["event_type"]
    expect(where, "documents", len(evs),
           1 if t in ("verdict", "alert", "start", "stop") else 0)
    if len(evs) != 1:
        return
    ev = evs[0]
    e = ev.get("event", {})
    expect(where, "@timestamp", ev.get("@timestamp"), r["timestamp"])
    expect(where, "event.id", e.get("id"), r["chain"])
    if t == "alert":
        expect(where, "event.kind", e.get("kind"), "alert")
        expect(where, "event.action", e.get("action"), r["kind"])
        return
    if t != "verdict":
        expect(where, "event.action", e.get("action"), t)
        return
    expect(where, "event.action", e.get("action"), r["verdict"])
    denied = r["verdict"] != "accept" and r.get("enforced", True)
    expect(where, "event.outcome", e.get("outcome"),
           "failure" if denied else "success")
    expect(where, "denied in event.type", "denied" in e.get("type", []), denied)
    for side, pre in (("source", "src_"), ("destination", "dest_")):
        expect(where, side + ".ip", ev[side].get("ip"), r[pre + "ip"])
        expect(where, side + ".port", ev[side].get("port"), r[pre + "port"])
    expect(where, "destination.domain", ev["destination"].get("domain"),
           r.get("dest_name"))
    n = ev.get("network", {})
    expect(where, "network.community_id", n.get("community_id"),
           r["community_id"])
    expect(where, "network.direction", n.get("direction"),
           "ingress" if r.get("direction") == "in" else "egress")
    expect(where, "rule.name", ev.get("rule", {}).get("name"), r["rule"])
    expect(where, "rule.id", ev.get("rule", {}).get("id"), str(r["rule_line"]))
    proc = r.get("proc") or {}
    if "pid" in proc:
        p = ev.get("process", {})
        expect(where, "process.pid", p.get("pid"), proc["pid"])
        expect(where, "process.executable", p.get("executable"), proc["exe"])
        expect(where, "process.args", p.get("args"), proc["cmdline"] or None)
    if proc.get("user"):
        expect(where, "user.name", ev.get("user", {}).get("name"), proc["user"])


def main():
    fmt, datadir, export = sys.argv[1:4]
    schema = Ocsf(datadir) if fmt == "ocsf" else Ecs(datadir)
    by_seq = {}
    with open(export, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            where = f"{export}:{n}"
            if any(ord(c) < 0x20 for c in line.rstrip("\n")):
                bad(where, "raw control character in the line")
            try:
                ev = json.loads(line)
            except ValueError as e:
                bad(where, f"not JSON: {e}")
                continue
            schema.event(where, ev)
            seq = (ev.get("metadata", {}).get("sequence") if fmt == "ocsf"
                   else ev.get("event", {}).get("sequence"))
            by_seq.setdefault(seq, []).append(ev)
    if len(sys.argv) > 4:
        with open(sys.argv[4], encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                try:
                    r = json.loads(line)
                except ValueError:
                    continue
                where = f"{sys.argv[4]}:{n} (seq {r['seq']})"
                check = ocsf_record if fmt == "ocsf" else ecs_record
                check(where, r, by_seq.pop(r["seq"], []))
        for seq in by_seq:
            bad(export, f"events for seq {seq}, which the log lacks")
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
