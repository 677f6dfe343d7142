/* Internet checksums built in emitted code (REJECT's answers): a sum in
 * r4, 16-bit words added as host-order numbers, folded at the end. */
#ifndef BF_EXT_EMIT_CSUM_H
#define BF_EXT_EMIT_CSUM_H

#include "cgen/cgen.h"

/* r4 += the two 16-bit halves of the u32 in r1 (clobbers r1, r2). */
void bf_emit_csum_halves(struct bf_cgen *cg);
/* r4 = the ones' complement of r4 folded to 16 bits (clobbers r1). */
void bf_emit_csum_fold(struct bf_cgen *cg);

#endif
