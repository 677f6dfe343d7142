/* Both sides on one case, and the minimizer: the frames that differ
 * (replayed one by one, in order, since a rule may keep state such as
 * statistic's nth counter), then the rules and chains whose removal
 * keeps the difference, greedily. */
#include "rand_min.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rand_bpf.h"
#include "rand_oracle.h"

enum rm_result rm_run(const struct rr_set *rs, const struct rp_frame *frames, size_t n,
		      struct rc_set *oracle, struct rc_set *bpf, struct bf_strbuf *why)
{
	struct bf_strbuf text = {0}, err = {0};
	struct rb_prog b;
	const char *stage;
	enum rm_result res = RM_SAME;
	int rc;

	rr_print(rs, &text, RO_MARKER);
	if (ro_restore(rs->family, bf_strbuf_str(&text), &err)) {
		bool parsed;

		bf_strbuf_reset(&text);
		rr_print(rs, &text, 0);
		rb_compiles(rs->family, bf_strbuf_str(&text), &parsed);
		if (why)
			bf_strbuf_printf(why, "iptables-legacy-restore refused (bpfilter's front end %s):\n%s",
					 parsed ? "ACCEPTS it" : "refuses it too", bf_strbuf_str(&err));
		res = RM_ORACLE_FAIL;
		goto out;
	}
	bf_strbuf_reset(&text);
	rr_print(rs, &text, 0);
	rc = rb_load(&b, rs->family, bf_strbuf_str(&text), &err, &stage);
	if (rc) {
		if (why)
			bf_strbuf_printf(why, "bpfilter: %s failed (%d)%s\n%s", stage, rc,
					 !strcmp(stage, "load") ? " (the verifier log is on stderr)" : ":",
					 bf_strbuf_str(&err));
		res = RM_BPF_FAIL;
		rb_free(&b);
		goto out;
	}
	for (size_t i = 0; i < n && res == RM_SAME; i++) {
		if (ro_send(frames[i].data, frames[i].len)) {
			if (why)
				bf_strbuf_printf(why, "harness error: sending frame %zu: %m\n", i + 1);
			res = RM_ERROR;
		} else if ((rc = rb_run(&b, frames[i].data, frames[i].len)) < 0) {
			if (why)
				bf_strbuf_printf(why, "harness error: BPF_PROG_TEST_RUN of frame %zu: %d\n",
						 i + 1, rc);
			res = RM_ERROR;
		}
	}
	if (res == RM_SAME && ro_sync(rs->family, oracle)) {
		if (why)
			bf_strbuf_printf(why, "harness error: the oracle's marker: %m\n");
		res = RM_ERROR;
	}
	if (res == RM_SAME) {
		rb_counters(&b, bpf);
		if (rc_compare(oracle, bpf, rs->kind == RR_KIND_RAW_ONLY, why))
			res = RM_DIFF;
	}
	rb_free(&b);
out:
	bf_strbuf_free(&text);
	bf_strbuf_free(&err);
	return res;
}

static bool still(const struct rr_set *rs, const struct rp_frame *frames, size_t n,
		  enum rm_result kind)
{
	struct rc_set o, b;

	return rm_run(rs, frames, n, &o, &b, NULL) == kind;
}

/* The first frame whose own counters differ, replaying in order; -1 if
 * none does on its own. */
