#include "prog_cases.h"

#include <linux/bpf.h>
#include <stdbool.h>
#include <stdio.h>

#include "prog_rules.h"
#include "prog_run.h"

size_t prog_case_frame(const struct prog_case *c, uint8_t *buf, uint64_t *bytes)
{
	if (c->frame)
		return c->frame(buf, bytes);
	*bytes = prog_pkt_ip_len(&c->pkt);
	return prog_pkt_build(&c->pkt, buf);
}

/* An IPv4 fragment: XDP leaves it to the stack after raw PREROUTING. */
static bool v4_fragment(const uint8_t *f, size_t len)
{
	return len >= 14 + 20 && f[12] == 0x08 && f[13] == 0x00 && (f[14] >> 4) == 4 &&
	       ((f[20] << 8 | f[21]) & 0x3fff);
}

int prog_check_raw_case(const struct prog *p, const struct bf_ruleset *rs,
			const struct prog_case *c)
{
	int slot = c->rule == PROG_UNCOUNTED ? -1 :
		   c->rule == PROG_POLICY ? prog_raw_policy_slot(rs) :
		   prog_raw_rule_slot(rs, (size_t)c->rule);
	uint8_t buf[PROG_PKT_MAX];
	uint64_t bytes;
	size_t len = prog_case_frame(c, buf, &bytes);
	int also = slot >= 0 && c->ret == XDP_PASS && !v4_fragment(buf, len) ?
			   prog_policy_slot(rs) : -1;

	return prog_check2(p, c->what, buf, len, c->ret, slot, also, bytes);
}

int prog_run_cases(const char *const *rules, enum bf_verdict policy, const char *ifname,
		   const struct prog_case *cases, size_t n)
{
	struct bf_ruleset *rs = prog_ruleset_raw(policy, rules);
	struct prog p;
	int failed = 0;

	if (prog_load(rs, ifname, &p)) {
		fprintf(stderr, "program did not load\n");
		bf_ruleset_free(rs);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		if (prog_check_raw_case(&p, rs, &cases[i]))
			failed++;
	prog_close(&p);
	bf_ruleset_free(rs);
	return failed;
}
