/* The netfilter stage's REJECT answers in a namespace (nf_reject.c): the
 * slot, the guards and nft's chain around it (cgen/nf_reject.h). */
#ifndef BF_CORE_NF_REJECT_H
#define BF_CORE_NF_REJECT_H

#include <stdbool.h>

/* The namespace's slot map, pinned "<netns cookie>/nf_reject"; made
 * when missing and create. 0 or -errno, logged. */
int bf_nf_reject_map_open(bool create, int *map_fd);
/* The guards (pinned links at IPv4 and IPv6 LOCAL_IN) and nft's chains,
 * each made when missing (someone may have deleted or flushed the
 * chains). After the stage's dispatcher exists, before its programs run. */
int bf_nf_reject_sync(void);
/* All of it gone (no error for what is not there). */
int bf_nf_reject_remove(void);

#endif
