/* -m sctp (implicit with -p sctp, both families): ports and chunk types,
 * as libxt_sctp 1.8.9 and xt_sctp. The kernel takes it only with -p sctp.
 *
 * Quirks kept from libxt_sctp, because they decide what iptables-save
 * prints: the flags of a chunk are recorded under the chunk's index in
 * the name table (not its type), which is why they print only for the
 * chunks whose index and type agree; '-' is taken as a flag letter (it
 * fills the unused places of the flag strings); a port option prints in
 * save output even for 0:65535. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <netinet/in.h>
#include <string.h>
#include <strings.h>

#include "cgen/cgen.h"
#include "cgen/insn.h"
#include "cgen/nf.h"
#include "common/log.h"
#include "ext/emit_field.h"
#include "ext/ext.h"
#include "ext/ports.h"
#include "front/ext_services.h"

#define SCTP_FLAG_SLOTS 4 /* XT_NUM_SCTP_FLAGS */

struct sctp_flag_info {
	uint8_t chunktype; /* index in chunk_names; 255 unused */
	uint8_t flag;
	uint8_t flag_mask;
};

/* As struct xt_sctp_info. */
struct match_sctp {
	uint16_t dpts[2];
	uint16_t spts[2];
	uint32_t chunkmap[256 / 32];
	uint32_t chunk_match_type; /* SCTP_MATCH_* */
	struct sctp_flag_info flag_info[SCTP_FLAG_SLOTS];
	int32_t flag_count;
	uint32_t flags;    /* SCTP_F_* */
	uint32_t invflags; /* SCTP_F_* */
};

#define SCTP_F_SRC 0x01
#define SCTP_F_DST 0x02
#define SCTP_F_CHUNKS 0x04

#define SCTP_MATCH_ANY 0x01
#define SCTP_MATCH_ALL 0x02
#define SCTP_MATCH_ONLY 0x04

/* libxt_sctp's table, in its order: the index is what flag_info keeps. */
static const struct {
	const char *name;
	uint8_t type;
	const char *valid_flags; /* bit 7 first */
} chunk_names[] = {
	{"DATA", 0, "----IUBE"},
	{"INIT", 1, "--------"},
	{"INIT_ACK", 2, "--------"},
	{"SACK", 3, "--------"},
	{"HEARTBEAT", 4, "--------"},
	{"HEARTBEAT_ACK", 5, "--------"},
	{"ABORT", 6, "-------T"},
	{"SHUTDOWN", 7, "--------"},
	{"SHUTDOWN_ACK", 8, "--------"},
	{"ERROR", 9, "--------"},
	{"COOKIE_ECHO", 10, "--------"},
	{"COOKIE_ACK", 11, "--------"},
	{"ECN_ECNE", 12, "--------"},
	{"ECN_CWR", 13, "--------"},
	{"SHUTDOWN_COMPLETE", 14, "-------T"},
	{"I_DATA", 64, "----IUBE"},
	{"RE_CONFIG", 130, "--------"},
	{"PAD", 132, "--------"},
	{"ASCONF", 193, "--------"},
	{"ASCONF_ACK", 128, "--------"},
	{"FORWARD_TSN", 192, "--------"},
	{"I_FORWARD_TSN", 194, "--------"},
};
#define N_CHUNK_NAMES (sizeof(chunk_names) / sizeof(chunk_names[0]))

enum { O_SPORT = 1, O_DPORT, O_CHUNKS };

static const struct option sctp_options[] = {
	{.name = "source-port", .has_arg = 1, .val = O_SPORT},
	{.name = "sport", .has_arg = 1, .val = O_SPORT},
	{.name = "destination-port", .has_arg = 1, .val = O_DPORT},
	{.name = "dport", .has_arg = 1, .val = O_DPORT},
	{.name = "chunk-types", .has_arg = 1, .val = O_CHUNKS},
	{0},
};

static void sctp_init(void *data)
{
	struct match_sctp *m = data;

	m->spts[1] = m->dpts[1] = 0xFFFF;
	for (int i = 0; i < SCTP_FLAG_SLOTS; i++)
		m->flag_info[i].chunktype = 0xFF;
}

