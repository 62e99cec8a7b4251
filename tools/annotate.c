/*  annotate.c: `wiretag annotate`, offline annotation without a broker.

    Inputs (files, folders, .jsonl, .json, `-`/stdin) come through the input
    reader (input.h); every item is annotated in input order and written as
    one line of JSON (or pretty JSON) on stdout. A bad item is reported on
    stderr with file, line and reason; the rest goes on and the exit status
    is 1 at the end. A progress line appears on stderr when it is a
    terminal and the job runs longer than a second. */
#include "cmds.h"
#include "input.h"
#include "readable.h"
#include "wiretag/annotate.h"
#include "wiretag/cli.h"
#include "wiretag/json.h"
#include "wiretag/signals.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void s_usage(FILE *f)
{
    fprintf(f, "usage: wiretag annotate [-c FILE] [--pretty|--readable] [INPUT...]\n"
               "\n"
               "Annotate news items offline and print one annotated item per input item\n"
               "(JSON Lines, or indented JSON with --pretty) on stdout, in input order.\n"
               "\n"
               "INPUT: a plain-text file (a leading `date YYYY-MM-DD` sets published),\n"
               "       NAME.jsonl (one JSON item per line), NAME.json (one item or an array),\n"
               "       a folder (recursively, sorted), or - / nothing for standard input.\n"
               "\n"
               "  -c, --config FILE   configuration (default: built-in defaults)\n"
               "  -p, --pretty        indented JSON\n"
               "  -r, --readable      a readable summary instead of JSON\n"
               "  -q, --quiet         no progress line\n"
               "  -h, --help          this help\n");
}

static void s_progress(size_t items, size_t bytes, int64_t t0, bool final)
{
    double secs = (double)(wt_clock_us() - t0) / 1e6;
    fprintf(stderr, "\rannotate: %zu items, %.1f MB, %.0f items/s, %.1f MB/s%s", items,
            (double)bytes / 1e6, secs > 0 ? (double)items / secs : 0.0,
            secs > 0 ? (double)bytes / 1e6 / secs : 0.0, final ? "\n" : "   ");
    fflush(stderr);
}

typedef struct {
    const char *config_path;
    bool pretty, quiet, readable;
} s_args_t;

/* The command line (getopt_long: bundled short options, --opt=value and
   abbreviations stay as they were); -1 to go on, else the exit status. */
static int s_parse(s_args_t *a, int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'}, {"pretty", no_argument, NULL, 'p'},
        {"quiet", no_argument, NULL, 'q'},        {"help", no_argument, NULL, 'h'},
        {"readable", no_argument, NULL, 'r'},     {NULL, 0, NULL, 0},
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "c:pqrh", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            a->config_path = optarg;
            break;
        case 'p':
            a->pretty = true;
            break;
        case 'q':
            a->quiet = true;
            break;
        case 'r':
            a->readable = true;
            break;
        case 'h':
            s_usage(stdout);
            return 0;
        default:
            s_usage(stderr);
            return 2;
        }
    }
    return -1;
}

typedef struct {
    size_t items, bytes, bad, bad_dates;
    size_t pending, pending_bytes; /* annotated, in the output buffer */
} s_counts_t;

#define S_OUT_BATCH (64 * 1024)

/* Write the buffered lines (whole lines only); false when the output
   cannot be written. */
static bool s_flush(wt_buf_t *out, s_counts_t *n)
{
    bool ok = out->size == 0 ||
              (fwrite(out->data, 1, out->size, stdout) == out->size && fflush(stdout) == 0);
    if (!ok) {
        fprintf(stderr, "wiretag annotate: cannot write output\n");
        n->bad += n->pending;
    } else {
        n->items += n->pending;
        n->bytes += n->pending_bytes;
    }
    n->pending = n->pending_bytes = 0;
    wt_buf_reset(out);
    return ok;
}

/* Annotate one item and append its line to out. */
static void s_one(wt_annotator_t *ann, const s_args_t *a, wt_item_t *item, const char *where,
                  wt_buf_t *out, s_counts_t *n)
{
    if (item->published_invalid) {
        s_flush(out, n); /* stdout and stderr stay in order on one terminal */
        fprintf(stderr,
                "%s: item %s: published is not a date we read (ISO 8601, RFC 2822); "
                "annotated with published null\n",
                where ? where : "?", item->id ? item->id : "?");
        n->bad_dates++;
    }
    wt_result_t res = {0};
    int rc = wt_annotate(ann, item, &res);
    if (rc != 0) {
        s_flush(out, n);
        fprintf(stderr, "%s: cannot annotate item %s: %s (%s)\n", where ? where : "?",
                item->id ? item->id : "?", wt_strerror(rc), wt_errname(rc));
        n->bad++;
    } else {
        if (a->readable) {
            wt_readable_format(&res, isatty(STDOUT_FILENO), out);
        } else {
            wt_result_to_json(&res, a->pretty, out);
            wt_buf_append(out, "\n", 1);
        }
        n->pending++;
        n->pending_bytes += item->text_len;
    }
    wt_result_clear(&res);
}

