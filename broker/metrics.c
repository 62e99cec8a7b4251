/*  metrics.c: the broker's Prometheus endpoint (wiretag-broker --metrics).

    The HTTP server (include/wiretag/httpd.h) runs inside the broker's one
    zmq_poll loop, so GET /metrics reads the broker's figures directly on
    the loop thread: no copy, no lock, and a scrape always sees one
    consistent turn. producers.c and workers.c call the small hooks below where
    the events happen (a result, a NAK); everything else is read from the
    counters the broker keeps for STATS anyway. Every family is listed with
    its meaning in docs/OPERATIONS.md.
*/
#include "broker.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wiretag/curve.h"
#include "wiretag/httpd.h"
#include "wiretag/metrics.h"

#define S_MAX_CODES 48

struct wt_bmetrics {
    wt_httpd_t *httpd;
    wt_histogram_t latency;  /* PUT accepted -> result journaled, seconds */
    wt_histogram_t annotate; /* worker-reported annotation time, seconds */
    struct {
        char name[24];
        uint64_t count;
    } naks[S_MAX_CODES];
    size_t nak_count;
    uint64_t scrapes;
};

/* Latency spans milliseconds (idle pipeline) to minutes (a backlog). */
static const double s_latency_bounds[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                          0.25,  0.5,    1,     2.5,  5,     10,   30,
                                          60,    120,    300,   900,  3600};
/* Annotation of one item: tens of microseconds to seconds for huge texts. */
static const double s_annotate_bounds[] = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                           0.01,   0.025,   0.05,   0.1,   0.25,   0.5,
                                           1,      2.5,     5,      10};

/* ------------------------------------------------------------ rendering */

static void s_counter(wt_buf_t *out, const char *name, const char *help, uint64_t v)
{
    wt_metrics_family(out, name, "counter", help);
    wt_metrics_u64(out, name, NULL, v);
}

static void s_gauge(wt_buf_t *out, const char *name, const char *help, double v)
{
    wt_metrics_family(out, name, "gauge", help);
    wt_metrics_double(out, name, NULL, v);
}

/* A worker's label: its READY name, made unique with the peer id when two
   workers share a name (a series must not appear twice). */
static const char *s_worker_label(wt_broker_t *self, size_t i, char *buf, size_t n)
{
    const wt_worker_t *w = self->workerv[i];
    const char *name = w->name && *w->name ? w->name : w->peer;
    for (size_t j = 0; j < self->worker_count; j++) {
        const wt_worker_t *o = self->workerv[j];
        const char *oname = o->name && *o->name ? o->name : o->peer;
        if (j != i && strcmp(oname, name) == 0) {
            snprintf(buf, n, "%s#%s", name, w->peer);
            return buf;
        }
    }
    return name;
}

static void s_workers(wt_broker_t *self, wt_buf_t *out)
{
    static const char *const states[] = {"ready", "busy"};
    char lb[256];
    wt_metrics_family(out, "wiretag_broker_worker_state", "gauge",
                      "1 for the state each connected worker is in (ready: has credit, "
                      "busy: no credit left)");
    for (size_t i = 0; i < self->worker_count; i++) {
        const char *w = s_worker_label(self, i, lb, sizeof lb);
        for (int s = 0; s < 2; s++) {
            const char *l[] = {"worker", w, "state", states[s], NULL};
            wt_metrics_u64(out, "wiretag_broker_worker_state", l,
                           self->workerv[i]->state == (wt_wstate_t)s);
        }
    }
    struct {
        const char *name, *type, *help;
        int field;
    } fams[] = {
        {"wiretag_broker_worker_credit", "gauge", "free slots the worker has given", 0},
        {"wiretag_broker_worker_in_flight", "gauge", "jobs on the worker now", 1},
        {"wiretag_broker_worker_threads", "gauge", "annotation threads the worker announced", 2},
        {"wiretag_broker_worker_dispatched_total", "counter", "jobs sent to the worker", 3},
        {"wiretag_broker_worker_done_total", "counter", "results accepted from the worker", 4},
        {"wiretag_broker_worker_failed_total", "counter",
         "failed attempts on the worker (FAIL or an invalid result)", 5},
    };
    for (size_t f = 0; f < sizeof fams / sizeof fams[0]; f++) {
        wt_metrics_family(out, fams[f].name, fams[f].type, fams[f].help);
        for (size_t i = 0; i < self->worker_count; i++) {
            const wt_worker_t *w = self->workerv[i];
            uint64_t v[] = {w->credit, w->job_count, w->threads, w->dispatched, w->done, w->failed};
            const char *l[] = {"worker", s_worker_label(self, i, lb, sizeof lb), NULL};
            wt_metrics_u64(out, fams[f].name, l, v[fams[f].field]);
        }
    }
}

