/* Kernel structure offsets from the running kernel's BTF (btf_offsets.h).
 * Parsing the BTF (5 MB) costs more than compiling and loading a small
 * ruleset, so the offsets are kept in a file for the next commands of
 * the same boot: the kernel, and so its BTF, cannot change without a
 * reboot, which changes the boot id the file is checked against. */
#include <bpf/btf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "kern/btf_offsets.h"

/* Finds member `name` of struct/union type_id, looking into anonymous
 * members (sk_buff nests most of its fields in unnamed unions and
 * structs); bit offset and bitfield size (0: not a bitfield) out. */
static int find_member(const struct btf *btf, uint32_t type_id, const char *name,
		       uint32_t *bit_off, uint32_t *bf_size, uint32_t *mtype, int depth)
{
	const struct btf_type *t = btf__type_by_id(btf, type_id);
	const struct btf_member *m;

	if (depth > 8)
		return -ENOENT;
	while (t && (btf_is_mod(t) || btf_is_typedef(t))) {
		type_id = t->type;
		t = btf__type_by_id(btf, type_id);
	}
	if (!t || !btf_is_composite(t))
		return -ENOENT;
	m = btf_members(t);
	for (uint16_t i = 0; i < btf_vlen(t); i++, m++) {
		const char *mname = btf__name_by_offset(btf, m->name_off);
		uint32_t off = btf_member_bit_offset(t, i);

		if (mname && !strcmp(mname, name)) {
			*bit_off = off;
			*bf_size = btf_member_bitfield_size(t, i);
			if (mtype)
				*mtype = m->type;
			return 0;
		}
		if ((!mname || !*mname) &&
		    !find_member(btf, m->type, name, bit_off, bf_size, mtype, depth + 1)) {
			*bit_off += off;
			return 0;
		}
	}
	return -ENOENT;
}

static int struct_id(const struct btf *btf, const char *name, uint32_t *id)
{
	int r = btf__find_by_name_kind(btf, name, BTF_KIND_STRUCT);

	if (r < 0)
		return bf_err(-ENOENT, "kernel BTF: no struct %s", name);
	*id = (uint32_t)r;
	return 0;
}

/* Byte offset of a member path ("proto.tcp.seen") within struct sname,
 * through nested (also unnamed) structs and unions; an array member
 * stands for its first element, whose type the next name is looked up
 * in. The last member's type id in *type (optional). */
static int path_off(const struct btf *btf, const char *sname, const char *path, int16_t *out,
		    uint32_t *type)
{
	char buf[64], *save = NULL;
	uint32_t id = 0, bit, bfs, total = 0;
	int err = struct_id(btf, sname, &id);

	if (err)
		return err;
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *name = strtok_r(buf, ".", &save); name; name = strtok_r(NULL, ".", &save)) {
		const struct btf_type *t;

		if (find_member(btf, id, name, &bit, &bfs, &id, 0) || bfs || bit % 8)
			return bf_err(-ENOENT, "kernel BTF: no usable %s.%s", sname, path);
		total += bit / 8;
		t = btf__type_by_id(btf, id);
		while (t && (btf_is_mod(t) || btf_is_typedef(t))) {
			id = t->type;
			t = btf__type_by_id(btf, id);
		}
		if (t && btf_is_array(t))
			id = btf_array(t)->type;
	}
	if (total > INT16_MAX)
		return bf_err(-ENOENT, "kernel BTF: no usable %s.%s", sname, path);
	*out = (int16_t)total;
	if (type)
		*type = id;
	return 0;
}

/* Byte offset of a plain (not bitfield) member. */
static int byte_off(const struct btf *btf, const char *sname, const char *mname, int16_t *out)
{
	return path_off(btf, sname, mname, out, NULL);
}

