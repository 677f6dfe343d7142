/* The oracle: iptables-legacy in a test namespace B fed over a veth pair
 * from namespace A with an AF_PACKET socket. Every packet is delivered
 * locally in B whatever its destination (a local route for everything),
 * so filter INPUT judges it. A marker rule (protocol RO_MARKER, first in
 * raw PREROUTING and filter INPUT) counts marker frames, which tell when
 * every frame sent before has been through the chains. */
#ifndef RAND_ORACLE_H
#define RAND_ORACLE_H

#include <stddef.h>
#include <stdint.h>

#include "rand_count.h"

#define RO_MARKER 253

/* Makes the namespaces (oracle_net removes them at exit and on SIGINT,
 * SIGTERM, SIGHUP and SIGPIPE), with IPv6 in B when ipv6. Returns 0, or
 * 77 with the reason in why (no oracle here), or -1. */
int ro_setup(bool ipv6, char *why, size_t len);

/* iptables-legacy-restore of text (which must hold the marker rules);
 * resets every counter. Output of a refusal goes to err. */
int ro_restore(int family, const char *text, struct bf_strbuf *err);
int ro_send(const uint8_t *frame, size_t len);
/* Sends a marker and waits until it has been counted, then reads every
 * counter (marker rules left out, indices as without them). */
int ro_sync(int family, struct rc_set *out);

#endif
