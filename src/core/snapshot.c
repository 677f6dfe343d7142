/* A binary snapshot of a stored ruleset (rules.v4.snap beside rules.v4),
 * so that opening the state skips parsing the text.
 *
 * The text stays the truth: a snapshot counts only for the exact text it
 * was written with (its length and hash are in the header) and for this
 * very build (the IR and every extension's data are dumped as bytes: the
 * data structs hold no pointers). Anything that does not fit, a missing,
 * stale, truncated or corrupt file, makes the caller parse the text. */
#define _GNU_SOURCE /* dl_iterate_phdr */
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/state_int.h"
#include "ext/ext.h"

#define SNAP_MAGIC "bfsnap2\n"
#define SNAP_SUFFIX ".snap"

struct snap_header {
	char magic[8];
	uint64_t build; /* snap_build_id() */
	uint64_t text_len, text_hash;
	uint64_t body_len, body_hash;
	uint32_t family;
	uint32_t zero;
};

/* FNV-1a a word at a time, each step a bijection of the state (so a
 * single changed word always changes the result): 1 MB in ~0.1 ms. */
uint64_t bf_snapshot_hash(const void *p, size_t len)
{
	const unsigned char *s = p;
	uint64_t h = 0xcbf29ce484222325ull ^ len, w;

	for (; len >= 8; s += 8, len -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0x100000001b3ull;
		h ^= h >> 29;
	}
	for (; len; s++, len--)
		h = (h ^ *s) * 0x100000001b3ull;
	return h ^ (h >> 32);
}

static uint64_t mix(uint64_t h, const void *p, size_t len)
{
	return bf_snapshot_hash(p, len) ^ (h * 0x9e3779b97f4a7c15ull);
}

/* The GNU build ID of the executable, where the linker put one. */
static int note_build_id(struct dl_phdr_info *info, size_t size, void *data)
{
	uint64_t *h = data;

	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		const char *p = (const char *)(info->dlpi_addr + ph->p_vaddr), *end;

		if (ph->p_type != PT_NOTE)
			continue;
		for (end = p + ph->p_memsz; p + sizeof(ElfW(Nhdr)) <= end; ) {
			const ElfW(Nhdr) *n = (const void *)p;
			const char *desc = p + sizeof(*n) + ((n->n_namesz + 3) & ~3u);

			if (desc + n->n_descsz > end)
				break;
			if (n->n_type == NT_GNU_BUILD_ID && n->n_namesz == 4 &&
			    !memcmp(p + sizeof(*n), "GNU", 4)) {
				*h = mix(*h, desc, n->n_descsz);
				return 1;
			}
			p = desc + ((n->n_descsz + 3) & ~3u);
		}
	}
	return 1; /* the first object is the executable: stop there */
}

/* What a snapshot's bytes mean depends on: the build, the IR's layout,
 * every extension's name, families and data size. */
static uint64_t snap_build_id(void)
{
	static uint64_t id;
	const struct bf_match_ops *m;
	const struct bf_target_ops *t;
	size_t sizes[] = {sizeof(struct bf_ip), sizeof(struct bf_counter), sizeof(struct bf_rule),
			  sizeof(struct bf_chain), sizeof(struct bf_target), BF_VERDICT_EXT,
			  BF_TABLE_MAX, BF_CHAIN_MAXNAMELEN};
	uint64_t h;

	if (id)
		return id;
	h = mix(0, __DATE__ " " __TIME__, sizeof(__DATE__ " " __TIME__));
	h = mix(h, sizes, sizeof(sizes));
	for (size_t i = 0; (m = bf_match_ops_at(i)); i++) {
		size_t v[2] = {m->size, m->families};

		h = mix(mix(h, m->name, strlen(m->name)), v, sizeof(v));
	}
	for (size_t i = 0; (t = bf_target_ops_at(i)); i++) {
		size_t v[2] = {t->size, t->families};

		h = mix(mix(h, t->name, strlen(t->name)), v, sizeof(v));
	}
	dl_iterate_phdr(note_build_id, &h);
	id = h ? h : 1;
	return id;
}

