/* The netfilter stage of a namespace: filter INPUT for reassembled IPv4
 * datagrams (cgen/nf.h says why XDP cannot judge them) and for packets
 * XDP deferred for their conntrack state (cgen/ct.h).
 *
 * Two netfilter links, at IPv4 and IPv6 LOCAL_IN ("nf_input6"), filter's
 * priority, hold one fixed dispatcher; each attached interface has its own program (its -i rules
 * resolved for it, as its XDP program) in a prog_array slot, found
 * through a hash from interface index to slot. A change replaces a slot
 * in one map update: atomic per interface, as the XDP swaps are.
 *
 * A netfilter link lives only as long as an fd or a pin: it is pinned in
 * bpfilter's bpffs (kern/bpffs.h) at "<netns cookie>/nf_input", and the
 * prog_array beside it (see pin_path); the maps are found through the
 * dispatcher, as the counters through a program. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "cgen/cgen.h"
#include "cgen/nf.h"
#include "cgen/nf_reject.h"
#include "cgen/nf_uapi.h"
#include "common/log.h"
#include "core/nf_reject.h"
#include "core/nf_stage.h"
#include "kern/bpffs.h"
#include "kern/kern.h"
#include "kern/nf_link.h"

/* Interfaces one namespace's stage serves. */
#define BF_NF_SLOTS 256

/* "<netns cookie>/NAME": the link is "nf_input"; the prog_array is
 * pinned too, "nf_slots", because the kernel empties a prog_array when
 * the last user reference (fd or pin) to it goes, even while a program
 * that tail-calls through it runs. */
static int pin_path(const struct bf_state *st, const char *name, char *buf, size_t len)
{
	const char *cookie = strrchr(st->dir, '/');

	cookie = cookie ? cookie + 1 : st->dir;
	if (snprintf(buf, len, "%s/%s", cookie, name) >= (int)len)
		return -ENAMETOOLONG;
	return 0;
}

void bf_nf_stage_init(struct bf_nf_stage *ns)
{
	ns->link_fd = ns->slots_fd = ns->ifmap_fd = -1;
}

void bf_nf_stage_close(struct bf_nf_stage *ns)
{
	if (ns->link_fd >= 0)
		close(ns->link_fd);
	if (ns->slots_fd >= 0)
		close(ns->slots_fd);
	if (ns->ifmap_fd >= 0)
		close(ns->ifmap_fd);
	bf_nf_stage_init(ns);
}

/* The dispatcher's maps, by name, through the link's program. */
static int find_maps(struct bf_nf_stage *ns)
{
	struct bpf_link_info li = {0};
	struct bpf_prog_info pi = {0};
	uint32_t ids[4], len = sizeof(li);
	bool has_reject = false;
	int prog_fd, err;

	if (bpf_obj_get_info_by_fd(ns->link_fd, &li, &len))
		return -errno;
	prog_fd = bpf_prog_get_fd_by_id(li.prog_id);
	if (prog_fd < 0)
		return -errno;
	len = sizeof(pi);
	pi.nr_map_ids = 4;
	pi.map_ids = (uint64_t)(unsigned long)ids;
	err = bpf_obj_get_info_by_fd(prog_fd, &pi, &len) ? -errno : 0;
	close(prog_fd);
	for (uint32_t i = 0; !err && i < pi.nr_map_ids && i < 4; i++) {
		struct bpf_map_info mi = {0};
		uint32_t mlen = sizeof(mi);
		int fd = bpf_map_get_fd_by_id(ids[i]);

		if (fd < 0 || bpf_obj_get_info_by_fd(fd, &mi, &mlen)) {
			err = -errno;
			if (fd >= 0)
				close(fd);
			break;
		}
		if (!strcmp(mi.name, BF_NF_SLOTS_MAP_NAME) && ns->slots_fd < 0)
			ns->slots_fd = fd;
		else if (!strcmp(mi.name, BF_NF_IFMAP_MAP_NAME) && ns->ifmap_fd < 0)
			ns->ifmap_fd = fd;
		else
			close(fd);
		has_reject |= !strcmp(mi.name, BF_NF_REJECT_MAP_NAME);
	}
	if (!err && (ns->slots_fd < 0 || ns->ifmap_fd < 0))
		err = -ENOENT;
	/* A dispatcher from before REJECT answered here. */
	if (!err && !has_reject)
		err = -ESTALE;
	return err;
}

