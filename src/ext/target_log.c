/* -j LOG (both families): kernel logging of the packet, as libxt_LOG
 * 1.8.9 and xt_LOG. Compiled, the rule writes an event (cgen/log_event.h)
 * into the namespace's ring buffer and the walk goes on with the next
 * rule; `bpfilter log` prints it as the kernel's line. */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <syslog.h>

#include "cgen/cgen.h"
#include "cgen/insn.h"
#include "cgen/log_event.h"
#include "common/log.h"
#include "ext/ext.h"
#include "ext/xtopt.h"
#include "ext/save_string.h"

/* As struct xt_log_info. */
struct target_log {
	uint8_t level;
	uint8_t logflags; /* BF_LOG_F_* */
	char prefix[BF_LOG_PREFIX_SIZE];
};

#define LOG_DEFAULT_LEVEL LOG_WARNING

enum {
	O_LOG_LEVEL = 1, O_LOG_PREFIX, O_LOG_TCPSEQ, O_LOG_TCPOPTS, O_LOG_IPOPTS,
	O_LOG_UID, O_LOG_MAC,
};

static const struct option log_options[] = {
	{.name = "log-level", .has_arg = 1, .val = O_LOG_LEVEL},
	{.name = "log-prefix", .has_arg = 1, .val = O_LOG_PREFIX},
	{.name = "log-tcp-sequence", .has_arg = 0, .val = O_LOG_TCPSEQ},
	{.name = "log-tcp-options", .has_arg = 0, .val = O_LOG_TCPOPTS},
	{.name = "log-ip-options", .has_arg = 0, .val = O_LOG_IPOPTS},
	{.name = "log-uid", .has_arg = 0, .val = O_LOG_UID},
	{.name = "log-macdecode", .has_arg = 0, .val = O_LOG_MAC},
	{0},
};

/* The names XTTYPE_SYSLOGLEVEL takes (exact, case-sensitive)... */
static const struct {
	const char *name;
	uint8_t level;
} level_names[] = {
	{"alert", LOG_ALERT}, {"crit", LOG_CRIT}, {"debug", LOG_DEBUG},
	{"emerg", LOG_EMERG}, {"error", LOG_ERR}, {"info", LOG_INFO},
	{"notice", LOG_NOTICE}, {"panic", LOG_EMERG}, {"warning", LOG_WARNING},
};

/* ...and the ones -L prints, indexed by level. */
static const char *const level_print[] = {
	"emerg", "alert", "crit", "err", "warn", "notice", "info", "debug",
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static void log_init(void *data)
{
	struct target_log *t = data;

	t->level = LOG_DEFAULT_LEVEL;
}

static int parse_level(const char *arg, uint8_t *level)
{
	uint32_t num;

	if (bf_xt_strtoui(arg, NULL, &num, 0, 7)) {
		*level = (uint8_t)num;
		return 0;
	}
	for (size_t i = 0; i < ARRAY_LEN(level_names); i++) {
		if (!strcmp(level_names[i].name, arg)) {
			*level = level_names[i].level;
			return 0;
		}
	}
	return bf_err(-EINVAL, "log level \"%s\" unknown\n", arg);
}

/* XTTYPE_STRING with a minimum length of 1, cut to what fits. */
static int parse_prefix(const char *arg, char prefix[BF_LOG_PREFIX_SIZE])
{
	size_t len = strlen(arg);

	if (len < 1)
		return bf_err(-EINVAL, "Argument must have a minimum length of 1 characters\n");
	if (len >= BF_LOG_PREFIX_SIZE)
		len = BF_LOG_PREFIX_SIZE - 1;
	memcpy(prefix, arg, len);
	prefix[len] = '\0';
	if (strchr(arg, '\n'))
		return bf_err(-EINVAL, "Newlines not allowed in --log-prefix");
	return 0;
}

static int log_parse(int opt, const char *arg, bool invert, void *data,
		     unsigned int *flags, const struct bf_ip *ip)
{
	static const uint8_t bits[] = {
		[O_LOG_TCPSEQ] = BF_LOG_F_TCPSEQ, [O_LOG_TCPOPTS] = BF_LOG_F_TCPOPT,
		[O_LOG_IPOPTS] = BF_LOG_F_IPOPT, [O_LOG_UID] = BF_LOG_F_UID,
		[O_LOG_MAC] = BF_LOG_F_MACDECODE,
	};
	struct target_log *t = data;
	int err = bf_xt_opt_begin("LOG", log_options[opt - 1].name, opt, invert, false, true, flags);

	if (err)
		return err;
	switch (opt) {
	case O_LOG_LEVEL:
		return parse_level(arg, &t->level);
	case O_LOG_PREFIX:
		return parse_prefix(arg, t->prefix);
	default:
		t->logflags |= bits[opt];
		return 0;
	}
}

static void log_print(struct bf_strbuf *out, const struct bf_ip *ip, const void *data,
		      bool numeric)
{
	const struct target_log *t = data;

	bf_strbuf_puts(out, " LOG");
	if (numeric) {
		bf_strbuf_printf(out, " flags %u level %u", t->logflags, t->level);
	} else {
		if (t->level < ARRAY_LEN(level_print))
			bf_strbuf_printf(out, " level %s", level_print[t->level]);
		else
			bf_strbuf_printf(out, " UNKNOWN level %u", t->level);
		if (t->logflags & BF_LOG_F_TCPSEQ)
			bf_strbuf_puts(out, " tcp-sequence");
		if (t->logflags & BF_LOG_F_TCPOPT)
			bf_strbuf_puts(out, " tcp-options");
		if (t->logflags & BF_LOG_F_IPOPT)
			bf_strbuf_puts(out, " ip-options");
		if (t->logflags & BF_LOG_F_UID)
			bf_strbuf_puts(out, " uid");
		if (t->logflags & BF_LOG_F_MACDECODE)
			bf_strbuf_puts(out, " macdecode");
	}
	if (t->prefix[0])
		bf_strbuf_printf(out, " prefix \"%s\"", t->prefix);
}

static void log_save(struct bf_strbuf *out, const struct bf_ip *ip, const void *data)
{
	const struct target_log *t = data;

	if (t->prefix[0]) {
		bf_strbuf_puts(out, " --log-prefix");
		bf_ext_save_string(out, t->prefix, strlen(t->prefix));
	}
	if (t->level != LOG_DEFAULT_LEVEL)
		bf_strbuf_printf(out, " --log-level %u", t->level);
	if (t->logflags & BF_LOG_F_TCPSEQ)
		bf_strbuf_puts(out, " --log-tcp-sequence");
	if (t->logflags & BF_LOG_F_TCPOPT)
		bf_strbuf_puts(out, " --log-tcp-options");
	if (t->logflags & BF_LOG_F_IPOPT)
		bf_strbuf_puts(out, " --log-ip-options");
	if (t->logflags & BF_LOG_F_UID)
		bf_strbuf_puts(out, " --log-uid");
	if (t->logflags & BF_LOG_F_MACDECODE)
		bf_strbuf_puts(out, " --log-macdecode");
}

#define EV(field) offsetof(struct bf_log_event, field)
#define R_EV BPF_REG_9

/* The n bytes at s (a multiple of 8) into the event at off. */
static void emit_store_bytes(struct bf_cgen *cg, int off, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i += 8) {
		uint64_t w;

		memcpy(&w, s + i, sizeof(w));
		if (w) {
			bf_emit_ld_imm64(cg, BPF_REG_1, 0, w);
			bf_emit(cg, BPF_STX_MEM(BPF_DW, R_EV, BPF_REG_1, off + (int)i));
		} else {
			bf_emit(cg, BPF_ST_MEM(BPF_DW, R_EV, off + (int)i, 0));
		}
	}
}

