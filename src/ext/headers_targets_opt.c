#include "ext/headers_targets_opt.h"
#include "ext/xtopt.h"

int bf_ht_parse_uint_range(const char *ext, const char *opt, const char *arg, uint32_t max,
			   uint32_t range[2])
{
	unsigned int n;
	int err = bf_xt_parse_range32(ext, opt, arg, max, range, &n);

	if (!err && n == 1)
		range[1] = range[0];
	return err;
}
