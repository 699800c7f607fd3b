// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <cmocka.h>

#include "runctl.h"

static uint64_t watchdog(const char *usec, const char *pid)
{
	if (usec)
		setenv("WATCHDOG_USEC", usec, 1);
	else
		unsetenv("WATCHDOG_USEC");
	if (pid)
		setenv("WATCHDOG_PID", pid, 1);
	else
		unsetenv("WATCHDOG_PID");
	return runctl_watchdog_usec();
}

static void test_watchdog_usec(void **state)
{
	char me[32];

	(void)state;
	snprintf(me, sizeof(me), "%ld", (long)getpid());
	assert_int_equal(watchdog("2000000", NULL), 2000000);
	assert_int_equal(watchdog("30000000", me), 30000000);
	/* the variables are gone once read: no child takes them */
	assert_null(getenv("WATCHDOG_USEC"));
	assert_null(getenv("WATCHDOG_PID"));
	assert_int_equal(runctl_watchdog_usec(), 0);
	/* not ours, or not a whole positive number */
	assert_int_equal(watchdog("2000000", "1"), 0);
	assert_int_equal(watchdog("2000000", "x"), 0);
	assert_int_equal(watchdog(NULL, NULL), 0);
	assert_int_equal(watchdog("", NULL), 0);
	assert_int_equal(watchdog("0", NULL), 0);
	assert_int_equal(watchdog("-5", NULL), 0);
	assert_int_equal(watchdog(" 5", NULL), 0);
	assert_int_equal(watchdog("12x", NULL), 0);
	assert_int_equal(watchdog("99999999999999999999999", NULL), 0);
}

/* A receiver at an abstract name unique to this process. */
static int listener(char *name, size_t len)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	size_t n;

	assert_true(fd >= 0);
	snprintf(name, len, "@nfjudge-test-runctl-%ld", (long)getpid());
	n = strlen(name);
	memcpy(sa.sun_path + 1, name + 1, n - 1);
	assert_int_equal(
		bind(fd, (struct sockaddr *)&sa,
		     (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n)),
		0);
	return fd;
}

static void test_notify_reloading(void **state)
{
	char name[64], buf[256];
	unsigned long long usec;
	struct timespec ts;
	uint64_t now;
	ssize_t n;
	int fd = listener(name, sizeof(name));

	(void)state;
	setenv("NOTIFY_SOCKET", name, 1);
	runctl_notify_reloading();
	n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	assert_true(n > 0);
	buf[n] = '\0';
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
	/* one datagram, both lines */
	assert_int_equal(sscanf(buf, "RELOADING=1\nMONOTONIC_USEC=%llu", &usec),
			 1);
	assert_true(usec <= now && now - usec < 5000000);
	runctl_notify("READY=1");
	n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	assert_int_equal(n, 7);
	assert_memory_equal(buf, "READY=1", 7);
	unsetenv("NOTIFY_SOCKET");
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_watchdog_usec),
		cmocka_unit_test(test_notify_reloading),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
