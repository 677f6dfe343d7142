/* The set lookup of libxt_set.h (get_set_byname), in bpfilter's sets of
 * the current network namespace (core/set.h) instead of the kernel's
 * ipsets: those are what -m set compiles against. */
#include "ext/stateful_ipset.h"

#include <errno.h>

#include "common/log.h"
#include "core/set.h"

/* core/set_store.c; weak: builds without it (the fuzzers') have no sets. */
extern int bf_set_find(const char *name, struct bf_set *out) __attribute__((weak));

__attribute__((weak)) int bf_sf_ipset_family(const char *name, unsigned int *family)
{
	struct bf_set s;
	int err = bf_set_find ? bf_set_find(name, &s) : -ENOENT;

	if (err == -ENOENT)
		return bf_err(-EINVAL, "Set %s doesn't exist.\n", name);
	if (err)
		return bf_err(-EPROTO, "Problem when communicating with ipset, errno=%d.\n", -err);
	*family = s.family == BF_FAMILY_IPV6 ? 10 : 2; /* NFPROTO_IPV6, NFPROTO_IPV4 */
	return 0;
}