/* Writing: a first pass only counts (p NULL), the second fills the
 * buffer of that size. */
struct wbuf {
	unsigned char *p;
	size_t len;
};

static void put(struct wbuf *w, const void *p, size_t len)
{
	if (w->p)
		memcpy(w->p + w->len, p, len);
	w->len += len;
}

static void put_u8(struct wbuf *w, uint8_t v)
{
	put(w, &v, sizeof(v));
}

static void put_u32(struct wbuf *w, uint32_t v)
{
	put(w, &v, sizeof(v));
}

static void put_str(struct wbuf *w, const char *s)
{
	size_t len = strlen(s);

	put_u8(w, len > 255 ? 255 : (uint8_t)len);
	put(w, s, len > 255 ? 255 : len);
}

static void put_blob(struct wbuf *w, const char *name, const void *data, size_t size)
{
	put_str(w, name);
	put_u32(w, (uint32_t)size);
	put(w, data, size);
}

/* The IP part: the family's addresses only (the other family's are
 * zero, as the parser leaves them), names without their padding. */
static void put_ip(struct wbuf *w, const struct bf_ip *ip)
{
	put_u8(w, ip->family);
	if (ip->family == BF_FAMILY_IPV6) {
		put(w, &ip->src6, sizeof(ip->src6));
		put(w, &ip->smsk6, sizeof(ip->smsk6));
		put(w, &ip->dst6, sizeof(ip->dst6));
		put(w, &ip->dmsk6, sizeof(ip->dmsk6));
	} else {
		put(w, &ip->src, sizeof(ip->src));
		put(w, &ip->smsk, sizeof(ip->smsk));
		put(w, &ip->dst, sizeof(ip->dst));
		put(w, &ip->dmsk, sizeof(ip->dmsk));
	}
	put_str(w, ip->iniface);
	put_str(w, ip->outiface);
	put(w, &ip->proto, sizeof(ip->proto));
	put_u8(w, ip->flags);
	put_u8(w, ip->invflags);
}

static void put_rule(struct wbuf *w, const struct bf_rule *r)
{
	int32_t slot = r->slot;

	put_ip(w, &r->ip);
	put(w, &r->counters, sizeof(r->counters));
	put(w, &slot, sizeof(slot));
	put_u8(w, (uint8_t)r->target.verdict);
	put_str(w, r->target.chain);
	if (r->target.verdict == BF_VERDICT_EXT)
		put_blob(w, r->target.ops->name, r->target.data, r->target.ops->size);
	put_u32(w, (uint32_t)r->n_matches);
	for (size_t i = 0; i < r->n_matches; i++)
		put_blob(w, r->matches[i].ops->name, r->matches[i].data,
			 r->matches[i].ops->size);
}

static void put_chain(struct wbuf *w, const struct bf_chain *c, bool present)
{
	static const struct bf_counter zero;
	int32_t slot = c->slot;

	put_str(w, c->name);
	put_u8(w, c->builtin);
	put_u8(w, present ? (uint8_t)c->policy : BF_VERDICT_ACCEPT);
	put(w, present ? &c->policy_counters : &zero, sizeof(zero));
	put(w, &slot, sizeof(slot));
	put_u32(w, present ? (uint32_t)c->n_rules : 0);
	for (size_t r = 0; present && r < c->n_rules; r++)
		put_rule(w, c->rules[r]);
}

/* As the text has it: a table not in use is not in the text, and parsing
 * leaves it as new (its built-in chains only, empty; the slots line
 * still gives their slots). */
