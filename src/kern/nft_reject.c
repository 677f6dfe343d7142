/* nf_tables over netlink (nft_reject.h): the nft command cannot write an
 * xt match into a rule, so the transaction is built here, one nfnetlink
 * batch, as nf_tables.h and nfnetlink.h lay it out. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nf_tables_compat.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/xt_bpf.h>
#include <linux/netlink.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "common/log.h"
#include "kern/nft_reject.h"

/* Twice 11 rules of ~650 bytes each, with room to spare. */
#define BATCH_MAX 32768

/* A table each: family inet would do both, but nft then lists the rules
 * with a libxtables warning each. */
static const uint8_t families[] = {NFPROTO_IPV4, NFPROTO_IPV6};

struct batch {
	char buf[BATCH_MAX] __attribute__((aligned(NLMSG_ALIGNTO)));
	size_t len;
	uint32_t seq;
	uint32_t last_ack; /* the last message that asks for an answer */
	bool overflow;
};

static void *put(struct batch *b, size_t len)
{
	size_t aligned = NLMSG_ALIGN(len);
	void *p;

	if (b->len + aligned > sizeof(b->buf)) {
		b->overflow = true;
		return NULL;
	}
	p = b->buf + b->len;
	memset(p, 0, aligned);
	b->len += aligned;
	return p;
}

static struct nlmsghdr *msg_begin(struct batch *b, uint16_t type, uint16_t flags, uint8_t family)
{
	struct nlmsghdr *h = put(b, sizeof(*h));
	struct nfgenmsg *g = put(b, sizeof(*g));

	if (!h || !g)
		return NULL;
	h->nlmsg_type = type;
	h->nlmsg_flags = NLM_F_REQUEST | flags;
	h->nlmsg_seq = ++b->seq;
	if (flags & NLM_F_ACK)
		b->last_ack = b->seq;
	g->nfgen_family = family;
	g->version = NFNETLINK_V0;
	g->res_id = htons(NFNL_SUBSYS_NFTABLES);
	return h;
}

static void msg_end(struct batch *b, struct nlmsghdr *h)
{
	if (h)
		h->nlmsg_len = (uint32_t)(b->buf + b->len - (char *)h);
}

static struct nlattr *attr(struct batch *b, uint16_t type, const void *data, size_t len)
{
	struct nlattr *a = put(b, NLA_HDRLEN + len);

	if (!a)
		return NULL;
	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + len);
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	return a;
}

static void attr_str(struct batch *b, uint16_t type, const char *s)
{
	attr(b, type, s, strlen(s) + 1);
}

static void attr_be32(struct batch *b, uint16_t type, uint32_t v)
{
	v = htonl(v);
	attr(b, type, &v, sizeof(v));
}

static struct nlattr *nest_begin(struct batch *b, uint16_t type)
{
	struct nlattr *a = attr(b, type | NLA_F_NESTED, NULL, 0);

	return a;
}

static void nest_end(struct batch *b, struct nlattr *a)
{
	if (a)
		a->nla_len = (uint16_t)(b->buf + b->len - (char *)a);
}

static void table_msg(struct batch *b, uint8_t family, uint16_t msg, uint16_t flags)
{
	struct nlmsghdr *h = msg_begin(b, NFNL_SUBSYS_NFTABLES << 8 | msg, flags | NLM_F_ACK,
				       family);

	attr_str(b, NFTA_TABLE_NAME, BF_NFT_REJECT_TABLE);
	msg_end(b, h);
}

