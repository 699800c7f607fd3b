// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "spawn.h"

/* Searched after PATH. */
#define SPAWN_FALLBACK_PATH "/usr/local/sbin:/usr/sbin:/sbin:/usr/bin:/bin"
/* More output than any iptables listing we read is an error, not OOM. */
#define SPAWN_MAX_OUTPUT (64u << 20)

/*
 * First executable dir/name in a colon-separated list.  Empty and relative
 * parts are skipped: root must not run a program found in its cwd.
 */
static int search_dirs(const char *dirs, const char *name, char *buf,
		       size_t len)
{
	const char *p = dirs, *end;
	int n;

	for (; p && *p; p = *end ? end + 1 : end) {
		end = strchrnul(p, ':');
		if (*p != '/')
			continue;
		n = snprintf(buf, len, "%.*s/%s", (int)(end - p), p, name);
		if (n > 0 && (size_t)n < len && !access(buf, X_OK))
			return 0;
	}
	return -ENOENT;
}

static int resolve(const char *name, char *buf, size_t len)
{
	if (strchr(name, '/')) {
		if (snprintf(buf, len, "%s", name) >= (int)len)
			return -ENAMETOOLONG;
		return 0;
	}
	if (!search_dirs(getenv("PATH"), name, buf, len))
		return 0;
	return search_dirs(SPAWN_FALLBACK_PATH, name, buf, len);
}

/* A memory file holding text, positioned at its start. */
static int memfd_with(const char *text)
{
	size_t len = text ? strlen(text) : 0, off = 0;
	int fd = memfd_create("nfjudge-spawn", MFD_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	while (off < len) {
		n = write(fd, text + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			n = -errno;
			close(fd);
			return n ? (int)n : -EIO;
		}
		off += (size_t)n;
	}
	if (lseek(fd, 0, SEEK_SET) < 0) {
		n = -errno;
		close(fd);
		return (int)n;
	}
	return fd;
}

/* The whole content of a memory file as a string. */
static int memfd_read(int fd, char **text)
{
	struct stat st;
	size_t off = 0;
	ssize_t n;
	char *buf;

	if (fstat(fd, &st))
		return -errno;
	if ((unsigned long long)st.st_size > SPAWN_MAX_OUTPUT)
		return -EFBIG;
	buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		return -ENOMEM;
	while (off < (size_t)st.st_size) {
		n = pread(fd, buf + off, (size_t)st.st_size - off, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	buf[off] = '\0';
	*text = buf;
	return 0;
}

/*
 * Only async-signal-safe calls between fork and exec.  A caller that
 * blocks signals (to read them with signalfd, say) must not pass that
 * mask on to the tool.
 */
static void child_exec(const char *path, const char *const argv[],
		       const int fds[3])
{
	sigset_t none;
	int i;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (i = 0; i < 3; i++)
		if (dup2(fds[i], i) < 0)
			_exit(127);
	execv(path, (char *const *)argv);
	_exit(127);
}

static int wait_child(pid_t pid, int *status)
{
	int ws;

	while (waitpid(pid, &ws, 0) < 0)
		if (errno != EINTR)
			return -errno;
	*status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
	return 0;
}

static int run_with(const char *path, const char *const argv[],
		    const int fds[3], char **out, char **err, int *status)
{
	pid_t pid = fork();
	int ret;

	if (pid < 0)
		return -errno;
	if (pid == 0)
		child_exec(path, argv, fds);
	ret = wait_child(pid, status);
	if (!ret && out)
		ret = memfd_read(fds[1], out);
	if (!ret && err) {
		ret = memfd_read(fds[2], err);
		if (ret && out) {
			free(*out);
			*out = NULL;
		}
	}
	return ret;
}

int spawn_run(const char *const argv[], const char *input, char **out,
	      char **err, int *status)
{
	char path[PATH_MAX];
	int fds[3] = {-1, -1, -1}, ret, i;

	ret = resolve(argv[0], path, sizeof(path));
	if (ret)
		return ret;
	for (i = 0; i < 3; i++) {
		fds[i] = memfd_with(i == 0 ? input : NULL);
		if (fds[i] < 0) {
			ret = fds[i];
			goto out;
		}
	}
	ret = run_with(path, argv, fds, out, err, status);
out:
	for (i = 0; i < 3; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return ret;
}
