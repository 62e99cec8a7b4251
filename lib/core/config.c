/*  config.c: wiretag's configuration as one declarative table.

    Every key is one row of s_keys[]: dotted name, type, default (as the text
    a config file would hold, parsed by the same code), bounds, enum names,
    target field and a one-line description. wt_config_defaults() parses
    the defaults; wt_config_load() walks the YAML event stream of libyaml,
    turns nested maps into dotted keys and checks each value against its
    row. The first problem stops the load with "FILE:LINE:COL: key: reason
    (expected ...)". Anchors, aliases, tags, duplicate keys, unknown keys,
    wrong types, out-of-range values and files over WT_CONFIG_MAX_BYTES are
    fatal. docs/CONFIG.md and config/wiretag.yaml list the same keys (the
    unit test checks it).
*/
#include "wiretag/config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

typedef enum {
    T_STRING,   /* char *: any scalar */
    T_INT,      /* int64_t or int (see F_INT32) */
    T_SIZE,     /* int64_t bytes: 123, 64KiB, 2MiB, 1GiB, 10MB */
    T_DURATION, /* int64_t in ms (or s with F_SECONDS): 250ms, 3s, 5m, 2h, 7d */
    T_BOOL,     /* bool */
    T_DOUBLE,   /* double */
    T_ENUM,     /* int: index into names */
    T_ENUMSTR,  /* char *: one of names */
    T_PATH,     /* char *: resolved (see file header) */
    T_STRLIST,  /* wt_strlist_t of strings */
    T_PATHLIST  /* wt_strlist_t of resolved paths */
} s_type_t;

enum {
    F_NULLABLE = 1, /* null allowed (string/path stays NULL) */
    F_INT32 = 2,    /* target is int, not int64_t */
    F_SECONDS = 4,  /* duration stored in seconds */
    F_CWD = 8,      /* relative path stays relative to the working directory */
    F_DATA = 16     /* relative path in a file: next to the file, else in the data dir */
};

typedef struct {
    const char *key;
    s_type_t type;
    const char *def; /* NULL = null; lists: comma-separated, "" = empty */
    double min, max; /* numbers: value bounds (ms for durations); lists: item count */
    const char *const *names;
    size_t off;
    unsigned flags;
    const char *doc;
} s_key_t;

static const char *const s_fsync_names[] = {"always", "interval", "never", NULL};
static const char *const s_storage_names[] = {"file", "memory", NULL};
static const char *const s_level_names[] = {"error", "warn", "info", "debug", NULL};
static const char *const s_log_formats[] = {"text", "json", NULL};

#define KIB    (1024.0)
#define MIB    (1024.0 * 1024)
#define GIB    (1024.0 * 1024 * 1024)
#define TIB    (1024.0 * 1024 * 1024 * 1024)
#define SEC    1000.0
#define MIN    (60 * SEC)
#define HOUR   (3600 * SEC)
#define DAY    (86400 * SEC)
#define OFF(f) offsetof(wt_config_t, f)

