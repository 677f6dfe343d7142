/* attach / detach: one interface at a time, recorded in the attach file.
 * All attached programs share one counters map, so the ruleset's counters
 * stay one set whatever the number of interfaces. */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "core/egress.h"
#include "core/nf_hooks.h"
#include "core/nf_reject.h"
#include "core/log_ring.h"
#include "core/named.h"
#include "core/nf_stage.h"
#include "core/state_int.h"
#include "kern/kern_int.h"

static struct bf_attachment *find_att(struct bf_state *st, const char *ifname)
{
	for (size_t i = 0; i < st->n_att; i++)
		if (!strcmp(st->att[i].ifname, ifname))
			return &st->att[i];
	return NULL;
}

/* Refuses an interface that has an XDP program we did not put there. */
static int check_foreign(const char *ifname, int ifindex, const struct bf_attachment *ours)
{
	for (int m = BF_XDP_NATIVE; m <= BF_XDP_OFFLOAD; m++) {
		uint32_t id = 0;
		int err = bf_xdp_query(ifindex, (enum bf_xdp_mode)m, &id);

		if (err)
			return bf_err(err, "cannot query XDP on %s: %s", ifname, strerror(-err));
		if (id && !(ours && ours->prog_id == id))
			return bf_err(-EEXIST, "%s already has an XDP program (id %u, %s mode) "
				      "that bpfilter did not attach", ifname, id,
				      bf_xdp_mode_name((enum bf_xdp_mode)m));
	}
	return 0;
}

static int attach_error(int err, const char *ifname, enum bf_xdp_mode mode)
{
	const char *why = bf_kern_last_msg();

	if (err == -EOPNOTSUPP && mode == BF_XDP_NATIVE)
		return bf_err(err, "%s: its driver does not support native XDP "
			      "(use --mode generic)", ifname);
	return bf_err(err, "cannot attach to %s in %s mode: %s", ifname,
		      bf_xdp_mode_name(mode), why ? why : strerror(-err));
}

/* Loads prog_fd in mode m, or for auto (asked) generic when the driver
 * has no native XDP, saying so; *m is the mode it took. */
static int attach_in(int ifindex, const char *ifname, int prog_fd, enum bf_xdp_mode asked,
		     enum bf_xdp_mode *m, int old_prog_fd)
{
	int err = bf_xdp_attach(ifindex, prog_fd, *m, old_prog_fd);

	if (err == -EOPNOTSUPP && asked == BF_XDP_AUTO && *m == BF_XDP_NATIVE &&
	    old_prog_fd < 0) {
		*m = BF_XDP_GENERIC;
		err = bf_xdp_attach(ifindex, prog_fd, *m, -1);
		if (!err)
			bf_log(BF_LOG_WARN, "%s: its driver has no native XDP: attached in generic mode",
			       ifname);
	}
	if (err)
		attach_error(err, ifname, *m);
	return err;
}

