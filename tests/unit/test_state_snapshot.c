/* Snapshots of stored rulesets (src/core/snapshot.c): a ruleset loaded
 * back from its snapshot must be the one parsing its rules text gives
 * (same save text, same rules byte for byte, counters, slots), and a
 * snapshot that is not the text's, truncated or corrupt is refused
 * without reading out of bounds.
 *
 * Rulesets: every command line of the conformance corpus (both
 * families, every extension it uses) run against a fresh ruleset, and a
 * hand-written one with counters, user chains, -g, policies, raw. */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/log.h"
#include "core/state_int.h"
#include "ext/ext.h"
#include "lib/front_util.h"

#define CORPUS "tests/conformance/corpus"

/* The header's layout in snapshot.c: magic, build, text_len, text_hash,
 * body_len, body_hash, family, zero. */
#define HDR_SIZE 56
#define HDR_BODY_HASH 40

static const char *const rich[BF_FAMILY_MAX] = {
	[BF_FAMILY_IPV4] =
	"*raw\n"
	":PREROUTING DROP [11:1100]\n"
	":OUTPUT ACCEPT [0:0]\n"
	":rawc - [0:0]\n"
	"[1:2] -A PREROUTING -s 198.18.0.0/15 -p udp -m udp --dport 53 -j rawc\n"
	"[3:4] -A rawc -m comment --comment \"a comment\" -j RETURN\n"
	"COMMIT\n"
	"*filter\n"
	":INPUT DROP [5:600]\n"
	":FORWARD ACCEPT [0:0]\n"
	":OUTPUT ACCEPT [7:800]\n"
	":b-chain - [0:0]\n"
	":a_chain - [0:0]\n"
	"[9:10] -A INPUT -i eth+ ! -s 198.18.1.0/24 -p tcp -m tcp --dport 22 --tcp-flags SYN,ACK SYN -j ACCEPT\n"
	"-A INPUT -f -j DROP\n"
	"[2:3] -A INPUT -p icmp -m icmp --icmp-type 8 -m limit --limit 5/sec -j ACCEPT\n"
	"-A INPUT -m multiport -p udp --dports 53,67:68 -j a_chain\n"
	"-A INPUT -p tcp -g b-chain\n"
	"-A INPUT -m iprange --src-range 198.18.0.1-198.18.0.9 -m length --length 100:200 -j LOG --log-prefix \"x \"\n"
	"-A INPUT -m ttl --ttl-gt 5 -m tos --tos 0x10 -j REJECT --reject-with icmp-host-prohibited\n"
	"-A INPUT -m state --state ESTABLISHED,RELATED -j ACCEPT\n"
	"-A INPUT -m mark --mark 0x1/0xff -m mac --mac-source 00:11:22:33:44:55\n"
	"[100:2000] -A a_chain -o lo -j RETURN\n"
	"-A b-chain -m addrtype --dst-type LOCAL -j DROP\n"
	"COMMIT\n",
	[BF_FAMILY_IPV6] =
	"*filter\n"
	":INPUT ACCEPT [1:2]\n"
	":FORWARD DROP [0:0]\n"
	":OUTPUT ACCEPT [0:0]\n"
	":six - [0:0]\n"
	"[4:5] -A INPUT -s 2001:db8::/32 -p ipv6-icmp -m icmp6 --icmpv6-type 128 -j ACCEPT\n"
	"-A INPUT -m hl --hl-eq 255 -m frag --fragid 5 -j six\n"
	"-A INPUT -p tcp -m tcp --sport 1:1024 -g six\n"
	"-A six -m rt --rt-type 0 -j REJECT --reject-with icmp6-adm-prohibited\n"
	"[6:7] -A six -m hbh --hbh-len 8 -m dst --dst-len 8 -j DROP\n"
	"COMMIT\n",
};

static char *state_text(struct bf_ruleset *rs)
{
	struct bf_strbuf b = {0};

	bf_save_print_state(&b, rs);
	bf_slots_print(&b, rs);
	assert_int_equal(b.err, 0);
	return b.s;
}

/* Counters and slots that differ from rule to rule, some slots past the
 * ones in order, as in-place updates leave them. */
static void fill_counters(struct bf_ruleset *rs)
{
	int slot = 3;
	uint64_t n = 1;

	for (int t = 0; t < BF_TABLE_MAX; t++) {
		for (size_t i = 0; i < rs->tables[t].n_chains; i++) {
			struct bf_chain *c = rs->tables[t].chains[i];

			if (c->builtin) {
				c->slot = slot++;
				c->policy_counters = (struct bf_counter){n, n * 1000};
				n += 7;
			}
			for (size_t r = 0; r < c->n_rules; r++) {
				c->rules[r]->slot = (slot += 2);
				c->rules[r]->counters = (struct bf_counter){n, n * 1500};
				n += 13;
			}
		}
	}
}