static long first_diff_frame(const struct rr_set *rs, const struct rp_frame *frames, size_t n)
{
	struct bf_strbuf text = {0};
	struct rb_prog b;
	const char *stage;
	struct rc_set o_prev, o_now, b_prev, b_now, od, bd;
	long found = -1;

	rr_print(rs, &text, RO_MARKER);
	if (ro_restore(rs->family, bf_strbuf_str(&text), NULL) || ro_sync(rs->family, &o_prev))
		goto out;
	bf_strbuf_reset(&text);
	rr_print(rs, &text, 0);
	if (rb_load(&b, rs->family, bf_strbuf_str(&text), NULL, &stage)) {
		rb_free(&b);
		goto out;
	}
	rb_counters(&b, &b_prev);
	for (size_t i = 0; i < n && found < 0; i++) {
		if (ro_send(frames[i].data, frames[i].len) || ro_sync(rs->family, &o_now) ||
		    rb_run(&b, frames[i].data, frames[i].len) < 0)
			break;
		rb_counters(&b, &b_now);
		rc_sub(&od, &o_now, &o_prev);
		rc_sub(&bd, &b_now, &b_prev);
		if (rc_compare(&od, &bd, rs->kind == RR_KIND_RAW_ONLY, NULL))
			found = (long)i;
		o_prev = o_now;
		b_prev = b_now;
	}
	rb_free(&b);
out:
	bf_strbuf_free(&text);
	return found;
}

static void shrink_rules(struct rr_set *rs, const struct rp_frame *frames, size_t n,
			 enum rm_result kind)
{
	bool changed = true;
	struct rr_set *t = malloc(sizeof(*t));

	if (!t)
		return;
	while (changed) {
		changed = false;
		for (size_t c = 0; c < rs->n_chains; c++) {
			for (size_t i = rs->chains[c].n_rules; i-- > 0;) {
				*t = *rs;
				rr_rule_remove(&t->chains[c], i);
				if (still(t, frames, n, kind)) {
					*rs = *t;
					changed = true;
				}
			}
		}
		for (size_t c = rs->n_chains; c-- > 0;) {
			if (rs->chains[c].builtin || rr_chain_referenced(rs, c))
				continue;
			*t = *rs;
			rr_chain_remove(t, c);
			if (still(t, frames, n, kind)) {
				*rs = *t;
				changed = true;
			}
		}
		/* A DROP policy back to ACCEPT, when the difference stays. */
		for (size_t c = 0; c < rs->n_chains; c++) {
			if (!rs->chains[c].drop_policy)
				continue;
			*t = *rs;
			t->chains[c].drop_policy = false;
			if (still(t, frames, n, kind)) {
				*rs = *t;
				changed = true;
			}
		}
	}
	free(t);
}

void rm_minimize(struct rr_set *rs, struct rp_frame *frames, size_t n, enum rm_result kind)
{
	struct bf_strbuf text = {0}, why = {0};
	struct rc_set o, b;
	long f = -1;

	if (kind == RM_DIFF) {
		f = first_diff_frame(rs, frames, n);
		if (f >= 0) {
			if (still(rs, &frames[f], 1, kind)) {
				frames[0] = frames[f];
				n = 1;
			} else {
				n = (size_t)f + 1;
			}
		}
	} else {
		n = 0;
	}
	shrink_rules(rs, frames, n, kind);
	rm_run(rs, frames, n, &o, &b, &why);
	rr_print(rs, &text, 0);
	printf("---- reproducer (%s) ----\n%s", kind == RM_DIFF ? "counters differ" :
	       kind == RM_BPF_FAIL ? "bpfilter refused" : "iptables refused", bf_strbuf_str(&text));
	for (size_t i = 0; i < n; i++) {
		bf_strbuf_reset(&text);
		rp_hex(frames[i].data, frames[i].len, &text);
		printf("-- frame %zu of %zu (%zu bytes):\n%s", i + 1, n, frames[i].len, bf_strbuf_str(&text));
	}
	printf("-- differences:\n%s", bf_strbuf_str(&why));
	if (kind == RM_DIFF) {
		bf_strbuf_reset(&text);
		rc_print(&o, &text);
		printf("-- iptables counted:\n%s", bf_strbuf_str(&text));
		bf_strbuf_reset(&text);
		rc_print(&b, &text);
		printf("-- bpfilter counted:\n%s", bf_strbuf_str(&text));
	}
	printf("---- end of reproducer ----\n");
	bf_strbuf_free(&text);
	bf_strbuf_free(&why);
}
