/* -j LOG (both families): kernel logging of the packet, as libxt_LOG
 * 1.8.9 and xt_LOG. */
#include <errno.h>
#include <string.h>
#include <syslog.h>

#include "common/log.h"
#include "ext/ext.h"
#include "ext/xtopt.h"
#include "ext/save_string.h"

#define LOG_PREFIX_SIZE 30

/* As struct xt_log_info. */
struct target_log {
	uint8_t level;
	uint8_t logflags; /* LOG_F_* */
	char prefix[LOG_PREFIX_SIZE];
};

#define LOG_F_TCPSEQ 0x01
#define LOG_F_TCPOPT 0x02
#define LOG_F_IPOPT 0x04
#define LOG_F_UID 0x08
#define LOG_F_MACDECODE 0x20

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
static int parse_prefix(const char *arg, char prefix[LOG_PREFIX_SIZE])
{
	size_t len = strlen(arg);

	if (len < 1)
		return bf_err(-EINVAL, "Argument must have a minimum length of 1 characters\n");
	if (len >= LOG_PREFIX_SIZE)
		len = LOG_PREFIX_SIZE - 1;
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
		[O_LOG_TCPSEQ] = LOG_F_TCPSEQ, [O_LOG_TCPOPTS] = LOG_F_TCPOPT,
		[O_LOG_IPOPTS] = LOG_F_IPOPT, [O_LOG_UID] = LOG_F_UID,
		[O_LOG_MAC] = LOG_F_MACDECODE,
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
		if (t->logflags & LOG_F_TCPSEQ)
			bf_strbuf_puts(out, " tcp-sequence");
		if (t->logflags & LOG_F_TCPOPT)
			bf_strbuf_puts(out, " tcp-options");
		if (t->logflags & LOG_F_IPOPT)
			bf_strbuf_puts(out, " ip-options");
		if (t->logflags & LOG_F_UID)
			bf_strbuf_puts(out, " uid");
		if (t->logflags & LOG_F_MACDECODE)
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
	if (t->logflags & LOG_F_TCPSEQ)
		bf_strbuf_puts(out, " --log-tcp-sequence");
	if (t->logflags & LOG_F_TCPOPT)
		bf_strbuf_puts(out, " --log-tcp-options");
	if (t->logflags & LOG_F_IPOPT)
		bf_strbuf_puts(out, " --log-ip-options");
	if (t->logflags & LOG_F_UID)
		bf_strbuf_puts(out, " --log-uid");
	if (t->logflags & LOG_F_MACDECODE)
		bf_strbuf_puts(out, " --log-macdecode");
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
};
