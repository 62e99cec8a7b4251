/*  progress.h: the progress line, the list of refused items and the
    summary of `wiretag feed`, for both engines (the broker and NATS
    JetStream), so that they draw the same bar and say the same things.
*/
#ifndef WT_TOOLS_PROGRESS_H
#define WT_TOOLS_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

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

/* The options both feed engines take, as rows of a wt_cli_t table: a has
   long long window, timeout, deadline and int progress; f has bool quiet.
   (feed --nats says a problem without the `wants` texts.) */
#define WT_FEED_OPT_ROWS(a, f)                                                                     \
    WT_OPT_INT_ROW("--window", &(a)->window, 1, 100000,                                            \
                   "a whole number of items from 1 to 100000"),                                    \
        WT_OPT_INT_ROW("--timeout", &(a)->timeout, 10, 3600000,                                    \
                       "a whole number of milliseconds from 10 to 3600000"),                       \
        WT_OPT_INT_ROW("--deadline", &(a)->deadline, 1, 86400 * 365,                               \
                       "a whole number of seconds, 1 or more"),                                    \
        WT_OPT_SET_ROW("--progress", &(a)->progress, 1),                                           \
        WT_OPT_SET_ROW("--no-progress", &(a)->progress, 0), WT_OPT_FLAG_ROW("-q", &(f)->quiet)

/* After the options: "no INPUT" and the usage (returns 2) when n is 0;
   else 0, with *streaming set when one of them is stdin ("-"). */
int wt_feed_inputs(char *const *paths, int n, void (*usage)(FILE *), bool *streaming);

/* An item refused for good (or unreadable), for the summary. */
typedef struct {
    uint64_t order; /* position in the input: the list is sorted by it */
    char *where, *code, *reason;
} wt_feed_fail_t;

typedef struct {
    wt_feed_fail_t *v;
    size_t n, cap;
} wt_feed_fails_t;

void wt_feed_fail(wt_feed_fails_t *fails, uint64_t order, const char *where, const char *code,
                  const char *reason);
void wt_feed_fails_free(wt_feed_fails_t *fails);
/* "N item(s) not accepted:" and the first 100 of them, in input order;
   dead > 0: that many are dead letters. */
void wt_feed_fails_print(wt_feed_fails_t *fails, uint64_t dead);

/* The closing line: "N acknowledged (D already known), F failed, R resent,
   in S s (I items/s)", unless quiet and all went well. */
void wt_feed_summary(const wt_feed_figures_t *fig, uint64_t dups, bool quiet, int status);
/* "deadline passed / interrupted / stopped with N item(s) unacknowledged"
   for the exit statuses 3, 130 and 2 (when some are). */
void wt_feed_unacked(int status, size_t inflight);

#endif