static void put_ruleset(struct wbuf *w, const struct bf_ruleset *rs)
{
	for (int t = 0; t < BF_TABLE_MAX; t++) {
		const struct bf_table *tb = &rs->tables[t];
		uint32_t n = 0;

		for (size_t i = 0; i < tb->n_chains; i++)
			n += tb->present || tb->chains[i]->builtin;
		put_u8(w, tb->present);
		put_u32(w, tb->present ? tb->created : 0);
		put_u32(w, n);
		for (size_t i = 0; i < tb->n_chains; i++)
			if (tb->present || tb->chains[i]->builtin)
				put_chain(w, tb->chains[i], tb->present);
	}
}

int bf_snapshot_build(const struct bf_ruleset *rs, const char *text, size_t len,
		      void **out, size_t *size)
{
	struct snap_header hd = {.magic = SNAP_MAGIC, .family = rs->family};
	struct wbuf w = {0};

	put_ruleset(&w, rs);
	w = (struct wbuf){.p = malloc(sizeof(hd) + w.len), .len = sizeof(hd)};
	if (!w.p)
		return -ENOMEM;
	put_ruleset(&w, rs);
	hd.build = snap_build_id();
	hd.text_len = len;
	hd.text_hash = bf_snapshot_hash(text, len);
	hd.body_len = w.len - sizeof(hd);
	hd.body_hash = bf_snapshot_hash(w.p + sizeof(hd), hd.body_len);
	memcpy(w.p, &hd, sizeof(hd));
	*out = w.p;
	*size = w.len;
	return 0;
}

/* Reading: every read bounds-checked; a failure sticks. */
struct rbuf {
	const unsigned char *p, *end;
	int err;
};

static const void *get(struct rbuf *r, size_t len)
{
	const void *p = r->p;

	if (r->err || (size_t)(r->end - r->p) < len) {
		r->err = -EBADMSG;
		return NULL;
	}
	r->p += len;
	return p;
}

static void get_to(struct rbuf *r, void *dst, size_t len)
{
	const void *p = get(r, len);

	if (p)
		memcpy(dst, p, len);
	else
		memset(dst, 0, len);
}

static uint32_t get_u32(struct rbuf *r)
{
	uint32_t v;

	get_to(r, &v, sizeof(v));
	return v;
}

static uint8_t get_u8(struct rbuf *r)
{
	uint8_t v;

	get_to(r, &v, sizeof(v));
	return v;
}

/* A name of at most max characters into buf (max + 1 bytes). */
static void get_str(struct rbuf *r, char *buf, size_t max)
{
	size_t len = get_u8(r);
	const char *s;

	buf[0] = '\0';
	if (len > max)
		r->err = -EBADMSG;
	s = get(r, len);
	if (!s)
		return;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (strlen(buf) != len)
		r->err = -EBADMSG;
}

/* An extension's data: its name names its ops, which must have that size. */
static const void *get_blob(struct rbuf *r, char name[32], size_t *size)
{
	get_str(r, name, 31);
	*size = get_u32(r);
	return get(r, *size);
}

static void get_ip(struct rbuf *r, struct bf_ip *ip)
{
	ip->family = get_u8(r);
	if (ip->family == BF_FAMILY_IPV6) {
		get_to(r, &ip->src6, sizeof(ip->src6));
		get_to(r, &ip->smsk6, sizeof(ip->smsk6));
		get_to(r, &ip->dst6, sizeof(ip->dst6));
		get_to(r, &ip->dmsk6, sizeof(ip->dmsk6));
	} else {
		get_to(r, &ip->src, sizeof(ip->src));
		get_to(r, &ip->smsk, sizeof(ip->smsk));
		get_to(r, &ip->dst, sizeof(ip->dst));
		get_to(r, &ip->dmsk, sizeof(ip->dmsk));
	}
	get_str(r, ip->iniface, BF_IFNAMSIZ - 1);
	get_str(r, ip->outiface, BF_IFNAMSIZ - 1);
	get_to(r, &ip->proto, sizeof(ip->proto));
	ip->flags = get_u8(r);
	ip->invflags = get_u8(r);
}

