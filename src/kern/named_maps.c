/* The namespace's named-table maps (cgen/named.h), unpinned. */
#include <bpf/bpf.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "cgen/named.h"
#include "common/log.h"
#include "kern/kern.h"
#include "kern/kern_int.h"

static int create(const char *name, size_t key, size_t value, int *fd)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = BPF_F_NO_PREALLOC);

	bf_kern_log_init();
	*fd = bpf_map_create(BPF_MAP_TYPE_HASH, name, (uint32_t)key, (uint32_t)value,
			     BF_NAMED_MAP_ENTRIES, &opts);
	if (*fd < 0)
		return bf_err(*fd, "cannot create the %s map: %s", name, strerror(-*fd));
	return 0;
}

int bf_named_map_create(enum bf_map_id map, int *fd)
{
	if (map == BF_MAP_HASHLIMIT)
		return create(BF_HASHLIMIT_MAP_NAME, sizeof(struct bf_hl_key),
			      sizeof(struct bf_hl_entry), fd);
	return create(BF_RECENT_MAP_NAME, sizeof(struct bf_recent_key),
		      sizeof(struct bf_recent_entry), fd);
}
