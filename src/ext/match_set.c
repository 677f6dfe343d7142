/* -m set: membership in a set, as libxt_set revision 4 and xt_set. As
 * iptables, the set must exist (among bpfilter's sets of the current
 * network namespace, `bpfilter set`) when the rule is parsed; the program
 * looks the packet up in the set's map (set_emit below), so elements
 * added or deleted later count at once. */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "cgen/cgen.h"
#include "cgen/ext_maps.h"
#include "cgen/insn.h"
#include "common/log.h"
#include "core/set.h"
#include "ext/ext.h"
#include "ext/stateful_ipset.h"
#include "ext/stateful_util.h"
#include "ext/xtopt.h"

#define SET_DIM_MAX 6 /* IPSET_DIM_MAX */
#define SET_NFPROTO_UNSPEC 0
#define SET_NFPROTO_IPV4 2
#define SET_NFPROTO_IPV6 10

/* flags: bit 0 inverts, bit i (1..dim) makes dimension i "src". */
#define SET_INV_MATCH 0x01
/* match_flags, as IPSET_FLAG_* (their bit numbers) */
#define SET_RETURN_NOMATCH (1u << 7)
#define SET_SKIP_COUNTER_UPDATE (1u << 8)
#define SET_SKIP_SUBCOUNTER_UPDATE (1u << 9)

enum { CNT_NONE, CNT_EQ, CNT_NE, CNT_LT, CNT_GT }; /* IPSET_COUNTER_* */

struct set_counter {
	uint64_t value;
	uint8_t op;
};

struct match_set {
	/* The name, where the kernel keeps the set's index: iptables-save
	 * prints the name of the set at that index. */
	char name[BF_SF_IPSET_MAXNAMELEN];
	uint8_t dim;
	uint8_t flags;
	uint32_t match_flags;
	struct set_counter packets, bytes;
};

enum {
	O_MATCH_SET, O_SET, O_RETURN_NOMATCH, O_UPDATE_COUNTERS, O_PACKETS_EQ,
	O_PACKETS_LT, O_PACKETS_GT, O_BYTES_EQ, O_BYTES_LT, O_BYTES_GT,
	O_UPDATE_SUBCOUNTERS,
};

static const struct option set_options[] = {
	{.name = "match-set", .has_arg = 1, .val = O_MATCH_SET},
	{.name = "set", .has_arg = 1, .val = O_SET},
	{.name = "return-nomatch", .has_arg = 0, .val = O_RETURN_NOMATCH},
	{.name = "update-counters", .has_arg = 0, .val = O_UPDATE_COUNTERS},
	{.name = "packets-eq", .has_arg = 1, .val = O_PACKETS_EQ},
	{.name = "packets-lt", .has_arg = 1, .val = O_PACKETS_LT},
	{.name = "packets-gt", .has_arg = 1, .val = O_PACKETS_GT},
	{.name = "bytes-eq", .has_arg = 1, .val = O_BYTES_EQ},
	{.name = "bytes-lt", .has_arg = 1, .val = O_BYTES_LT},
	{.name = "bytes-gt", .has_arg = 1, .val = O_BYTES_GT},
	{.name = "update-subcounters", .has_arg = 0, .val = O_UPDATE_SUBCOUNTERS},
	{0},
};

/* The second word of --match-set, from the front end's parser (see
 * front/ext_services.h); weak so that the extension links without it. */
extern const char *bf_ext_next_arg(void) __attribute__((weak));