static bool chunk_is_set(const struct match_sctp *m, unsigned int type)
{
	return m->chunkmap[type / 32] & (1u << (type % 32));
}

static int save_flag(struct match_sctp *m, uint8_t idx, int bit, bool set)
{
	struct sctp_flag_info *fi = NULL;

	for (int i = 0; i < m->flag_count; i++)
		if (m->flag_info[i].chunktype == idx)
			fi = &m->flag_info[i];
	if (!fi) {
		if (m->flag_count == SCTP_FLAG_SLOTS)
			return bf_err(-EINVAL, "Number of chunk types with flags exceeds currently "
				      "allowed limit.Increasing this limit involves changing "
				      "IPT_NUM_SCTP_FLAGS andrecompiling both the kernel space "
				      "and user space modules\n");
		fi = &m->flag_info[m->flag_count++];
		fi->chunktype = idx;
	}
	fi->flag_mask |= 1u << bit;
	if (set)
		fi->flag |= 1u << bit;
	return 0;
}

/* One "NAME[:FLAGS]" of the list. */
static int parse_chunk(struct match_sctp *m, char *word)
{
	char *flags = strchr(word, ':');
	unsigned int i;

	if (flags)
		*flags++ = '\0';
	for (i = 0; i < N_CHUNK_NAMES; i++)
		if (!strcasecmp(chunk_names[i].name, word))
			break;
	if (i == N_CHUNK_NAMES)
		return bf_err(-EINVAL, "Unknown sctp chunk `%s'", word);
	m->chunkmap[chunk_names[i].type / 32] |= 1u << (chunk_names[i].type % 32);
	for (; flags && *flags; flags++) {
		const char *p = strchr(chunk_names[i].valid_flags,
				       toupper((unsigned char)*flags));
		int err;

		if (!p)
			return bf_err(-EINVAL, "Invalid flags for chunk type %u", i);
		err = save_flag(m, (uint8_t)i, 7 - (int)(p - chunk_names[i].valid_flags),
				isupper((unsigned char)*flags));
		if (err)
			return err;
	}
	return 0;
}

static int parse_chunks(struct match_sctp *m, const char *type, const char *list)
{
	char *buf, *save = NULL;
	int err = 0;

	if (!strcasecmp(type, "ANY"))
		m->chunk_match_type = SCTP_MATCH_ANY;
	else if (!strcasecmp(type, "ALL"))
		m->chunk_match_type = SCTP_MATCH_ALL;
	else if (!strcasecmp(type, "ONLY"))
		m->chunk_match_type = SCTP_MATCH_ONLY;
	else
		return bf_err(-EINVAL, "Match type has to be one of \"ALL\", \"ANY\" or \"ONLY\"");
	memset(m->chunkmap, 0, sizeof(m->chunkmap));
	if (!strcasecmp(list, "ALL")) {
		memset(m->chunkmap, 0xFF, sizeof(m->chunkmap));
		return 0;
	}
	if (!strcasecmp(list, "NONE"))
		return 0;
	buf = strdup(list);
	if (!buf)
		return -ENOMEM;
	for (char *w = strtok_r(buf, ",", &save); w && !err; w = strtok_r(NULL, ",", &save))
		err = parse_chunk(m, w);
	free(buf);
	return err;
}

static int sctp_parse(int opt, const char *arg, bool invert, void *data,
		      unsigned int *flags, const struct bf_ip *ip)
{
	static const char *const names[] = {
		[O_SPORT] = "source-port", [O_DPORT] = "destination-port",
		[O_CHUNKS] = "chunk-types",
	};
	static const uint32_t bits[] = {
		[O_SPORT] = SCTP_F_SRC, [O_DPORT] = SCTP_F_DST, [O_CHUNKS] = SCTP_F_CHUNKS,
	};
	struct match_sctp *m = data;
	const char *list;
	int err;

	if (*flags & bits[opt])
		return bf_err(-EINVAL, "Only one `--%s' allowed", names[opt]);
	switch (opt) {
	case O_SPORT:
		err = bf_ports_parse(arg, "sctp", "sctp", names[opt], m->spts);
		break;
	case O_DPORT:
		err = bf_ports_parse(arg, "sctp", "sctp", names[opt], m->dpts);
		break;
	default:
		/* the second word, as libxt_sctp takes argv[optind++] */
		list = bf_ext_next_arg();
		if (!list)
			return bf_err(-EINVAL, "--chunk-types requires two args");
		err = parse_chunks(m, arg, list);
		break;
	}
	if (err)
		return err;
	m->flags |= bits[opt];
	if (invert)
		m->invflags |= bits[opt];
	*flags |= bits[opt];
	return 0;
}

