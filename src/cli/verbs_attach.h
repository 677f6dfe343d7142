/* bpfilter's own verbs for attachment: `attach IFACE|--all [--mode M]`,
 * `detach IFACE`, `status`, `watch [--mode M]` (watch.c). Each takes
 * argv starting at the verb word (as the other verbs in verbs.h) and
 * returns the process exit code. Options
 * are exact words (no abbreviations); -w [SECS], -W USECS and -v are
 * accepted as by iptables commands. */
#ifndef BF_VERBS_ATTACH_H
#define BF_VERBS_ATTACH_H

int bf_cli_attach(int argc, char **argv);
int bf_cli_detach(int argc, char **argv);
int bf_cli_status(int argc, char **argv);
int bf_cli_watch(int argc, char **argv);

#endif
