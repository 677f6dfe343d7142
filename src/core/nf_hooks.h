/* The namespace's netfilter hooks (`attach --hook nf`, cgen/nf_hooks.h):
 * a prog_array of BF_NF_HOOK_SLOTS programs pinned "<netns cookie>/
 * nf_hooks", and for each family and point a pinned netfilter link
 * ("nf_hook_4_input"...: bpffs takes no dots) holding a fixed dispatcher that tail-calls its
 * slot. A change loads every program first, then replaces each slot in
 * one map update: a packet meets the old program or the new one, once. */
#ifndef BF_CORE_NF_HOOKS_H
#define BF_CORE_NF_HOOKS_H

#include <stdint.h>

#include "cgen/nf_hooks.h"

#define BF_PROG_NF_HOOK_NAME "bpfilter_hook"

/* The pinned prog_array: its fd, or -ENOENT (quietly) when the hooks are
 * not attached. */
int bf_nf_hooks_open(int *slots_fd);
/* Attaches the hooks: the prog_array filled with fds (every slot), then
 * the dispatchers' links, all pinned. *slots_fd: the prog_array. */
int bf_nf_hooks_create(const int fds[BF_NF_HOOK_SLOTS], int *slots_fd);
/* Unpins the links and the prog_array (0 for what is not there). */
int bf_nf_hooks_remove(void);
/* Replaces every slot with fds[], the ids replaced in old_ids; all or
 * nothing. */
int bf_nf_hooks_install(int slots_fd, const int fds[BF_NF_HOOK_SLOTS],
			uint32_t old_ids[BF_NF_HOOK_SLOTS]);
/* Puts old_ids back (warnings only). */
void bf_nf_hooks_uninstall(int slots_fd, const uint32_t old_ids[BF_NF_HOOK_SLOTS]);
/* The counters and state maps (-1: none) the hooks' programs share,
 * found through them; -ENOENT without counters. */
int bf_nf_hooks_maps(int slots_fd, int *counters_fd, int *state_fd);
/* For `status`: how many links are pinned, and the programs' ids. */
int bf_nf_hooks_status(int slots_fd, size_t *n_links, uint32_t ids[BF_NF_HOOK_SLOTS]);

#endif
