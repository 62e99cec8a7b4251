/*  config.h: wiretag's configuration, one declarative table of keys.

    Every key has a type, a default, bounds and a target field in wt_config_t
    (see lib/core/config.c and docs/CONFIG.md). wt_config_load() reads a YAML file
    with libyaml: nested maps give dotted keys ("broker.fsync"); unknown keys,
    wrong types, out-of-range values, aliases/anchors and files over
    WT_CONFIG_MAX_BYTES are fatal, and the error names file, line, column and
    key. Relative paths in a file resolve against that file's directory; the
    defaults resolve against the data directory (wt_config_data_dir()).
*/
#ifndef WT_CONFIG_H
#define WT_CONFIG_H

#include "wiretag/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define WT_CONFIG_MAX_BYTES (1024 * 1024)
#define WT_CONFIG_MAX_LIST  64

typedef enum { WT_FSYNC_ALWAYS = 0, WT_FSYNC_INTERVAL, WT_FSYNC_NEVER } wt_fsync_t;

typedef struct {
    char *items[WT_CONFIG_MAX_LIST];
    int count;
} wt_strlist_t;

typedef struct {
    /* engine */
    wt_strlist_t actors_dictionaries; /* our YAML dictionaries */
    wt_strlist_t actors_petrarch;     /* optional PETRARCH/TABARI files */
    char *issues_taxonomy;            /* config/issues.yaml */
    char *issues_petrarch;            /* optional Phoenix.IssueCoding.txt */
    double issues_threshold;          /* minimum score for an issue to be reported */
    int issues_max;                   /* at most this many issues per item */
    bool quotes_indirect;             /* report indirect (unquoted) speech */
    int64_t max_text_bytes;           /* limit on item text, default 1 MiB */

    /* broker */
    char *broker_producers, *broker_workers, *broker_subscribers, *broker_replay;
    char *broker_journal; /* journal directory */
    wt_fsync_t broker_fsync;
    int64_t broker_fsync_interval_ms;
    int64_t broker_heartbeat_ms;
    int64_t broker_liveness;       /* missed heartbeats before a peer is dead */
    int64_t broker_job_timeout_ms; /* an item in flight longer than this is re-dispatched */
    int64_t broker_max_attempts;   /* then dead-lettered */
    int64_t broker_dedup_window;   /* remembered item ids */
    int64_t broker_retention_bytes;
    int64_t broker_retention_age_s;
    int64_t broker_journal_map_bytes; /* LMDB map size */
    int64_t broker_pub_hwm;
    int64_t broker_max_inflight_per_producer;
    int64_t broker_max_message_bytes;
    char *broker_metrics;        /* HOST:PORT of /metrics, NULL = off */
    bool broker_insecure_public; /* allow non-loopback binds without CURVE */

    /* worker */
    wt_strlist_t worker_brokers;
    int64_t worker_threads;
    int64_t worker_credit;
    int64_t worker_heartbeat_ms;
    int64_t worker_reconnect_min_ms, worker_reconnect_max_ms;
    char *worker_metrics; /* HOST:PORT of /metrics, NULL = off */

    /* clients: feed, sub, stats, dead, worker */
    char *client_broker; /* broker host; NULL = 127.0.0.1 (endpoint flags win) */

    /* security (CURVE) */
    bool curve_enabled;
    char *curve_secret_key;   /* this side's key pair file (wiretag keygen) */
    char *curve_server_key;   /* clients: the broker's public key file */
    char *curve_allowed_keys; /* broker: directory of allowed client public keys */

    /* NATS JetStream transport (docs/NATS.md) */
    wt_strlist_t nats_servers;
    char *nats_prefix; /* subjects PREFIX.items/results/dead, streams PREFIX_ITEMS... */
    int64_t nats_replicas;
    int nats_storage; /* 0 file, 1 memory */
    int64_t nats_ack_wait_ms;
    int64_t nats_max_deliver;
    int64_t nats_dedup_window_ms;
    int64_t nats_queue_bytes;
    int64_t nats_retention_age_ms;
    int64_t nats_retention_bytes;
    char *nats_user, *nats_password;
    char *nats_creds;                 /* .creds file (JWT + nkey seed) */
    char *nats_nkey, *nats_nkey_seed; /* nkey public key + seed file */
    bool nats_tls;
    char *nats_tls_ca, *nats_tls_cert, *nats_tls_key;

    /* logging */
    char *log_level;  /* error | warn | info | debug */
    char *log_format; /* text | json (wiretag/log.h) */

    char *path; /* the file loaded, or NULL for defaults */
} wt_config_t;

/* Fill cfg with every key's default. */
void wt_config_defaults(wt_config_t *cfg);
/* Load path over the defaults. On error returns WT_ECONFIG (or -errno) and
   writes "FILE:LINE:COL: key: reason" into err. cfg is valid (defaults) on
   failure and must still be freed. cfg must be zeroed or hold a config
   (wt_config_defaults() or an earlier load): its values are freed and every
   key is reset to its default before the file is applied. */
int wt_config_load(wt_config_t *cfg, const char *path, char *err, size_t errlen);
/* Same on a buffer of YAML; name stands for the file in errors and its
   directory anchors relative paths. */
int wt_config_load_buffer(wt_config_t *cfg, const char *name, const char *buf, size_t len,
                          char *err, size_t errlen);
/* The i-th key of the table ("broker.fsync"), NULL past the end. */
const char *wt_config_key(size_t i);
/* One-line description of a key, NULL for an unknown key. */
const char *wt_config_key_doc(const char *key);
/* The value of key in cfg as text, in the syntax a config file uses
   ("64MiB", "250ms", "[a, b]", "null"). Caller frees; NULL for an unknown key. */
char *wt_config_get(const wt_config_t *cfg, const char *key);
void wt_config_free(wt_config_t *cfg);
/* Directory holding the shipped dictionaries: $WIRETAG_DATA, else the
   source tree's config/ (compiled in). Borrowed. */
const char *wt_config_data_dir(void);
/* Resolve a path from the config: absolute stays, relative joins the data
   dir. Caller frees. */
char *wt_config_path(const wt_config_t *cfg, const char *p);

#ifdef __cplusplus
}
#endif
#endif
