/* Commit: build every program of the new rulesets (one family changed,
 * both compiled into each program), then swap each interface atomically,
 * then carry over what the old programs counted meanwhile. Nothing
 * changes unless every program loaded. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgen/cgen.h"
#include "cgen/ct.h"
#include "cgen/nf.h"
#include "cgen/tc.h"
#include "common/fault.h"
#include "common/log.h"
#include "core/egress.h"
#include "core/log_ring.h"
#include "core/named.h"
#include "core/nf_hooks.h"
#include "core/nf_reject.h"
#include "core/prog_maps.h"
#include "core/nf_stage.h"
#include "core/state_int.h"
#include "kern/kern_int.h"
#include "kern/tc.h"

int bf_iface_progs_compile(struct bf_ruleset *const rs[BF_FAMILY_MAX], const char *ifname,
			   struct bf_iface_progs *p)
{
	int err;

	bf_cgen_init(&p->xdp);
	bf_cgen_init(&p->nf);
	bf_cgen_init(&p->tc);
	p->has_nf = rs[BF_FAMILY_IPV4] || bf_ruleset_uses_ct(rs[BF_FAMILY_IPV6]);
	/* Always, as the stack always runs OUTPUT: its policy counts every
	 * packet this host sends, even with no rule. */
	p->has_tc = rs[BF_FAMILY_IPV4] || rs[BF_FAMILY_IPV6];
	/* The code generator logs its own errors. The netfilter stage's
	 * first: the XDP program takes its plan of filter INPUT. */
	err = p->has_nf ? bf_cgen_compile_nf(&p->nf, rs[BF_FAMILY_IPV4], rs[BF_FAMILY_IPV6],
					     ifname) : 0;
	p->xdp.plan_donor = p->has_nf ? &p->nf : NULL;
	if (!err)
		err = bf_cgen_compile(&p->xdp, rs[BF_FAMILY_IPV4], rs[BF_FAMILY_IPV6],
				      &bf_hook_xdp, ifname);
	if (!err && p->has_tc)
		err = bf_cgen_compile_tc(&p->tc, rs[BF_FAMILY_IPV4], rs[BF_FAMILY_IPV6], ifname);
	if (err)
		return err;
	/* The digests in the XDP program's classifier map, whose in-place
	 * update stands for the interface's: the XDP program's, and the
	 * other programs' together (the TC one has no tables of its own:
	 * any change of OUTPUT loads programs). */
	p->xdp.class_table.digest[0] = bf_cgen_digest(&p->xdp);
	p->xdp.class_table.digest[1] = (p->has_nf ? bf_cgen_digest(&p->nf) : 0) ^
				       (p->has_tc ? bf_cgen_digest(&p->tc) * 31 + 1 : 0);
	p->nf.class_table.digest[0] = p->xdp.class_table.digest[0];
	p->nf.class_table.digest[1] = p->xdp.class_table.digest[1];
	return 0;
}

void bf_iface_progs_free(struct bf_iface_progs *p)
{
	bf_cgen_free(&p->xdp); /* first: it borrows from nf */
	bf_cgen_free(&p->nf);
	bf_cgen_free(&p->tc);
}

/* Conntrack on for each family whose rules read it, before the programs
 * run; off again (as far as bpfilter turned it on, marked by a file in
 * the state directory) for a family whose rules no longer do. */
int bf_state_ct_sync(const struct bf_state *st, struct bf_ruleset *const rs[BF_FAMILY_MAX])
{
	static const char *const mark[BF_FAMILY_MAX] = {"conntrack.v4", "conntrack.v6"};
	char path[512];
	int err = 0;

	for (int f = 0; !err && f < BF_FAMILY_MAX; f++) {
		bool want = bf_ruleset_uses_ct(rs[f]), on;

		err = bf_state_path(st, mark[f], "", path, sizeof(path));
		if (err)
			break;
		on = !access(path, F_OK);
		if (want == on)
			continue;
		err = bf_ct_register(f == BF_FAMILY_IPV6, want);
		if (!err && want)
			err = bf_state_write_tmp(path, "");
		else if (!err && unlink(path))
			err = -errno;
	}
	return err;
}