/* The conntrack fields (cgen/ct.c). */
static int fill_ct(const struct btf *btf, struct bf_nf_offsets *o)
{
	uint32_t seen_type = 0, hash_type = 0;
	int16_t tuplehash;
	int err, r;

	err = byte_off(btf, "sk_buff", "_nfct", &o->skb_nfct);
	if (!err)
		err = byte_off(btf, "sk_buff", "end", &o->skb_end);
	if (!err)
		err = byte_off(btf, "skb_shared_info", "meta_len", &o->shinfo_meta_len);
	if (!err)
		err = byte_off(btf, "nf_conn", "status", &o->ct_status);
	if (!err)
		err = byte_off(btf, "nf_conn", "timeout", &o->ct_timeout);
	if (!err)
		err = path_off(btf, "nf_conn", "tuplehash.tuple.dst.protonum", &o->ct_protonum,
			       NULL);
	if (!err)
		err = byte_off(btf, "nf_conn", "tuplehash.tuple.src.u3", &o->ct_src_addr);
	if (!err)
		err = byte_off(btf, "nf_conn", "tuplehash.tuple.dst.u3", &o->ct_dst_addr);
	if (!err)
		err = byte_off(btf, "nf_conn", "tuplehash.tuple.src.u", &o->ct_src_port);
	if (!err)
		err = byte_off(btf, "nf_conn", "tuplehash.tuple.dst.u", &o->ct_dst_port);
	if (!err)
		err = path_off(btf, "nf_conn", "tuplehash", &tuplehash, &hash_type);
	if (!err)
		err = path_off(btf, "nf_conn", "proto.tcp.state", &o->ct_tcp_state, NULL);
	if (!err)
		err = path_off(btf, "nf_conn", "proto.tcp.seen", &o->ct_tcp_seen, &seen_type);
	if (!err)
		err = byte_off(btf, "ip_ct_tcp_state", "td_end", &o->tcp_td_end);
	if (!err)
		err = byte_off(btf, "ip_ct_tcp_state", "td_maxend", &o->tcp_td_maxend);
	if (!err)
		err = byte_off(btf, "ip_ct_tcp_state", "td_maxwin", &o->tcp_td_maxwin);
	if (err)
		return err;
	r = btf__resolve_size(btf, seen_type);
	if (r <= 0 || r > 64)
		return bf_err(-ENOENT, "kernel BTF: no usable struct ip_ct_tcp_state");
	o->ct_tcp_seen_size = (int16_t)r;
	r = btf__resolve_size(btf, hash_type);
	if (r <= 0 || r > 256)
		return bf_err(-ENOENT, "kernel BTF: no usable struct nf_conntrack_tuple_hash");
	o->ct_tuplehash_size = (int16_t)r;
	r = btf__find_by_name_kind(btf, "bpf_xdp_ct_lookup", BTF_KIND_FUNC);
	if (r < 0)
		return bf_err(-ENOENT, "kernel BTF: no kfunc bpf_xdp_ct_lookup");
	o->kfunc_xdp_ct_lookup = r;
	r = btf__find_by_name_kind(btf, "bpf_ct_release", BTF_KIND_FUNC);
	if (r < 0)
		return bf_err(-ENOENT, "kernel BTF: no kfunc bpf_ct_release");
	o->kfunc_ct_release = r;
	return 0;
}

static int fill(const struct btf *btf, struct bf_nf_offsets *o)
{
	uint32_t id = 0, bit, bfs;
	int16_t cb, frag_max, frag6_max;
	int err, r;

	err = byte_off(btf, "sk_buff", "len", &o->skb_len);
	if (!err)
		err = byte_off(btf, "sk_buff", "head", &o->skb_head);
	if (!err)
		err = byte_off(btf, "sk_buff", "data", &o->skb_data);
	if (!err)
		err = byte_off(btf, "sk_buff", "mac_header", &o->skb_mac_header);
	if (!err)
		err = byte_off(btf, "sk_buff", "network_header", &o->skb_network_header);
	if (!err)
		err = byte_off(btf, "sk_buff", "cb", &cb);
	if (!err)
		err = byte_off(btf, "inet_skb_parm", "frag_max_size", &frag_max);
	if (!err)
		err = byte_off(btf, "nf_hook_state", "in", &o->state_in);
	if (!err)
		err = byte_off(btf, "nf_hook_state", "out", &o->state_out);
	if (!err)
		err = byte_off(btf, "nf_hook_state", "pf", &o->state_pf);
	if (!err)
		err = byte_off(btf, "inet6_skb_parm", "frag_max_size", &frag6_max);
	if (!err)
		err = byte_off(btf, "net_device", "name", &o->dev_name);
	if (!err)
		err = byte_off(btf, "net_device", "ifindex", &o->dev_ifindex);
	if (!err)
		err = struct_id(btf, "sk_buff", &id);
	if (err)
		return err;
	o->skb_ipcb_frag_max_size = (int16_t)(cb + frag_max);
	o->skb_ip6cb_frag_max_size = (int16_t)(cb + frag6_max);

	/* pkt_type:3 lies within one byte: read that byte, shift, mask. */
	if (find_member(btf, id, "pkt_type", &bit, &bfs, NULL, 0) || bfs != 3 || bit % 8 > 5)
		return bf_err(-ENOENT, "kernel BTF: no usable sk_buff.pkt_type");
	o->skb_pkt_type = (int16_t)(bit / 8);
	o->skb_pkt_type_shift = (uint8_t)(bit % 8);

	err = byte_off(btf, "sk_buff", "sk", &o->skb_sk);
	if (!err)
		err = byte_off(btf, "sock_common", "skc_family", &o->sk_family);
	if (!err)
		err = byte_off(btf, "sk_buff", "_skb_refdst", &o->skb_refdst);
	if (!err)
		err = byte_off(btf, "rtable", "rt_type", &o->rt_type);
	if (err)
		return err;
	r = btf__find_by_name_kind(btf, "bpf_cast_to_kern_ctx", BTF_KIND_FUNC);
	if (r < 0)
		return bf_err(-ENOENT, "kernel BTF: no kfunc bpf_cast_to_kern_ctx");
	o->kfunc_cast_to_kern_ctx = r;
	r = btf__find_by_name_kind(btf, "bpf_dynptr_from_skb", BTF_KIND_FUNC);
	if (r < 0)
		return bf_err(-ENOENT, "kernel BTF: no kfunc bpf_dynptr_from_skb");
	o->kfunc_dynptr_from_skb = r;
	return fill_ct(btf, o);
}

