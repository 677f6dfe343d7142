/* An iptables (or, called as bpfilter6, ip6tables) command line: parse,
 * run against the namespace's ruleset of that family, commit when it
 * changed, print what -L/-S produced. */
#include <errno.h>
#include <stdio.h>

#include "cli/cli.h"
#include "cli/personality.h"
#include "cli/verbs.h"
#include "common/strbuf.h"
#include "core/state.h"
#include "front/front.h"

static bool shows_counters(const struct bf_command *cmd)
{
	return cmd->cmd == BF_CMD_LIST || cmd->cmd == BF_CMD_LIST_RULES || cmd->cmd == BF_CMD_ZERO;
}

int bf_cli_iptables(int argc, char **argv)
{
	struct bf_command cmd = {0};
	struct bf_strbuf out = {0};
	struct bf_ruleset *rs = NULL;
	struct bf_state st;
	bool changed = false;
	int err, rc;

	err = bf_command_parse_family(argc, argv, bf_cli_family, &cmd);
	if (err) {
		rc = bf_cli_fail(err);
		goto out_cmd;
	}
	if (cmd.cmd == BF_CMD_VERSION || cmd.cmd == BF_CMD_HELP) {
		printf("%s %s\n", bf_prog_name, bf_cli_version());
		rs = cmd.cmd == BF_CMD_HELP ? bf_ruleset_new(bf_cli_family) : NULL;
		if (rs && !bf_command_exec(&cmd, rs, &out, &changed))
			printf("\n%s", bf_strbuf_str(&out));
		bf_ruleset_free(rs);
		rc = 0;
		goto out_cmd;
	}
	/* Only listings show counters; a change reads them if it must. */
	bf_cli_table = bf_table_name(cmd.table);
	rc = bf_cli_open_state(&st, cmd.wait_secs, cmd.wait_interval_us, shows_counters(&cmd));
	if (rc)
		goto out_cmd;

	rs = bf_ruleset_clone(st.rs[bf_cli_family]);
	err = rs ? bf_command_exec(&cmd, rs, &out, &changed) : -ENOMEM;
	if (!err && changed) {
		err = bf_state_commit(&st, bf_cli_family, rs);
		if (!err)
			rs = NULL; /* taken over by the state */
	}
	rc = err ? bf_cli_fail(err) : 0;
	if (!err)
		fputs(bf_strbuf_str(&out), stdout);

	bf_ruleset_free(rs);
	bf_state_close(&st);
out_cmd:
	bf_strbuf_free(&out);
	bf_command_free(&cmd);
	return rc;
}
