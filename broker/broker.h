/*  broker.h: the wiretag broker (internal to wiretag-broker).

    One thread, one zmq_poll loop over four sockets (producers ROUTER,
    workers ROUTER, subscribers XPUB, replay ROUTER). The durable state is
    the journal (broker/journal.h); in memory the broker keeps only
    the workers, their in-flight jobs (bounded by the credit they gave), a
    re-dispatch FIFO (bounded the same way) and a small window of queued
    seqs read ahead from the journal. Files, each using only those below it:
      broker.c     life, the loop, timers, subscribers' (un)subscriptions
      producers.c  PUT admission and journaling, the end of a loop turn
      replay.c     the replay and control socket (REPLAY, DEAD, REQUEUE, STATS)
      workers.c    the per-worker state machine and dispatch
      results.c    results between the journal and XPUB (pending, held)
      core.c       the log line, counters, the fatal stop, producer counts
      metrics.c, bind.c   /metrics, and which endpoints are local
*/
#ifndef WT_BROKER_H
#define WT_BROKER_H

#include "wiretag/config.h"
#include "journal.h"
#include "wiretag/curve.h"
#include "wiretag/proto.h"

#include <stdarg.h>

#define WT_BROKER_WINDOW     1024  /* queued seqs read ahead from the journal */
#define WT_BROKER_BATCH      256   /* messages handled per socket per loop turn */
#define WT_BROKER_MAX_CREDIT 10000 /* per worker */
#define WT_BROKER_REPLAY_MAX 1000  /* results per REPLAY / DEAD request */

typedef struct wt_broker wt_broker_t;

/* Worker state machine. */
typedef enum {
    WS_READY = 0, /* has credit: may get jobs */
    WS_BUSY,      /* no credit left */
    WS_GONE       /* expired or left: removed after the event */
} wt_wstate_t;

typedef enum {
    WE_READY = 0, /* READY from a known worker (it restarted) */
    WE_DONE,
    WE_FAIL,
    WE_CREDIT,
    WE_HB,
    WE_BYE,
    WE_EXPIRED, /* silent for liveness x heartbeat */
    WE_BAD      /* protocol violation (unexpected command) */
} wt_wevent_t;

/* A job on a worker. abandoned: the broker gave up on it (timed out, or
   another worker's result won) but the worker still holds the slot: the
   entry stays until the worker answers, so that its credit comes back. */
typedef struct {
    uint64_t seq;
    int64_t deadline_ms;
    uint32_t attempt;
    bool abandoned;
} wt_job_t;

typedef struct {
    uint8_t identity[WT_PROTO_MAX_ENVELOPE];
    size_t identity_len;
    char peer[24]; /* short hex of the identity, for logs */
    char *name, *dictionaries;
    uint32_t threads;
    wt_wstate_t state;
    uint32_t credit; /* free slots as the broker sees them */
    wt_job_t *jobs;  /* in flight on this worker */
    size_t job_count, job_cap;
    int64_t last_seen_ms, last_sent_ms, last_dispatch_ms, ready_ms;
    uint64_t done, failed, dispatched;
    uint64_t isolate_seq; /* a suspect running alone here: no other job meanwhile (0: none) */
} wt_worker_t;

/* A reply to a producer: an ACK waits (in the broker's acks) until its
   commit is durable. */
typedef struct {
    uint8_t identity[WT_PROTO_MAX_ENVELOPE];
    size_t identity_len;
    wt_proto_t reply;
    uint64_t tag;  /* producer tag of a new item (for rollback) */
    bool fresh;    /* a new item journaled in this batch */
    bool queued;   /* fresh: handed to dispatch (once committed) */
    uint64_t need; /* an ACK: the journal generation that must be durable first (0: not
                      committed yet, in the open transaction) */
} wt_reply_t;

/* Error and event counters, by name, for stats. */
typedef struct {
    const char *name;
    uint64_t count;
} wt_counter_t;

struct wt_broker {
    const wt_config_t *cfg;
    void *ctx;
    void *producers, *workers, *subscribers, *replay;
    void *zap;              /* wt_zap_t when CURVE is on */
    void *monitors[4];      /* auth-failure monitors of the four sockets (CURVE on) */
    uint64_t n_auth_failed; /* handshakes refused, seen by the monitors */
    char endpoints[4][256];
    wt_journal_t *journal;
    wt_limits_t limits;
    volatile int *stop_flag;
    int log_level; /* 0 error, 1 warn, 2 info, 3 debug */
    int64_t started_ms;

    /* workers and dispatch */
    wt_worker_t **workerv;
    size_t worker_count, worker_cap;
    uint64_t *retry; /* FIFO of re-queued seqs (ring) */
    size_t retry_head, retry_count, retry_cap;
    uint64_t window[WT_BROKER_WINDOW]; /* ring of queued seqs read ahead */
    size_t win_head, win_count;
    uint64_t loaded_upto; /* highest seq ever put in the window */
    bool window_complete; /* no queued seq above loaded_upto in the journal */
    size_t inflight;      /* jobs on all workers */
    /* suspects: the jobs of a worker that died holding several, re-run one
       at a time, each alone on a worker, so that only the item that kills
       a worker is charged for it (FIFO, waiting ones) */
    uint64_t *suspects;
    size_t suspect_count, suspect_cap;