/* The flags of a chunk print after it. libxt_sctp looks them up by the
 * chunk's type, and their letters by the type used as an index: both only
 * meet below 15, so that I_DATA's flags never print. bpfilter's own state
 * (lossless) looks them up by index, to read back the same. */
static void print_flags(struct bf_strbuf *out, const struct match_sctp *m, unsigned int key)
{
	for (int j = 0; j < m->flag_count; j++) {
		const struct sctp_flag_info *fi = &m->flag_info[j];

		if (fi->chunktype != key || key >= N_CHUNK_NAMES)
			continue;
		if (fi->flag_mask)
			bf_strbuf_puts(out, ":");
		for (int bit = 7; bit >= 0; bit--) {
			char c = chunk_names[key].valid_flags[7 - bit];

			if (fi->flag_mask & (1u << bit))
				bf_strbuf_printf(out, "%c", fi->flag & (1u << bit) ?
						 c : tolower((unsigned char)c));
		}
	}
}

static void print_chunks(struct bf_strbuf *out, const struct match_sctp *m, bool numeric,
			 bool lossless)
{
	static const uint32_t all[256 / 32] = {
		~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u,
	};
	static const uint32_t none[256 / 32];
	bool first = true;

	switch (m->chunk_match_type) {
	case SCTP_MATCH_ANY: bf_strbuf_puts(out, " any"); break;
	case SCTP_MATCH_ALL: bf_strbuf_puts(out, " all"); break;
	case SCTP_MATCH_ONLY: bf_strbuf_puts(out, " only"); break;
	}
	if (!memcmp(m->chunkmap, none, sizeof(none))) {
		bf_strbuf_puts(out, " NONE");
		return;
	}
	if (!memcmp(m->chunkmap, all, sizeof(all))) {
		bf_strbuf_puts(out, " ALL");
		return;
	}
	for (unsigned int type = 0; type < 256; type++) {
		unsigned int idx = N_CHUNK_NAMES;

		if (!chunk_is_set(m, type))
			continue;
		bf_strbuf_puts(out, first ? " " : ",");
		first = false;
		for (unsigned int i = 0; i < N_CHUNK_NAMES; i++) {
			if (chunk_names[i].type == type) {
				idx = i;
				break;
			}
		}
		if (numeric)
			bf_strbuf_printf(out, "0x%04X", type);
		else if (idx < N_CHUNK_NAMES)
			bf_strbuf_puts(out, chunk_names[idx].name);
		print_flags(out, m, lossless ? idx : type);
	}
}

static void sctp_print(struct bf_strbuf *out, const struct bf_ip *ip, const void *data,
		       bool numeric)
{
	const struct match_sctp *m = data;

	bf_strbuf_puts(out, " sctp");
	if (m->flags & SCTP_F_SRC)
		bf_ports_print(out, "spt", m->spts, m->invflags & SCTP_F_SRC, numeric, "sctp");
	if (m->flags & SCTP_F_DST)
		bf_ports_print(out, "dpt", m->dpts, m->invflags & SCTP_F_DST, numeric, "sctp");
	if (m->flags & SCTP_F_CHUNKS) {
		if (m->invflags & SCTP_F_CHUNKS)
			bf_strbuf_puts(out, " !");
		print_chunks(out, m, numeric, false);
	}
}

static void save_ports(struct bf_strbuf *out, const char *opt, const uint16_t r[2], bool inv)
{
	if (inv)
		bf_strbuf_puts(out, " !");
	if (r[0] != r[1])
		bf_strbuf_printf(out, " --%s %u:%u", opt, r[0], r[1]);
	else
		bf_strbuf_printf(out, " --%s %u", opt, r[0]);
}

