/* OUTPUT's programs on the interfaces' TC egress (kern/tc.h), swapped
 * beside the XDP programs: each interface's in one atomic step, undone
 * with the rest of a change that fails. */
#ifndef BF_CORE_EGRESS_H
#define BF_CORE_EGRESS_H

#include <stdbool.h>

#include "kern/tc.h"

/* What one interface's egress had before a swap, to put it back. */
struct bf_egress_swap {
	int old_fd; /* our program there before (-1: none) */
	enum bf_tc_kind old_kind, kind;
	bool done;
};

/* Puts new_fd (-1: none) at ifindex's egress in place of our program
 * there, if any. Logged on failure; s then says nothing was done. */
int bf_egress_install(int ifindex, const char *ifname, int new_fd, struct bf_egress_swap *s);
/* Puts back what was there before bf_egress_install(new_fd). */
void bf_egress_undo(int ifindex, const char *ifname, int new_fd, struct bf_egress_swap *s);
/* Closes what s holds. */
void bf_egress_swap_free(struct bf_egress_swap *s);
/* Removes our program from ifindex's egress, if there is one. */
int bf_egress_remove(int ifindex);

#endif