    /* producers: unfinished items per producer tag (back-pressure) */
    struct wt_prod {
        uint64_t tag;
        uint64_t count;
    } * prods;
    size_t prod_cap, prod_used;

    bool journal_nearly_full; /* no room for more items and their results: PUTs get EFULL */
    /* a full journal (disk or map): what is full, the room left this turn
       for new items (after the reserve for the results of unfinished ones),
       and results that could not be journaled, kept here (dispatch waits)
       and journaled again once there is room */
    const char *journal_full; /* "disk", "map" or NULL */
    const char *room_limit;   /* which of the two is the smaller room: "disk" or "map" */
    int64_t room_left, room_reserve, room_bytes;
    int64_t full_log_ms;
    uint64_t full_quiet, n_full_refused, n_held_total;
    struct wt_held {
        uint64_t seq, producer;
        size_t id_off, pay_off, pay_len;
    } * held;
    size_t held_count, held_cap;
    wt_buf_t held_data;
    int64_t held_retry_ms;
    uint64_t damaged_logged; /* damaged journal records already logged */
    /* CURVE: the server keys (to rebind) and the allow-list revocations
       acted on: a revocation drops every subscriber connection (they
       reconnect, and a revoked key fails its new handshake) */
    wt_curve_keys_t curve_keys;
    uint64_t zap_revocations;
    bool sockets_changed; /* the poll set must be rebuilt */
    uint64_t epoch;       /* the journal's identity, in RESULT and REPLAY_END headers */

    /* subscribers */
    int64_t subscriptions;

    /* figures */
    uint64_t n_put, n_ack, n_dup, n_nak, n_dispatched, n_redispatched, n_done, n_late_done,
        n_failed, n_timeouts, n_expired, n_dead, n_published, n_publish_errors, n_replayed,
        n_workers_seen;
    uint64_t n_bad_published; /* accepted items whose `published` was unreadable (dropped) */
    wt_counter_t counters[64];
    size_t counter_count;
    /* rates: exponentially smoothed per second, updated every second */
    int64_t efull_log_ms; /* last producer back-pressure log line */
    uint64_t efull_quiet; /* EFULL refusals since, not logged */
    int64_t rate_ms;
    uint64_t rate_put_base, rate_done_base;
    double rate_put, rate_done;
    wt_buf_t scratch; /* payload reads */
    /* results journaled, published once their commit is durable (group
       commit): need, the generation whose fsync makes it durable (0: not
       committed yet, in the open transaction) */
    struct wt_pending {
        uint64_t rseq, seq, need;
        size_t id_off, pay_off, pay_len;
    } * pending;
    size_t pending_count, pending_cap;
    wt_buf_t pending_data;
    wt_reply_t *acks; /* ACKs waiting for their commit's fsync, oldest first */
    size_t ack_count, ack_cap;

    struct wt_bmetrics *metrics; /* --metrics: HTTP /metrics (metrics.c), NULL = off */
};

/* broker.c */
wt_broker_t *wt_broker_new(const wt_config_t *cfg, volatile int *stop_flag, char *err,
                           size_t errlen);
/* The journal's error code when the last wt_broker_new() failed opening it
   (-EBUSY: another broker holds the journal directory), else 0. */
int wt_broker_start_error(void);
void wt_broker_destroy(wt_broker_t **self_p);
/* Write the bound endpoints as JSON into path (atomically). */
int wt_broker_write_ready(wt_broker_t *self, const char *path);
/* Run until *stop_flag becomes nonzero; returns 0 on a clean stop. */
int wt_broker_run(wt_broker_t *self);

/* producers.c */
/* Take the PUTs waiting on the producers socket (one batch): journaled,
   answered by wt_broker_flush_results(). */
void wt_broker_on_producers(wt_broker_t *self);
/* Reckon the room left in the journal for PUTs (each loop turn). */
void wt_broker_room(wt_broker_t *self);
/* End of a loop turn: commit the journal (results and PUTs of the turn
   together, unless an fsync is under way: then they go with the next
   commit) and ask for its fsync; NAKs and PONGs go at once, the ACKs and
   the results wait until their commit is durable (wt_broker_release). */
void wt_broker_flush_results(wt_broker_t *self);
/* replay.c */
/* Serve the requests waiting on the replay socket (one batch). */
void wt_broker_on_replay(wt_broker_t *self);

/* workers.c */
/* Handle one message on the workers socket (already received). */
void wt_workers_on_message(wt_broker_t *self, wt_proto_in_t *in, int rc);
/* Timers: heartbeats out, expiry, job deadlines. */
void wt_workers_tick(wt_broker_t *self, int64_t now_ms);
/* Hand queued items to workers with credit. */
void wt_workers_dispatch(wt_broker_t *self);
/* A dead letter was put back in the queue (REQUEUE): dispatch it again. */
void wt_workers_revived(wt_broker_t *self, uint64_t seq);
/* Remove every worker (shutdown). */
void wt_workers_clear(wt_broker_t *self);
const char *wt_wstate_name(wt_wstate_t s);