#define CACHE_NAME ".btf-offsets" /* hidden: the directory lists namespaces */
#define CACHE_MAGIC "bpfilter btf offsets 7"
#define BOOT_ID_LEN 36

/* What the file holds, all of it checked before the offsets are used. */
struct cache {
	char magic[sizeof(CACHE_MAGIC)];
	char boot_id[BOOT_ID_LEN + 1];
	uint64_t btf_size; /* of /sys/kernel/btf/vmlinux */
	struct bf_nf_offsets o;
	uint64_t sum;      /* of everything above: a torn or foreign file */
};

static uint64_t cache_sum(const struct cache *c)
{
	const unsigned char *p = (const unsigned char *)c;
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < offsetof(struct cache, sum); i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

/* The key: this boot, and the size of the BTF it would read. */
static int cache_key(struct cache *c)
{
	struct stat sb;
	ssize_t n;
	int fd;

	memset(c, 0, sizeof(*c));
	memcpy(c->magic, CACHE_MAGIC, sizeof(CACHE_MAGIC));
	fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, c->boot_id, BOOT_ID_LEN);
	close(fd);
	if (n != BOOT_ID_LEN)
		return -EINVAL;
	if (stat("/sys/kernel/btf/vmlinux", &sb))
		return -errno;
	c->btf_size = (uint64_t)sb.st_size;
	return 0;
}

static int cache_path(char *buf, size_t len)
{
	const char *run = getenv("BPFILTER_RUN_DIR");
	int n;

	n = snprintf(buf, len, "%s/" CACHE_NAME, run && *run ? run : "/run/bpfilter");
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* 0 and the offsets when the file is ours, whole and of this boot. */
static int cache_read(const struct cache *key, struct bf_nf_offsets *o)
{
	struct cache c;
	char path[4096];
	struct stat sb;
	ssize_t n;
	int fd;

	if (cache_path(path, sizeof(path)))
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	/* Written by whom runs bpfilter, writable by nobody else. */
	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode) || sb.st_uid != geteuid() ||
	    (sb.st_mode & 022)) {
		close(fd);
		return -EPERM;
	}
	n = read(fd, &c, sizeof(c));
	close(fd);
	if (n != sizeof(c) || c.sum != cache_sum(&c) ||
	    memcmp(&c, key, offsetof(struct cache, o)))
		return -ESTALE;
	*o = c.o;
	return 0;
}

/* Best effort: without the file the next command reads the BTF again. */
static void cache_write(struct cache *c, const struct bf_nf_offsets *o)
{
	char path[4096], tmp[4096 + 16];
	ssize_t n;
	int fd;

	if (cache_path(path, sizeof(path)))
		return;
	snprintf(tmp, sizeof(tmp), "%s.%d", path, (int)getpid());
	c->o = *o;
	c->sum = cache_sum(c);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	n = write(fd, c, sizeof(*c));
	close(fd);
	/* rename: a reader sees the old file or the whole new one. */
	if (n != sizeof(*c) || rename(tmp, path))
		unlink(tmp);
}

static int read_btf(struct bf_nf_offsets *o)
{
	struct btf *btf = btf__load_vmlinux_btf();
	int err;

	if (!btf)
		return bf_err(-errno ? -errno : -ENOENT,
			      "cannot read the kernel's BTF (/sys/kernel/btf/vmlinux)");
	err = fill(btf, o);
	btf__free(btf);
	return err;
}

int bf_nf_offsets_get(struct bf_nf_offsets *o)
{
	static struct bf_nf_offsets cached;
	static int state; /* 0 not read, 1 read, < 0 the error */
	struct cache key;
	bool keyed;

	if (!state) {
		keyed = !cache_key(&key);
		if (keyed && !cache_read(&key, &cached)) {
			state = 1;
		} else {
			state = read_btf(&cached);
			if (!state) {
				state = 1;
				if (keyed)
					cache_write(&key, &cached);
			}
		}
	}
	if (state < 0)
		return state;
	*o = cached;
	return 0;
}
