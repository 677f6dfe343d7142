/* Commands applied to the ruleset: which rule a number or a spec names,
 * errors (exit 1) and their order, counters, the policy-counter reset of
 * iptables-legacy, and what bf_command_exec promises its caller (nothing
 * changes on failure, *changed, old_slot).
 *
 * In `rows`, every expected output and message was printed by
 * iptables-legacy 1.8.9 for the same command sequence in a scratch network
 * namespace (starting from a clean filter table at each scenario), then
 * pasted. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/front_util.h"

static const struct front_row rows[] = {
	/* scenario: insert, delete, replace */
	{NULL, 0, NULL},
	{"-A INPUT -s 1.1.1.1 -j ACCEPT -c 1 10", 0,
		""},
	{"-I INPUT -s 2.2.2.2 -j DROP -c 2 20", 0,
		""},
	{"-I INPUT 2 -s 3.3.3.3,4.4.4.4 -j ACCEPT", 0,
		""},
	{"-I INPUT 5 -s 5.5.5.5 -j DROP", 0,
		""},
	{"-I INPUT 7 -s 6.6.6.6 -j DROP", 1,
		"Index of insertion too big."},
	{"-S INPUT -v", 0,
		"-P INPUT ACCEPT -c 0 0\n"
		"-A INPUT -s 2.2.2.2/32 -c 2 20 -j DROP\n"
		"-A INPUT -s 4.4.4.4/32 -c 0 0 -j ACCEPT\n"
		"-A INPUT -s 3.3.3.3/32 -c 0 0 -j ACCEPT\n"
		"-A INPUT -s 1.1.1.1/32 -c 1 10 -j ACCEPT\n"
		"-A INPUT -s 5.5.5.5/32 -c 0 0 -j DROP\n"},
	{"-A INPUT -s 1.1.1.1 -j ACCEPT", 0,
		""},
	{"-D INPUT -s 1.1.1.1 -j ACCEPT", 0,
		""},
	{"-S INPUT -v", 0,
		"-P INPUT ACCEPT -c 0 0\n"
		"-A INPUT -s 2.2.2.2/32 -c 2 20 -j DROP\n"
		"-A INPUT -s 4.4.4.4/32 -c 0 0 -j ACCEPT\n"
		"-A INPUT -s 3.3.3.3/32 -c 0 0 -j ACCEPT\n"
		"-A INPUT -s 5.5.5.5/32 -c 0 0 -j DROP\n"
		"-A INPUT -s 1.1.1.1/32 -c 0 0 -j ACCEPT\n"},
	{"-D INPUT -s 3.3.3.3,4.4.4.4 -j ACCEPT", 0,
		""},
	{"-S INPUT -v", 0,
		"-P INPUT ACCEPT -c 0 0\n"
		"-A INPUT -s 2.2.2.2/32 -c 2 20 -j DROP\n"
		"-A INPUT -s 5.5.5.5/32 -c 0 0 -j DROP\n"
		"-A INPUT -s 1.1.1.1/32 -c 0 0 -j ACCEPT\n"},
	{"-D INPUT -s 2.2.2.2,9.9.9.9 -j DROP", 1,
		"Bad rule (does a matching rule exist in that chain?)."},
	{"-S INPUT -v", 0,
		"-P INPUT ACCEPT -c 0 0\n"
		"-A INPUT -s 2.2.2.2/32 -c 2 20 -j DROP\n"
		"-A INPUT -s 5.5.5.5/32 -c 0 0 -j DROP\n"
		"-A INPUT -s 1.1.1.1/32 -c 0 0 -j ACCEPT\n"},
	{"-D INPUT -s 2.2.2.2 -j ACCEPT", 1,
		"Bad rule (does a matching rule exist in that chain?)."},
	{"-D INPUT 9", 1,
		"Index of deletion too big."},
	{"-D INPUT 1", 0,
		""},
	{"-S INPUT -v", 0,
		"-P INPUT ACCEPT -c 0 0\n"
		"-A INPUT -s 5.5.5.5/32 -c 0 0 -j DROP\n"
		"-A INPUT -s 1.1.1.1/32 -c 0 0 -j ACCEPT\n"},
	{"-R INPUT 2 -p udp --dport 53 -j ACCEPT -c 7 70", 0,
		""},
	{"-R INPUT 4 -j DROP", 1,
		"Index of replacement too big."},
	{"-R INPUT 3 -j DROP", 1,
		"Index of replacement too big."},
	{"-S INPUT -v", 0,
		"-P INPUT ACCEPT -c 0 0\n"
		"-A INPUT -s 5.5.5.5/32 -c 0 0 -j DROP\n"
		"-A INPUT -p udp -m udp --dport 53 -c 7 70 -j ACCEPT\n"},
	{"-C INPUT -p udp --dport 53 -j ACCEPT", 0,
		""},
	{"-C INPUT -p udp --dport 54 -j ACCEPT", 1,
		"Bad rule (does a matching rule exist in that chain?)."},
	{"-C INPUT -s 5.5.5.5,1.1.1.1 -j DROP", 1,
		"Bad rule (does a matching rule exist in that chain?)."},
	{"-C INPUT -s 5.5.5.5 -j DROP", 0,
		""},
	{"-C FOO -j DROP", 1,
		"Bad rule (does a matching rule exist in that chain?)."},
	{"-A FOO -j DROP", 1,
		"No chain/target/match by that name."},
	{"-I FOO -j DROP", 1,
		"No chain/target/match by that name."},
	{"-R FOO 1 -j DROP", 1,
		"No chain/target/match by that name."},
	{"-D FOO 1", 1,
		"No chain/target/match by that name."},
	{"-D FOO -j DROP", 1,
		"Bad rule (does a matching rule exist in that chain?)."},
	{"-F FOO", 1,
		"No chain/target/match by that name."},
	{"-Z FOO", 1,
		"No chain/target/match by that name."},
	{"-Z INPUT 3", 1,
		"Index of counter too big."},
	{"-Z INPUT 1", 0,
		""},
	{"-S INPUT -v", 0,
		"-P INPUT ACCEPT -c 0 0\n"
		"-A INPUT -s 5.5.5.5/32 -c 0 0 -j DROP\n"
		"-A INPUT -p udp -m udp --dport 53 -c 7 70 -j ACCEPT\n"},
	{"-Z INPUT", 0,
		""},
	{"-S INPUT -v", 0,
		"-P INPUT ACCEPT -c 0 0\n"
		"-A INPUT -s 5.5.5.5/32 -c 0 0 -j DROP\n"
		"-A INPUT -p udp -m udp --dport 53 -c 0 0 -j ACCEPT\n"},
	/* scenario: policies and counters */
	{NULL, 0, NULL},
	{"-P INPUT DROP -c 11 22", 0,
		""},
	{"-S -v", 0,
		"-P INPUT DROP -c 11 22\n"
		"-P FORWARD ACCEPT -c 0 0\n"
		"-P OUTPUT ACCEPT -c 0 0\n"},
	{"-P FORWARD ACCEPT -c 33 44", 0,
		""},
	{"-S -v", 0,
		"-P INPUT DROP -c 0 0\n"
		"-P FORWARD ACCEPT -c 33 44\n"
		"-P OUTPUT ACCEPT -c 0 0\n"},
	{"-A INPUT -j ACCEPT -c 5 6", 0,
		""},
	{"-S -v", 0,
		"-P INPUT DROP -c 0 0\n"
		"-P FORWARD ACCEPT -c 0 0\n"
		"-P OUTPUT ACCEPT -c 0 0\n"
		"-A INPUT -c 5 6 -j ACCEPT\n"},
	{"-P INPUT DROP -c 7 8", 0,
		""},
	{"-Z INPUT 1", 0,
		""},
	{"-S -v", 0,
		"-P INPUT DROP -c 0 0\n"
		"-P FORWARD ACCEPT -c 0 0\n"
		"-P OUTPUT ACCEPT -c 0 0\n"
		"-A INPUT -c 0 0 -j ACCEPT\n"},
	{"-P INPUT DROP -c 7 8", 0,
		""},
	{"-F INPUT", 0,
		""},
	{"-S -v", 0,
		"-P INPUT DROP -c 0 0\n"
		"-P FORWARD ACCEPT -c 0 0\n"
		"-P OUTPUT ACCEPT -c 0 0\n"},
	{"-P INPUT DROP -c 7 8", 0,
		""},
	{"-L INPUT -Z", 0,
		"Chain INPUT (policy DROP)\n"
		"target     prot opt source               destination         \n"},
	{"-S -v", 0,
		"-P INPUT DROP -c 0 0\n"
		"-P FORWARD ACCEPT -c 0 0\n"
		"-P OUTPUT ACCEPT -c 0 0\n"},
	{"-P INPUT DROP -c 7 8", 0,
		""},
	{"-X", 0,
		""},
	{"-S -v", 0,
		"-P INPUT DROP -c 7 8\n"
		"-P FORWARD ACCEPT -c 0 0\n"
		"-P OUTPUT ACCEPT -c 0 0\n"},
	{"-P INPUT DROP -c 1,2", 0,
		""},
	{"-S -v", 0,
		"-P INPUT DROP -c 1 2\n"
		"-P FORWARD ACCEPT -c 0 0\n"
		"-P OUTPUT ACCEPT -c 0 0\n"},
	{"-P INPUT FOO", 1,
		"Bad policy name. Run `dmesg' for more information."},
	{"-P INPUT RETURN", 1,
		"Bad policy name. Run `dmesg' for more information."},
	{"-P INPUT accept", 1,
		"Bad policy name. Run `dmesg' for more information."},
	{"-P FOO DROP", 1,
		"Bad built-in chain name."},
	{"-P INPUT ACCEPT", 0,
		""},
	{"-S -v", 0,
		"-P INPUT ACCEPT -c 0 0\n"
		"-P FORWARD ACCEPT -c 0 0\n"
		"-P OUTPUT ACCEPT -c 0 0\n"},
	/* scenario: chains */
	{NULL, 0, NULL},
	{"-N INPUT", 1,
		"Chain already exists."},
	{"-X INPUT", 1,
		"Invalid argument. Run `dmesg' for more information."},
	{"-X FOO", 1,
		"No chain/target/match by that name."},
	{"-X", 0,
		""},
	{"-E INPUT X", 1,
		"No chain/target/match by that name."},
	{"-E FOO BAR", 1,
		"No chain/target/match by that name."},
	{"-E FOO DROP", 1,
		"File exists."},
	{"-E FOO INPUT", 1,
		"File exists."},
	/* scenario: listing and zeroing together */
	{NULL, 0, NULL},
	{"-A INPUT -s 1.1.1.1 -j ACCEPT -c 1 10", -1, NULL},
	{"-A INPUT -s 2.2.2.2 -j ACCEPT -c 2 20", -1, NULL},
	{"-L INPUT 1 -Z -n -v", 0,
		"    1    10 ACCEPT     0    --  *      *       1.1.1.1              0.0.0.0/0           \n"
		"Zeroing chain `INPUT'\n"},
	{"-S -v", 0,
		"-P INPUT ACCEPT -c 0 0\n"
		"-P FORWARD ACCEPT -c 0 0\n"
		"-P OUTPUT ACCEPT -c 0 0\n"
		"-A INPUT -s 1.1.1.1/32 -c 0 0 -j ACCEPT\n"
		"-A INPUT -s 2.2.2.2/32 -c 0 0 -j ACCEPT\n"},
	{"-R INPUT 1 -s 1.1.1.1 -j ACCEPT -c 1 10", -1, NULL},
	{"-R INPUT 2 -s 2.2.2.2 -j ACCEPT -c 2 20", -1, NULL},
	{"-Z INPUT 2 -L -n -v", 0,
		"    2    20 ACCEPT     0    --  *      *       2.2.2.2              0.0.0.0/0           \n"},
	{"-S -v", 0,
		"-P INPUT ACCEPT -c 0 0\n"
		"-P FORWARD ACCEPT -c 0 0\n"
		"-P OUTPUT ACCEPT -c 0 0\n"
		"-A INPUT -s 1.1.1.1/32 -c 1 10 -j ACCEPT\n"
		"-A INPUT -s 2.2.2.2/32 -c 0 0 -j ACCEPT\n"},
	{"-R INPUT 1 -s 1.1.1.1 -j ACCEPT -c 1 10", -1, NULL},
	{"-R INPUT 2 -s 2.2.2.2 -j ACCEPT -c 2 20", -1, NULL},
	{"-L -Z INPUT 1", 0,
		""},
	{"-S -v", 0,
		"-P INPUT ACCEPT -c 0 0\n"
		"-P FORWARD ACCEPT -c 0 0\n"
		"-P OUTPUT ACCEPT -c 0 0\n"
		"-A INPUT -s 1.1.1.1/32 -c 0 0 -j ACCEPT\n"
		"-A INPUT -s 2.2.2.2/32 -c 2 20 -j ACCEPT\n"},
	{"-S -Z -v", 0,
		"-P INPUT ACCEPT -c 0 0\n"
		"-P FORWARD ACCEPT -c 0 0\n"
		"-P OUTPUT ACCEPT -c 0 0\n"
		"-A INPUT -s 1.1.1.1/32 -c 0 0 -j ACCEPT\n"
		"-A INPUT -s 2.2.2.2/32 -c 2 20 -j ACCEPT\n"
		"Zeroing chain `INPUT'\n"
		"Zeroing chain `FORWARD'\n"
		"Zeroing chain `OUTPUT'\n"},
	{"-S -v", 0,
		"-P INPUT ACCEPT -c 0 0\n"
		"-P FORWARD ACCEPT -c 0 0\n"
		"-P OUTPUT ACCEPT -c 0 0\n"
		"-A INPUT -s 1.1.1.1/32 -c 0 0 -j ACCEPT\n"
		"-A INPUT -s 2.2.2.2/32 -c 0 0 -j ACCEPT\n"},
};

