/*  nats.c: `wiretag feed|sub|stats --nats` and `wiretag nats-init`, the
    command line on NATS JetStream (docs/NATS.md).

    feed publishes each item on PREFIX.items with Nats-Msg-Id = item id
    (the stream's dedup window drops a second copy and says so in its
    publish ack) and keeps at most --window publish acks outstanding. A
    publish that times out or finds no leader (a node restarts) is sent
    again, with the same id, after a pause; a refusal by the stream (too
    big) is final and listed in the summary. sub reads PREFIX_RESULTS
    through an ordered consumer: the result's seq is its stream sequence.
*/
#include "natscmd.h"

#include <string.h>

bool wt_nats_wanted(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--nats")) return true;
    return false;
}

#ifdef WT_HAVE_NATS
#include "input.h"
#include "progress.h"
#include "wiretag/cli.h"
#include "wiretag/signals.h"
#include "wiretag/codec.h"
#include "wiretag/natsjs.h"

#include <jansson.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* "90s", "30m", "12h", "7d" -> ms; -1 when malformed. */
static int64_t s_duration_ms(const char *s)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || v <= 0) return -1;
    double mul = !strcmp(end, "ms")  ? 1
                 : !strcmp(end, "s") ? 1000
                 : !strcmp(end, "m") ? 60000
                 : !strcmp(end, "h") ? 3600000
                 : !strcmp(end, "d") ? 86400000
                                     : -1;
    return mul < 0 ? -1 : (int64_t)(v * mul);
}

/* Connect and create what is missing; NULL after saying why. */
static wt_nats_t *s_open(const char *cmd, const wt_config_t *cfg, const char *urls)
{
    char err[1024], name[64];
    snprintf(name, sizeof name, "wiretag %s", cmd);
    wt_nats_t *n =
        wt_nats_connect(cfg, urls && strcmp(urls, "-") ? urls : NULL, name, err, sizeof err);
    if (n && wt_nats_ensure(n, false, NULL, err, sizeof err) != 0) wt_nats_destroy(&n);
    if (!n) fprintf(stderr, "wiretag %s: %s\n", cmd, err);
    return n;
}

/* ======================================================================
   nats-init */

static void s_init_usage(FILE *f)
{
    fprintf(f, "usage: wiretag nats-init [--nats URL[,URL...]] [-c FILE] [--replicas N]\n"
               "                         [--retention AGE] [--storage file|memory]\n\n"
               "Create wiretag's JetStream streams and consumers, or check existing ones and\n"
               "update what differs from the settings (docs/NATS.md lists them). The other\n"
               "commands create what is missing with the same settings.\n\n"
               "  --nats URL     NATS servers (default nats.servers of the config)\n"
               "  -c FILE        configuration file (nats.* keys: prefix, limits, auth, TLS)\n"
               "  --replicas N   replicas of each stream (default nats.replicas; 3 on a cluster)\n"
               "  --retention AGE  keep results and dead letters this long (90m, 12h, 7d;\n"
               "                 default nats.retention_age)\n"
               "  --storage S    file or memory (default nats.storage)\n");
}

static bool s_retention_arg(const char *value, void *out)
{
    return (*(int64_t *)out = s_duration_ms(value)) > 0;
}

static bool s_storage_arg(const char *value, void *out)
{
    if (strcmp(value, "file") && strcmp(value, "memory")) return false;
    *(int *)out = !strcmp(value, "memory");
    return true;
}

int cmd_nats_init(int argc, char **argv)
{
    const char *urls = NULL, *config = NULL;
    long long replicas = 0;
    int64_t retention = 0;
    int storage = -1;
    const wt_opt_t opts[] = {
        WT_OPT_STR_ROW("--nats", &urls, NULL),
        WT_OPT_STR_ROW("-c", &config, NULL),
        WT_OPT_INT_ROW("--replicas", &replicas, 1, 5, NULL),
        WT_OPT_FN_ROW("--retention", &retention, s_retention_arg, NULL),
        WT_OPT_FN_ROW("--storage", &storage, s_storage_arg, NULL),
    };
    const wt_cli_t cli = {.prog = "wiretag nats-init",
                          .usage = s_init_usage,
                          .say = WT_CLI_SAY_USAGE,
                          WT_CLI_TABLE(opts)};
    int rc = wt_cli_args(&cli, argc, argv);
    if (rc >= 0) return rc;
    wt_config_t cfg;
    if (wt_cli_config("wiretag nats-init", config, &cfg) != 0) return 2;
    char err[1024];
    wt_nats_t *n = wt_nats_connect(&cfg, urls && strcmp(urls, "-") ? urls : NULL,
                                   "wiretag nats-init", err, sizeof err);
    int status = 0;
    if (!n) {
        fprintf(stderr, "wiretag nats-init: %s\n", err);
        status = 2;
    } else {
        wt_nats_settings_t *st = wt_nats_settings(n);
        if (replicas) st->replicas = (int)replicas;
        if (retention) st->retention_age_ms = retention;
        if (storage >= 0) st->memory = storage == 1;
        if (wt_nats_ensure(n, true, stdout, err, sizeof err) != 0) {
            fprintf(stderr, "wiretag nats-init: %s\n", err);
            status = 1;
        }
    }
    wt_nats_destroy(&n);
    wt_config_free(&cfg);
    wt_nats_shutdown();
    return status;
}

