/* JSON output (`--json`): values written into a strbuf. */
#ifndef BF_COMMON_JSON_H
#define BF_COMMON_JSON_H

#include <stdbool.h>
#include <stdint.h>

#include "common/strbuf.h"

/* s as a JSON string, quoted and escaped. */
void bf_json_str(struct bf_strbuf *b, const char *s);
/* "key":"value" and "key":number, after a comma unless *first. */
void bf_json_kv_str(struct bf_strbuf *b, bool *first, const char *key, const char *value);
void bf_json_kv_u64(struct bf_strbuf *b, bool *first, const char *key, uint64_t value);
/* "key": (after a comma unless *first), for an object or array to follow. */
void bf_json_key(struct bf_strbuf *b, bool *first, const char *key);

#endif
