/* The counters map: a per-CPU array of struct bf_counter, one entry per
 * counter slot. Per-CPU so the program counts without atomics; readers
 * sum the CPUs. And the state map, for the matches that keep a state
 * (statistic nth): shared by the CPUs, updated with atomics. */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "kern/kern.h"
#include "kern/kern_int.h"

static int n_cpus(void)
{
	int n = libbpf_num_possible_cpus();

	return n > 0 ? n : -EINVAL;
}

int bf_counters_create(size_t n_slots, int *map_fd)
{
	int fd;

	bf_kern_log_init();
	if (!n_slots)
		n_slots = 1;
	if (n_slots > UINT32_MAX)
		return -E2BIG;
	fd = bpf_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, BF_COUNTERS_MAP_NAME,
			    sizeof(uint32_t), sizeof(struct bf_counter),
			    (uint32_t)n_slots, NULL);
	if (fd < 0)
		return bf_err(fd, "cannot create the counters map (%zu slots): %s",
			      n_slots, strerror(-fd));
	*map_fd = fd;
	return 0;
}

int bf_state_map_create(size_t n_slots, int *map_fd)
{
	int fd;

	bf_kern_log_init();
	if (!n_slots || n_slots > UINT32_MAX)
		return -E2BIG;
	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, BF_STATE_MAP_NAME, sizeof(uint32_t),
			    sizeof(uint64_t), (uint32_t)n_slots, NULL);
	if (fd < 0)
		return bf_err(fd, "cannot create the state map (%zu slots): %s", n_slots,
			      strerror(-fd));
	*map_fd = fd;
	return 0;
}

int bf_state_map_copy(int from_fd, size_t from, int to_fd, size_t to)
{
	uint32_t k_from = (uint32_t)from, k_to = (uint32_t)to;
	uint64_t v;

	if (bpf_map_lookup_elem(from_fd, &k_from, &v) ||
	    bpf_map_update_elem(to_fd, &k_to, &v, BPF_EXIST))
		return -errno;
	return 0;
}

int bf_counters_read(int map_fd, size_t n, struct bf_counter *out)
{
	struct bf_counter *percpu;
	int cpus = n_cpus();

	if (cpus < 0)
		return cpus;
	percpu = calloc((size_t)cpus, sizeof(*percpu));
	if (!percpu)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		uint32_t key = (uint32_t)i;
		int err = bpf_map_lookup_elem(map_fd, &key, percpu);

		if (err) {
			free(percpu);
			return bf_err(err, "cannot read counter %zu: %s", i, strerror(-err));
		}
		out[i] = (struct bf_counter){0};
		for (int c = 0; c < cpus; c++) {
			out[i].packets += percpu[c].packets;
			out[i].bytes += percpu[c].bytes;
		}
	}
	free(percpu);
	return 0;
}

int bf_counters_write(int map_fd, size_t slot, const struct bf_counter *c)
{
	struct bf_counter *percpu;
	uint32_t key = (uint32_t)slot;
	int cpus = n_cpus(), err;

	if (cpus < 0)
		return cpus;
	percpu = calloc((size_t)cpus, sizeof(*percpu));
	if (!percpu)
		return -ENOMEM;
	percpu[0] = *c;
	err = bpf_map_update_elem(map_fd, &key, percpu, BPF_ANY);
	free(percpu);
	if (err)
		return bf_err(err, "cannot write counter %zu: %s", slot, strerror(-err));
	return 0;
}

int bf_counters_size(int map_fd, size_t *n_slots)
{
	struct bpf_map_info info = {0};
	uint32_t len = sizeof(info);
	int err;

	err = bpf_obj_get_info_by_fd(map_fd, &info, &len);
	if (err)
		return err;
	if (info.type != BPF_MAP_TYPE_PERCPU_ARRAY ||
	    info.value_size != sizeof(struct bf_counter))
		return -EINVAL;
	*n_slots = info.max_entries;
	return 0;
}
