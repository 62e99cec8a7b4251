/*  progress.h: the progress line of `wiretag feed`, for both engines (the
    broker and NATS JetStream), so that they draw the same bar.
*/
#ifndef WT_TOOLS_PROGRESS_H
#define WT_TOOLS_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a feed has done so far. */
typedef struct {
    int64_t t0;          /* wt_clock_ms() at start */
    uint64_t acked;      /* items acknowledged */
    uint64_t retries;    /* resends */
    uint64_t read_items; /* items read from the inputs so far */
    size_t nfails;       /* items refused for good */
    size_t inflight;     /* items sent and not answered */
    size_t total;        /* items the inputs hold (0 = unknown, e.g. stdin) */
} wt_feed_figures_t;

/* Draw the progress line on stderr: a bar with an ETA when the total is
   known (and not outgrown: files may grow), else counts and rate. At most
   every 200 ms (*last_draw keeps the time) unless final, which ends the line. */
void wt_feed_progress(const wt_feed_figures_t *fig, int64_t *last_draw, bool final);

/* Items in the inputs, for the bar's total: 0 when one of them is stdin.
   Bad items count too: they end up in the summary. */
size_t wt_feed_count(char *const *paths, int n);

#endif
