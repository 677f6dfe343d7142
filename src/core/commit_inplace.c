/* The commit that loads no program. A change that keeps the shapes of the
 * rules (a rule added, deleted or replaced inside a classifier stage,
 * counters zeroed) compiles to the same code as what is attached: the
 * classifier maps' contents are all that differ. Then each map gets its
 * new tables in the half its programs do not read, and a flip of its
 * header switches them over (kern/class_map.c): no verification, no
 * swap, no counters to carry, since every rule keeps its counter slot
 * (core/slots.c) and new rules take unused ones. Whether the code is the
 * same is decided by digests kept in the maps' headers by the commit that
 * loaded the programs. */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "cgen/cgen.h"
#include "common/log.h"
#include "core/nf_stage.h"
#include "core/state_int.h"
#include "kern/kern_int.h"

#define BF_FLIP_SETTLED_NS 1000000000ull

/* The maps to update for one interface, and how to undo it. */
struct target {
	int map_fd;
	const struct bf_class_table *table;
	uint32_t old_half;
	bool flipped;
};

/* The classifier maps of attachment a's programs, if p is what they run;
 * -EAGAIN otherwise. */
static int find_targets(const struct bf_state *st, const struct bf_attachment *a,
			const struct bf_iface_progs *p, struct target t[2])
{
	int nf_fd, err;

	/* Without tables in its XDP program, an interface has no header to
	 * say what runs there. */
	if (!p->xdp.class_table.n || bf_prog_class_map(a->prog_fd, &t[0].map_fd))
		return -EAGAIN;
	t[0].table = &p->xdp.class_table;
	if (!p->has_nf || !p->nf.class_table.n)
		return 0;
	if (bf_nf_stage_prog(st, a->ifindex, &nf_fd))
		return -EAGAIN;
	err = bf_prog_class_map(nf_fd, &t[1].map_fd);
	close(nf_fd);
	if (err)
		return -EAGAIN;
	t[1].table = &p->nf.class_table;
	return 0;
}

/* Puts the counters of new and zeroed rules (old_slot -1) at what the
 * command says (c): the slot's carry is set against what the programs
 * counted there. New rules' slots are past every slot the running
 * programs use (bf_slots_assign_fresh), so theirs are set before the
 * flip, exactly; zeroed rules' after it, as their counts go on. */
struct counts_ctx {
	int map_fd;
	size_t cap, first_fresh;
	bool fresh; /* this pass: the new rules' (else the zeroed ones') */
	int err;
};

static void set_count(struct bf_counter *c, int old_slot, int slot, void *data)
{
	struct counts_ctx *ctx = data;
	struct bf_counter live, carry;

	if (old_slot >= 0 || ctx->err || ((size_t)slot >= ctx->first_fresh) != ctx->fresh)
		return;
	ctx->err = bf_counters_read_one(ctx->map_fd, (size_t)slot, &live);
	if (ctx->err)
		return;
	carry.packets = c->packets - live.packets;
	carry.bytes = c->bytes - live.bytes;
	ctx->err = bf_counters_write(ctx->map_fd, ctx->cap + (size_t)slot, &carry);
}

static void flip_back(struct target *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].flipped && bf_class_map_flip(t[i].map_fd, t[i].table->n, t[i].old_half))
			bf_log(BF_LOG_WARN, "Warning: could not put the previous classifier tables back");
}

/* The state of the stateful matches (limit buckets, nth counts) of the
 * tables the change replaces restarts, as iptables-legacy restarts it
 * when it replaces a table (carry_state in commit.c); the others go on.
 * The code is unchanged, so the records are where they were. */
static void restart_state(const struct bf_state *st, const struct bf_ruleset *rs)
{
	for (int t = 0; st->state_fd >= 0 && t < BF_TABLE_MAX; t++) {
		size_t n = rs->tables[t].replaced ?
			   bf_cgen_state_records(rs, (enum bf_table_id)t, NULL, 0) : 0;
		size_t *slots = n ? calloc(n, sizeof(*slots)) : NULL;

		if (n && !slots) {
			bf_log(BF_LOG_WARN, "Warning: could not restart the state of %s's matches",
			       bf_table_name((enum bf_table_id)t));
			continue;
		}
		bf_cgen_state_records(rs, (enum bf_table_id)t, slots, n);
		for (size_t i = 0; i < n; i++)
			if (bf_state_map_zero(st->state_fd, slots[i], BF_STATE_RECORD_WORDS))
				bf_log(BF_LOG_WARN, "Warning: could not restart a match's state");
		free(slots);
	}
}