static const s_key_t s_keys[] = {
    /* engine */
    {"actors.dictionaries", T_PATHLIST,
     "actors/countries.yaml,actors/organizations.yaml,actors/institutions.yaml,"
     "actors/people.yaml,actors/agents.yaml,actors/companies.yaml,actors/companies-listed.yaml",
     0, WT_CONFIG_MAX_LIST, NULL, OFF(actors_dictionaries), F_DATA,
     "our YAML actor dictionaries, loaded in this order"},
    {"actors.petrarch", T_PATHLIST, "", 0, WT_CONFIG_MAX_LIST, NULL, OFF(actors_petrarch), F_DATA,
     "optional PETRARCH/TABARI .actors/agents/discards files"},
    {"issues.taxonomy", T_PATH, "issues.yaml", 0, 0, NULL, OFF(issues_taxonomy), F_DATA,
     "issue taxonomy (our YAML)"},
    {"issues.petrarch", T_PATH, NULL, 0, 0, NULL, OFF(issues_petrarch), F_NULLABLE | F_DATA,
     "optional PETRARCH issue file (Phoenix.IssueCoding.txt)"},
    {"issues.threshold", T_DOUBLE, "1.0", 0, 1000, NULL, OFF(issues_threshold), 0,
     "score a topic (the sum of its issues) needs to be reported"},
    {"issues.max", T_INT, "8", 0, 256, NULL, OFF(issues_max), F_INT32,
     "at most this many issues per item"},
    {"quotes.indirect", T_BOOL, "true", 0, 0, NULL, OFF(quotes_indirect), 0,
     "also report indirect (unquoted) speech"},
    {"limits.max_text_bytes", T_SIZE, "1MiB", 1 * KIB, 256 * MIB, NULL, OFF(max_text_bytes), 0,
     "longest item text accepted"},

    /* broker */
    {"broker.producers", T_STRING, "tcp://127.0.0.1:5555", 0, 0, NULL, OFF(broker_producers), 0,
     "endpoint producers send items to (ROUTER)"},
    {"broker.workers", T_STRING, "tcp://127.0.0.1:5556", 0, 0, NULL, OFF(broker_workers), 0,
     "endpoint workers connect to (ROUTER)"},
    {"broker.subscribers", T_STRING, "tcp://127.0.0.1:5557", 0, 0, NULL, OFF(broker_subscribers), 0,
     "endpoint annotated items are published on (PUB)"},
    {"broker.replay", T_STRING, "tcp://127.0.0.1:5558", 0, 0, NULL, OFF(broker_replay), 0,
     "endpoint for replay requests from the journal (ROUTER)"},
    {"broker.journal", T_PATH, "./wiretag-journal", 0, 0, NULL, OFF(broker_journal), F_CWD,
     "journal directory (relative: to the working directory)"},
    {"broker.fsync", T_ENUM, "always", 0, 0, s_fsync_names, OFF(broker_fsync), 0,
     "when the journal is flushed to disk before an ack"},
    {"broker.fsync_interval", T_DURATION, "100ms", 1, MIN, NULL, OFF(broker_fsync_interval_ms), 0,
     "flush period when broker.fsync is interval"},
    {"broker.heartbeat", T_DURATION, "1s", 10, 10 * MIN, NULL, OFF(broker_heartbeat_ms), 0,
     "heartbeat period towards workers"},
    {"broker.liveness", T_INT, "3", 1, 100, NULL, OFF(broker_liveness), 0,
     "missed heartbeats before a peer is dead"},
    {"broker.job_timeout", T_DURATION, "30s", 100, DAY, NULL, OFF(broker_job_timeout_ms), 0,
     "an item in flight longer than this is dispatched again"},
    {"broker.max_attempts", T_INT, "3", 1, 100, NULL, OFF(broker_max_attempts), 0,
     "dispatches of one item before it is dead-lettered"},
    {"broker.dedup_window", T_INT, "100000", 0, 100000000, NULL, OFF(broker_dedup_window), 0,
     "item ids remembered to drop duplicates"},
    {"broker.retention_bytes", T_SIZE, "1GiB", 1 * MIB, 1024 * TIB, NULL,
     OFF(broker_retention_bytes), 0, "journal size kept for replay"},
    {"broker.retention_age", T_DURATION, "7d", SEC, 3650 * DAY, NULL, OFF(broker_retention_age_s),
     F_SECONDS, "journal age kept for replay"},
    {"broker.journal_map", T_SIZE, "8GiB", 1 * MIB, 1024 * TIB, NULL, OFF(broker_journal_map_bytes),
     0, "LMDB map size (address space, not disk)"},
    {"broker.pub_hwm", T_INT, "100000", 0, 100000000, NULL, OFF(broker_pub_hwm), 0,
     "ZeroMQ high-water mark of the publisher (0 = none)"},
    {"broker.max_inflight_per_producer", T_INT, "10000", 1, 100000000, NULL,
     OFF(broker_max_inflight_per_producer), 0, "unacknowledged items one producer may have"},
    {"broker.max_message", T_SIZE, "2MiB", 1 * KIB, 256 * MIB, NULL, OFF(broker_max_message_bytes),
     0, "largest message accepted on any socket"},
    {"broker.metrics", T_STRING, NULL, 0, 0, NULL, OFF(broker_metrics), F_NULLABLE,
     "HOST:PORT serving Prometheus /metrics (null = off)"},
    {"broker.insecure_public", T_BOOL, "false", 0, 0, NULL, OFF(broker_insecure_public), 0,
     "allow binding a non-loopback address with CURVE off"},

    /* worker */
    {"worker.brokers", T_STRLIST, "tcp://127.0.0.1:5556", 1, WT_CONFIG_MAX_LIST, NULL,
     OFF(worker_brokers), 0, "broker worker endpoints to connect to"},
    {"worker.threads", T_INT, "2", 1, 256, NULL, OFF(worker_threads), 0,
     "annotation threads per worker process"},
    {"worker.credit", T_INT, "0", 0, 100000, NULL, OFF(worker_credit), 0,
     "items requested ahead (0 = 2 x worker.threads, at least 4)"},
    {"worker.heartbeat", T_DURATION, "1s", 10, 10 * MIN, NULL, OFF(worker_heartbeat_ms), 0,
     "heartbeat period towards brokers"},
    {"worker.reconnect_min", T_DURATION, "100ms", 1, MIN, NULL, OFF(worker_reconnect_min_ms), 0,
     "first reconnect delay"},
    {"worker.reconnect_max", T_DURATION, "5s", 1, 10 * MIN, NULL, OFF(worker_reconnect_max_ms), 0,
     "reconnect delay ceiling (doubling from reconnect_min)"},
    {"worker.metrics", T_STRING, NULL, 0, 0, NULL, OFF(worker_metrics), F_NULLABLE,
     "HOST:PORT serving Prometheus /metrics (null = off)"},

    /* clients */
    {"client.broker", T_STRING, NULL, 0, 0, NULL, OFF(client_broker), F_NULLABLE,
     "host of the broker the clients and workers talk to (standard ports 5555-5558)"},

    /* security */
    {"curve.enabled", T_BOOL, "false", 0, 0, NULL, OFF(curve_enabled), 0,
     "encrypt and authenticate with CURVE"},
    {"curve.secret_key", T_PATH, NULL, 0, 0, NULL, OFF(curve_secret_key), F_NULLABLE,
     "this side's key pair file (wiretag keygen)"},
    {"curve.server_key", T_PATH, NULL, 0, 0, NULL, OFF(curve_server_key), F_NULLABLE,
     "clients: the broker's public key file"},
    {"curve.allowed_keys", T_PATH, NULL, 0, 0, NULL, OFF(curve_allowed_keys), F_NULLABLE,
     "broker: directory of allowed client public keys"},

    /* NATS JetStream transport */
    {"nats.servers", T_STRLIST, "nats://127.0.0.1:4222", 1, WT_CONFIG_MAX_LIST, NULL,
     OFF(nats_servers), 0, "NATS server URLs (--nats overrides)"},
    {"nats.prefix", T_STRING, "wiretag", 0, 0, NULL, OFF(nats_prefix), 0,
     "subject prefix; stream names are its upper case"},
    {"nats.replicas", T_INT, "1", 1, 5, NULL, OFF(nats_replicas), 0,
     "replicas of each stream and consumer"},
    {"nats.storage", T_ENUM, "file", 0, 0, s_storage_names, OFF(nats_storage), 0,
     "stream storage: file or memory"},
    {"nats.ack_wait", T_DURATION, "30s", 100, DAY, NULL, OFF(nats_ack_wait_ms), 0,
     "an item unacknowledged this long is delivered again"},
    {"nats.max_deliver", T_INT, "3", 1, 100, NULL, OFF(nats_max_deliver), 0,
     "deliveries of one item before it is dead-lettered"},
    {"nats.dedup_window", T_DURATION, "2m", SEC, 7 * DAY, NULL, OFF(nats_dedup_window_ms), 0,
     "item ids remembered to drop duplicates (Nats-Msg-Id)"},
    {"nats.queue_bytes", T_SIZE, "1GiB", 1 * MIB, 1024 * TIB, NULL, OFF(nats_queue_bytes), 0,
     "items waiting for a worker at most (then publishes are refused)"},
    {"nats.retention_age", T_DURATION, "7d", SEC, 3650 * DAY, NULL, OFF(nats_retention_age_ms), 0,
     "results and dead letters kept this long for replay"},
    {"nats.retention_bytes", T_SIZE, "1GiB", 1 * MIB, 1024 * TIB, NULL, OFF(nats_retention_bytes),
     0, "results stream size kept for replay"},
    {"nats.user", T_STRING, NULL, 0, 0, NULL, OFF(nats_user), F_NULLABLE,
     "user name (with nats.password)"},
    {"nats.password", T_STRING, NULL, 0, 0, NULL, OFF(nats_password), F_NULLABLE, "password"},
    {"nats.creds", T_PATH, NULL, 0, 0, NULL, OFF(nats_creds), F_NULLABLE,
     "credentials file (user JWT and nkey seed); not with nats.nkey"},
    {"nats.nkey", T_STRING, NULL, 0, 0, NULL, OFF(nats_nkey), F_NULLABLE,
     "nkey public key (with nats.nkey_seed)"},
    {"nats.nkey_seed", T_PATH, NULL, 0, 0, NULL, OFF(nats_nkey_seed), F_NULLABLE,
     "file holding the nkey seed"},
    {"nats.tls", T_BOOL, "false", 0, 0, NULL, OFF(nats_tls), 0, "require TLS"},
    {"nats.tls_ca", T_PATH, NULL, 0, 0, NULL, OFF(nats_tls_ca), F_NULLABLE,
     "CA certificates file to verify the servers"},
    {"nats.tls_cert", T_PATH, NULL, 0, 0, NULL, OFF(nats_tls_cert), F_NULLABLE,
     "client certificate chain file"},
    {"nats.tls_key", T_PATH, NULL, 0, 0, NULL, OFF(nats_tls_key), F_NULLABLE,
     "client private key file"},

    /* logging */
    {"log.level", T_ENUMSTR, "info", 0, 0, s_level_names, OFF(log_level), 0,
     "least severe message logged"},
    {"log.format", T_ENUMSTR, "text", 0, 0, s_log_formats, OFF(log_format), 0,
     "log lines as text or as one JSON object each"},
};
#define NKEYS (sizeof s_keys / sizeof s_keys[0])

