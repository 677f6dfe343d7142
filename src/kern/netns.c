/* The network namespace's identity, to key its state directory. */
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"
#include "kern/kern.h"

/* Linux 5.14; older libc headers lack it. */
#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif

int bf_netns_cookie(uint64_t *cookie)
{
	socklen_t len = sizeof(*cookie);
	int fd, err = 0;

	/* Any socket belongs to the namespace of the process creating it. */
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return bf_err(-errno, "cannot create a socket: %m");
	if (getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, cookie, &len) < 0)
		err = bf_err(-errno, "cannot read the network namespace cookie: %m");
	close(fd);
	return err;
}
