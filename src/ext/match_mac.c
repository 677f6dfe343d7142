/* -m mac: --mac-source, as libxt_mac of iptables 1.8.9 and the kernel's
 * xt_mac_info. Both families. The kernel allows it only in chains that
 * PREROUTING, INPUT or FORWARD reach (no source MAC on the way out). */
#include <errno.h>
#include <stdlib.h>

#include "cgen/cgen.h"
#include "common/log.h"
#include "ext/emit_field.h"
#include "ext/ext.h"
#include "ext/stateless_opt.h"
#include "ext/xtopt.h"

#define ETH_ALEN 6

enum { O_MAC };

struct match_mac {
	uint8_t addr[ETH_ALEN];
	uint8_t invert;
};

static const struct option mac_options[] = {
	{.name = "mac-source", .has_arg = 1, .val = O_MAC},
	{0},
};

static const struct bf_sl_optinfo mac_info[] = {
	[O_MAC] = {.flags = BF_XT_MAND | BF_XT_INVERT},
};

/* libxtables' ethermac syntax: six parts of at most two characters, each
 * read by strtoul base 16 (so "+4" and an empty part pass). */
static int parse_mac(const char *arg, uint8_t addr[ETH_ALEN])
{
	const char *p = arg;
	char *end;

	for (int i = 0; i < ETH_ALEN; i++) {
		addr[i] = (uint8_t)strtoul(p, &end, 16);
		if (end - p > 2 || *end != (i == ETH_ALEN - 1 ? '\0' : ':'))
			return bf_err(-EINVAL, "Invalid MAC address specified.");
		p = end + 1;
	}
	return 0;
}

static int mac_parse(int opt, const char *arg, bool invert, void *data,
		     unsigned int *flags, const struct bf_ip *ip)
{
	struct match_mac *m = data;
	int err = bf_sl_opt_parse("mac", mac_options, mac_info, opt, invert, flags);

	if (!err)
		err = parse_mac(arg, m->addr);
	if (!err && invert)
		m->invert = 1;
	return err;
}

static int mac_final_check(const void *data, unsigned int flags, const struct bf_ip *ip)
{
	return bf_sl_opt_fcheck("mac", mac_options, mac_info, flags);
}

static void print_addr(struct bf_strbuf *out, const uint8_t addr[ETH_ALEN])
{
	bf_strbuf_printf(out, " %02x:%02x:%02x:%02x:%02x:%02x", addr[0], addr[1], addr[2],
			 addr[3], addr[4], addr[5]);
}

static void mac_print(struct bf_strbuf *out, const struct bf_ip *ip, const void *data,
		      bool numeric)
{
	const struct match_mac *m = data;

	bf_strbuf_puts(out, m->invert ? " MAC !" : " MAC");
	print_addr(out, m->addr);
}

static void mac_save(struct bf_strbuf *out, const struct bf_ip *ip, const void *data)
{
	const struct match_mac *m = data;

	bf_strbuf_puts(out, m->invert ? " ! --mac-source" : " --mac-source");
	print_addr(out, m->addr);
}

/* xt_mac: the frame's Ethernet source equals the address, xor invert.
 * Its other tests (an Ethernet device, a mac header in front of the
 * data) always hold at this hook, which only sees Ethernet frames. */
static int mac_emit(struct bf_cgen *cg, const struct bf_rule *rule,
		    const void *data, int no_match)
{
	const struct match_mac *m = data;
	uint32_t hi = (uint32_t)m->addr[0] << 24 | (uint32_t)m->addr[1] << 16 |
		      (uint32_t)m->addr[2] << 8 | m->addr[3];
	uint32_t lo = (uint32_t)m->addr[4] << 8 | m->addr[5];
	int differs = m->invert ? bf_label_new(cg) : no_match;

	bf_emit_field_eq(cg, BPF_W, BF_PKT_MAC_HI, 0xffffffff, hi, false, differs);
	bf_emit_field_eq(cg, BPF_H, BF_PKT_MAC_LO, 0xffffffff, lo, m->invert, no_match);
	if (m->invert)
		bf_label_bind(cg, differs);
	return 0;
}

const struct bf_match_ops bf_match_mac = {
	.name = "mac",
	.families = BF_BOTH_FAMILIES,
	/* xt_mac: only where the frame's source MAC is known */
	.scope = {.hooks = BF_HOOK_BIT(BF_HOOK_PREROUTING) | BF_HOOK_BIT(BF_HOOK_INPUT) |
			   BF_HOOK_BIT(BF_HOOK_FORWARD)},
	.size = sizeof(struct match_mac),
	.options = mac_options,
	.parse = mac_parse,
	.final_check = mac_final_check,
	.print = mac_print,
	.save = mac_save,
	.emit = mac_emit,
};
