/* libbpf prints through its own callback (to stderr by default): route it
 * to bf_log, and keep the kernel's last extack message, which says why a
 * netlink request failed better than the errno does. */
#include <bpf/libbpf.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "kern/kern_int.h"

#define EXTACK_PREFIX "Kernel error message: "

static char last_msg[256];

static int print_cb(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char msg[512];
	size_t len;
	const char *p;

	if (level == LIBBPF_DEBUG)
		return 0;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	len = strlen(msg);
	while (len && msg[len - 1] == '\n')
		msg[--len] = '\0';
	p = strstr(msg, EXTACK_PREFIX);
	if (p)
		snprintf(last_msg, sizeof(last_msg), "%s", p + strlen(EXTACK_PREFIX));
	bf_log(BF_LOG_INFO, "%s", msg);
	return 0;
}

void bf_kern_log_init(void)
{
	static bool done;

	if (!done) {
		libbpf_set_print(print_cb);
		done = true;
	}
	last_msg[0] = '\0';
}

const char *bf_kern_last_msg(void)
{
	return last_msg[0] ? last_msg : NULL;
}