/* parse_dirs: "src,dst,..." (only the first three letters count). */
static int set_parse_dirs(struct match_set *m, const char *arg)
{
	const char *p = arg;

	for (;;) {
		const char *comma = strchr(p, ',');

		if (++m->dim > SET_DIM_MAX)
			return bf_err(-EINVAL, "Can't be more src/dst options than %d.",
				      SET_DIM_MAX);
		if (!strncmp(p, "src", 3))
			m->flags |= (uint8_t)(1u << m->dim);
		else if (strncmp(p, "dst", 3))
			return bf_err(-EINVAL, "You must spefify (the comma separated list of) "
				      "'src' or 'dst'.");
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

static int set_parse_match_set(struct match_set *m, const char *name, bool invert,
			       const struct bf_ip *ip)
{
	unsigned int family;
	const char *dirs;
	int err;

	if (m->dim)
		return bf_err(-EINVAL, "--match-set can be specified only once");
	if (invert)
		m->flags |= SET_INV_MATCH;
	dirs = bf_ext_next_arg ? bf_ext_next_arg() : NULL;
	if (!dirs)
		return bf_err(-EINVAL, "--match-set requires two args.");
	if (strlen(name) > BF_SF_IPSET_MAXNAMELEN - 1)
		return bf_err(-EINVAL, "setname `%s' too long, max %d characters.", name,
			      BF_SF_IPSET_MAXNAMELEN - 1);
	err = bf_sf_ipset_family(name, &family);
	if (err)
		return err;
	if (family != SET_NFPROTO_UNSPEC &&
	    family != (ip->family == BF_FAMILY_IPV6 ? SET_NFPROTO_IPV6 : SET_NFPROTO_IPV4))
		return bf_err(-EINVAL, "The protocol family of set %s is %s, which is not "
			      "applicable.\n", name, family == SET_NFPROTO_IPV4 ? "IPv4" : "IPv6");
	strcpy(m->name, name);
	return set_parse_dirs(m, dirs);
}

static int set_parse_counter(struct set_counter *c, const char *what, const char *cmp,
			     const char *arg, bool invert)
{
	uintmax_t v;

	if (c->op != CNT_NONE)
		return bf_err(-EINVAL, "only one of the --%s-[eq|lt|gt] is allowed", what);
	if (invert && strcmp(cmp, "eq"))
		return bf_err(-EINVAL, "--%s-%s option cannot be inverted", what, cmp);
	if (!bf_xt_strtoul(arg, NULL, &v, 0, UINT64_MAX))
		return bf_err(-EINVAL, "Cannot parse %s as a counter value", arg);
	c->op = !strcmp(cmp, "eq") ? (invert ? CNT_NE : CNT_EQ) :
		!strcmp(cmp, "lt") ? CNT_LT : CNT_GT;
	c->value = v;
	return 0;
}

/* libxt_set parses the old way: no generic checks, options other than
 * --match-set and the counter tests may repeat, and "--update-counters"
 * without "!" does nothing. */
static int set_parse(int opt, const char *arg, bool invert, void *data,
		     unsigned int *flags, const struct bf_ip *ip)
{
	struct match_set *m = data;

	switch (opt) {
	case O_SET:
		bf_log(BF_LOG_WARN, "--set option deprecated, please use --match-set");
		/* fall through */
	case O_MATCH_SET:
		*flags = 1;
		return set_parse_match_set(m, arg, invert, ip);
	case O_RETURN_NOMATCH:
		if (invert)
			return bf_err(-EINVAL, "--return-nomatch flag cannot be inverted");
		m->match_flags |= SET_RETURN_NOMATCH;
		return 0;
	case O_UPDATE_COUNTERS:
		if (invert)
			m->match_flags |= SET_SKIP_COUNTER_UPDATE;
		return 0;
	case O_UPDATE_SUBCOUNTERS:
		if (invert)
			m->match_flags |= SET_SKIP_SUBCOUNTER_UPDATE;
		return 0;
	case O_PACKETS_EQ:
		return set_parse_counter(&m->packets, "packets", "eq", arg, invert);
	case O_PACKETS_LT:
		return set_parse_counter(&m->packets, "packets", "lt", arg, invert);
	case O_PACKETS_GT:
		return set_parse_counter(&m->packets, "packets", "gt", arg, invert);
	case O_BYTES_EQ:
		return set_parse_counter(&m->bytes, "bytes", "eq", arg, invert);
	case O_BYTES_LT:
		return set_parse_counter(&m->bytes, "bytes", "lt", arg, invert);
	case O_BYTES_GT:
		return set_parse_counter(&m->bytes, "bytes", "gt", arg, invert);
	}
	return 0;
}

static int set_final_check(const void *data, unsigned int flags, const struct bf_ip *ip)
{
	if (!flags)
		return bf_err(-EINVAL, "You must specify `--match-set' with proper arguments");
	return 0;
}

static void set_counter_dump(struct bf_strbuf *out, const struct set_counter *c,
			     const char *name, const char *sep)
{
	static const char *const ops[] = {
		[CNT_EQ] = "eq", [CNT_NE] = "eq", [CNT_LT] = "lt", [CNT_GT] = "gt",
	};

	if (c->op == CNT_NONE || c->op > CNT_GT)
		return;
	bf_strbuf_printf(out, "%s %s%s-%s %llu", c->op == CNT_NE ? " !" : "", sep, name,
			 ops[c->op], (unsigned long long)c->value);
}

static void set_dump(struct bf_strbuf *out, const struct match_set *m, const char *opt,
		     const char *sep)
{
	bf_strbuf_printf(out, "%s %s", m->flags & SET_INV_MATCH ? " !" : "", opt);
	if (*sep)
		bf_sf_save_word(out, m->name, BF_SF_IPSET_MAXNAMELEN);
	else
		bf_strbuf_printf(out, " %.*s", BF_SF_IPSET_MAXNAMELEN, m->name);
	for (unsigned int i = 1; i <= m->dim; i++)
		bf_strbuf_printf(out, "%s%s", i == 1 ? " " : ",",
				 m->flags & (1u << i) ? "src" : "dst");
	if (m->match_flags & SET_RETURN_NOMATCH)
		bf_strbuf_printf(out, " %sreturn-nomatch", sep);
	if (m->match_flags & SET_SKIP_COUNTER_UPDATE)
		bf_strbuf_printf(out, " ! %supdate-counters", sep);
	if (m->match_flags & SET_SKIP_SUBCOUNTER_UPDATE)
		bf_strbuf_printf(out, " ! %supdate-subcounters", sep);
	set_counter_dump(out, &m->packets, "packets", sep);
	set_counter_dump(out, &m->bytes, "bytes", sep);
}

static void set_print(struct bf_strbuf *out, const struct bf_ip *ip, const void *data,
		      bool numeric)
{
	set_dump(out, data, "match-set", "");
}

static void set_save(struct bf_strbuf *out, const struct bf_ip *ip, const void *data)
{
	set_dump(out, data, "--match-set", "--");
}

/* core/set_store.c; weak: builds without it (the fuzzers') have no sets. */
extern int bf_set_find(const char *name, struct bf_set *out) __attribute__((weak));

/* Below the netfilter stage's frame (cgen/nf.h) and sctp's. */
#define KEY_OFF (-352) /* the map key, up to BF_SET_KEY_MAX bytes */
#define CNT_OFF (-360) /* u64: LPM retries (a bound the verifier sees) */
#define V_EXPIRES offsetof(struct bf_set_val, expires)
#define V_PACKETS offsetof(struct bf_set_val, packets)
#define V_BYTES offsetof(struct bf_set_val, bytes)
#define V_FLAGS offsetof(struct bf_set_val, flags)
#define V_PLEN offsetof(struct bf_set_val, plen)

/* The address of direction src at key offset off, in network order. */
static void key_addr(struct bf_cgen *cg, const struct bf_set *s, bool src, int off)
{
	if (s->family == BF_FAMILY_IPV6) {
		for (int w = 0; w < 4; w++) {
			bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10,
						(src ? BF_PKT_SADDR6 : BF_PKT_DADDR6) + 4 * w));
			bf_emit(cg, BPF_ENDIAN(BPF_TO_BE, BPF_REG_1, 32));
			bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_1, off + 4 * w));
		}
		return;
	}
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10, src ? BF_PKT_SADDR : BF_PKT_DADDR));
	bf_emit(cg, BPF_ENDIAN(BPF_TO_BE, BPF_REG_1, 32));
	bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_1, off));
}

