/* bpfilter's BPF filesystem: pins that outlive the command, in the
 * initial mount namespace at $BPFILTER_BPFFS or $BPFILTER_RUN_DIR/bpffs
 * (/run/bpfilter/bpffs),
 * so that every command of every mount namespace finds them. Paths are
 * relative to it, e.g. "<netns cookie>/nf_input". */
#ifndef BF_KERN_BPFFS_H
#define BF_KERN_BPFFS_H

#include <stddef.h>

/* Pins fd at rel (parent directories created, an old pin replaced).
 * 0 or -errno, logged. */
int bf_bpffs_pin(int fd, const char *rel);
/* Opens the object pinned at rel: an fd, or -ENOENT (not logged) or
 * another -errno. */
int bf_bpffs_get(const char *rel);
/* The same, quietly -ENOENT without a BPF filesystem (never mounts one). */
int bf_bpffs_find(const char *rel);
/* Removes the pin at rel; 0 when it was not there. */
int bf_bpffs_unpin(const char *rel);
/* "<netns cookie>/name": where the current network namespace's object
 * `name` is pinned. 0 or -errno. */
int bf_bpffs_netns_path(const char *name, char *buf, size_t len);

#endif
