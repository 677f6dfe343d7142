/* The ipset lookup of libxt_set.h (get_version, get_set_byname). */
#include "ext/stateful_ipset.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/netfilter/ipset/ip_set.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"

/* The kernel's messages are iptables' OTHER_PROBLEM ones (exit 1). */
static int ipset_socket(unsigned int *version)
{
	struct ip_set_req_version req = {.op = IP_SET_OP_VERSION};
	socklen_t size = sizeof(req);
	int fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);

	if (fd < 0)
		return bf_err(-EPROTO, "Can't open socket to ipset.\n");
	if (getsockopt(fd, SOL_IP, SO_IP_SET, &req, &size)) {
		close(fd);
		return bf_err(-EPROTO, "Kernel module xt_set is not loaded in.\n");
	}
	*version = req.version;
	return fd;
}

__attribute__((weak)) int bf_sf_ipset_family(const char *name, unsigned int *family)
{
	struct ip_set_req_get_set_family req = {.op = IP_SET_OP_GET_FNAME};
	socklen_t size = sizeof(req);
	int fd = ipset_socket(&req.version), res, err;

	if (fd < 0)
		return fd;
	strncpy(req.set.name, name, IPSET_MAXNAMELEN - 1);
	res = getsockopt(fd, SOL_IP, SO_IP_SET, &req, &size);
	err = errno;
	close(fd);
	if (res)
		return bf_err(-EPROTO, "Problem when communicating with ipset, errno=%d.\n", err);
	if (size != sizeof(req))
		return bf_err(-EPROTO, "Incorrect return size from kernel during ipset lookup, "
			      "(want %zu, got %zu)\n", sizeof(req), (size_t)size);
	if (req.set.index == IPSET_INVALID_ID)
		return bf_err(-EINVAL, "Set %s doesn't exist.\n", name);
	*family = req.family;
	return 0;
}
