/* The LOG target (src/ext/target_log.c) run with BPF_PROG_TEST_RUN: each
 * packet a LOG rule sees becomes one event in the ring buffer, with the
 * rule's options, the interface compiled for, the time and the frame's
 * first bytes; the walk goes on to the next rule, whose verdict and
 * counter the packet gets (LOG's rule counts it too). A full ring buffer
 * loses events and counts them. The netfilter stage's program logs the
 * same. What `bpfilter log` prints of the events is checked against the
 * kernel's LOG target in e2e/test_log.sh. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgen/log_event.h"
#include "cgen/nf.h"
#include "cgen/nf_uapi.h"
#include "lib/front_util.h"
#include "lib/prog_pkt.h"
#include "lib/prog_rules.h"
#include "lib/prog_run.h"
#include "ir/ruleset.h"

#define MAX_EVENTS 4096

static struct bf_log_event events[MAX_EVENTS];
static size_t n_events;

static int on_event(void *ctx, void *data, size_t size)
{
	assert_int_equal(size, sizeof(struct bf_log_event));
	if (n_events < MAX_EVENTS)
		memcpy(&events[n_events], data, sizeof(events[0]));
	n_events++;
	return 0;
}

/* Reads every event in the program's ring buffer into events[]. */
static size_t drain(const struct prog *p)
{
	struct ring_buffer *rb = ring_buffer__new(p->log_fd, on_event, NULL, NULL);

	assert_non_null(rb);
	n_events = 0;
	assert_true(ring_buffer__consume(rb) >= 0);
	ring_buffer__free(rb);
	return n_events;
}

