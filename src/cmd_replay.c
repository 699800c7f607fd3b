// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nfjudge replay: judge the flows of captures with the daemon's engine.
 * Output depends on nothing but the input: capture time, never the clock.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "chain.h"
#include "cmd.h"
#include "cmdutil.h"
#include "decode.h"
#include "engine.h"
#include "fence.h"
#include "newflow.h"
#include "policy.h"
#include "proc.h"
#include "procmap.h"
#include "record.h"
#include "replayct.h"

/* Flows replay tracks at most, per table; older ones are evicted. */
#define REPLAY_FLOWS (1 << 18)

/* Flow tables: TCP connections live longer than other flows. */
struct replay_flows {
	struct newflow *tcp;
	struct newflow *other;
};

enum fail_on { FAIL_NEVER, FAIL_REJECT, FAIL_DROP, FAIL_ANY };

struct replay_opts {
	const char *policy_file;
	const char *proxy;
	const char *procs_file;
	const char *filter;
	const char *output;
	struct cidr_list local;
	enum fail_on fail_on;
};

/* Records are formatted in place into buf and leave in large write(2)s,
 * once REPLAY_OUT_FLUSH bytes are pending; RECORD_MAX more always fit. */
#define REPLAY_OUT_FLUSH (1 << 20)

struct replay_out {
	int fd; /* -1: not open */
	struct chain *chain;
	char *buf;
	size_t len;
	int err;
};

struct replay_stats {
	uint64_t packets, not_judged, undecodable, fenced;
	uint64_t by_reason[DECODE_ERR__MAX];
	bool failed_on;
};

static const char usage_text[] =
	"usage: nfjudge replay [-c POLICY] [--proxy HOST:PORT] [--procs FILE]\n"
	"                      [--local CIDR,...] [-f BPF] "
	"[--fail-on reject|drop|any]\n"
	"                      [-o FILE] CAPTURE...\n"
	"\n"
	"Judge the new flows of pcap or pcapng captures with the daemon's "
	"engine and\nwrite one verdict record per judged packet and per "
	"packet the fence drops.\n"
	"\n"
	"  -c, --policy FILE     policy file (default: the embedded policy)\n"
	"      --proxy HOST:PORT the proxy of the embedded policy (default: "
	"from\n"
	"                        HTTPS_PROXY, https_proxy, HTTP_PROXY, "
	"http_proxy, ALL_PROXY)\n"
	"      --procs FILE      process identity for flows (JSON Lines; a "
	"verdict log)\n"
	"      --local CIDR,...  the sandbox's networks: packets from others "
	"come in\n"
	"  -f, --filter BPF      read only packets that match this filter\n"
	"      --fail-on V       exit 1 if any judged packet got verdict V\n"
	"                        (reject, drop, or any: reject or drop)\n"
	"  -o, --output FILE     write records to FILE (default: standard "
	"output)\n"
	"  -h, --help            show this help\n"
	"\n"
	"CAPTURE may be - for standard input.  A summary goes to standard "
	"error.\n"
	"Exit status: 0, 1 when --fail-on was hit or a capture is damaged, 2 "
	"on\nbad usage or input that is not a readable capture.  Every "
	"capture is read,\neven after a bad one.\n";

static int parse_fail_on(const char *s, enum fail_on *out)
{
	if (!strcmp(s, "reject"))
		*out = FAIL_REJECT;
	else if (!strcmp(s, "drop"))
		*out = FAIL_DROP;
	else if (!strcmp(s, "any"))
		*out = FAIL_ANY;
	else
		return -EINVAL;
	return 0;
}

