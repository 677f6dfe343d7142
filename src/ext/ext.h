/* iptables extensions (`-m NAME` matches). Each lives in one file behind
 * one ops table and is found by name from the registry in ext.c, so that
 * adding `-m foo` is one new file and one registration line.
 *
 * An extension knows the iptables syntax of its options, how iptables
 * prints them (-L) and saves them (iptables-save, -S), and how to compile
 * itself (emit). */
#ifndef BF_EXT_H
#define BF_EXT_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>

#include "common/strbuf.h"
#include "ir/ruleset.h"

struct bf_cgen;

struct bf_match_ops {
	const char *name;
	size_t size; /* of the match data */
	/* Long options, NULL-terminated; .val values are the extension's own
	 * (the parser maps them into a private range). */
	const struct option *options;
	void (*init)(void *data);
	/* One option of this match. `flags` is the extension's scratch word,
	 * zero before the first option (iptables' xt_option_call flags).
	 * Returns 0, or -EINVAL after logging an iptables-style message. */
	int (*parse)(int opt, const char *arg, bool invert, void *data,
		     unsigned int *flags, const struct bf_ip *ip);
	/* After all options: cross-checks with the IP part. 0 or -EINVAL. */
	int (*final_check)(const void *data, unsigned int flags,
			   const struct bf_ip *ip);
	/* `iptables -L` text, starting with a space, e.g. " tcp dpt:22". */
	void (*print)(struct bf_strbuf *out, const void *data, bool numeric);
	/* iptables-save text after "-m NAME", starting with a space. */
	void (*save)(struct bf_strbuf *out, const void *data);
	/* Emits the test of this match: falls through when the packet
	 * matches, jumps to label `no_match` otherwise (or to the hotdrop
	 * label, cg->lbl_hotdrop, where iptables hotdrops). 0 or -errno. */
	int (*emit)(struct bf_cgen *cg, const struct bf_rule *rule,
		    const void *data, int no_match);
};

const struct bf_match_ops *bf_match_ops_find(const char *name);

/* Iterates the registry: returns NULL past the end. */
const struct bf_match_ops *bf_match_ops_at(size_t i);

#endif
