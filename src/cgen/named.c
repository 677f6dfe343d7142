/* Ids of the namespace's named tables (named.h). */
#include "named.h"

#include "ext/stateful_util.h"

uint64_t bf_named_id(enum bf_map_id map, const char *name, unsigned int family)
{
	uint64_t h = 0xcbf29ce484222325ull;
	unsigned char tag[2] = {(unsigned char)map, (unsigned char)family};

	for (size_t i = 0; i < sizeof(tag); i++)
		h = (h ^ tag[i]) * 0x100000001b3ull;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 0x100000001b3ull;
	return h ? h : 1;
}

uint64_t bf_ms_to_jiffies(uint64_t ms)
{
	uint64_t per = 1000 / BF_KERNEL_HZ; /* HZ divides 1000 */

	return (ms + per - 1) / per;
}
