/* Offsets of the kernel structures a netfilter program reads (sk_buff,
 * inet_skb_parm, nf_hook_state, net_device), taken from the running
 * kernel's BTF: they change between kernel builds, so none is written
 * down here. */
#ifndef BF_KERN_BTF_OFFSETS_H
#define BF_KERN_BTF_OFFSETS_H

#include <stdint.h>

struct bf_nf_offsets {
	/* struct sk_buff */
	int16_t skb_len;            /* u32 len: bytes of the datagram */
	int16_t skb_head;           /* unsigned char *head */
	int16_t skb_data;           /* unsigned char *data */
	int16_t skb_mac_header;     /* u16, offset from head (0xffff: unset) */
	int16_t skb_network_header; /* u16, offset from head */
	int16_t skb_pkt_type;       /* byte holding the pkt_type:3 bitfield */
	uint8_t skb_pkt_type_shift; /* its bit position in that byte */
	/* IPCB(skb)->frag_max_size: skb->cb + offsetof(inet_skb_parm, ...),
	 * u16, non-zero only on a datagram ip_frag_reasm built. */
	int16_t skb_ipcb_frag_max_size;
	/* IP6CB(skb)->frag_max_size: set on a datagram conntrack's IPv6
	 * defragmentation built. */
	int16_t skb_ip6cb_frag_max_size;
	/* struct nf_hook_state */
	int16_t state_in;           /* struct net_device *in */
	int16_t state_out;          /* struct net_device *out */
	int16_t state_pf;           /* u8 pf: NFPROTO_IPV4 or NFPROTO_IPV6 */
	/* struct net_device */
	int16_t dev_name;           /* char name[16] */
	int16_t dev_ifindex;        /* int ifindex */
	/* BTF id of the kfunc bpf_dynptr_from_skb in vmlinux. */
	int32_t kfunc_dynptr_from_skb;

	/* Conntrack (cgen/ct.c). struct sk_buff: */
	int16_t skb_nfct;           /* unsigned long _nfct: nf_conn | ctinfo */
	int16_t skb_end;            /* sk_buff_data_t end: skb_shinfo() */
	int16_t shinfo_meta_len;    /* u8 skb_shared_info.meta_len */
	/* struct nf_conn */
	int16_t ct_status;          /* unsigned long status (IPS_*) */
	int16_t ct_timeout;         /* u32 timeout: jiffies it expires at */
	int16_t ct_protonum;        /* tuplehash[0].tuple.dst.protonum, u8 */
	/* tuplehash[0].tuple (the original direction's): addresses (the
	 * first word for IPv4), ports (u16, network order) */
	int16_t ct_src_addr, ct_dst_addr, ct_src_port, ct_dst_port;
	int16_t ct_tuplehash_size;  /* what to add for tuplehash[1] (reply) */
	int16_t ct_tcp_state;       /* proto.tcp.state, u8 */
	int16_t ct_tcp_seen;        /* proto.tcp.seen[0] (ip_ct_tcp_state) */
	int16_t ct_tcp_seen_size;   /* sizeof(struct ip_ct_tcp_state) */
	/* struct ip_ct_tcp_state, u32 each */
	int16_t tcp_td_end, tcp_td_maxend, tcp_td_maxwin;
	/* TC egress (cgen/tc.c): struct sk_buff's sock *sk, sock_common's
	 * u16 skc_family; the kfunc bpf_cast_to_kern_ctx's BTF id. */
	int16_t skb_sk;
	int16_t sk_family;
	/* -m addrtype at the netfilter hooks: sk_buff's unsigned long
	 * _skb_refdst (the route, bit 0 a flag), rtable's u16 rt_type. */
	int16_t skb_refdst;
	int16_t rt_type;
	int32_t kfunc_cast_to_kern_ctx;
	/* BTF ids of the kfuncs bpf_xdp_ct_lookup and bpf_ct_release. */
	int32_t kfunc_xdp_ct_lookup;
	int32_t kfunc_ct_release;
};

/* Fills o from /sys/kernel/btf/vmlinux (read once, then cached: in the
 * process, and in $BPFILTER_RUN_DIR/.btf-offsets, default /run/bpfilter,
 * for the later commands of the same boot). 0, or -errno with a message
 * when the BTF or one of the fields is missing. */
int bf_nf_offsets_get(struct bf_nf_offsets *o);

#endif