/* ---------------------------------------------------------------------------
   Data directory and paths */

static pthread_once_t s_data_once = PTHREAD_ONCE_INIT;
static char s_data_dir[PATH_MAX];

static bool s_is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* out = a "/" b (b alone when a is NULL), truncated to n bytes. */
static void s_pathcat(char *out, size_t n, const char *a, const char *b)
{
    size_t la = a ? strlen(a) : 0, lb = strlen(b), o = 0;
    if (la >= n) la = n - 1;
    if (la) memcpy(out, a, la);
    o = la;
    if (a && o < n - 1) out[o++] = '/';
    if (lb > n - 1 - o) lb = n - 1 - o;
    memcpy(out + o, b, lb);
    out[o + lb] = 0;
}

/* Absolute form of p (joined to the working directory), no symlink games. */
static void s_absolute(const char *p, char *out, size_t n)
{
    char cwd[PATH_MAX];
    if (p[0] == '/' || !getcwd(cwd, sizeof cwd)) {
        s_pathcat(out, n, NULL, p);
        return;
    }
    while (p[0] == '.' && p[1] == '/')
        p += 2;
    if (!strcmp(p, ".") || !*p)
        s_pathcat(out, n, NULL, cwd);
    else
        s_pathcat(out, n, cwd, p);
}

/* The data directory: $WIRETAG_DATA, else <prefix>/share/wiretag next to
   the running binary (<prefix>/bin/wiretag; the build tree has
   build/share/wiretag -> config/, see CMakeLists.txt), else the usual
   prefixes. No path of the source tree is compiled in: a moved or deleted
   source tree changes nothing for an installed binary. When nothing is
   found the expected place next to the binary is returned, so that the
   "cannot load" message names it. */
static void s_data_init(void)
{
    const char *env = getenv("WIRETAG_DATA");
    if (env && *env) {
        s_absolute(env, s_data_dir, sizeof s_data_dir);
        return;
    }
    char share[PATH_MAX] = "", real[PATH_MAX];
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = 0;
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = 0;
            s_pathcat(share, sizeof share, exe, "../share/wiretag");
            if (s_is_dir(share) && realpath(share, real)) {
                s_pathcat(s_data_dir, sizeof s_data_dir, NULL, real);
                return;
            }
        }
    }
    static const char *const usual[] = {"/usr/local/share/wiretag", "/usr/share/wiretag"};
    for (size_t i = 0; i < sizeof usual / sizeof usual[0]; i++)
        if (s_is_dir(usual[i])) {
            s_pathcat(s_data_dir, sizeof s_data_dir, NULL, usual[i]);
            return;
        }
    s_pathcat(s_data_dir, sizeof s_data_dir, NULL, share[0] ? share : "/usr/local/share/wiretag");
}

const char *wt_config_data_dir(void)
{
    pthread_once(&s_data_once, s_data_init);
    return s_data_dir;
}

static char *s_join(const char *dir, const char *p)
{
    if (p[0] == '/' || !dir) return wt_strdup(p);
    while (p[0] == '.' && p[1] == '/')
        p += 2;
    size_t n = strlen(dir) + strlen(p) + 2;
    char *r = wt_malloc(n);
    snprintf(r, n, "%s/%s", dir, p);
    return r;
}

/* A relative data path written in a file (F_DATA): next to the file when
   it is there, else in the data directory when it is there (a copied
   config/wiretag.yaml still finds the installed dictionaries), else next
   to the file (the load error then names that path). */
static char *s_join_data(const char *dir, const char *p)
{
    char *r = s_join(dir, p);
    if (p[0] == '/' || access(r, F_OK) == 0) return r;
    char *d = s_join(wt_config_data_dir(), p);
    if (access(d, F_OK) == 0) {
        free(r);
        return d;
    }
    free(d);
    return r;
}

