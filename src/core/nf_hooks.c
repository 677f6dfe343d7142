/* The namespace's netfilter hooks (nf_hooks.h). */
#include <bpf/bpf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cgen/cgen.h"
#include "cgen/nf_uapi.h"
#include "common/log.h"
#include "core/nf_hooks.h"
#include "core/nf_reject.h"
#include "kern/bpffs.h"
#include "kern/kern.h"
#include "kern/kern_int.h"
#include "kern/nf_link.h"

#define SLOTS_PIN "nf_hooks"

static int pin_of(const char *name, char *buf, size_t len)
{
	return bf_bpffs_netns_path(name, buf, len);
}

static int link_pin(enum bf_family f, enum bf_nf_point p, char *buf, size_t len)
{
	char name[64];

	snprintf(name, sizeof(name), "nf_hook_%d_%s", f == BF_FAMILY_IPV6 ? 6 : 4,
		 bf_nf_points[p].name);
	return pin_of(name, buf, len);
}

int bf_nf_hooks_open(int *slots_fd)
{
	char pin[128];
	int err = pin_of(SLOTS_PIN, pin, sizeof(pin)), fd;

	if (err)
		return err;
	fd = bf_bpffs_find(pin);
	if (fd < 0)
		return fd;
	*slots_fd = fd;
	return 0;
}

static int set_slot(int slots_fd, uint32_t slot, int prog_fd)
{
	if (bpf_map_update_elem(slots_fd, &slot, &prog_fd, BPF_ANY))
		return bf_err(-errno, "cannot set a netfilter hook's program: %s", strerror(errno));
	return 0;
}

/* A dispatcher on its link, pinned. */
static int link_point(int slots_fd, int reject_fd, enum bf_family f, enum bf_nf_point p)
{
	const struct bf_nf_point_info *pi = &bf_nf_points[p];
	struct bf_cgen cg;
	char pin[128];
	int prog_fd = -1, link_fd, err;

	bf_cgen_init(&cg);
	err = bf_cgen_nf_hook_dispatcher(&cg, slots_fd, BF_NF_HOOK_SLOT(f, p),
					 p == BF_NF_INPUT ? reject_fd : -1);
	if (!err)
		err = bf_prog_load(bf_nf_point_ops(p), cg.insns, cg.len, BF_NF_DISPATCH_NAME,
				   &prog_fd);
	bf_cgen_free(&cg);
	if (err)
		return err;
	link_fd = bf_nf_link_create(prog_fd, f == BF_FAMILY_IPV6 ? BF_NFPROTO_IPV6 : BF_NFPROTO_IPV4,
				    pi->hooknum, pi->priority, 0);
	close(prog_fd);
	if (link_fd < 0)
		return link_fd;
	err = link_pin(f, p, pin, sizeof(pin));
	if (!err)
		err = bf_bpffs_pin(link_fd, pin);
	close(link_fd);
	return err;
}

int bf_nf_hooks_create(const int fds[BF_NF_HOOK_SLOTS], int *slots_fd)
{
	char pin[128];
	int fd, reject_fd = -1, err;

	fd = bf_nf_slots_create(BF_NF_HOOK_SLOTS);
	if (fd < 0)
		return fd;
	/* Every slot filled before any link: no packet meets an empty one. */
	for (uint32_t s = 0; s < BF_NF_HOOK_SLOTS; s++) {
		err = set_slot(fd, s, fds[s]);
		if (err)
			goto fail;
	}
	err = pin_of(SLOTS_PIN, pin, sizeof(pin));
	if (!err)
		err = bf_bpffs_pin(fd, pin);
	if (!err)
		err = bf_nf_reject_map_open(true, &reject_fd);
	for (int f = 0; !err && f < BF_FAMILY_MAX; f++)
		for (int p = 0; !err && p < BF_NF_POINTS; p++)
			err = link_point(fd, reject_fd, (enum bf_family)f, (enum bf_nf_point)p);
	if (reject_fd >= 0)
		close(reject_fd);
	/* REJECT's answers and guards after filter INPUT. */
	if (!err)
		err = bf_nf_reject_sync();
	if (err)
		goto fail;
	*slots_fd = fd;
	return 0;
fail:
	bf_nf_hooks_remove();
	close(fd);
	return err;
}

int bf_nf_hooks_remove(void)
{
	char pin[128];
	int err = 0;

	for (int f = 0; f < BF_FAMILY_MAX; f++)
		for (int p = 0; p < BF_NF_POINTS; p++)
			if (!link_pin((enum bf_family)f, (enum bf_nf_point)p, pin, sizeof(pin)) &&
			    bf_bpffs_unpin(pin) && !err)
				err = -EIO;
	if (!pin_of(SLOTS_PIN, pin, sizeof(pin)) && bf_bpffs_unpin(pin) && !err)
		err = -EIO;
	return err;
}

int bf_nf_hooks_install(int slots_fd, const int fds[BF_NF_HOOK_SLOTS],
			uint32_t old_ids[BF_NF_HOOK_SLOTS])
{
	memset(old_ids, 0, BF_NF_HOOK_SLOTS * sizeof(*old_ids));
	for (uint32_t s = 0; s < BF_NF_HOOK_SLOTS; s++) {
		int err;

		if (bpf_map_lookup_elem(slots_fd, &s, &old_ids[s]))
			old_ids[s] = 0;
		err = set_slot(slots_fd, s, fds[s]);
		if (err) {
			old_ids[s] = 0; /* unchanged */
			bf_nf_hooks_uninstall(slots_fd, old_ids);
			return err;
		}
	}
	return 0;
}

void bf_nf_hooks_uninstall(int slots_fd, const uint32_t old_ids[BF_NF_HOOK_SLOTS])
{
	for (uint32_t s = 0; s < BF_NF_HOOK_SLOTS; s++) {
		int fd;

		if (!old_ids[s])
			continue;
		fd = bpf_prog_get_fd_by_id(old_ids[s]);
		if (fd < 0 || set_slot(slots_fd, s, fd))
			bf_log(BF_LOG_WARN, "Warning: could not put a netfilter hook's program back");
		if (fd >= 0)
			close(fd);
	}
}

int bf_nf_hooks_maps(int slots_fd, int *counters_fd, int *state_fd)
{
	*counters_fd = *state_fd = -1;
	for (uint32_t s = 0; s < BF_NF_HOOK_SLOTS; s++) {
		uint32_t id;
		int fd;

		if (bpf_map_lookup_elem(slots_fd, &s, &id) || bf_prog_by_id(id, &fd))
			continue;
		if (*counters_fd < 0 && bf_prog_counters_map(fd, counters_fd))
			*counters_fd = -1;
		if (*state_fd < 0 && bf_prog_state_map(fd, state_fd))
			*state_fd = -1;
		close(fd);
	}
	return *counters_fd < 0 ? -ENOENT : 0;
}

int bf_nf_hooks_status(int slots_fd, size_t *n_links, uint32_t ids[BF_NF_HOOK_SLOTS])
{
	char pin[128];

	*n_links = 0;
	for (int f = 0; f < BF_FAMILY_MAX; f++)
		for (int p = 0; p < BF_NF_POINTS; p++) {
			int fd;

			if (link_pin((enum bf_family)f, (enum bf_nf_point)p, pin, sizeof(pin)))
				continue;
			fd = bf_bpffs_find(pin);
			if (fd >= 0) {
				(*n_links)++;
				close(fd);
			}
		}
	for (uint32_t s = 0; s < BF_NF_HOOK_SLOTS; s++)
		if (bpf_map_lookup_elem(slots_fd, &s, &ids[s]))
			ids[s] = 0;
	return 0;
}
