/* Strings in iptables-save text, as libxtables' xtables_save_string. */
#ifndef BF_EXT_SAVE_STRING_H
#define BF_EXT_SAVE_STRING_H

#include <stddef.h>

#include "common/strbuf.h"

/* " WORD" when made only of [A-Za-z0-9_-], else ` "..."` with ", \ and '
 * escaped by a backslash. In bpfilter's own state text (lossless save) a
 * newline, which iptables-restore can take into a quoted word, is written
 * as \n, which the state reader turns back into a newline. */
void bf_ext_save_string(struct bf_strbuf *out, const char *s, size_t maxlen);

/* The escape of one character inside a quoted word: "" when none. */
const char *bf_ext_save_escape(char c, const char *escaped);

#endif
