/* Programs: load (quietly, then again with the verifier log on failure),
 * facts for `status`, and the counters map found through map ids. */
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <errno.h>
#include <linux/membarrier.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/log.h"
#include "kern/kern.h"
#include "kern/kern_int.h"

#define BF_LOG_BUF_MIN (64u << 10)
#define BF_LOG_BUF_MAX (64u << 20)

/* Logs the verifier log line by line: bf_log messages are bounded. */
static void log_verifier(const char *buf, bool truncated)
{
	const char *p = buf;

	bf_log(BF_LOG_DEBUG, "-- BEGIN VERIFIER LOG --");
	while (*p) {
		const char *nl = strchr(p, '\n');
		int len = nl ? (int)(nl - p) : (int)strlen(p);

		bf_log(BF_LOG_DEBUG, "%.*s", len, p);
		p += len + (nl ? 1 : 0);
	}
	if (truncated)
		bf_log(BF_LOG_DEBUG, "(log truncated: the start is missing)");
	bf_log(BF_LOG_DEBUG, "-- END VERIFIER LOG --");
}

/* The verifier's reason is its last line before the statistics. */
static void last_reason(const char *buf, char *reason, size_t len)
{
	const char *p = buf;

	while (*p) {
		const char *nl = strchr(p, '\n');
		int n = nl ? (int)(nl - p) : (int)strlen(p);

		if (n && strncmp(p, "processed ", 10) && strncmp(p, "verification time", 17))
			snprintf(reason, len, "%.*s", n, p);
		p += n + (nl ? 1 : 0);
	}
}

/* Loads again with the log on, growing the buffer while the kernel says
 * it was too small (-ENOSPC), logs it and keeps the verifier's reason. */
static void load_with_log(const struct bf_hook_ops *hook, const struct bpf_insn *insns,
			  size_t n_insns, const struct bpf_prog_load_opts *base,
			  const char *name, char *reason, size_t reason_len)
{
	uint32_t size = BF_LOG_BUF_MIN;
	char *buf = NULL;
	int fd;

	for (;;) {
		struct bpf_prog_load_opts opts = *base;
		char *nbuf = realloc(buf, size);

		if (!nbuf)
			break;
		buf = nbuf;
		buf[0] = '\0';
		opts.log_level = 1;
		opts.log_buf = buf;
		opts.log_size = size;
		fd = bpf_prog_load(hook->prog_type, name, "GPL", insns, n_insns, &opts);
		if (fd >= 0) {
			/* Loaded this time: nothing to explain. */
			close(fd);
			break;
		}
		if (fd != -ENOSPC || size >= BF_LOG_BUF_MAX) {
			log_verifier(buf, fd == -ENOSPC);
			last_reason(buf, reason, reason_len);
			break;
		}
		size *= 4;
	}
	free(buf);
}

int bf_prog_funcs_opts(const uint32_t *subprogs, size_t n_subprogs,
		       struct bpf_prog_load_opts *opts, int *btf_fd)
{
	struct bpf_func_info *fi = calloc(n_subprogs + 1, sizeof(*fi));
	struct btf *btf = btf__new_empty();
	int lng, main_proto, cb_proto, main_fn, cb_fn, err;

	if (!fi || !btf) {
		free(fi);
		btf__free(btf);
		return -ENOMEM;
	}
	/* Types: long; long main(long ctx); long cb(long, long, long, long). */
	lng = btf__add_int(btf, "long", 8, BTF_INT_SIGNED);
	main_proto = btf__add_func_proto(btf, lng);
	btf__add_func_param(btf, "ctx", lng);
	main_fn = btf__add_func(btf, "bf_main", BTF_FUNC_GLOBAL, main_proto);
	cb_proto = btf__add_func_proto(btf, lng);
	btf__add_func_param(btf, "map", lng);
	btf__add_func_param(btf, "key", lng);
	btf__add_func_param(btf, "value", lng);
	btf__add_func_param(btf, "ctx", lng);
	cb_fn = btf__add_func(btf, "bf_callback", BTF_FUNC_STATIC, cb_proto);
	err = cb_fn < 0 ? cb_fn : btf__load_into_kernel(btf);
	if (!err) {
		*btf_fd = dup(btf__fd(btf));
		err = *btf_fd < 0 ? -errno : 0;
	}
	btf__free(btf);
	if (err) {
		free(fi);
		return bf_err(err, "cannot load the program's BTF: %s", strerror(-err));
	}
	fi[0] = (struct bpf_func_info){.insn_off = 0, .type_id = (uint32_t)main_fn};
	for (size_t i = 0; i < n_subprogs; i++)
		fi[i + 1] = (struct bpf_func_info){.insn_off = subprogs[i],
						   .type_id = (uint32_t)cb_fn};
	opts->prog_btf_fd = (uint32_t)*btf_fd;
	opts->func_info = fi;
	opts->func_info_cnt = (uint32_t)n_subprogs + 1;
	opts->func_info_rec_size = sizeof(*fi);
	return 0;
}