static void assert_same(const struct bf_ruleset *a, const struct bf_ruleset *b)
{
	assert_int_equal(a->family, b->family);
	for (int t = 0; t < BF_TABLE_MAX; t++) {
		const struct bf_table *ta = &a->tables[t], *tb = &b->tables[t];

		assert_int_equal(ta->present, tb->present);
		assert_int_equal(ta->created, tb->created);
		assert_int_equal(ta->replaced, tb->replaced);
		assert_int_equal(ta->n_chains, tb->n_chains);
		for (size_t i = 0; i < ta->n_chains; i++) {
			const struct bf_chain *ca = ta->chains[i], *cb = tb->chains[i];

			assert_string_equal(ca->name, cb->name);
			assert_int_equal(ca->builtin, cb->builtin);
			assert_int_equal(ca->policy, cb->policy);
			assert_memory_equal(&ca->policy_counters, &cb->policy_counters,
					    sizeof(ca->policy_counters));
			assert_int_equal(ca->slot, cb->slot);
			assert_int_equal(ca->old_slot, cb->old_slot);
			assert_int_equal(ca->n_rules, cb->n_rules);
			for (size_t r = 0; r < ca->n_rules; r++) {
				const struct bf_rule *ra = ca->rules[r], *rb = cb->rules[r];

				assert_true(bf_rule_equal(ra, rb));
				assert_memory_equal(&ra->counters, &rb->counters,
						    sizeof(ra->counters));
				assert_int_equal(ra->slot, rb->slot);
				assert_int_equal(ra->old_slot, rb->old_slot);
			}
		}
	}
}

/* rs stored: its text parsed and its snapshot loaded give the same. */
static void check_roundtrip(struct bf_ruleset *rs, size_t *n_rules)
{
	struct bf_ruleset *parsed = bf_ruleset_new(rs->family), *loaded = NULL;
	char *text, *text_parsed, *text_loaded;
	size_t size;
	void *buf;

	assert_non_null(parsed);
	fill_counters(rs);
	text = state_text(rs);
	bf_log_mute(1);
	assert_int_equal(bf_restore_state(text, parsed), 0);
	bf_log_mute(-1);
	assert_int_equal(bf_slots_parse(parsed, text), 0);
	for (int t = 0; t < BF_TABLE_MAX; t++)
		parsed->tables[t].replaced = false;

	assert_int_equal(bf_snapshot_build(rs, text, strlen(text), &buf, &size), 0);
	assert_int_equal(bf_snapshot_load(buf, size, rs->family, text, strlen(text), &loaded), 0);
	assert_same(parsed, loaded);
	text_parsed = state_text(parsed);
	text_loaded = state_text(loaded);
	assert_string_equal(text_loaded, text_parsed);
	assert_string_equal(text_loaded, text);
	for (int t = 0; t < BF_TABLE_MAX; t++)
		for (size_t i = 0; i < loaded->tables[t].n_chains; i++)
			*n_rules += loaded->tables[t].chains[i]->n_rules;

	free(text);
	free(text_parsed);
	free(text_loaded);
	free(buf);
	bf_ruleset_free(parsed);
	bf_ruleset_free(loaded);
}

static void run_line(struct bf_ruleset *rs, char *cmds)
{
	struct bf_strbuf out = {0};
	char *save = NULL;

	for (char *c = strtok_r(cmds, ";", &save); c; c = strtok_r(NULL, ";", &save)) {
		while (*c == ' ')
			c++;
		if (*c)
			front_cmd(rs, c, &out); /* failures are part of the corpus */
	}
	bf_strbuf_free(&out);
}

static void test_corpus(void **state)
{
	size_t n_rules = 0, n_lines = 0;
	const char *names[256];
	struct dirent *e;
	size_t n_names = 0;
	DIR *d = opendir(CORPUS);

	assert_non_null(d); /* run from the top of the tree, as tests/run.sh does */
	while ((e = readdir(d)) && n_names < 256)
		if (strstr(e->d_name, ".rules"))
			names[n_names++] = strdup(e->d_name);
	closedir(d);
	assert_true(n_names > 10);
	front_log_capture();
	for (size_t k = 0; k < n_names; k++) {
		char path[512], line[4096];
		FILE *f;

		snprintf(path, sizeof(path), CORPUS "/%s", names[k]);
		f = fopen(path, "r");
		assert_non_null(f);
		while (fgets(line, sizeof(line), f)) {
			struct bf_ruleset *rs;

			if (line[0] != '4' && line[0] != '6')
				continue;
			line[strcspn(line, "\n")] = '\0';
			rs = bf_ruleset_new(line[0] == '6' ? BF_FAMILY_IPV6 : BF_FAMILY_IPV4);
			assert_non_null(rs);
			run_line(rs, line + 1);
			check_roundtrip(rs, &n_rules);
			bf_ruleset_free(rs);
			n_lines++;
		}
		fclose(f);
		free((char *)names[k]);
	}
	/* The corpus was read, and it made rules. */
	assert_true(n_lines > 1000);
	assert_true(n_rules > 1000);
}

