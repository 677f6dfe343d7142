/* bpfilter's side of the harness. */
#include "rand_bpf.h"

#include <errno.h>
#include <string.h>

#include "cgen/cgen.h"
#include "common/log.h"
#include "core/named.h"
#include "front/front.h"

static void log_to(enum bf_log_level level, const char *msg, void *data)
{
	if (data) {
		bf_strbuf_puts(data, msg);
		bf_strbuf_puts(data, "\n");
	}
}

int rb_load(struct rb_prog *b, int family, const char *text, struct bf_strbuf *err,
	    const char **stage)
{
	struct bf_cgen cg;
	int rc;

	memset(b, 0, sizeof(*b));
	b->p.prog_fd = b->p.map_fd = -1;
	bf_log_set(log_to, err);
	*stage = "parse";
	b->rs = bf_ruleset_new(family == 6 ? BF_FAMILY_IPV6 : BF_FAMILY_IPV4);
	if (!b->rs)
		return -ENOMEM;
	rc = bf_restore_parse(text, b->rs, false, false);
	if (rc)
		return rc < 0 ? rc : -EINVAL;
	*stage = "compile";
	bf_cgen_init(&cg);
	/* The other family's ruleset absent: its packets pass unjudged. The
	 * ruleset's slots start at 0 either way. */
	rc = bf_cgen_compile(&cg, family == 6 ? NULL : b->rs, family == 6 ? b->rs : NULL,
			     &bf_hook_xdp, RR_IFNAME);
	if (!rc) {
		*stage = "load";
		rc = prog_load_cgen(&cg, bf_ruleset_n_slots(b->rs), &b->p);
	}
	/* hashlimit's and recent's tables, new for each program. */
	if (!rc) {
		struct bf_ruleset *both[BF_FAMILY_MAX] = {0};

		both[b->rs->family] = b->rs;
		if (b->p.hl_fd >= 0)
			rc = bf_named_prepare(BF_MAP_HASHLIMIT, b->p.hl_fd, both);
		if (!rc && b->p.recent_fd >= 0)
			rc = bf_named_prepare(BF_MAP_RECENT, b->p.recent_fd, both);
	}
	bf_cgen_free(&cg);
	bf_log_set(log_to, NULL);
	return rc;
}

void rb_free(struct rb_prog *b)
{
	if (b->p.prog_fd >= 0 || b->p.map_fd >= 0)
		prog_close(&b->p);
	bf_ruleset_free(b->rs);
	b->rs = NULL;
}

int rb_run(const struct rb_prog *b, const uint8_t *frame, size_t len)
{
	return prog_run(&b->p, frame, len);
}

void rb_counters(const struct rb_prog *b, struct rc_set *out)
{
	memset(out, 0, sizeof(*out));
	for (int t = 0; t < BF_TABLE_MAX; t++) {
		const struct bf_table *tb = &b->rs->tables[t];
		enum rr_table rt = t == BF_TABLE_RAW ? RR_RAW : RR_FILTER;

		for (size_t i = 0; i < tb->n_chains; i++) {
			const struct bf_chain *c = tb->chains[i];
			struct bf_counter k;

			if (c->builtin) {
				k = prog_counter(&b->p, (size_t)bf_policy_slot(b->rs, t, i));
				rc_add(out, rt, c->name, -1, k.packets, k.bytes);
			}
			for (size_t r = 0; r < c->n_rules; r++) {
				k = prog_counter(&b->p, (size_t)bf_rule_slot(b->rs, t, i, r));
				rc_add(out, rt, c->name, (int)r, k.packets, k.bytes);
			}
		}
	}
}

bool rb_compiles(int family, const char *text, bool *parsed)
{
	struct bf_ruleset *rs = bf_ruleset_new(family == 6 ? BF_FAMILY_IPV6 : BF_FAMILY_IPV4);
	bool ok = false;

	bf_log_set(log_to, NULL);
	*parsed = rs && !bf_restore_parse(text, rs, false, false);
	if (*parsed)
		ok = !bf_cgen_check(rs);
	bf_ruleset_free(rs);
	return ok;
}