/* Protocol and port at key offset off as ip_set_get_ip4_port and
 * ip_set_get_ip6_port find them: the TCP, UDP, UDP-Lite or SCTP port of
 * direction src (its whole header there), ICMP type << 8 | code, 0 for
 * other protocols; none (jump to absent) for a fragment past the first
 * of those (any IPv6 one), or a header cut short. */
static void key_port(struct bf_cgen *cg, const struct bf_set *s, bool src, int off, int absent)
{
	static const struct {
		int proto, hlen;
	} hdrs[] = {{IPPROTO_TCP, 20}, {IPPROTO_UDP, 8}, {IPPROTO_UDPLITE, 8}, {IPPROTO_SCTP, 12}};
	int icmp = s->family == BF_FAMILY_IPV6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
	int lbl_icmp = bf_label_new(cg), store = bf_label_new(cg), other = bf_label_new(cg);
	int ports[4];

	if (s->family == BF_FAMILY_IPV6) {
		bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_10, BF_PKT_PROTO_OK));
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 0), absent);
	}
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_3, BPF_REG_10, BF_PKT_PROTO));
	if (s->family != BF_FAMILY_IPV6)
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_3, 0, 0), absent);
	bf_emit(cg, BPF_STX_MEM(BPF_B, BPF_REG_10, BPF_REG_3, off));
	bf_emit(cg, BPF_ST_MEM(BPF_B, BPF_REG_10, off + 1, 0));
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_2, 0));
	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_1, BPF_REG_10, BF_PKT_FRAGOFF));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 0), other);
	/* A later fragment: IPv4's other protocols match with port 0. */
	if (s->family == BF_FAMILY_IPV6)
		bf_emit_jump(cg, BPF_JMP_A(0), absent);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_3, icmp, 0), absent);
	for (size_t i = 0; i < 4; i++)
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_3, hdrs[i].proto, 0), absent);
	bf_emit_jump(cg, BPF_JMP_A(0), store);

	bf_label_bind(cg, other);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_3, icmp, 0), lbl_icmp);
	for (size_t i = 0; i < 4; i++) {
		ports[i] = bf_label_new(cg);
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_3, hdrs[i].proto, 0), ports[i]);
	}
	bf_emit_jump(cg, BPF_JMP_A(0), store);
	for (size_t i = 0; i < 4; i++) {
		bf_label_bind(cg, ports[i]);
		/* the whole header within the datagram, as skb_header_pointer */
		bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_10, BF_PKT_PORTS_OK));
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 0), absent);
		bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10, BF_PKT_LEN));
		bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_4, BPF_REG_10, BF_PKT_L4OFF));
		bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_4, hdrs[i].hlen));
		bf_emit_jump(cg, BPF_JMP_REG(BPF_JGT, BPF_REG_4, BPF_REG_1, 0), absent);
		bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_2, BPF_REG_10, src ? BF_PKT_SPORT : BF_PKT_DPORT));
		bf_emit_jump(cg, BPF_JMP_A(0), store);
	}
	bf_label_bind(cg, lbl_icmp);
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_10, BF_PKT_ICMP_OK));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 0), absent);
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_2, BPF_REG_10, BF_PKT_ICMP_TYPE));
	bf_emit(cg, BPF_ALU64_IMM(BPF_LSH, BPF_REG_2, 8));
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_10, BF_PKT_ICMP_CODE));
	bf_emit(cg, BPF_ALU64_REG(BPF_OR, BPF_REG_2, BPF_REG_1));
	bf_label_bind(cg, store);
	bf_emit(cg, BPF_ENDIAN(BPF_TO_BE, BPF_REG_2, 16));
	bf_emit(cg, BPF_STX_MEM(BPF_H, BPF_REG_10, BPF_REG_2, off + 2));
}

