/* UAPI values for BPF netfilter programs and links (kernel 6.4 on), which
 * the 6.1 headers lack. Own names, so they never clash with the enum
 * members of newer headers; the numbers are the kernel's ABI. */
#ifndef BF_CGEN_NF_UAPI_H
#define BF_CGEN_NF_UAPI_H

#include <linux/types.h>

#ifndef BF_PROG_TYPE_NETFILTER
#define BF_PROG_TYPE_NETFILTER 32   /* enum bpf_prog_type, after SYSCALL (31) */
#endif
#ifndef BF_ATTACH_NETFILTER
#define BF_ATTACH_NETFILTER 45      /* enum bpf_attach_type: LSM_CGROUP (43),
				     * STRUCT_OPS, NETFILTER */
#endif
#ifndef BF_LINK_TYPE_NETFILTER
#define BF_LINK_TYPE_NETFILTER 10
#endif
#ifndef BF_F_NETFILTER_IP_DEFRAG
#define BF_F_NETFILTER_IP_DEFRAG (1U << 0)
#endif

/* linux/netfilter.h pulls linux/in.h, which clashes with netinet/in.h. */
#define BF_NF_DROP 0
#define BF_NF_ACCEPT 1
#define BF_NFPROTO_IPV4 2
#define BF_NFPROTO_IPV6 10
#define BF_NF_INET_PRE_ROUTING 0
#define BF_NF_INET_LOCAL_IN 1
#define BF_NF_INET_FORWARD 2
#define BF_NF_INET_LOCAL_OUT 3
#define BF_NF_IP_PRI_RAW (-300)
#define BF_NF_IP_PRI_FILTER 0

/* The context: struct bpf_nf_ctx (include/net/netfilter/nf_bpf_link.h);
 * the verifier gives both fields as trusted BTF pointers. */
#define BF_NF_CTX_STATE 0 /* const struct nf_hook_state * */
#define BF_NF_CTX_SKB 8   /* struct sk_buff * */

/* union bpf_attr's link_create for BPF_LINK_CREATE on a netfilter hook. */
struct bf_nf_link_create_attr {
	__u32 prog_fd;
	__u32 target_fd;   /* 0 */
	__u32 attach_type; /* BF_ATTACH_NETFILTER */
	__u32 flags;       /* 0 */
	struct {
		__u32 pf;      /* NFPROTO_IPV4 */
		__u32 hooknum; /* NF_INET_LOCAL_IN */
		__s32 priority;
		__u32 flags;   /* BF_F_NETFILTER_IP_DEFRAG */
	} netfilter;
};

#endif