static void chain_msg(struct batch *b, uint8_t family)
{
	struct nlmsghdr *h = msg_begin(b, NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_NEWCHAIN,
				       NLM_F_CREATE | NLM_F_ACK, family);
	struct nlattr *hook;

	attr_str(b, NFTA_CHAIN_TABLE, BF_NFT_REJECT_TABLE);
	attr_str(b, NFTA_CHAIN_NAME, BF_NFT_REJECT_CHAIN);
	hook = nest_begin(b, NFTA_CHAIN_HOOK);
	attr_be32(b, NFTA_HOOK_HOOKNUM, NF_INET_LOCAL_IN);
	attr_be32(b, NFTA_HOOK_PRIORITY, BF_NFT_REJECT_PRIORITY);
	nest_end(b, hook);
	attr_be32(b, NFTA_CHAIN_POLICY, NF_ACCEPT);
	attr_str(b, NFTA_CHAIN_TYPE, "filter");
	msg_end(b, h);
}

/* xt_bpf revision 1, the program given by fd (XT_BPF_MODE_FD_ELF): the
 * rule takes its own reference. */
static void match_expr(struct batch *b, int fd)
{
	struct xt_bpf_info_v1 info;
	struct nlattr *elem, *data;
	uint32_t rev = htonl(1);

	memset(&info, 0, sizeof(info));
	info.mode = XT_BPF_MODE_FD_ELF;
	info.fd = fd;
	elem = nest_begin(b, NFTA_LIST_ELEM);
	attr_str(b, NFTA_EXPR_NAME, "match");
	data = nest_begin(b, NFTA_EXPR_DATA);
	attr_str(b, NFTA_MATCH_NAME, "bpf");
	attr(b, NFTA_MATCH_REV, &rev, sizeof(rev));
	attr(b, NFTA_MATCH_INFO, &info, sizeof(info));
	nest_end(b, data);
	nest_end(b, elem);
}

static void reject_expr(struct batch *b, uint8_t type, uint8_t code)
{
	struct nlattr *elem = nest_begin(b, NFTA_LIST_ELEM), *data;

	attr_str(b, NFTA_EXPR_NAME, "reject");
	data = nest_begin(b, NFTA_EXPR_DATA);
	attr_be32(b, NFTA_REJECT_TYPE, type);
	attr(b, NFTA_REJECT_ICMP_CODE, &code, sizeof(code));
	nest_end(b, data);
	nest_end(b, elem);
}

static void rule_msg(struct batch *b, uint8_t family, const struct bf_nft_reject_rule *r)
{
	struct nlmsghdr *h = msg_begin(b, NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_NEWRULE,
				       NLM_F_CREATE | NLM_F_APPEND | NLM_F_ACK, family);
	struct nlattr *exprs;

	attr_str(b, NFTA_RULE_TABLE, BF_NFT_REJECT_TABLE);
	attr_str(b, NFTA_RULE_CHAIN, BF_NFT_REJECT_CHAIN);
	exprs = nest_begin(b, NFTA_RULE_EXPRESSIONS);
	match_expr(b, r->match_fd);
	reject_expr(b, r->type, r->code);
	nest_end(b, exprs);
	msg_end(b, h);
}

static void batch_mark(struct batch *b, uint16_t type)
{
	struct nlmsghdr *h = msg_begin(b, type, 0, AF_UNSPEC);

	msg_end(b, h);
}

/* Sends the messages; the first error the kernel reports for any of
 * them, once it has answered the last that asks for an answer. Other
 * answers go to on_msg (NULL: none expected). */
static int transact(struct batch *b, void (*on_msg)(const struct nlmsghdr *h, void *data),
		    void *data)
{
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
	struct timeval tv = {.tv_sec = 5};
	char rbuf[8192] __attribute__((aligned(NLMSG_ALIGNTO)));
	int fd, err = 0;
	bool done = false;

	if (b->overflow)
		return -E2BIG;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    sendto(fd, b->buf, b->len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		err = -errno;
	while (!err && !done) {
		ssize_t n = recv(fd, rbuf, sizeof(rbuf), 0);
		struct nlmsghdr *h;

		if (n < 0) {
			err = -errno;
			break;
		}
		for (h = (struct nlmsghdr *)rbuf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);

				if (e->error && !err)
					err = e->error;
			} else if (on_msg) {
				on_msg(h, data);
			}
			if (h->nlmsg_seq >= b->last_ack)
				done = true;
		}
	}
	close(fd);
	return err;
}

