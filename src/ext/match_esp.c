/* -m esp (both families): the SPI of an IPsec ESP header, as libxt_esp
 * and xt_esp. The kernel takes it only with -p esp. */
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

struct match_esp {
	uint32_t spis[2];
	uint8_t invflags; /* BF_ESP_INV_SPI */
};
#define BF_ESP_INV_SPI 0x01

enum { O_ESPSPI = 1 };

static const struct option esp_options[] = {
	{.name = "espspi", .has_arg = 1, .val = O_ESPSPI},
	{0},
};

static void esp_init(void *data)
{
	struct match_esp *m = data;

	m->spis[1] = UINT32_MAX;
}

static int esp_parse(int opt, const char *arg, bool invert, void *data,
		     unsigned int *flags, const struct bf_ip *ip)
{
	struct match_esp *m = data;
	int err = bf_xt_opt_begin("esp", "espspi", opt, invert, true, true, flags);

	if (!err)
		err = bf_ht_parse_uint_range("esp", "espspi", arg, UINT32_MAX, m->spis);
	if (!err && invert)
		m->invflags |= BF_ESP_INV_SPI;
	return err;
}

static void esp_print(struct bf_strbuf *out, const struct bf_ip *ip, const void *data,
		      bool numeric)
{
	const struct match_esp *m = data;
	const char *inv = m->invflags & BF_ESP_INV_SPI ? "!" : "";

	bf_strbuf_puts(out, " esp");
	if (m->spis[0] == 0 && m->spis[1] == UINT32_MAX && !*inv)
		return;
	if (m->spis[0] == m->spis[1])
		bf_strbuf_printf(out, " spi:%s%u", inv, m->spis[0]);
	else
		bf_strbuf_printf(out, " spis:%s%u:%u", inv, m->spis[0], m->spis[1]);
}

/* As 1.8.9: the full range is not saved, even inverted (but it is in
 * bpfilter's own state, which must read back the same). */
static void esp_save(struct bf_strbuf *out, const struct bf_ip *ip, const void *data)
{
	const struct match_esp *m = data;

	if (m->spis[0] == 0 && m->spis[1] == UINT32_MAX &&
	    !(bf_ext_save_lossless() && (m->invflags & BF_ESP_INV_SPI)))
		return;
	bf_strbuf_printf(out, "%s --espspi ", m->invflags & BF_ESP_INV_SPI ? " !" : "");
	if (m->spis[0] != m->spis[1])
		bf_strbuf_printf(out, "%u:%u", m->spis[0], m->spis[1]);
	else
		bf_strbuf_printf(out, "%u", m->spis[0]);
}

/* xt_esp: struct ip_esp_hdr (8 bytes), SPI first; spi_match is
 * (min <= spi <= max) ^ invert. */
static int esp_emit(struct bf_cgen *cg, const struct bf_rule *rule,
		    const void *data, int no_match)
{
	const struct match_esp *m = data;

	bf_emit_l4_need(cg, rule, 8, no_match);
	bf_emit_load_pkt(cg, BPF_REG_1, BPF_REG_3, 0, BPF_W);
	bf_emit_reg_range(cg, BPF_REG_1, BPF_W, m->spis[0], m->spis[1], m->invflags & BF_ESP_INV_SPI,
			  no_match);
	return 0;
}

const struct bf_match_ops bf_match_esp = {
	.name = "esp",
	.families = BF_BOTH_FAMILIES,
	.proto = IPPROTO_ESP,
	.size = sizeof(struct match_esp),
	.options = esp_options,
	.init = esp_init,
	.parse = esp_parse,
	.print = esp_print,
	.save = esp_save,
	.emit = esp_emit,
};