static void like_iptables(void **state)
{
	assert_int_equal(front_run_rows(rows, sizeof(rows) / sizeof(rows[0])), 0);
}

static int run(struct bf_ruleset *rs, const char *line, bool *changed)
{
	struct bf_strbuf out = {0};
	struct bf_command cmd;
	char **argv;
	int argc = front_split(line, &argv), err;

	front_log_capture();
	err = bf_command_parse(argc, argv, &cmd);
	front_free_words(argc, argv);
	*changed = false;
	if (!err)
		err = bf_command_exec(&cmd, rs, &out, changed);
	bf_command_free(&cmd);
	bf_strbuf_free(&out);
	return err;
}

static struct bf_chain *input(struct bf_ruleset *rs)
{
	return bf_table_chain(&rs->tables[BF_TABLE_FILTER], "INPUT");
}

/* A failing command leaves the ruleset exactly as it was. */
static void unchanged_on_failure(void **state)
{
	static const char *const fails[] = {
		"-D INPUT -s 1.1.1.1,9.9.9.9 -j ACCEPT", /* first exists, second not */
		"-A INPUT -s 7.7.7.7 -m tcp --dport 1 -j DROP",
		"-I INPUT 9 -j DROP",
		"-R INPUT 9 -j DROP",
		"-D INPUT 9",
		"-Z INPUT 9",
		"-P INPUT FOO",
		"-A FORWARD -j nosuch",
		"-X INPUT",
		"-A INPUT -j INPUT",
	};
	struct bf_ruleset *rs = bf_ruleset_new(BF_FAMILY_IPV4);
	char *before, *after;
	bool changed;

	assert_int_equal(run(rs, "-A INPUT -s 1.1.1.1 -j ACCEPT -c 1 2", &changed), 0);
	assert_int_equal(run(rs, "-A INPUT -s 2.2.2.2 -j DROP -c 3 4", &changed), 0);
	before = front_save(rs, true);
	for (size_t i = 0; i < sizeof(fails) / sizeof(fails[0]); i++) {
		assert_int_not_equal(run(rs, fails[i], &changed), 0);
		assert_false(changed);
		after = front_save(rs, true);
		assert_string_equal(before, after);
		free(after);
	}
	free(before);
	bf_ruleset_free(rs);
}

