/* libFuzzer target: iptables-restore input. The input is one byte of
 * flags (bit 0: ip6tables-restore; bit 1: --noflush; bit 2: -c, the
 * [packets:bytes] counters; bit 3: start from a small ruleset instead of
 * an empty one, for --noflush to merge into) and then the text. A refused
 * text must leave the ruleset as it was; an accepted one is listed, saved,
 * and must read back as it was (fuzz_util.h). */
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char base_text[] =
	"*raw\n"
	":PREROUTING ACCEPT [0:0]\n"
	":OUTPUT DROP [1:2]\n"
	"-A PREROUTING -j ACCEPT\n"
	"COMMIT\n"
	"*filter\n"
	":INPUT DROP [3:4]\n"
	":FORWARD ACCEPT [0:0]\n"
	":OUTPUT ACCEPT [0:0]\n"
	":user - [0:0]\n"
	"[5:6] -A INPUT -p tcp -j user\n"
	"-A user -j RETURN\n"
	"COMMIT\n";

static char *state_text(const struct bf_ruleset *rs)
{
	struct bf_strbuf out = {0};
	char *s;

	bf_save_print_state(&out, rs);
	s = strdup(bf_strbuf_str(&out));
	bf_strbuf_free(&out);
	if (!s)
		abort();
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum bf_family family;
	struct bf_ruleset *rs;
	char *text, *before, *after;
	int err;

	if (size < 1 || fuzz_too_many_commas(data + 1, size - 1))
		return 0;
	fuzz_init();
	family = data[0] & 1 ? BF_FAMILY_IPV6 : BF_FAMILY_IPV4;
	rs = bf_ruleset_new(family);
	text = malloc(size);
	if (!rs || !text)
		abort();
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	if ((data[0] & 8) && bf_restore_parse(base_text, rs, false, true))
		fuzz_fail("the base ruleset does not load", base_text, NULL);

	before = state_text(rs);
	err = bf_restore_parse(text, rs, data[0] & 2, data[0] & 4);
	if (err) {
		after = state_text(rs);
		if (strcmp(before, after))
			fuzz_fail("a refused restore changed the ruleset", before, after);
		free(after);
	} else {
		fuzz_views(rs);
		fuzz_check_roundtrip(rs);
	}
	free(before);
	bf_ruleset_free(rs);
	free(text);
	return 0;
}
