/* The log verb: `bpfilter log [--follow] [--syslog]` prints the LOG
 * target's events of this network namespace as the kernel's LOG target
 * prints its lines (core/log_line.h). It reads the namespace's ring
 * buffer (core/log_ring.h) without the state lock, so rules can change
 * meanwhile; each event is read once (a second reader gets the rest). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "cli/cli.h"
#include "cli/verbs.h"
#include "common/log.h"
#include "core/log_line.h"
#include "core/log_ring.h"

struct log_opts {
	bool follow, syslog;
	struct bf_strbuf line;
};

static void usage(void)
{
	printf("Usage: %s log [--follow] [--syslog]\n"
	       "Prints the packets LOG rules saw, as the kernel's LOG target does, and\n"
	       "exits; with --follow, waits for more until killed. --syslog sends each\n"
	       "line to syslog (facility kern, the rule's --log-level) instead.\n",
	       bf_prog_name);
}

static int on_event(void *ctx, void *data, size_t size)
{
	const struct bf_log_event *ev = data;
	struct log_opts *o = ctx;

	bf_strbuf_reset(&o->line);
	bf_log_line(&o->line, ev, size);
	if (o->syslog) {
		syslog(LOG_KERN | (ev->level & 7), "%s", bf_strbuf_str(&o->line));
	} else {
		/* As dmesg stamps the kernel's lines (the monotonic clock). */
		if (size >= sizeof(ev->ts_ns))
			printf("[%5llu.%06llu] ", (unsigned long long)(ev->ts_ns / 1000000000),
			       (unsigned long long)(ev->ts_ns % 1000000000 / 1000));
		printf("%s\n", bf_strbuf_str(&o->line));
	}
	return 0;
}

static void report_drops(const struct bf_log_ring *r)
{
	uint64_t n;

	if (!bf_log_ring_take_drops(r, &n) && n)
		fprintf(stderr, "%s: %llu packet%s not logged: the log buffer was full\n",
			bf_prog_name, (unsigned long long)n, n == 1 ? "" : "s");
}

/* The pinned ring buffer is another one (removed with the last
 * attachment, then made again) or gone. */
static bool ring_changed(const struct bf_log_ring *r)
{
	struct bf_log_ring now;
	bool changed;

	if (bf_log_ring_open(false, &now))
		return true;
	changed = now.ring_id != r->ring_id;
	bf_log_ring_close(&now);
	return changed;
}

/* Prints what one ring buffer holds (with follow, until it is replaced:
 * *again is then set). 0 or an exit code. */
static int read_ring(struct log_opts *o, const struct bf_log_ring *r, bool *again)
{
	struct ring_buffer *rb = ring_buffer__new(r->ring_fd, on_event, o, NULL);
	int err;

	*again = false;
	if (!rb) {
		err = -errno;
		return bf_cli_fail(bf_err(err, "cannot read the log ring buffer: %s",
					  strerror(-err)));
	}
	do {
		err = o->follow ? ring_buffer__poll(rb, 1000) : ring_buffer__consume(rb);
		report_drops(r);
		if (err == -EINTR)
			err = 0;
		if (o->follow && !err && ring_changed(r)) {
			err = ring_buffer__consume(rb); /* what is left in the old one */
			*again = true;
			break;
		}
	} while (o->follow && err >= 0);
	ring_buffer__free(rb);
	if (err < 0)
		return bf_cli_fail(bf_err(err, "cannot read the log ring buffer: %s",
					  strerror(-err)));
	return 0;
}

static int run(struct log_opts *o)
{
	bool again = true;
	int err, rc = 0;

	while (again && !rc) {
		struct bf_log_ring r;

		err = bf_log_ring_open(false, &r);
		if (err == -ENOENT && o->follow) {
			sleep(1); /* nothing logged in this namespace yet */
			continue;
		}
		if (err == -ENOENT)
			return 0;
		if (err)
			return bf_cli_fail(err);
		rc = read_ring(o, &r, &again);
		bf_log_ring_close(&r);
	}
	return rc;
}

int bf_cli_log(int argc, char **argv)
{
	struct log_opts o = {0};
	int rc;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--follow"))
			o.follow = true;
		else if (!strcmp(argv[i], "--syslog"))
			o.syslog = true;
		else if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose"))
			; /* main() counted it */
		else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return usage(), 0;
		else
			return bf_cli_usage_error("Bad argument `%s'", argv[i]);
	}
	if (o.syslog)
		openlog("bpfilter", LOG_NDELAY, LOG_KERN);
	/* Lines as they come, also into a pipe. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	rc = run(&o);
	bf_strbuf_free(&o.line);
	return rc;
}
