/* Numbers as libxtables reads them (xtables_strtoui): base 0 (so "0x10"
 * and "010" work), leading blanks allowed, no sign, whole string. */
#include "ext/xtopt.h"
#include "front/internal.h"

bool bf_front_strtoui(const char *s, unsigned int *value, unsigned int min,
		      unsigned int max)
{
	unsigned int v;

	/* The one parser extensions use too; *value is left alone on failure. */
	if (!bf_xt_strtoui(s, NULL, &v, min, max))
		return false;
	*value = v;
	return true;
}
