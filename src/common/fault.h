/* Injected failures, for the tests of fail-closed and crash safety:
 * $BPFILTER_FAULT names them, e.g. "map" or "slow-publish". */
#ifndef BF_COMMON_FAULT_H
#define BF_COMMON_FAULT_H

#include <stdbool.h>

/* Whether the failure `name` is asked for. */
bool bf_fault(const char *name);

#endif