char *wt_config_path(const wt_config_t *cfg, const char *p)
{
    (void)cfg;
    if (!p) return NULL;
    return s_join(wt_config_data_dir(), p);
}

/* ---------------------------------------------------------------------------
   Value parsing (shared by defaults and files) */

typedef struct {
    char *err;
    size_t errlen;
    const char *name; /* file name for messages */
    char *dir;        /* absolute directory of the file (relative paths) */
} s_ctx_t;

static bool s_ieq(const char *a, const char *b)
{
    return strcasecmp(a, b) == 0;
}

static int s_parse_int(const char *s, int64_t *out)
{
    if (!*s || isspace((unsigned char)*s)) return -1;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end) return -1;
    *out = v;
    return 0;
}

/* Number followed by an optional unit; returns the unit's multiplier. */
static int s_parse_unit(const char *s, const char *const *units, const double *mult, bool need,
                        double *out)
{
    const char *p = s;
    if (*p == '+') p++;
    if (!isdigit((unsigned char)*p)) return -1;
    char num[40];
    size_t n = 0;
    while ((isdigit((unsigned char)p[n]) || p[n] == '.') && n < sizeof num - 1) {
        num[n] = p[n];
        n++;
    }
    num[n] = 0;
    char *end;
    errno = 0;
    double v = strtod(num, &end);
    if (errno || !isfinite(v) || *end) return -1;
    end = (char *)p + n;
    while (*end == ' ')
        end++;
    if (!*end) {
        if (need && v != 0) return -1;
        *out = v;
        return 0;
    }
    for (size_t i = 0; units[i]; i++) {
        if (s_ieq(end, units[i])) {
            *out = v * mult[i];
            return 0;
        }
    }
    return -1;
}

static const char *const s_size_units[] = {"B",  "KiB", "MiB", "GiB", "TiB", "KB", "MB",
                                           "GB", "TB",  "K",   "M",   "G",   "T",  NULL};
static const double s_size_mult[] = {1,   KIB,  MIB, GIB, TIB, 1e3, 1e6,
                                     1e9, 1e12, KIB, MIB, GIB, TIB};
static const char *const s_dur_units[] = {"ms", "s", "m", "min", "h", "d", NULL};
static const double s_dur_mult[] = {1, SEC, MIN, MIN, HOUR, DAY};

static void s_fmt_size(double v, char *out, size_t n)
{
    static const char *const u[] = {"TiB", "GiB", "MiB", "KiB"};
    static const double m[] = {TIB, GIB, MIB, KIB};
    for (int i = 0; i < 4; i++) {
        if (v >= m[i] && fmod(v, m[i]) == 0) {
            snprintf(out, n, "%.0f%s", v / m[i], u[i]);
            return;
        }
    }
    snprintf(out, n, "%.0f", v);
}

static void s_fmt_dur(double ms, char *out, size_t n)
{
    static const char *const u[] = {"d", "h", "m", "s"};
    static const double m[] = {DAY, HOUR, MIN, SEC};
    for (int i = 0; i < 4; i++) {
        if (ms >= m[i] && fmod(ms, m[i]) == 0) {
            snprintf(out, n, "%.0f%s", ms / m[i], u[i]);
            return;
        }
    }
    snprintf(out, n, "%.0fms", ms);
}

static void s_fmt_num(const s_key_t *k, double v, char *out, size_t n)
{
    if (k->type == T_SIZE)
        s_fmt_size(v, out, n);
    else if (k->type == T_DURATION)
        s_fmt_dur(v, out, n);
    else if (k->type == T_DOUBLE)
        snprintf(out, n, "%g", v);
    else
        snprintf(out, n, "%.0f", v);
}

static const char *s_expect(const s_key_t *k)
{
    switch (k->type) {
    case T_STRING:
        return "a string";
    case T_INT:
        return "an integer";
    case T_SIZE:
        return "a size like 512KiB, 64MiB, 1GiB";
    case T_DURATION:
        return "a duration like 250ms, 3s, 5m, 2h, 7d";
    case T_BOOL:
        return "true or false";
    case T_DOUBLE:
        return "a number";
    case T_ENUM:
    case T_ENUMSTR:
        return "one of the names listed";
    case T_PATH:
        return k->flags & F_NULLABLE ? "a path or null" : "a path";
    case T_STRLIST:
        return "a list of strings";
    case T_PATHLIST:
        return "a list of paths";
    }
    return "?";
}

static void s_enum_list(const s_key_t *k, char *out, size_t n)
{
    size_t o = 0;
    out[0] = 0;
    for (size_t i = 0; k->names[i] && o < n; i++)
        o += (size_t)snprintf(out + o, n - o, "%s%s", i ? " | " : "", k->names[i]);
}

/* Parse a scalar into a typed value. On failure writes the reason
   (without position) into why. */
typedef union {
    int64_t i;
    double d;
    bool b;
    char *s;
} s_val_t;