void bf_iface_fds_close(struct bf_iface_fds *f)
{
	int *fds[] = {&f->xdp, &f->nf, &f->tc};

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

int bf_state_build_prog(struct bf_ruleset *const rs[BF_FAMILY_MAX], const char *ifname,
			int map_fd, int state_fd, struct bf_iface_fds *out)
{
	struct bf_iface_progs p;
	struct bf_prog_maps m;
	int err;

	out->xdp = out->nf = out->tc = -1;
	err = bf_iface_progs_compile(rs, ifname, &p);
	if (!err) {
		struct bf_cgen *cgs[] = {&p.xdp, p.has_nf ? &p.nf : NULL, p.has_tc ? &p.tc : NULL};

		err = bf_prog_maps_open(&m, cgs, 3, rs, map_fd, state_fd);
	}
	if (err) {
		bf_iface_progs_free(&p);
		return err;
	}
	err = bf_prog_load_cgen(&bf_hook_xdp, &p.xdp, m.fds, BF_PROG_NAME, &out->xdp);
	if (!err && p.has_nf)
		err = bf_prog_load_cgen(&bf_hook_nf_local_in, &p.nf, m.fds, BF_PROG_NF_NAME, &out->nf);
	if (!err && p.has_tc)
		err = bf_prog_load_cgen(&bf_hook_tc, &p.tc, m.fds, BF_PROG_TC_NAME, &out->tc);
	if (err)
		bf_iface_fds_close(out);
	bf_prog_maps_close(&m);
	bf_iface_progs_free(&p);
	return err;
}

/* A program that accepts everything: a family without a ruleset. */
static int accept_all(enum bf_nf_point point, int *fd)
{
	struct bf_cgen cg;
	int err;

	bf_cgen_init(&cg);
	cg.hook = bf_nf_point_ops(point);
	bf_emit_verdict(&cg, BF_VERDICT_ACCEPT);
	err = bf_cgen_finish(&cg);
	if (!err)
		err = bf_prog_load(cg.hook, cg.insns, cg.len, BF_PROG_NF_HOOK_NAME, fd);
	bf_cgen_free(&cg);
	return err;
}

int bf_state_build_nf_hooks(struct bf_ruleset *const rs[BF_FAMILY_MAX], int map_fd, int state_fd,
			    int fds[BF_NF_HOOK_SLOTS])
{
	struct bf_cgen cg[BF_NF_HOOK_SLOTS], *cgs[BF_NF_HOOK_SLOTS] = {0};
	struct bf_prog_maps m;
	bool maps = false;
	int err = 0;

	for (int i = 0; i < BF_NF_HOOK_SLOTS; i++) {
		fds[i] = -1;
		bf_cgen_init(&cg[i]);
	}
	for (int f = 0; !err && f < BF_FAMILY_MAX; f++) {
		int base = f == BF_FAMILY_IPV6 && rs[BF_FAMILY_IPV4] ?
				   (int)bf_ruleset_n_slots(rs[BF_FAMILY_IPV4]) : 0;

		for (int pt = 0; !err && rs[f] && pt < BF_NF_POINTS; pt++) {
			uint32_t s = BF_NF_HOOK_SLOT(f, pt);

			err = bf_cgen_compile_nf_point(&cg[s], rs[f], base, (enum bf_nf_point)pt);
			cgs[s] = &cg[s];
		}
	}
	if (!err)
		err = bf_prog_maps_open(&m, cgs, BF_NF_HOOK_SLOTS, rs, map_fd, state_fd);
	maps = !err;
	for (int i = 0; !err && i < BF_NF_HOOK_SLOTS; i++) {
		if (cgs[i])
			err = bf_prog_load_cgen(cg[i].hook, &cg[i], m.fds, BF_PROG_NF_HOOK_NAME,
						&fds[i]);
		else
			err = accept_all((enum bf_nf_point)(i % BF_NF_POINTS), &fds[i]);
	}
	if (maps)
		bf_prog_maps_close(&m);
	for (int i = 0; i < BF_NF_HOOK_SLOTS; i++) {
		bf_cgen_free(&cg[i]);
		if (err && fds[i] >= 0) {
			close(fds[i]);
			fds[i] = -1;
		}
	}
	return err;
}

/* The state of matches that keep one (statistic nth counts, limit
 * buckets): iptables-legacy restarts those of the tables a change
 * replaces (table->replaced), and only those, so the others are copied
 * from the old state map to their records in the new one. Read before
 * the swap: packets the old programs see until then are not carried
 * over. */
static void carry_state(const struct bf_state *st, struct bf_ruleset *const next[BF_FAMILY_MAX],
			int state_fd)
{
	if (st->state_fd < 0 || state_fd < 0)
		return;
	for (int f = 0; f < BF_FAMILY_MAX; f++) {
		for (int t = 0; st->rs[f] && next[f] && t < BF_TABLE_MAX; t++) {
			size_t n = bf_cgen_state_records(next[f], (enum bf_table_id)t, NULL, 0);
			size_t *from, *to;

			if (!n || next[f]->tables[t].replaced ||
			    bf_cgen_state_records(st->rs[f], (enum bf_table_id)t, NULL, 0) != n)
				continue;
			from = calloc(n, sizeof(*from));
			to = calloc(n, sizeof(*to));
			if (from && to) {
				bf_cgen_state_records(st->rs[f], (enum bf_table_id)t, from, n);
				bf_cgen_state_records(next[f], (enum bf_table_id)t, to, n);
				for (size_t i = 0; i < n; i++)
					for (size_t w = 0; w < BF_STATE_RECORD_WORDS; w++)
						if (bf_state_map_copy(st->state_fd, from[i] + w,
								      state_fd, to[i] + w))
							bf_log(BF_LOG_WARN, "Warning: could not carry "
							       "a match's state over");
			}
			free(from);
			free(to);
		}
	}
}

static void adopt(struct bf_state *st, enum bf_family family, struct bf_ruleset *rs)
{
	bf_ruleset_free(st->rs[family]);
	st->rs[family] = rs;
}

struct carry_ctx {
	int map_fd;
	size_t cap;
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
	ctx->err = bf_counters_write(ctx->map_fd, ctx->cap + (size_t)slot, &ctx->now[old_slot]);
}

static void carry_late_counts(struct bf_state *st, struct bf_ruleset *const rs[BF_FAMILY_MAX],
			      int map_fd, size_t cap)
{
	struct carry_ctx ctx = {.map_fd = map_fd, .cap = cap};
	struct bf_counter *now;

	if (st->counters_fd < 0 || !st->base)
		return;
	/* The old programs may still run on other CPUs until a grace
	 * period ends; after it their counts are final. */
	bf_prog_quiesce();
	if (bf_state_read_counters(st->counters_fd, st->n_base, &now)) {
		bf_log(BF_LOG_WARN, "Warning: could not carry over the counts made during the swap");
		return;
	}
	ctx.now = now;
	ctx.n_now = st->n_base;
	bf_state_for_each_slot(rs, carry_slot, &ctx);
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

#define BF_FILE_PENDING "commit.pending"

int bf_state_pending_begin(struct bf_state *st)
{
	char path[320];
	int err = bf_state_path(st, BF_FILE_PENDING, "", path, sizeof(path));

	return err ? err : bf_state_write_tmp(path, "");
}

void bf_state_pending_end(struct bf_state *st)
{
	char path[320];

	if (!bf_state_path(st, BF_FILE_PENDING, "", path, sizeof(path)))
		unlink(path);
}

int bf_state_repair(struct bf_state *st)
{
	struct bf_ruleset *rs;
	char path[320];
	int f, err;

	if (bf_state_path(st, BF_FILE_PENDING, "", path, sizeof(path)) || access(path, F_OK))
		return 0;
	f = st->rs[BF_FAMILY_IPV4] ? BF_FAMILY_IPV4 : BF_FAMILY_IPV6;
	if (!bf_state_n_live(st) || !st->rs[f]) {
		bf_state_pending_end(st);
		return 0;
	}
	bf_log(BF_LOG_WARN, "Warning: a change was interrupted: the programs follow the stored "
	       "rules again");
	rs = bf_ruleset_clone(st->rs[f]);
	if (!rs)
		return -ENOMEM;
	/* The stored rules, committed again: every program and table made
	 * theirs, whichever of the old and new ones each was left with. */
	st->slots_stale = true;
	err = bf_state_commit(st, (enum bf_family)f, rs);
	if (err)
		bf_ruleset_free(rs);
	return err;
}

/* Each live interface's egress gets its new OUTPUT program (or loses
 * the old one); all or none. */
static int install_egress(struct bf_state *st, const int *tc_fds, struct bf_egress_swap *sw)
{
	for (size_t i = 0; i < st->n_att; i++) {
		const struct bf_attachment *a = &st->att[i];
		int err;

		if (a->prog_fd < 0)
			continue;
		err = bf_egress_install(a->ifindex, a->ifname, tc_fds[i], &sw[i]);
		if (err) {
			while (i--)
				bf_egress_undo(st->att[i].ifindex, st->att[i].ifname, tc_fds[i],
					       &sw[i]);
			return err;
		}
	}
	return 0;
}

static void undo_egress(struct bf_state *st, const int *tc_fds, struct bf_egress_swap *sw)
{
	for (size_t i = 0; i < st->n_att; i++)
		bf_egress_undo(st->att[i].ifindex, st->att[i].ifname, tc_fds[i], &sw[i]);
}

static enum bf_family other(enum bf_family f)
{
	return f == BF_FAMILY_IPV4 ? BF_FAMILY_IPV6 : BF_FAMILY_IPV4;
}

static int stage_both(struct bf_state *st, struct bf_ruleset *const next[BF_FAMILY_MAX])
{
	int err = bf_state_stage_rules(st, BF_FAMILY_IPV4, next[BF_FAMILY_IPV4]);

	if (!err) {
		err = bf_state_stage_rules(st, BF_FAMILY_IPV6, next[BF_FAMILY_IPV6]);
		if (err)
			bf_state_discard_rules(st, BF_FAMILY_IPV4);
	}
	return err;
}

static void discard_both(struct bf_state *st)
{
	bf_state_discard_rules(st, BF_FAMILY_IPV4);
	bf_state_discard_rules(st, BF_FAMILY_IPV6);
}

/* After the committed family's file: the other one's, whose rules stay
 * but whose slots were numbered again (without them in its file, the
 * next command numbers them in order: as here). */
static void publish_other(struct bf_state *st, enum bf_family family)
{
	if (bf_state_publish_rules(st, other(family)))
		bf_log(BF_LOG_WARN, "Warning: could not store the %s counter slots",
		       other(family) == BF_FAMILY_IPV6 ? "IPv6" : "IPv4");
}

/* No program: slots in order, as the next attach lays them out, in both
 * files. */
static int commit_files_only(struct bf_state *st, enum bf_family family,
			     struct bf_ruleset *const next[BF_FAMILY_MAX])
{
	struct bf_ruleset *rs = next[family];
	int err;

	bf_slots_number(next);
	err = stage_both(st, next);
	if (!err)
		err = bf_state_publish_rules(st, family);
	if (err) {
		discard_both(st);
		bf_slots_restore(st->rs[other(family)], false);
		return err;
	}
	publish_other(st, family);
	adopt(st, family, rs);
	bf_state_mark_slots(st);
	return 0;
}

int bf_state_commit(struct bf_state *st, enum bf_family family, struct bf_ruleset *rs)
{
	struct bf_ruleset *next[BF_FAMILY_MAX];
	int map_fd = -1, state_fd = -1, *new_fds, *nf_fds, *tc_fds, err = 0;
	int hook_fds[BF_NF_HOOK_SLOTS];
	uint32_t old_hooks[BF_NF_HOOK_SLOTS];
	struct bf_egress_swap *egress;
	size_t i, n_state, cap;
	uint32_t *old_nf;

	if (family >= BF_FAMILY_MAX || rs->family != family)
		return bf_err(-EINVAL, "an %s ruleset committed as the %s one",
			      rs->family == BF_FAMILY_IPV6 ? "IPv6" : "IPv4",
			      family == BF_FAMILY_IPV6 ? "IPv6" : "IPv4");
	for (int f = 0; f < BF_FAMILY_MAX; f++)
		next[f] = f == (int)family ? rs : st->rs[f];
	if (!bf_state_n_live(st))
		return commit_files_only(st, family, next);
	/* Only the classifier maps' contents change: no program is loaded. */
	err = bf_state_commit_in_place(st, family, next);
	if (!err) {
		adopt(st, family, rs);
		bf_state_mark_slots(st);
		bf_named_prune(st->rs);
		return 0;
	}
	if (err != -EAGAIN)
		return err;
	err = 0;

	new_fds = malloc(st->n_att * sizeof(*new_fds));
	nf_fds = malloc(st->n_att * sizeof(*nf_fds));
	tc_fds = malloc(st->n_att * sizeof(*tc_fds));
	old_nf = calloc(st->n_att, sizeof(*old_nf));
	egress = calloc(st->n_att, sizeof(*egress));
	if (!new_fds || !nf_fds || !tc_fds || !old_nf || !egress) {
		free(new_fds);
		free(nf_fds);
		free(tc_fds);
		free(old_nf);
		free(egress);
		return -ENOMEM;
	}
	for (i = 0; i < st->n_att; i++) {
		new_fds[i] = nf_fds[i] = tc_fds[i] = -1;
		egress[i].old_fd = -1;
	}
	for (i = 0; i < BF_NF_HOOK_SLOTS; i++)
		hook_fds[i] = -1;
	memset(old_hooks, 0, sizeof(old_hooks));

	/* New programs: every slot in order again, in a new counters map
	 * that starts from the old one's counts. */
	if (st->counters_fd >= 0 && !st->base) {
		err = bf_state_load_counters(st);
		if (err)
			goto out;
	}
	bf_slots_number(next);
	cap = bf_slots_capacity(bf_slots_end(next));
	err = bf_state_new_counters(next, st->base, st->n_base, cap, &map_fd);
	/* One state map for every interface's program, as the kernel keeps
	 * one nth count per rule; new, with the counts of the tables this
	 * change does not replace carried over (carry_state). */
	n_state = bf_cgen_n_state(next[BF_FAMILY_IPV4], next[BF_FAMILY_IPV6]);
	if (!err && n_state)
		err = bf_state_map_create(n_state, &state_fd);
	if (!err)
		carry_state(st, next, state_fd);
	if (!err)
		err = bf_state_ct_sync(st, next);
	for (i = 0; !err && i < st->n_att; i++) {
		struct bf_iface_fds f;

		if (st->att[i].prog_fd < 0)
			continue;
		err = bf_state_build_prog(next, st->att[i].ifname, map_fd, state_fd, &f);
		new_fds[i] = f.xdp;
		nf_fds[i] = f.nf;
		tc_fds[i] = f.tc;
	}
	if (!err && st->hooks_fd >= 0)
		err = bf_state_build_nf_hooks(next, map_fd, state_fd, hook_fds);
	/* Both rules files: every slot is in them. */
	if (!err)
		err = stage_both(st, next);
	/* From here the kernel changes before the rules files do. */
	if (!err)
		err = bf_state_pending_begin(st);
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
			goto undo_files;
		}
	}
	/* Then the reassembled datagrams' programs: XDP now lets fragments
	 * through to them. */
	err = bf_nf_stage_install(st, nf_fds, old_nf);
	if (err)
		goto undo_xdp;
	/* Tests of crash safety: holds the command here, the kernel changed
	 * and the files not, to be killed. */
	if (bf_fault("slow-publish"))
		sleep(2);
	/* OUTPUT's programs: XDP's and the stage's do not depend on them. */
	err = install_egress(st, tc_fds, egress);
	/* The netfilter hooks (attach --hook nf): each slot in one update. */
	if (!err && st->hooks_fd >= 0)
		err = bf_nf_hooks_install(st->hooks_fd, hook_fds, old_hooks);
	if (!err)
		err = bf_state_publish_rules(st, family);
	if (err)
		goto undo_all;
	publish_other(st, family);
	bf_state_pending_end(st);

	carry_late_counts(st, next, map_fd, cap);
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
	if (st->state_fd >= 0)
		close(st->state_fd);
	st->state_fd = state_fd;
	state_fd = -1;
	adopt(st, family, rs);
	/* The live values (with the late counts) become st->rs's counters. */
	if (bf_state_load_counters(st))
		bf_log(BF_LOG_WARN, "Warning: could not read the new counters back");
	bf_state_mark_slots(st);
	/* The tables of names no rule has any more, as the kernel destroys
	 * them with their last rule. */
	bf_named_prune(st->rs);
	goto out;

	/* Back to the old programs, newest change first; the mark ends
	 * with the files as they were. */
undo_all:
	if (st->hooks_fd >= 0)
		bf_nf_hooks_uninstall(st->hooks_fd, old_hooks);
	undo_egress(st, tc_fds, egress);
	bf_nf_stage_uninstall(st, nf_fds, old_nf);
undo_xdp:
	swap_back(st, new_fds, st->n_att);
undo_files:
	discard_both(st);
	bf_state_pending_end(st);
out:
	if (err)
		/* The other family's ruleset is the attached one still. */
		bf_slots_restore(st->rs[other(family)], false);
	for (i = 0; i < st->n_att; i++) {
		if (new_fds[i] >= 0)
			close(new_fds[i]);
		if (nf_fds[i] >= 0)
			close(nf_fds[i]); /* the stage holds its own reference */
		if (tc_fds[i] >= 0)
			close(tc_fds[i]); /* so does the interface */
		bf_egress_swap_free(&egress[i]);
	}
	for (i = 0; i < BF_NF_HOOK_SLOTS; i++)
		if (hook_fds[i] >= 0)
			close(hook_fds[i]); /* the prog_array holds its own */
	free(new_fds);
	free(nf_fds);
	free(tc_fds);
	free(old_nf);
	free(egress);
	if (map_fd >= 0)
		close(map_fd);
	if (state_fd >= 0)
		close(state_fd);
	return err;
}