static int parse_args(int argc, char **argv, struct replay_opts *o)
{
	static const struct option longopts[] = {
		{"policy", required_argument, NULL, 'c'},
		{"proxy", required_argument, NULL, 'P'},
		{"procs", required_argument, NULL, 'p'},
		{"local", required_argument, NULL, 'l'},
		{"filter", required_argument, NULL, 'f'},
		{"fail-on", required_argument, NULL, 'F'},
		{"output", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	while ((c = getopt_long(argc, argv, "c:f:o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o->policy_file = optarg;
			break;
		case 'P':
			o->proxy = optarg;
			break;
		case 'p':
			o->procs_file = optarg;
			break;
		case 'l':
			if (cidr_list_parse(optarg, &o->local)) {
				fprintf(stderr,
					"nfjudge replay: --local: "
					"invalid network list '%s'\n",
					optarg);
				return EXIT_USAGE;
			}
			break;
		case 'f':
			o->filter = optarg;
			break;
		case 'F':
			if (parse_fail_on(optarg, &o->fail_on)) {
				fprintf(stderr,
					"nfjudge replay: --fail-on: "
					"expected reject, drop or any, "
					"not '%s'\n",
					optarg);
				return EXIT_USAGE;
			}
			break;
		case 'o':
			o->output = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			fputs(usage_text, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind == argc) {
		fprintf(stderr, "nfjudge replay: no capture given\n");
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	return -1;
}

/* Write what is pending; an error is kept for the summary at the end. */
static int out_flush(struct replay_out *out)
{
	size_t off = 0;
	ssize_t n;

	while (off < out->len) {
		n = write(out->fd, out->buf + off, out->len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			out->err = n < 0 ? errno : EIO;
			out->len = 0;
			return -EIO;
		}
		off += (size_t)n;
	}
	out->len = 0;
	return 0;
}

static int emit_record(void *ctx, const struct record_event *ev)
{
	struct replay_out *out = ctx;
	int n;

	n = record_emit(out->chain, out->buf + out->len, RECORD_MAX, false, ev);
	if (n < 0) {
		out->err = -n;
		return n;
	}
	out->len += (size_t)n;
	return out->len >= REPLAY_OUT_FLUSH ? out_flush(out) : 0;
}

static enum attribution attr_sidecar(void *ctx, const struct engine_pkt *pkt,
				     struct proc_info *proc, uid_t *uid,
				     gid_t *gid)
{
	if (procmap_lookup(ctx, pkt->flow, pkt->ts_us, proc))
		return ATTR_NONE;
	return ATTR_SIDECAR;
}

static bool fails(enum fail_on f, enum verdict v)
{
	return (f == FAIL_REJECT && v == VERDICT_REJECT) ||
	       (f == FAIL_DROP && v == VERDICT_DROP) ||
	       (f == FAIL_ANY && v != VERDICT_ACCEPT);
}

static bool is_loopback(const struct flow *f)
{
	static const uint8_t v6_lo[16] = {[15] = 1};

	if (f->ip_version == 4)
		return f->src[0] == 127;
	return !memcmp(f->src, v6_lo, 16);
}

/*
 * Who opened the packet's flow.  With --local, the side in those networks
 * (or on loopback) is the sandbox.  Without it, every packet is taken for
 * the sandbox's, but one that answers a TCP connection the other side's
 * SYN started: a SYN says for certain who opened a connection, the first
 * datagram of a flow seen in a capture does not.
 */
static uint8_t direction_of(const struct replay_opts *o, const struct flow *f,
			    bool reply)
{
	if (o->local.n)
		return cidr_list_contains(&o->local, f) || is_loopback(f)
			       ? FLOW_DIR_OUT
			       : FLOW_DIR_IN;
	return reply && f->proto == 6 ? FLOW_DIR_IN : FLOW_DIR_OUT;
}

static struct newflow *table_of(struct replay_flows *fl, const struct flow *f)
{
	return f->proto == 6 ? fl->tcp : fl->other;
}

/* The state of the flow an ICMP error quotes (the packet after its
 * 8-byte header); an error that quotes nothing we can read quotes none. */
static enum newflow_state quoted_state(struct replay_flows *fl,
				       const struct capture_pkt *cp,
				       const struct flow *f)
{
	size_t off = (size_t)f->l4_off + 8;
	struct flow q;

	if (off >= cp->caplen || decode_packet(cp->data + off, cp->caplen - off,
					       DECODE_LINK_IP, &q) != DECODE_OK)
		return NEWFLOW_NONE;
	return newflow_peek(table_of(fl, &q), &q, cp->ts_us);
}

/* The fence's class for the packet, as live; *nf is the flow's table. */
static enum fence_class fence_of(struct replay_flows *fl,
				 const struct replay_opts *o,
				 const struct capture_pkt *cp, struct flow *f,
				 struct newflow **nf)
{
	struct fence_pkt fp = {.flow = f};
	enum newflow_state state;
	bool reply;

	/* The capture shows a datagram as the kernel sent it, fragmented
	 * after the chain had seen it whole. */
	f->frag = 0;
	f->ip_flags &= (uint8_t)~FLOW_IP_FRAGHDR;
	*nf = table_of(fl, f);
	state = newflow_lookup(*nf, f, cp->ts_us, &reply);
	f->direction = direction_of(o, f, reply);
	if (replayct_icmp_error(f))
		state = quoted_state(fl, cp, f);
	fp.ct = replayct_state(f, state);
	return fence_classify(&fp);
}

static void judge_packet(struct engine *eng, struct replay_flows *fl,
			 const struct replay_opts *o,
			 const struct capture_pkt *cp, int link,
			 struct replay_stats *st)
{
	struct engine_pkt pkt = {.ts_us = cp->ts_us};
	enum decode_result res;
	enum verdict v, decided = VERDICT_DROP;
	enum fence_class cls;
	struct newflow *nf;
	struct flow f;

	st->packets++;
	res = decode_packet(cp->data, cp->caplen, link, &f);
	if (res != DECODE_OK) {
		st->undecodable++;
		st->by_reason[res]++;
		return;
	}
	pkt.flow = &f;
	cls = (f.frag & FLOW_FRAG_LATER) ? FENCE_PASS
					 : fence_of(fl, o, cp, &f, &nf);
	if (cls == FENCE_PASS) {
		st->not_judged++;
		return;
	}
	if (fence_is_drop(cls)) {
		engine_drop(eng, &pkt, fence_reason(cls));
		st->fenced++;
	} else {
		v = engine_judge(eng, &pkt, &decided);
		if (v == VERDICT_ACCEPT)
			newflow_pass(nf, &f, cp->ts_us);
		else
			newflow_refuse(nf, &f, cp->ts_us);
	}
	if (fails(o->fail_on, decided))
		st->failed_on = true;
}

/* One capture; returns 0, or the exit status of an error. */
/* How one capture went, for the summary of several. */
struct replay_file_result {
	const char *path;
	uint64_t packets;
	int rc; /* 0, 1 damaged, EXIT_USAGE not a readable capture */
};

/*
 * One capture; its outcome goes to *res.  A capture that cannot be opened
 * or is damaged is reported here, and the caller goes on with the next.
 */
static void replay_file(const char *path, struct engine *eng,
			struct replay_flows *fl, const struct replay_opts *o,
			struct replay_stats *st, struct replay_file_result *res)
{
	char err[512];
	struct capture *cap = capture_open(path, o->filter, err, sizeof(err));
	struct capture_pkt cp;
	uint64_t before = st->packets;
	int rc;

	res->path = path;
	res->rc = 0;
	if (!cap) {
		fprintf(stderr, "nfjudge replay: %s\n", err);
		res->rc = EXIT_USAGE;
		return;
	}
	while ((rc = capture_next(cap, &cp, err, sizeof(err))) == 1)
		judge_packet(eng, fl, o, &cp, capture_link(cap), st);
	capture_close(cap);
	res->packets = st->packets - before;
	if (rc < 0) {
		fprintf(stderr, "nfjudge replay: %s\n", err);
		res->rc = 1;
	}
}

static const char *file_outcome(int rc)
{
	if (rc == EXIT_USAGE)
		return "not a readable capture";
	return rc ? "damaged" : "read whole";
}

/* With several captures, a line for each, so a bad one is easy to find. */
static void print_files(const struct replay_file_result *res, int n)
{
	int i;

	if (n < 2)
		return;
	fprintf(stderr, "captures: %d\n", n);
	for (i = 0; i < n; i++)
		fprintf(stderr, "  %s: %llu packets, %s\n", res[i].path,
			(unsigned long long)res[i].packets,
			file_outcome(res[i].rc));
}

/* The worst outcome decides: not a capture (2), then damaged (1). */
static int files_status(const struct replay_file_result *res, int n)
{
	int i, rc = 0;

	for (i = 0; i < n; i++)
		if (res[i].rc > rc)
			rc = res[i].rc;
	return rc;
}

static void print_summary(const struct replay_stats *st,
			  const struct engine_counts *c)
{
	int r;

	fprintf(stderr,
		"packets read: %llu\n"
		"judged: %llu\n"
		"  accepted: %llu\n"
		"  rejected: %llu\n"
		"  dropped: %llu\n"
		"not judged: %llu\n"
		"dropped by the fence: %llu\n"
		"undecodable: %llu\n",
		(unsigned long long)st->packets, (unsigned long long)c->judged,
		(unsigned long long)c->accepted,
		(unsigned long long)c->rejected, (unsigned long long)c->dropped,
		(unsigned long long)st->not_judged,
		(unsigned long long)st->fenced,
		(unsigned long long)st->undecodable);
	for (r = 1; r < DECODE_ERR__MAX; r++)
		if (st->by_reason[r])
			fprintf(stderr, "  %s: %llu\n", decode_result_str(r),
				(unsigned long long)st->by_reason[r]);
}

static int procs_line(void *ctx, const char *line, size_t len, unsigned lineno,
		      char *err, size_t errlen)
{
	return procmap_add_line(ctx, line, len, lineno, err, errlen);
}

static int load_procs(const char *path, struct procmap **out)
{
	struct procmap *pm = procmap_new();
	int ret = pm ? lines_foreach(path, procs_line, pm) : -ENOMEM;

	if (ret) {
		procmap_free(pm);
		return ret;
	}
	*out = pm;
	return 0;
}

static int open_output(const struct replay_opts *o, struct replay_out *out)
{
	out->fd = STDOUT_FILENO;
	if (o->output && strcmp(o->output, "-")) {
		out->fd = open(o->output,
			       O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
		if (out->fd < 0) {
			fprintf(stderr, "nfjudge replay: %s: %s\n", o->output,
				strerror(errno));
			return EXIT_USAGE;
		}
	}
	out->chain = chain_new(NULL, 0);
	out->buf = malloc(REPLAY_OUT_FLUSH + RECORD_MAX);
	if (!out->chain || !out->buf) {
		fprintf(stderr, "nfjudge replay: out of memory\n");
		return 1;
	}
	return 0;
}

static int close_output(struct replay_out *out, const char *name)
{
	int rc = 0;

	if (out->fd >= 0 && out->buf)
		out_flush(out);
	if (out->fd > STDOUT_FILENO && close(out->fd) && !out->err)
		out->err = errno;
	if (out->err) {
		fprintf(stderr, "nfjudge replay: writing %s: %s\n",
			name ? name : "standard output", strerror(out->err));
		rc = 1;
	}
	chain_free(out->chain);
	free(out->buf);
	return rc;
}

static int run_replay(char **files, int n, const struct replay_opts *o,
		      struct replay_out *out, struct procmap *pm,
		      struct policy *pol)
{
	struct engine_cfg cfg = {
		.attribute = pm ? attr_sidecar : NULL,
		.attr_ctx = pm,
		.emit = emit_record,
		.out_ctx = out,
	};
	struct replay_stats st = {0};
	struct engine_counts counts;
	struct replay_flows fl = {
		.tcp = newflow_new(REPLAY_FLOWS, NEWFLOW_TCP_TIMEOUT_US),
		.other = newflow_new(REPLAY_FLOWS, NEWFLOW_UDP_TIMEOUT_US),
	};
	struct replay_file_result *res;
	struct engine *eng;
	int i, rc = 0;

	cfg.policy = policy_ref_new(pol);
	eng = cfg.policy ? engine_new(&cfg) : NULL;
	res = calloc((size_t)n, sizeof(*res));
	if (!fl.tcp || !fl.other || !eng || !res) {
		fprintf(stderr, "nfjudge replay: out of memory\n");
		rc = 1;
		goto out;
	}
	for (i = 0; i < n; i++)
		replay_file(files[i], eng, &fl, o, &st, &res[i]);
	engine_get_counts(eng, &counts);
	print_summary(&st, &counts);
	print_files(res, n);
	rc = files_status(res, n);
	if (!rc && st.failed_on)
		rc = 1;
out:
	free(res);
	engine_free(eng);
	newflow_free(fl.tcp);
	newflow_free(fl.other);
	policy_ref_free(cfg.policy);
	return rc;
}

int cmd_replay(int argc, char **argv)
{
	struct replay_opts o = {0};
	struct replay_out out = {.fd = -1};
	struct procmap *pm = NULL;
	struct policy *pol = NULL;
	int rc;

	rc = parse_args(argc, argv, &o);
	if (rc >= 0)
		return rc;
	pol = cmdutil_load_policy(o.policy_file, o.proxy);
	if (!pol)
		return EXIT_USAGE;
	if (o.procs_file && load_procs(o.procs_file, &pm)) {
		policy_free(pol);
		return EXIT_USAGE;
	}
	rc = open_output(&o, &out);
	if (!rc)
		rc = run_replay(argv + optind, argc - optind, &o, &out, pm,
				pol);
	else
		policy_free(pol);
	if (close_output(&out, o.output) && !rc)
		rc = 1;
	procmap_free(pm);
	return rc;
}
