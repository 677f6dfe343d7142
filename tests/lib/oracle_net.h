/* The plumbing of tests that run iptables-legacy as an oracle: shell
 * commands, scratch network namespaces (deleted at exit and on fatal
 * signals), veth pairs, running code inside a namespace, an AF_PACKET
 * socket to send crafted frames, and a chain's counters.
 *
 * Typical use: oracle_netns_add(a), oracle_netns_add(b), oracle_veth_add()
 * then the test's own sysctls and `ip link set up`, oracle_pin_cpu(),
 * oracle_sock_open() in A; oracle_sh_in(b, "iptables-legacy ...") to load
 * rules, oracle_send() frames, oracle_counts_read() to read what B
 * counted. oracle_skip() when the oracle cannot run. */
#ifndef ORACLE_NET_H
#define ORACLE_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Runs a command built printf-style with system(): its exit status, or -1
 * when it could not run (or died of a signal). */
int oracle_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same inside namespace ns (`ip netns exec ns ...`). */
int oracle_sh_in(const char *ns, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Whether a command is on the PATH. */
bool oracle_have(const char *cmd);

/* Creates namespace `name` (`ip netns add`) and remembers it for
 * oracle_cleanup(). The first call arranges for the cleanup at exit and on
 * SIGINT, SIGTERM, SIGHUP and SIGPIPE (then exits 128 + signal). 0 or -1. */
int oracle_netns_add(const char *name);
/* Deletes every namespace oracle_netns_add() made; may be called again. */
void oracle_cleanup(void);
/* Prints why the oracle cannot run, cleans up and exits 77 (skip). */
void oracle_skip(const char *why) __attribute__((noreturn));

/* A veth pair: if_a in namespace ns_a, its peer if_b in ns_b, with these
 * MAC addresses (NULL: the kernel's random one). Both left down. 0 or -1. */
int oracle_veth_add(const char *ns_a, const char *if_a, const char *mac_a, const char *ns_b,
		    const char *if_b, const char *mac_b);

/* Runs fn(arg) in namespace ns's network namespace and comes back (aborts
 * if it cannot: the test would go on in the wrong one). fn's result, or -1
 * when ns cannot be entered. */
int oracle_in_netns(const char *ns, int (*fn)(void *), void *arg);
/* popen(cmd, mode) with the command in namespace ns; NULL on failure.
 * Cheaper than `ip netns exec` (no mount namespace per command). */
FILE *oracle_popen_in(const char *ns, const char *cmd, const char *mode);

/* Keeps the process on the CPU it runs on: frames sent one after the
 * other then go through the receiver's backlog in order. */
void oracle_pin_cpu(void);

/* An AF_PACKET socket bound to no protocol, sending on one interface. */
struct oracle_sock {
	int fd;
	int ifindex;
};

/* Opens the socket in namespace ns for interface ifname. 0 or -1. */
int oracle_sock_open(struct oracle_sock *s, const char *ns, const char *ifname);
/* Sends one whole Ethernet frame. 0 or -1. */
int oracle_send(const struct oracle_sock *s, const void *frame, size_t len);
void oracle_sock_close(struct oracle_sock *s);

/* A chain's counters: [0] the policy (0 for a user chain), then rule k
 * at k + 1. */
#define ORACLE_MAX_RULES 64
struct oracle_counts {
	uint64_t pkts[ORACLE_MAX_RULES + 1], bytes[ORACLE_MAX_RULES + 1];
	size_t n_rules;
};

/* Reads chain `chain` of `table` with `ipt -t table -L chain -v -x -n` in
 * namespace ns (ipt: "iptables-legacy" or "ip6tables-legacy"). Rules past
 * ORACLE_MAX_RULES are not read. 0, or -1 when the command fails. */
int oracle_counts_read(const char *ns, const char *ipt, const char *table, const char *chain,
		       struct oracle_counts *c);

#endif
