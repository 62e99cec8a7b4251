/*  metrics.h: Prometheus text exposition (format 0.0.4) into a wt_buf_t.

    The broker and the worker each render their figures with these calls
    when GET /metrics arrives (include/wiretag/httpd.h); nothing here keeps
    state between scrapes except wt_histogram_t, which the owner updates as
    events happen. Names follow Prometheus conventions: a `wiretag_` prefix,
    `_total` on counters, base units (seconds, bytes). Label values are
    escaped here (backslash, double quote, newline), so a worker name chosen
    by a peer cannot break the format.

    Usage, one family at a time:
        wt_metrics_family(out, "wiretag_broker_items_accepted_total", "counter", "help");
        wt_metrics_u64(out, "wiretag_broker_items_accepted_total", NULL, 42);
*/
#ifndef WT_METRICS_H
#define WT_METRICS_H

#include "wiretag/codec.h"

#ifdef __cplusplus
extern "C" {
#endif

#define WT_HISTOGRAM_MAX_BUCKETS 24

/* A cumulative histogram with fixed upper bounds (seconds, ascending). */
typedef struct {
    double bounds[WT_HISTOGRAM_MAX_BUCKETS];
    uint64_t counts[WT_HISTOGRAM_MAX_BUCKETS + 1]; /* per bucket, not cumulative; last = +Inf */
    size_t nbounds;
    double sum;
    uint64_t count;
} wt_histogram_t;

/* Set the bucket bounds (ascending, at most WT_HISTOGRAM_MAX_BUCKETS) and
   zero the counts. */
void wt_histogram_init(wt_histogram_t *h, const double *bounds, size_t n);
/* Count one observation of v (seconds or whatever unit the family uses). */
void wt_histogram_observe(wt_histogram_t *h, double v);

/* "# HELP name help" and "# TYPE name type" (counter, gauge, histogram). */
void wt_metrics_family(wt_buf_t *out, const char *name, const char *type, const char *help);
/* One sample line. labels: NULL, or name/value pairs ending with NULL
   ({"worker", name, "state", "ready", NULL}); values are escaped. */
void wt_metrics_u64(wt_buf_t *out, const char *name, const char *const *labels, uint64_t v);
void wt_metrics_double(wt_buf_t *out, const char *name, const char *const *labels, double v);
/* A whole histogram family (HELP, TYPE, _bucket with le, _sum, _count). */
void wt_metrics_histogram(wt_buf_t *out, const char *name, const char *help,
                          const wt_histogram_t *h);

/* The content type of the text format. */
#define WT_METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

#ifdef __cplusplus
}
#endif
#endif
