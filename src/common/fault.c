/* Injected failures (fault.h). */
#include <stdlib.h>
#include <string.h>

#include "common/fault.h"

bool bf_fault(const char *name)
{
	const char *f = getenv("BPFILTER_FAULT");

	return f && strstr(f, name);
}
