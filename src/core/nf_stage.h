/* The netfilter stage of a namespace (nf_stage.c): filter INPUT for the
 * IPv4 datagrams the stack reassembled, one program per attached
 * interface behind one pinned netfilter link. */
#ifndef BF_CORE_NF_STAGE_H
#define BF_CORE_NF_STAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "cgen/cgen.h"
#include "core/state.h"

#define BF_PROG_NF_NAME "bpfilter_nf"

struct bf_nf_stage {
	int link_fd;  /* the pinned link (holds the dispatcher) */
	int slots_fd; /* prog_array: one program per interface */
	int ifmap_fd; /* hash: interface index -> slot */
};

void bf_nf_stage_init(struct bf_nf_stage *ns);
void bf_nf_stage_close(struct bf_nf_stage *ns);

/* Opens st's stage through its pin; when there is none, creates it
 * (maps, dispatcher, link, pin) if create is set, else -ENOENT. */
int bf_nf_stage_open(const struct bf_state *st, bool create, struct bf_nf_stage *ns);
/* Unpins st's stage: the link, its dispatcher and maps go with the last
 * fd. 0 when there was none. */
int bf_nf_stage_remove(const struct bf_state *st);

/* The netfilter program serving an interface, -ENOENT when none. */
int bf_nf_stage_prog(const struct bf_state *st, int ifindex, int *prog_fd);

/* Makes prog_fd the program of interface ifindex in one map update;
 * *old_id (optional) gets the id of the program it replaced, 0 if none. */
int bf_nf_stage_set(const struct bf_nf_stage *ns, int ifindex, int prog_fd, uint32_t *old_id);
/* Puts back program old_id (0: none) as ifindex's: undoes a set. */
int bf_nf_stage_restore(const struct bf_nf_stage *ns, int ifindex, uint32_t old_id);
/* The interface is no longer served: its datagrams are accepted. */
int bf_nf_stage_clear(const struct bf_nf_stage *ns, int ifindex);

/* For every attachment i of st with nf_fds[i] >= 0, makes it that
 * interface's program (creating the stage if needed), recording the one
 * it replaced in old_ids[i]; all or nothing. */
int bf_nf_stage_install(const struct bf_state *st, const int *nf_fds, uint32_t *old_ids);
/* Undoes bf_nf_stage_install (warnings only: nothing better is left). */
void bf_nf_stage_uninstall(const struct bf_state *st, const int *nf_fds, const uint32_t *old_ids);
/* Interface ifindex is no longer served (detached); 0 when no stage. */
int bf_nf_stage_forget(const struct bf_state *st, int ifindex);

/* For `status`: the link's id and how many interfaces the stage serves;
 * -ENOENT when there is no stage. */
int bf_nf_stage_status(const struct bf_state *st, uint32_t *link_id, size_t *n_served);

#endif
