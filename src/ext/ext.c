#include "ext.h"

#include <string.h>

/* The registries: one line per extension. */
#define MATCH(sym) extern const struct bf_match_ops sym __attribute__((weak));
#define TARGET(sym) extern const struct bf_target_ops sym __attribute__((weak));
#include "ext/ext_list.h"
#undef MATCH
#undef TARGET

#define MATCH(sym) &sym,
#define TARGET(sym)
static const struct bf_match_ops *const matches[] = {
#include "ext/ext_list.h"
};
#undef MATCH
#undef TARGET

#define MATCH(sym)
#define TARGET(sym) &sym,
static const struct bf_target_ops *const targets[] = {
#include "ext/ext_list.h"
	NULL,
};
#undef MATCH
#undef TARGET

#define N_MATCHES (sizeof(matches) / sizeof(matches[0]))
#define N_TARGETS (sizeof(targets) / sizeof(targets[0]) - 1)

/* Extensions not built (weak, NULL) are skipped. */
const struct bf_match_ops *bf_match_ops_at(size_t i)
{
	for (size_t k = 0; k < N_MATCHES; k++)
		if (matches[k] && !i--)
			return matches[k];
	return NULL;
}

const struct bf_target_ops *bf_target_ops_at(size_t i)
{
	for (size_t k = 0; k < N_TARGETS; k++)
		if (targets[k] && !i--)
			return targets[k];
	return NULL;
}

/* The lookups walk the arrays themselves: through bf_*_ops_at, each step
 * would walk from the start again (a restore looks up every rule's). */
const struct bf_match_ops *bf_match_ops_find(const char *name, enum bf_family family)
{
	for (size_t k = 0; k < N_MATCHES; k++)
		if (matches[k] && !strcmp(matches[k]->name, name) &&
		    (matches[k]->families & BF_FAMILY_BIT(family)))
			return matches[k];
	return NULL;
}

const struct bf_target_ops *bf_target_ops_find(const char *name, enum bf_family family)
{
	for (size_t k = 0; k < N_TARGETS; k++)
		if (targets[k] && !strcmp(targets[k]->name, name) &&
		    (targets[k]->families & BF_FAMILY_BIT(family)))
			return targets[k];
	return NULL;
}