static int link_v6(const struct bf_state *st, int disp_fd);

static int create(const struct bf_state *st, struct bf_nf_stage *ns, const char *pin)
{
	char slots_pin[128];
	struct bf_cgen cg;
	int disp_fd = -1, reject_fd, err;

	ns->slots_fd = bf_nf_slots_create(BF_NF_SLOTS);
	if (ns->slots_fd < 0)
		return ns->slots_fd;
	ns->ifmap_fd = bf_nf_ifmap_create(BF_NF_SLOTS);
	if (ns->ifmap_fd < 0)
		return ns->ifmap_fd;
	err = bf_nf_reject_map_open(true, &reject_fd);
	if (err)
		return err;
	bf_cgen_init(&cg);
	err = bf_cgen_nf_dispatcher(&cg, ns->slots_fd, ns->ifmap_fd, reject_fd);
	if (!err)
		err = bf_prog_load(&bf_hook_nf_local_in, cg.insns, cg.len, BF_NF_DISPATCH_NAME,
				   &disp_fd);
	close(reject_fd);
	bf_cgen_free(&cg);
	if (err)
		return err;
	err = pin_path(st, "nf_slots", slots_pin, sizeof(slots_pin));
	if (!err)
		err = bf_bpffs_pin(ns->slots_fd, slots_pin);
	if (err) {
		close(disp_fd);
		return err;
	}
	ns->link_fd = bf_nf_link_create(disp_fd, BF_NFPROTO_IPV4, BF_NF_INET_LOCAL_IN,
					BF_NF_IP_PRI_FILTER, 0);
	err = ns->link_fd < 0 ? ns->link_fd : link_v6(st, disp_fd);
	close(disp_fd);
	return err ? err : bf_bpffs_pin(ns->link_fd, pin);
}

/* The dispatcher at IPv6 LOCAL_IN too (packets XDP deferred for their
 * conntrack state), pinned beside the IPv4 link. */
static int link_v6(const struct bf_state *st, int disp_fd)
{
	char pin[128];
	int fd, err = pin_path(st, "nf_input6", pin, sizeof(pin));

	if (err)
		return err;
	fd = bf_nf_link_create(disp_fd, BF_NFPROTO_IPV6, BF_NF_INET_LOCAL_IN, BF_NF_IP_PRI_FILTER,
			       0);
	if (fd < 0)
		return fd;
	err = bf_bpffs_pin(fd, pin);
	close(fd);
	return err;
}

/* A stage pinned without its IPv6 link gets one, on the same dispatcher. */
static int ensure_v6(const struct bf_state *st, const struct bf_nf_stage *ns)
{
	struct bpf_link_info li = {0};
	uint32_t len = sizeof(li);
	char pin[128];
	int fd, err = pin_path(st, "nf_input6", pin, sizeof(pin));

	if (err)
		return err;
	fd = bf_bpffs_get(pin);
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	if (fd != -ENOENT)
		return fd;
	if (bpf_obj_get_info_by_fd(ns->link_fd, &li, &len))
		return -errno;
	fd = bpf_prog_get_fd_by_id(li.prog_id);
	if (fd < 0)
		return -errno;
	err = link_v6(st, fd);
	close(fd);
	return err;
}

