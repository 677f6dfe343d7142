/* The IPv6 routes of this network namespace (route6.h). */
#include "ext/route6.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* fib6_flags shown in /proc/net/ipv6_route (linux/ipv6_route.h). */
#define RTF_REJECT 0x0200
#define RTF_ANYCAST 0x00100000
#define RTF_LOCAL 0x80000000u

static int longest_first(const void *a, const void *b)
{
	const struct bf_route6 *x = a, *y = b;

	if (x->plen != y->plen)
		return y->plen - x->plen;
	return memcmp(x->w, y->w, sizeof(x->w));
}

static bool parse(const char *line, struct bf_route6 *r)
{
	char dst[33];
	unsigned int plen, flags;

	/* dst plen src srcplen nexthop metric refcnt use flags dev */
	if (sscanf(line, "%32s %x %*s %*x %*s %*x %*x %*x %x", dst, &plen, &flags) != 3 ||
	    strlen(dst) != 32 || plen > 128)
		return false;
	if (flags & (RTF_REJECT | RTF_ANYCAST | RTF_LOCAL))
		return false;
	for (int w = 0; w < 4; w++) {
		char word[9];

		memcpy(word, dst + 8 * w, 8);
		word[8] = 0;
		r->w[w] = (uint32_t)strtoul(word, NULL, 16);
	}
	r->plen = (int)plen;
	return r->w[0] >> 24 != 0xff;
}

size_t bf_route6_read(struct bf_route6 *out, size_t max)
{
	FILE *fp = fopen("/proc/net/ipv6_route", "r");
	struct bf_route6 *all = NULL, r;
	size_t n = 0, cap = 0, kept = 0;
	char line[256];

	if (!fp)
		return 0;
	while (fgets(line, sizeof(line), fp)) {
		if (!parse(line, &r))
			continue;
		if (n == cap) {
			struct bf_route6 *more = realloc(all, (cap = cap ? 2 * cap : 64) * sizeof(r));

			if (!more)
				break;
			all = more;
		}
		all[n++] = r;
	}
	fclose(fp);
	if (n)
		qsort(all, n, sizeof(r), longest_first);
	for (size_t i = 0; i < n && kept < max; i++)
		if (!i || longest_first(&all[i - 1], &all[i]))
			out[kept++] = all[i];
	free(all);
	return kept;
}
