#include "prog_cases.h"

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

int prog_run_cases(const char *const *rules, enum bf_verdict policy, const char *ifname,
		   const struct prog_case *cases, size_t n)
{
	struct bf_ruleset *rs = prog_ruleset(policy, rules);
	struct prog p;
	int failed = 0;

	if (prog_load(rs, ifname, &p)) {
		fprintf(stderr, "program did not load\n");
		bf_ruleset_free(rs);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		const struct prog_case *c = &cases[i];
		int slot = c->rule == PROG_UNCOUNTED ? -1 :
			   c->rule == PROG_POLICY ? prog_policy_slot(rs) :
			   prog_rule_slot(rs, (size_t)c->rule);

		uint8_t buf[PROG_PKT_MAX];
		uint64_t bytes;
		size_t len = prog_case_frame(c, buf, &bytes);

		if (prog_check(&p, c->what, buf, len, c->ret, slot, bytes))
			failed++;
	}
	prog_close(&p);
	bf_ruleset_free(rs);
	return failed;
}