static struct bf_rule *get_rule(struct rbuf *r, enum bf_family family)
{
	struct bf_rule *rule = bf_rule_new();
	char name[32], chain[BF_CHAIN_MAXNAMELEN + 1];
	const void *data;
	uint32_t n;
	int32_t slot;
	uint8_t verdict;
	size_t size;

	if (!rule) {
		r->err = -ENOMEM;
		return NULL;
	}
	get_ip(r, &rule->ip);
	get_to(r, &rule->counters, sizeof(rule->counters));
	get_to(r, &slot, sizeof(slot));
	verdict = get_u8(r);
	get_str(r, chain, BF_CHAIN_MAXNAMELEN);
	if (rule->ip.family != family || slot < -1 || verdict > BF_VERDICT_EXT)
		r->err = -EBADMSG;
	rule->slot = slot;
	if (!r->err && verdict == BF_VERDICT_EXT) {
		const struct bf_target_ops *ops;

		data = get_blob(r, name, &size);
		ops = data ? bf_target_ops_find(name, family) : NULL;
		if (!ops || ops->size != size)
			r->err = -EBADMSG;
		else if (bf_rule_set_target_ext(rule, ops))
			r->err = -ENOMEM;
		else
			memcpy(rule->target.data, data, size);
	}
	rule->target.verdict = (enum bf_verdict)verdict;
	memcpy(rule->target.chain, chain, sizeof(chain));
	n = get_u32(r);
	for (uint32_t i = 0; !r->err && i < n; i++) {
		const struct bf_match_ops *ops;
		struct bf_match *m;

		data = get_blob(r, name, &size);
		ops = data ? bf_match_ops_find(name, family) : NULL;
		if (!ops || ops->size != size) {
			r->err = -EBADMSG;
			break;
		}
		m = bf_rule_add_match(rule, ops);
		if (!m) {
			r->err = -ENOMEM;
			break;
		}
		memcpy(m->data, data, size);
	}
	if (r->err) {
		bf_rule_free(rule);
		return NULL;
	}
	return rule;
}

/* One chain, in its place i of table tb: built-ins are there already,
 * user chains are created (in their sorted place, which must be i). */
static void get_chain(struct rbuf *r, struct bf_table *tb, size_t i, enum bf_family family)
{
	char name[BF_CHAIN_MAXNAMELEN + 1];
	struct bf_chain *c;
	uint8_t builtin, policy;
	struct bf_counter pc;
	uint32_t n;
	int32_t slot;

	get_str(r, name, BF_CHAIN_MAXNAMELEN);
	builtin = get_u8(r);
	policy = get_u8(r);
	get_to(r, &pc, sizeof(pc));
	get_to(r, &slot, sizeof(slot));
	n = get_u32(r);
	if (r->err || builtin > 1 || slot < -1 ||
	    (policy != BF_VERDICT_ACCEPT && policy != BF_VERDICT_DROP)) {
		r->err = -EBADMSG;
		return;
	}
	c = bf_table_chain(tb, name);
	if (builtin ? !c || !c->builtin : !!c) {
		r->err = -EBADMSG;
		return;
	}
	if (!c && !(c = bf_table_new_chain(tb, name))) {
		r->err = -ENOMEM;
		return;
	}
	if (bf_table_chain_index(tb, c) != i) {
		r->err = -EBADMSG;
		return;
	}
	c->policy = (enum bf_verdict)policy;
	c->policy_counters = pc;
	c->slot = slot;
	for (uint32_t k = 0; !r->err && k < n; k++) {
		struct bf_rule *rule = get_rule(r, family);

		if (rule && bf_chain_insert(c, c->n_rules, rule)) {
			bf_rule_free(rule);
			r->err = -ENOMEM;
		}
	}
}

