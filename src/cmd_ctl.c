// SPDX-License-Identifier: GPL-2.0-or-later
/* nfjudge ctl: one request to a running daemon's control socket. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <jansson.h>

#include "cmd.h"
#include "cmdopt.h"
#include "control.h"
#include "ctlproto.h"

#define CTL_DEFAULT_SOCKET "/run/nfjudge/control"
#define CTL_TIMEOUT_MS	   10000

static const char usage_text[] =
	"usage: nfjudge ctl [-s PATH] COMMAND\n"
	"\n"
	"Send one command to a daemon started with --control PATH and print "
	"its JSON\nreply.  Exit status 0 when it succeeded, 1 when it was "
	"refused or failed.\n"
	"\n"
	"  -s, --socket PATH   the control socket (default " CTL_DEFAULT_SOCKET
	")\n"
	"  -h, --help          show this help\n"
	"\n"
	"commands:\n"
	"  status                          mode, policy, generation, "
	"counters, uptime\n"
	"  reload [FILE]                   load the policy (or FILE) as HUP "
	"does\n"
	"  explain PROTO SRC DST [--pid N] which rule would decide, and why\n"
	"  allow RULE --ttl DURATION       a temporary accept rule in front "
	"of the policy\n"
	"  deny RULE --ttl DURATION        a temporary reject rule\n"
	"  rules                           the temporary rules and their "
	"time left\n"
	"\n"
	"RULE is the matches of a policy rule, e.g. 'proto tcp to 10.0.0.5 "
	"port 443';\nDURATION is 30s, 5m, 1h or 1d.  SRC and DST are ADDR, "
	"ADDR:PORT or [ADDR6]:PORT.\n";

static int usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "nfjudge ctl: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n(nfjudge ctl --help lists the commands)\n");
	return EXIT_USAGE;
}

/* "allow proto tcp to X --ttl 2s": the words before --ttl are the rule. */
static int build_temp(json_t *req, int argc, char **argv)
{
	char rule[CTLREQ_RULE_MAX] = "";
	size_t n = 0;
	uint32_t ttl;
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--ttl"); i++) {
		int w = snprintf(rule + n, sizeof(rule) - n, "%s%s",
				 n ? " " : "", argv[i]);

		if (w < 0 || (size_t)w >= sizeof(rule) - n)
			return usage_error("%s: the rule is too long", argv[0]);
		n += (size_t)w;
	}
	if (!n)
		return usage_error("%s needs a RULE", argv[0]);
	if (i + 2 != argc || ctlproto_parse_ttl(argv[i + 1], &ttl))
		return usage_error("%s needs --ttl DURATION (30s, 5m, 1h, 1d; "
				   "at most 7d) at the end",
				   argv[0]);
	json_object_set_new(req, "rule", json_string(rule));
	json_object_set_new(req, "ttl", json_string(argv[i + 1]));
	return 0;
}

static int build_explain(json_t *req, int argc, char **argv)
{
	uint8_t a[16];
	uint16_t port;
	char *end;
	long pid;

	if (argc != 4 && !(argc == 6 && !strcmp(argv[4], "--pid")))
		return usage_error("%s", "explain PROTO SRC DST [--pid N]");
	if (!ctlproto_parse_endpoint(argv[2], a, &port) ||
	    !ctlproto_parse_endpoint(argv[3], a, &port))
		return usage_error("explain: SRC and DST are ADDR, ADDR:PORT "
				   "or [ADDR6]:PORT");
	json_object_set_new(req, "proto", json_string(argv[1]));
	json_object_set_new(req, "src", json_string(argv[2]));
	json_object_set_new(req, "dst", json_string(argv[3]));
	if (argc == 4)
		return 0;
	errno = 0;
	pid = strtol(argv[5], &end, 10);
	if (errno || *end || pid < 1 || pid > INT_MAX)
		return usage_error("--pid '%s': expected a process id",
				   argv[5]);
	json_object_set_new(req, "pid", json_integer(pid));
	return 0;
}