static void sctp_save(struct bf_strbuf *out, const struct bf_ip *ip, const void *data)
{
	const struct match_sctp *m = data;

	if (m->flags & SCTP_F_SRC)
		save_ports(out, "sport", m->spts, m->invflags & SCTP_F_SRC);
	if (m->flags & SCTP_F_DST)
		save_ports(out, "dport", m->dpts, m->invflags & SCTP_F_DST);
	if (m->flags & SCTP_F_CHUNKS) {
		if (m->invflags & SCTP_F_CHUNKS)
			bf_strbuf_puts(out, " !");
		bf_strbuf_puts(out, " --chunk-types");
		print_chunks(out, m, false, bf_ext_save_lossless());
	}
}

/* Compiling: sctp_mt and match_packet of xt_sctp.
 *
 * A non-first fragment never matches; a header shorter than struct
 * sctphdr (12 bytes) within the datagram hotdrops; then the port ranges,
 * then the chunk walk, each test only when its option was given and
 * inverted alone.
 *
 * The walk (match_packet): from the end of the common header, while the
 * offset is below skb->len (LEN here), at least once: a chunk header
 * (4 bytes) past the datagram or a chunk length of 0 hotdrops; the next
 * chunk starts SCTP_PAD4(length) further on. For a chunk of type t with
 * flags f, good = t in chunkmap and match_flags(t, f), where
 * match_flags is ((f & mask) == flag) for the first flag_info entry of
 * type t (the entries keep libxt_sctp's index for a type: compared as
 * the kernel does), true without one. ANY matches at the first good
 * chunk, else not; ONLY fails at the first chunk that is not good, else
 * matches; ALL clears t in a copy of the chunkmap when match_flags holds
 * and matches when the copy ends empty.
 *
 * For the verifier, the walk is one loop body that it walks once per
 * chunk: every branch in it either leaves the walk at once (fall-through)
 * or goes on (jump, so that the state it leaves pending is popped as soon
 * as the short exit is walked: no pending state piles up per chunk), and
 * everything per chunk is computed without branches. The chunkmap (or
 * ALL's copy) is a 256-bit map on the stack below the packet context and
 * below the netfilter hook's scratch (nf.h), indexed by the chunk type.
 *
 * The verifier walks the loop once per chunk, so the walk is bounded:
 * SCTP_CHUNKS_MAX chunks (an XDP frame, at most about 3.5 KiB, could hold
 * some 870 of the smallest, 4 bytes, but such bundles are not what SCTP
 * sends: a chunk carrying data takes at least 20 bytes). A packet whose
 * walk would go on past the bound is dropped uncounted: fail closed,
 * where iptables could have accepted it. So is a chunk offset beyond
 * 16 KiB (never in an XDP frame), which the verifier needs too. */
#define SCTP_HDR_LEN 12
#define SCTP_CHUNKS_MAX 64
#define SCTP_MAP_OFF (BF_NF_TOTLEN - 36) /* 32 bytes */
#define SCTP_CNT_OFF (SCTP_MAP_OFF - 8)  /* u64: chunks walked */
_Static_assert(SCTP_MAP_OFF % 8 == 0 && SCTP_CNT_OFF >= -512, "sctp stack");

/* r0 &= !(flags & mask differs from flag), for each flag entry whose
 * type is r3's (match_flags without branches). r3 = type, r4 = flags;
 * clobbers r2, r5. */
