/* The state lock: flock on a file, with iptables' -w semantics. Waiting
 * polls with LOCK_NB rather than using alarm() so the library installs
 * no signal handlers. */
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "kern/kern.h"

/* iptables' default -W interval. */
#define BF_LOCK_INTERVAL_US 1000000u

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static int lock_wait(int fd, int wait_secs, unsigned int interval_us)
{
	uint64_t deadline = now_us() + (uint64_t)wait_secs * 1000000u;

	if (!interval_us)
		interval_us = BF_LOCK_INTERVAL_US;
	for (;;) {
		uint64_t now;

		if (!flock(fd, LOCK_EX | LOCK_NB))
			return 0;
		if (errno != EWOULDBLOCK && errno != EINTR)
			return -errno;
		now = now_us();
		if (now >= deadline)
			return -ETIMEDOUT;
		usleep(deadline - now < interval_us ? (useconds_t)(deadline - now) : interval_us);
	}
}

int bf_lock_take(const char *path, int wait_secs, unsigned int interval_us, int *fd)
{
	int lfd, err = 0;

	lfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	/* A read-only state directory still locks (flock takes any fd): the
	 * command then fails where it writes, saying so, with nothing
	 * changed. */
	if (lfd < 0 && errno == EROFS)
		lfd = open(path, O_RDONLY | O_CLOEXEC);
	if (lfd < 0)
		return -errno;

	if (wait_secs < 0) {
		if (flock(lfd, LOCK_EX | LOCK_NB))
			err = -errno; /* -EWOULDBLOCK when busy */
	} else if (wait_secs == 0) {
		while (flock(lfd, LOCK_EX))
			if (errno != EINTR) {
				err = -errno;
				break;
			}
	} else {
		err = lock_wait(lfd, wait_secs, interval_us);
	}
	if (err) {
		close(lfd);
		return err;
	}
	*fd = lfd;
	return 0;
}

void bf_lock_drop(int fd)
{
	if (fd >= 0)
		close(fd); /* releases the flock */
}
