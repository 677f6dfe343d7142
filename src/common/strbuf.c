#include "strbuf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int reserve(struct bf_strbuf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	size_t cap;
	char *s;

	if (b->err)
		return b->err;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 128;
	while (cap < need)
		cap *= 2;
	s = realloc(b->s, cap);
	if (!s)
		return b->err = -ENOMEM;
	b->s = s;
	b->cap = cap;
	return 0;
}

void bf_strbuf_reserve(struct bf_strbuf *b, size_t extra)
{
	reserve(b, extra);
}

void bf_strbuf_printf(struct bf_strbuf *b, const char *fmt, ...)
{
	size_t room = b->s ? b->cap - b->len : 0;
	va_list ap;
	int n;

	if (b->err)
		return;
	/* Straight into the room left, formatting a second time only when
	 * it did not fit (saving a ruleset is mostly this). */
	va_start(ap, fmt);
	n = vsnprintf(room ? b->s + b->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < room) {
		b->len += (size_t)n;
		return;
	}
	if (room)
		b->s[b->len] = 0; /* what did not fit is not there */
	if (reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void bf_strbuf_putn(struct bf_strbuf *b, const char *s, size_t n)
{
	if (reserve(b, n))
		return;
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = 0;
}

void bf_strbuf_puts(struct bf_strbuf *b, const char *s)
{
	bf_strbuf_putn(b, s, strlen(s));
}

void bf_strbuf_putu(struct bf_strbuf *b, unsigned long long v)
{
	char digits[24], *p = digits + sizeof(digits);

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	bf_strbuf_putn(b, p, (size_t)(digits + sizeof(digits) - p));
}

int bf_strbuf_read(struct bf_strbuf *b, FILE *f)
{
	char buf[65536];
	size_t n;

	while ((n = fread(buf, 1, sizeof(buf) - 1, f)) > 0) {
		buf[n] = '\0';
		if (memchr(buf, '\0', n))
			return -EINVAL;
		bf_strbuf_puts(b, buf);
	}
	if (ferror(f))
		return -EIO;
	return b->err;
}

void bf_strbuf_reset(struct bf_strbuf *b)
{
	b->len = 0;
	b->err = 0;
	if (b->s)
		b->s[0] = '\0';
}

void bf_strbuf_free(struct bf_strbuf *b)
{
	free(b->s);
	*b = (struct bf_strbuf){0};
}

const char *bf_strbuf_str(const struct bf_strbuf *b)
{
	return b->s ? b->s : "";
}
