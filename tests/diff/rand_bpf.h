/* bpfilter's side: the same restore text through the real front end,
 * compiled for XDP on RR_IFNAME, loaded and run frame by frame with
 * BPF_PROG_TEST_RUN; counters read back for every rule and policy. */
#ifndef RAND_BPF_H
#define RAND_BPF_H

#include <stddef.h>
#include <stdint.h>

#include "lib/prog_run.h"
#include "rand_count.h"

struct rb_prog {
	struct bf_ruleset *rs;
	struct prog p;
};

/* Parses, compiles and loads text (without marker rules), an iptables
 * or ip6tables ruleset by family (4/6), alone in the program. On failure
 * returns -errno with what the library said in err: *stage is "parse",
 * "compile" or "load". */
int rb_load(struct rb_prog *b, int family, const char *text, struct bf_strbuf *err,
	    const char **stage);
void rb_free(struct rb_prog *b);
/* Runs one frame; its return code, or -errno. */
int rb_run(const struct rb_prog *b, const uint8_t *frame, size_t len);
void rb_counters(const struct rb_prog *b, struct rc_set *out);

/* Does text parse and compile? (no load; for probing the generators) */
bool rb_compiles(int family, const char *text, bool *parsed);

#endif
