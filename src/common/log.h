/* Library logging: the library never prints, it reports through a callback
 * that the CLI (or a test) sets. */
#ifndef BF_LOG_H
#define BF_LOG_H

#include <stdarg.h>

enum bf_log_level {
	BF_LOG_ERR,   /* the reason a command fails */
	BF_LOG_WARN,  /* something the user should know, command goes on */
	BF_LOG_INFO,  /* shown with -v */
	BF_LOG_DEBUG, /* shown with -v -v (e.g. the verifier log) */
};

typedef void (*bf_log_fn)(enum bf_log_level level, const char *msg, void *data);

void bf_log_set(bf_log_fn fn, void *data);
/* Nested muting: bf_log_mute(1) drops every message until the matching
 * bf_log_mute(-1), e.g. while re-reading stored state whose warnings were
 * already shown when it was written. */
void bf_log_mute(int delta);
void bf_log(enum bf_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Log an error and return err (a negative errno), for `return bf_err(...)`. */
int bf_err(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