static int s_scalar(const s_key_t *k, const s_ctx_t *c, const char *text, bool plain, bool isnull,
                    s_val_t *v, char *why, size_t wn)
{
    char buf[160];
    if (isnull) {
        if ((k->type == T_PATH || k->type == T_STRING) && (k->flags & F_NULLABLE)) {
            v->s = NULL;
            return 0;
        }
        snprintf(why, wn, "null is not allowed (expected %s)", s_expect(k));
        return -1;
    }
    switch (k->type) {
    case T_STRING:
        if (!*text) {
            snprintf(why, wn, "empty value (expected %s)", s_expect(k));
            return -1;
        }
        v->s = wt_strdup(text);
        return 0;
    case T_PATH:
        if (!*text) {
            snprintf(why, wn, "empty path (expected %s)", s_expect(k));
            return -1;
        }
        v->s = (k->flags & F_CWD)    ? wt_strdup(text)
               : (k->flags & F_DATA) ? s_join_data(c->dir, text)
                                     : s_join(c->dir, text);
        return 0;
    case T_ENUMSTR:
    case T_ENUM:
        for (size_t i = 0; k->names[i]; i++) {
            if (!strcmp(text, k->names[i])) {
                if (k->type == T_ENUM)
                    v->i = (int64_t)i;
                else
                    v->s = wt_strdup(text);
                return 0;
            }
        }
        s_enum_list(k, buf, sizeof buf);
        snprintf(why, wn, "'%s' is not a known value (expected %s)", text, buf);
        return -1;
    case T_BOOL:
        if (plain) {
            static const char *const t[] = {"true", "True", "TRUE", "yes", "Yes", "on", "On"};
            static const char *const f[] = {"false", "False", "FALSE", "no", "No", "off", "Off"};
            for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
                if (!strcmp(text, t[i])) return v->b = true, 0;
                if (!strcmp(text, f[i])) return v->b = false, 0;
            }
        }
        snprintf(why, wn, "%s'%s' is not a boolean (expected true or false%s)",
                 plain ? "" : "quoted ", text, plain ? "" : ", without quotes");
        return -1;
    default:
        break;
    }

    /* numbers */
    double d = 0;
    int64_t i = 0;
    bool ok = plain;
    if (ok && k->type == T_INT) {
        ok = s_parse_int(text, &i) == 0;
        d = (double)i;
    } else if (ok && k->type == T_DOUBLE) {
        char *end;
        errno = 0;
        d = strtod(text, &end);
        ok = *text && !isspace((unsigned char)*text) && !*end && !errno && isfinite(d);
    } else if (ok && k->type == T_SIZE) {
        ok = s_parse_unit(text, s_size_units, s_size_mult, false, &d) == 0 && d == floor(d);
    } else if (ok && k->type == T_DURATION) {
        ok = s_parse_unit(text, s_dur_units, s_dur_mult, true, &d) == 0 && d == floor(d);
    }
    if (!ok) {
        snprintf(why, wn, "%s'%s' is not valid (expected %s)", plain ? "" : "quoted value ", text,
                 s_expect(k));
        return -1;
    }
    if (d < k->min || d > k->max) {
        char lo[40], hi[40];
        s_fmt_num(k, k->min, lo, sizeof lo);
        s_fmt_num(k, k->max, hi, sizeof hi);
        snprintf(why, wn, "'%s' is out of range (expected %s..%s)", text, lo, hi);
        return -1;
    }
    if (k->type == T_DURATION && (k->flags & F_SECONDS)) {
        if (fmod(d, SEC) != 0) {
            snprintf(why, wn, "'%s' is not a whole number of seconds (expected %s)", text,
                     s_expect(k));
            return -1;
        }
        d /= SEC;
    }
    if (k->type == T_DOUBLE)
        v->d = d;
    else
        v->i = k->type == T_INT ? i : (int64_t)d;
    return 0;
}

/* Store a parsed scalar into cfg, freeing what was there. */
static void s_store(const s_key_t *k, wt_config_t *cfg, s_val_t v)
{
    char *base = (char *)cfg + k->off;
    switch (k->type) {
    case T_STRING:
    case T_PATH:
    case T_ENUMSTR: {
        char **sp = (char **)base;
        free(*sp);
        *sp = v.s;
        break;
    }
    case T_INT:
    case T_SIZE:
    case T_DURATION:
        if (k->flags & F_INT32)
            *(int *)base = (int)v.i;
        else
            *(int64_t *)base = v.i;
        break;
    case T_ENUM:
        *(int *)base = (int)v.i;
        break;
    case T_BOOL:
        *(bool *)base = v.b;
        break;
    case T_DOUBLE:
        *(double *)base = v.d;
        break;
    default:
        break;
    }
}

static void s_list_clear(wt_strlist_t *l)
{
    for (int i = 0; i < l->count; i++) {
        free(l->items[i]);
        l->items[i] = NULL;
    }
    l->count = 0;
}

/* ---------------------------------------------------------------------------
   Defaults */

static const s_key_t *s_find(const char *key)
{
    for (size_t i = 0; i < NKEYS; i++)
        if (!strcmp(s_keys[i].key, key)) return &s_keys[i];
    return NULL;
}

void wt_config_defaults(wt_config_t *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    s_ctx_t c = {.dir = (char *)wt_config_data_dir()};
    char why[256];
    for (size_t i = 0; i < NKEYS; i++) {
        const s_key_t *k = &s_keys[i];
        if (k->type == T_STRLIST || k->type == T_PATHLIST) {
            wt_strlist_t *l = (wt_strlist_t *)((char *)cfg + k->off);
            const char *p = k->def;
            while (p && *p) {
                const char *e = strchr(p, ',');
                size_t n = e ? (size_t)(e - p) : strlen(p);
                char *item = wt_strndup(p, n);
                l->items[l->count++] = k->type == T_PATHLIST ? s_join(c.dir, item) : item;
                if (k->type == T_PATHLIST) free(item);
                p = e ? e + 1 : NULL;
            }
            continue;
        }
        s_val_t v = {0};
        int rc = s_scalar(k, &c, k->def ? k->def : "", true, k->def == NULL, &v, why, sizeof why);
        if (rc != 0) {
            /* A bad default is our bug. */
            fprintf(stderr, "config.c: default of %s: %s\n", k->key, why);
            abort();
        }
        s_store(k, cfg, v);
    }
}

void wt_config_free(wt_config_t *cfg)
{
    if (!cfg) return;
    for (size_t i = 0; i < NKEYS; i++) {
        const s_key_t *k = &s_keys[i];
        char *base = (char *)cfg + k->off;
        if (k->type == T_STRLIST || k->type == T_PATHLIST)
            s_list_clear((wt_strlist_t *)base);
        else if (k->type == T_STRING || k->type == T_PATH || k->type == T_ENUMSTR) {
            free(*(char **)base);
            *(char **)base = NULL;
        }
    }
    free(cfg->path);
    cfg->path = NULL;
}

/* ---------------------------------------------------------------------------
   Loader */