/* ======================================================================
   feed --nats */

typedef struct s_retry {
    natsMsg *msg;
    int64_t due;
    struct s_retry *next;
} s_retry_t;

typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    size_t window;
    wt_feed_figures_t fig; /* t0, acked, retries, read_items, inflight, total */
    uint64_t dups, sent;
    s_retry_t *retry;
    wt_feed_fails_t fails;
    bool progress, quiet, streaming;
    int64_t last_draw, last_ack;
    int64_t backoff_ms; /* pause before a resend: doubles while publishes fail, to 2 s */
    const char *subject;
    wt_nats_t *nats;
    jsCtx *js;
    jsPubOptions po;
    wt_limits_t limits;
    wt_buf_t buf;
} s_nfeed_t;

/* Under f->mu. The list keeps the order of arrival. */
static void s_nfail(s_nfeed_t *f, const char *what, const char *code, const char *reason)
{
    wt_feed_fail(&f->fails, f->fails.n + 1, what, code, reason);
}

/* Worth sending again: the cluster is electing, a node restarts, the queue
   is full (nats.queue_bytes) and drains. */
static bool s_retryable(natsStatus s, jsErrCode code)
{
    if (code == 0) return true; /* timeouts, no responders, disconnections */
    return code == JSStreamStoreFailedErr || code == JSClusterNotAvailErr ||
           code == JSClusterNotLeaderErr || code == JSClusterNoPeersErr ||
           code == JSClusterIncompleteErr || code == JSInsufficientResourcesErr ||
           s == NATS_TIMEOUT;
}

static void s_push_retry(s_nfeed_t *f, natsMsg *msg, int64_t delay_ms)
{
    s_retry_t *r = wt_calloc(1, sizeof *r);
    r->msg = msg;
    r->due = wt_clock_ms() + delay_ms;
    r->next = f->retry;
    f->retry = r;
}

/* libnats' thread: one publish ack, or why there is none. */
static void s_on_puback(jsCtx *js, natsMsg *msg, jsPubAck *pa, jsPubAckErr *pae, void *closure)
{
    (void)js;
    s_nfeed_t *f = closure;
    pthread_mutex_lock(&f->mu);
    f->last_ack = wt_clock_ms();
    if (pa) {
        f->fig.acked++;
        if (pa->Duplicate) f->dups++;
        f->fig.inflight--;
        f->backoff_ms = 100;
        natsMsg_Destroy(msg);
    } else {
        natsStatus err = pae ? pae->Err : NATS_ERR;
        jsErrCode code = pae ? pae->ErrCode : 0;
        if (s_retryable(err, code)) {
            f->fig.retries++;
            s_push_retry(f, msg, f->backoff_ms);
            if (f->backoff_ms < 2000) f->backoff_ms *= 2;
        } else {
            const char *id = NULL;
            natsMsgHeader_Get(msg, "Nats-Msg-Id", &id);
            char what[256], cbuf[32];
            snprintf(what, sizeof what, "item %s", id ? id : "?");
            snprintf(cbuf, sizeof cbuf, "ENATS%d", (int)code);
            s_nfail(f, what, cbuf, pae && pae->ErrText ? pae->ErrText : natsStatus_GetText(err));
            f->fig.inflight--;
            natsMsg_Destroy(msg);
        }
    }
    pthread_cond_signal(&f->cv);
    pthread_mutex_unlock(&f->mu);
}

/* Under f->mu. */
static void s_ndraw(s_nfeed_t *f, bool final)
{
    f->fig.nfails = f->fails.n;
    wt_feed_progress(&f->fig, &f->last_draw, final);
}

