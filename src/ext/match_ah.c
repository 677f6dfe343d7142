/* -m ah for iptables (IPv4): the SPI of an IPsec AH header, as libipt_ah
 * and ipt_ah. The kernel takes it only with -p ah. (ip6tables' ah, with
 * more options, is match_ah6.c.) */
#include <errno.h>
#include <netinet/in.h>

#include "cgen/cgen.h"
#include "cgen/insn.h"
#include "ext/emit_field.h"
#include "ext/ext.h"
#include "ext/headers_targets_opt.h"
#include "ext/ports.h"
#include "ext/xtopt.h"
#include "front/ext_services.h"

struct match_ah {
	uint32_t spis[2];
	uint8_t invflags; /* BF_AH_INV_SPI */
};
#define BF_AH_INV_SPI 0x01

enum { O_AHSPI = 1 };

static const struct option ah_options[] = {
	{.name = "ahspi", .has_arg = 1, .val = O_AHSPI},
	{0},
};

static void ah_init(void *data)
{
	struct match_ah *m = data;

	m->spis[1] = UINT32_MAX;
}

static int ah_parse(int opt, const char *arg, bool invert, void *data,
		    unsigned int *flags, const struct bf_ip *ip)
{
	struct match_ah *m = data;
	int err = bf_xt_opt_begin("ah", "ahspi", opt, invert, true, true, flags);

	if (!err)
		err = bf_ht_parse_uint_range("ah", "ahspi", arg, UINT32_MAX, m->spis);
	if (!err && invert)
		m->invflags |= BF_AH_INV_SPI;
	return err;
}

/* " ah spi:5", and " ah " (with its blank) for any SPI, as libipt_ah. */
static void ah_print(struct bf_strbuf *out, const struct bf_ip *ip, const void *data,
		     bool numeric)
{
	const struct match_ah *m = data;
	const char *inv = m->invflags & BF_AH_INV_SPI ? "!" : "";

	bf_strbuf_puts(out, " ah ");
	if (m->spis[0] == 0 && m->spis[1] == UINT32_MAX && !*inv)
		return;
	if (m->spis[0] == m->spis[1])
		bf_strbuf_printf(out, "spi:%s%u", inv, m->spis[0]);
	else
		bf_strbuf_printf(out, "spis:%s%u:%u", inv, m->spis[0], m->spis[1]);
}

/* As 1.8.9: the full range is not saved, even inverted (but it is in
 * bpfilter's own state, which must read back the same). */
static void ah_save(struct bf_strbuf *out, const struct bf_ip *ip, const void *data)
{
	const struct match_ah *m = data;

	if (m->spis[0] == 0 && m->spis[1] == UINT32_MAX &&
	    !(bf_ext_save_lossless() && (m->invflags & BF_AH_INV_SPI)))
		return;
	bf_strbuf_printf(out, "%s --ahspi ", m->invflags & BF_AH_INV_SPI ? " !" : "");
	if (m->spis[0] != m->spis[1])
		bf_strbuf_printf(out, "%u:%u", m->spis[0], m->spis[1]);
	else
		bf_strbuf_printf(out, "%u", m->spis[0]);
}

/* ipt_ah: struct ip_auth_hdr (12 bytes), SPI at offset 4; spi_match is
 * (min <= spi <= max) ^ invert. */
static int ah_emit(struct bf_cgen *cg, const struct bf_rule *rule,
		    const void *data, int no_match)
{
	const struct match_ah *m = data;

	bf_emit_l4_need(cg, rule, 12, no_match);
	bf_emit_load_pkt(cg, BPF_REG_1, BPF_REG_3, 4, BPF_W);
	bf_emit_reg_range(cg, BPF_REG_1, BPF_W, m->spis[0], m->spis[1], m->invflags & BF_AH_INV_SPI,
			  no_match);
	return 0;
}

const struct bf_match_ops bf_match_ah = {
	.name = "ah",
	.families = BF_IPV4_ONLY,
	.proto = IPPROTO_AH,
	.size = sizeof(struct match_ah),
	.options = ah_options,
	.init = ah_init,
	.parse = ah_parse,
	.print = ah_print,
	.save = ah_save,
	.emit = ah_emit,
};