/* One event per packet: reserved in the ring buffer, filled (the rule's
 * options, the interface compiled for, the time, the frame's first
 * bytes by the hook), submitted. A full ring buffer loses the event and
 * counts it in BF_MAP_LOG_DROPS. Falls through: LOG does not end the
 * walk. */
static int log_emit(struct bf_cgen *cg, const struct bf_rule *rule, const void *data)
{
	const struct target_log *t = data;
	char prefix[sizeof(((struct bf_log_event *)0)->prefix)] = {0};
	char ifname[sizeof(((struct bf_log_event *)0)->ifname)] = {0};
	int full = bf_label_new(cg), done = bf_label_new(cg);

	if (!cg->hook->log_frame)
		return -EOPNOTSUPP;
	strncpy(prefix, t->prefix, sizeof(prefix) - 1);
	if (cg->ifname)
		strncpy(ifname, cg->ifname, sizeof(ifname) - 1);

	bf_emit_ld_map(cg, BPF_REG_1, BF_MAP_LOG);
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_2, sizeof(struct bf_log_event)));
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_3, 0));
	bf_emit(cg, BPF_CALL_HELPER(BPF_FUNC_ringbuf_reserve));
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 0), full);
	bf_emit(cg, BPF_MOV64_REG(R_EV, BPF_REG_0));
	bf_emit(cg, BPF_CALL_HELPER(BPF_FUNC_ktime_get_ns));
	bf_emit(cg, BPF_STX_MEM(BPF_DW, R_EV, BPF_REG_0, EV(ts_ns)));
	bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10, BF_PKT_LEN));
	bf_emit(cg, BPF_STX_MEM(BPF_W, R_EV, BPF_REG_1, EV(len)));
	/* family, level, logflags (mac_len, then out_ifindex: the hook's,
	 * and 0 unless routed on). */
	bf_emit(cg, BPF_ST_MEM(BPF_DW, R_EV, EV(family),
			       rule->ip.family | t->level << 8 | t->logflags << 16));
	if (cg->oif_dynamic) {
		bf_emit(cg, BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10, BF_PKT_OIF));
		bf_emit(cg, BPF_STX_MEM(BPF_W, R_EV, BPF_REG_1, EV(out_ifindex)));
	}
	emit_store_bytes(cg, EV(ifname), ifname, sizeof(ifname));
	emit_store_bytes(cg, EV(prefix), prefix, sizeof(prefix));
	cg->hook->log_frame(cg);
	bf_emit(cg, BPF_MOV64_REG(BPF_REG_1, R_EV));
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_2, 0));
	bf_emit(cg, BPF_CALL_HELPER(BPF_FUNC_ringbuf_submit));
	bf_emit_jump(cg, BPF_JMP_A(0), done);

	bf_label_bind(cg, full);
	bf_emit(cg, BPF_ST_MEM(BPF_W, BPF_REG_10, BF_PKT_SCRATCH, 0));
	bf_emit_map_lookup(cg, BF_MAP_LOG_DROPS, BF_PKT_SCRATCH);
	bf_emit_jump(cg, BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 0), done);
	bf_emit(cg, BPF_MOV64_IMM(BPF_REG_1, 1));
	bf_emit(cg, BPF_ATOMIC_OP(BPF_DW, BPF_ADD, BPF_REG_0, BPF_REG_1, 0));
	bf_label_bind(cg, done);
	return cg->err;
}

const struct bf_target_ops bf_target_log = {
	.name = "LOG",
	.families = BF_BOTH_FAMILIES,
	.size = sizeof(struct target_log),
	.options = log_options,
	.init = log_init,
	.parse = log_parse,
	.print = log_print,
	.save = log_save,
	.emit = log_emit,
};
