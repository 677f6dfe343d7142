/* The IP part of rules: interface names resolved at compile time, and
 * which tests remain, as ip_packet_match() decides. No kernel needed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <string.h>

#include "cgen/cgen.h"
#include "common/strbuf.h"
#include "lib/prog_rules.h"

static void test_iface_match(void **state)
{
	assert_true(bf_iface_match("", "eth0"));
	assert_true(bf_iface_match("", ""));
	assert_true(bf_iface_match("eth0", "eth0"));
	assert_false(bf_iface_match("eth0", "eth01"));
	assert_false(bf_iface_match("eth01", "eth0"));
	assert_false(bf_iface_match("eth0", ""));
	assert_true(bf_iface_match("eth+", "eth0"));
	assert_true(bf_iface_match("eth+", "eth"));
	assert_false(bf_iface_match("eth+", "et"));
	assert_false(bf_iface_match("eth+", "veth0"));
	assert_true(bf_iface_match("+", "anything"));
	assert_true(bf_iface_match("+", ""));
	assert_true(bf_iface_match("abcdefghijklmno", "abcdefghijklmno"));
	assert_true(bf_iface_match("abcdefghijklmn+", "abcdefghijklmno"));
}

/* Tests left for spec on input interface `in`; -1 when never matching. */
static int n_tests(const char *spec, const char *in, struct bf_ip_test *t)
{
	struct bf_rule *r = prog_rule(spec);
	size_t n;
	bool ok;

	assert_non_null(r);
	ok = bf_ip_tests(&r->ip, in, "", t, &n);
	bf_rule_free(r);
	return ok ? (int)n : -1;
}

static void test_ip_tests(void **state)
{
	struct bf_ip_test t[BF_IP_TESTS_MAX];

	assert_int_equal(n_tests("-j DROP", "veth0", t), 0);
	assert_int_equal(n_tests("-s 0.0.0.0/0 -d 0.0.0.0/0 -p all -j DROP", "veth0", t), 0);
	assert_int_equal(n_tests("! -s 0.0.0.0/0 -j DROP", "veth0", t), -1);
	assert_int_equal(n_tests("! -d 0.0.0.0/0 -j DROP", "veth0", t), -1);
	assert_int_equal(n_tests("-i eth0 -j DROP", "veth0", t), -1);
	assert_int_equal(n_tests("! -i eth0 -j DROP", "veth0", t), 0);
	assert_int_equal(n_tests("! -i + -j DROP", "veth0", t), -1);
	assert_int_equal(n_tests("-o eth0 -j DROP", "veth0", t), -1);
	assert_int_equal(n_tests("-o + -j DROP", "veth0", t), 0);
	assert_int_equal(n_tests("! -o eth0 -j DROP", "veth0", t), 0);
	assert_int_equal(n_tests("-p 256 -j DROP", "veth0", t), -1);
	assert_int_equal(n_tests("! -p 256 -j DROP", "veth0", t), 0);
	assert_int_equal(n_tests("! -p all -j DROP", "veth0", t), 0);

	assert_int_equal(n_tests("-s 198.18.0.0/15 -j DROP", "veth0", t), 1);
	assert_int_equal(t[0].off, BF_PKT_SADDR);
	assert_int_equal(t[0].mask, 0xfffe0000);
	assert_int_equal(t[0].imm, 0xc6120000);
	assert_int_equal(t[0].jmp_op, BPF_JNE);

	assert_int_equal(n_tests("! -d 198.18.0.1 ! -p udp -f -j DROP", "veth0", t), 3);
	assert_int_equal(t[0].off, BF_PKT_DADDR);
	assert_int_equal(t[0].mask, 0xffffffff);
	assert_int_equal(t[0].jmp_op, BPF_JEQ);
	assert_int_equal(t[1].off, BF_PKT_PROTO);
	assert_int_equal(t[1].imm, 17);
	assert_int_equal(t[1].jmp_op, BPF_JEQ);
	assert_int_equal(t[2].off, BF_PKT_FRAGOFF);
	assert_int_equal(t[2].jmp_op, BPF_JEQ); /* -f: no match when offset 0 */

	assert_int_equal(n_tests("! -f -j DROP", "veth0", t), 1);
	assert_int_equal(t[0].jmp_op, BPF_JNE);
}

/* `! -f` without -f in the flags can never match (FWINV of false). */
static void test_inv_frag_alone(void **state)
{
	struct bf_ip_test t[BF_IP_TESTS_MAX];
	struct bf_ip ip = {.invflags = BF_INV_FRAG};
	size_t n;

	assert_false(bf_ip_tests(&ip, "veth0", "", t, &n));
}

/* Whole rulesets compile without a kernel; the result has no jump left
 * unresolved and ends in an exit. */
static void test_compile(void **state)
{
	const char *rules[] = {
		"-s 198.18.1.0/24 -j DROP",
		"-p tcp --dport 22 -j ACCEPT",
		"-i eth0 -j DROP",
		"-j ACCEPT",
		"-p udp -j DROP",
		NULL,
	};
	struct bf_ruleset *rs = prog_ruleset(BF_VERDICT_DROP, rules);
	struct bf_strbuf out = {0};
	struct bf_cgen cg;

	bf_cgen_init(&cg);
	assert_int_equal(bf_cgen_compile(&cg, rs, NULL, &bf_hook_xdp, "veth0"), 0);
	assert_true(cg.len > 0);
	assert_int_equal(cg.insns[cg.len - 1].code, BPF_JMP | BPF_EXIT);
	bf_cgen_dump(cg.insns, cg.len, &out);
	assert_non_null(strstr(bf_strbuf_str(&out), "r6 = r1"));
	assert_non_null(strstr(bf_strbuf_str(&out), "call 1"));
	bf_strbuf_free(&out);
	bf_cgen_free(&cg);
	bf_ruleset_free(rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iface_match),
		cmocka_unit_test(test_ip_tests),
		cmocka_unit_test(test_inv_frag_alone),
		cmocka_unit_test(test_compile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
