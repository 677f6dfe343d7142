/* Sets: ipset's hash:ip, hash:net, hash:ip,port and hash:net,port kept in
 * BPF maps, one map per set, pinned in bpfilter's bpffs at
 * "<netns cookie>/set<ID>" (core/set_store.c); what ipset keeps beside
 * the elements (type, family, options) is one line per set in the
 * namespace's run directory, file "sets". The XDP program looks elements
 * up in the map itself (ext/match_set.c), so a change of elements is a
 * map update, seen by the next packet.
 *
 * Maps: hash:ip and hash:ip,port are BPF hash maps keyed by the address
 * (and protocol and port); hash:net and hash:net,port are LPM tries keyed
 * by protocol and port (32 fixed bits) then the address. Keys hold the
 * bytes as on the wire (network order). Every value is a struct
 * bf_set_val. */
#ifndef BF_CORE_SET_H
#define BF_CORE_SET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ir/ruleset.h"

#define BF_SET_MAXNAMELEN 32 /* IPSET_MAXNAMELEN, with the NUL */
#define BF_SET_MAX_TIMEOUT 2147483u /* IPSET_MAX_TIMEOUT, seconds */
#define BF_SET_KEY_MAX 24

enum bf_set_type {
	BF_SET_HASH_IP,
	BF_SET_HASH_NET,
	BF_SET_HASH_IP_PORT,
	BF_SET_HASH_NET_PORT,
	BF_SET_TYPE_MAX,
};

struct bf_set {
	char name[BF_SET_MAXNAMELEN];
	enum bf_set_type type;
	enum bf_family family;
	uint32_t hashsize, maxelem;
	uint32_t timeout; /* default timeout of an add, seconds */
	bool with_timeout; /* created with "timeout" */
	bool counters;
	uint32_t initval; /* shown as ipset shows its hash seed */
	uint32_t id;      /* the pin's number */
};

/* The value of every element. expires: CLOCK_BOOTTIME ns (the program's
 * bpf_ktime_get_boot_ns) when the element stops existing, 0 for never.
 * plen: an LPM element's own prefix length (key bits), which an LPM
 * lookup does not return. */
struct bf_set_val {
	uint64_t expires;
	uint64_t packets, bytes;
	uint32_t flags;
	uint32_t plen;
};
#define BF_SET_F_NOMATCH 1u

/* One element as ipset writes it, e.g. "10.0.0.0/8,udp:53". */
struct bf_set_elem {
	uint8_t addr[16]; /* network order; the first 4 bytes for IPv4 */
	uint8_t cidr;     /* prefix length (the family's full length: a host) */
	uint8_t proto;    /* ,port types */
	uint16_t port;    /* host order; ICMP type << 8 | code */
};

/* Types by name ("hash:ip") and back; -1 when unknown. */
int bf_set_type_by_name(const char *name);
const char *bf_set_type_name(enum bf_set_type t);
int bf_set_type_revision(enum bf_set_type t);
bool bf_set_type_is_net(enum bf_set_type t);
bool bf_set_type_has_port(enum bf_set_type t);
/* ipset's dimension of a type: 1, or 2 with a port. */
int bf_set_type_dim(enum bf_set_type t);
/* Bits of the family's address. */
int bf_set_addr_bits(const struct bf_set *s);

/* The map key of an element: its size (that of every key of s). */
size_t bf_set_key_size(const struct bf_set *s);
void bf_set_key(const struct bf_set *s, const struct bf_set_elem *e, uint8_t *key);
/* The element of a key (cidr from an LPM key's prefix length). */
void bf_set_key_elem(const struct bf_set *s, const uint8_t *key, struct bf_set_elem *e);
/* LPM tries: the prefix length of the key of e. */
uint32_t bf_set_key_plen(const struct bf_set *s, const struct bf_set_elem *e);

/* Now, on the clock of bf_set_val.expires. */
uint64_t bf_set_now(void);

/* The store (core/set_store.c). */
/* The namespace's sets, in the order ipset lists them. -errno, logged. */
int bf_sets_read(struct bf_set **sets, size_t *n);
int bf_sets_write(const struct bf_set *sets, size_t n);
/* The set called name in the current namespace: 0, -ENOENT (quietly). */
int bf_set_find(const char *name, struct bf_set *out);
/* A new empty map for s, pinned (an old pin of the id replaced). */
int bf_set_map_create(const struct bf_set *s, int *fd);
/* The map of s: an fd, or -errno (logged). */
int bf_set_map_open(const struct bf_set *s, int *fd);
int bf_set_map_unpin(const struct bf_set *s);

#endif