static int build_reload(json_t *req, int argc, char **argv)
{
	char path[PATH_MAX];

	if (argc > 2)
		return usage_error("%s", "reload [FILE]");
	if (argc == 1)
		return 0;
	/* the daemon has its own working directory */
	if (!realpath(argv[1], path)) {
		fprintf(stderr, "nfjudge ctl: %s: %s\n", argv[1],
			strerror(errno));
		return 1;
	}
	json_object_set_new(req, "file", json_string(path));
	return 0;
}

/* The request for argv[0..argc), into *out; 0 or the exit status. */
static int build(int argc, char **argv, json_t **out)
{
	static const char *const plain[] = {"status", "rules"};
	json_t *req = json_pack("{ss}", "cmd", argv[0]);
	int rc = 0;
	size_t i;

	if (!req)
		return 1;
	for (i = 0; i < 2; i++)
		if (!strcmp(argv[0], plain[i]) && argc > 1)
			rc = usage_error("%s takes no arguments", argv[0]);
	if (!strcmp(argv[0], "reload"))
		rc = build_reload(req, argc, argv);
	else if (!strcmp(argv[0], "explain"))
		rc = build_explain(req, argc, argv);
	else if (!strcmp(argv[0], "allow") || !strcmp(argv[0], "deny"))
		rc = build_temp(req, argc, argv);
	else if (strcmp(argv[0], "status") && strcmp(argv[0], "rules"))
		rc = usage_error("unknown command '%s'", argv[0]);
	if (rc)
		json_decref(req);
	else
		*out = req;
	return rc;
}

static int connect_to(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int err = errno;

		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

/* One line of reply, within the timeout; its length or -1. */
static ssize_t read_reply(int fd, char *buf, size_t cap)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	size_t len = 0;
	ssize_t n;

	while (len < cap - 1 && !memchr(buf, '\n', len)) {
		if (poll(&p, 1, CTL_TIMEOUT_MS) != 1)
			return -1;
		n = read(fd, buf + len, cap - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	return memchr(buf, '\n', len) ? (ssize_t)len : -1;
}

/* Print the reply; the exit status it means. */
static int judge_reply(const char *buf, size_t len)
{
	json_t *o = json_loadb(buf, len, 0, NULL);
	json_t *ok = json_object_get(o, "ok");
	int rc = !json_is_boolean(ok) ? EXIT_USAGE : json_is_true(ok) ? 0 : 1;

	fwrite(buf, 1, len, stdout);
	if (rc == EXIT_USAGE)
		fprintf(stderr, "nfjudge ctl: the reply is not a control "
				"socket's\n");
	json_decref(o);
	return rc;
}

static int exchange(const char *path, json_t *req)
{
	static char buf[CONTROL_REPLY_MAX + 1];
	char *line = json_dumps(req, JSON_COMPACT);
	int fd = line ? connect_to(path) : -1;
	ssize_t n;
	int rc = 1, werr;

	if (fd < 0) {
		fprintf(stderr, "nfjudge ctl: %s: %s\n", path, strerror(errno));
		goto out;
	}
	/* a refused peer's reply may be there before its request went */
	werr = dprintf(fd, "%s\n", line) < 0 ? errno : 0;
	n = read_reply(fd, buf, sizeof(buf));
	if (n < 0) {
		fprintf(stderr, "nfjudge ctl: %s: %s\n", path,
			werr ? strerror(werr) : "no reply");
		rc = EXIT_USAGE;
		goto out;
	}
	rc = judge_reply(buf, (size_t)n);
out:
	if (fd >= 0)
		close(fd);
	free(line);
	return rc;
}

int cmd_ctl(int argc, char **argv)
{
	const char *path = CTL_DEFAULT_SOCKET;
	json_t *req = NULL;
	int i = 1, rc;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (cmdopt_is_help(argv[i])) {
			fputs(usage_text, stdout);
			return 0;
		}
		if ((strcmp(argv[i], "-s") && strcmp(argv[i], "--socket")) ||
		    i + 1 == argc)
			return usage_error("unknown option '%s'", argv[i]);
		path = argv[++i];
	}
	if (i == argc)
		return usage_error("%s", "which command?");
	rc = build(argc - i, argv + i, &req);
	if (rc)
		return rc;
	signal(SIGPIPE, SIG_IGN);
	rc = exchange(path, req);
	json_decref(req);
	return rc;
}