/* r9 = the element of the key at KEY_OFF, live (jumps to absent when
 * there is none). An expired element is absent; in an LPM trie a shorter
 * net may still hold the address: the lookup is tried again below the
 * expired one's prefix, as the kernel walks its nets from the longest. */
static void lookup(struct bf_cgen *cg, const struct bf_set *s, int absent)
{
	int again = bf_label_new(cg), live = bf_label_new(cg);
	bool lpm = bf_set_type_is_net(s->type);
	uint32_t floor = bf_set_type_has_port(s->type) ? 32 : 0;

	if (lpm && s->with_timeout)
		bf_emit(cg, BPF_ST_MEM(BPF_DW, BPF_REG_10, CNT_OFF, 0));
	bf_label_bind(cg, again);
	bf_emit_ext_map_lookup(cg, "set", s->name, KEY_OFF);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 0), absent);
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_9, BPF_REG_0));
	if (!s->with_timeout) {
		bf_label_bind(cg, live);
		return;
	}
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_9, V_EXPIRES));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 0), live);
	bf_emit(cg, BPF_CALL_HELPER(BPF_FUNC_ktime_get_boot_ns));
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_9, V_EXPIRES));
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JGT, BPF_REG_1, BPF_REG_0, 0), live);
	if (lpm) {
		bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_9, V_PLEN));
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JLE, BPF_REG_1, floor + 1, 0), absent);
		bf_emit(cg, BPF_ALU64_IMM(BPF_SUB, BPF_REG_1, 1));
		bf_emit(cg, BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_1, KEY_OFF));
		bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_10, CNT_OFF));
		bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, 1));
		bf_emit(cg, BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_2, CNT_OFF));
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JGT, BPF_REG_2, bf_set_addr_bits(s), 0), absent);
		bf_emit_jump(cg, BPF_JMP_A(0), again);
	} else {
		bf_emit_jump(cg, BPF_JMP_A(0), absent);
	}
	bf_label_bind(cg, live);
}

/* ip_set_match_counter: jumps to absent unless the counter at off of
 * the element (r9) holds c. */