int bf_nft_reject_install(const struct bf_nft_reject_rule *rules, size_t n)
{
	static struct batch b;
	int err;

	memset(&b, 0, sizeof(b));
	batch_mark(&b, NFNL_MSG_BATCH_BEGIN);
	for (size_t f = 0; f < sizeof(families); f++) {
		/* Created if missing, so that the delete cannot fail: the
		 * table is replaced whole, in the same transaction. */
		table_msg(&b, families[f], NFT_MSG_NEWTABLE, NLM_F_CREATE);
		table_msg(&b, families[f], NFT_MSG_DELTABLE, 0);
		table_msg(&b, families[f], NFT_MSG_NEWTABLE, NLM_F_CREATE);
		chain_msg(&b, families[f]);
		for (size_t i = 0; i < n; i++)
			rule_msg(&b, families[f], &rules[i]);
	}
	batch_mark(&b, NFNL_MSG_BATCH_END);
	err = transact(&b, NULL, NULL);
	if (err)
		return bf_err(err, "cannot install the nft tables ip and ip6 %s that send "
			      "REJECT's answers for the netfilter stage: %s", BF_NFT_REJECT_TABLE,
			      strerror(-err));
	return 0;
}

/* The chain's use count (its rules) from a NEWCHAIN answer: the
 * smallest of the families' into *(uint32_t *)data. */
static void chain_use(const struct nlmsghdr *h, void *data)
{
	const struct nlattr *a = (const void *)((const char *)NLMSG_DATA(h) +
						NLMSG_ALIGN(sizeof(struct nfgenmsg)));
	int left = (int)h->nlmsg_len - (int)NLMSG_SPACE(sizeof(struct nfgenmsg));
	uint32_t *min = data;

	if (h->nlmsg_type != (NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_NEWCHAIN))
		return;
	for (; left >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= left;
	     left -= NLA_ALIGN(a->nla_len), a = (const void *)((const char *)a + NLA_ALIGN(a->nla_len))) {
		uint32_t use;

		if ((a->nla_type & NLA_TYPE_MASK) != NFTA_CHAIN_USE || a->nla_len < NLA_HDRLEN + 4)
			continue;
		memcpy(&use, (const char *)a + NLA_HDRLEN, sizeof(use));
		if (ntohl(use) < *min)
			*min = ntohl(use);
	}
}

bool bf_nft_reject_present(size_t n)
{
	static struct batch b;
	uint32_t min = UINT32_MAX;

	memset(&b, 0, sizeof(b));
	for (size_t f = 0; f < sizeof(families); f++) {
		struct nlmsghdr *h = msg_begin(&b, NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_GETCHAIN,
					       NLM_F_ACK, families[f]);

		attr_str(&b, NFTA_CHAIN_TABLE, BF_NFT_REJECT_TABLE);
		attr_str(&b, NFTA_CHAIN_NAME, BF_NFT_REJECT_CHAIN);
		msg_end(&b, h);
	}
	/* Any error (a family's chain missing): not there. */
	return !transact(&b, chain_use, &min) && min == n;
}

int bf_nft_reject_remove(void)
{
	static struct batch b;
	int err;

	memset(&b, 0, sizeof(b));
	batch_mark(&b, NFNL_MSG_BATCH_BEGIN);
	for (size_t f = 0; f < sizeof(families); f++) {
		table_msg(&b, families[f], NFT_MSG_NEWTABLE, NLM_F_CREATE);
		table_msg(&b, families[f], NFT_MSG_DELTABLE, 0);
	}
	batch_mark(&b, NFNL_MSG_BATCH_END);
	err = transact(&b, NULL, NULL);
	if (err)
		return bf_err(err, "cannot delete the nft tables ip and ip6 %s: %s",
			      BF_NFT_REJECT_TABLE, strerror(-err));
	return 0;
}
