/* libFuzzer target: a set element as `ipset add` takes it. The input is
 * one byte choosing the set (bits 0-1: hash:ip, hash:net, hash:ip,port,
 * hash:net,port; bit 2: family inet6) and then the element's text. An
 * element that parses walks (at most 64 of its range), and each element
 * printed as ipset lists it parses back to itself, and makes a key. */
#include <stdlib.h>
#include <string.h>

#include "core/set_elem.h"
#include "fuzz/fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct walk {
	const struct bf_set *s;
	size_t n;
};

static int check_elem(const struct bf_set_elem *e, void *ctx)
{
	struct walk *w = ctx;
	struct bf_strbuf text = {0};
	struct bf_set_range back;
	uint8_t key[64];

	if (w->n++ >= 64)
		return 1; /* enough of a range */
	if (bf_set_key_size(w->s) > sizeof(key))
		fuzz_fail("a key larger than any set's", "", "");
	bf_set_key(w->s, e, key);
	bf_set_elem_print(&text, w->s, e);
	if (bf_set_range_parse(w->s, bf_strbuf_str(&text), &back))
		fuzz_fail("a listed element does not parse back", bf_strbuf_str(&text), "");
	if (back.range || memcmp(&back.first, e, sizeof(*e)))
		fuzz_fail("a listed element parses back as another", bf_strbuf_str(&text), "");
	bf_strbuf_free(&text);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum bf_set_type types[] = {BF_SET_HASH_IP, BF_SET_HASH_NET,
						 BF_SET_HASH_IP_PORT, BF_SET_HASH_NET_PORT};
	struct bf_set s = {.name = "f"};
	struct bf_set_range r;
	struct walk w = {.s = &s};
	char *text;

	if (!size)
		return 0;
	fuzz_init();
	s.type = types[data[0] & 3];
	s.family = data[0] & 4 ? BF_FAMILY_IPV6 : BF_FAMILY_IPV4;
	text = strndup((const char *)data + 1, size - 1);
	if (!text)
		abort();
	if (!bf_set_range_parse(&s, text, &r))
		bf_set_range_walk(&s, &r, check_elem, &w);
	free(text);
	return 0;
}