typedef struct {
    s_ctx_t c;
    yaml_parser_t parser;
    wt_config_t *cfg;
    yaml_mark_t seen[NKEYS]; /* where each key was set */
    bool isset[NKEYS];
    char *sections[NKEYS]; /* section maps seen ("broker"), to refuse a second one */
    yaml_mark_t secmark[NKEYS];
    size_t nsections;
} s_load_t;

static int s_fail(s_load_t *L, yaml_mark_t m, const char *key, const char *fmt, ...)
{
    char why[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    if (L->c.err && L->c.errlen) {
        if (key)
            snprintf(L->c.err, L->c.errlen, "%s:%zu:%zu: %s: %s", L->c.name, m.line + 1,
                     m.column + 1, key, why);
        else
            snprintf(L->c.err, L->c.errlen, "%s:%zu:%zu: %s", L->c.name, m.line + 1, m.column + 1,
                     why);
    }
    return WT_ECONFIG;
}

static int s_next(s_load_t *L, yaml_event_t *ev)
{
    if (!yaml_parser_parse(&L->parser, ev)) {
        const char *prob = L->parser.problem ? L->parser.problem : "malformed YAML";
        yaml_mark_t m = L->parser.problem_mark;
        if (L->parser.error == YAML_READER_ERROR) m = L->parser.problem_mark;
        return s_fail(L, m, NULL, "YAML syntax error: %s (expected well-formed YAML)", prob);
    }
    const yaml_char_t *anchor = NULL, *tag = NULL;
    switch (ev->type) {
    case YAML_ALIAS_EVENT: {
        yaml_mark_t m = ev->start_mark;
        yaml_event_delete(ev);
        return s_fail(L, m, NULL,
                      "YAML aliases are not allowed (expected plain values; write the value out)");
    }
    case YAML_SCALAR_EVENT:
        anchor = ev->data.scalar.anchor;
        tag = ev->data.scalar.tag;
        break;
    case YAML_SEQUENCE_START_EVENT:
        anchor = ev->data.sequence_start.anchor;
        tag = ev->data.sequence_start.tag;
        break;
    case YAML_MAPPING_START_EVENT:
        anchor = ev->data.mapping_start.anchor;
        tag = ev->data.mapping_start.tag;
        break;
    default:
        break;
    }
    if (anchor) {
        yaml_mark_t m = ev->start_mark;
        yaml_event_delete(ev);
        return s_fail(L, m, NULL, "YAML anchors are not allowed (expected plain values)");
    }
    if (tag) {
        yaml_mark_t m = ev->start_mark;
        yaml_event_delete(ev);
        return s_fail(L, m, NULL, "YAML tags are not allowed (expected plain values)");
    }
    return 0;
}

static bool s_is_null(const yaml_event_t *ev)
{
    if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) return false;
    const char *t = (const char *)ev->data.scalar.value;
    return !*t || !strcmp(t, "~") || !strcmp(t, "null") || !strcmp(t, "Null") || !strcmp(t, "NULL");
}

static bool s_has_prefix(const char *prefix)
{
    size_t n = strlen(prefix);
    for (size_t i = 0; i < NKEYS; i++)
        if (!strncmp(s_keys[i].key, prefix, n) && s_keys[i].key[n] == '.') return true;
    return false;
}

static size_t s_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 60 || lb > 60) return 99;
    size_t d[61][61];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++) {
        for (size_t j = 1; j <= lb; j++) {
            size_t c = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < c) c = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < c) c = d[i][j - 1] + 1;
            d[i][j] = c;
        }
    }
    return d[la][lb];
}

static int s_unknown(s_load_t *L, yaml_mark_t m, const char *key)
{
    const char *best = NULL;
    size_t bd = 4;
    for (size_t i = 0; i < NKEYS; i++) {
        size_t d = s_distance(key, s_keys[i].key);
        if (d < bd) bd = d, best = s_keys[i].key;
    }
    if (best) return s_fail(L, m, key, "unknown key (did you mean '%s'? see docs/CONFIG.md)", best);
    return s_fail(L, m, key, "unknown key (expected one of the keys in docs/CONFIG.md)");
}

static int s_mark_set(s_load_t *L, const s_key_t *k, yaml_mark_t m)
{
    size_t idx = (size_t)(k - s_keys);
    if (L->isset[idx])
        return s_fail(L, m, k->key, "duplicate key (first set at line %zu, column %zu)",
                      L->seen[idx].line + 1, L->seen[idx].column + 1);
    L->isset[idx] = true;
    L->seen[idx] = m;
    return 0;
}

static const char *s_event_what(const yaml_event_t *ev)
{
    switch (ev->type) {
    case YAML_MAPPING_START_EVENT:
        return "a map";
    case YAML_SEQUENCE_START_EVENT:
        return "a list";
    default:
        return "a scalar";
    }
}

static int s_value(s_load_t *L, const char *key, yaml_mark_t keymark);

/* Skip the events of a collection whose start event was just read. */

static int s_list(s_load_t *L, const s_key_t *k)
{
    wt_strlist_t *l = (wt_strlist_t *)((char *)L->cfg + k->off);
    s_list_clear(l);
    for (;;) {
        yaml_event_t ev;
        int rc = s_next(L, &ev);
        if (rc) return rc;
        if (ev.type == YAML_SEQUENCE_END_EVENT) {
            yaml_mark_t m = ev.start_mark;
            yaml_event_delete(&ev);
            if (l->count < k->min || l->count > k->max)
                return s_fail(L, m, k->key, "%d items (expected %.0f..%.0f items)", l->count,
                              k->min, k->max);
            return 0;
        }
        if (ev.type != YAML_SCALAR_EVENT) {
            yaml_mark_t m = ev.start_mark;
            const char *what = s_event_what(&ev);
            yaml_event_delete(&ev);
            return s_fail(L, m, k->key, "list item is %s (expected %s)", what, s_expect(k));
        }
        const char *t = (const char *)ev.data.scalar.value;
        if (s_is_null(&ev) || !*t) {
            yaml_mark_t m = ev.start_mark;
            yaml_event_delete(&ev);
            return s_fail(L, m, k->key, "empty list item (expected %s)", s_expect(k));
        }
        if (l->count >= WT_CONFIG_MAX_LIST) {
            yaml_mark_t m = ev.start_mark;
            yaml_event_delete(&ev);
            return s_fail(L, m, k->key, "too many items (expected at most %d)", WT_CONFIG_MAX_LIST);
        }
        l->items[l->count++] = k->type != T_PATHLIST ? wt_strdup(t)
                               : (k->flags & F_DATA) ? s_join_data(L->c.dir, t)
                                                     : s_join(L->c.dir, t);
        yaml_event_delete(&ev);
    }
}

