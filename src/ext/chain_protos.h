/* libxtables' own protocol names (xtables_chain_protos, iptables 1.8.9),
 * which `-p` and conntrack's --ctproto accept when protocols(5) does not
 * know a name, and -L prints for a number it does not know. */
#ifndef BF_EXT_CHAIN_PROTOS_H
#define BF_EXT_CHAIN_PROTOS_H

#include <stddef.h>
#include <stdint.h>

struct bf_chain_proto {
	const char *name;
	uint8_t num;
};

/* In libxtables' order: the first name of a number is the one printed. */
extern const struct bf_chain_proto bf_chain_protos[];
extern const size_t bf_chain_protos_len;

#endif