int bf_nf_stage_open(const struct bf_state *st, bool create_it, struct bf_nf_stage *ns)
{
	char pin[128];
	int err = pin_path(st, "nf_input", pin, sizeof(pin));

	bf_nf_stage_init(ns);
	if (err)
		return err;
	ns->link_fd = bf_bpffs_get(pin);
	if (ns->link_fd >= 0) {
		err = find_maps(ns);
		if (err == -ESTALE)
			bf_err(err, "the netfilter stage pinned at %s is from an older bpfilter: "
			       "detach every interface and attach again", pin);
		else if (err)
			bf_err(err, "the netfilter stage pinned at %s is not bpfilter's", pin);
		else if (create_it)
			err = ensure_v6(st, ns);
	} else if (ns->link_fd == -ENOENT && create_it) {
		ns->link_fd = -1;
		err = create(st, ns, pin);
	} else {
		err = ns->link_fd;
		ns->link_fd = -1;
	}
	/* The way REJECT answers from here, renewed each time. */
	if (!err && create_it)
		err = bf_nf_reject_sync();
	if (err)
		bf_nf_stage_close(ns);
	return err;
}

int bf_nf_stage_remove(const struct bf_state *st)
{
	char link[128], link6[128], slots[128];
	int err = pin_path(st, "nf_input", link, sizeof(link));

	if (!err)
		err = pin_path(st, "nf_input6", link6, sizeof(link6));
	if (!err)
		err = pin_path(st, "nf_slots", slots, sizeof(slots));
	if (!err)
		err = bf_bpffs_unpin(link);
	if (!err)
		err = bf_bpffs_unpin(link6);
	if (!err)
		err = bf_bpffs_unpin(slots);
	return err ? err : bf_nf_reject_remove();
}

/* The slot of ifindex, or a free one (*fresh): no interface maps to it. */
static int slot_of(const struct bf_nf_stage *ns, uint32_t ifindex, uint32_t *slot, bool *fresh)
{
	bool used[BF_NF_SLOTS] = {0};
	uint32_t key, next, val;
	void *prev = NULL;

	*fresh = false;
	if (!bpf_map_lookup_elem(ns->ifmap_fd, &ifindex, slot))
		return 0;
	while (!bpf_map_get_next_key(ns->ifmap_fd, prev, &next)) {
		if (!bpf_map_lookup_elem(ns->ifmap_fd, &next, &val) && val < BF_NF_SLOTS)
			used[val] = true;
		key = next;
		prev = &key;
	}
	for (uint32_t i = 0; i < BF_NF_SLOTS; i++) {
		if (!used[i]) {
			*slot = i;
			*fresh = true;
			return 0;
		}
	}
	return bf_err(-ENOSPC, "the netfilter stage serves at most %d interfaces", BF_NF_SLOTS);
}

int bf_nf_stage_set(const struct bf_nf_stage *ns, int ifindex, int prog_fd, uint32_t *old_id)
{
	uint32_t idx = (uint32_t)ifindex, slot, id = 0;
	bool fresh;
	int err = slot_of(ns, idx, &slot, &fresh);

	if (err)
		return err;
	/* A prog_array read from user space gives the program's id. */
	if (!fresh && bpf_map_lookup_elem(ns->slots_fd, &slot, &id))
		id = 0;
	/* The program first, then the interface's way to it. */
	if (bpf_map_update_elem(ns->slots_fd, &slot, &prog_fd, BPF_ANY) ||
	    (fresh && bpf_map_update_elem(ns->ifmap_fd, &idx, &slot, BPF_ANY)))
		return bf_err(-errno, "cannot install the netfilter program: %s", strerror(errno));
	if (old_id)
		*old_id = id;
	return 0;
}

int bf_nf_stage_clear(const struct bf_nf_stage *ns, int ifindex)
{
	uint32_t idx = (uint32_t)ifindex, slot;

	if (bpf_map_lookup_elem(ns->ifmap_fd, &idx, &slot))
		return 0;
	/* The interface's way first: no datagram meets an empty slot. */
	if (bpf_map_delete_elem(ns->ifmap_fd, &idx) ||
	    (bpf_map_delete_elem(ns->slots_fd, &slot) && errno != ENOENT))
		return bf_err(-errno, "cannot remove the netfilter program: %s", strerror(errno));
	return 0;
}