static void s_render(wt_broker_t *self, wt_buf_t *out)
{
    struct wt_bmetrics *m = self->metrics;
    wt_journal_stats_t js;
    wt_journal_stats(self->journal, &js);
    uint64_t queued = js.unfinished > self->inflight ? js.unfinished - self->inflight : 0;
    int64_t now = wt_clock_ms();

    wt_metrics_family(out, "wiretag_broker_info", "gauge", "always 1; the version is a label");
    const char *vl[] = {"version", WT_VERSION, NULL};
    wt_metrics_u64(out, "wiretag_broker_info", vl, 1);
    s_gauge(out, "wiretag_broker_uptime_seconds", "seconds since the broker started",
            (double)(now - self->started_ms) / 1000.0);

    /* producers */
    s_counter(out, "wiretag_broker_put_requests_total",
              "PUT requests received (answered by ACK or NAK)", self->n_put);
    s_counter(out, "wiretag_broker_items_acked_total",
              "PUTs answered with ACK (new items and duplicates)", self->n_ack);
    s_counter(out, "wiretag_broker_items_accepted_total",
              "new items journaled and acknowledged (ACK without dup)", self->n_ack - self->n_dup);
    s_counter(out, "wiretag_broker_items_deduplicated_total",
              "PUTs of an id already accepted (ACK with dup: not stored again)", self->n_dup);
    wt_metrics_family(out, "wiretag_broker_items_nacked_total", "counter",
                      "PUTs refused with NAK, by error code");
    for (size_t i = 0; i < m->nak_count; i++) {
        const char *l[] = {"code", m->naks[i].name, NULL};
        wt_metrics_u64(out, "wiretag_broker_items_nacked_total", l, m->naks[i].count);
    }

    /* dispatch */
    s_counter(out, "wiretag_broker_items_dispatched_total", "jobs sent to workers (all attempts)",
              self->n_dispatched);
    s_counter(out, "wiretag_broker_items_redispatched_total",
              "jobs sent again after a failed, lost or timed-out attempt", self->n_redispatched);
    s_counter(out, "wiretag_broker_items_done_total", "items finished with a result", self->n_done);
    s_counter(out, "wiretag_broker_items_late_done_total",
              "results that arrived after another attempt had won (dropped)", self->n_late_done);
    s_counter(out, "wiretag_broker_items_failed_total",
              "failed attempts (FAIL or an invalid result from a worker)", self->n_failed);
    s_counter(out, "wiretag_broker_job_timeouts_total", "attempts that passed broker.job_timeout",
              self->n_timeouts);
    s_counter(out, "wiretag_broker_items_dead_lettered_total",
              "items moved to the dead letters after broker.max_attempts", self->n_dead);

    /* subscribers and replay */
    s_counter(out, "wiretag_broker_results_published_total", "results sent to subscribers",
              self->n_published);
    s_counter(out, "wiretag_broker_results_replayed_total", "results sent by REPLAY",
              self->n_replayed);
    s_counter(out, "wiretag_broker_publish_errors_total", "results that could not be published",
              self->n_publish_errors);
    s_gauge(out, "wiretag_broker_subscriptions", "subscriptions on the subscriber socket",
            (double)self->subscriptions);

    /* queue and journal */
    s_gauge(out, "wiretag_broker_queue_depth", "accepted items waiting for a worker",
            (double)queued);
    s_gauge(out, "wiretag_broker_in_flight", "jobs on workers now", (double)self->inflight);
    s_gauge(out, "wiretag_broker_unfinished", "queued plus in flight", (double)js.unfinished);
    s_gauge(out, "wiretag_broker_dead_letters", "items in the dead-letter list", (double)js.dead);
    s_gauge(out, "wiretag_broker_journal_used_bytes", "journal pages in use",
            (double)js.live_bytes);
    s_gauge(out, "wiretag_broker_journal_file_bytes", "size of the journal file",
            (double)js.file_bytes);
    s_gauge(out, "wiretag_broker_journal_map_bytes", "LMDB map size (broker.journal_map)",
            (double)js.map_bytes);
    s_gauge(out, "wiretag_broker_journal_nearly_full",
            "1 while the journal refuses PUTs with EFULL (over 80% of the map)",
            self->journal_nearly_full ? 1 : 0);
    s_counter(out, "wiretag_broker_journal_fsyncs_total", "fsyncs of the journal", js.syncs);
    s_counter(out, "wiretag_broker_journal_retention_dropped_total",
              "journal records dropped by retention", js.retained);
    s_gauge(out, "wiretag_broker_retained_results", "results kept for replay", (double)js.results);
    s_gauge(out, "wiretag_broker_retained_first_result_seq",
            "oldest result seq still retained (0 = none)", (double)js.first_rseq);
    s_gauge(out, "wiretag_broker_retained_last_result_seq",
            "newest durable result seq, the last REPLAY serves (0 = none)",
            (double)(js.durable_next_rseq - 1));
    s_gauge(out, "wiretag_broker_last_item_seq", "highest item seq assigned",
            (double)(js.next_seq - 1));

    /* workers */
    s_gauge(out, "wiretag_broker_workers", "workers connected", (double)self->worker_count);
    s_counter(out, "wiretag_broker_workers_seen_total", "worker connections (READY) seen",
              self->n_workers_seen);
    s_counter(out, "wiretag_broker_workers_expired_total",
              "workers dropped after missing heartbeats", self->n_expired);
    s_workers(self, out);

    /* security */
    s_gauge(out, "wiretag_broker_curve_enabled", "1 when CURVE is on", self->zap ? 1 : 0);
    s_counter(out, "wiretag_broker_curve_accepted_total", "CURVE clients admitted by key",
              self->zap ? wt_zap_accepted(self->zap) : 0);
    s_counter(out, "wiretag_broker_curve_refused_total", "CURVE clients refused (key not allowed)",
              self->zap ? wt_zap_refused(self->zap) : 0);
    s_counter(out, "wiretag_broker_curve_handshakes_failed_total",
              "CURVE handshakes that failed (seen by the socket monitors)", self->n_auth_failed);

    /* errors by code */
    wt_metrics_family(out, "wiretag_broker_errors_total", "counter",
                      "refused messages and failures, by error code (as in STATS errors)");
    for (size_t i = 0; i < self->counter_count; i++) {
        const char *l[] = {"code", self->counters[i].name, NULL};
        wt_metrics_u64(out, "wiretag_broker_errors_total", l, self->counters[i].count);
    }

    wt_metrics_histogram(out, "wiretag_broker_item_latency_seconds",
                         "from PUT accepted to result journaled (published in the same turn)",
                         &m->latency);
    wt_metrics_histogram(out, "wiretag_broker_annotate_seconds",
                         "annotation time per item as reported by workers (DONE annotate_us)",
                         &m->annotate);
    s_counter(out, "wiretag_broker_metrics_scrapes_total", "GET /metrics served", ++m->scrapes);
}