static void s_feed_usage(FILE *f)
{
    fprintf(f, "usage: wiretag feed --nats URL[,URL...] [OPTIONS] INPUT...\n\n"
               "Publish items on NATS JetStream (PREFIX.items, Nats-Msg-Id = item id) and wait\n"
               "for every publish ack. INPUT as for `wiretag feed` (files, folders, - for stdin,\n"
               "sent line by line as it arrives).\n\n"
               "  --nats URL       NATS servers (\"-\" = nats.servers of the config)\n"
               "  -c FILE          configuration file (nats.* keys, limits)\n"
               "  --window N       publish acks outstanding at most (default 256)\n"
               "  --timeout MS     publish again when no ack came this long (default 5000)\n"
               "  --deadline S     give up after S seconds with items unacknowledged (exit 3)\n"
               "  --progress       progress bar even when stderr is not a terminal\n"
               "  --no-progress    no progress bar\n"
               "  -q               no progress, no summary unless something failed\n\n"
               "Exit status: 0 all acknowledged, 1 some refused or unreadable (listed),\n"
               "3 deadline passed, 130 interrupted.\n");
}

typedef struct {
    const char *urls, *config;
    long long window, timeout, deadline;
    int progress; /* -1: when stderr is a terminal */
    char **paths;
    int npaths;
} s_nargs_t;

/* The command line into a and f; -1 to go on, else the exit status. */
static int s_feed_parse(s_nargs_t *a, s_nfeed_t *f, int argc, char **argv)
{
    const wt_opt_t opts[] = {
        WT_OPT_STR_ROW("--nats", &a->urls, NULL),
        WT_OPT_STR_ROW("-c", &a->config, NULL),
        WT_FEED_OPT_ROWS(a, f),
    };
    const wt_cli_t cli = {.prog = "wiretag feed",
                          .usage = s_feed_usage,
                          .say = WT_CLI_SAY_USAGE,
                          WT_CLI_TABLE(opts),
                          .args = a->paths,
                          .nargs = &a->npaths};
    int rc = wt_cli_args(&cli, argc, argv);
    if (rc >= 0) return rc;
    if ((rc = wt_feed_inputs(a->paths, a->npaths, s_feed_usage, &f->streaming)) != 0) return rc;
    f->window = (size_t)a->window;
    return -1;
}

/* Connect, and a JetStream context of our own for the asynchronous
   publishes; 0 or 2 after saying why. */
static int s_feed_open(s_nfeed_t *f, const s_nargs_t *a, const wt_config_t *cfg)
{
    f->limits = wt_limits_default;
    if (cfg->max_text_bytes > 0) f->limits.max_text = (size_t)cfg->max_text_bytes;
    if (!(f->nats = s_open("feed", cfg, a->urls))) return 2;
    f->progress = a->progress == 1 || (a->progress == -1 && !f->quiet && isatty(2));
    if (f->quiet) f->progress = false;
    if (f->progress) f->fig.total = wt_feed_count(a->paths, a->npaths);
    f->subject = wt_nats_names(f->nats)->items_subject;
    jsOptions jo;
    jsOptions_Init(&jo);
    jo.Wait = a->timeout;
    jo.PublishAsync.MaxPending = a->window + 64;
    jo.PublishAsync.AckHandler = s_on_puback;
    jo.PublishAsync.AckHandlerClosure = f;
    jo.PublishAsync.StallWait = 50;
    natsStatus ns = natsConnection_JetStream(&f->js, wt_nats_conn(f->nats), &jo);
    if (ns != NATS_OK) {
        char b[256];
        fprintf(stderr, "wiretag feed: NATS: %s\n", wt_nats_strerror(ns, 0, b, sizeof b));
        return 2;
    }
    jsPubOptions_Init(&f->po);
    f->po.MaxWait = a->timeout;
    return 0;
}

/* What failed transiently and is due goes out again, same id. */
static void s_feed_resend(s_nfeed_t *f)
{
    pthread_mutex_lock(&f->mu);
    s_retry_t *due = NULL, **pp = &f->retry;
    int64_t now = wt_clock_ms();
    while (*pp) {
        s_retry_t *r = *pp;
        if (r->due <= now) {
            *pp = r->next;
            r->next = due;
            due = r;
        } else
            pp = &r->next;
    }
    pthread_mutex_unlock(&f->mu);
    while (due) {
        s_retry_t *r = due;
        due = r->next;
        natsMsg *m = r->msg;
        if (js_PublishMsgAsync(f->js, &m, &f->po) != NATS_OK) {
            pthread_mutex_lock(&f->mu);
            s_push_retry(f, m, 250);
            pthread_mutex_unlock(&f->mu);
        }
        free(r);
    }
}

