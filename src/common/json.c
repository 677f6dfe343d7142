/* JSON output (json.h). */
#include <stdbool.h>

#include "common/json.h"

void bf_json_str(struct bf_strbuf *b, const char *s)
{
	bf_strbuf_puts(b, "\"");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			bf_strbuf_printf(b, "\\%c", c);
		else if (c < 0x20)
			bf_strbuf_printf(b, "\\u%04x", c);
		else
			bf_strbuf_printf(b, "%c", c);
	}
	bf_strbuf_puts(b, "\"");
}

void bf_json_key(struct bf_strbuf *b, bool *first, const char *key)
{
	if (!*first)
		bf_strbuf_puts(b, ",");
	*first = false;
	bf_json_str(b, key);
	bf_strbuf_puts(b, ":");
}

void bf_json_kv_str(struct bf_strbuf *b, bool *first, const char *key, const char *value)
{
	bf_json_key(b, first, key);
	bf_json_str(b, value);
}

void bf_json_kv_u64(struct bf_strbuf *b, bool *first, const char *key, uint64_t value)
{
	bf_json_key(b, first, key);
	bf_strbuf_printf(b, "%llu", (unsigned long long)value);
}
