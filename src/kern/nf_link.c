/* Netfilter BPF links and the tail-call dispatcher (nf_link.h). libbpf
 * 1.1 predates netfilter links: the link is created with bpf(2)
 * directly, with the attribute layout of the kernel's UAPI. */
#include <bpf/bpf.h>
#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgen/insn.h"
#include "cgen/nf_uapi.h"
#include "common/log.h"
#include "kern/nf_link.h"

int bf_nf_link_create(int prog_fd, uint32_t pf, uint32_t hooknum, int32_t priority,
		      uint32_t flags)
{
	/* The whole union bpf_attr size, zeroed: the kernel checks that
	 * the bytes past what it knows are zero. */
	union {
		union bpf_attr attr;
		struct bf_nf_link_create_attr nf;
		char pad[256];
	} a;
	long fd;

	memset(&a, 0, sizeof(a));
	a.nf.prog_fd = (uint32_t)prog_fd;
	a.nf.attach_type = BF_ATTACH_NETFILTER;
	a.nf.netfilter.pf = pf;
	a.nf.netfilter.hooknum = hooknum;
	a.nf.netfilter.priority = priority;
	a.nf.netfilter.flags = flags;
	fd = syscall(__NR_bpf, BPF_LINK_CREATE, &a, sizeof(a.attr));
	/* The kernel takes one hook per priority: iptables-legacy's table
	 * of the same priority (filter: 0, raw: -300) in this namespace
	 * holds it. */
	if (fd < 0 && errno == EBUSY)
		return bf_err(-EBUSY, "cannot attach to netfilter hook %u of family %u at priority %d: "
			      "another hook holds that priority in this network namespace (an "
			      "iptables-legacy table: flush it and remove it, e.g. rmmod or a fresh "
			      "namespace)", hooknum, pf, priority);
	if (fd < 0)
		return bf_err(-errno, "cannot attach to netfilter hook %u of family %u: %s",
			      hooknum, pf, strerror(errno));
	return (int)fd;
}

int bf_nf_slots_create(uint32_t n)
{
	int fd = bpf_map_create(BPF_MAP_TYPE_PROG_ARRAY, BF_NF_SLOTS_MAP_NAME, sizeof(uint32_t),
				sizeof(uint32_t), n, NULL);

	if (fd < 0)
		return bf_err(-errno, "cannot create the dispatcher's prog_array: %s",
			      strerror(errno));
	return fd;
}

int bf_nf_ifmap_create(uint32_t n)
{
	int fd = bpf_map_create(BPF_MAP_TYPE_HASH, BF_NF_IFMAP_MAP_NAME, sizeof(uint32_t),
				sizeof(uint32_t), n, NULL);

	if (fd < 0)
		return bf_err(-errno, "cannot create the dispatcher's interface map: %s",
			      strerror(errno));
	return fd;
}
