/* -j REJECT for iptables (IPv4): which reply to send, as libipt_REJECT
 * 1.8.9 and ipt_REJECT. (ip6tables' REJECT is target_reject6.c.) */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <strings.h>

#include "common/log.h"
#include "ext/ext.h"
#include "ext/reject_icmp.h"
#include "ext/reject_tcp.h"
#include "ext/xtopt.h"

/* As struct ipt_reject_info; `with` is enum ipt_reject_with. */
struct target_reject {
	uint32_t with;
};

enum {
	REJECT_NET_UNREACH,
	REJECT_HOST_UNREACH,
	REJECT_PROTO_UNREACH,
	REJECT_PORT_UNREACH,
	REJECT_ECHOREPLY, /* refused by the kernel, never parsed */
	REJECT_NET_PROHIB,
	REJECT_HOST_PROHIB,
	REJECT_TCP_RESET,
	REJECT_ADMIN_PROHIB,
};

/* Indexed by `with`. A name or an alias is taken by its prefix,
 * case-insensitively, the first in this order winning (so "" and "icmp"
 * are icmp-net-unreachable). */
static const struct {
	const char *name, *alias;
} reject_names[] = {
	[REJECT_NET_UNREACH] = {"icmp-net-unreachable", "net-unreach"},
	[REJECT_HOST_UNREACH] = {"icmp-host-unreachable", "host-unreach"},
	[REJECT_PROTO_UNREACH] = {"icmp-proto-unreachable", "proto-unreach"},
	[REJECT_PORT_UNREACH] = {"icmp-port-unreachable", "port-unreach"},
	[REJECT_NET_PROHIB] = {"icmp-net-prohibited", "net-prohib"},
	[REJECT_HOST_PROHIB] = {"icmp-host-prohibited", "host-prohib"},
	[REJECT_TCP_RESET] = {"tcp-reset", "tcp-rst"},
	[REJECT_ADMIN_PROHIB] = {"icmp-admin-prohibited", "admin-prohib"},
};
#define N_REJECT_NAMES (sizeof(reject_names) / sizeof(reject_names[0]))

enum { O_REJECT_WITH = 1 };

static const struct option reject_options[] = {
	{.name = "reject-with", .has_arg = 1, .val = O_REJECT_WITH},
	{0},
};

static void reject_init(void *data)
{
	struct target_reject *t = data;

	t->with = REJECT_PORT_UNREACH;
}

static bool prefix_of(const char *name, const char *arg)
{
	return name && !strncasecmp(name, arg, strlen(arg));
}

static int reject_parse(int opt, const char *arg, bool invert, void *data,
			unsigned int *flags, const struct bf_ip *ip)
{
	struct target_reject *t = data;
	int err = bf_xt_opt_begin("REJECT", "reject-with", opt, invert, false, true, flags);

	if (err)
		return err;
	for (uint32_t i = 0; i < N_REJECT_NAMES; i++) {
		if (prefix_of(reject_names[i].name, arg) || prefix_of(reject_names[i].alias, arg)) {
			t->with = i;
			return 0;
		}
	}
	if (prefix_of("echo-reply", arg) || prefix_of("echoreply", arg))
		bf_log(BF_LOG_WARN, "--reject-with echo-reply no longer supported");
	return bf_err(-EINVAL, "unknown reject type \"%s\"", arg);
}

/* ipt_REJECT's check when the table is committed. */
static int reject_final_check(const void *data, unsigned int flags, const struct bf_ip *ip)
{
	const struct target_reject *t = data;

	if (t->with == REJECT_TCP_RESET &&
	    (ip->proto != IPPROTO_TCP || (ip->invflags & BF_INV_PROTO)))
		return bf_err(-EPROTO, "Invalid argument. Run `dmesg' for more information.");
	return 0;
}

static const char *reject_name(const struct target_reject *t)
{
	return t->with < N_REJECT_NAMES && reject_names[t->with].name ?
	       reject_names[t->with].name : "";
}

static void reject_print(struct bf_strbuf *out, const struct bf_ip *ip, const void *data,
			 bool numeric)
{
	bf_strbuf_printf(out, " reject-with %s", reject_name(data));
}

static void reject_save(struct bf_strbuf *out, const struct bf_ip *ip, const void *data)
{
	bf_strbuf_printf(out, " --reject-with %s", reject_name(data));
}

/* At XDP: the reset (reject_tcp.c) or the ICMP error (reject_icmp.c). */
static int reject_emit(struct bf_cgen *cg, const struct bf_rule *rule, const void *data)
{
	static const uint8_t codes[] = {
		[REJECT_NET_UNREACH] = 0, [REJECT_HOST_UNREACH] = 1, [REJECT_PROTO_UNREACH] = 2,
		[REJECT_PORT_UNREACH] = 3, [REJECT_NET_PROHIB] = 9, [REJECT_HOST_PROHIB] = 10,
		[REJECT_ADMIN_PROHIB] = 13,
	};
	const struct target_reject *t = data;

	if (t->with == REJECT_TCP_RESET)
		return bf_emit_reject_tcp(cg, BF_FAMILY_IPV4);
	if (t->with >= sizeof(codes) || t->with == REJECT_ECHOREPLY)
		return -EOPNOTSUPP;
	return bf_emit_reject_icmp(cg, codes[t->with]);
}

const struct bf_target_ops bf_target_reject = {
	.name = "REJECT",
	.families = BF_IPV4_ONLY,
	/* ipt_REJECT / ip6t_REJECT */
	.scope = {.table = "filter",
		  .hooks = BF_HOOK_BIT(BF_HOOK_INPUT) | BF_HOOK_BIT(BF_HOOK_FORWARD) |
			   BF_HOOK_BIT(BF_HOOK_OUTPUT)},
	.size = sizeof(struct target_reject),
	.options = reject_options,
	.init = reject_init,
	.parse = reject_parse,
	.final_check = reject_final_check,
	.print = reject_print,
	.save = reject_save,
	.emit = reject_emit,
	.ends_walk = true,
};
