/* src/kern: the flock-based lock with iptables' -w semantics. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "kern/kern.h"
#include "lib/prog_run.h"

static char dir[256];
static char path[300];

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void busy_fails_at_once(void **state)
{
	int a, b = -1;
	double t;

	assert_int_equal(bf_lock_take(path, -1, 0, &a), 0);
	t = now();
	assert_int_equal(bf_lock_take(path, -1, 0, &b), -EWOULDBLOCK);
	assert_true(now() - t < 0.5);
	assert_int_equal(b, -1);
	bf_lock_drop(a);
	assert_int_equal(bf_lock_take(path, -1, 0, &b), 0);
	bf_lock_drop(b);
}

static void wait_times_out(void **state)
{
	int a, b = -1;
	double t;

	assert_int_equal(bf_lock_take(path, -1, 0, &a), 0);
	t = now();
	assert_int_equal(bf_lock_take(path, 1, 100000, &b), -ETIMEDOUT);
	t = now() - t;
	assert_true(t >= 0.95 && t < 2.0);
	bf_lock_drop(a);
}

/* Another process holds the lock for a while: -w N and -w (forever)
 * both get it once it is released. */
static void wait_gets_it(void **state)
{
	for (int secs = 0; secs <= 5; secs += 5) {
		int ready[2], b;
		char c;
		pid_t pid;
		double t;

		assert_int_equal(pipe(ready), 0);
		pid = fork();
		assert_true(pid >= 0);
		if (!pid) {
			int a;

			if (bf_lock_take(path, -1, 0, &a))
				_exit(1);
			if (write(ready[1], "x", 1) != 1)
				_exit(1);
			usleep(300000);
			_exit(0);
		}
		assert_int_equal(read(ready[0], &c, 1), 1);
		t = now();
		assert_int_equal(bf_lock_take(path, secs, 10000, &b), 0);
		t = now() - t;
		assert_true(t >= 0.2 && t < 2.0);
		bf_lock_drop(b);
		assert_int_equal(waitpid(pid, NULL, 0), pid);
		close(ready[0]);
		close(ready[1]);
	}
}

static void unopenable(void **state)
{
	int fd;

	assert_true(bf_lock_take("/nonexistent-dir/lock", -1, 0, &fd) < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(busy_fails_at_once),
		cmocka_unit_test(wait_times_out),
		cmocka_unit_test(wait_gets_it),
		cmocka_unit_test(unopenable),
	};
	int rc;

	if (prog_tmpdir(dir, sizeof(dir), "bf-lock-test")) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/lock", dir);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	unlink(path);
	rmdir(dir);
	return rc;
}