static void emit_flags_ok(struct bf_cgen *cg, const struct match_sctp *m)
{
	for (int i = 0; i < m->flag_count && i < SCTP_FLAG_SLOTS; i++) {
		const struct sctp_flag_info *fi = &m->flag_info[i];

		/* r2 = (type == chunktype): (t ^ ct) - 1 has bit 63 iff 0. */
		bf_emit(cg, BPF_MOV64_REG(BPF_REG_2, BPF_REG_3));
		bf_emit(cg, BPF_ALU64_IMM(BPF_XOR, BPF_REG_2, fi->chunktype));
		bf_emit(cg, BPF_ALU64_IMM(BPF_SUB, BPF_REG_2, 1));
		bf_emit(cg, BPF_ALU64_IMM(BPF_RSH, BPF_REG_2, 63));
		/* r5 = ((flags & mask) != flag): -(v) has bit 63 iff v != 0. */
		bf_emit(cg, BPF_MOV64_REG(BPF_REG_5, BPF_REG_4));
		bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_5, fi->flag_mask));
		bf_emit(cg, BPF_ALU64_IMM(BPF_XOR, BPF_REG_5, fi->flag));
		bf_emit(cg, BPF_ALU64_IMM(BPF_NEG, BPF_REG_5, 0));
		bf_emit(cg, BPF_ALU64_IMM(BPF_RSH, BPF_REG_5, 63));
		bf_emit(cg, BPF_ALU64_REG(BPF_AND, BPF_REG_2, BPF_REG_5));
		bf_emit(cg, BPF_ALU64_IMM(BPF_XOR, BPF_REG_2, 1));
		bf_emit(cg, BPF_ALU64_REG(BPF_AND, BPF_REG_0, BPF_REG_2));
	}
}

/* r2 = stack pointer to the map byte of type r3, r5 = the bit's index in
 * it. */
static void emit_map_byte(struct bf_cgen *cg)
{
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_5, BPF_REG_3));
	bf_emit(cg, BPF_ALU64_IMM(BPF_RSH, BPF_REG_5, 3));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_2, BPF_REG_10));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, SCTP_MAP_OFF));
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_2, BPF_REG_5));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_5, BPF_REG_3));
	bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_5, 7));
}

/* r1 = the transport header's offset. For IPv6 the context's L4OFF is
 * read at an offset the verifier sees as variable (0 at run time): the
 * walk adds r1 to a packet pointer, which makes the verifier track r1's
 * value precisely back to where it came from, and a precise L4OFF would
 * keep apart the ranges the IPv6 prologue leaves per extension-header
 * chain, so that every rule after this one would be walked once per
 * chain. Such a read it does not trace back. Clobbers r2. */
static void emit_l4off_opaque(struct bf_cgen *cg, const struct bf_rule *rule)
{
	if (rule->ip.family == BF_FAMILY_IPV4) {
		bf_emit_l4off(cg, rule, BPF_REG_1); /* from the packet */
		return;
	}
	/* A packet pointer minus itself: 0, any scalar to the verifier. */
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_2, BF_REG_L3));
	bf_emit(cg, BPF_ALU64_REG(BPF_SUB, BPF_REG_2, BF_REG_L3));
	bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_2, 2)); /* aligned */
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_2, BPF_REG_10));
	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_1, BPF_REG_2, BF_PKT_L4OFF));
}

static bool map_is(const struct match_sctp *m, uint32_t word)
{
	for (int i = 0; i < 8; i++)
		if (m->chunkmap[i] != word)
			return false;
	return true;
}

/* The walk; jumps to `matched`/`failed` with match_packet's answer, to
 * `hotdrop` where it hotdrops. */