static uint64_t drops(const struct prog *p)
{
	uint32_t k = 0;
	uint64_t v;

	assert_int_equal(bpf_map_lookup_elem(p->log_drops_fd, &k, &v), 0);
	return v;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static struct bf_ruleset *ruleset(enum bf_family family, const char *const *rules)
{
	struct bf_ruleset *rs = bf_ruleset_new(family);
	struct bf_strbuf out = {0};

	assert_non_null(rs);
	for (size_t i = 0; rules[i]; i++)
		if (front_cmd(rs, rules[i], &out)) {
			fprintf(stderr, "%s: %s\n", rules[i], front_errors());
			fail();
		}
	bf_strbuf_free(&out);
	return rs;
}

static void check_event(const struct bf_log_event *e, enum bf_family family, uint8_t level,
			uint8_t flags, const char *prefix, const char *ifname,
			const uint8_t *frame, size_t len, size_t l3_off, uint32_t pkt_len,
			uint64_t t0)
{
	assert_int_equal(e->family, family);
	assert_int_equal(e->level, level);
	assert_int_equal(e->logflags, flags);
	assert_string_equal(e->prefix, prefix);
	assert_string_equal(e->ifname, ifname);
	assert_int_equal(e->l3_off, l3_off);
	assert_int_equal(e->mac_len, l3_off);
	assert_int_equal(e->len, pkt_len);
	assert_int_equal(e->cap, len < BF_LOG_DATA ? len : BF_LOG_DATA);
	assert_memory_equal(e->data, frame, e->cap);
	assert_true(e->ts_ns >= t0 && e->ts_ns <= now_ns());
}

/* IPv4 TCP: LOG, then DROP of the same packets; another LOG for UDP. */
static void ipv4_tcp(void **state)
{
	static const char *const rules[] = {
		"-A INPUT -p tcp --dport 80 -j LOG --log-prefix \"T4: \" --log-level 6 "
		"--log-tcp-options --log-ip-options",
		"-A INPUT -p udp -j LOG",
		"-A INPUT -p tcp --dport 80 -j DROP",
		NULL,
	};
	struct bf_ruleset *rs = ruleset(BF_FAMILY_IPV4, rules);
	struct prog_pkt pkt = {.opt_words = 2, .payload = 10};
	uint8_t frame[PROG_PKT_MAX];
	size_t len = prog_pkt_build(&pkt, frame);
	uint64_t t0 = now_ns();
	struct prog p;

	assert_int_equal(prog_load(rs, "veth-t", &p), 0);
	assert_int_equal(prog_check2(&p, "tcp 80", frame, len, XDP_DROP, prog_rule_slot(rs, 0),
				     prog_rule_slot(rs, 2), prog_pkt_ip_len(&pkt)), 0);
	assert_int_equal(drain(&p), 1);
	check_event(&events[0], BF_FAMILY_IPV4, 6, BF_LOG_F_TCPOPT | BF_LOG_F_IPOPT, "T4: ",
		    "veth-t", frame, len, 14, prog_pkt_ip_len(&pkt), t0);

	/* A frame longer than an event keeps: its first bytes. */
	pkt = (struct prog_pkt){.proto = 17, .payload = 1000};
	len = prog_pkt_build(&pkt, frame);
	assert_int_equal(prog_check2(&p, "udp", frame, len, XDP_PASS, prog_rule_slot(rs, 1),
				     prog_policy_slot(rs), prog_pkt_ip_len(&pkt)), 0);
	assert_int_equal(drain(&p), 1);
	check_event(&events[0], BF_FAMILY_IPV4, 4, 0, "", "veth-t", frame, len, 14,
		    prog_pkt_ip_len(&pkt), t0);
	assert_int_equal(drops(&p), 0);
	prog_close(&p);
	bf_ruleset_free(rs);
}

/* IPv6 behind a priority tag: the link-layer header is the 18 bytes
 * before the network header. */
static void ipv6_vlan(void **state)
{
	static const char *const rules[] = {
		"-A INPUT -p udp -j LOG --log-prefix six --log-level 1 --log-macdecode "
		"--log-uid --log-tcp-sequence",
		"-A INPUT -p udp -j DROP",
		NULL,
	};
	struct bf_ruleset *rs = ruleset(BF_FAMILY_IPV6, rules);
	uint8_t plain[PROG_PKT_MAX], frame[PROG_PKT_MAX];
	size_t len = prog_pkt_ipv6(plain) + 4;
	uint64_t t0 = now_ns();
	struct prog p;

	memcpy(frame, plain, 12);
	memcpy(frame + 12, "\x81\x00\x00\x00", 4);
	memcpy(frame + 16, plain + 12, len - 16);
	assert_int_equal(prog_load(rs, "veth-b", &p), 0);
	assert_int_equal(prog_check2(&p, "ipv6 udp", frame, len, XDP_DROP, prog_rule_slot(rs, 0),
				     prog_rule_slot(rs, 1), 48), 0);
	assert_int_equal(drain(&p), 1);
	check_event(&events[0], BF_FAMILY_IPV6, 1,
		    BF_LOG_F_MACDECODE | BF_LOG_F_UID | BF_LOG_F_TCPSEQ, "six", "veth-b", frame,
		    len, 18, 48, t0);
	prog_close(&p);
	bf_ruleset_free(rs);
}

/* More events than the ring buffer holds: the others are counted lost,
 * and the packets still go on to the next rule. */
static void full(void **state)
{
	static const char *const rules[] = {
		"-A INPUT -j LOG --log-prefix full",
		"-A INPUT -j ACCEPT",
		NULL,
	};
	const uint32_t n = 4000;
	struct bf_ruleset *rs = ruleset(BF_FAMILY_IPV4, rules);
	struct prog_pkt pkt = {.proto = 17};
	uint8_t frame[PROG_PKT_MAX];
	size_t len = prog_pkt_build(&pkt, frame), got;
	struct prog p;

	assert_int_equal(prog_load(rs, "", &p), 0);
	assert_int_equal(prog_run_repeat(&p, frame, len, n), XDP_PASS);
	assert_int_equal(prog_counter(&p, (size_t)prog_rule_slot(rs, 0)).packets, n);
	assert_int_equal(prog_counter(&p, (size_t)prog_rule_slot(rs, 1)).packets, n);
	got = drain(&p);
	assert_true(got > 1000 && got < n);
	assert_int_equal(got + drops(&p), n);
	assert_string_equal(events[got - 1].prefix, "full");
	/* Room again once read. */
	assert_int_equal(prog_run(&p, frame, len), XDP_PASS);
	assert_int_equal(drain(&p), 1);
	prog_close(&p);
	bf_ruleset_free(rs);
}

/* The netfilter stage's program (reassembled datagrams at filter INPUT):
 * the frame's Ethernet header from the skb, the datagram from its
 * network header. (Compiled for every interface: a test run's skb has
 * none of ours.) */
static void netfilter(void **state)
{
	static const char *const rules[] = {
		"-A INPUT -p tcp -j LOG --log-prefix nf --log-level 3",
		"-A INPUT -p tcp -j DROP",
		NULL,
	};
	unsigned char ctx[2] = {BF_NF_INET_LOCAL_IN, BF_NFPROTO_IPV4};
	struct bf_ruleset *rs = ruleset(BF_FAMILY_IPV4, rules);
	struct prog_pkt pkt = {.opt_words = 3, .payload = 500};
	uint8_t frame[PROG_PKT_MAX];
	size_t len = prog_pkt_build(&pkt, frame);
	uint64_t t0 = now_ns();
	struct bf_cgen cg;
	struct prog p;
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = (uint32_t)len,
		    .ctx_in = ctx, .ctx_size_in = sizeof(ctx), .repeat = 1);

	bf_cgen_init(&cg);
	assert_int_equal(bf_cgen_compile_nf_hook(&cg, rs, "", &bf_hook_nf_local_in_all), 0);
	assert_int_equal(prog_load_cgen(&cg, bf_ruleset_n_slots(rs), &p), 0);
	bf_cgen_free(&cg);
	assert_int_equal(bpf_prog_test_run_opts(p.prog_fd, &opts), 0);
	assert_int_equal(opts.retval, BF_NF_DROP);
	assert_int_equal(prog_counter(&p, (size_t)prog_rule_slot(rs, 0)).packets, 1);
	assert_int_equal(prog_counter(&p, (size_t)prog_rule_slot(rs, 1)).packets, 1);
	assert_int_equal(drain(&p), 1);
	check_event(&events[0], BF_FAMILY_IPV4, 3, 0, "nf", "", frame, len, 14,
		    prog_pkt_ip_len(&pkt), t0);
	prog_close(&p);
	bf_ruleset_free(rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ipv4_tcp),
		cmocka_unit_test(ipv6_vlan),
		cmocka_unit_test(full),
		cmocka_unit_test(netfilter),
	};

	prog_need_root();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