static struct bf_ruleset *rich_ruleset(enum bf_family family)
{
	struct bf_ruleset *rs = bf_ruleset_new(family);

	assert_non_null(rs);
	front_log_capture();
	assert_int_equal(bf_restore_parse(rich[family], rs, false, true), 0);
	return rs;
}

static void test_rich(void **state)
{
	for (int f = 0; f < BF_FAMILY_MAX; f++) {
		struct bf_ruleset *rs = rich_ruleset((enum bf_family)f);
		size_t n = 0;

		check_roundtrip(rs, &n);
		assert_true(n >= 5);
		bf_ruleset_free(rs);
	}
}

/* A snapshot of the rich IPv4 ruleset and its text. */
static void rich_snapshot(char **text, void **buf, size_t *size)
{
	struct bf_ruleset *rs = rich_ruleset(BF_FAMILY_IPV4);

	fill_counters(rs);
	*text = state_text(rs);
	assert_int_equal(bf_snapshot_build(rs, *text, strlen(*text), buf, size), 0);
	bf_ruleset_free(rs);
}

static int load(const void *buf, size_t size, enum bf_family f, const char *text)
{
	struct bf_ruleset *rs = NULL;
	int err = bf_snapshot_load(buf, size, f, text, strlen(text), &rs);

	if (!err)
		bf_ruleset_free(rs);
	return err;
}

static void test_refused(void **state)
{
	size_t size;
	char *text;
	void *buf;
	unsigned char *copy;

	rich_snapshot(&text, &buf, &size);
	assert_int_equal(load(buf, size, BF_FAMILY_IPV4, text), 0);
	/* Not this text: another byte, or one more. */
	text[strlen(text) / 2] ^= 1;
	assert_int_equal(load(buf, size, BF_FAMILY_IPV4, text), -ESTALE);
	text[strlen(text) / 2] ^= 1;
	assert_int_equal(load(buf, size, BF_FAMILY_IPV4, ""), -ESTALE);
	/* Not this family. */
	assert_int_not_equal(load(buf, size, BF_FAMILY_IPV6, text), 0);
	/* Truncated anywhere. */
	for (size_t n = 0; n < size; n++)
		assert_int_not_equal(load(buf, n, BF_FAMILY_IPV4, text), 0);
	/* Any byte changed. */
	copy = malloc(size);
	assert_non_null(copy);
	for (size_t i = 0; i < size; i++) {
		memcpy(copy, buf, size);
		copy[i] ^= 0x40;
		assert_int_not_equal(load(copy, size, BF_FAMILY_IPV4, text), 0);
	}
	free(copy);
	free(text);
	free(buf);
}

/* Past the hashes: a body that is garbage but hashed right is read
 * within bounds, and refused or loaded whole (run it under valgrind). */
static void reseal(unsigned char *p, size_t size)
{
	uint64_t len = size - HDR_SIZE, h = bf_snapshot_hash(p + HDR_SIZE, len);

	memcpy(p + HDR_BODY_HASH - 8, &len, sizeof(len));
	memcpy(p + HDR_BODY_HASH, &h, sizeof(h));
}

static void test_fuzz(void **state)
{
	size_t size, refused = 0, runs = 0;
	unsigned int seed = 1;
	unsigned char *copy;
	char *text;
	void *buf;

	rich_snapshot(&text, &buf, &size);
	copy = malloc(size);
	assert_non_null(copy);
	/* Resealing the unchanged body keeps it valid: the layout above. */
	memcpy(copy, buf, size);
	reseal(copy, size);
	assert_int_equal(load(copy, size, BF_FAMILY_IPV4, text), 0);
	for (size_t n = HDR_SIZE; n < size; n++, runs++) {
		memcpy(copy, buf, size);
		reseal(copy, n);
		refused += load(copy, n, BF_FAMILY_IPV4, text) != 0;
	}
	assert_int_equal(refused, runs); /* every truncation is refused */
	for (int i = 0; i < 20000; i++) {
		size_t at = HDR_SIZE + (size_t)rand_r(&seed) % (size - HDR_SIZE);

		memcpy(copy, buf, size);
		for (int k = rand_r(&seed) % 4; k >= 0; k--) {
			copy[at] = (unsigned char)rand_r(&seed);
			at = HDR_SIZE + (size_t)rand_r(&seed) % (size - HDR_SIZE);
		}
		reseal(copy, size);
		load(copy, size, BF_FAMILY_IPV4, text);
	}
	free(copy);
	free(text);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rich),
		cmocka_unit_test(test_corpus),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_fuzz),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