/* Every chain of the table takes rules and policies: the code generator
 * refuses what it cannot compile, not the front end. What the kernel
 * checks when the table is committed is refused here (exit 1). */
static void any_chain(void **state)
{
	struct bf_ruleset *rs = bf_ruleset_new(BF_FAMILY_IPV4);
	bool changed;

	assert_int_equal(run(rs, "-A FORWARD -j DROP", &changed), 0);
	assert_true(changed);
	assert_int_equal(run(rs, "-I OUTPUT -j ACCEPT", &changed), 0);
	assert_int_equal(run(rs, "-P OUTPUT DROP", &changed), 0);
	assert_int_equal(run(rs, "-N USER", &changed), 0);
	assert_true(changed);
	assert_int_equal(run(rs, "-A USER -j RETURN", &changed), 0);
	assert_int_equal(run(rs, "-t raw -A PREROUTING -j DROP", &changed), 0);
	assert_int_equal(run(rs, "-t raw -P OUTPUT DROP", &changed), 0);
	/* The kernel's check, before the table is committed. */
	assert_int_equal(run(rs, "-A INPUT -p udp -m tcp --dport 1 -j DROP", &changed), -EPROTO);
	assert_string_equal(front_errors(), "Invalid argument. tcp match: only valid for protocol 6");
	assert_int_equal(run(rs, "-A USER ! -p tcp -m tcp --syn", &changed), -EPROTO);
	bf_ruleset_free(rs);
}

