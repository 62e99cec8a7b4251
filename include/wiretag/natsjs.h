/*  natsjs.h: the NATS JetStream transport shared by `wiretag` and
    `wiretag-worker` (docs/NATS.md). Only built when libnats-dev is found
    (WT_HAVE_NATS).

    One wt_nats_t is a connection (URLs, auth and TLS from the nats.* keys
    of the config), a JetStream context and the names of wiretag's streams:

      stream PREFIX_ITEMS       subject PREFIX.items    work queue, dedup window,
                                                        consumer "workers" (durable pull)
      stream PREFIX_RESULTS     subject PREFIX.results  limits (age, bytes), dedup window
      stream PREFIX_DEAD        subject PREFIX.dead     limits (age)
      stream PREFIX_ADVISORIES  the MAX_DELIVERIES advisories of "workers",
                                work queue, consumer "deadletter" (durable pull)

    PREFIX is nats.prefix ("wiretag"), stream names are its upper case.
    Every message is one MessagePack item or result, as on the broker.
*/
#ifndef WT_NATSJS_H
#define WT_NATSJS_H

#include "wiretag/config.h"

#include <nats/nats.h>
#include <stdio.h>

#define WT_NATS_NAME_MAX 128

/* Header names of dead letters (besides Nats-Msg-Id). */
#define WT_NATS_HDR_CODE       "Wiretag-Code"       /* EPOISON, EDECODE... */
#define WT_NATS_HDR_REASON     "Wiretag-Reason"     /* one line for people */
#define WT_NATS_HDR_ITEM_SEQ   "Wiretag-Item-Seq"   /* sequence in PREFIX_ITEMS */
#define WT_NATS_HDR_DELIVERIES "Wiretag-Deliveries" /* deliveries before it was given up */

typedef struct {
    char items_stream[WT_NATS_NAME_MAX], items_subject[WT_NATS_NAME_MAX];
    char results_stream[WT_NATS_NAME_MAX], results_subject[WT_NATS_NAME_MAX];
    char dead_stream[WT_NATS_NAME_MAX], dead_subject[WT_NATS_NAME_MAX];
    char adv_stream[WT_NATS_NAME_MAX], adv_subject[WT_NATS_NAME_MAX * 2];
    char workers[32], deadletter[32]; /* consumer names */
} wt_nats_names_t;

/* Settings of the streams and consumers, from the config; nats-init may
   change them before wt_nats_ensure(). */
typedef struct {
    int replicas;
    bool memory;
    int64_t ack_wait_ms, max_deliver, dedup_window_ms;
    int64_t queue_bytes, retention_age_ms, retention_bytes;
} wt_nats_settings_t;

typedef struct wt_nats wt_nats_t;

/* Connect to urls (comma-separated; NULL: nats.servers of cfg) with the
   auth and TLS of cfg. client_name is shown by the server (monitoring).
   Reconnects forever in the background once connected. NULL with a reason
   (and what to do) in err: "cannot connect ..." when trying again may help
   (no server, TLS), else a mistake in the settings or credentials the
   server refuses. */
wt_nats_t *wt_nats_connect(const wt_config_t *cfg, const char *urls, const char *client_name,
                           char *err, size_t errlen);
void wt_nats_destroy(wt_nats_t **self_p);
/* Release the library's global resources; call once at exit. */
void wt_nats_shutdown(void);

natsConnection *wt_nats_conn(wt_nats_t *self);
jsCtx *wt_nats_js(wt_nats_t *self);
const wt_nats_names_t *wt_nats_names(const wt_nats_t *self);
wt_nats_settings_t *wt_nats_settings(wt_nats_t *self);

/* Create the streams and consumers that are missing. With check, also
   compare existing ones with the settings and update what JetStream lets
   change (replicas, limits, ack wait, max deliver); what it cannot change
   (retention policy, storage) is an error. report (may be NULL) gets one
   line per stream or consumer. 0, or -1 with a reason in err. */
int wt_nats_ensure(wt_nats_t *self, bool check, FILE *report, char *err, size_t errlen);

/* "text (code N)" for a status and JetStream error code, into buf. */
const char *wt_nats_strerror(natsStatus s, jsErrCode code, char *buf, size_t n);

#endif
