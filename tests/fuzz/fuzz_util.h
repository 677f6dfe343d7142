/* Shared by the libFuzzer targets (tests/fuzz/fuzz_*.c): the front end run
 * without network or logging, and the invariants every target checks. A
 * broken invariant aborts, which libFuzzer reports as a crash with the
 * input. */
#ifndef TESTS_FUZZ_UTIL_H
#define TESTS_FUZZ_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/strbuf.h"
#include "front/front.h"
#include "ir/ruleset.h"

/* Silences the library's log and makes host and network names resolve
 * without the network (see fuzz_util.c); call once per input. */
void fuzz_init(void);

/* Inputs that only make iptables itself slow (every -s address with every
 * -d address becomes a rule): a word with more than this many commas is
 * not run. */
#define FUZZ_MAX_COMMAS 32
bool fuzz_too_many_commas(const uint8_t *data, size_t size);

/* Parses argv (argv[0] the program name) for the family and runs it
 * against rs, printing into out. Checks that a command that fails leaves
 * rs as it was. Returns the error. */
int fuzz_command(struct bf_ruleset *rs, int argc, char **argv, struct bf_strbuf *out);

/* Exercises the printers: -L in several formats and -S, both tables. */
void fuzz_views(struct bf_ruleset *rs);

/* bpfilter's state text (bf_save_print_state) reads back into a ruleset
 * that prints the same state text; iptables-save text (bf_save_print) of a
 * ruleset without names that need quoting, if it reads back, prints the
 * same again. Aborts otherwise. FUZZ_SKIP_STATE=1 leaves out the state check,
 * to look for other bugs while a known state bug is being fixed. */
void fuzz_check_roundtrip(const struct bf_ruleset *rs);

/* Reports a broken invariant with the texts involved, then aborts. */
void fuzz_fail(const char *what, const char *a, const char *b) __attribute__((noreturn));

#endif
