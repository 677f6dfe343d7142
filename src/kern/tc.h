/* Our program at an interface's TC egress (cgen/tc.h): attached through
 * tcx without a link, so it stays after the command exits and is swapped
 * atomically (BPF_F_REPLACE with the expected old program); through a
 * clsact qdisc's cls_bpf filter (direct action, a fixed handle and
 * priority, replaced in place) where the kernel has no tcx or
 * BPFILTER_TC=clsact asks for it. Found again through the interface, by
 * the program's name (BF_PROG_TC_NAME). */
#ifndef BF_KERN_TC_H
#define BF_KERN_TC_H

#define BF_PROG_TC_NAME "bpfilter_out"

enum bf_tc_kind {
	BF_TC_NONE,
	BF_TC_TCX,
	BF_TC_CLSACT,
};
const char *bf_tc_kind_name(enum bf_tc_kind k);

/* Our egress program on ifindex, opened, and how it is attached:
 * -ENOENT (kind BF_TC_NONE) when there is none. */
int bf_tc_find(int ifindex, int *prog_fd, enum bf_tc_kind *kind);
/* Attaches prog_fd at egress: in place of old_fd (attached as old_kind,
 * atomically) when old_fd >= 0, else as a new attachment (tcx, else
 * clsact). The kind used in *kind. Logged on failure. */
int bf_tc_attach(int ifindex, const char *ifname, int prog_fd, int old_fd,
		 enum bf_tc_kind old_kind, enum bf_tc_kind *kind);
/* Detaches prog_fd, attached as kind. */
int bf_tc_detach(int ifindex, int prog_fd, enum bf_tc_kind kind);

#endif