/* Publish one item read from where. */
static void s_feed_publish(s_nfeed_t *f, const wt_item_t *item, const char *where)
{
    wt_buf_reset(&f->buf);
    wt_item_encode(item, &f->buf);
    natsMsg *m = NULL;
    natsStatus ns =
        natsMsg_Create(&m, f->subject, NULL, (const char *)f->buf.data, (int)f->buf.size);
    if (ns == NATS_OK) ns = natsMsgHeader_Set(m, "Nats-Msg-Id", item->id);
    if (ns == NATS_OK) ns = js_PublishMsgAsync(f->js, &m, &f->po);
    if (ns != NATS_OK && ns != NATS_MAX_PAYLOAD && m) {
        pthread_mutex_lock(&f->mu);
        s_push_retry(f, m, 250); /* the window of libnats is full: later */
        pthread_mutex_unlock(&f->mu);
        m = NULL;
    } else if (ns != NATS_OK) {
        char b[256];
        pthread_mutex_lock(&f->mu);
        if (ns == NATS_MAX_PAYLOAD) {
            snprintf(b, sizeof b,
                     "the encoded item is %zu bytes, over the server's max_payload of "
                     "%lld",
                     f->buf.size, (long long)natsConnection_GetMaxPayload(wt_nats_conn(f->nats)));
            s_nfail(f, where, "ETOOBIG", b);
        } else
            s_nfail(f, where, "ENATS", wt_nats_strerror(ns, 0, b, sizeof b));
        f->fig.inflight--;
        pthread_mutex_unlock(&f->mu);
    }
    natsMsg_Destroy(m);
}

/* Read on while the window has room. */
static void s_feed_read(s_nfeed_t *f, wt_input_reader_t *in)
{
    for (;;) {
        pthread_mutex_lock(&f->mu);
        bool room = f->fig.inflight < f->window;
        pthread_mutex_unlock(&f->mu);
        if (!room || wt_input_done(in)) break;
        wt_item_t item = {0};
        const char *where = NULL;
        char err[512];
        int rc = wt_input_next(in, &item, &where, err, sizeof err);
        if (rc == -EAGAIN || rc == 0) break;
        pthread_mutex_lock(&f->mu);
        f->fig.read_items++;
        if (rc < 0) {
            s_nfail(f, where, wt_errname(rc), err);
            if (!f->quiet && (f->progress || f->streaming))
                fprintf(stderr, "%swiretag feed: %s: %s: %s\n", f->progress ? "\r\033[K" : "",
                        where, wt_errname(rc), err);
            pthread_mutex_unlock(&f->mu);
            continue;
        }
        if (item.text_len > f->limits.max_text) {
            char reason[128];
            snprintf(reason, sizeof reason, "text is %zu bytes, over the limit of %zu",
                     item.text_len, f->limits.max_text);
            s_nfail(f, where, "ETOOBIG", reason);
            pthread_mutex_unlock(&f->mu);
            wt_item_clear(&item);
            continue;
        }
        f->fig.inflight++;
        f->sent++;
        pthread_mutex_unlock(&f->mu);
        s_feed_publish(f, &item, where);
        wt_item_clear(&item);
    }
}

/* Wait for the input (a pipe) or for acks (the window is full, or all is
   read); true when everything is answered. */
static bool s_feed_wait(s_nfeed_t *f, wt_input_reader_t *in)
{
    pthread_mutex_lock(&f->mu);
    bool done = wt_input_done(in) && f->fig.inflight == 0;
    bool room = f->fig.inflight < f->window;
    if (f->progress) s_ndraw(f, false);
    pthread_mutex_unlock(&f->mu);
    if (done) return true;
    int fd = wt_input_fd(in);
    if (room && fd >= 0 && !wt_input_done(in)) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        poll(&pfd, 1, 50); /* a pipe: wait for its next line (acks arrive meanwhile) */
    } else if (!room || wt_input_done(in)) {
        pthread_mutex_lock(&f->mu);
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 50 * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&f->cv, &f->mu, &ts);
        pthread_mutex_unlock(&f->mu);
    }
    return false;
}

/* Publish until every item is answered; the exit status so far. */
static int s_feed_loop(s_nfeed_t *f, wt_input_reader_t *in, int64_t deadline_ms)
{
    for (;;) {
        if (wt_signals_stopping()) return 130;
        if (deadline_ms && wt_clock_ms() - f->fig.t0 > deadline_ms) return 3;
        s_feed_resend(f);
        s_feed_read(f, in);
        if (s_feed_wait(f, in)) return 0;
    }
}

