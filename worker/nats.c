/*  nats.c: wiretag-worker on NATS JetStream (see nats.h, docs/NATS.md).

    Order per item, never the other way round: annotate, publish the result
    and wait for JetStream's publish ack, then ack the item. A result whose
    publish fails (a node restarts, the stream has no leader yet) is tried
    again while the item is kept alive with "in progress"; on stop it is
    NAKed so that another worker takes it at once.
*/
#ifdef WT_HAVE_NATS
#include "nats.h"
#include "wiretag/annotate.h"
#include "wiretag/codec.h"
#include "wiretag/natsjs.h"
#include "wiretag/signals.h"

#include <jansson.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int s_level = 2;

static void s_log(int level, const char *fmt, ...)
{
    if (level > s_level) return;
    static const char *const names[] = {"error", "warn", "info", "debug"};
    char ts[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s wiretag-worker[%d] %s: %s\n", ts, (int)getpid(), names[level], line);
}

static void s_sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* ---- the engine, reference-counted so that SIGHUP swaps it between items ---- */

typedef struct {
    wt_engine_t *engine;
    atomic_int refs;
} s_engine_t;

static void s_engine_drop(s_engine_t **e_p)
{
    if (*e_p && atomic_fetch_sub(&(*e_p)->refs, 1) == 1) {
        wt_engine_destroy(&(*e_p)->engine);
        free(*e_p);
    }
    *e_p = NULL;
}

typedef struct {
    wt_nats_t *nats;
    const wt_nats_names_t *names;
    wt_limits_t limits;
    bool noop;
    int batch;
    int64_t ack_wait_ms;
    const char *poison;
    long slow_ms;
    pthread_mutex_t mu;
    s_engine_t *engine; /* current, under mu */
    atomic_ullong done, dead, failed_publishes;
} s_shared_t;

typedef struct {
    pthread_t tid;
    int index;
    s_shared_t *sh;
    bool started;
} s_thread_t;

enum { S_PUB_OK = 0, S_PUB_STOPPED = -1, S_PUB_REFUSED = -2 };

/* Publish msg (ownership stays with the caller) and wait for its ack,
   retrying while the item (if any) is kept alive. S_PUB_OK once stored or
   known as a duplicate; S_PUB_STOPPED on stop; S_PUB_REFUSED when no retry
   can help (larger than the server's max_payload or the stream's limit). */
static int s_publish(s_shared_t *sh, natsMsg *out, natsMsg *item)
{
    jsPubOptions po;
    jsPubOptions_Init(&po);
    po.MaxWait = 5000;
    int64_t last_progress = wt_clock_ms();
    for (int attempt = 0;; attempt++) {
        jsPubAck *pa = NULL;
        jsErrCode code = 0;
        natsStatus s = js_PublishMsg(&pa, wt_nats_js(sh->nats), out, &po, &code);
        jsPubAck_Destroy(pa);
        if (s == NATS_OK) return S_PUB_OK;
        atomic_fetch_add(&sh->failed_publishes, 1);
        char buf[256];
        if (s == NATS_MAX_PAYLOAD || code == JSStreamMessageExceedsMaximumErr) {
            s_log(0, "publish on %s refused: %s (%d bytes)", natsMsg_GetSubject(out),
                  wt_nats_strerror(s, code, buf, sizeof buf), natsMsg_GetDataLength(out));
            return S_PUB_REFUSED;
        }
        if (attempt == 0 || attempt % 10 == 0)
            s_log(1, "publish on %s failed (%s), trying again", natsMsg_GetSubject(out),
                  wt_nats_strerror(s, code, buf, sizeof buf));
        if (wt_signals_stopping()) return S_PUB_STOPPED;
        if (item && wt_clock_ms() - last_progress > sh->ack_wait_ms / 3) {
            natsMsg_InProgress(item, NULL); /* keep the item ours meanwhile */
            last_progress = wt_clock_ms();
        }
        s_sleep_ms(attempt < 4 ? 100 << attempt : 1000);
    }
}

/* Dead-letter an item now: its payload and why. S_PUB_*. */
static int s_dead_letter(s_shared_t *sh, const void *data, int len, uint64_t item_seq,
                         uint64_t deliveries, const char *code, const char *reason, natsMsg *item)
{
    natsMsg *out = NULL;
    if (natsMsg_Create(&out, sh->names->dead_subject, NULL, data, len) != NATS_OK)
        return S_PUB_REFUSED;
    char id[64], seq[32], dl[32];
    snprintf(id, sizeof id, "dead-%llu", (unsigned long long)item_seq);
    snprintf(seq, sizeof seq, "%llu", (unsigned long long)item_seq);
    snprintf(dl, sizeof dl, "%llu", (unsigned long long)deliveries);
    natsMsgHeader_Set(out, "Nats-Msg-Id", id);
    natsMsgHeader_Set(out, WT_NATS_HDR_CODE, code);
    natsMsgHeader_Set(out, WT_NATS_HDR_REASON, reason);
    natsMsgHeader_Set(out, WT_NATS_HDR_ITEM_SEQ, seq);
    natsMsgHeader_Set(out, WT_NATS_HDR_DELIVERIES, dl);
    int rc = s_publish(sh, out, item);
    natsMsg_Destroy(out);
    if (rc == S_PUB_OK) {
        atomic_fetch_add(&sh->dead, 1);
        s_log(1, "item %llu dead-lettered on %s: %s %s", (unsigned long long)item_seq,
              sh->names->dead_subject, code, reason);
    }
    return rc;
}

/* Settle an item after a dead-letter attempt: acked once the dead letter
   is stored, NAKed on stop (another worker tries), terminated (never
   delivered again, said in the log) when not even the dead letter fits. */
static void s_settle(natsMsg *item, uint64_t seq, int dead_rc)
{
    if (dead_rc == S_PUB_OK)
        natsMsg_Ack(item, NULL);
    else if (dead_rc == S_PUB_STOPPED)
        natsMsg_Nak(item, NULL);
    else {
        s_log(0,
              "item %llu cannot be dead-lettered either: terminated (it stays in the queue "
              "stream for inspection)",
              (unsigned long long)seq);
        natsMsg_Term(item, NULL);
    }
}

static void s_handle(s_shared_t *sh, wt_annotator_t **ann, s_engine_t **mine, natsMsg *msg)
{
    jsMsgMetaData *meta = NULL;
    uint64_t seq = 0, deliveries = 1;
    if (natsMsg_GetMetaData(&meta, msg) == NATS_OK) {
        seq = meta->Sequence.Stream;
        deliveries = meta->NumDelivered;
        jsMsgMetaData_Destroy(meta);
    }
    const uint8_t *data = (const uint8_t *)natsMsg_GetData(msg);
    int len = natsMsg_GetDataLength(msg);
    wt_item_t item = {0};
    int rc = wt_item_decode(data, (size_t)len, &sh->limits, &item);
    if (rc < 0) {
        char reason[256];
        snprintf(reason, sizeof reason, "item does not decode: %s", wt_strerror(rc));
        s_settle(msg, seq,
                 s_dead_letter(sh, data, len, seq, deliveries, wt_errname(rc), reason, msg));
        return;
    }
    if (!item.id || !*item.id) {
        /* published by someone else without an id: name it after its sequence */
        char id[WT_NATS_NAME_MAX + 32];
        snprintf(id, sizeof id, "%s-%llu", sh->names->items_stream, (unsigned long long)seq);
        free(item.id);
        item.id = wt_strdup(id);
    }
    if (sh->poison && item.text && strstr(item.text, sh->poison)) {
        /* test hook (worker.h): die like a worker that crashes on an item */
        fprintf(stderr, "wiretag-worker[%d]: WT_TEST_POISON matched in item %llu, aborting\n",
                (int)getpid(), (unsigned long long)seq);
        abort();
    }
    if (sh->slow_ms > 0) s_sleep_ms(sh->slow_ms);
    wt_result_t res = {0};
    wt_buf_t buf;
    wt_buf_init(&buf);
    if (sh->noop) {
        res.item = item;
        memset(&item, 0, sizeof item);
        res.annotator_version = wt_strdup("noop");
        res.annotator_dictionaries = wt_strdup("none");
        res.stats.bytes = res.item.text_len;
        wt_result_encode(&res, &buf);
    } else {
        pthread_mutex_lock(&sh->mu);
        if (sh->engine != *mine) {
            /* dictionaries were reloaded: this item uses the new engine */
            wt_annotator_destroy(ann);
            s_engine_drop(mine);
            *mine = sh->engine;
            atomic_fetch_add(&(*mine)->refs, 1);
        }
        pthread_mutex_unlock(&sh->mu);
        if (!*ann) *ann = wt_annotator_new((*mine)->engine);
        rc = wt_annotate(*ann, &item, &res);
        if (rc < 0) {
            char reason[256];
            snprintf(reason, sizeof reason, "annotation refused the item: %s", wt_strerror(rc));
            s_settle(msg, seq,
                     s_dead_letter(sh, data, len, seq, deliveries, wt_errname(rc), reason, msg));
            wt_result_clear(&res);
            wt_item_clear(&item);
            wt_buf_free(&buf);
            return;
        }
        wt_result_encode(&res, &buf);
    }
    natsMsg *out = NULL;
    bool ok = natsMsg_Create(&out, sh->names->results_subject, NULL, (const char *)buf.data,
                             (int)buf.size) == NATS_OK;
    /* the same item annotated twice (redelivery) gives the same id: the
       results stream keeps the first within its dedup window */
    if (ok)
        ok = natsMsgHeader_Set(out, "Nats-Msg-Id", res.item.id ? res.item.id : item.id) == NATS_OK;
    int prc = ok ? s_publish(sh, out, msg) : S_PUB_REFUSED;
    natsMsg_Destroy(out);
    if (prc == S_PUB_OK) {
        natsMsg_Ack(msg, NULL);
        atomic_fetch_add(&sh->done, 1);
    } else if (prc == S_PUB_STOPPED)
        natsMsg_Nak(msg, NULL);
    else {
        char reason[256];
        snprintf(reason, sizeof reason,
                 "the result (%zu bytes) is refused by the server (max_payload or the results "
                 "stream's max message size)",
                 buf.size);
        s_settle(msg, seq, s_dead_letter(sh, data, len, seq, deliveries, "ETOOBIG", reason, msg));
    }
    wt_result_clear(&res);
    wt_item_clear(&item);
    wt_buf_free(&buf);
}

/* Bind *sub to the durable pull consumer of stream. On a failure say why
   (at most every 5 s; who names the thread, whose consumer is then said
   with its stream), wait 500 ms and return false. */
static bool s_bind(s_shared_t *sh, natsSubscription **sub, const char *stream, const char *consumer,
                   const char *subject, const char *who, int64_t *last_warn)
{
    jsSubOptions so;
    jsSubOptions_Init(&so);
    so.Stream = stream;
    so.Consumer = consumer;
    jsErrCode code = 0;
    natsStatus s = js_PullSubscribe(sub, wt_nats_js(sh->nats), subject, consumer, NULL, &so, &code);
    if (s == NATS_OK) return true;
    *sub = NULL;
    if (wt_clock_ms() - *last_warn > 5000) {
        char buf[256];
        s_log(1, "%scannot bind to consumer %s%s%s: %s; trying again", who ? who : "", consumer,
              who ? " of " : "", who ? stream : "", wt_nats_strerror(s, code, buf, sizeof buf));
        *last_warn = wt_clock_ms();
    }
    s_sleep_ms(500);
    return false;
}

static void *s_thread_main(void *arg)
{
    s_thread_t *t = arg;
    s_shared_t *sh = t->sh;
    natsSubscription *sub = NULL;
    wt_annotator_t *ann = NULL;
    s_engine_t *mine = NULL;
    int64_t last_warn = 0;
    char buf[256];
    char who[32];
    snprintf(who, sizeof who, "thread %d: ", t->index);
    while (!wt_signals_stopping()) {
        if (!sub && !s_bind(sh, &sub, sh->names->items_stream, sh->names->workers,
                            sh->names->items_subject, who, &last_warn))
            continue;
        natsMsgList list = {0};
        jsErrCode code = 0;
        natsStatus s = natsSubscription_Fetch(&list, sub, sh->batch, 1000, &code);
        if (s == NATS_OK) {
            for (int i = 0; i < list.Count; i++) {
                if (wt_signals_stopping()) {
                    natsMsg_Nak(list.Msgs[i], NULL); /* not started: someone else's now */
                    continue;
                }
                s_handle(sh, &ann, &mine, list.Msgs[i]);
            }
        } else if (s != NATS_TIMEOUT) {
            if (wt_clock_ms() - last_warn > 5000) {
                s_log(1, "thread %d: fetch from %s: %s", t->index, sh->names->items_stream,
                      wt_nats_strerror(s, code, buf, sizeof buf));
                last_warn = wt_clock_ms();
            }
            if (s == NATS_INVALID_SUBSCRIPTION || s == NATS_CONNECTION_CLOSED) {
                natsSubscription_Destroy(sub);
                sub = NULL;
            }
            s_sleep_ms(250);
        }
        natsMsgList_Destroy(&list);
    }
    natsSubscription_Destroy(sub); /* bound to a durable: destroying keeps the consumer */
    wt_annotator_destroy(&ann);
    s_engine_drop(&mine);
    return NULL;
}

/* One MAX_DELIVERIES advisory: the item it names goes to the dead letters. */
static void s_advisory(s_shared_t *sh, natsMsg *adv)
{
    json_error_t jerr;
    json_t *j = json_loadb(natsMsg_GetData(adv), (size_t)natsMsg_GetDataLength(adv), 0, &jerr);
    json_t *jseq = j ? json_object_get(j, "stream_seq") : NULL;
    json_t *jdl = j ? json_object_get(j, "deliveries") : NULL;
    if (!json_is_integer(jseq)) {
        s_log(1, "advisory on %s is not understood (%s), dropped", natsMsg_GetSubject(adv),
              j ? "no stream_seq" : jerr.text);
        json_decref(j);
        natsMsg_Ack(adv, NULL);
        return;
    }
    uint64_t seq = (uint64_t)json_integer_value(jseq);
    uint64_t deliveries = json_is_integer(jdl) ? (uint64_t)json_integer_value(jdl) : 0;
    json_decref(j);
    natsMsg *item = NULL;
    jsErrCode code = 0;
    natsStatus s =
        js_GetMsg(&item, wt_nats_js(sh->nats), sh->names->items_stream, seq, NULL, &code);
    char buf[256];
    if (s == NATS_NOT_FOUND || code == JSNoMessageFoundErr) {
        natsMsg_Ack(adv, NULL); /* already dead-lettered by another worker, or acked late */
        return;
    }
    if (s != NATS_OK) {
        s_log(1, "cannot read item %llu of %s for the dead letters: %s; later",
              (unsigned long long)seq, sh->names->items_stream,
              wt_nats_strerror(s, code, buf, sizeof buf));
        natsMsg_Nak(adv, NULL);
        return;
    }
    char reason[160];
    snprintf(reason, sizeof reason,
             "delivered %llu times without a result (a worker died on it or took longer than "
             "nats.ack_wait)",
             (unsigned long long)deliveries);
    int drc = s_dead_letter(sh, natsMsg_GetData(item), natsMsg_GetDataLength(item), seq, deliveries,
                            "EPOISON", reason, NULL);
    if (drc == S_PUB_REFUSED) {
        s_log(0, "item %llu stays in %s: it cannot be dead-lettered", (unsigned long long)seq,
              sh->names->items_stream);
        natsMsg_Ack(adv, NULL);
    } else if (drc == S_PUB_OK) {
        code = 0;
        s = js_DeleteMsg(wt_nats_js(sh->nats), sh->names->items_stream, seq, NULL, &code);
        if (s != NATS_OK && s != NATS_NOT_FOUND && code != JSNoMessageFoundErr)
            s_log(1, "dead-lettered item %llu stays in %s too: %s", (unsigned long long)seq,
                  sh->names->items_stream, wt_nats_strerror(s, code, buf, sizeof buf));
        natsMsg_Ack(adv, NULL);
    } else
        natsMsg_Nak(adv, NULL);
    natsMsg_Destroy(item);
}

static s_engine_t *s_load_engine(const wt_config_t *cfg, char *err, size_t errlen)
{
    wt_engine_t *e = wt_engine_new(cfg, err, errlen);
    if (!e) return NULL;
    s_engine_t *r = wt_calloc(1, sizeof *r);
    r->engine = e;
    atomic_init(&r->refs, 1);
    return r;
}

static void s_do_reload(s_shared_t *sh, const wt_worker_opts_t *opts)
{
    wt_config_t cfg;
    wt_config_defaults(&cfg);
    char err[1024] = "";
    if (opts->config_path && wt_config_load(&cfg, opts->config_path, err, sizeof err) != 0) {
        s_log(0, "SIGHUP: %s; keeping the dictionaries in use", err);
        wt_config_free(&cfg);
        return;
    }
    int64_t t0 = wt_clock_ms();
    s_engine_t *e = s_load_engine(&cfg, err, sizeof err);
    wt_config_free(&cfg);
    if (!e) {
        s_log(0, "SIGHUP: %s; keeping the dictionaries in use", err);
        return;
    }
    pthread_mutex_lock(&sh->mu);
    s_engine_t *old = sh->engine;
    sh->engine = e;
    pthread_mutex_unlock(&sh->mu);
    s_engine_drop(&old);
    s_log(2, "dictionaries reloaded in %lld ms", (long long)(wt_clock_ms() - t0));
}

/* The settings every thread reads, and the engine (unless noop); 0 or 1
   after saying why. */
static int s_shared_init(s_shared_t *sh, const wt_config_t *cfg, bool noop)
{
    sh->noop = noop;
    pthread_mutex_init(&sh->mu, NULL);
    sh->limits = wt_limits_default;
    if (cfg->max_text_bytes > 0) sh->limits.max_text = (size_t)cfg->max_text_bytes;
    const char *poison = getenv("WT_TEST_POISON");
    sh->poison = poison && *poison ? poison : NULL;
    const char *slow = getenv("WT_TEST_SLOW_MS");
    sh->slow_ms = slow ? atol(slow) : 0;
    int threads = (int)cfg->worker_threads;
    /* one item per thread unless worker.credit says otherwise: an item
       fetched ahead by a worker that dies loses a delivery too */
    int64_t credit = cfg->worker_credit > 0 ? cfg->worker_credit : threads;
    sh->batch = (int)(credit / threads > 0 ? credit / threads : 1);
    sh->ack_wait_ms = cfg->nats_ack_wait_ms;
    if (noop) return 0;
    char err[1024] = "";
    int64_t t0 = wt_clock_ms();
    sh->engine = s_load_engine(cfg, err, sizeof err);
    if (!sh->engine) {
        fprintf(stderr, "wiretag-worker: %s\n", err);
        return 1;
    }
    s_log(2, "dictionaries loaded in %lld ms", (long long)(wt_clock_ms() - t0));
    return 0;
}

/* Connect; a worker started before its servers (or its cluster's leader)
   waits. 0 connected, 2 a configuration error (said), -1 stopped. */
static int s_connect(s_shared_t *sh, const wt_config_t *cfg, const wt_worker_opts_t *opts,
                     const char *urls)
{
    char name[256], err[1024] = "";
    if (opts->name)
        snprintf(name, sizeof name, "%s", opts->name);
    else {
        char host[200] = "?";
        gethostname(host, sizeof host - 1);
        snprintf(name, sizeof name, "wiretag-worker %s:%d", host, (int)getpid());
    }
    int64_t last_said = 0;
    for (;;) {
        sh->nats = wt_nats_connect(cfg, urls, name, err, sizeof err);
        if (sh->nats && wt_nats_ensure(sh->nats, false, NULL, err, sizeof err) == 0) return 0;
        wt_nats_destroy(&sh->nats);
        if (strstr(err, "nats.") && !strstr(err, "cannot connect")) {
            fprintf(stderr, "wiretag-worker: %s\n", err); /* a configuration error */
            return 2;
        }
        if (wt_clock_ms() - last_said > 10000) {
            s_log(1, "%s; trying again every second", err);
            last_said = wt_clock_ms();
        }
        for (int i = 0; i < 10 && !wt_signals_stopping(); i++)
            s_sleep_ms(100);
        if (wt_signals_stopping()) return -1;
    }
}

/* The main thread: dead letters from the MAX_DELIVERIES advisories, and
   reloads, until a stop. */
static void s_main_loop(s_shared_t *sh, const wt_worker_opts_t *opts)
{
    natsSubscription *adv = NULL;
    int64_t last_warn = 0;
    while (!wt_signals_stopping()) {
        if (wt_signals_reload() && !sh->noop) s_do_reload(sh, opts);
        if (!adv && !s_bind(sh, &adv, sh->names->adv_stream, sh->names->deadletter,
                            sh->names->adv_subject, NULL, &last_warn))
            continue;
        natsMsgList list = {0};
        jsErrCode code = 0;
        natsStatus s = natsSubscription_Fetch(&list, adv, 16, 1000, &code);
        if (s == NATS_OK)
            for (int i = 0; i < list.Count && !wt_signals_stopping(); i++)
                s_advisory(sh, list.Msgs[i]);
        else if (s != NATS_TIMEOUT) {
            if (s == NATS_INVALID_SUBSCRIPTION || s == NATS_CONNECTION_CLOSED) {
                natsSubscription_Destroy(adv);
                adv = NULL;
            }
            s_sleep_ms(250);
        }
        natsMsgList_Destroy(&list);
    }
    natsSubscription_Destroy(adv);
}

int wt_worker_nats_run(const wt_config_t *cfg, const wt_worker_opts_t *opts, const char *urls,
                       bool noop)
{
    s_level = opts->log_level;
    wt_signals_catch(NULL, WT_SIG_HUP | WT_SIG_NOPIPE);
    s_shared_t sh = {0};
    if (s_shared_init(&sh, cfg, noop) != 0) return 1;
    int rc = s_connect(&sh, cfg, opts, urls);
    if (rc != 0) {
        s_engine_drop(&sh.engine);
        wt_nats_shutdown();
        return rc < 0 ? 0 : rc;
    }
    sh.names = wt_nats_names(sh.nats);
    int threads = (int)cfg->worker_threads;
    s_thread_t *th = wt_calloc((size_t)threads, sizeof *th);
    for (int i = 0; i < threads; i++) {
        th[i] = (s_thread_t){.index = i, .sh = &sh};
        th[i].started = pthread_create(&th[i].tid, NULL, s_thread_main, &th[i]) == 0;
    }
    s_log(2, "%d thread(s) on %s (consumer %s), results on %s", threads, sh.names->items_stream,
          sh.names->workers, sh.names->results_subject);
    s_main_loop(&sh, opts);
    s_log(2, "stopping: finishing the running items");
    for (int i = 0; i < threads; i++)
        if (th[i].started) pthread_join(th[i].tid, NULL);
    s_log(2, "%llu item(s) annotated, %llu dead-lettered", (unsigned long long)sh.done,
          (unsigned long long)sh.dead);
    free(th);
    wt_nats_destroy(&sh.nats);
    s_engine_drop(&sh.engine);
    pthread_mutex_destroy(&sh.mu);
    wt_nats_shutdown();
    return 0;
}

#else /* no libnats at build time */
#include "nats.h"

#include <stdio.h>

int wt_worker_nats_run(const wt_config_t *cfg, const wt_worker_opts_t *opts, const char *urls,
                       bool noop)
{
    (void)cfg;
    (void)opts;
    (void)urls;
    (void)noop;
    fprintf(stderr, "wiretag-worker: built without NATS support: install libnats-dev "
                    "(sh scripts/deps.sh build) and build again\n");
    return 2;
}
#endif
