#include "ext.h"

#include <string.h>

extern const struct bf_match_ops bf_match_tcp;
extern const struct bf_match_ops bf_match_udp;

/* The registry: one line per extension. */
static const struct bf_match_ops *const matches[] = {
	&bf_match_tcp,
	&bf_match_udp,
};

const struct bf_match_ops *bf_match_ops_at(size_t i)
{
	return i < sizeof(matches) / sizeof(matches[0]) ? matches[i] : NULL;
}

const struct bf_match_ops *bf_match_ops_find(const char *name)
{
	const struct bf_match_ops *ops;

	for (size_t i = 0; (ops = bf_match_ops_at(i)); i++)
		if (!strcmp(ops->name, name))
			return ops;
	return NULL;
}