static int offload_ifindex;

void bf_prog_offload_to(int ifindex)
{
	offload_ifindex = ifindex;
}

int bf_prog_load_funcs(const struct bf_hook_ops *hook, const struct bpf_insn *insns,
		       size_t n_insns, const uint32_t *subprogs, size_t n_subprogs,
		       const char *name, int *prog_fd)
{
	LIBBPF_OPTS(bpf_prog_load_opts, opts,
		.expected_attach_type = hook->expected_attach_type,
	);
	int fd, btf_fd = -1;

	bf_kern_log_init();
	if (hook->prog_type == BPF_PROG_TYPE_XDP)
		opts.prog_ifindex = (uint32_t)offload_ifindex;
	if (n_subprogs) {
		fd = bf_prog_funcs_opts(subprogs, n_subprogs, &opts, &btf_fd);
		if (fd)
			return fd;
	}
	fd = bpf_prog_load(hook->prog_type, name, "GPL", insns, n_insns, &opts);
	if (fd < 0) {
		char reason[256] = "";
		int err = fd;

		load_with_log(hook, insns, n_insns, &opts, name, reason, sizeof(reason));
		err = bf_err(err, "the kernel refused the BPF program (%zu instructions): %s%s%s "
			     "(-v shows the verifier log)", n_insns, strerror(-err),
			     *reason ? ": " : "", reason);
		fd = err;
	} else {
		*prog_fd = fd;
		fd = 0;
	}
	if (btf_fd >= 0)
		close(btf_fd);
	free((void *)opts.func_info);
	return fd;
}

int bf_prog_load(const struct bf_hook_ops *hook, const struct bpf_insn *insns,
		 size_t n_insns, const char *name, int *prog_fd)
{
	return bf_prog_load_funcs(hook, insns, n_insns, NULL, 0, name, prog_fd);
}

int bf_prog_facts(int prog_fd, struct bf_prog_facts *f)
{
	struct bpf_prog_info info = {0};
	uint32_t len = sizeof(info);
	int err;

	err = bpf_obj_get_info_by_fd(prog_fd, &info, &len);
	if (err)
		return err;
	f->id = info.id;
	f->n_insns = info.xlated_prog_len / sizeof(struct bpf_insn);
	memcpy(f->name, info.name, sizeof(f->name));
	f->name[sizeof(f->name) - 1] = '\0';
	return 0;
}

/* The map of a loaded program that has this name. */
static int prog_map_by_name(int prog_fd, const char *name, int *map_fd)
{
	struct bpf_prog_info info = {0};
	uint32_t len = sizeof(info), ids[16];
	int err;

	err = bpf_obj_get_info_by_fd(prog_fd, &info, &len);
	if (err)
		return err;
	if (info.nr_map_ids > sizeof(ids) / sizeof(ids[0]))
		return -E2BIG;
	memset(&info, 0, sizeof(info));
	info.nr_map_ids = sizeof(ids) / sizeof(ids[0]);
	info.map_ids = (uint64_t)(uintptr_t)ids;
	len = sizeof(info);
	err = bpf_obj_get_info_by_fd(prog_fd, &info, &len);
	if (err)
		return err;

	for (uint32_t i = 0; i < info.nr_map_ids; i++) {
		struct bpf_map_info minfo = {0};
		uint32_t mlen = sizeof(minfo);
		int fd = bpf_map_get_fd_by_id(ids[i]);

		if (fd < 0)
			continue;
		if (!bpf_obj_get_info_by_fd(fd, &minfo, &mlen) &&
		    !strcmp(minfo.name, name)) {
			*map_fd = fd;
			return 0;
		}
		close(fd);
	}
	return -ENOENT;
}

int bf_prog_counters_map(int prog_fd, int *map_fd)
{
	return prog_map_by_name(prog_fd, BF_COUNTERS_MAP_NAME, map_fd);
}

int bf_prog_class_map(int prog_fd, int *map_fd)
{
	return prog_map_by_name(prog_fd, BF_CLASS_MAP_NAME, map_fd);
}

int bf_prog_state_map(int prog_fd, int *map_fd)
{
	return prog_map_by_name(prog_fd, BF_STATE_MAP_NAME, map_fd);
}

int bf_prog_by_id(uint32_t id, int *prog_fd)
{
	int fd = bpf_prog_get_fd_by_id(id);

	if (fd < 0)
		return fd;
	*prog_fd = fd;
	return 0;
}

void bf_prog_quiesce(void)
{
	/* MEMBARRIER_CMD_GLOBAL waits for an RCU grace period, which covers
	 * XDP programs (they run in RCU read-side sections). It is refused
	 * with nohz_full: then give in-flight runs time to finish. */
	if (syscall(__NR_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0) < 0)
		usleep(100000);
}
