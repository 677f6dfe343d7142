/* Commit: build every program of the new rulesets (one family changed,
 * both compiled into each program), then swap each interface atomically,
 * then carry over what the old programs counted meanwhile. Nothing
 * changes unless every program loaded. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgen/cgen.h"
#include "common/log.h"
#include "core/state_int.h"
#include "kern/kern_int.h"

int bf_state_build_prog(struct bf_ruleset *const rs[BF_FAMILY_MAX], const char *ifname,
			int map_fd, int *prog_fd)
{
	int fds[BF_MAP_MAX] = {[BF_MAP_COUNTERS] = map_fd};
	struct bf_cgen cg;
	int err;

	bf_cgen_init(&cg);
	/* The code generator logs its own errors. */
	err = bf_cgen_compile(&cg, rs[BF_FAMILY_IPV4], rs[BF_FAMILY_IPV6], &bf_hook_xdp, ifname);
	if (!err)
		err = bf_cgen_patch_maps(&cg, fds);
	if (!err)
		err = bf_prog_load(&bf_hook_xdp, cg.insns, cg.len, BF_PROG_NAME, prog_fd);
	bf_cgen_free(&cg);
	return err;
}

static void adopt(struct bf_state *st, enum bf_family family, struct bf_ruleset *rs)
{
	bf_ruleset_free(st->rs[family]);
	st->rs[family] = rs;
}

struct carry_ctx {
	int map_fd;
	size_t n;
	const struct bf_counter *now;
	size_t n_now;
	int err;
};

/* The carry of a kept rule becomes the old slot's final value: its base
 * (written at creation) plus what the old programs counted since. */
static void carry_slot(struct bf_counter *c, int old_slot, int slot, void *data)
{
	struct carry_ctx *ctx = data;

	if (ctx->err || old_slot < 0 || (size_t)old_slot >= ctx->n_now)
		return;
	ctx->err = bf_counters_write(ctx->map_fd, ctx->n + (size_t)slot, &ctx->now[old_slot]);
}

static void carry_late_counts(struct bf_state *st, struct bf_ruleset *const rs[BF_FAMILY_MAX],
			      int map_fd)
{
	struct carry_ctx ctx = {.map_fd = map_fd, .n = bf_state_n_slots(rs)};
	struct bf_counter *now;

	if (st->counters_fd < 0 || !st->base)
		return;
	if (!ctx.n)
		ctx.n = 1;
	/* The old programs may still run on other CPUs until a grace
	 * period ends; after it their counts are final. */
	bf_prog_quiesce();
	if (bf_state_read_counters(st->counters_fd, st->n_base, &now)) {
		bf_log(BF_LOG_WARN, "Warning: could not carry over the counts made during the swap");
		return;
	}
	ctx.now = now;
	ctx.n_now = st->n_base;
	bf_state_for_each_slot(rs, st->base_off, carry_slot, &ctx);
	if (ctx.err)
		bf_log(BF_LOG_WARN, "Warning: could not carry over the counts made during the swap");
	free(now);
}

/* Puts the old programs back on the first n live attachments. */
static void swap_back(struct bf_state *st, const int *new_fds, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct bf_attachment *a = &st->att[i];

		if (a->prog_fd < 0)
			continue;
		if (bf_xdp_attach(a->ifindex, a->prog_fd, a->mode, new_fds[i]))
			bf_log(BF_LOG_WARN, "Warning: %s: could not put the previous program back", a->ifname);
	}
}

static int commit_files_only(struct bf_state *st, enum bf_family family,
			     struct bf_ruleset *rs)
{
	int err = bf_state_stage_rules(st, family, rs);

	if (!err)
		err = bf_state_publish_rules(st, family);
	if (err)
		return err;
	adopt(st, family, rs);
	bf_state_mark_slots(st);
	return 0;
}

int bf_state_commit(struct bf_state *st, enum bf_family family, struct bf_ruleset *rs)
{
	struct bf_ruleset *next[BF_FAMILY_MAX];
	int map_fd = -1, *new_fds, err = 0;
	size_t i;

	if (family >= BF_FAMILY_MAX || rs->family != family)
		return bf_err(-EINVAL, "an %s ruleset committed as the %s one",
			      rs->family == BF_FAMILY_IPV6 ? "IPv6" : "IPv4",
			      family == BF_FAMILY_IPV6 ? "IPv6" : "IPv4");
	if (!bf_state_n_live(st))
		return commit_files_only(st, family, rs);
	for (int f = 0; f < BF_FAMILY_MAX; f++)
		next[f] = f == (int)family ? rs : st->rs[f];

	new_fds = malloc(st->n_att * sizeof(*new_fds));
	if (!new_fds)
		return -ENOMEM;
	for (i = 0; i < st->n_att; i++)
		new_fds[i] = -1;

	err = bf_state_new_counters(next, st->base, st->n_base, st->base_off, &map_fd);
	for (i = 0; !err && i < st->n_att; i++)
		if (st->att[i].prog_fd >= 0)
			err = bf_state_build_prog(next, st->att[i].ifname, map_fd, &new_fds[i]);
	if (!err)
		err = bf_state_stage_rules(st, family, rs);
	if (err)
		goto out;

	for (i = 0; i < st->n_att; i++) {
		struct bf_attachment *a = &st->att[i];

		if (a->prog_fd < 0)
			continue;
		err = bf_xdp_attach(a->ifindex, new_fds[i], a->mode, a->prog_fd);
		if (err) {
			bf_err(err, "cannot swap the program on %s: %s", a->ifname,
			       bf_kern_last_msg() ? bf_kern_last_msg() : strerror(-err));
			swap_back(st, new_fds, i);
			bf_state_discard_rules(st, family);
			goto out;
		}
	}
	err = bf_state_publish_rules(st, family);
	if (err) {
		swap_back(st, new_fds, st->n_att);
		goto out;
	}

	carry_late_counts(st, next, map_fd);
	for (i = 0; i < st->n_att; i++) {
		struct bf_attachment *a = &st->att[i];
		struct bf_prog_facts f;

		if (a->prog_fd < 0)
			continue;
		close(a->prog_fd);
		a->prog_fd = new_fds[i];
		new_fds[i] = -1;
		if (!bf_prog_facts(a->prog_fd, &f))
			a->prog_id = f.id;
	}
	if (st->counters_fd >= 0)
		close(st->counters_fd);
	st->counters_fd = map_fd;
	map_fd = -1;
	adopt(st, family, rs);
	/* The live values (with the late counts) become st->rs's counters. */
	if (bf_state_load_counters(st))
		bf_log(BF_LOG_WARN, "Warning: could not read the new counters back");
	bf_state_mark_slots(st);

out:
	for (i = 0; i < st->n_att; i++)
		if (new_fds[i] >= 0)
			close(new_fds[i]);
	free(new_fds);
	if (map_fd >= 0)
		close(map_fd);
	return err;
}
