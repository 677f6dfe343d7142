/* TC egress attachment (tc.h). tcx through bpf(2): libbpf 1.1's
 * wrappers pass the attach type through, but its headers predate tcx,
 * so the type's value is the kernel UAPI's. clsact through libbpf's
 * netlink calls. */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "kern/kern_int.h"
#include "kern/tc.h"

#define BF_TCX_EGRESS 47 /* enum bpf_attach_type, Linux 6.6 */
/* Our cls_bpf filter on clsact egress. */
#define BF_CLSACT_HANDLE 0xbf
#define BF_CLSACT_PRIO 1
#define BF_TCX_MAX_PROGS 64

const char *bf_tc_kind_name(enum bf_tc_kind k)
{
	return k == BF_TC_TCX ? "tcx" : k == BF_TC_CLSACT ? "clsact" : "none";
}

static bool ours(uint32_t id, int *prog_fd)
{
	struct bf_prog_facts f;
	int fd;

	if (bf_prog_by_id(id, &fd))
		return false;
	if (!bf_prog_facts(fd, &f) && !strcmp(f.name, BF_PROG_TC_NAME)) {
		*prog_fd = fd;
		return true;
	}
	close(fd);
	return false;
}

static int find_tcx(int ifindex, int *prog_fd)
{
	uint32_t ids[BF_TCX_MAX_PROGS];
	LIBBPF_OPTS(bpf_prog_query_opts, q, .prog_ids = ids, .prog_cnt = BF_TCX_MAX_PROGS);

	if (bpf_prog_query_opts(ifindex, (enum bpf_attach_type)BF_TCX_EGRESS, &q))
		return -errno;
	for (uint32_t i = 0; i < q.prog_cnt && i < BF_TCX_MAX_PROGS; i++)
		if (ours(ids[i], prog_fd))
			return 0;
	return -ENOENT;
}

static void clsact_hook(struct bpf_tc_hook *h, int ifindex)
{
	memset(h, 0, sizeof(*h));
	h->sz = sizeof(*h);
	h->ifindex = ifindex;
	h->attach_point = BPF_TC_EGRESS;
}

static int find_clsact(int ifindex, int *prog_fd)
{
	struct bpf_tc_hook h;
	LIBBPF_OPTS(bpf_tc_opts, o, .handle = BF_CLSACT_HANDLE, .priority = BF_CLSACT_PRIO);

	clsact_hook(&h, ifindex);
	if (bpf_tc_query(&h, &o))
		return -ENOENT;
	return ours(o.prog_id, prog_fd) ? 0 : -ENOENT;
}

int bf_tc_find(int ifindex, int *prog_fd, enum bf_tc_kind *kind)
{
	*kind = BF_TC_NONE;
	*prog_fd = -1;
	bf_kern_log_init();
	if (!find_tcx(ifindex, prog_fd)) {
		*kind = BF_TC_TCX;
		return 0;
	}
	if (!find_clsact(ifindex, prog_fd)) {
		*kind = BF_TC_CLSACT;
		return 0;
	}
	return -ENOENT;
}

static int attach_clsact(int ifindex, int prog_fd)
{
	struct bpf_tc_hook h;
	LIBBPF_OPTS(bpf_tc_opts, o, .prog_fd = prog_fd, .handle = BF_CLSACT_HANDLE,
		    .priority = BF_CLSACT_PRIO, .flags = BPF_TC_F_REPLACE);
	int err;

	clsact_hook(&h, ifindex);
	err = bpf_tc_hook_create(&h);
	if (err && err != -EEXIST)
		return err;
	return bpf_tc_attach(&h, &o);
}

static int attach_tcx(int ifindex, int prog_fd, int old_fd)
{
	LIBBPF_OPTS(bpf_prog_attach_opts, o, .flags = old_fd >= 0 ? BPF_F_REPLACE : 0,
		    .replace_prog_fd = old_fd >= 0 ? old_fd : 0);

	if (bpf_prog_attach_opts(prog_fd, ifindex, (enum bpf_attach_type)BF_TCX_EGRESS, &o))
		return -errno;
	return 0;
}

static bool want_clsact(void)
{
	const char *e = getenv("BPFILTER_TC");

	return e && !strcmp(e, "clsact");
}

int bf_tc_attach(int ifindex, const char *ifname, int prog_fd, int old_fd,
		 enum bf_tc_kind old_kind, enum bf_tc_kind *kind)
{
	int err;

	bf_kern_log_init();
	if (old_fd >= 0 && old_kind == BF_TC_CLSACT) {
		*kind = BF_TC_CLSACT;
		err = attach_clsact(ifindex, prog_fd); /* cls_bpf swaps in place */
	} else if (old_fd >= 0 || !want_clsact()) {
		*kind = BF_TC_TCX;
		err = attach_tcx(ifindex, prog_fd, old_fd);
		/* No tcx in this kernel (before 6.6): the attach type is
		 * unknown to it. */
		if (old_fd < 0 && (err == -EINVAL || err == -EOPNOTSUPP)) {
			*kind = BF_TC_CLSACT;
			err = attach_clsact(ifindex, prog_fd);
			if (!err)
				bf_log(BF_LOG_WARN, "%s: no tcx in this kernel: OUTPUT attached "
				       "through a clsact qdisc", ifname);
		}
	} else {
		*kind = BF_TC_CLSACT;
		err = attach_clsact(ifindex, prog_fd);
	}
	if (err)
		bf_err(err, "cannot attach OUTPUT's program to %s egress (%s): %s", ifname,
		       bf_tc_kind_name(*kind),
		       bf_kern_last_msg() ? bf_kern_last_msg() : strerror(-err));
	return err;
}

int bf_tc_detach(int ifindex, int prog_fd, enum bf_tc_kind kind)
{
	bf_kern_log_init();
	if (kind == BF_TC_TCX)
		return bpf_prog_detach2(prog_fd, ifindex, (enum bpf_attach_type)BF_TCX_EGRESS) ?
			       -errno : 0;
	if (kind == BF_TC_CLSACT) {
		struct bpf_tc_hook h;
		LIBBPF_OPTS(bpf_tc_opts, o, .handle = BF_CLSACT_HANDLE, .priority = BF_CLSACT_PRIO);

		clsact_hook(&h, ifindex);
		return bpf_tc_detach(&h, &o);
	}
	return 0;
}
