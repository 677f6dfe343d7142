/* The classifier map (BF_MAP_CLASS): the stages' hash tables, written in
 * one copy through a memory mapping rather than one syscall per slot
 * (100,000 rules are some 260,000 slots). */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "cgen/ext_maps.h"
#include "common/log.h"
#include "kern/kern.h"
#include "kern/kern_int.h"

int bf_class_map_create(const struct bf_class_table *t, int *map_fd)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = BPF_F_MMAPABLE);
	size_t bytes, page = (size_t)sysconf(_SC_PAGESIZE);
	void *mem;
	int fd;

	bf_kern_log_init();
	size_t n = BF_CLASS_MAP_ENTRIES(t->n);
	struct bf_class_slot *s;

	if (!t->n || n > UINT32_MAX / sizeof(struct bf_class_slot))
		return bf_err(-E2BIG, "cannot create the classifier map (%zu slots)", t->n);
	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, BF_CLASS_MAP_NAME, sizeof(uint32_t),
			    sizeof(struct bf_class_slot), (uint32_t)n, &opts);
	if (fd < 0)
		return bf_err(fd, "cannot create the classifier map (%zu slots): %s", t->n,
			      strerror(-fd));
	/* Array values are 8-byte aligned; the slot is a multiple of 8. */
	bytes = (n * sizeof(struct bf_class_slot) + page - 1) / page * page;
	mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (mem == MAP_FAILED) {
		int err = -errno;

		close(fd);
		return bf_err(err, "cannot map the classifier map: %s", strerror(-err));
	}
	/* The header, then the tables in the first half, read first. */
	s = mem;
	s[0].key[0] = 1;
	for (int i = 0; i < 2; i++) {
		s[0].key[1 + 2 * i] = (uint32_t)t->digest[i];
		s[0].key[2 + 2 * i] = (uint32_t)(t->digest[i] >> 32);
	}
	memcpy(&s[1], t->slots, t->n * sizeof(struct bf_class_slot));
	munmap(mem, bytes);
	*map_fd = fd;
	return 0;
}

int bf_prog_load_cgen(const struct bf_hook_ops *hook, struct bf_cgen *cg,
		      const int map_fds[BF_MAP_MAX], const char *name, int *prog_fd)
{
	int fds[BF_MAP_MAX], class_fd = -1, peers_fd = -1, frags_fd = -1, *ext_fds = NULL;
	int err = 0;

	memcpy(fds, map_fds, sizeof(fds));
	if (cg->class_table.n)
		err = bf_class_map_create(&cg->class_table, &class_fd);
	if (!err && bf_cgen_uses_map(cg, BF_MAP_ICMP_PEERS))
		err = bf_icmp_peers_map_create(&peers_fd);
	if (!err && bf_cgen_uses_map(cg, BF_MAP_FRAGS))
		err = bf_frags_map_create(&frags_fd);
	fds[BF_MAP_CLASS] = class_fd;
	fds[BF_MAP_ICMP_PEERS] = peers_fd;
	fds[BF_MAP_FRAGS] = frags_fd;
	if (!err)
		err = bf_cgen_patch_maps(cg, fds);
	if (!err)
		err = bf_cgen_ext_maps_patch(cg, &ext_fds);
	if (!err) {
		uint32_t subprogs[sizeof(cg->funcs) / sizeof(cg->funcs[0])];
		size_t n = bf_cgen_subprogs(cg, subprogs, sizeof(subprogs) / sizeof(subprogs[0]));

		err = bf_prog_load_funcs(hook, cg->insns, cg->len, subprogs, n, name, prog_fd);
	}
	bf_cgen_ext_maps_close(cg, ext_fds);
	/* The program holds its own reference to the maps. */
	if (class_fd >= 0)
		close(class_fd);
	if (peers_fd >= 0)
		close(peers_fd);
	if (frags_fd >= 0)
		close(frags_fd);
	return err;
}

/* The map's slots, mapped: -ESTALE (quietly) when its size is not that
 * of n slots' tables. */
static int map_slots(int map_fd, size_t n, struct bf_class_slot **s, size_t *bytes)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), entries = BF_CLASS_MAP_ENTRIES(n);
	struct bpf_map_info info = {0};
	uint32_t len = sizeof(info);
	void *mem;

	if (bpf_obj_get_info_by_fd(map_fd, &info, &len) ||
	    info.value_size != sizeof(struct bf_class_slot) || info.max_entries != entries)
		return -ESTALE;
	*bytes = (entries * sizeof(struct bf_class_slot) + page - 1) / page * page;
	mem = mmap(NULL, *bytes, PROT_READ | PROT_WRITE, MAP_SHARED, map_fd, 0);
	if (mem == MAP_FAILED)
		return bf_err(-errno, "cannot map the classifier map: %s", strerror(errno));
	*s = mem;
	return 0;
}

static uint64_t boot_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int bf_class_map_check(int map_fd, const struct bf_class_table *t, uint64_t *flipped_ns_ago)
{
	struct bpf_map_info info = {0};
	uint32_t len = sizeof(info), key = 0;
	struct bf_class_slot hdr;
	uint64_t flipped;

	/* The header alone: no need to map the whole tables to read it. */
	if (bpf_obj_get_info_by_fd(map_fd, &info, &len) ||
	    info.value_size != sizeof(struct bf_class_slot) ||
	    info.max_entries != BF_CLASS_MAP_ENTRIES(t->n) || bpf_map_lookup_elem(map_fd, &key, &hdr))
		return -ESTALE;
	for (int i = 0; i < 2; i++)
		if (hdr.key[1 + 2 * i] != (uint32_t)t->digest[i] ||
		    hdr.key[2 + 2 * i] != (uint32_t)(t->digest[i] >> 32))
			return -ESTALE; /* other programs than these tables' */
	flipped = hdr.key[5] | (uint64_t)hdr.key[6] << 32;
	*flipped_ns_ago = flipped ? boot_ns() - flipped : UINT64_MAX;
	return 0;
}

int bf_class_map_replace(int map_fd, const struct bf_class_table *t, uint32_t *old_half)
{
	struct bf_class_slot *s;
	uint32_t live, other;
	uint64_t now = boot_ns();
	size_t bytes;
	int err = map_slots(map_fd, t->n, &s, &bytes);

	if (err)
		return err;
	live = __atomic_load_n(&s[0].key[0], __ATOMIC_ACQUIRE);
	other = live == 1 ? 1 + (uint32_t)t->n : 1;
	memcpy(&s[other], t->slots, t->n * sizeof(*s));
	/* Programs read the header, then a half: from here on the new one. */
	__atomic_store_n(&s[0].key[0], other, __ATOMIC_RELEASE);
	s[0].key[5] = (uint32_t)now;
	s[0].key[6] = (uint32_t)(now >> 32);
	munmap(s, bytes);
	*old_half = live;
	return 0;
}

int bf_class_map_flip(int map_fd, size_t n, uint32_t half)
{
	struct bf_class_slot *s;
	size_t bytes;

	int err = map_slots(map_fd, n, &s, &bytes);

	if (err)
		return err;
	__atomic_store_n(&s[0].key[0], half, __ATOMIC_RELEASE);
	munmap(s, bytes);
	return 0;
}