/* Let libnats finish, take back what is unacknowledged, say what happened;
   the exit status. */
static int s_feed_finish(s_nfeed_t *f, int status)
{
    /* let libnats finish with the last acks before the context goes */
    jsPubOptions done;
    jsPubOptions_Init(&done);
    done.MaxWait = 1000;
    if (status == 0) js_PublishAsyncComplete(f->js, &done);
    /* take back what is still unacknowledged (interrupt, deadline); libnats
       3.4.1 crashes here when nothing was ever published (an empty input) */
    natsMsgList pending = {0};
    if (f->sent > 0 && js_PublishAsyncGetPendingList(&pending, f->js) == NATS_OK)
        natsMsgList_Destroy(&pending);
    pthread_mutex_lock(&f->mu);
    if (f->progress) s_ndraw(f, true);
    while (f->retry) {
        s_retry_t *r = f->retry;
        f->retry = r->next;
        natsMsg_Destroy(r->msg);
        free(r);
    }
    f->fig.nfails = f->fails.n;
    wt_feed_summary(&f->fig, f->dups, f->quiet, status);
    if (f->fails.n) {
        wt_feed_fails_print(&f->fails, 0);
        if (!status) status = 1;
    }
    wt_feed_unacked(status, f->fig.inflight);
    pthread_mutex_unlock(&f->mu);
    return status;
}

int cmd_feed_nats(int argc, char **argv)
{
    s_nargs_t a = {.window = 256, .timeout = 5000, .progress = -1};
    s_nfeed_t f = {.backoff_ms = 100};
    a.paths = wt_calloc((size_t)argc + 1, sizeof *a.paths);
    int status = s_feed_parse(&a, &f, argc, argv);
    wt_config_t cfg;
    if (status < 0 && (status = wt_cli_config("wiretag feed", a.config, &cfg)) == 0) {
        pthread_mutex_init(&f.mu, NULL);
        pthread_cond_init(&f.cv, NULL);
        wt_buf_init(&f.buf);
        status = s_feed_open(&f, &a, &cfg);
        if (status == 0) {
            wt_signals_catch(NULL, WT_SIG_NOPIPE);
            wt_input_reader_t *in = wt_input_open(a.paths, a.npaths, &f.limits);
            wt_input_set_nonblocking(in, true);
            f.fig.t0 = f.last_ack = wt_clock_ms();
            status = s_feed_loop(&f, in, a.deadline * 1000);
            wt_input_close(&in);
            status = s_feed_finish(&f, status);
        }
        jsCtx_Destroy(f.js);
        wt_nats_destroy(&f.nats);
        wt_buf_free(&f.buf);
        wt_feed_fails_free(&f.fails);
        pthread_cond_destroy(&f.cv);
        pthread_mutex_destroy(&f.mu);
        wt_config_free(&cfg);
        wt_nats_shutdown();
    }
    free(a.paths);
    return status;
}

/* ======================================================================
   sub --nats */

