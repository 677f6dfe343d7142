/* The benchmark of issue 5 (`make bench`): shared pieces. Not a test:
 * it measures, prints and writes bench/results.json. */
#ifndef BENCH_H
#define BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Rule counts measured; the last (100k) is expected not to load today. */
#define BENCH_N_SIZES 5
extern const unsigned bench_sizes[BENCH_N_SIZES];

/* iptables-restore text for raw PREROUTING of n rules of mixed shape
 * (source CIDR, destination port, protocol, combinations); the last rule
 * drops the "match" frame, no rule matches the "miss" frame. v6: the
 * ip6tables form. malloc'ed, NULL on -ENOMEM. */
char *bench_rules_text(unsigned n, bool v6);
/* The last rule as an iptables argv tail (after "-A PREROUTING"). */
const char *bench_rules_last(bool v6);

/* 64-byte (with FCS) Ethernet frames: UDP 198.18.0.1:40000 ->
 * 198.18.0.2 (or 2001:db8::1 -> 2001:db8::2), destination port 9 (match)
 * or 10 (miss). Returns the length (without FCS). */
#define BENCH_DPORT_MATCH 9
#define BENCH_DPORT_MISS 10
size_t bench_frame(uint8_t *buf, bool v6, uint16_t dport, const uint8_t dmac[6],
		   const uint8_t smac[6]);

/* Median, min and max of n samples (sorts them). */
struct bench_stat {
	double median, min, max;
	unsigned n;
};
struct bench_stat bench_stat(double *v, unsigned n);

double bench_now(void); /* CLOCK_MONOTONIC seconds */

/* Data files for the plot (NULL: none): ns.dat, pps.dat, and lines.gp
 * with the floor and the XDP_DROP rate as gnuplot variables. */
extern const char *bench_data_dir;
FILE *bench_data_open(const char *name, const char *mode);

/* JSON output, written as it goes. */
extern FILE *bench_json;
void bench_json_str(const char *s); /* a quoted, escaped string */

/* The sections; each writes its JSON members (ending with a comma). */
int bench_testrun(void);  /* 1: BPF_PROG_TEST_RUN, compile/load, memory */
int bench_live(void);     /* 2-4: live traffic, restore, memory, RSS */

/* Kernel memory charged to a BPF object fd (fdinfo "memlock:"), or -1. */
long bench_fd_memlock(int fd);

#endif
