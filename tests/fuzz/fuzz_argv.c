/* libFuzzer target: iptables command lines. The input is one byte (bit 0:
 * ip6tables instead of iptables) and then up to 16 commands, one a line
 * ('\n'), their words separated by NUL bytes. Each command is parsed and
 * run against one scratch ruleset; then the ruleset is listed and saved,
 * and must read back as it was (fuzz_util.h). */
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz_util.h"

#define MAX_COMMANDS 16
#define MAX_WORDS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum bf_family family;
	struct bf_strbuf out = {0};
	struct bf_ruleset *rs;
	char *buf, *line, *end;
	int n_commands = 0;

	if (size < 1 || fuzz_too_many_commas(data + 1, size - 1))
		return 0;
	fuzz_init();
	family = data[0] & 1 ? BF_FAMILY_IPV6 : BF_FAMILY_IPV4;
	rs = bf_ruleset_new(family);
	buf = malloc(size);
	if (!rs || !buf)
		abort();
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = '\0';
	end = buf + size - 1;

	for (line = buf; line <= end && n_commands < MAX_COMMANDS; n_commands++) {
		char *nl = memchr(line, '\n', (size_t)(end - line));
		char *stop = nl ? nl : end;
		char *argv[MAX_WORDS + 2] = {family == BF_FAMILY_IPV6 ? "ip6tables" : "iptables"};
		int argc = 1;

		*stop = '\0';
		/* Words: the NUL-separated pieces of the line (none if empty). */
		for (char *w = line; line < stop && argc <= MAX_WORDS;) {
			char *z = memchr(w, '\0', (size_t)(stop - w));

			argv[argc++] = w;
			if (!z)
				break;
			w = z + 1;
		}
		argv[argc] = NULL;
		fuzz_command(rs, argc, argv, &out);
		bf_strbuf_reset(&out);
		if (!nl)
			break;
		line = nl + 1;
	}

	fuzz_views(rs);
	fuzz_check_roundtrip(rs);
	bf_strbuf_free(&out);
	bf_ruleset_free(rs);
	free(buf);
	return 0;
}
