#include "ext/save_string.h"

#include <stdbool.h>
#include <string.h>

/* Defined by the front end (front/ext_services.h); weak, so that the
 * extensions link without it. */
extern bool bf_ext_save_lossless(void) __attribute__((weak));

const char *bf_ext_save_escape(char c, const char *escaped)
{
	if (c == '\n' && bf_ext_save_lossless && bf_ext_save_lossless())
		return "\\n";
	return c && strchr(escaped, c) ? "\\" : "";
}

void bf_ext_save_string(struct bf_strbuf *out, const char *s, size_t maxlen)
{
	static const char plain[] = "_-0123456789abcdefghijklmnopqrstuvwxyz"
				    "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
	size_t len = strnlen(s, maxlen);
	size_t n = strspn(s, plain);

	if (n > 0 && n >= len) {
		bf_strbuf_printf(out, " %.*s", (int)len, s);
		return;
	}
	bf_strbuf_puts(out, " \"");
	for (size_t i = 0; i < len; i++) {
		const char *esc = bf_ext_save_escape(s[i], "\"\\'");

		if (!strcmp(esc, "\\n"))
			bf_strbuf_puts(out, esc);
		else
			bf_strbuf_printf(out, "%s%c", esc, s[i]);
	}
	bf_strbuf_puts(out, "\"");
}