/* results.c */
/* A result was written to the journal (not yet committed): it is published
   by wt_broker_flush_results() once the commit is durable. */
void wt_broker_publish(wt_broker_t *self, uint64_t rseq, uint64_t seq, const char *id,
                       const uint8_t *payload, size_t n);
/* Follow the journal's commits (wt_journal_on_txn): what waits in the open
   transaction gets its generation, or, when the transaction is dropped, the
   ACKs waiting in it are NAKed and its results held. */
void wt_broker_results_init(wt_broker_t *self);
/* An ACK (r->reply) waits for its commit's fsync; taken over from r. */
void wt_broker_wait_ack(wt_broker_t *self, wt_reply_t *r);
/* Send a producer its reply (when it has an identity) and clear it. */
void wt_broker_send_reply(wt_broker_t *self, wt_reply_t *r);
/* After an fsync and at the end of a turn: commit what waits in the open
   transaction when no fsync runs, then send the ACKs and publish the
   results whose commit is durable, in order. A failed fsync stops the
   broker: the ACKs waiting are NAKed, the results not published. */
void wt_broker_release(wt_broker_t *self);
/* The broker stops: after the last commit and fsync (ok) the ACKs and
   results waiting go out; else the ACKs are NAKed, nothing is published. */
void wt_broker_release_all(wt_broker_t *self, bool ok);
/* Publish the pending results up to generation durable, in order. */
void wt_broker_release_pending(wt_broker_t *self, uint64_t durable);
/* Forget the pending results unpublished (the broker stops on a journal
   failure: they are replayed after the restart, or their items redone). */
void wt_broker_drop_pending(wt_broker_t *self);
/* A result that the journal has no room for: kept in memory (dispatch
   waits) and journaled again by wt_broker_retry_held() once retention made
   room. */
void wt_broker_hold(wt_broker_t *self, uint64_t seq, uint64_t producer, const char *id,
                    const uint8_t *payload, size_t n);
/* A journal write failed (full): the open transaction is gone, and with it
   the results waiting in it (not yet committed): hold them (see
   wt_broker_hold). */
void wt_broker_hold_pending(wt_broker_t *self);
/* Commit the open journal transaction; when that fails, the results of
   the turn waiting in it are held (a full journal) or the broker stops. */
int wt_broker_commit(wt_broker_t *self, bool durable);
/* Timer: journal the held results again; those that fit are published. */
void wt_broker_retry_held(wt_broker_t *self);

/* core.c */
void wt_broker_log(wt_broker_t *self, int level, const char *sock, const char *peer,
                   const char *cmd, int code, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
void wt_broker_count(wt_broker_t *self, const char *name);
/* Adjust the producer tag's count of unfinished items. */
void wt_broker_producer_add(wt_broker_t *self, uint64_t tag, int64_t delta);
uint64_t wt_broker_producer_count(wt_broker_t *self, uint64_t tag);
/* A new item (committed) becomes visible to dispatch: into the window of
   queued seqs when it is complete and has room, else read from the journal
   later. */
void wt_broker_window_add(wt_broker_t *self, uint64_t seq);
/* Append seq to the window (which has room), behind what it holds. */
void wt_broker_window_push(wt_broker_t *self, uint64_t seq);
/* Journal failure that leaves RAM and disk out of step: stop the broker. */
void wt_broker_fatal(wt_broker_t *self, const char *what, int code);
/* Receive up to WT_BROKER_BATCH messages waiting on a ROUTER socket and
   hand each to handle (rc: 0, or why it is malformed); stop_aware: stop
   early once the broker is stopping. Results of the turn are committed,
   fsynced and published at the end of the loop turn. */
void wt_broker_drain(wt_broker_t *self, void *socket, bool stop_aware,
                     void (*handle)(wt_broker_t *self, wt_proto_in_t *in, int rc));

/* metrics.c: Prometheus /metrics served from the broker's own loop. */
/* Listen on listen ("HOST:PORT"); 0, or -EINVAL with a sentence in err. */
int wt_bmetrics_start(wt_broker_t *self, const char *listen, char *err, size_t errlen);
void wt_bmetrics_stop(wt_broker_t *self);
const char *wt_bmetrics_address(wt_broker_t *self); /* NULL when off */
int wt_bmetrics_fd(wt_broker_t *self);              /* -1 when off */
void wt_bmetrics_run(wt_broker_t *self);            /* serve what is ready */
/* A result was accepted: item accepted at accepted_ms (wall clock); done
   is the DONE header (its optional annotate_us). */
void wt_bmetrics_result(wt_broker_t *self, int64_t accepted_ms, const wt_proto_t *done);
/* A PUT was answered with NAK code. */
void wt_bmetrics_nak(wt_broker_t *self, const char *code);
/* bind.c */
/* True when endpoint ep can only be reached from this host: tcp on a
   loopback address (127.0.0.0/8, ::1, the interface "lo", "localhost"),
   ipc:// or inproc://. tcp://\*, 0.0.0.0, any other address, interface or
   transport is public. */
bool wt_broker_ep_is_local(const char *ep);

#endif