static void emit_walk(struct bf_cgen *cg, const struct bf_rule *rule,
		      const struct match_sctp *m, int matched, int failed, int hotdrop)
{
	int loop = bf_label_new(cg), l_in = bf_label_new(cg), l_bound = bf_label_new(cg);
	int l_frame = bf_label_new(cg), l_len = bf_label_new(cg), next = bf_label_new(cg);
	int l_cnt = bf_label_new(cg);
	bool all_types = map_is(m, 0xffffffff);
	bool use_map = m->chunk_match_type == SCTP_MATCH_ALL || !all_types;

	if (use_map)
		for (int i = 0; i < 8; i++)
			bf_emit(cg, BPF_ST_MEM(BPF_W, BPF_REG_10, SCTP_MAP_OFF + 4 * i,
					       (int32_t)m->chunkmap[i]));
	bf_emit(cg, BPF_ST_MEM(BPF_DW, BPF_REG_10, SCTP_CNT_OFF, 0));
	emit_l4off_opaque(cg, rule);
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, SCTP_HDR_LEN));

	/* r1 = offset of the chunk from BF_REG_L3. */
	bf_label_bind(cg, loop);
	/* off + 4 <= LEN, as LEN - (off + 4) >= 0: a comparison with LEN
	 * itself would narrow the context's LEN (the verifier links a
	 * register filled from the stack to its slot) differently on each
	 * way out, so that the rules after this one would be walked once per
	 * chunk count instead of once. */
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_10, BF_PKT_LEN));
	bf_emit(cg, BPF_ALU64_REG(BPF_SUB, BPF_REG_0, BPF_REG_1));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JSGE, BPF_REG_0, 4, 0), l_in);
	bf_emit_jump(cg, BPF_JMP_A(0), hotdrop); /* skb_header_pointer fails */
	bf_label_bind(cg, l_in);
	bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, SCTP_CNT_OFF));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JLT, BPF_REG_0, SCTP_CHUNKS_MAX, 0), l_cnt);
	bf_emit_jump(cg, BPF_JMP_A(0), cg->lbl_hotdrop); /* fail closed, see above */
	bf_label_bind(cg, l_cnt);
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 1));
	bf_emit(cg, BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_0, SCTP_CNT_OFF));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JLE, BPF_REG_1, cg->hook->walk_max, 0), l_bound);
	bf_emit_jump(cg, BPF_JMP_A(0), cg->lbl_hotdrop);
	bf_label_bind(cg, l_bound);
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_2, BF_REG_L3));
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_2, BPF_REG_1));
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_3, BPF_REG_2));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_3, 4));
	/* Within the datagram is within an XDP frame: for the verifier. The
	 * netfilter hook's copy (nf.h) is shorter: a chunk past it drops the
	 * packet uncounted (fail closed). */
	bf_emit_jump(cg, BPF_JMP_REG(BPF_JLE, BPF_REG_3, BF_REG_END, 0), l_frame);
	bf_emit_jump(cg, BPF_JMP_A(0), cg->lbl_hotdrop);
	bf_label_bind(cg, l_frame);
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_3, BPF_REG_2, 0)); /* type */
	bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_4, BPF_REG_2, 1)); /* flags */
	bf_emit_load_pkt(cg, BPF_REG_5, BPF_REG_2, 2, BPF_H);   /* length */
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_5, 0, 0), l_len);
	bf_emit_jump(cg, BPF_JMP_A(0), hotdrop);
	bf_label_bind(cg, l_len);
	/* SCTP_PAD4(length) as ((length - 1) | 3) + 1: the verifier then
	 * knows the step is at least 4, so that each turn differs. */
	bf_emit(cg, BPF_ALU64_IMM(BPF_SUB, BPF_REG_5, 1));
	bf_emit(cg, BPF_ALU64_IMM(BPF_OR, BPF_REG_5, 3));
	bf_emit(cg, BPF_ALU64_IMM(BPF_ADD, BPF_REG_5, 1));
	bf_emit(cg, BPF_ALU64_REG(BPF_ADD, BPF_REG_1, BPF_REG_5));

	if (m->chunk_match_type == SCTP_MATCH_ALL) {
		/* copy[t] &= ~(match_flags << bit) */
		bf_emit(cg, BPF_MOV64_IMM(BPF_REG_0, 1));
		emit_flags_ok(cg, m);
		emit_map_byte(cg);
		bf_emit(cg, BPF_ALU64_REG(BPF_LSH, BPF_REG_0, BPF_REG_5));
		bf_emit(cg, BPF_ALU64_IMM(BPF_XOR, BPF_REG_0, 0xff));
		bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_5, BPF_REG_2, 0));
		bf_emit(cg, BPF_ALU64_REG(BPF_AND, BPF_REG_5, BPF_REG_0));
		bf_emit(cg, BPF_STX_MEM(BPF_B, BPF_REG_2, BPF_REG_5, 0));
	} else {
		/* r0 = good */
		if (use_map) {
			emit_map_byte(cg);
			bf_emit(cg, BPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_2, 0));
			bf_emit(cg, BPF_ALU64_REG(BPF_RSH, BPF_REG_0, BPF_REG_5));
			bf_emit(cg, BPF_ALU64_IMM(BPF_AND, BPF_REG_0, 1));
		} else {
			bf_emit(cg, BPF_MOV64_IMM(BPF_REG_0, 1));
		}
		emit_flags_ok(cg, m);
		if (m->chunk_match_type == SCTP_MATCH_ANY) {
			bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 0), next);
			bf_emit_jump(cg, BPF_JMP_A(0), matched);
		} else {
			bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_0, 0, 0), next);
			bf_emit_jump(cg, BPF_JMP_A(0), failed);
		}
	}
	bf_label_bind(cg, next);
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_10, BF_PKT_LEN));
	bf_emit(cg, BPF_ALU64_REG(BPF_SUB, BPF_REG_0, BPF_REG_1));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JSGT, BPF_REG_0, 0, 0), loop); /* off < LEN */

	switch (m->chunk_match_type) {
	case SCTP_MATCH_ANY:
		bf_emit_jump(cg, BPF_JMP_A(0), failed);
		break;
	case SCTP_MATCH_ONLY:
		bf_emit_jump(cg, BPF_JMP_A(0), matched);
		break;
	default:
		bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, SCTP_MAP_OFF));
		for (int i = 1; i < 4; i++) {
			bf_emit(cg, BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_10, SCTP_MAP_OFF + 8 * i));
			bf_emit(cg, BPF_ALU64_REG(BPF_OR, BPF_REG_0, BPF_REG_1));
		}
		bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 0), matched);
		bf_emit_jump(cg, BPF_JMP_A(0), failed);
		break;
	}
}