int bf_snapshot_load(const void *buf, size_t size, enum bf_family family,
		     const char *text, size_t len, struct bf_ruleset **out)
{
	struct rbuf r = {.p = buf, .end = (const unsigned char *)buf + size};
	struct bf_ruleset *rs;
	struct snap_header hd;

	if (size < sizeof(hd))
		return -EBADMSG;
	memcpy(&hd, buf, sizeof(hd));
	if (memcmp(hd.magic, SNAP_MAGIC, sizeof(hd.magic)) || hd.family != (uint32_t)family ||
	    hd.build != snap_build_id() || hd.text_len != len || hd.zero ||
	    hd.body_len != size - sizeof(hd))
		return -ESTALE;
	if (hd.text_hash != bf_snapshot_hash(text, len))
		return -ESTALE;
	r.p += sizeof(hd);
	if (hd.body_hash != bf_snapshot_hash(r.p, hd.body_len))
		return -EBADMSG;

	rs = bf_ruleset_new(family);
	if (!rs)
		return -ENOMEM;
	for (int t = 0; !r.err && t < BF_TABLE_MAX; t++) {
		struct bf_table *tb = &rs->tables[t];
		uint32_t n;

		tb->present = get_u8(&r);
		tb->created = get_u32(&r);
		n = get_u32(&r);
		for (uint32_t i = 0; !r.err && i < n; i++)
			get_chain(&r, tb, i, family);
		/* Every built-in chain was listed, in its place. */
		if (tb->n_chains != n)
			r.err = -EBADMSG;
	}
	if (!r.err && r.p != r.end)
		r.err = -EBADMSG;
	if (r.err) {
		bf_ruleset_free(rs);
		return r.err;
	}
	*out = rs;
	return 0;
}

static int snap_path(const struct bf_state *st, enum bf_family family, const char *tmp,
		     char *buf, size_t len)
{
	char suffix[16];

	snprintf(suffix, sizeof(suffix), SNAP_SUFFIX "%s", tmp);
	return bf_state_path(st, bf_state_rules_file(family), suffix, buf, len);
}

/* No fsync: after a crash, a snapshot that did not reach the disk whole
 * fails its hashes and the text is parsed. */
void bf_snapshot_stage(struct bf_state *st, enum bf_family family,
		       const struct bf_ruleset *rs, const char *text, size_t len)
{
	char tmp[320];
	void *buf = NULL;
	size_t size = 0, off = 0;
	int fd;

	if (snap_path(st, family, ".tmp", tmp, sizeof(tmp)) ||
	    bf_snapshot_build(rs, text, len, &buf, &size))
		return;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	while (fd >= 0 && off < size) {
		ssize_t w = write(fd, (char *)buf + off, size - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	if (fd >= 0 && (close(fd) || off < size))
		unlink(tmp);
	free(buf);
}

/* Before the text is renamed: a crash between the two leaves a snapshot
 * whose hash does not match the old text. Without a staged snapshot, the
 * old one goes (it would not match either). */
void bf_snapshot_publish(struct bf_state *st, enum bf_family family)
{
	char tmp[320], path[320];

	if (snap_path(st, family, ".tmp", tmp, sizeof(tmp)) ||
	    snap_path(st, family, "", path, sizeof(path)))
		return;
	if (rename(tmp, path)) {
		unlink(tmp);
		unlink(path);
	}
}

void bf_snapshot_discard(struct bf_state *st, enum bf_family family)
{
	char tmp[320];

	if (!snap_path(st, family, ".tmp", tmp, sizeof(tmp)))
		unlink(tmp);
}

int bf_snapshot_read(const struct bf_state *st, enum bf_family family, const char *text,
		     size_t len, struct bf_ruleset **rs)
{
	char path[320];
	struct stat sb;
	void *buf;
	int fd, err;

	err = snap_path(st, family, "", path, sizeof(path));
	if (err)
		return err;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &sb) || sb.st_size < (off_t)sizeof(struct snap_header)) {
		close(fd);
		return -EBADMSG;
	}
	/* Mapped, not copied: it is read once. */
	buf = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (buf == MAP_FAILED)
		return -errno;
	err = bf_snapshot_load(buf, (size_t)sb.st_size, family, text, len, rs);
	munmap(buf, (size_t)sb.st_size);
	return err;
}
