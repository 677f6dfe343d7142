/* Shared by the CLI verbs: reporting errors the way iptables does. */
#ifndef BF_CLI_H
#define BF_CLI_H

#include "ir/ruleset.h"

#define BF_VERSION "0.1.0"

/* iptables' exit codes */
#define BF_EXIT_OTHER 1
#define BF_EXIT_PARAMETER 2
#define BF_EXIT_VERSION 3
#define BF_EXIT_RESOURCE 4

/* As invoked (the basename of argv[0]), for messages: "bpfilter6" is
 * ip6tables, any other name iptables. */
extern const char *bf_prog_name;
extern enum bf_family bf_cli_family; /* the family of the invoked name */
extern int bf_verbose;
/* The table the command works on, for messages ("filter" unless -t). */
extern const char *bf_cli_table;

/* The library's messages to the command: errors kept for bf_cli_fail,
 * warnings printed; _end forgets what was kept. */
void bf_cli_log_start(void);
void bf_cli_log_end(void);

/* Prints the error messages the library logged for a failure with code
 * err (negative errno) as iptables would, and returns the exit code. */
int bf_cli_fail(int err);

/* The error messages logged so far ("" when none), and forgetting
 * them: for verbs that print errors their own way (set). */
const char *bf_cli_errors(void);
void bf_cli_errors_reset(void);

/* For problems found by the CLI itself: iptables' PARAMETER_PROBLEM. */
int bf_cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Opens the namespace state with -w semantics, reporting a busy lock as
 * iptables does (exit 4). Returns 0 or an exit code. */
struct bf_state;
/* Opens the namespace's state (bf_state_open; without reading the live
 * counters unless `counters`), failing as iptables does. */
int bf_cli_open_state(struct bf_state *st, int wait_secs, unsigned int interval_us,
		      bool counters);

#endif