int bf_state_attach(struct bf_state *st, const char *ifname, enum bf_xdp_mode asked)
{
	struct bf_attachment *a = find_att(st, ifname), *live, *arr;
	int ifindex, map_fd = st->counters_fd, err;
	struct bf_iface_fds fds = {-1, -1, -1};
	struct bf_egress_swap egress = {.old_fd = -1};
	enum bf_xdp_mode mode;
	struct bf_nf_stage ns;
	uint32_t old_nf = 0;
	bool new_map = false;
	struct bf_prog_facts f;

	if (strlen(ifname) >= BF_IFNAMSIZ)
		return bf_err(-EINVAL, "interface name `%s' must be shorter than IFNAMSIZ (%d)",
			      ifname, BF_IFNAMSIZ - 1);
	ifindex = (int)if_nametoindex(ifname);
	if (!ifindex)
		return bf_err(-ENXIO, "Cannot find device \"%s\".", ifname);

	if (st->hooks_fd >= 0)
		return bf_err(-EBUSY, "the netfilter hooks judge this namespace's packets "
			      "(attach --hook nf): detach --hook nf first");
	live = a && a->prog_fd >= 0 && a->ifindex == ifindex ? a : NULL;
	/* Auto: native first, or the mode it is attached in. */
	mode = asked != BF_XDP_AUTO ? asked : live ? live->mode : BF_XDP_NATIVE;
	if (live && live->mode != mode)
		return bf_err(-EBUSY, "%s is attached in %s mode: detach it first", ifname,
			      bf_xdp_mode_name(live->mode));
	err = check_foreign(ifname, ifindex, live);
	if (err)
		return err;

	if (map_fd < 0) {
		err = bf_state_new_counters(st->rs, NULL, 0, bf_slots_capacity(bf_slots_end(st->rs)),
					    &map_fd);
		if (err)
			return err;
		new_map = true;
	}
	bf_nf_stage_init(&ns);
	err = mode == BF_XDP_OFFLOAD ? bf_xdp_offload_probe(ifindex, ifname) : 0;
	if (!err)
		err = bf_state_ct_sync(st, st->rs);
	if (!err) {
		bf_prog_offload_to(mode == BF_XDP_OFFLOAD ? ifindex : 0);
		err = bf_state_build_prog(st->rs, ifname, map_fd, st->state_fd, &fds);
		bf_prog_offload_to(0);
	}
	if (!err)
		err = bf_nf_stage_open(st, true, &ns);
	if (err)
		goto fail;
	err = attach_in(ifindex, ifname, fds.xdp, asked, &mode, live ? live->prog_fd : -1);
	if (err)
		goto fail;
	/* XDP now lets fragments through: their datagrams' program next. */
	err = fds.nf < 0 ? 0 : bf_nf_stage_set(&ns, ifindex, fds.nf, &old_nf);
	if (err)
		goto undo_xdp;
	err = bf_egress_install(ifindex, ifname, fds.tc, &egress);
	if (err)
		goto undo;

	if (!a) {
		arr = realloc(st->att, (st->n_att + 1) * sizeof(*arr));
		if (!arr) {
			err = -ENOMEM;
			goto undo;
		}
		st->att = arr;
		a = &st->att[st->n_att++];
		*a = (struct bf_attachment){.prog_fd = -1};
		snprintf(a->ifname, sizeof(a->ifname), "%s", ifname);
	}
	{
		struct bf_attachment prev = *a;

		a->ifindex = ifindex;
		a->mode = mode;
		err = bf_state_write_attach(st);
		if (err) {
			*a = prev;
			goto undo;
		}
	}
	bf_egress_swap_free(&egress);
	bf_nf_stage_close(&ns);
	if (a->prog_fd >= 0)
		close(a->prog_fd);
	a->prog_fd = fds.xdp;
	fds.xdp = -1;
	a->prog_id = bf_prog_facts(a->prog_fd, &f) ? 0 : f.id;
	bf_iface_fds_close(&fds);
	if (new_map) {
		st->counters_fd = map_fd;
		if (bf_state_load_counters(st))
			bf_log(BF_LOG_WARN, "Warning: could not read the counters back");
	}
	return 0;

undo:
	bf_egress_undo(ifindex, ifname, fds.tc, &egress);
	bf_egress_swap_free(&egress);
	if (bf_nf_stage_restore(&ns, ifindex, old_nf))
		bf_log(BF_LOG_WARN, "Warning: %s: could not undo the netfilter program", ifname);
undo_xdp:
	/* Put back what was there: our previous program, or nothing. */
	if (live ? bf_xdp_attach(ifindex, live->prog_fd, mode, fds.xdp)
		 : bf_xdp_detach(ifindex, mode, fds.xdp))
		bf_log(BF_LOG_WARN, "Warning: %s: could not undo the attachment", ifname);
fail:
	bf_iface_fds_close(&fds);
	bf_nf_stage_close(&ns);
	if (new_map)
		close(map_fd);
	return err;
}

int bf_state_attach_all(struct bf_state *st, enum bf_xdp_mode asked)
{
	struct if_nameindex *ifs = if_nameindex();
	int first = 0;

	if (!ifs)
		return bf_err(-errno, "cannot list the interfaces: %s", strerror(errno));
	for (struct if_nameindex *i = ifs; i->if_index; i++) {
		int err = bf_state_attach(st, i->if_name, asked);

		if (err && !first)
			first = err;
	}
	if_freenameindex(ifs);
	return first;
}

/* Both families' rules files, or neither (as far as renames go). */
static int store_rules(struct bf_state *st)
{
	int err = 0, f;

	for (f = 0; !err && f < BF_FAMILY_MAX; f++)
		err = bf_state_stage_rules(st, (enum bf_family)f, st->rs[f]);
	if (err) {
		while (--f >= 0)
			bf_state_discard_rules(st, (enum bf_family)f);
		return err;
	}
	for (f = 0; !err && f < BF_FAMILY_MAX; f++)
		err = bf_state_publish_rules(st, (enum bf_family)f);
	return err;
}

