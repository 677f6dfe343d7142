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

#include "cgen/log_event.h"
#include "cgen/tc.h"
#include "common/fault.h"
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
	/* Tests of fail-closed: a map the kernel cannot make (a memory
	 * limit). */
	if (bf_fault("map"))
		return bf_err(-ENOMEM, "cannot create the counters map: %s (BPFILTER_FAULT)",
			      strerror(ENOMEM));
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

int bf_icmp_peers_map_create(int *map_fd)
{
	int fd;

	bf_kern_log_init();
	fd = bpf_map_create(BPF_MAP_TYPE_LRU_HASH, BF_ICMP_PEERS_MAP_NAME, 16,
			    sizeof(struct bf_icmp_peer), BF_ICMP_PEERS_MAX, NULL);
	if (fd < 0)
		return bf_err(fd, "cannot create the ICMP peers map: %s", strerror(-fd));
	*map_fd = fd;
	return 0;
}

int bf_frags_map_create(int *map_fd)
{
	int fd;

	bf_kern_log_init();
	fd = bpf_map_create(BPF_MAP_TYPE_LRU_HASH, BF_FRAGS_MAP_NAME, sizeof(struct bf_frag_key),
			    sizeof(uint32_t), BF_FRAGS_MAX, NULL);
	if (fd < 0)
		return bf_err(fd, "cannot create the fragments map: %s", strerror(-fd));
	*map_fd = fd;
	return 0;
}

int bf_state_map_zero(int map_fd, size_t slot, size_t n)
{
	uint64_t zero = 0;

	for (size_t i = 0; i < n; i++) {
		uint32_t k = (uint32_t)(slot + i);

		if (bpf_map_update_elem(map_fd, &k, &zero, BPF_EXIST))
			return -errno;
	}
	return 0;
}

/* Sums each entry's per-CPU values into out[]. */
static void fold(const struct bf_counter *percpu, int cpus, size_t n, struct bf_counter *out)
{
	for (size_t i = 0; i < n; i++) {
		out[i] = (struct bf_counter){0};
		for (int c = 0; c < cpus; c++) {
			out[i].packets += percpu[i * (size_t)cpus + (size_t)c].packets;
			out[i].bytes += percpu[i * (size_t)cpus + (size_t)c].bytes;
		}
	}
}

/* Entries read per BPF_MAP_LOOKUP_BATCH: 100,000 counters are some 25
 * system calls, not 100,000. */
#define BATCH 4096

int bf_counters_read(int map_fd, size_t n, struct bf_counter *out)
{
	int cpus = n_cpus();
	struct bf_counter *percpu;
	uint32_t *keys, token = 0;
	size_t done = 0;
	int err = 0;

	if (cpus < 0)
		return cpus;
	percpu = calloc(BATCH * (size_t)cpus, sizeof(*percpu));
	keys = calloc(BATCH, sizeof(*keys));
	if (!percpu || !keys) {
		free(percpu);
		free(keys);
		return -ENOMEM;
	}
	while (done < n && !err) {
		uint32_t count = (uint32_t)(n - done < BATCH ? n - done : BATCH);

		err = bpf_map_lookup_batch(map_fd, done ? &token : NULL, &token, keys, percpu,
					   &count, NULL);
		if (err == -ENOENT && count)
			err = 0; /* the last batch */
		if (err)
			break;
		for (uint32_t i = 0; i < count; i++)
			if (keys[i] != done + i)
				err = -EIO;
		fold(percpu, cpus, count, out + done);
		done += count;
		if (!count)
			err = -EIO;
	}
	free(percpu);
	free(keys);
	if (err)
		return bf_err(err, "cannot read the counters (%zu of %zu): %s", done, n,
			      strerror(-err));
	return 0;
}

int bf_counters_read_one(int map_fd, size_t slot, struct bf_counter *out)
{
	int cpus = n_cpus();
	struct bf_counter *percpu;
	uint32_t key = (uint32_t)slot;
	int err;

	if (cpus < 0)
		return cpus;
	percpu = calloc((size_t)cpus, sizeof(*percpu));
	if (!percpu)
		return -ENOMEM;
	err = bpf_map_lookup_elem(map_fd, &key, percpu);
	if (!err)
		fold(percpu, cpus, 1, out);
	free(percpu);
	if (err)
		return bf_err(-errno, "cannot read counter %zu: %s", slot, strerror(errno));
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

int bf_log_maps_create(int *ring_fd, int *drops_fd)
{
	int fd;

	bf_kern_log_init();
	fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, BF_LOG_RING_MAP_NAME, 0, 0, BF_LOG_RING_BYTES,
			    NULL);
	if (fd < 0)
		return bf_err(fd, "cannot create the log ring buffer: %s", strerror(-fd));
	*ring_fd = fd;
	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, BF_LOG_DROPS_MAP_NAME, sizeof(uint32_t),
			    sizeof(uint64_t), BF_LOG_DROPS_ENTRIES, NULL);
	if (fd < 0) {
		close(*ring_fd);
		*ring_fd = -1;
		return bf_err(fd, "cannot create the log drops map: %s", strerror(-fd));
	}
	*drops_fd = fd;
	return 0;
}
