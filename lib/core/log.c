/*  log.c: the shared log line (see include/wiretag/log.h). JSON strings
    are escaped by jansson, never by hand. */
#include "wiretag/log.h"
#include "wiretag/common.h"

#include <jansson.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static atomic_bool s_json = false;

void wt_log_set_json(bool json)
{
    atomic_store(&s_json, json);
}

const char *wt_log_level_name(int level)
{
    static const char *const names[] = {"error", "warn", "info", "debug"};
    return level >= 0 && level < 4 ? names[level] : "info";
}

void wt_log_write(const char *program, int level, const wt_log_kv_t *kv, size_t n, const char *msg)
{
    char ts[48];
    int64_t now = wt_time_ms();
    time_t secs = (time_t)(now / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    size_t l = strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(ts + l, sizeof ts - l, ".%03dZ", (int)(now % 1000));
    if (atomic_load(&s_json)) {
        json_t *o = json_object();
        json_object_set_new(o, "ts", json_string(ts));
        json_object_set_new(o, "program", json_string(program));
        json_object_set_new(o, "level", json_string(wt_log_level_name(level)));
        for (size_t i = 0; i < n; i++) {
            const char *k = kv[i].key[0] == '_' ? kv[i].key + 1 : kv[i].key;
            json_t *v = json_string(kv[i].value ? kv[i].value : "-");
            json_object_set_new(o, k, v ? v : json_string("?"));
        }
        json_t *m = json_string(msg ? msg : "");
        json_object_set_new(o, "msg", m ? m : json_string("(not UTF-8)"));
        char *line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
        if (line) {
            fprintf(stderr, "%s\n", line);
            free(line);
        }
        json_decref(o);
        return;
    }
    char line[2048];
    int off = snprintf(line, sizeof line, "%s %s %s", ts, program, wt_log_level_name(level));
    for (size_t i = 0; i < n && off > 0 && (size_t)off < sizeof line; i++) {
        const char *v = kv[i].value ? kv[i].value : "-";
        if (kv[i].key[0] == '_')
            off += snprintf(line + off, sizeof line - (size_t)off, " %s", v);
        else
            off += snprintf(line + off, sizeof line - (size_t)off, " %s=%s", kv[i].key, v);
    }
    if (off > 0 && (size_t)off < sizeof line && msg && *msg)
        snprintf(line + off, sizeof line - (size_t)off, " %s", msg);
    fprintf(stderr, "%s\n", line);
}
