/* A growing string, for printers that must not write to stdout themselves. */
#ifndef BF_STRBUF_H
#define BF_STRBUF_H

#include <stddef.h>
#include <stdio.h>

struct bf_strbuf {
	char *s;     /* always NUL-terminated when non-NULL */
	size_t len;
	size_t cap;
	int err;     /* sticky: -ENOMEM once an append failed */
};

/* Makes room for `extra` more bytes at once (e.g. a whole ruleset's text,
 * instead of doubling through every size). Sets err on failure. */
void bf_strbuf_reserve(struct bf_strbuf *b, size_t extra);
void bf_strbuf_printf(struct bf_strbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void bf_strbuf_puts(struct bf_strbuf *b, const char *s);
/* The first len bytes of s; v in decimal. Without printf: a ruleset's
 * text is written at every change, and these are most of it. */
void bf_strbuf_putn(struct bf_strbuf *b, const char *s, size_t len);
void bf_strbuf_putu(struct bf_strbuf *b, unsigned long long v);
void bf_strbuf_reset(struct bf_strbuf *b);
/* Appends everything f holds: 0, -EIO, -ENOMEM, or -EINVAL when it holds
 * a NUL byte (the input must be text). */
int bf_strbuf_read(struct bf_strbuf *b, FILE *f);
void bf_strbuf_free(struct bf_strbuf *b);
/* "" when empty, never NULL */
const char *bf_strbuf_str(const struct bf_strbuf *b);

#endif
