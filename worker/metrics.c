/*  metrics.c: the worker's /metrics (see metrics.h; every family is listed
    in docs/OPERATIONS.md).
*/
#include "metrics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const double s_annotate_bounds[] = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                           0.01,   0.025,   0.05,   0.1,   0.25,   0.5,
                                           1,      2.5,     5,      10};

wt_wmetrics_t *wt_wmetrics_new(void)
{
    wt_wmetrics_t *self = wt_calloc(1, sizeof *self);
    wt_histogram_init(&self->annotate, s_annotate_bounds,
                      sizeof s_annotate_bounds / sizeof s_annotate_bounds[0]);
    self->started_ms = wt_clock_ms();
    return self;
}

void wt_wmetrics_destroy(wt_wmetrics_t **self_p)
{
    if (!*self_p) return;
    wt_httpd_destroy(&(*self_p)->httpd);
    free(*self_p);
    *self_p = NULL;
}

void wt_wmetrics_fail(wt_wmetrics_t *self, const char *code)
{
    self->failed++;
    for (size_t i = 0; i < self->nfails; i++)
        if (strcmp(self->fails[i].name, code) == 0) {
            self->fails[i].count++;
            return;
        }
    if (self->nfails == WT_WMETRICS_MAX_CODES) return;
    snprintf(self->fails[self->nfails].name, sizeof self->fails[0].name, "%s", code);
    self->fails[self->nfails++].count = 1;
}

static void s_one(wt_buf_t *out, const char *name, const char *type, const char *help, double v)
{
    wt_metrics_family(out, name, type, help);
    wt_metrics_double(out, name, NULL, v);
}

static void s_render(wt_wmetrics_t *self, wt_buf_t *out)
{
    wt_metrics_family(out, "wiretag_worker_info", "gauge",
                      "always 1; version, name and dictionaries are labels");
    const char *l[] = {"version",      WT_VERSION,         "name", self->name,
                       "dictionaries", self->dictionaries, NULL};
    wt_metrics_u64(out, "wiretag_worker_info", l, 1);
    s_one(out, "wiretag_worker_uptime_seconds", "gauge", "seconds since the worker started",
          (double)(wt_clock_ms() - self->started_ms) / 1000.0);
    s_one(out, "wiretag_worker_jobs_received_total", "counter", "JOBs received from brokers",
          (double)self->jobs);
    s_one(out, "wiretag_worker_items_done_total", "counter", "items annotated and sent (DONE)",
          (double)self->done);
    wt_metrics_family(out, "wiretag_worker_items_failed_total", "counter",
                      "items that could not be annotated (FAIL), by error code");
    for (size_t i = 0; i < self->nfails; i++) {
        const char *fl[] = {"code", self->fails[i].name, NULL};
        wt_metrics_u64(out, "wiretag_worker_items_failed_total", fl, self->fails[i].count);
    }
    s_one(out, "wiretag_worker_items_inline_total", "counter",
          "items annotated on the main thread between polls (--threads 1, small items)",
          (double)self->inline_items);
    s_one(out, "wiretag_worker_results_dropped_total", "counter",
          "results not sent: their broker connection was reset meanwhile (re-done elsewhere)",
          (double)self->dropped);
    s_one(out, "wiretag_worker_broker_resets_total", "counter",
          "times a broker connection started over (ERROR from the broker, or silence)",
          (double)self->resets);
    wt_metrics_family(out, "wiretag_worker_reloads_total", "counter",
                      "dictionary reloads (SIGHUP), by result");
    const char *ok[] = {"result", "ok", NULL}, *bad[] = {"result", "failed", NULL};
    wt_metrics_u64(out, "wiretag_worker_reloads_total", ok, self->reloads_ok);
    wt_metrics_u64(out, "wiretag_worker_reloads_total", bad, self->reloads_failed);
    s_one(out, "wiretag_worker_threads", "gauge", "annotation threads", self->threads);
    s_one(out, "wiretag_worker_threads_busy", "gauge", "annotation threads working on an item",
          self->threads_busy);
    s_one(out, "wiretag_worker_queued", "gauge", "jobs received and waiting for a thread",
          (double)self->queued);
    s_one(out, "wiretag_worker_credit", "gauge", "jobs requested from each broker (READY credit)",
          self->credit);
    s_one(out, "wiretag_worker_brokers", "gauge", "brokers configured", self->brokers);
    s_one(out, "wiretag_worker_brokers_connected", "gauge",
          "brokers with an open connection (not waiting to reconnect)", self->brokers_connected);
    wt_metrics_histogram(out, "wiretag_worker_annotate_seconds",
                         "time to annotate one item (decode, annotate, encode)", &self->annotate);
}

static void s_on_http(void *arg, const char *path, wt_http_reply_t *reply)
{
    if (strcmp(path, "/metrics") == 0) {
        reply->content_type = WT_METRICS_CONTENT_TYPE;
        s_render(arg, &reply->body);
    } else {
        static const char text[] = "not found: try /metrics\n";
        reply->status = 404;
        wt_buf_append(&reply->body, text, sizeof text - 1);
    }
}

int wt_wmetrics_listen(wt_wmetrics_t *self, const char *listen, char *err, size_t errlen)
{
    char e[256] = "";
    self->httpd = wt_httpd_new(listen, s_on_http, self, e, sizeof e);
    if (!self->httpd) {
        snprintf(err, errlen, "--metrics: %s", e);
        return -EINVAL;
    }
    return 0;
}
