/*  metrics.c: Prometheus text exposition (see include/wiretag/metrics.h).

    Only the writer side of the text format: HELP/TYPE lines, samples with
    escaped labels, histograms with cumulative `le` buckets.
    Integers (counters) are written exactly by wt_metrics_u64; other numbers
    with 15 significant digits.
*/
#include "wiretag/metrics.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void wt_histogram_init(wt_histogram_t *h, const double *bounds, size_t n)
{
    memset(h, 0, sizeof *h);
    if (n > WT_HISTOGRAM_MAX_BUCKETS) n = WT_HISTOGRAM_MAX_BUCKETS;
    memcpy(h->bounds, bounds, n * sizeof *bounds);
    h->nbounds = n;
}

void wt_histogram_observe(wt_histogram_t *h, double v)
{
    if (isnan(v)) return;
    size_t i = 0;
    while (i < h->nbounds && v > h->bounds[i])
        i++;
    h->counts[i]++;
    h->count++;
    h->sum += v;
}

void wt_metrics_family(wt_buf_t *out, const char *name, const char *type, const char *help)
{
    /* HELP text escapes backslash and newline */
    wt_buf_printf(out, "# HELP %s ", name);
    for (const char *p = help; *p; p++) {
        if (*p == '\\')
            wt_buf_append(out, "\\\\", 2);
        else if (*p == '\n')
            wt_buf_append(out, "\\n", 2);
        else
            wt_buf_append(out, p, 1);
    }
    wt_buf_printf(out, "\n# TYPE %s %s\n", name, type);
}

static void s_escaped(wt_buf_t *out, const char *v)
{
    for (const char *p = v ? v : ""; *p; p++) {
        if (*p == '\\')
            wt_buf_append(out, "\\\\", 2);
        else if (*p == '"')
            wt_buf_append(out, "\\\"", 2);
        else if (*p == '\n')
            wt_buf_append(out, "\\n", 2);
        else
            wt_buf_append(out, p, 1);
    }
}

static void s_labels(wt_buf_t *out, const char *const *labels)
{
    if (!labels || !labels[0]) return;
    wt_buf_append(out, "{", 1);
    for (size_t i = 0; labels[i]; i += 2) {
        if (i) wt_buf_append(out, ",", 1);
        wt_buf_printf(out, "%s=\"", labels[i]);
        s_escaped(out, labels[i + 1]);
        wt_buf_append(out, "\"", 1);
    }
    wt_buf_append(out, "}", 1);
}

void wt_metrics_u64(wt_buf_t *out, const char *name, const char *const *labels, uint64_t v)
{
    wt_buf_append(out, name, strlen(name));
    s_labels(out, labels);
    wt_buf_printf(out, " %llu\n", (unsigned long long)v);
}

static void s_number(wt_buf_t *out, double v)
{
    if (isnan(v))
        wt_buf_printf(out, " NaN\n");
    else if (isinf(v))
        wt_buf_printf(out, " %s\n", v > 0 ? "+Inf" : "-Inf");
    else
        wt_buf_printf(out, " %.15g\n", v);
}

void wt_metrics_double(wt_buf_t *out, const char *name, const char *const *labels, double v)
{
    wt_buf_append(out, name, strlen(name));
    s_labels(out, labels);
    s_number(out, v);
}

void wt_metrics_histogram(wt_buf_t *out, const char *name, const char *help,
                          const wt_histogram_t *h)
{
    wt_metrics_family(out, name, "histogram", help);
    uint64_t cum = 0;
    char le[64];
    for (size_t i = 0; i <= h->nbounds; i++) {
        cum += h->counts[i];
        if (i < h->nbounds)
            snprintf(le, sizeof le, "le=\"%.12g\"", h->bounds[i]);
        else
            snprintf(le, sizeof le, "le=\"+Inf\"");
        wt_buf_printf(out, "%s_bucket{%s}", name, le);
        wt_buf_printf(out, " %llu\n", (unsigned long long)cum);
    }
    wt_buf_printf(out, "%s_sum", name);
    s_number(out, h->sum);
    wt_buf_printf(out, "%s_count %llu\n", name, (unsigned long long)h->count);
}