static int sctp_emit(struct bf_cgen *cg, const struct bf_rule *rule,
		     const void *data, int no_match)
{
	const struct match_sctp *m = data;
	bool inv = m->invflags & SCTP_F_CHUNKS;
	int done, hotdrop;

	/* A non-first fragment never matches; struct sctphdr not within the
	 * datagram hotdrops. The ports are the context's (read with the 4
	 * first bytes); the header itself is not read here. */
	bf_emit(cg, BPF_LDX_MEM(BPF_H, BPF_REG_1, BPF_REG_10, BF_PKT_FRAGOFF));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JNE, BPF_REG_1, 0, 0), no_match);
	emit_l4off_opaque(cg, rule);
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_10, BF_PKT_LEN));
	bf_emit(cg, BPF_ALU64_REG(BPF_SUB, BPF_REG_0, BPF_REG_1));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JSLT, BPF_REG_0, SCTP_HDR_LEN, 0), cg->lbl_hotdrop);
	if (m->flags & SCTP_F_SRC)
		bf_emit_port_range(cg, BF_PKT_SPORT, m->spts, m->invflags & SCTP_F_SRC, no_match);
	if (m->flags & SCTP_F_DST)
		bf_emit_port_range(cg, BF_PKT_DPORT, m->dpts, m->invflags & SCTP_F_DST, no_match);
	if (!(m->flags & SCTP_F_CHUNKS))
		return 0;
	/* Inverted, a hotdrop in the walk makes match_packet false and the
	 * test hold: ipt_do_table goes on with the rule's other matches,
	 * counts the rule when they hold, then drops (the hotdrop). */
	done = bf_label_new(cg);
	hotdrop = inv ? bf_label_new(cg) : cg->lbl_hotdrop;
	emit_walk(cg, rule, m, inv ? no_match : done, inv ? done : no_match, hotdrop);
	if (inv) {
		bf_emit_jump(cg, BPF_JMP_A(0), done);
		bf_label_bind(cg, hotdrop);
		bf_emit_hotdrop_later(cg);
	}
	bf_label_bind(cg, done);
	return 0;
}

const struct bf_match_ops bf_match_sctp = {
	.name = "sctp",
	.families = BF_BOTH_FAMILIES,
	.proto = IPPROTO_SCTP,
	.size = sizeof(struct match_sctp),
	.options = sctp_options,
	.init = sctp_init,
	.parse = sctp_parse,
	.print = sctp_print,
	.save = sctp_save,
	.emit = sctp_emit,
};
