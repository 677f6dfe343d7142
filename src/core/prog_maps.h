/* The maps the programs of one build share (core/prog_maps.c): the
 * counters and state maps given, and the namespace's own (LOG's ring
 * buffer, hashlimit's and recent's tables, REJECT's slot) opened for the
 * programs that use them. */
#ifndef BF_CORE_PROG_MAPS_H
#define BF_CORE_PROG_MAPS_H

#include "cgen/cgen.h"
#include "core/log_ring.h"

struct bf_prog_maps {
	int fds[BF_MAP_MAX]; /* for bf_prog_load_cgen; -1: none */
	struct bf_log_ring log;
	int own_state; /* a state map of their own (state_fd < 0) */
};

/* Opens what cgs[0..n) (NULL entries skipped) use. state_fd < 0: a new
 * state map when they need one. 0 or -errno, logged; closed on failure. */
int bf_prog_maps_open(struct bf_prog_maps *m, struct bf_cgen *const *cgs, size_t n,
		      struct bf_ruleset *const rs[BF_FAMILY_MAX], int map_fd, int state_fd);
void bf_prog_maps_close(struct bf_prog_maps *m);

#endif
