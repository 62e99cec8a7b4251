/*  progress.c: the progress line, refused items and summary of
    `wiretag feed` (see progress.h). */
#include "progress.h"
#include "input.h"
#include "wiretag/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void s_fmt_time(double s, char *out, size_t n)
{
    if (s < 0 || s > 359999)
        snprintf(out, n, "--:--");
    else if (s >= 3600)
        snprintf(out, n, "%d:%02d:%02d", (int)s / 3600, ((int)s / 60) % 60, (int)s % 60);
    else
        snprintf(out, n, "%d:%02d", (int)s / 60, (int)s % 60);
}

void wt_feed_progress(const wt_feed_figures_t *fig, int64_t *last_draw, bool final)
{
    int64_t now = wt_clock_ms();
    if (!final && now - *last_draw < 200) return;
    *last_draw = now;
    double el = (double)(now - fig->t0) / 1000.0;
    double rate = el > 0 ? (double)fig->acked / el : 0;
    size_t total = fig->total >= fig->read_items ? fig->total : 0; /* files may grow */
    if (total) {
        double frac = (double)(fig->acked + fig->nfails) / (double)total;
        if (frac > 1) frac = 1;
        char bar[32];
        int fill = (int)(frac * 24);
        for (int i = 0; i < 24; i++)
            bar[i] = i < fill ? '#' : '.';
        bar[24] = 0;
        char t[16];
        s_fmt_time(rate > 0 ? (double)(total - fig->acked - fig->nfails) / rate : -1, t, sizeof t);
        fprintf(stderr, "\r\033[K[%s] %llu/%zu acked %.0f/s ETA %s in flight %zu", bar,
                (unsigned long long)fig->acked, total, rate, t, fig->inflight);
    } else
        fprintf(stderr, "\r\033[K%llu acked %.0f/s in flight %zu", (unsigned long long)fig->acked,
                rate, fig->inflight);
    if (fig->retries) fprintf(stderr, " retries %llu", (unsigned long long)fig->retries);
    if (fig->nfails) fprintf(stderr, " failed %zu", fig->nfails);
    if (final) fputc('\n', stderr);
    fflush(stderr);
}

size_t wt_feed_count(char *const *paths, int n)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(paths[i], "-")) return 0;
    wt_input_reader_t *r = wt_input_open(paths, n, NULL);
    size_t c = 0;
    for (;;) {
        wt_item_t item = {0};
        const char *where;
        int rc = wt_input_next(r, &item, &where, NULL, 0);
        wt_item_clear(&item);
        if (rc == 0) break;
        c++; /* errors count too: they end up in the summary */
    }
    wt_input_close(&r);
    return c;
}

void wt_feed_fail(wt_feed_fails_t *fails, uint64_t order, const char *where, const char *code,
                  const char *reason)
{
    wt_grow(&fails->v, &fails->cap, fails->n + 1, sizeof *fails->v);
    wt_feed_fail_t *x = &fails->v[fails->n++];
    x->order = order;
    x->where = wt_strdup(where ? where : "?");
    x->code = wt_strdup(code ? code : "?");
    x->reason = wt_strdup(reason ? reason : "");
}

void wt_feed_fails_free(wt_feed_fails_t *fails)
{
    for (size_t i = 0; i < fails->n; i++) {
        free(fails->v[i].where);
        free(fails->v[i].code);
        free(fails->v[i].reason);
    }
    free(fails->v);
    memset(fails, 0, sizeof *fails);
}

static int s_fail_cmp(const void *a, const void *b)
{
    uint64_t x = ((const wt_feed_fail_t *)a)->order, y = ((const wt_feed_fail_t *)b)->order;
    return x < y ? -1 : x > y;
}

void wt_feed_fails_print(wt_feed_fails_t *fails, uint64_t dead)
{
    if (!fails->n) return;
    qsort(fails->v, fails->n, sizeof *fails->v, s_fail_cmp);
    if (dead)
        fprintf(stderr,
                "wiretag feed: %zu item(s) not accepted or, for %llu, dead letters "
                "that will not be processed (`wiretag dead`):\n",
                fails->n, (unsigned long long)dead);
    else
        fprintf(stderr, "wiretag feed: %zu item(s) not accepted:\n", fails->n);
    for (size_t i = 0; i < fails->n; i++) {
        if (i == 100) {
            fprintf(stderr, "  ... and %zu more\n", fails->n - 100);
            break;
        }
        fprintf(stderr, "  %s: %s: %s\n", fails->v[i].where, fails->v[i].code, fails->v[i].reason);
    }
}

void wt_feed_summary(const wt_feed_figures_t *fig, uint64_t dups, bool quiet, int status)
{
    double el = (double)(wt_clock_ms() - fig->t0) / 1000.0;
    if (!quiet || fig->nfails || status)
        fprintf(stderr,
                "wiretag feed: %llu acknowledged (%llu already known), %zu failed, %llu resent, in "
                "%.1f s (%.0f items/s)\n",
                (unsigned long long)fig->acked, (unsigned long long)dups, fig->nfails,
                (unsigned long long)fig->retries, el, el > 0 ? (double)fig->acked / el : 0.0);
}

void wt_feed_unacked(int status, size_t inflight)
{
    if (status == 3 || status == 130 || (status == 2 && inflight))
        fprintf(stderr, "wiretag feed: %s with %zu item(s) unacknowledged\n",
                status == 3   ? "deadline passed"
                : status == 2 ? "stopped"
                              : "interrupted",
                inflight);
}

int wt_feed_inputs(char *const *paths, int n, void (*usage)(FILE *), bool *streaming)
{
    if (n == 0) {
        fprintf(stderr, "wiretag feed: no INPUT (use - for stdin)\n\n");
        usage(stderr);
        return 2;
    }
    for (int i = 0; i < n; i++)
        if (!strcmp(paths[i], "-")) *streaming = true;
    return 0;
}
