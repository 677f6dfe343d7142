/* The LOG line of events the kernel comparison (e2e/test_log.sh) cannot
 * make: a datagram without a MAC header (the netfilter stage's, when the
 * skb has none), a packet longer than the event keeps, a short event.
 * Every field of the lines themselves is checked there against the
 * kernel's. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/log_line.h"
#include "ir/ruleset.h"

static const uint8_t udp4[] = {
	0x45, 0, 0, 28, 0, 1, 0x40, 0, 64, 17, 0, 0, 198, 18, 0, 1, 198, 18, 0, 2,
	0, 1, 0, 2, 0, 8, 0, 0,
};

static void event(struct bf_log_event *ev, const uint8_t *l3, size_t n, uint32_t len)
{
	memset(ev, 0, sizeof(*ev));
	ev->family = BF_FAMILY_IPV4;
	ev->l3_off = 14;
	ev->mac_len = 14;
	memcpy(ev->data, "\x02\0\0\0\0\x0b\x02\0\0\0\0\x0a\x08\0", 14);
	memcpy(ev->data + 14, l3, n);
	ev->cap = (uint16_t)(14 + n);
	ev->len = len;
	strcpy(ev->ifname, "eth0");
	strcpy(ev->prefix, "p: ");
}

static void check(const struct bf_log_event *ev, size_t size, const char *want)
{
	struct bf_strbuf b = {0};

	bf_log_line(&b, ev, size);
	assert_string_equal(bf_strbuf_str(&b), want);
	bf_strbuf_free(&b);
}

static void no_mac(void **state)
{
	struct bf_log_event ev;

	event(&ev, udp4, sizeof(udp4), 28);
	check(&ev, sizeof(ev), "p: IN=eth0 OUT= MAC=02:00:00:00:00:0b:02:00:00:00:00:0a:08:00 "
	      "SRC=198.18.0.1 DST=198.18.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF "
	      "PROTO=UDP SPT=1 DPT=2 LEN=8 ");
	ev.mac_len = 0;
	check(&ev, sizeof(ev), "p: IN=eth0 OUT= MAC= SRC=198.18.0.1 DST=198.18.0.2 LEN=28 "
	      "TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=UDP SPT=1 DPT=2 LEN=8 ");
	/* dump_mac_header says nothing then with --log-macdecode. */
	ev.logflags = BF_LOG_F_MACDECODE;
	check(&ev, sizeof(ev), "p: IN=eth0 OUT= SRC=198.18.0.1 DST=198.18.0.2 LEN=28 "
	      "TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=UDP SPT=1 DPT=2 LEN=8 ");
}

/* Bytes past what the event kept read as absent; Ethernet padding past
 * the packet's length is not the packet's. */
static void short_capture(void **state)
{
	struct bf_log_event ev;

	event(&ev, udp4, 24, 1000);
	check(&ev, sizeof(ev), "p: IN=eth0 OUT= MAC=02:00:00:00:00:0b:02:00:00:00:00:0a:08:00 "
	      "SRC=198.18.0.1 DST=198.18.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF "
	      "PROTO=UDP INCOMPLETE [980 bytes] ");
	event(&ev, udp4, sizeof(udp4), 24);
	check(&ev, sizeof(ev), "p: IN=eth0 OUT= MAC=02:00:00:00:00:0b:02:00:00:00:00:0a:08:00 "
	      "SRC=198.18.0.1 DST=198.18.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF "
	      "PROTO=UDP INCOMPLETE [4 bytes] ");
	event(&ev, udp4, 12, 28);
	check(&ev, sizeof(ev), "p: IN=eth0 OUT= MAC=02:00:00:00:00:0b:02:00:00:00:00:0a:08:00 "
	      "TRUNCATED");
	/* An event cut before its data, or shorter than its cap says. */
	check(&ev, 20, "TRUNCATED");
	check(&ev, offsetof(struct bf_log_event, data) + 20,
	      "p: IN=eth0 OUT= MAC=02:00:00:00:00:0b:02:00:00:00:00:0a:08:00 TRUNCATED");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(no_mac),
		cmocka_unit_test(short_capture),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