int bf_nf_stage_restore(const struct bf_nf_stage *ns, int ifindex, uint32_t old_id)
{
	int fd, err;

	if (!old_id)
		return bf_nf_stage_clear(ns, ifindex);
	fd = bpf_prog_get_fd_by_id(old_id);
	if (fd < 0)
		return -errno;
	err = bf_nf_stage_set(ns, ifindex, fd, NULL);
	close(fd);
	return err;
}

int bf_nf_stage_prog(const struct bf_state *st, int ifindex, int *prog_fd)
{
	uint32_t idx = (uint32_t)ifindex, slot, id;
	struct bf_nf_stage ns;
	int err = bf_nf_stage_open(st, false, &ns);

	if (err)
		return err;
	if (bpf_map_lookup_elem(ns.ifmap_fd, &idx, &slot) ||
	    bpf_map_lookup_elem(ns.slots_fd, &slot, &id))
		err = -ENOENT;
	else if ((*prog_fd = bpf_prog_get_fd_by_id(id)) < 0)
		err = -errno;
	bf_nf_stage_close(&ns);
	return err;
}

int bf_nf_stage_install(const struct bf_state *st, const int *nf_fds, uint32_t *old_ids)
{
	struct bf_nf_stage ns;
	size_t i;
	int err;

	for (i = 0; i < st->n_att && nf_fds[i] < 0; i++)
		old_ids[i] = 0;
	if (i == st->n_att)
		return 0; /* no program for it: no stage made */
	err = bf_nf_stage_open(st, true, &ns);
	if (err)
		return err;
	for (i = 0; i < st->n_att; i++) {
		old_ids[i] = 0;
		if (nf_fds[i] < 0)
			continue;
		err = bf_nf_stage_set(&ns, st->att[i].ifindex, nf_fds[i], &old_ids[i]);
		if (err)
			break;
	}
	if (err) {
		while (i-- > 0)
			if (nf_fds[i] >= 0)
				bf_nf_stage_restore(&ns, st->att[i].ifindex, old_ids[i]);
	}
	bf_nf_stage_close(&ns);
	return err;
}

void bf_nf_stage_uninstall(const struct bf_state *st, const int *nf_fds, const uint32_t *old_ids)
{
	struct bf_nf_stage ns;

	if (bf_nf_stage_open(st, false, &ns)) {
		bf_log(BF_LOG_WARN, "Warning: could not put the previous netfilter programs back");
		return;
	}
	for (size_t i = 0; i < st->n_att; i++)
		if (nf_fds[i] >= 0 && bf_nf_stage_restore(&ns, st->att[i].ifindex, old_ids[i]))
			bf_log(BF_LOG_WARN, "Warning: %s: could not put the previous netfilter program back",
			       st->att[i].ifname);
	bf_nf_stage_close(&ns);
}

int bf_nf_stage_forget(const struct bf_state *st, int ifindex)
{
	struct bf_nf_stage ns;
	int err = bf_nf_stage_open(st, false, &ns);

	if (err == -ENOENT)
		return 0;
	if (!err)
		err = bf_nf_stage_clear(&ns, ifindex);
	bf_nf_stage_close(&ns);
	return err;
}

int bf_nf_stage_status(const struct bf_state *st, uint32_t *link_id, size_t *n_served)
{
	struct bpf_link_info li = {0};
	uint32_t len = sizeof(li), key, *prev = NULL;
	struct bf_nf_stage ns;
	int err = bf_nf_stage_open(st, false, &ns);

	if (err)
		return err;
	*link_id = bpf_obj_get_info_by_fd(ns.link_fd, &li, &len) ? 0 : li.id;
	*n_served = 0;
	while (!bpf_map_get_next_key(ns.ifmap_fd, prev, &key)) {
		(*n_served)++;
		prev = &key;
	}
	bf_nf_stage_close(&ns);
	return 0;
}