/* A mapping whose start event was read; prefix is its dotted key ("" at top). */
static int s_map(s_load_t *L, const char *prefix)
{
    for (;;) {
        yaml_event_t ev;
        int rc = s_next(L, &ev);
        if (rc) return rc;
        if (ev.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&ev);
            return 0;
        }
        if (ev.type != YAML_SCALAR_EVENT) {
            yaml_mark_t m = ev.start_mark;
            const char *what = s_event_what(&ev);
            yaml_event_delete(&ev);
            return s_fail(L, m, *prefix ? prefix : NULL, "a key is %s (expected a plain name)",
                          what);
        }
        const char *name = (const char *)ev.data.scalar.value;
        size_t n = strlen(prefix) + strlen(name) + 2;
        char *key = wt_malloc(n);
        snprintf(key, n, "%s%s%s", prefix, *prefix ? "." : "", name);
        yaml_mark_t km = ev.start_mark;
        bool bad = !*name || strlen(key) > 200;
        yaml_event_delete(&ev);
        if (bad) rc = s_fail(L, km, key, "empty or overlong key (expected a key name)");
        if (!rc) rc = s_value(L, key, km);
        free(key);
        if (rc) return rc;
    }
}

static int s_value(s_load_t *L, const char *key, yaml_mark_t km)
{
    const s_key_t *k = s_find(key);
    if (!k && !s_has_prefix(key)) return s_unknown(L, km, key);
    yaml_event_t ev;
    int rc = s_next(L, &ev);
    if (rc) return rc;
    yaml_mark_t vm = ev.start_mark;
    if (!k) {
        /* a section: broker: {...} */
        if (ev.type != YAML_MAPPING_START_EVENT) {
            const char *what = s_event_what(&ev);
            yaml_event_delete(&ev);
            return s_fail(L, vm, key, "is %s (expected a map of %s.* keys)", what, key);
        }
        yaml_event_delete(&ev);
        for (size_t i = 0; i < L->nsections; i++)
            if (!strcmp(L->sections[i], key))
                return s_fail(L, km, key, "duplicate section (first at line %zu, column %zu)",
                              L->secmark[i].line + 1, L->secmark[i].column + 1);
        if (L->nsections < NKEYS) {
            L->secmark[L->nsections] = km;
            L->sections[L->nsections++] = wt_strdup(key);
        }
        return s_map(L, key);
    }
    if ((rc = s_mark_set(L, k, km))) {
        yaml_event_delete(&ev);
        return rc;
    }
    bool islist = k->type == T_STRLIST || k->type == T_PATHLIST;
    if (islist) {
        if (ev.type != YAML_SEQUENCE_START_EVENT) {
            const char *what = s_event_what(&ev);
            yaml_event_delete(&ev);
            return s_fail(L, vm, key, "value is %s (expected %s, e.g. [a, b])", what, s_expect(k));
        }
        yaml_event_delete(&ev);
        return s_list(L, k);
    }
    if (ev.type != YAML_SCALAR_EVENT) {
        const char *what = s_event_what(&ev);
        yaml_event_delete(&ev);
        return s_fail(L, vm, key, "value is %s (expected %s)", what, s_expect(k));
    }
    char why[400];
    s_val_t v = {0};
    bool plain = ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    rc = s_scalar(k, &L->c, (const char *)ev.data.scalar.value, plain, s_is_null(&ev), &v, why,
                  sizeof why);
    yaml_event_delete(&ev);
    if (rc) return s_fail(L, vm, key, "%s", why);
    s_store(k, L->cfg, v);
    return 0;
}

static int s_document(s_load_t *L)
{
    yaml_event_t ev;
    int rc;
    if ((rc = s_next(L, &ev))) return rc; /* STREAM_START */
    yaml_event_delete(&ev);
    if ((rc = s_next(L, &ev))) return rc;
    if (ev.type == YAML_STREAM_END_EVENT) { /* empty file */
        yaml_event_delete(&ev);
        return 0;
    }
    yaml_event_delete(&ev); /* DOCUMENT_START */
    if ((rc = s_next(L, &ev))) return rc;
    if (ev.type == YAML_MAPPING_START_EVENT) {
        yaml_event_delete(&ev);
        if ((rc = s_map(L, ""))) return rc;
    } else if (ev.type == YAML_SCALAR_EVENT && s_is_null(&ev)) {
        yaml_event_delete(&ev); /* a document of comments only */
    } else {
        yaml_mark_t m = ev.start_mark;
        const char *what = s_event_what(&ev);
        yaml_event_delete(&ev);
        return s_fail(L, m, NULL, "the document is %s (expected a map of keys)", what);
    }
    if ((rc = s_next(L, &ev))) return rc; /* DOCUMENT_END */
    yaml_event_delete(&ev);
    if ((rc = s_next(L, &ev))) return rc;
    if (ev.type != YAML_STREAM_END_EVENT) {
        yaml_mark_t m = ev.start_mark;
        yaml_event_delete(&ev);
        return s_fail(L, m, NULL, "a second YAML document (expected one document)");
    }
    yaml_event_delete(&ev);
    return 0;
}

/* Cross-key rules that one row cannot express. */
static int s_check(s_load_t *L)
{
    wt_config_t *c = L->cfg;
    if (c->worker_reconnect_min_ms > c->worker_reconnect_max_ms) {
        size_t i = (size_t)(s_find("worker.reconnect_min") - s_keys);
        size_t j = (size_t)(s_find("worker.reconnect_max") - s_keys);
        yaml_mark_t m = L->isset[j] ? L->seen[j] : L->seen[i];
        return s_fail(L, m, L->isset[j] ? "worker.reconnect_max" : "worker.reconnect_min",
                      "reconnect_min is above reconnect_max (expected min <= max)");
    }
    return 0;
}

