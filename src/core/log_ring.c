/* The namespace's LOG ring buffer (log_ring.h). Commands that create it
 * hold the state lock; readers only open it. */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "common/log.h"
#include "core/log_ring.h"
#include "kern/bpffs.h"
#include "kern/kern.h"

#define PIN_RING "log_ring"
#define PIN_DROPS "log_drops"

static int get(const char *name, int *fd)
{
	char rel[64];
	int err = bf_bpffs_netns_path(name, rel, sizeof(rel));

	if (err)
		return err;
	*fd = bf_bpffs_get(rel);
	return *fd < 0 ? *fd : 0;
}

static int create(struct bf_log_ring *r)
{
	char rel[64];
	int err = bf_log_maps_create(&r->ring_fd, &r->drops_fd);

	/* The drops first: a reader that finds the ring finds them too. */
	if (!err)
		err = bf_bpffs_netns_path(PIN_DROPS, rel, sizeof(rel));
	if (!err)
		err = bf_bpffs_pin(r->drops_fd, rel);
	if (!err)
		err = bf_bpffs_netns_path(PIN_RING, rel, sizeof(rel));
	if (!err)
		err = bf_bpffs_pin(r->ring_fd, rel);
	return err;
}

int bf_log_ring_open(bool create_it, struct bf_log_ring *r)
{
	struct bpf_map_info info = {0};
	uint32_t len = sizeof(info);
	int err;

	*r = (struct bf_log_ring){.ring_fd = -1, .drops_fd = -1};
	err = get(PIN_RING, &r->ring_fd);
	if (!err)
		err = get(PIN_DROPS, &r->drops_fd);
	if (err == -ENOENT && create_it) {
		bf_log_ring_close(r);
		err = create(r);
	}
	if (!err && bpf_obj_get_info_by_fd(r->ring_fd, &info, &len))
		err = bf_err(-errno, "cannot read the log ring buffer: %m");
	if (!err && info.type != BPF_MAP_TYPE_RINGBUF)
		err = bf_err(-EINVAL, "the log ring buffer's pin holds something else");
	if (err) {
		bf_log_ring_close(r);
		return err;
	}
	r->ring_id = info.id;
	return 0;
}

void bf_log_ring_close(struct bf_log_ring *r)
{
	if (r->ring_fd >= 0)
		close(r->ring_fd);
	if (r->drops_fd >= 0)
		close(r->drops_fd);
	r->ring_fd = r->drops_fd = -1;
}

int bf_log_ring_remove(void)
{
	char rel[64];
	int err = bf_bpffs_netns_path(PIN_RING, rel, sizeof(rel));

	if (!err)
		err = bf_bpffs_unpin(rel);
	if (!err)
		err = bf_bpffs_netns_path(PIN_DROPS, rel, sizeof(rel));
	if (!err)
		err = bf_bpffs_unpin(rel);
	return err;
}

int bf_log_ring_take_drops(const struct bf_log_ring *r, uint64_t *n)
{
	uint32_t k_lost = 0, k_told = 1;
	uint64_t lost, told;

	if (bpf_map_lookup_elem(r->drops_fd, &k_lost, &lost) ||
	    bpf_map_lookup_elem(r->drops_fd, &k_told, &told))
		return -errno;
	*n = lost - told;
	if (*n && bpf_map_update_elem(r->drops_fd, &k_told, &lost, BPF_EXIST))
		return -errno;
	return 0;
}
