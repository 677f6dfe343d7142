/* The CLI's verbs. Each takes argv starting at the verb word (argv[0])
 * and returns the process exit code. */
#ifndef BF_VERBS_H
#define BF_VERBS_H

#include "cli/verbs_attach.h"

int bf_cli_iptables(int argc, char **argv); /* argv[0] = program name */
int bf_cli_save(int argc, char **argv);
int bf_cli_restore(int argc, char **argv);
/* Where restore's input is in its argv (as bf_cli_restore reads it): the
 * index of the file, 0 for stdin, -1 when the command line is for
 * bf_cli_restore to answer (-h, -V, an unknown option, two files). */
int bf_cli_restore_input(int argc, char **argv);
/* `log [--follow] [--syslog]`: the LOG target's lines (cli/log.c). */
int bf_cli_log(int argc, char **argv);
/* `recent [-4|-6] list [NAME]`, `recent add|del NAME ADDR`, `recent flush
 * NAME`: recent's lists (cli/recent.c). */
int bf_cli_recent(int argc, char **argv);
/* `set ...`: ipset's commands on bpfilter's sets (cli/set.c). */
int bf_cli_set(int argc, char **argv);
/* `boot`: restores the saved rulesets and attaches, as the systemd unit
 * does at boot (cli/boot.c). */
int bf_cli_boot(int argc, char **argv);

#endif
