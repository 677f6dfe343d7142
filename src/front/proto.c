/* Protocols as iptables 1.8.9 names them: `-p` takes a number, "all", a
 * name from /etc/protocols or one of libxtables' own names; printers use
 * /etc/protocols first, then the same table. */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "ext/chain_protos.h"
#include "front/internal.h"

/* protocols(5) lookups are remembered: glibc reads the file for each
 * one, and a restore looks up a name per rule. */

/* getprotobyname(): 1 found, 0 not. */
static int number_of(const char *name, uint16_t *proto)
{
	static struct {
		char *name;
		int proto; /* -1: not in the file */
	} cache[32];
	static size_t n;
	const struct protoent *pent;

	for (size_t i = 0; i < n; i++) {
		if (!strcmp(cache[i].name, name)) {
			if (cache[i].proto < 0)
				return 0;
			*proto = (uint16_t)cache[i].proto;
			return 1;
		}
	}
	pent = getprotobyname(name);
	if (n < sizeof(cache) / sizeof(cache[0]) && (cache[n].name = strdup(name)))
		cache[n++].proto = pent ? pent->p_proto : -1;
	if (pent)
		*proto = (uint16_t)pent->p_proto;
	return pent != NULL;
}

/* getprotobynumber(), remembered per number. */
static const char *name_of(uint16_t proto)
{
	static char *names[256];
	static bool known[256];
	const struct protoent *pent;

	if (proto > 255)
		return NULL;
	if (!known[proto]) {
		pent = getprotobynumber(proto);
		names[proto] = pent ? strdup(pent->p_name) : NULL;
		known[proto] = !pent || names[proto];
	}
	return names[proto];
}

const char *bf_front_proto_db_name(uint16_t proto)
{
	return name_of(proto);
}

int bf_front_parse_proto(const char *s, uint16_t *proto)
{
	unsigned int v;

	if (bf_front_strtoui(s, &v, 0, UINT8_MAX)) {
		*proto = (uint16_t)v;
		return 0;
	}
	/* "all" first, so that nsswitch cannot redefine it. */
	if (!strcmp(s, "all")) {
		*proto = 0;
		return 0;
	}
	if (number_of(s, proto))
		return 0;
	for (size_t i = 0; i < bf_chain_protos_len; i++) {
		if (!strcmp(s, bf_chain_protos[i].name)) {
			*proto = bf_chain_protos[i].num;
			return 0;
		}
	}
	return bf_err(-EINVAL, "unknown protocol \"%s\" specified", s);
}

const char *bf_front_proto_name(uint16_t proto, bool nolookup)
{
	if (proto && !nolookup && name_of(proto))
		return name_of(proto);
	for (size_t i = 0; i < bf_chain_protos_len; i++)
		if (bf_chain_protos[i].num == proto)
			return bf_chain_protos[i].name;
	return NULL;
}

const char *bf_front_proto_match_name(const char *protocol, char *buf, size_t size)
{
	const char *name;
	unsigned int v;

	if (!bf_front_strtoui(protocol, &v, 0, UINT8_MAX))
		return protocol;
	name = bf_front_proto_name((uint16_t)v, false);
	if (!name)
		return NULL;
	snprintf(buf, size, "%s", name);
	return buf;
}
