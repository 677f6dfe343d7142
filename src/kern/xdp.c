/* XDP attachment through netlink: no bpf_link, so the program stays
 * attached after the command exits and needs no pin. Every change goes
 * through XDP_FLAGS_REPLACE with the program we expect to replace. */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <string.h>
#include <unistd.h>

#include "cgen/insn.h"
#include "common/log.h"
#include "kern/kern.h"
#include "kern/kern_int.h"

static const char *const mode_names[] = {
	[BF_XDP_NATIVE] = "native",
	[BF_XDP_GENERIC] = "generic",
	[BF_XDP_OFFLOAD] = "offload",
	[BF_XDP_AUTO] = "auto",
};

const char *bf_xdp_mode_name(enum bf_xdp_mode m)
{
	return (unsigned int)m < sizeof(mode_names) / sizeof(mode_names[0]) ? mode_names[m] : "?";
}

int bf_xdp_mode_by_name(const char *name, enum bf_xdp_mode *m)
{
	for (size_t i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++) {
		if (!strcmp(name, mode_names[i])) {
			*m = (enum bf_xdp_mode)i;
			return 0;
		}
	}
	return -EINVAL;
}

static uint32_t mode_flag(enum bf_xdp_mode m)
{
	if (m == BF_XDP_OFFLOAD)
		return XDP_FLAGS_HW_MODE;
	return m == BF_XDP_GENERIC ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE;
}

/* libbpf takes old_prog_fd 0 to mean "none": never pass it fd 0. */
static int expect(int fd, int *tmp)
{
	*tmp = -1;
	if (fd != 0)
		return fd;
	*tmp = fcntl(fd, F_DUPFD_CLOEXEC, 1);
	return *tmp;
}

static int set_prog(int ifindex, int prog_fd, enum bf_xdp_mode mode, int old_prog_fd)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, opts);
	uint32_t flags = mode_flag(mode);
	int tmp = -1, err;

	bf_kern_log_init();
	if (old_prog_fd >= 0) {
		opts.old_prog_fd = expect(old_prog_fd, &tmp);
		if (opts.old_prog_fd < 0)
			return -errno;
		flags |= XDP_FLAGS_REPLACE;
	} else {
		flags |= XDP_FLAGS_UPDATE_IF_NOEXIST;
	}
	err = bpf_xdp_attach(ifindex, prog_fd, flags, &opts);
	if (tmp >= 0)
		close(tmp);
	return err;
}

int bf_xdp_attach(int ifindex, int prog_fd, enum bf_xdp_mode mode, int old_prog_fd)
{
	return set_prog(ifindex, prog_fd, mode, old_prog_fd);
}

int bf_xdp_detach(int ifindex, enum bf_xdp_mode mode, int old_prog_fd)
{
	if (old_prog_fd < 0)
		return -EINVAL; /* only ever remove a program we know */
	return set_prog(ifindex, -1, mode, old_prog_fd);
}

int bf_xdp_query(int ifindex, enum bf_xdp_mode mode, uint32_t *prog_id)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, opts);
	int err;

	bf_kern_log_init();
	err = bpf_xdp_query(ifindex, 0, &opts);
	if (err)
		return err;
	*prog_id = mode == BF_XDP_GENERIC ? opts.skb_prog_id :
		   mode == BF_XDP_OFFLOAD ? opts.hw_prog_id : opts.drv_prog_id;
	return 0;
}

int bf_xdp_offload_probe(int ifindex, const char *ifname)
{
	const struct bpf_insn pass[] = {BPF_MOV64_IMM(BPF_REG_0, XDP_PASS), BPF_EXIT_INSN()};
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .prog_ifindex = (uint32_t)ifindex);
	int fd;

	bf_kern_log_init();
	fd = bpf_prog_load(BPF_PROG_TYPE_XDP, "bf_probe", "GPL", pass, 2, &opts);
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	/* Whatever the kernel's errno (veth: EINVAL), not the user's error. */
	return bf_err(-EOPNOTSUPP, "%s: cannot offload XDP: its driver does not run BPF programs in "
		      "hardware (%s); offload needs a NIC that does (such as Netronome Agilio "
		      "SmartNICs): use --mode native or generic", ifname, strerror(errno));
}
