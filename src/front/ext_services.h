/* What the front end offers extensions while it calls their ops. */
#ifndef BF_FRONT_EXT_SERVICES_H
#define BF_FRONT_EXT_SERVICES_H

#include <stdbool.h>

/* For the few options that take two words (--tcp-flags MASK COMP,
 * --chunk-types ALL|ANY|ONLY LIST, --match-set NAME FLAGS): iptables'
 * extensions check that argv[optind] is there and is no option, then take
 * it (argv[optind++]). This does the same inside an ops->parse call: the
 * next word, taken, so that the parser goes on after it; NULL, taking
 * nothing, at the end, when it starts with '-' or '!', or outside a parse
 * call. */
const char *bf_ext_next_arg(void);

/* True while ops->save writes bpfilter's own state text, which must read
 * back into the same rule even where iptables-save 1.8.9 loses something
 * (e.g. "! --dport 0:65535", which it leaves out). */
bool bf_ext_save_lossless(void);

#endif