static void counter_test(struct bf_cgen *cg, const struct set_counter *c, int off, int absent)
{
	static const uint8_t fails[] = {[CNT_EQ] = BPF_JNE, [CNT_NE] = BPF_JEQ,
					[CNT_LT] = BPF_JGE, [CNT_GT] = BPF_JLE};

	if (c->op == CNT_NONE || c->op > CNT_GT)
		return;
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_9, off));
	bf_emit_ld_imm64(cg, BPF_REG_2, 0, c->value);
	bf_emit_jump(cg, BPF_JMP_REG(fails[c->op], BPF_REG_1, BPF_REG_2, 0), absent);
}

/* xt_set's set_match_v4 through ip_set_test: the set's key from the
 * packet, the lookup, then what the element's extensions and flags say
 * (ip_set_match_extensions, then nomatch and --return-nomatch). A test
 * that cannot be made (dimension or family) is a miss, then ! applies. */
static int set_emit(struct bf_cgen *cg, const struct bf_rule *rule, const void *data,
		    int no_match)
{
	const struct match_set *m = data;
	int absent = bf_label_new(cg), done = bf_label_new(cg);
	bool inv = m->flags & SET_INV_MATCH;
	struct bf_set s;
	int err = bf_set_find ? bf_set_find(m->name, &s) : -ENOENT;

	if (err == -ENOENT)
		return bf_err(-EOPNOTSUPP, "set: Set %s doesn't exist.", m->name);
	if (err)
		return err;
	if (m->dim < bf_set_type_dim(s.type) || s.family != rule->ip.family) {
		bf_emit_jump(cg, BPF_JMP_A(0), absent);
	} else {
		size_t alen = (size_t)bf_set_addr_bits(&s) / 8;
		int addr_off = KEY_OFF, port_off = KEY_OFF + (int)alen;

		if (bf_set_type_is_net(s.type)) {
			/* the longest prefix: every bit of the key */
			uint32_t plen = (bf_set_type_has_port(s.type) ? 32 : 0) +
					(uint32_t)bf_set_addr_bits(&s);

			bf_emit(cg, BPF_ST_MEM(BPF_W, BPF_REG_10, KEY_OFF, (int32_t)plen));
			port_off = KEY_OFF + 4;
			addr_off = KEY_OFF + 4 + (bf_set_type_has_port(s.type) ? 4 : 0);
		}
		key_addr(cg, &s, m->flags & (1u << 1), addr_off);
		if (bf_set_type_has_port(s.type))
			key_port(cg, &s, m->flags & (1u << 2), port_off, absent);
		lookup(cg, &s, absent);
		if (s.counters) {
			counter_test(cg, &m->packets, V_PACKETS, absent);
			counter_test(cg, &m->bytes, V_BYTES, absent);
			if (!(m->match_flags & SET_SKIP_COUNTER_UPDATE)) {
				bf_emit(cg, BPF_MOV64_IMM(BPF_REG_1, 1));
				bf_emit(cg, BPF_ATOMIC_OP(BPF_DW, BPF_ADD, BPF_REG_9, BPF_REG_1,
							  V_PACKETS));
				bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10, BF_PKT_LEN));
				bf_emit(cg, BPF_ATOMIC_OP(BPF_DW, BPF_ADD, BPF_REG_9, BPF_REG_1,
							  V_BYTES));
			}
		}
		if (bf_set_type_is_net(s.type)) {
			/* nomatch: a miss; --return-nomatch turns both around */
			bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_9, V_FLAGS));
			bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_1, BF_SET_F_NOMATCH));
			bf_emit_jump(cg, BPF_JMP_IMM(m->match_flags & SET_RETURN_NOMATCH ? BPF_JEQ
											  : BPF_JNE,
						     BPF_REG_1, 0, 0), absent);
		}
	}
	/* In the set. */
	bf_emit_jump(cg, BPF_JMP_A(0), inv ? no_match : done);
	bf_label_bind(cg, absent);
	if (!inv)
		bf_emit_jump(cg, BPF_JMP_A(0), no_match);
	bf_label_bind(cg, done);
	return cg->err;
}

static const char *set_ext_map(const void *data, const char **kind)
{
	*kind = "set";
	return ((const struct match_set *)data)->name;
}

const struct bf_match_ops bf_match_set = {
	.name = "set",
	.families = BF_BOTH_FAMILIES,
	.size = sizeof(struct match_set),
	.options = set_options,
	.parse = set_parse,
	.final_check = set_final_check,
	.print = set_print,
	.save = set_save,
	.emit = set_emit,
	.ext_map = set_ext_map,
};
