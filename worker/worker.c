/*  worker.c: the wiretag worker (see worker.h for the threading model).

    Per broker the main thread keeps one DEALER and a small state: the
    connection generation (bumped whenever the broker may have forgotten us:
    an ERROR reply, or silence longer than liveness x heartbeat), the jobs it
    gave us that are still ours, and the reconnect back-off. Results of a
    previous generation are dropped: the broker has re-queued those items
    already, and sending them again would only be refused.

    Credit: each broker gets `credit` jobs at most (READY{credit}; by
    default 2 x threads, at least 4); every DONE/FAIL returns one. Jobs
    wait in one local FIFO until an annotation thread is idle, so no thread
    ever holds more than one item (with --threads 1, small items are
    annotated on the main thread instead: s_dispatch_inline).

    Stop (SIGTERM/SIGINT): items that were not started are kept aside, items
    being annotated are finished and sent (up to drain_ms), then each broker
    gets BYE with every job of its that was not answered, and the threads
    stop.
*/
#include "worker.h"
#include "metrics.h"
#include "wiretag/annotate.h"
#include "wiretag/codec.h"
#include "wiretag/curve.h"
#include "wiretag/endpoint.h"
#include "wiretag/log.h"
#include "wiretag/proto.h"

#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

static volatile sig_atomic_t s_stop_flag = 0;
static volatile sig_atomic_t s_reload_flag = 0;

void wt_worker_signal(int sig)
{
    if (sig == SIGHUP)
        s_reload_flag = 1;
    else
        s_stop_flag = 1;
}

/* ---- logging: once, where the decision is made ---- */

static int s_log_level = 2;

static void s_log(int level, const char *fmt, ...)
{
    if (level > s_log_level) return;
    char line[1024], pid[24];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    snprintf(pid, sizeof pid, "%d", (int)getpid());
    const wt_log_kv_t kv[] = {{"pid", pid}}; /* the shared format: wiretag/log.h */
    wt_log_write("worker", level, kv, 1, line);
}

/* ---- the shared engine, reference-counted ---- */

typedef struct {
    wt_engine_t *engine;
    atomic_int refs;
} s_engine_ref_t;

static s_engine_ref_t *s_engine_ref_new(wt_engine_t **engine_p)
{
    s_engine_ref_t *r = wt_calloc(1, sizeof *r);
    r->engine = *engine_p;
    *engine_p = NULL;
    atomic_init(&r->refs, 1);
    return r;
}

static void s_engine_hold(s_engine_ref_t *r)
{
    atomic_fetch_add(&r->refs, 1);
}

static void s_engine_drop(s_engine_ref_t **r_p)
{
    if (!*r_p) return;
    if (atomic_fetch_sub(&(*r_p)->refs, 1) == 1) {
        wt_engine_destroy(&(*r_p)->engine);
        free(*r_p);
    }
    *r_p = NULL;
}

/* ---- tasks: one item travelling main -> thread -> main ---- */

typedef enum { S_TASK_JOB = 0, S_TASK_STOP } s_task_kind_t;

typedef struct s_task {
    s_task_kind_t kind;
    int broker;
    uint64_t gen;
    uint64_t job;
    uint32_t attempt;
    char *id; /* JOB's item id (the broker's, for items sent without one) */
    uint8_t *payload;
    size_t payload_len;
    s_engine_ref_t *engine; /* held for the task */
    int rc;                 /* out: 0 or the failure code */
    char reason[256];       /* out: failure detail */
    wt_buf_t result;        /* out: encoded result */
    int64_t annotate_us;    /* out: time the thread spent on it */
    struct s_task *next;
} s_task_t;

static void s_task_destroy(s_task_t **t_p)
{
    s_task_t *t = *t_p;
    if (!t) return;
    free(t->id);
    free(t->payload);
    wt_buf_free(&t->result);
    s_engine_drop(&t->engine);
    free(t);
    *t_p = NULL;
}

/* ---- annotation threads ---- */

typedef struct {
    void *ctx;
    char endpoint[96];
    wt_limits_t limits;
    const char *poison; /* WT_TEST_POISON or NULL */
    long slow_ms;       /* WT_TEST_SLOW_MS or 0 */
} s_thread_args_t;

typedef struct {
    pthread_t tid;
    void *pipe;
    s_thread_args_t args;
    s_task_t *task; /* running task, NULL when idle */
    bool started;
} s_thread_t;

static void s_annotate_item(s_task_t *t, wt_annotator_t *ann, const s_thread_args_t *args);

/* One item on an annotation thread, timed for DONE's annotate_us. */
static void s_annotate_task(s_task_t *t, wt_annotator_t *ann, const s_thread_args_t *args)
{
    int64_t start = wt_clock_us();
    s_annotate_item(t, ann, args);
    t->annotate_us = wt_clock_us() - start;
}