/* The last program is gone: the map's counters go to rules.v4 and
 * rules.v6, where the next attach or listing finds them. */
static void store_final_counters(struct bf_state *st)
{
	int err;

	if (st->counters_fd < 0)
		return;
	bf_prog_quiesce(); /* the detached program's last runs are counted */
	err = bf_state_load_counters(st);
	if (!err)
		err = store_rules(st);
	if (err)
		bf_log(BF_LOG_WARN, "Warning: could not store the final counters");
	close(st->counters_fd);
	st->counters_fd = -1;
	free(st->base);
	st->base = NULL;
	st->n_base = 0;
	bf_state_mark_slots(st);
}

/* What goes with the last attachment: the namespace's tables, and the
 * counters stored with the rules. */
static void after_detach(struct bf_state *st)
{
	if (bf_state_n_live(st))
		return;
	if (bf_log_ring_remove())
		bf_log(BF_LOG_WARN, "Warning: could not remove the log ring buffer");
	if (bf_named_remove())
		bf_log(BF_LOG_WARN, "Warning: could not remove the hashlimit and recent tables");
	store_final_counters(st);
}

int bf_state_detach(struct bf_state *st, const char *ifname)
{
	struct bf_attachment *a = find_att(st, ifname);
	size_t idx;
	int err;

	if (!a)
		return bf_err(-ENOENT, "%s is not attached.", ifname);
	if (a->prog_fd >= 0) {
		err = bf_xdp_detach(a->ifindex, a->mode, a->prog_fd);
		if (err)
			return bf_err(err, "cannot detach from %s: %s", ifname,
				      bf_kern_last_msg() ? bf_kern_last_msg() : strerror(-err));
		close(a->prog_fd);
		a->prog_fd = -1;
		a->prog_id = 0;
		if (bf_egress_remove(a->ifindex))
			bf_log(BF_LOG_WARN, "Warning: %s: could not remove OUTPUT's program", ifname);
		err = bf_nf_stage_forget(st, a->ifindex);
		if (!err && !bf_state_n_live(st))
			err = bf_nf_stage_remove(st);
		if (err)
			bf_log(BF_LOG_WARN, "Warning: %s: could not remove the netfilter program", ifname);
		after_detach(st);
	}
	idx = (size_t)(a - st->att);
	memmove(&st->att[idx], &st->att[idx + 1], (st->n_att - idx - 1) * sizeof(*a));
	st->n_att--;
	return bf_state_write_attach(st);
}

int bf_state_attach_hooks(struct bf_state *st)
{
	int fds[BF_NF_HOOK_SLOTS], map_fd = st->counters_fd, slots_fd = -1, err;
	bool new_map = false;

	for (size_t i = 0; i < st->n_att; i++)
		if (st->att[i].prog_fd >= 0)
			return bf_err(-EBUSY, "%s is attached (XDP): the netfilter hooks judge every "
				      "interface's packets; detach the interfaces first",
				      st->att[i].ifname);
	if (st->hooks_fd >= 0)
		return 0;
	if (map_fd < 0) {
		err = bf_state_new_counters(st->rs, NULL, 0, bf_slots_capacity(bf_slots_end(st->rs)),
					    &map_fd);
		if (err)
			return err;
		new_map = true;
	}
	err = bf_state_ct_sync(st, st->rs);
	if (!err)
		err = bf_state_build_nf_hooks(st->rs, map_fd, st->state_fd, fds);
	if (!err) {
		err = bf_nf_hooks_create(fds, &slots_fd);
		for (int i = 0; i < BF_NF_HOOK_SLOTS; i++)
			close(fds[i]);
	}
	if (err) {
		if (new_map)
			close(map_fd);
		return err;
	}
	st->hooks_fd = slots_fd;
	if (new_map) {
		st->counters_fd = map_fd;
		if (bf_state_load_counters(st))
			bf_log(BF_LOG_WARN, "Warning: could not read the counters back");
	}
	return 0;
}

int bf_state_detach_hooks(struct bf_state *st)
{
	int err;

	if (st->hooks_fd < 0)
		return bf_err(-ENOENT, "the netfilter hooks are not attached.");
	err = bf_nf_hooks_remove();
	if (err)
		return bf_err(err, "cannot detach the netfilter hooks: %s", strerror(-err));
	close(st->hooks_fd);
	st->hooks_fd = -1;
	if (bf_nf_reject_remove())
		bf_log(BF_LOG_WARN, "Warning: could not remove REJECT's nft chains");
	after_detach(st);
	return 0;
}
