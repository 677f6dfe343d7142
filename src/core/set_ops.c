/* Elements in a set's map: add, delete, test, walk, flush, with ipset's
 * rules for timeouts (an expired element is absent: it may be added
 * again, and walks delete it) and for -exist. Adds are batched
 * (BPF_MAP_UPDATE_BATCH where the map type has it): a million elements
 * are a few hundred system calls, not a million. */
#include "core/set_ops.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "common/log.h"

#ifndef ENOTSUPP
#define ENOTSUPP 524 /* the kernel's, not in the C library's errno.h */
#endif

static bool expired(const struct bf_set_val *v, uint64_t now)
{
	return v->expires && v->expires <= now;
}

void bf_set_val_init(const struct bf_set *s, const struct bf_set_elem *e,
		     const struct bf_set_add_opts *o, struct bf_set_val *v)
{
	uint32_t t = o->has_timeout ? o->timeout : s->timeout;

	memset(v, 0, sizeof(*v));
	if (s->with_timeout && t)
		v->expires = bf_set_now() + (uint64_t)t * 1000000000ull;
	v->flags = o->nomatch ? BF_SET_F_NOMATCH : 0;
	v->packets = o->packets;
	v->bytes = o->bytes;
	v->plen = bf_set_key_plen(s, e);
}

/* The add of one element whose key is there already (BPF_NOEXIST said
 * so): an expired one is replaced; with -exist a live one takes the new
 * timeout and flags, and keeps its counters unless given, as ipset. */
static int add_existing(int fd, const uint8_t *key, const struct bf_set_val *nv,
			const struct bf_set_add_opts *o)
{
	struct bf_set_val old, v = *nv;

	if (bpf_map_lookup_elem(fd, key, &old))
		return -errno == -ENOENT ? (bpf_map_update_elem(fd, key, &v, BPF_NOEXIST) ? -errno : 0)
					 : -errno;
	if (!expired(&old, bf_set_now())) {
		if (!o->exist)
			return -EEXIST;
		if (!o->has_counters) {
			v.packets = old.packets;
			v.bytes = old.bytes;
		}
	}
	return bpf_map_update_elem(fd, key, &v, BPF_EXIST) ? -errno : 0;
}

/* An LPM trie's lookup is longest-prefix: the element of exactly this
 * key is the one whose own prefix length is the key's. */
static int lookup_exact(int fd, const struct bf_set *s, const uint8_t *key,
			struct bf_set_val *v)
{
	uint32_t plen;

	if (bpf_map_lookup_elem(fd, key, v))
		return -errno;
	if (bf_set_type_is_net(s->type)) {
		memcpy(&plen, key, 4);
		if (v->plen != plen)
			return -ENOENT;
	}
	return 0;
}

static int no_op(const struct bf_set_elem *e, const struct bf_set_val *v, void *ctx)
{
	return 0;
}

/* A full map: its expired elements go (ipset's garbage collector runs in
 * the kernel; here the commands do it), then one more try. */
static int add_new(int fd, const struct bf_set *s, const uint8_t *key,
		   const struct bf_set_val *v)
{
	int err = bpf_map_update_elem(fd, key, v, BPF_NOEXIST) ? -errno : 0;

	if ((err == -E2BIG || err == -ENOSPC) && s->with_timeout && !bf_set_walk(fd, s, no_op, NULL))
		err = bpf_map_update_elem(fd, key, v, BPF_NOEXIST) ? -errno : 0;
	return err;
}

int bf_set_elem_add(int fd, const struct bf_set *s, const struct bf_set_elem *e,
		    const struct bf_set_add_opts *o)
{
	uint8_t key[BF_SET_KEY_MAX];
	struct bf_set_val v, old;
	int err;

	bf_set_key(s, e, key);
	bf_set_val_init(s, e, o, &v);
	if (!lookup_exact(fd, s, key, &old))
		return add_existing(fd, key, &v, o);
	err = add_new(fd, s, key, &v);
	return err == -EEXIST ? add_existing(fd, key, &v, o) : err;
}

int bf_set_elem_del(int fd, const struct bf_set *s, const struct bf_set_elem *e)
{
	uint8_t key[BF_SET_KEY_MAX];
	struct bf_set_val v;
	int err;

	bf_set_key(s, e, key);
	err = lookup_exact(fd, s, key, &v);
	if (err)
		return err;
	if (bpf_map_delete_elem(fd, key))
		return -errno;
	return expired(&v, bf_set_now()) ? -ENOENT : 0;
}

int bf_set_elem_test(int fd, const struct bf_set *s, const struct bf_set_elem *e, bool *in)
{
	uint8_t key[BF_SET_KEY_MAX];
	uint64_t now = bf_set_now();
	struct bf_set_val v;
	int err;

	*in = false;
	bf_set_key(s, e, key);
	/* A host in a hash:net: its longest live net, as the kernel walks
	 * its nets from the longest. Otherwise this very element. */
	if (bf_set_type_is_net(s->type) && e->cidr == bf_set_addr_bits(s)) {
		uint32_t plen, floor = bf_set_type_has_port(s->type) ? 32 : 0;

		for (;;) {
			if (bpf_map_lookup_elem(fd, key, &v))
				return errno == ENOENT ? 0 : -errno;
			if (!expired(&v, now))
				break;
			if (v.plen <= floor + 1)
				return 0;
			plen = v.plen - 1;
			memcpy(key, &plen, 4);
		}
	} else {
		err = lookup_exact(fd, s, key, &v);
		if (err)
			return err == -ENOENT ? 0 : err;
		if (expired(&v, now))
			return 0;
	}
	*in = !(v.flags & BF_SET_F_NOMATCH);
	return 0;
}

