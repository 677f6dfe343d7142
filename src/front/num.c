/* Numbers as libxtables reads them (xtables_strtoui): base 0 (so "0x10"
 * and "010" work), leading blanks allowed, no sign, whole string. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include "front/internal.h"

bool bf_front_strtoui(const char *s, unsigned int *value, unsigned int min,
		      unsigned int max)
{
	const char *p = s;
	uintmax_t v;
	char *end;

	while (isspace((unsigned char)*p))
		p++;
	if (*p == '-')
		return false;
	errno = 0;
	v = strtoumax(s, &end, 0);
	if (end == s || *end || errno == ERANGE || v < min || v > max)
		return false;
	*value = (unsigned int)v;
	return true;
}
