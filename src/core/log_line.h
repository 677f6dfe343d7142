/* The line the kernel's LOG target (nf_log_syslog.c: dump_mac_header,
 * dump_ipv4_packet, dump_ipv6_packet) prints for a packet, made from a
 * LOG event (cgen/log_event.h), for `bpfilter log`. */
#ifndef BF_CORE_LOG_LINE_H
#define BF_CORE_LOG_LINE_H

#include <stddef.h>

#include "cgen/log_event.h"
#include "common/strbuf.h"

/* Appends the line, without the kernel's timestamp and newline; size is
 * the event's size as read (a shorter one is printed as "TRUNCATED"). */
void bf_log_line(struct bf_strbuf *out, const struct bf_log_event *ev, size_t size);

#endif
