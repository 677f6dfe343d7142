/* The maps of one build's programs (prog_maps.h). */
#include <unistd.h>

#include "core/named.h"
#include "core/nf_reject.h"
#include "core/prog_maps.h"
#include "kern/kern.h"

static bool any_uses(struct bf_cgen *const *cgs, size_t n, enum bf_map_id map)
{
	for (size_t i = 0; i < n; i++)
		if (cgs[i] && bf_cgen_uses_map(cgs[i], map))
			return true;
	return false;
}

int bf_prog_maps_open(struct bf_prog_maps *m, struct bf_cgen *const *cgs, size_t n,
		      struct bf_ruleset *const rs[BF_FAMILY_MAX], int map_fd, int state_fd)
{
	int err = 0;

	for (int i = 0; i < BF_MAP_MAX; i++)
		m->fds[i] = -1;
	m->log = (struct bf_log_ring){.ring_fd = -1, .drops_fd = -1};
	m->own_state = -1;
	m->fds[BF_MAP_COUNTERS] = map_fd;
	m->fds[BF_MAP_STATE] = state_fd;
	if (any_uses(cgs, n, BF_MAP_STATE) && state_fd < 0) {
		err = bf_state_map_create(bf_cgen_n_state(rs[BF_FAMILY_IPV4], rs[BF_FAMILY_IPV6]),
					  &m->own_state);
		m->fds[BF_MAP_STATE] = m->own_state;
	}
	/* LOG rules write into the namespace's one ring buffer. */
	if (!err && any_uses(cgs, n, BF_MAP_LOG)) {
		err = bf_log_ring_open(true, &m->log);
		m->fds[BF_MAP_LOG] = m->log.ring_fd;
		m->fds[BF_MAP_LOG_DROPS] = m->log.drops_fd;
	}
	/* hashlimit and recent rules use the namespace's tables. */
	for (int i = BF_MAP_HASHLIMIT; !err && i <= BF_MAP_RECENT; i++) {
		if (!any_uses(cgs, n, (enum bf_map_id)i))
			continue;
		err = bf_named_open((enum bf_map_id)i, true, &m->fds[i]);
		if (!err)
			err = bf_named_prepare((enum bf_map_id)i, m->fds[i], rs);
	}
	/* REJECT in a netfilter program notes its answers in the slot. */
	if (!err && any_uses(cgs, n, BF_MAP_NF_REJECT))
		err = bf_nf_reject_map_open(true, &m->fds[BF_MAP_NF_REJECT]);
	if (err)
		bf_prog_maps_close(m);
	return err;
}

void bf_prog_maps_close(struct bf_prog_maps *m)
{
	if (m->own_state >= 0)
		close(m->own_state);
	bf_log_ring_close(&m->log);
	for (int i = BF_MAP_HASHLIMIT; i <= BF_MAP_NF_REJECT; i++)
		if (m->fds[i] >= 0)
			close(m->fds[i]);
	m->own_state = -1;
	for (int i = BF_MAP_LOG; i <= BF_MAP_NF_REJECT; i++)
		m->fds[i] = -1;
}