int wt_sub_nats(const wt_config_t *cfg, const char *urls, uint64_t from, double idle_s,
                bool verbose, wt_nats_sub_fn fn, void *arg)
{
    wt_nats_t *n = s_open("sub", cfg, urls);
    if (!n) {
        wt_nats_shutdown();
        return 2;
    }
    const wt_nats_names_t *nm = wt_nats_names(n);
    char buf[256];
    if (from) {
        jsStreamInfo *si = NULL;
        if (js_GetStreamInfo(&si, wt_nats_js(n), nm->results_stream, NULL, NULL) == NATS_OK &&
            si->State.Msgs > 0 && from < si->State.FirstSeq)
            fprintf(stderr, "wiretag sub: results %llu..%llu are no longer retained by %s\n",
                    (unsigned long long)from, (unsigned long long)si->State.FirstSeq - 1,
                    nm->results_stream);
        jsStreamInfo_Destroy(si);
    }
    jsSubOptions so;
    jsSubOptions_Init(&so);
    so.Stream = nm->results_stream;
    so.Ordered = true;
    so.Config.DeliverPolicy = from ? js_DeliverByStartSequence : js_DeliverNew;
    so.Config.OptStartSeq = from;
    natsSubscription *sub = NULL;
    jsErrCode code = 0;
    natsStatus s = js_SubscribeSync(&sub, wt_nats_js(n), nm->results_subject, NULL, &so, &code);
    if (s != NATS_OK) {
        fprintf(stderr, "wiretag sub: cannot read %s: %s\n", nm->results_stream,
                wt_nats_strerror(s, code, buf, sizeof buf));
        wt_nats_destroy(&n);
        wt_nats_shutdown();
        return 2;
    }
    natsSubscription_SetPendingLimits(sub, 100000, 512 * 1024 * 1024);
    int64_t last_new = wt_clock_ms();
    uint64_t expect = from;
    for (;;) {
        natsMsg *m = NULL;
        s = natsSubscription_NextMsg(&m, sub, 100);
        bool go = true;
        if (s == NATS_OK) {
            jsMsgMetaData *meta = NULL;
            if (natsMsg_GetMetaData(&meta, m) == NATS_OK && meta->Sequence.Stream < from) {
                /* the server starts a consumer asked for a sequence past the
                   stream's end at that end (at 1 when it is empty) */
                jsMsgMetaData_Destroy(meta);
            } else if (meta) {
                uint64_t seq = meta->Sequence.Stream;
                if (verbose && expect && seq > expect)
                    fprintf(stderr, "wiretag sub: results %llu..%llu are not in %s (removed)\n",
                            (unsigned long long)expect, (unsigned long long)seq - 1,
                            nm->results_stream);
                expect = seq + 1;
                last_new = wt_clock_ms();
                go = fn(arg, seq, (const uint8_t *)natsMsg_GetData(m),
                        (size_t)natsMsg_GetDataLength(m));
                jsMsgMetaData_Destroy(meta);
            }
            natsMsg_Destroy(m);
        } else {
            if (s != NATS_TIMEOUT && verbose)
                fprintf(stderr, "wiretag sub: %s\n", wt_nats_strerror(s, 0, buf, sizeof buf));
            if (s == NATS_CONNECTION_CLOSED || s == NATS_INVALID_SUBSCRIPTION) {
                fprintf(stderr, "wiretag sub: the NATS subscription ended (%s)\n",
                        natsStatus_GetText(s));
                break;
            }
            go = fn(arg, 0, NULL, 0);
            if (idle_s > 0 && (double)(wt_clock_ms() - last_new) / 1000.0 >= idle_s) go = false;
        }
        if (!go) break;
    }
    natsSubscription_Unsubscribe(sub); /* an ordered consumer is ephemeral: let it go now */
    natsSubscription_Destroy(sub);
    wt_nats_destroy(&n);
    wt_nats_shutdown();
    return 0;
}

/* ======================================================================
   stats --nats */

static json_t *s_stream_json(wt_nats_t *n, const char *name)
{
    jsStreamInfo *si = NULL;
    jsErrCode code = 0;
    natsStatus s = js_GetStreamInfo(&si, wt_nats_js(n), name, NULL, &code);
    if (s != NATS_OK) {
        char b[256];
        return json_pack("{s:s, s:s}", "name", name, "error",
                         wt_nats_strerror(s, code, b, sizeof b));
    }
    json_t *o = json_pack(
        "{s:s, s:I, s:I, s:I, s:I, s:I, s:I}", "name", name, "messages", (json_int_t)si->State.Msgs,
        "bytes", (json_int_t)si->State.Bytes, "first_seq", (json_int_t)si->State.FirstSeq,
        "last_seq", (json_int_t)si->State.LastSeq, "consumers", (json_int_t)si->State.Consumers,
        "replicas", (json_int_t)si->Config->Replicas);
    if (si->Cluster) {
        json_t *peers = json_array();
        for (int i = 0; i < si->Cluster->ReplicasLen; i++) {
            jsPeerInfo *p = si->Cluster->Replicas[i];
            json_array_append_new(peers, json_pack("{s:s, s:b, s:b, s:I}", "name", p->Name,
                                                   "current", p->Current, "offline", p->Offline,
                                                   "lag", (json_int_t)p->Lag));
        }
        json_object_set_new(o, "leader",
                            si->Cluster->Leader ? json_string(si->Cluster->Leader) : json_null());
        json_object_set_new(o, "peers", peers);
    }
    jsStreamInfo_Destroy(si);
    return o;
}

static json_t *s_consumer_json(wt_nats_t *n, const char *stream, const char *name)
{
    jsConsumerInfo *ci = NULL;
    jsErrCode code = 0;
    natsStatus s = js_GetConsumerInfo(&ci, wt_nats_js(n), stream, name, NULL, &code);
    if (s != NATS_OK) {
        char b[256];
        return json_pack("{s:s, s:s, s:s}", "stream", stream, "name", name, "error",
                         wt_nats_strerror(s, code, b, sizeof b));
    }
    json_t *o = json_pack(
        "{s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "stream", stream, "name", name,
        "pending", (json_int_t)ci->NumPending, "ack_pending", (json_int_t)ci->NumAckPending,
        "redelivered", (json_int_t)ci->NumRedelivered, "waiting_pulls", (json_int_t)ci->NumWaiting,
        "delivered_seq", (json_int_t)ci->Delivered.Stream, "ack_floor_seq",
        (json_int_t)ci->AckFloor.Stream, "ack_wait_ms", (json_int_t)(ci->Config->AckWait / 1000000),
        "max_deliver", (json_int_t)ci->Config->MaxDeliver);
    jsConsumerInfo_Destroy(ci);
    return o;
}