int bf_state_commit_in_place(struct bf_state *st, enum bf_family family,
			     struct bf_ruleset *const next[BF_FAMILY_MAX])
{
	size_t n_live = bf_state_n_live(st), n = 0;
	struct counts_ctx counts = {.map_fd = st->counters_fd, .cap = st->n_base};
	uint64_t recent = UINT64_MAX;
	struct bf_iface_progs *progs;
	struct target *t;
	int err = 0;

	/* The state map the programs share must be there when they use one
	 * (restart_state). */
	/* The netfilter hooks' programs have no classifier tables. */
	if (st->slots_stale || st->counters_fd < 0 || !st->n_base || !n_live || st->hooks_fd >= 0 ||
	    (bf_cgen_n_state(next[BF_FAMILY_IPV4], next[BF_FAMILY_IPV6]) && st->state_fd < 0))
		return -EAGAIN;
	/* New rules count where neither the running programs nor the new
	 * ones do yet: a deleted rule's slot is not taken again here. */
	counts.first_fresh = bf_slots_end(st->rs);
	if (bf_slots_assign_fresh(next, counts.first_fresh, st->n_base)) {
		bf_slots_restore(next[family], true);
		return -EAGAIN;
	}
	progs = calloc(st->n_att, sizeof(*progs));
	t = calloc(2 * st->n_att, sizeof(*t));
	if (!progs || !t) {
		err = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < 2 * st->n_att; i++)
		t[i].map_fd = -1;
	for (size_t i = 0; i < st->n_att && !err; i++) {
		if (st->att[i].prog_fd < 0)
			continue;
		err = bf_iface_progs_compile(next, st->att[i].ifname, &progs[n]);
		n++;
		if (!err)
			err = find_targets(st, &st->att[i], &progs[n - 1], &t[2 * (n - 1)]);
	}
	if (!err)
		err = bf_state_stage_rules(st, family, next[family]);
	if (err)
		goto out;
	counts.fresh = true;
	bf_state_for_each_slot(next, set_count, &counts);
	err = counts.err;
	for (size_t i = 0; i < 2 * n && !err; i++) {
		uint64_t ago = UINT64_MAX;

		if (t[i].map_fd < 0)
			continue;
		err = bf_class_map_check(t[i].map_fd, t[i].table, &ago);
		if (err == -ESTALE)
			err = -EAGAIN; /* not the programs these tables are for */
		if (ago < recent)
			recent = ago;
	}
	/* The half written now was read until the last flip: by runs long
	 * over if that was a second ago (a program run lasts microseconds; a
	 * grace period milliseconds), else wait for a grace period. */
	if (!err && recent < BF_FLIP_SETTLED_NS)
		bf_prog_quiesce();
	if (!err)
		err = bf_state_pending_begin(st);
	for (size_t i = 0; i < 2 * n && !err; i++) {
		if (t[i].map_fd < 0)
			continue;
		err = bf_class_map_replace(t[i].map_fd, t[i].table, &t[i].old_half);
		t[i].flipped = !err;
	}
	if (!err)
		err = bf_state_publish_rules(st, family);
	if (err) {
		flip_back(t, 2 * n);
		bf_state_discard_rules(st, family);
		bf_state_pending_end(st);
		goto out;
	}
	bf_state_pending_end(st);
	counts.fresh = false;
	bf_state_for_each_slot(next, set_count, &counts);
	if (counts.err)
		bf_log(BF_LOG_WARN, "Warning: could not zero the counters of the zeroed rules");
	restart_state(st, next[family]);

out:
	if (err)
		bf_slots_restore(next[family], true);
	for (size_t i = 0; t && i < 2 * st->n_att; i++)
		if (t[i].map_fd >= 0)
			close(t[i].map_fd);
	for (size_t i = 0; progs && i < n; i++)
		bf_iface_progs_free(&progs[i]);
	free(progs);
	free(t);
	return err;
}
