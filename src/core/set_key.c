/* Set types and the map keys of their elements (layouts in core/set.h). */
#include <string.h>
#include <time.h>

#include "core/set.h"

static const struct {
	const char *name;
	int revision; /* what ipset 7.17 lists for the type it creates */
} types[BF_SET_TYPE_MAX] = {
	[BF_SET_HASH_IP] = {"hash:ip", 6},
	[BF_SET_HASH_NET] = {"hash:net", 7},
	[BF_SET_HASH_IP_PORT] = {"hash:ip,port", 7},
	[BF_SET_HASH_NET_PORT] = {"hash:net,port", 8},
};

int bf_set_type_by_name(const char *name)
{
	for (int t = 0; t < BF_SET_TYPE_MAX; t++)
		if (!strcmp(name, types[t].name))
			return t;
	return -1;
}

const char *bf_set_type_name(enum bf_set_type t)
{
	return types[t].name;
}

int bf_set_type_revision(enum bf_set_type t)
{
	return types[t].revision;
}

bool bf_set_type_is_net(enum bf_set_type t)
{
	return t == BF_SET_HASH_NET || t == BF_SET_HASH_NET_PORT;
}

bool bf_set_type_has_port(enum bf_set_type t)
{
	return t == BF_SET_HASH_IP_PORT || t == BF_SET_HASH_NET_PORT;
}

int bf_set_type_dim(enum bf_set_type t)
{
	return bf_set_type_has_port(t) ? 2 : 1;
}

int bf_set_addr_bits(const struct bf_set *s)
{
	return s->family == BF_FAMILY_IPV6 ? 128 : 32;
}

/* hash:ip       addr
 * hash:ip,port  addr, proto, 0, port (big-endian)
 * hash:net      prefixlen (u32, host order), addr
 * hash:net,port prefixlen, proto, 0, port, addr: 32 fixed bits first */
size_t bf_set_key_size(const struct bf_set *s)
{
	size_t n = (size_t)bf_set_addr_bits(s) / 8;

	if (bf_set_type_has_port(s->type))
		n += 4;
	if (bf_set_type_is_net(s->type))
		n += 4;
	return n;
}

uint32_t bf_set_key_plen(const struct bf_set *s, const struct bf_set_elem *e)
{
	return (bf_set_type_has_port(s->type) ? 32u : 0u) + e->cidr;
}

static void put_port(uint8_t *p, const struct bf_set_elem *e)
{
	p[0] = e->proto;
	p[1] = 0;
	p[2] = (uint8_t)(e->port >> 8);
	p[3] = (uint8_t)e->port;
}

void bf_set_key(const struct bf_set *s, const struct bf_set_elem *e, uint8_t *key)
{
	size_t alen = (size_t)bf_set_addr_bits(s) / 8;
	uint8_t addr[16];

	/* The address without the bits past its prefix: one key per net. */
	memset(addr, 0, sizeof(addr));
	for (size_t i = 0; i < alen; i++) {
		int bits = (int)e->cidr - (int)i * 8;

		addr[i] = bits >= 8 ? e->addr[i] : bits <= 0 ? 0 : e->addr[i] & (uint8_t)(0xff00 >> bits);
	}
	memset(key, 0, bf_set_key_size(s));
	switch (s->type) {
	case BF_SET_HASH_IP:
		memcpy(key, addr, alen);
		break;
	case BF_SET_HASH_IP_PORT:
		memcpy(key, addr, alen);
		put_port(key + alen, e);
		break;
	case BF_SET_HASH_NET:
	case BF_SET_HASH_NET_PORT: {
		uint32_t plen = bf_set_key_plen(s, e);

		memcpy(key, &plen, 4);
		if (s->type == BF_SET_HASH_NET_PORT) {
			put_port(key + 4, e);
			memcpy(key + 8, addr, alen);
		} else {
			memcpy(key + 4, addr, alen);
		}
		break;
	}
	default:
		break;
	}
}

void bf_set_key_elem(const struct bf_set *s, const uint8_t *key, struct bf_set_elem *e)
{
	size_t alen = (size_t)bf_set_addr_bits(s) / 8;
	const uint8_t *addr = key, *port = key + alen;

	memset(e, 0, sizeof(*e));
	e->cidr = (uint8_t)bf_set_addr_bits(s);
	if (bf_set_type_is_net(s->type)) {
		uint32_t plen;

		memcpy(&plen, key, 4);
		port = key + 4;
		addr = key + (s->type == BF_SET_HASH_NET_PORT ? 8 : 4);
		e->cidr = (uint8_t)(plen - (s->type == BF_SET_HASH_NET_PORT ? 32 : 0));
	}
	memcpy(e->addr, addr, alen);
	if (bf_set_type_has_port(s->type)) {
		e->proto = port[0];
		e->port = (uint16_t)(port[2] << 8 | port[3]);
	}
}

uint64_t bf_set_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