/* *changed says whether the ruleset or its counters changed. */
static void changed_flag(void **state)
{
	static const struct {
		const char *line;
		bool changed;
	} steps[] = {
		{"-L", false},
		{"-S -v", false},
		{"-F", false},          /* nothing to flush, no counters */
		{"-Z", false},
		{"-X", false},
		{"-P INPUT ACCEPT", false},
		{"-A INPUT -j ACCEPT", true},
		{"-C INPUT -j ACCEPT", false},
		{"-Z", false},          /* counters were zero */
		{"-R INPUT 1 -j ACCEPT -c 1 1", true},
		{"-L -Z", true},
		{"-P INPUT DROP", true},
		{"-P INPUT DROP -c 5 5", true},
		{"-F FORWARD", true},   /* iptables-legacy zeroes the policy counters */
		{"-F FORWARD", false},
		{"-D INPUT 1", true},
	};
	struct bf_ruleset *rs = bf_ruleset_new(BF_FAMILY_IPV4);
	bool changed;

	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		assert_int_equal(run(rs, steps[i].line, &changed), 0);
		if (changed != steps[i].changed)
			fail_msg("`%s': changed is %d", steps[i].line, changed);
	}
	bf_ruleset_free(rs);
}

/* Numbers every policy and rule (old_slot) in order, as a ruleset read
 * back from the kernel would be, before a command changes it. */
