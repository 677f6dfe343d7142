#include "log.h"

#include <stdio.h>

static bf_log_fn log_fn;
static void *log_data;
static int muted;

void bf_log_mute(int delta)
{
	muted += delta;
}

void bf_log_set(bf_log_fn fn, void *data)
{
	log_fn = fn;
	log_data = data;
}

static void vlog(enum bf_log_level level, const char *fmt, va_list ap)
{
	char msg[1024];

	if (!log_fn || muted > 0)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	log_fn(level, msg, log_data);
}

void bf_log(enum bf_log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(level, fmt, ap);
	va_end(ap);
}

int bf_err(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(BF_LOG_ERR, fmt, ap);
	va_end(ap);
	return err;
}