static void s_on_http(void *arg, const char *path, wt_http_reply_t *reply)
{
    wt_broker_t *self = arg;
    if (strcmp(path, "/metrics") == 0) {
        reply->content_type = WT_METRICS_CONTENT_TYPE;
        s_render(self, &reply->body);
    } else if (strcmp(path, "/") == 0) {
        static const char text[] = "wiretag-broker: metrics are at /metrics\n";
        wt_buf_append(&reply->body, text, sizeof text - 1);
    } else {
        static const char text[] = "not found: try /metrics\n";
        reply->status = 404;
        wt_buf_append(&reply->body, text, sizeof text - 1);
    }
}

/* ------------------------------------------------------------ hooks */

int wt_bmetrics_start(wt_broker_t *self, const char *listen, char *err, size_t errlen)
{
    struct wt_bmetrics *m = wt_calloc(1, sizeof *m);
    wt_histogram_init(&m->latency, s_latency_bounds,
                      sizeof s_latency_bounds / sizeof s_latency_bounds[0]);
    wt_histogram_init(&m->annotate, s_annotate_bounds,
                      sizeof s_annotate_bounds / sizeof s_annotate_bounds[0]);
    char e[256] = "";
    m->httpd = wt_httpd_new(listen, s_on_http, self, e, sizeof e);
    if (!m->httpd) {
        snprintf(err, errlen, "--metrics: %s", e);
        free(m);
        return -EINVAL;
    }
    self->metrics = m;
    return 0;
}

void wt_bmetrics_stop(wt_broker_t *self)
{
    if (!self->metrics) return;
    wt_httpd_destroy(&self->metrics->httpd);
    free(self->metrics);
    self->metrics = NULL;
}

const char *wt_bmetrics_address(wt_broker_t *self)
{
    return self->metrics ? wt_httpd_address(self->metrics->httpd) : NULL;
}

int wt_bmetrics_fd(wt_broker_t *self)
{
    return self->metrics ? wt_httpd_fd(self->metrics->httpd) : -1;
}

void wt_bmetrics_run(wt_broker_t *self)
{
    if (self->metrics) wt_httpd_run(self->metrics->httpd);
}

void wt_bmetrics_result(wt_broker_t *self, int64_t accepted_ms, const wt_proto_t *done)
{
    struct wt_bmetrics *m = self->metrics;
    if (!m) return;
    if (accepted_ms > 0) {
        int64_t ms = wt_time_ms() - accepted_ms;
        wt_histogram_observe(&m->latency, ms > 0 ? (double)ms / 1000.0 : 0.0);
    }
    if (done && (done->has & WT_F_ANNOTATE_US))
        wt_histogram_observe(&m->annotate, (double)done->annotate_us / 1e6);
}

void wt_bmetrics_nak(wt_broker_t *self, const char *code)
{
    struct wt_bmetrics *m = self->metrics;
    if (!m) return;
    if (!code || !*code) code = "EUNKNOWN";
    for (size_t i = 0; i < m->nak_count; i++)
        if (strcmp(m->naks[i].name, code) == 0) {
            m->naks[i].count++;
            return;
        }
    /* codes are our own short names (wt_errname): the table stays small */
    if (m->nak_count == S_MAX_CODES) return;
    snprintf(m->naks[m->nak_count].name, sizeof m->naks[0].name, "%s", code);
    m->naks[m->nak_count++].count = 1;
}
