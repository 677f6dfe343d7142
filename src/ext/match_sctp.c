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

#include "common/log.h"
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
};
