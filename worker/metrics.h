/*  metrics.h: the worker's figures and its Prometheus endpoint
    (wiretag-worker --metrics HOST:PORT).

    The worker's main thread owns this struct: it counts events as they
    happen and refreshes the gauges every loop turn; the HTTP server
    (include/wiretag/httpd.h) runs in the same zmq_poll loop, so a scrape
    reads the struct on that thread without locks. Annotation threads never
    touch it: they measure their item and the main thread records it.
*/
#ifndef WT_WORKER_METRICS_H
#define WT_WORKER_METRICS_H

#include "wiretag/httpd.h"
#include "wiretag/metrics.h"

#define WT_WMETRICS_MAX_CODES 32

typedef struct {
    /* counters */
    uint64_t jobs, done, failed, dropped, reloads_ok, reloads_failed, resets;
    uint64_t inline_items; /* annotated on the main thread (--threads 1) */
    struct {
        char name[24];
        uint64_t count;
    } fails[WT_WMETRICS_MAX_CODES];
    size_t nfails;
    wt_histogram_t annotate; /* seconds per item, decode to encoded result */
    /* gauges, refreshed by the loop */
    int threads, threads_busy, brokers, brokers_connected;
    size_t queued;
    uint32_t credit;
    char name[256], dictionaries[128];
    int64_t started_ms;
    wt_httpd_t *httpd; /* NULL when --metrics is off */
} wt_wmetrics_t;

wt_wmetrics_t *wt_wmetrics_new(void);
void wt_wmetrics_destroy(wt_wmetrics_t **self_p);
/* Serve GET /metrics on listen; 0 or -EINVAL with a sentence in err. */
int wt_wmetrics_listen(wt_wmetrics_t *self, const char *listen, char *err, size_t errlen);
/* An item failed with code (wt_errname). */
void wt_wmetrics_fail(wt_wmetrics_t *self, const char *code);

#endif