static void mark_slots(struct bf_ruleset *rs)
{
	int slot = 0;

	for (int t = 0; t < BF_TABLE_MAX; t++) {
		const struct bf_table *tb = &rs->tables[t];

		for (size_t i = 0; i < tb->n_chains; i++) {
			struct bf_chain *c = tb->chains[i];

			c->old_slot = c->builtin ? slot++ : -1;
			for (size_t r = 0; r < c->n_rules; r++)
				c->rules[r]->old_slot = slot++;
		}
	}
}

/* New and replaced rules have no live counter slot; zeroing drops it;
 * rules a command does not touch keep theirs. */
static void old_slots(void **state)
{
	struct bf_ruleset *rs = bf_ruleset_new(BF_FAMILY_IPV4);
	struct bf_chain *c;
	bool changed;

	assert_int_equal(run(rs, "-A INPUT -s 1.1.1.1 -j ACCEPT", &changed), 0);
	assert_int_equal(run(rs, "-A INPUT -s 2.2.2.2 -j ACCEPT", &changed), 0);
	assert_int_equal(run(rs, "-A INPUT -s 3.3.3.3 -j ACCEPT", &changed), 0);
	mark_slots(rs);
	c = input(rs);
	/* The raw table's two policies come first. */
	assert_int_equal(c->old_slot, 2);
	assert_int_equal(c->rules[0]->old_slot, 3);

	assert_int_equal(run(rs, "-I INPUT 2 -s 4.4.4.4 -j DROP", &changed), 0);
	assert_int_equal(c->rules[0]->old_slot, 3);
	assert_int_equal(c->rules[1]->old_slot, -1);
	assert_int_equal(c->rules[2]->old_slot, 4);
	/* The policy counter restarts: iptables-legacy zeroes it on change. */
	assert_int_equal(c->old_slot, -1);

	assert_int_equal(run(rs, "-R INPUT 3 -s 5.5.5.5 -j DROP", &changed), 0);
	assert_int_equal(c->rules[2]->old_slot, -1);
	assert_int_equal(c->rules[3]->old_slot, 5);
	assert_int_equal(run(rs, "-Z INPUT 4", &changed), 0);
	assert_int_equal(c->rules[3]->old_slot, -1);
	assert_int_equal(c->rules[0]->old_slot, 3);
	assert_int_equal(run(rs, "-D INPUT 2", &changed), 0);
	assert_int_equal(c->rules[0]->old_slot, 3);
	assert_int_equal(run(rs, "-Z", &changed), 0);
	assert_int_equal(c->rules[0]->old_slot, -1);
	bf_ruleset_free(rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(like_iptables),
		cmocka_unit_test(unchanged_on_failure),
		cmocka_unit_test(any_chain),
		cmocka_unit_test(changed_flag),
		cmocka_unit_test(old_slots),
	};

	front_log_capture();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
