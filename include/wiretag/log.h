/*  log.h: one log format for every long-running program (broker, worker).

    Text (the default): one line per event,
        2026-12-07T10:51:58.814Z PROGRAM LEVEL key=value ... message
    (UTC with milliseconds; a field whose key starts with '_' is written as
    its bare value, which keeps the broker's "SOCK ... CODE" columns).
    JSON (`log.format: json`): one object per line with "ts", "program",
    "level", every field by its key (without the '_') and "msg".
    Lines go to stderr, written whole by one call.
*/
#ifndef WT_LOG_H
#define WT_LOG_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    const char *key, *value;
} wt_log_kv_t;

/* Choose the format for the whole process (text unless json). */
void wt_log_set_json(bool json);
/* Level names: 0 error, 1 warn, 2 info, 3 debug. */
const char *wt_log_level_name(int level);
/* Write one event; kv may be NULL when n is 0, values may be NULL ("-"). */
void wt_log_write(const char *program, int level, const wt_log_kv_t *kv, size_t n, const char *msg);

#ifdef __cplusplus
}
#endif
#endif