static void s_annotate_item(s_task_t *t, wt_annotator_t *ann, const s_thread_args_t *args)
{
    wt_item_t item = {0};
    int rc = wt_item_decode(t->payload, t->payload_len, &args->limits, &item);
    if (rc < 0) {
        t->rc = rc;
        snprintf(t->reason, sizeof t->reason, "item does not decode: %s", wt_strerror(rc));
        return;
    }
    if (t->id && (!item.id || strcmp(item.id, t->id) != 0)) {
        /* the result must carry the id the broker knows the item by */
        free(item.id);
        item.id = wt_strdup(t->id);
    }
    if (args->poison && item.text && strstr(item.text, args->poison)) {
        /* test hook (worker.h): die like a worker that crashes on an item */
        fprintf(stderr, "wiretag-worker[%d]: WT_TEST_POISON matched in job %llu, aborting\n",
                (int)getpid(), (unsigned long long)t->job);
        abort();
    }
    if (args->slow_ms > 0) {
        /* test hook (worker.h): a slow annotator, to keep items in flight */
        struct timespec ts = {args->slow_ms / 1000, (args->slow_ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
    wt_result_t res = {0};
    rc = wt_annotate(ann, &item, &res);
    if (rc < 0) {
        t->rc = rc;
        snprintf(t->reason, sizeof t->reason, "annotation refused the item: %s", wt_strerror(rc));
    } else {
        res.has_seq = true; /* PROTOCOL.md: a result's seq is its job */
        res.seq = t->job;
        wt_result_encode(&res, &t->result);
    }
    wt_result_clear(&res);
    wt_item_clear(&item);
}

static void *s_thread_main(void *arg)
{
    s_thread_args_t *args = arg;
    void *pipe = zmq_socket(args->ctx, ZMQ_PAIR);
    if (!pipe || zmq_connect(pipe, args->endpoint) != 0) {
        s_log(0, "annotation thread: cannot connect %s: %s", args->endpoint,
              zmq_strerror(zmq_errno()));
        abort(); /* our own bug: the endpoint was bound before the thread started */
    }
    s_engine_ref_t *current = NULL;
    wt_annotator_t *ann = NULL;
    for (;;) {
        s_task_t *t = NULL;
        int n = zmq_recv(pipe, &t, sizeof t, 0);
        if (n < 0 && zmq_errno() == EINTR) continue;
        if (n != (int)sizeof t) break;
        if (t->kind == S_TASK_STOP) {
            zmq_send(pipe, &t, sizeof t, 0);
            break;
        }
        if (t->engine != current) {
            /* dictionaries were reloaded: the next item uses the new engine */
            wt_annotator_destroy(&ann);
            s_engine_drop(&current);
            current = t->engine;
            s_engine_hold(current);
            ann = wt_annotator_new(current->engine);
        }
        s_annotate_task(t, ann, args);
        zmq_send(pipe, &t, sizeof t, 0);
    }
    wt_annotator_destroy(&ann);
    s_engine_drop(&current);
    int linger = 0;
    zmq_setsockopt(pipe, ZMQ_LINGER, &linger, sizeof linger);
    zmq_close(pipe);
    return NULL;
}

/* ---- dictionary reload (a thread, so that heartbeats go on meanwhile) ---- */

typedef struct {
    void *ctx;
    char endpoint[96];
    char *config_path;
    wt_engine_t *engine; /* out */
    char err[512];       /* out */
} s_loader_t;

static void *s_loader_main(void *arg)
{
    s_loader_t *l = arg;
    wt_config_t cfg;
    wt_config_defaults(&cfg);
    int rc = 0;
    if (l->config_path) rc = wt_config_load(&cfg, l->config_path, l->err, sizeof l->err);
    if (rc == 0) l->engine = wt_engine_new(&cfg, l->err, sizeof l->err);
    wt_config_free(&cfg);
    void *pipe = zmq_socket(l->ctx, ZMQ_PAIR);
    zmq_connect(pipe, l->endpoint);
    zmq_send(pipe, &l, sizeof l, 0);
    zmq_close(pipe);
    return NULL;
}

/* ---- brokers ---- */

typedef struct {
    char *endpoint;
    void *sock;   /* NULL while waiting to reconnect */
    uint64_t gen; /* connection generation */
    int64_t last_recv, last_send;
    int64_t last_hb;      /* last HB from the broker */
    bool error_burst;     /* READY sent after an ERROR, nothing else heard since */
    int64_t reconnect_at; /* when sock is NULL */
    int64_t backoff;      /* next reconnect delay */
    uint32_t outstanding; /* jobs of this generation not answered */
    uint64_t jobs, done, failed;
    wt_peer_watch_t *watch; /* handshakes of sock: a wrong port never completes one */
} s_broker_t;

struct wt_worker {
    const wt_config_t *cfg; /* the caller's, alive until destroy (CURVE keys) */
    wt_worker_opts_t opts;
    char *config_path;
    void *ctx;
    s_engine_ref_t *engine;
    s_thread_t *threads;
    int nthreads;
    s_broker_t *brokers;
    int nbrokers;
    s_task_t *head, *tail; /* jobs waiting for a thread */
    size_t queued;
    uint32_t credit;
    int64_t hb_ms, liveness, rmin, rmax;
    char name[256];
    wt_limits_t limits;
    /* reload */
    void *loader_pipe;
    char loader_endpoint[96];
    pthread_t loader_tid;
    bool loading;
    /* --threads 1: small items are annotated right here between polls */
    wt_annotator_t *inline_ann;
    s_engine_ref_t *inline_engine; /* the engine inline_ann was made for */
    wt_wmetrics_t *metrics;        /* figures for --metrics (metrics.h) */
    char fatal[1024];              /* set: a broker endpoint is not a workers endpoint; exit 2 */
};

/* the smallest default credit (worker.credit 0), whatever --threads */
#define S_MIN_CREDIT 4

static void s_broker_send(wt_worker_t *self, s_broker_t *b, const wt_proto_t *msg,
                          const void *payload, size_t n)
{
    if (!b->sock) return;
    int rc = wt_proto_send_to(b->sock, NULL, 0, msg, payload, n, ZMQ_DONTWAIT);
    if (rc < 0)
        s_log(1, "broker %s: cannot send %s: %s", b->endpoint, wt_proto_cmd_name(msg->cmd),
              zmq_strerror(-rc));
    else
        b->last_send = wt_clock_ms();
    (void)self;
}

static void s_send_ready(wt_worker_t *self, s_broker_t *b)
{
    wt_proto_t m = {0};
    wt_proto_init(&m, WT_CMD_READY);
    m.credit = self->credit;
    m.has |= WT_F_CREDIT;
    wt_proto_set_name(&m, self->name);
    m.threads = (uint32_t)self->nthreads;
    m.has |= WT_F_THREADS;
    wt_proto_set_dictionaries(&m, wt_engine_dictionaries(self->engine->engine));
    s_broker_send(self, b, &m, NULL, 0);
    wt_proto_clear(&m);
    s_log(3, "broker %s: READY credit %u", b->endpoint, self->credit);
}

static void s_broker_open(wt_worker_t *self, s_broker_t *b)
{
    b->sock = zmq_socket(self->ctx, ZMQ_DEALER);
    int linger = 1000, rmin = (int)self->rmin, rmax = (int)self->rmax;
    zmq_setsockopt(b->sock, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(b->sock, ZMQ_RECONNECT_IVL, &rmin, sizeof rmin);
    zmq_setsockopt(b->sock, ZMQ_RECONNECT_IVL_MAX, &rmax, sizeof rmax);
    char err[512];
    if (wt_curve_setup_client(b->sock, self->cfg, err, sizeof err) != 0) {
        /* checked in wt_worker_new: only a key file changed since can do this */
        s_log(0, "broker %s: CURVE: %s", b->endpoint, err);
        zmq_close(b->sock);
        b->sock = NULL;
        b->reconnect_at = wt_clock_ms() + self->rmax;
        return;
    }
    wt_peer_watch_destroy(&b->watch);
    b->watch = wt_peer_watch_new(self->ctx, b->sock);
    if (zmq_connect(b->sock, b->endpoint) != 0) {
        s_log(0, "broker %s: cannot connect: %s", b->endpoint, zmq_strerror(zmq_errno()));
        zmq_close(b->sock);
        b->sock = NULL;
        b->reconnect_at = wt_clock_ms() + self->rmax;
        return;
    }
    b->gen++;
    b->outstanding = 0;
    b->error_burst = false;
    b->last_recv = wt_clock_ms();
    s_send_ready(self, b);
}

/* Forget this broker's queued (not started) jobs of older generations. */
static void s_drop_stale(wt_worker_t *self, int bi)
{
    s_task_t **pp = &self->head;
    self->tail = NULL;
    while (*pp) {
        s_task_t *t = *pp;
        if (t->broker == bi && t->gen != self->brokers[bi].gen) {
            *pp = t->next;
            self->queued--;
            s_task_destroy(&t);
        } else {
            self->tail = t;
            pp = &t->next;
        }
    }
}

/* The broker may have forgotten us: start a new generation. */
static void s_broker_reset(wt_worker_t *self, int bi, bool reconnect, const char *why)
{
    s_broker_t *b = &self->brokers[bi];
    self->metrics->resets++;
    if (reconnect) {
        s_log(1, "broker %s: %s; reconnecting in %lld ms", b->endpoint, why, (long long)b->backoff);
        int linger = 0;
        zmq_setsockopt(b->sock, ZMQ_LINGER, &linger, sizeof linger);
        wt_peer_watch_destroy(&b->watch);
        zmq_close(b->sock);
        b->sock = NULL;
        b->gen++;
        b->outstanding = 0;
        b->reconnect_at = wt_clock_ms() + b->backoff;
        b->backoff = b->backoff * 2 > self->rmax ? self->rmax : b->backoff * 2;
    } else {
        s_log(1, "broker %s: %s; sending READY again", b->endpoint, why);
        b->gen++;
        b->outstanding = 0;
        s_send_ready(self, b);
    }
    s_drop_stale(self, bi);
}

static void s_enqueue(wt_worker_t *self, s_task_t *t)
{
    t->next = NULL;
    if (self->tail)
        self->tail->next = t;
    else
        self->head = t;
    self->tail = t;
    self->queued++;
}

static void s_broker_recv(wt_worker_t *self, int bi)
{
    s_broker_t *b = &self->brokers[bi];
    for (int budget = 0; budget < 256 && b->sock; budget++) {
        wt_proto_in_t in;
        int rc = wt_proto_recv(b->sock, false, ZMQ_DONTWAIT, &in);
        if (rc == -EAGAIN || rc == -EINTR) {
            wt_proto_in_close(&in);
            return;
        }
        b->last_recv = wt_clock_ms();
        b->backoff = self->rmin;
        if (rc < 0) {
            s_log(1, "broker %s: bad message (%s), ignored", b->endpoint, wt_errname(rc));
            wt_proto_in_close(&in);
            continue;
        }
        wt_proto_t *m = &in.msg;
        if (wt_endpoint_refused(m, WT_ROLE_WORKERS, b->endpoint, self->fatal, sizeof self->fatal)) {
            wt_proto_in_close(&in);
            return; /* READY again cannot help: wt_worker_run stops */
        }
        if (m->cmd != WT_CMD_ERROR)
            b->error_burst = false; /* the broker talks to us normally again */
        switch (m->cmd) {
        case WT_CMD_JOB: {
            size_t n = 0;
            const uint8_t *p = wt_proto_in_payload(&in, &n);
            s_task_t *t = wt_calloc(1, sizeof *t);
            t->kind = S_TASK_JOB;
            t->broker = bi;
            t->gen = b->gen;
            t->job = m->job;
            t->attempt = m->attempt;
            if (m->id) t->id = wt_strdup(m->id);
            if (p && n) {
                t->payload = wt_malloc(n);
                memcpy(t->payload, p, n);
                t->payload_len = n;
            }
            wt_buf_init(&t->result);
            b->outstanding++;
            b->jobs++;
            self->metrics->jobs++;
            s_enqueue(self, t);
            s_log(3, "broker %s: JOB %llu attempt %u", b->endpoint, (unsigned long long)m->job,
                  m->attempt);
            break;
        }
        case WT_CMD_HB: {
            /* keep pace with the broker's heartbeat, whatever ours is: the
               broker expires a worker silent for its liveness x its interval */
            int64_t now = b->last_recv, gap = b->last_hb ? now - b->last_hb : self->hb_ms;
            b->last_hb = now;
            if (now - b->last_send >= gap / 2) {
                wt_proto_t hb = {0};
                wt_proto_init(&hb, WT_CMD_HB);
                s_broker_send(self, b, &hb, NULL, 0);
                wt_proto_clear(&hb);
            }
            break;
        }
        case WT_CMD_ERROR:
            if (b->error_burst) {
                /* a reply to something sent before our new READY: already handled */
                s_log(3, "broker %s: ERROR %s (same burst, ignored)", b->endpoint,
                      m->code ? m->code : "?");
                break;
            }
            b->error_burst = true;
            {
                /* formatted before in is closed: m's strings live in it */
                char why[WT_PROTO_MAX_STR + WT_PROTO_MAX_REASON + 16];
                snprintf(why, sizeof why, "ERROR %s (%s)", m->code ? m->code : "?",
                         m->reason ? m->reason : "");
                wt_proto_in_close(&in);
                s_broker_reset(self, bi, false, why);
            }
            continue;
        default:
            s_log(1, "broker %s: unexpected %s, ignored", b->endpoint, wt_proto_cmd_name(m->cmd));
            break;
        }
        wt_proto_in_close(&in);
    }
}

/* A task came back from a thread: answer the broker it came from. */
static void s_task_finished(wt_worker_t *self, s_task_t *t)
{
    s_broker_t *b = &self->brokers[t->broker];
    if (!b->sock || t->gen != b->gen) {
        self->metrics->dropped++;
        s_log(3, "broker %s: result of job %llu from an old connection dropped", b->endpoint,
              (unsigned long long)t->job);
        return;
    }
    int64_t maxmsg = self->cfg ? self->cfg->broker_max_message_bytes : 0;
    if (t->rc == 0 && maxmsg > 0 && t->result.size > (size_t)maxmsg) {
        /* the broker would drop the connection on it (ZeroMQ's message
           limit) and see a lost worker: say what it is instead */
        t->rc = WT_ETOOBIG;
        snprintf(t->reason, sizeof t->reason,
                 "result of %zu bytes is over broker.max_message (%lld bytes)", t->result.size,
                 (long long)maxmsg);
    }
    wt_proto_t m = {0};
    if (t->rc == 0) {
        wt_proto_init(&m, WT_CMD_DONE);
        m.job = t->job;
        m.has |= WT_F_JOB | WT_F_ANNOTATE_US;
        m.annotate_us = t->annotate_us > 0 ? (uint64_t)t->annotate_us : 0;
        s_broker_send(self, b, &m, t->result.data, t->result.size);
        b->done++;
        self->metrics->done++;
        wt_histogram_observe(&self->metrics->annotate, (double)t->annotate_us / 1e6);
    } else {
        wt_proto_init(&m, WT_CMD_FAIL);
        m.job = t->job;
        m.has |= WT_F_JOB;
        wt_proto_set_error(&m, t->rc, t->reason);
        s_broker_send(self, b, &m, NULL, 0);
        b->failed++;
        wt_wmetrics_fail(self->metrics, wt_errname(t->rc));
        s_log(1, "job %llu failed: %s %s", (unsigned long long)t->job, wt_errname(t->rc),
              t->reason);
    }
    wt_proto_clear(&m);
    if (b->outstanding > 0) b->outstanding--;
}

/* Annotating on the main thread saves two hand-overs and two wake-ups per
   item, but nothing is polled meanwhile: only an item that cannot hold the
   loop for long qualifies (its payload, and the WT_TEST_SLOW_MS delay),
   and one turn stops after S_INLINE_TURN_MS or on a signal, so that
   heartbeats, BYE and reloads stay on time. Larger items go to the
   annotation thread as before. */
#define S_INLINE_MAX_BYTES   (64 * 1024) /* about 5 ms of annotation */
#define S_INLINE_MAX_SLOW_MS 50
#define S_INLINE_TURN_MS     50

static bool s_inline_fits(const wt_worker_t *self, const s_task_t *t)
{
    return t->payload_len <= S_INLINE_MAX_BYTES &&
           self->threads[0].args.slow_ms <= S_INLINE_MAX_SLOW_MS;
}

/* With one annotation thread and it idle, annotate the queue's head items
   here; returns when the queue is empty, the head is too large, the turn
   is over or a signal came. Never more items at once than --threads. */
static void s_dispatch_inline(wt_worker_t *self)
{
    if (self->nthreads != 1 || self->threads[0].task) return;
    int64_t start = wt_clock_ms();
    int64_t turn = self->hb_ms / 4 < S_INLINE_TURN_MS ? self->hb_ms / 4 : S_INLINE_TURN_MS;
    while (self->head && s_inline_fits(self, self->head) && !s_stop_flag && !s_reload_flag) {
        s_task_t *t = self->head;
        self->head = t->next;
        if (!self->head) self->tail = NULL;
        self->queued--;
        t->next = NULL;
        if (self->inline_engine != self->engine) {
            /* dictionaries were reloaded: the next item uses the new engine */
            wt_annotator_destroy(&self->inline_ann);
            s_engine_drop(&self->inline_engine);
            self->inline_engine = self->engine;
            s_engine_hold(self->inline_engine);
            self->inline_ann = wt_annotator_new(self->inline_engine->engine);
        }
        s_annotate_task(t, self->inline_ann, &self->threads[0].args);
        self->metrics->inline_items++;
        s_task_finished(self, t);
        s_task_destroy(&t);
        if (wt_clock_ms() - start >= turn) break;
    }
}

static void s_dispatch(wt_worker_t *self)
{
    s_dispatch_inline(self);
    for (int i = 0; i < self->nthreads && self->head; i++) {
        s_thread_t *th = &self->threads[i];
        if (th->task) continue;
        s_task_t *t = self->head;
        self->head = t->next;
        if (!self->head) self->tail = NULL;
        self->queued--;
        t->next = NULL;
        t->engine = self->engine;
        s_engine_hold(t->engine);
        th->task = t;
        if (zmq_send(th->pipe, &t, sizeof t, 0) != (int)sizeof t) {
            s_log(0, "annotation thread %d: send failed: %s", i, zmq_strerror(zmq_errno()));
            abort(); /* inproc PAIR to our own thread: cannot fail */
        }
    }
}

static void s_thread_result(wt_worker_t *self, int i)
{
    s_thread_t *th = &self->threads[i];
    s_task_t *t = NULL;
    if (zmq_recv(th->pipe, &t, sizeof t, ZMQ_DONTWAIT) != (int)sizeof t) return;
    if (t != th->task) {
        s_log(0, "annotation thread %d returned an unknown task", i);
        abort(); /* our own bug */
    }
    th->task = NULL;
    s_task_finished(self, t);
    s_task_destroy(&t);
}

static void s_start_reload(wt_worker_t *self)
{
    if (self->loading) return; /* the flag stays set: reload again when this one ends */
    s_reload_flag = 0;
    s_loader_t *l = wt_calloc(1, sizeof *l);
    l->ctx = self->ctx;
    snprintf(l->endpoint, sizeof l->endpoint, "%s", self->loader_endpoint);
    l->config_path = self->config_path ? wt_strdup(self->config_path) : NULL;
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    int rc = pthread_create(&self->loader_tid, NULL, s_loader_main, l);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        s_log(0, "reload: cannot start a thread: %s", strerror(rc));
        free(l->config_path);
        free(l);
        return;
    }
    self->loading = true;
    s_log(2, "SIGHUP: reloading dictionaries%s%s", self->config_path ? " from " : "",
          self->config_path ? self->config_path : "");
}

static void s_finish_reload(wt_worker_t *self)
{
    s_loader_t *l = NULL;
    if (zmq_recv(self->loader_pipe, &l, sizeof l, ZMQ_DONTWAIT) != (int)sizeof l) return;
    pthread_join(self->loader_tid, NULL);
    self->loading = false;
    if (l->engine) {
        char old[128];
        snprintf(old, sizeof old, "%s", wt_engine_dictionaries(self->engine->engine));
        s_engine_ref_t *fresh = s_engine_ref_new(&l->engine);
        s_engine_drop(&self->engine); /* threads still using it keep it alive */
        self->engine = fresh;
        self->metrics->reloads_ok++;
        s_log(2, "dictionaries reloaded: %s -> %s", old, wt_engine_dictionaries(fresh->engine));
    } else {
        self->metrics->reloads_failed++;
        s_log(0, "reload failed, keeping dictionaries %s: %s",
              wt_engine_dictionaries(self->engine->engine), l->err);
    }
    free(l->config_path);
    free(l);
}

wt_worker_t *wt_worker_new(const wt_config_t *cfg, const wt_worker_opts_t *opts, char *err,
                           size_t errlen)
{
    s_log_level = opts->log_level;
    wt_log_set_json(cfg->log_format && !strcmp(cfg->log_format, "json"));
    for (int i = 0; i < cfg->worker_brokers.count; i++) {
        char why[512];
        if (wt_endpoint_check(cfg->worker_brokers.items[i], false, NULL, 0, why, sizeof why)) {
            snprintf(err, errlen, "--broker / worker.brokers: %s", why);
            return NULL;
        }
    }
    wt_engine_t *engine = wt_engine_new(cfg, err, errlen);
    if (!engine) return NULL;
    /* CURVE keys are read now so that a mistake stops the start */
    void *probe_ctx = zmq_ctx_new(), *probe = zmq_socket(probe_ctx, ZMQ_DEALER);
    int crc = wt_curve_setup_client(probe, cfg, err, errlen);
    zmq_close(probe);
    zmq_ctx_term(probe_ctx);
    if (crc != 0) {
        wt_engine_destroy(&engine);
        return NULL;
    }
    wt_worker_t *self = wt_calloc(1, sizeof *self);
    self->cfg = cfg;
    self->opts = *opts;
    self->config_path = opts->config_path ? wt_strdup(opts->config_path) : NULL;
    self->engine = s_engine_ref_new(&engine);
    self->nthreads = cfg->worker_threads > 0 ? (int)cfg->worker_threads : 1;
    /* credit 0 = two items per thread (one running, one waiting), at least
       S_MIN_CREDIT: the next JOB is on its way while these are annotated, so
       the worker does not wait a broker round trip (a loop turn, longer on
       a loaded machine) between items. With 2, a single-thread worker's
       rate was bound by 2 / round trip (docs/PERFORMANCE.md, issue 17). */
    self->credit =
        cfg->worker_credit > 0 ? (uint32_t)cfg->worker_credit : 2 * (uint32_t)self->nthreads;
    if (cfg->worker_credit <= 0 && self->credit < S_MIN_CREDIT) self->credit = S_MIN_CREDIT;
    self->hb_ms = cfg->broker_heartbeat_ms > 0 ? cfg->broker_heartbeat_ms : 1000;
    if (cfg->worker_heartbeat_ms > 0) self->hb_ms = cfg->worker_heartbeat_ms;
    self->liveness = cfg->broker_liveness > 0 ? cfg->broker_liveness : 3;
    self->rmin = cfg->worker_reconnect_min_ms > 0 ? cfg->worker_reconnect_min_ms : 250;
    self->rmax = cfg->worker_reconnect_max_ms >= self->rmin ? cfg->worker_reconnect_max_ms : 8000;
    self->limits = wt_limits_default;
    if (cfg->max_text_bytes > 0) self->limits.max_text = (size_t)cfg->max_text_bytes;
    if (opts->name && *opts->name)
        snprintf(self->name, sizeof self->name, "%s", opts->name);
    else {
        char host[200] = "worker";
        gethostname(host, sizeof host - 1);
        snprintf(self->name, sizeof self->name, "%s:%d", host, (int)getpid());
    }
    self->ctx = zmq_ctx_new();
    self->metrics = wt_wmetrics_new();

    /* brokers */
    int nb = cfg->worker_brokers.count;
    self->nbrokers = nb > 0 ? nb : 1;
    self->brokers = wt_calloc((size_t)self->nbrokers, sizeof *self->brokers);
    for (int i = 0; i < self->nbrokers; i++) {
        self->brokers[i].endpoint =
            wt_strdup(nb > 0 ? cfg->worker_brokers.items[i] : "tcp://127.0.0.1:5556");
        self->brokers[i].backoff = self->rmin;
    }

    /* reload pipe */
    snprintf(self->loader_endpoint, sizeof self->loader_endpoint, "inproc://wt-worker-%p-loader",
             (void *)self);
    self->loader_pipe = zmq_socket(self->ctx, ZMQ_PAIR);
    zmq_bind(self->loader_pipe, self->loader_endpoint);

    /* annotation threads, with every signal blocked (the main thread takes them) */
    const char *poison = getenv("WT_TEST_POISON");
    const char *slow = getenv("WT_TEST_SLOW_MS");
    self->threads = wt_calloc((size_t)self->nthreads, sizeof *self->threads);
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    for (int i = 0; i < self->nthreads; i++) {
        s_thread_t *th = &self->threads[i];
        th->args.ctx = self->ctx;
        snprintf(th->args.endpoint, sizeof th->args.endpoint, "inproc://wt-worker-%p-%d",
                 (void *)self, i);
        th->args.limits = self->limits;
        th->args.poison = poison && *poison ? poison : NULL;
        th->args.slow_ms = slow && *slow ? atol(slow) : 0;
        th->pipe = zmq_socket(self->ctx, ZMQ_PAIR);
        zmq_bind(th->pipe, th->args.endpoint);
        int rc = pthread_create(&th->tid, NULL, s_thread_main, &th->args);
        if (rc != 0) {
            snprintf(err, errlen, "cannot start annotation thread %d: %s", i, strerror(rc));
            pthread_sigmask(SIG_SETMASK, &old, NULL);
            wt_worker_destroy(&self);
            return NULL;
        }
        th->started = true;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (cfg->worker_metrics) {
        if (wt_wmetrics_listen(self->metrics, cfg->worker_metrics, err, errlen) != 0) {
            wt_worker_destroy(&self);
            return NULL;
        }
        s_log(2, "metrics: serving http://%s/metrics", wt_httpd_address(self->metrics->httpd));
    }
    if (poison && *poison)
        s_log(1, "test hook WT_TEST_POISON is set: items containing it abort this worker");
    return self;
}

static void s_stop_threads(wt_worker_t *self)
{
    for (int i = 0; i < self->nthreads; i++) {
        s_thread_t *th = &self->threads[i];
        if (!th->started) continue;
        /* a running task finishes first; its answer is discarded */
        s_task_t stop = {.kind = S_TASK_STOP}, *sp = &stop;
        zmq_send(th->pipe, &sp, sizeof sp, 0);
        for (;;) {
            s_task_t *t = NULL;
            int n = zmq_recv(th->pipe, &t, sizeof t, 0);
            if (n < 0 && zmq_errno() == EINTR) continue;
            if (n != (int)sizeof t || t == sp) break;
            s_task_destroy(&t);
        }
        th->task = NULL;
        pthread_join(th->tid, NULL);
        th->started = false;
    }
}

void wt_worker_destroy(wt_worker_t **self_p)
{
    if (!self_p || !*self_p) return;
    wt_worker_t *self = *self_p;
    s_stop_threads(self);
    wt_annotator_destroy(&self->inline_ann);
    s_engine_drop(&self->inline_engine);
    if (self->loading) {
        /* wait for the loader so that it does not outlive the context */
        s_loader_t *l = NULL;
        if (zmq_recv(self->loader_pipe, &l, sizeof l, 0) == (int)sizeof l) {
            wt_engine_destroy(&l->engine);
            free(l->config_path);
            free(l);
        }
        pthread_join(self->loader_tid, NULL);
    }
    while (self->head) {
        s_task_t *t = self->head;
        self->head = t->next;
        s_task_destroy(&t);
    }
    for (int i = 0; i < self->nthreads; i++)
        if (self->threads[i].pipe) zmq_close(self->threads[i].pipe);
    for (int i = 0; i < self->nbrokers; i++) {
        wt_peer_watch_destroy(&self->brokers[i].watch);
        if (self->brokers[i].sock) zmq_close(self->brokers[i].sock);
        free(self->brokers[i].endpoint);
    }
    if (self->loader_pipe) zmq_close(self->loader_pipe);
    zmq_ctx_term(self->ctx);
    s_engine_drop(&self->engine);
    free(self->threads);
    free(self->brokers);
    free(self->config_path);
    wt_wmetrics_destroy(&self->metrics);
    free(self);
    *self_p = NULL;
}

static int s_busy(const wt_worker_t *self)
{
    int n = 0;
    for (int i = 0; i < self->nthreads; i++)
        n += self->threads[i].task != NULL;
    return n;
}

/* Heartbeats, liveness and reconnects; returns the poll timeout (ms). */
static long s_timers(wt_worker_t *self)
{
    int64_t now = wt_clock_ms();
    long timeout = (long)self->hb_ms;
    for (int i = 0; i < self->nbrokers; i++) {
        s_broker_t *b = &self->brokers[i];
        if (!b->sock) {
            if (now >= b->reconnect_at) {
                s_log(2, "broker %s: connecting", b->endpoint);
                s_broker_open(self, b);
            } else if (b->reconnect_at - now < timeout)
                timeout = (long)(b->reconnect_at - now);
            continue;
        }
        if (!self->fatal[0])
            wt_peer_watch_failed(b->watch, 3, b->endpoint, WT_ROLE_WORKERS, self->fatal,
                                 sizeof self->fatal);
        if (now - b->last_recv > self->hb_ms * self->liveness) {
            s_broker_reset(self, i, true, "silent for too long");
            continue;
        }
        if (now - b->last_send >= self->hb_ms) {
            wt_proto_t m = {0};
            wt_proto_init(&m, WT_CMD_HB);
            s_broker_send(self, b, &m, NULL, 0);
            wt_proto_clear(&m);
        }
        int64_t due = b->last_send + self->hb_ms - now;
        if (due < timeout) timeout = due < 1 ? 1 : (long)due;
    }
    return timeout;
}

/* The gauges of metrics.h, as of now. */
static void s_gauges(wt_worker_t *self)
{
    wt_wmetrics_t *m = self->metrics;
    m->threads = self->nthreads;
    m->threads_busy = s_busy(self);
    m->queued = self->queued;
    m->credit = self->credit;
    m->brokers = self->nbrokers;
    m->brokers_connected = 0;
    for (int i = 0; i < self->nbrokers; i++)
        m->brokers_connected += self->brokers[i].sock != NULL;
    snprintf(m->name, sizeof m->name, "%s", self->name);
    snprintf(m->dictionaries, sizeof m->dictionaries, "%s",
             wt_engine_dictionaries(self->engine->engine));
}

/* One poll round over brokers, threads, the loader and --metrics. */
static void s_poll_once(wt_worker_t *self, long timeout)
{
    zmq_pollitem_t items[64 + 256 + 2];
    int map[64 + 256 + 2];
    int n = 0;
    for (int i = 0; i < self->nbrokers && i < 64; i++)
        if (self->brokers[i].sock) {
            items[n] = (zmq_pollitem_t){.socket = self->brokers[i].sock, .events = ZMQ_POLLIN};
            map[n++] = i;
        }
    int nb = n;
    for (int i = 0; i < self->nthreads && i < 256; i++)
        if (self->threads[i].task) {
            items[n] = (zmq_pollitem_t){.socket = self->threads[i].pipe, .events = ZMQ_POLLIN};
            map[n++] = i;
        }
    int nt = n;
    bool loader = self->loading; /* only a running loader sends: idle, it costs a poll item */
    if (loader) items[n++] = (zmq_pollitem_t){.socket = self->loader_pipe, .events = ZMQ_POLLIN};
    wt_httpd_t *http = self->metrics->httpd; /* --metrics: served here, between turns */
    if (http) {
        items[n++] = (zmq_pollitem_t){.fd = wt_httpd_fd(http), .events = ZMQ_POLLIN};
        long t = wt_httpd_timeout(http);
        if (t >= 0 && t < timeout) timeout = t;
    }
    if (http) s_gauges(self); /* read only by a scrape */
    int rc = zmq_poll(items, n, timeout);
    if (http) wt_httpd_run(http);
    if (rc <= 0) return; /* timeout or EINTR (a signal): the caller looks at the flags */
    for (int k = nb; k < nt; k++)
        if (items[k].revents & ZMQ_POLLIN) s_thread_result(self, map[k]);
    for (int k = 0; k < nb; k++)
        if (items[k].revents & ZMQ_POLLIN) s_broker_recv(self, map[k]);
    if (loader && (items[nt].revents & ZMQ_POLLIN)) s_finish_reload(self);
}

/* SIGTERM: finish running items, hand back the rest with BYE. */
static void s_drain(wt_worker_t *self)
{
    /* nothing new starts: what is queued goes back */
    int64_t deadline = wt_clock_ms() + self->opts.drain_ms;
    s_log(2, "stopping: finishing %d running item(s), handing back %zu queued", s_busy(self),
          self->queued);
    while (s_busy(self) > 0 && wt_clock_ms() < deadline) {
        s_timers(self);
        s_poll_once(self, 100);
    }
    for (int bi = 0; bi < self->nbrokers; bi++) {
        s_broker_t *b = &self->brokers[bi];
        if (!b->sock) continue;
        size_t cap = 16, n = 0;
        uint64_t *jobs = wt_malloc(cap * sizeof *jobs);
        for (s_task_t *t = self->head; t; t = t->next)
            if (t->broker == bi && t->gen == b->gen) {
                wt_grow(&jobs, &cap, n + 1, sizeof *jobs);
                jobs[n++] = t->job;
            }
        for (int i = 0; i < self->nthreads; i++) {
            s_task_t *t = self->threads[i].task;
            if (t && t->broker == bi && t->gen == b->gen) {
                wt_grow(&jobs, &cap, n + 1, sizeof *jobs);
                jobs[n++] = t->job;
            }
        }
        for (size_t off = 0; off < n || off == 0; off += WT_PROTO_MAX_JOBS) {
            wt_proto_t m = {0};
            wt_proto_init(&m, WT_CMD_BYE);
            size_t k = n - off > WT_PROTO_MAX_JOBS ? WT_PROTO_MAX_JOBS : n - off;
            wt_proto_set_jobs(&m, jobs + off, k);
            s_broker_send(self, b, &m, NULL, 0);
            wt_proto_clear(&m);
            if (n == 0) break;
        }
        s_log(2, "broker %s: BYE, %zu job(s) handed back; %llu done, %llu failed", b->endpoint, n,
              (unsigned long long)b->done, (unsigned long long)b->failed);
        free(jobs);
    }
}

int wt_worker_run(wt_worker_t *self)
{
    s_log(2, "%s: %d thread(s), credit %u, dictionaries %s", self->name, self->nthreads,
          self->credit, wt_engine_dictionaries(self->engine->engine));
    for (int i = 0; i < self->nbrokers; i++) {
        s_log(2, "broker %s: connecting", self->brokers[i].endpoint);
        s_broker_open(self, &self->brokers[i]);
    }
    while (!s_stop_flag && !self->fatal[0]) {
        if (s_reload_flag) s_start_reload(self);
        long timeout = s_timers(self);
        s_dispatch(self);
        s_poll_once(self, timeout);
        s_dispatch(self);
    }
    if (self->fatal[0]) {
        s_log(0, "%s", self->fatal);
        return 2;
    }
    s_drain(self);
    return 0;
}