/* Every item of in, in order, until the end, a signal or a write error. */
static void s_run(wt_annotator_t *ann, const s_args_t *a, wt_input_reader_t *in, s_counts_t *n)
{
    bool tty = !a->quiet && isatty(STDERR_FILENO);
    int64_t t0 = wt_clock_us(), last = t0;
    bool shown = false;
    char err[512] = "";
    wt_buf_t out;
    wt_buf_init(&out);
    for (;;) {
        if (wt_signals_stopping()) break;
        wt_item_t item = {0};
        const char *where = NULL;
        int rc = wt_input_next(in, &item, &where, err, sizeof err);
        if (rc == 0) break;
        if (wt_signals_stopping()) {
            wt_item_clear(&item);
            break;
        }
        if (rc < 0) {
            if (!s_flush(&out, n)) break;
            fprintf(stderr, "%s: %s (%s)\n", where ? where : "?", err[0] ? err : wt_strerror(rc),
                    wt_errname(rc));
            n->bad++;
            continue;
        }
        s_one(ann, a, &item, where, &out, n);
        wt_item_clear(&item);
        /* lines are written in batches, and before any wait for input, so
           that a pipe fed item by item gets each result at once */
        if ((out.size >= S_OUT_BATCH || wt_input_may_block(in)) && !s_flush(&out, n)) break;
        if (tty) {
            int64_t now = wt_clock_us();
            if (now - t0 > 1000000 && now - last > 200000) {
                s_progress(n->items, n->bytes, t0, false);
                last = now;
                shown = true;
            }
        }
    }
    s_flush(&out, n);
    if (shown) s_progress(n->items, n->bytes, t0, true);
    wt_buf_free(&out);
}

static void s_report(const s_counts_t *n, wt_input_reader_t *in)
{
    if (n->bad)
        fprintf(stderr, "wiretag annotate: %zu item(s) annotated, %zu failed (see above)\n",
                n->items, n->bad);
    wt_input_say_skipped(in, "wiretag annotate");
    wt_input_say_repaired(in, "wiretag annotate");
    if (wt_signals_stopping())
        fprintf(stderr,
                "wiretag annotate: interrupted after %zu item(s); the output ends with a "
                "whole line\n",
                n->items);
    if (n->bad_dates)
        fprintf(stderr,
                "wiretag annotate: %zu item(s) had an unreadable published date (kept with "
                "published null)\n",
                n->bad_dates);
}

int cmd_annotate(int argc, char **argv)
{
    s_args_t a = {0};
    int rc = s_parse(&a, argc, argv);
    if (rc >= 0) return rc;
    wt_config_t cfg;
    if (wt_cli_config("wiretag annotate", a.config_path, &cfg) != 0) return 2;
    char err[512] = "";
    wt_engine_t *engine = wt_engine_new(&cfg, err, sizeof err);
    if (!engine) {
        fprintf(stderr,
                "wiretag annotate: cannot load dictionaries: %s\n"
                "  (data directory %s: set WIRETAG_DATA, or install with cmake --install)\n",
                err, wt_config_data_dir());
        wt_config_free(&cfg);
        return 2;
    }
    wt_annotator_t *ann = wt_annotator_new(engine);

    char *stdin_arg[] = {"-"};
    char *const *paths = optind < argc ? argv + optind : stdin_arg;
    int npaths = optind < argc ? argc - optind : 1;
    wt_limits_t limits = wt_limits_default;
    if (cfg.max_text_bytes > 0) limits.max_text = (size_t)cfg.max_text_bytes;
    wt_input_reader_t *in = wt_input_open(paths, npaths, &limits);
    if (optind >= argc && isatty(STDIN_FILENO))
        fprintf(stderr, "wiretag annotate: reading items from the terminal (JSON Lines, or plain "
                        "text ended by Ctrl-D); to annotate files: wiretag annotate FILE...\n");
    /* SIGINT/SIGTERM end the run between two items: what was written is
       whole lines (the output is written in whole lines), never a cut one */
    wt_signals_catch(NULL, 0);
    s_counts_t n = {0};
    s_run(ann, &a, in, &n);
    s_report(&n, in);
    wt_input_close(&in);
    wt_annotator_destroy(&ann);
    wt_engine_destroy(&engine);
    wt_config_free(&cfg);
    return wt_signals_stopping() ? 130 : n.bad ? 1 : 0;
}
