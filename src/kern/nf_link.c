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
	if (fd < 0)
		return bf_err(-errno, "cannot attach to netfilter hook %u of family %u: %s",
			      hooknum, pf, strerror(errno));
	return (int)fd;
}

int bf_nf_prog_array_create(void)
{
	int fd = bpf_map_create(BPF_MAP_TYPE_PROG_ARRAY, "bf_nf_slot", sizeof(uint32_t),
				sizeof(uint32_t), 1, NULL);

	if (fd < 0)
		return bf_err(-errno, "cannot create the dispatcher's prog_array: %s",
			      strerror(errno));
	return fd;
}

int bf_nf_dispatcher_load(int prog_array_fd, int fallback)
{
	/* bpf_tail_call(ctx, map, 0); return fallback. The context is
	 * handed over unchanged, so the called program sees the same skb. */
	const struct bpf_insn insns[] = {
		BPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
		{.code = BPF_LD | BPF_DW | BPF_IMM, .dst_reg = BPF_REG_2,
		 .src_reg = BPF_PSEUDO_MAP_FD, .imm = prog_array_fd},
		{0},
		BPF_MOV64_IMM(BPF_REG_3, 0),
		BPF_CALL_HELPER(BPF_FUNC_tail_call),
		BPF_MOV64_IMM(BPF_REG_0, fallback),
		BPF_EXIT_INSN(),
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = BF_ATTACH_NETFILTER);
	int fd = bpf_prog_load(BF_PROG_TYPE_NETFILTER, "bf_nf_dispatch", "GPL", insns,
			       sizeof(insns) / sizeof(insns[0]), &opts);

	if (fd < 0)
		return bf_err(-errno, "cannot load the netfilter dispatcher: %s", strerror(errno));
	return fd;
}