static char *s_dirname_abs(const char *name)
{
    char tmp[PATH_MAX];
    s_pathcat(tmp, sizeof tmp, NULL, name);
    char *slash = strrchr(tmp, '/');
    if (!slash)
        snprintf(tmp, sizeof tmp, ".");
    else if (slash == tmp)
        tmp[1] = 0;
    else
        *slash = 0;
    char real[PATH_MAX];
    if (realpath(tmp, real)) return wt_strdup(real);
    char abs[PATH_MAX];
    s_absolute(tmp, abs, sizeof abs);
    return wt_strdup(abs);
}

int wt_config_load_buffer(wt_config_t *cfg, const char *name, const char *buf, size_t len,
                          char *err, size_t errlen)
{
    wt_config_free(cfg);
    wt_config_defaults(cfg);
    if (err && errlen) err[0] = 0;
    s_load_t *L = wt_calloc(1, sizeof *L);
    L->c.err = err;
    L->c.errlen = errlen;
    L->c.name = name ? name : "(config)";
    L->c.dir = s_dirname_abs(L->c.name);
    L->cfg = cfg;
    int rc;
    if (len > WT_CONFIG_MAX_BYTES) {
        yaml_mark_t m = {0, 0, 0};
        rc = s_fail(L, m, NULL, "file is %zu bytes (expected at most %d bytes)", len,
                    WT_CONFIG_MAX_BYTES);
    } else {
        yaml_parser_initialize(&L->parser);
        yaml_parser_set_input_string(&L->parser, (const unsigned char *)buf, len);
        rc = s_document(L);
        if (!rc) rc = s_check(L);
        yaml_parser_delete(&L->parser);
    }
    for (size_t i = 0; i < L->nsections; i++)
        free(L->sections[i]);
    free(L->c.dir);
    free(L);
    if (rc) {
        wt_config_free(cfg);
        wt_config_defaults(cfg);
        return rc;
    }
    cfg->path = wt_strdup(name);
    return 0;
}

int wt_config_load(wt_config_t *cfg, const char *path, char *err, size_t errlen)
{
    if (err && errlen) err[0] = 0;
    if (!path) {
        wt_config_free(cfg);
        wt_config_defaults(cfg);
        if (err && errlen) snprintf(err, errlen, "no configuration file given");
        return -EINVAL;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        wt_config_free(cfg);
        wt_config_defaults(cfg);
        if (err && errlen) snprintf(err, errlen, "%s: cannot open: %s", path, strerror(e));
        return -e;
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > WT_CONFIG_MAX_BYTES) {
        close(fd);
        wt_config_free(cfg);
        wt_config_defaults(cfg);
        if (err && errlen)
            snprintf(err, errlen, "%s:1:1: file is %lld bytes (expected at most %d bytes)", path,
                     (long long)st.st_size, WT_CONFIG_MAX_BYTES);
        return WT_ECONFIG;
    }
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        close(fd);
        wt_config_free(cfg);
        wt_config_defaults(cfg);
        if (err && errlen) snprintf(err, errlen, "%s: is a directory (expected a file)", path);
        return -EISDIR;
    }
    /* Read at most MAX+1 bytes: pipes and growing files are capped too. */
    size_t cap = WT_CONFIG_MAX_BYTES + 1, len = 0;
    char *buf = wt_malloc(cap);
    for (;;) {
        ssize_t n = read(fd, buf + len, cap - len);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            int e = errno;
            close(fd);
            free(buf);
            wt_config_free(cfg);
            wt_config_defaults(cfg);
            if (err && errlen) snprintf(err, errlen, "%s: read error: %s", path, strerror(e));
            return -e;
        }
        if (n == 0) break;
        len += (size_t)n;
        if (len == cap) break;
    }
    close(fd);
    int rc = wt_config_load_buffer(cfg, path, buf, len, err, errlen);
    free(buf);
    return rc;
}

/* ---------------------------------------------------------------------------
   Introspection */

const char *wt_config_key(size_t i)
{
    return i < NKEYS ? s_keys[i].key : NULL;
}

const char *wt_config_key_doc(const char *key)
{
    const s_key_t *k = s_find(key);
    return k ? k->doc : NULL;
}

char *wt_config_get(const wt_config_t *cfg, const char *key)
{
    const s_key_t *k = s_find(key);
    if (!k) return NULL;
    const char *base = (const char *)cfg + k->off;
    char buf[64];
    switch (k->type) {
    case T_STRING:
    case T_PATH:
    case T_ENUMSTR: {
        const char *s = *(char *const *)base;
        return wt_strdup(s ? s : "null");
    }
    case T_STRLIST:
    case T_PATHLIST: {
        const wt_strlist_t *l = (const wt_strlist_t *)base;
        size_t n = 3;
        for (int i = 0; i < l->count; i++)
            n += strlen(l->items[i]) + 2;
        char *r = wt_malloc(n), *p = r;
        *p++ = '[';
        for (int i = 0; i < l->count; i++)
            p += sprintf(p, "%s%s", i ? ", " : "", l->items[i]);
        *p++ = ']';
        *p = 0;
        return r;
    }
    case T_BOOL:
        return wt_strdup(*(const bool *)base ? "true" : "false");
    case T_DOUBLE:
        snprintf(buf, sizeof buf, "%g", *(const double *)base);
        return wt_strdup(buf);
    case T_ENUM: {
        int i = *(const int *)base;
        return wt_strdup(i >= 0 && k->names[i] ? k->names[i] : "?");
    }
    default: {
        int64_t v = (k->flags & F_INT32) ? *(const int *)base : *(const int64_t *)base;
        double d = (double)v;
        if (k->type == T_DURATION && (k->flags & F_SECONDS)) d *= SEC;
        s_fmt_num(k, d, buf, sizeof buf);
        return wt_strdup(buf);
    }
    }
}