/* The dead letters (the last 1000 at most): id, why, deliveries. */
static json_t *s_dead_json(wt_nats_t *n, json_t *dead_stream)
{
    const wt_nats_names_t *nm = wt_nats_names(n);
    json_t *list = json_array();
    json_int_t first = json_integer_value(json_object_get(dead_stream, "first_seq"));
    json_int_t last = json_integer_value(json_object_get(dead_stream, "last_seq"));
    if (last - first >= 1000) first = last - 999;
    for (json_int_t seq = first; seq > 0 && seq <= last; seq++) {
        natsMsg *m = NULL;
        if (js_GetMsg(&m, wt_nats_js(n), nm->dead_stream, (uint64_t)seq, NULL, NULL) != NATS_OK)
            continue; /* removed meanwhile */
        wt_item_t item = {0};
        bool ok = wt_item_decode((const uint8_t *)natsMsg_GetData(m),
                                 (size_t)natsMsg_GetDataLength(m), NULL, &item) == 0;
        const char *code = NULL, *reason = NULL, *dl = NULL, *iseq = NULL;
        natsMsgHeader_Get(m, WT_NATS_HDR_CODE, &code);
        natsMsgHeader_Get(m, WT_NATS_HDR_REASON, &reason);
        natsMsgHeader_Get(m, WT_NATS_HDR_DELIVERIES, &dl);
        natsMsgHeader_Get(m, WT_NATS_HDR_ITEM_SEQ, &iseq);
        json_t *o = json_pack(
            "{s:I, s:s?, s:s?, s:s?, s:I, s:I, s:I}", "seq", seq, "id", ok ? item.id : NULL, "code",
            code, "reason", reason, "attempts", (json_int_t)(dl ? atoll(dl) : 0), "item_seq",
            (json_int_t)(iseq ? atoll(iseq) : 0), "bytes", (json_int_t)natsMsg_GetDataLength(m));
        if (o) json_array_append_new(list, o);
        wt_item_clear(&item);
        natsMsg_Destroy(m);
    }
    return list;
}

static long long s_get(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_integer(v) ? (long long)json_integer_value(v) : -1;
}

static void s_print_stream(const char *label, json_t *o)
{
    const char *err = json_string_value(json_object_get(o, "error"));
    printf("%-13s %s", label, json_string_value(json_object_get(o, "name")));
    if (err) {
        printf(": %s\n", err);
        return;
    }
    printf(": %lld message(s), %lld bytes, seq %lld..%lld, R%lld", s_get(o, "messages"),
           s_get(o, "bytes"), s_get(o, "first_seq"), s_get(o, "last_seq"), s_get(o, "replicas"));
    const char *leader = json_string_value(json_object_get(o, "leader"));
    if (leader) printf(", leader %s", leader);
    json_t *peers = json_object_get(o, "peers");
    size_t i;
    json_t *p;
    json_array_foreach(peers, i, p)
    {
        bool off = json_is_true(json_object_get(p, "offline"));
        bool cur = json_is_true(json_object_get(p, "current"));
        printf(", %s %s", json_string_value(json_object_get(p, "name")),
               off   ? "offline"
               : cur ? "current"
                     : "catching up");
    }
    printf("\n");
}

static void s_stats_usage(FILE *f)
{
    fprintf(f, "usage: wiretag stats --nats URL[,URL...] [-c FILE] [--json] [--dead]\n\n"
               "Show wiretag's JetStream streams (messages, sequences, replicas and their\n"
               "state) and the workers' consumer (pending, ack pending, redelivered).\n"
               "--dead also lists the dead letters (id, attempts, code, reason).\n");
}

