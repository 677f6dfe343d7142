/* -j REJECT for ip6tables: which reply to send, as libip6t_REJECT 1.8.9
 * and ip6t_REJECT. */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <strings.h>

#include "common/log.h"
#include "ext/ext.h"
#include "ext/reject_icmp6.h"
#include "ext/reject_tcp.h"
#include "ext/xtopt.h"

/* As struct ip6t_reject_info; `with` is enum ip6t_reject_with. */
struct target_reject6 {
	uint32_t with;
};

enum {
	REJECT6_NO_ROUTE,
	REJECT6_ADM_PROHIBITED,
	REJECT6_NOT_NEIGHBOUR, /* not offered by ip6tables */
	REJECT6_ADDR_UNREACH,
	REJECT6_PORT_UNREACH,
	REJECT6_ECHOREPLY,     /* refused by the kernel, never parsed */
	REJECT6_TCP_RESET,
	REJECT6_POLICY_FAIL,
	REJECT6_REJECT_ROUTE,
};

/* Indexed by `with`; prefixes of a name or an alias, case-insensitively,
 * the first in this order winning. tcp-reset has no "tcp-rst" alias in
 * ip6tables. */
static const struct {
	const char *name, *alias;
} reject6_names[] = {
	[REJECT6_NO_ROUTE] = {"icmp6-no-route", "no-route"},
	[REJECT6_ADM_PROHIBITED] = {"icmp6-adm-prohibited", "adm-prohibited"},
	[REJECT6_ADDR_UNREACH] = {"icmp6-addr-unreachable", "addr-unreach"},
	[REJECT6_PORT_UNREACH] = {"icmp6-port-unreachable", "port-unreach"},
	[REJECT6_TCP_RESET] = {"tcp-reset", "tcp-reset"},
	[REJECT6_POLICY_FAIL] = {"icmp6-policy-fail", "policy-fail"},
	[REJECT6_REJECT_ROUTE] = {"icmp6-reject-route", "reject-route"},
};
#define N_REJECT6_NAMES (sizeof(reject6_names) / sizeof(reject6_names[0]))

enum { O_REJECT_WITH = 1 };

static const struct option reject6_options[] = {
	{.name = "reject-with", .has_arg = 1, .val = O_REJECT_WITH},
	{0},
};

static void reject6_init(void *data)
{
	struct target_reject6 *t = data;

	t->with = REJECT6_PORT_UNREACH;
}

static bool prefix_of(const char *name, const char *arg)
{
	return name && !strncasecmp(name, arg, strlen(arg));
}

static int reject6_parse(int opt, const char *arg, bool invert, void *data,
			 unsigned int *flags, const struct bf_ip *ip)
{
	struct target_reject6 *t = data;
	int err = bf_xt_opt_begin("REJECT", "reject-with", opt, invert, false, true, flags);

	if (err)
		return err;
	for (uint32_t i = 0; i < N_REJECT6_NAMES; i++) {
		if (prefix_of(reject6_names[i].name, arg) || prefix_of(reject6_names[i].alias, arg)) {
			t->with = i;
			return 0;
		}
	}
	return bf_err(-EINVAL, "unknown reject type \"%s\"", arg);
}

/* ip6t_REJECT's check when the table is committed. */
static int reject6_final_check(const void *data, unsigned int flags, const struct bf_ip *ip)
{
	const struct target_reject6 *t = data;

	if (t->with == REJECT6_TCP_RESET &&
	    (ip->proto != IPPROTO_TCP || (ip->invflags & BF_INV_PROTO)))
		return bf_err(-EPROTO, "Invalid argument. Run `dmesg' for more information.");
	return 0;
}

static const char *reject6_name(const struct target_reject6 *t)
{
	return t->with < N_REJECT6_NAMES && reject6_names[t->with].name ?
	       reject6_names[t->with].name : "";
}

static void reject6_print(struct bf_strbuf *out, const struct bf_ip *ip, const void *data,
			  bool numeric)
{
	bf_strbuf_printf(out, " reject-with %s", reject6_name(data));
}

static void reject6_save(struct bf_strbuf *out, const struct bf_ip *ip, const void *data)
{
	bf_strbuf_printf(out, " --reject-with %s", reject6_name(data));
}

/* At XDP: the reset (reject_tcp.c) or the ICMPv6 error (reject_icmp6.c)
 * of ip6t_REJECT's code for `with`. */
static int reject_emit(struct bf_cgen *cg, const struct bf_rule *rule, const void *data)
{
	static const int8_t codes[] = {
		[REJECT6_NO_ROUTE] = 0, [REJECT6_ADM_PROHIBITED] = 1, [REJECT6_NOT_NEIGHBOUR] = -1,
		[REJECT6_ADDR_UNREACH] = 3, [REJECT6_PORT_UNREACH] = 4, [REJECT6_ECHOREPLY] = -1,
		[REJECT6_TCP_RESET] = -1, [REJECT6_POLICY_FAIL] = 5, [REJECT6_REJECT_ROUTE] = 6,
	};
	const struct target_reject6 *t = data;

	if (t->with == REJECT6_TCP_RESET)
		return bf_emit_reject_tcp(cg, BF_FAMILY_IPV6);
	if (t->with >= sizeof(codes) || codes[t->with] < 0)
		return -EOPNOTSUPP;
	return bf_emit_reject_icmp6(cg, (uint8_t)codes[t->with]);
}

const struct bf_target_ops bf_target_reject6 = {
	.name = "REJECT",
	.families = BF_IPV6_ONLY,
	/* ipt_REJECT / ip6t_REJECT */
	.scope = {.table = "filter",
		  .hooks = BF_HOOK_BIT(BF_HOOK_INPUT) | BF_HOOK_BIT(BF_HOOK_FORWARD) |
			   BF_HOOK_BIT(BF_HOOK_OUTPUT)},
	.size = sizeof(struct target_reject6),
	.options = reject6_options,
	.init = reject6_init,
	.parse = reject6_parse,
	.final_check = reject6_final_check,
	.print = reject6_print,
	.save = reject6_save,
	.emit = reject_emit,
	.ends_walk = true,
};