int bf_set_walk(int fd, const struct bf_set *s,
		int (*fn)(const struct bf_set_elem *e, const struct bf_set_val *v, void *ctx),
		void *ctx)
{
	size_t ksz = bf_set_key_size(s), n = 0, cap = 0;
	uint8_t *keys = NULL, cur[BF_SET_KEY_MAX];
	uint64_t now = bf_set_now();
	int err = 0;

	/* The keys first: deleting while walking would restart the walk. */
	for (void *prev = NULL; !bpf_map_get_next_key(fd, prev, cur); prev = cur) {
		if (n == cap) {
			uint8_t *nk = realloc(keys, (cap = cap ? cap * 2 : 1024) * ksz);

			if (!nk) {
				free(keys);
				return -ENOMEM;
			}
			keys = nk;
		}
		memcpy(keys + n++ * ksz, cur, ksz);
	}
	for (size_t i = 0; !err && i < n; i++) {
		struct bf_set_elem e;
		struct bf_set_val v;

		if (bpf_map_lookup_elem(fd, keys + i * ksz, &v))
			continue;
		if (expired(&v, now)) {
			bpf_map_delete_elem(fd, keys + i * ksz);
			continue;
		}
		bf_set_key_elem(s, keys + i * ksz, &e);
		/* An LPM trie's key may hold bits past the prefix only if
		 * written so; ours never do. */
		err = fn(&e, &v, ctx);
	}
	free(keys);
	return err;
}

int bf_set_flush(int fd)
{
	uint8_t key[BF_SET_KEY_MAX];

	/* Always the first key: each delete changes what follows. */
	while (!bpf_map_get_next_key(fd, NULL, key))
		if (bpf_map_delete_elem(fd, key))
			return -errno;
	return 0;
}

/* Batches: keys and values side by side until flushed. */
void bf_set_batch_init(struct bf_set_batch *b, int fd, const struct bf_set *s,
		       const struct bf_set_add_opts *o)
{
	memset(b, 0, sizeof(*b));
	b->fd = fd;
	b->set = s;
	b->opts = *o;
	b->batch_ok = !bf_set_type_is_net(s->type); /* LPM tries have no batch ops */
}

int bf_set_batch_flush(struct bf_set_batch *b, size_t *failed_at)
{
	size_t ksz = bf_set_key_size(b->set), done = 0;
	LIBBPF_OPTS(bpf_map_batch_opts, opts, .elem_flags = BPF_NOEXIST);
	int err = 0;

	while (done < b->n) {
		uint32_t count = (uint32_t)(b->n - done);

		if (b->batch_ok) {
			err = bpf_map_update_batch(b->fd, b->keys + done * ksz, b->vals + done,
						   &count, &opts);
			err = err ? -errno : 0;
			if (err == -EINVAL || err == -EOPNOTSUPP || err == -ENOTSUPP) {
				b->batch_ok = false;
				err = 0;
				continue;
			}
			done += count;
			if (!err)
				break;
		} else {
			err = add_new(b->fd, b->set, b->keys + done * ksz, b->vals + done);
			if (!err) {
				done++;
				continue;
			}
		}
		/* done is the element that failed: there already, or full. */
		if (err == -E2BIG || err == -ENOSPC)
			err = add_new(b->fd, b->set, b->keys + done * ksz, b->vals + done);
		if (err == -EEXIST)
			err = add_existing(b->fd, b->keys + done * ksz, &b->vals[done], &b->opts);
		if (err) {
			*failed_at = done;
			break;
		}
		done++;
	}
	b->n = 0;
	return err;
}

int bf_set_batch_add(struct bf_set_batch *b, const struct bf_set_elem *e,
		     const struct bf_set_val *v)
{
	size_t ksz = bf_set_key_size(b->set);

	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 256;
		uint8_t *k;
		struct bf_set_val *nv;

		if (cap > BF_SET_BATCH_MAX)
			cap = BF_SET_BATCH_MAX;
		k = realloc(b->keys, cap * ksz);
		if (k)
			b->keys = k;
		nv = realloc(b->vals, cap * sizeof(*nv));
		if (nv)
			b->vals = nv;
		if (!k || !nv)
			return -ENOMEM;
		b->cap = cap;
	}
	bf_set_key(b->set, e, b->keys + b->n * ksz);
	b->vals[b->n++] = *v;
	return 0;
}

void bf_set_batch_free(struct bf_set_batch *b)
{
	free(b->keys);
	free(b->vals);
	b->keys = NULL;
	b->vals = NULL;
}