int cmd_stats_nats(int argc, char **argv)
{
    const char *urls = NULL, *config = NULL;
    bool as_json = false, with_dead = false;
    const wt_opt_t opts[] = {
        WT_OPT_STR_ROW("--nats", &urls, NULL),
        WT_OPT_STR_ROW("-c", &config, NULL),
        WT_OPT_FLAG_ROW("--json", &as_json),
        WT_OPT_FLAG_ROW("--dead", &with_dead),
    };
    const wt_cli_t cli = {.prog = "wiretag stats", .usage = s_stats_usage, WT_CLI_TABLE(opts)};
    wt_cli_res_t r;
    int what = wt_cli_parse(&cli, argc, argv, &r);
    if (what == WT_CLI_HELP) return 0;
    if (what != WT_CLI_OK) {
        fprintf(stderr, "wiretag stats: unknown or incomplete option '%s' (see --help)\n", r.arg);
        return 2;
    }
    wt_config_t cfg;
    if (wt_cli_config("wiretag stats", config, &cfg) != 0) return 2;
    wt_nats_t *n = s_open("stats", &cfg, urls);
    wt_config_free(&cfg);
    if (!n) {
        wt_nats_shutdown();
        return 2;
    }
    const wt_nats_names_t *nm = wt_nats_names(n);
    json_t *root = json_object();
    json_t *items = s_stream_json(n, nm->items_stream);
    json_t *results = s_stream_json(n, nm->results_stream);
    json_t *dead = s_stream_json(n, nm->dead_stream);
    json_t *workers = s_consumer_json(n, nm->items_stream, nm->workers);
    json_t *dl = s_consumer_json(n, nm->adv_stream, nm->deadletter);
    char url[256] = "?";
    natsConnection_GetConnectedUrl(wt_nats_conn(n), url, sizeof url);
    json_object_set_new(root, "engine", json_string("nats"));
    json_object_set_new(root, "server", json_string(url));
    json_object_set_new(root, "items", items);
    json_object_set_new(root, "results", results);
    json_object_set_new(root, "dead", dead);
    json_object_set_new(root, "workers", workers);
    json_object_set_new(root, "deadletter", dl);
    json_object_set_new(root, "dead_letters", json_integer(s_get(dead, "messages")));
    json_t *dlist = with_dead ? s_dead_json(n, dead) : NULL;
    if (dlist) json_object_set(root, "dead", dlist);
    if (as_json) {
        char *s = json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS);
        printf("%s\n", s);
        free(s);
    } else {
        printf("NATS JetStream at %s\n", url);
        s_print_stream("items", items);
        s_print_stream("results", results);
        s_print_stream("dead letters", dead);
        if (json_object_get(workers, "error"))
            printf("%-13s %s\n", "workers", json_string_value(json_object_get(workers, "error")));
        else
            printf("%-13s consumer %s: %lld pending, %lld ack pending, %lld redelivered, %lld "
                   "waiting pull(s), ack floor %lld (ack wait %lld ms, max deliver %lld)\n",
                   "workers", nm->workers, s_get(workers, "pending"), s_get(workers, "ack_pending"),
                   s_get(workers, "redelivered"), s_get(workers, "waiting_pulls"),
                   s_get(workers, "ack_floor_seq"), s_get(workers, "ack_wait_ms"),
                   s_get(workers, "max_deliver"));
        printf("%-13s %lld pending advisory(ies) for consumer %s\n", "dead-lettering",
               s_get(dl, "pending"), nm->deadletter);
        if (dlist) {
            printf("dead letters (%zu):\n", json_array_size(dlist));
            size_t i;
            json_t *d;
            json_array_foreach(dlist, i, d)
            {
                const char *id = json_string_value(json_object_get(d, "id"));
                const char *code = json_string_value(json_object_get(d, "code"));
                const char *why = json_string_value(json_object_get(d, "reason"));
                printf("  %s  attempts %lld  %s  %s\n", id ? id : "(undecodable)",
                       s_get(d, "attempts"), code ? code : "?", why ? why : "");
            }
        }
    }
    json_decref(dlist);
    json_decref(root);
    wt_nats_destroy(&n);
    wt_nats_shutdown();
    return 0;
}

#else /* no libnats at build time */
#include <stdio.h>

static int s_absent(void)
{
    fprintf(stderr, "wiretag: built without NATS support: install libnats-dev "
                    "(sh scripts/deps.sh build) and build again\n");
    return 2;
}

int cmd_nats_init(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return s_absent();
}

int cmd_feed_nats(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return s_absent();
}

int cmd_stats_nats(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return s_absent();
}

int wt_sub_nats(const wt_config_t *cfg, const char *urls, uint64_t from, double idle_s,
                bool verbose, wt_nats_sub_fn fn, void *arg)
{
    (void)cfg;
    (void)urls;
    (void)from;
    (void)idle_s;
    (void)verbose;
    (void)fn;
    (void)arg;
    return s_absent();
}
#endif
