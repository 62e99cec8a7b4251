/*  bench_format.c: JSON and MessagePack throughput, one thread.

    wiretag-bench-format [--min-secs S] FILE.jsonl
    Loads every line first and annotates every item once (neither is
    timed), then runs each step over the whole corpus as many times as it
    takes to spend at least S seconds (default 0.5) of this thread's CPU
    time, and prints one line of key=value figures per step:

      json_parse     wt_item_from_json of every input line
      json_write     wt_result_to_json (compact) of every annotated item
      item_encode    wt_item_encode (MessagePack) of every input item
      item_decode    wt_item_decode of those encodings
      result_encode  wt_result_encode of every annotated item
      result_decode  wt_result_decode of those encodings

    mb_s is bytes of the step's own format (JSON read or written,
    MessagePack written or read) per CPU-second; text_mb_s is bytes of
    article text per CPU-second, the unit of the annotate rows. */
#include "bench_util.h"
#include "wiretag/annotate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    bench_corpus_t corpus;
    wt_result_t *results;   /* one per item */
    wt_buf_t *item_mp;      /* MessagePack of every item */
    wt_buf_t *result_mp;    /* MessagePack of every result */
    const wt_limits_t *lim; /* decoding limits (text up to 64 MB) */
} s_data_t;

typedef enum {
    S_JSON_PARSE,
    S_JSON_WRITE,
    S_ITEM_ENCODE,
    S_ITEM_DECODE,
    S_RESULT_ENCODE,
    S_RESULT_DECODE
} s_step_t;
static const char *s_step_name[] = {"json_parse",  "json_write",    "item_encode",
                                    "item_decode", "result_encode", "result_decode"};

/* Run step on item i; returns the bytes of the step's format read or
   written. Inputs decoded when the corpus was loaded decode again, so a
   failure here is a bug: abort. */
static size_t s_step(s_data_t *d, s_step_t step, size_t i, wt_buf_t *out)
{
    wt_item_t it = {0};
    wt_result_t r = {0};
    char err[128];
    wt_buf_reset(out);
    switch (step) {
    case S_JSON_PARSE:
        if (wt_item_from_json(d->corpus.lines[i], d->corpus.line_len[i], d->lim, &it, err,
                              sizeof err))
            abort();
        wt_item_clear(&it);
        return d->corpus.line_len[i];
    case S_JSON_WRITE:
        wt_result_to_json(&d->results[i], false, out);
        return out->size;
    case S_ITEM_ENCODE:
        wt_item_encode(&d->corpus.items[i], out);
        return out->size;
    case S_ITEM_DECODE:
        if (wt_item_decode(d->item_mp[i].data, d->item_mp[i].size, d->lim, &it)) abort();
        wt_item_clear(&it);
        return d->item_mp[i].size;
    case S_RESULT_ENCODE:
        wt_result_encode(&d->results[i], out);
        return out->size;
    case S_RESULT_DECODE:
        if (wt_result_decode(d->result_mp[i].data, d->result_mp[i].size, d->lim, &r)) abort();
        wt_result_clear(&r);
        return d->result_mp[i].size;
    }
    return 0;
}

static void s_measure(s_data_t *d, s_step_t step, double min_secs)
{
    wt_buf_t scratch;
    wt_buf_init(&scratch);
    size_t bytes = 0, text = 0, passes = 0;
    int64_t w0 = wt_clock_us();
    double c0 = bench_thread_cpu_s(), cpu = 0;
    do {
        for (size_t i = 0; i < d->corpus.count; i++) {
            bytes += s_step(d, step, i, &scratch);
            text += d->corpus.items[i].text_len;
        }
        passes++;
        cpu = bench_thread_cpu_s() - c0;
    } while (cpu < min_secs);
    double wall = (double)(wt_clock_us() - w0) / 1e6;
    printf("step=%s passes=%zu bytes=%zu text_bytes=%zu secs=%.3f cpu_s=%.3f mb_s=%.2f "
           "text_mb_s=%.2f wall_mb_s=%.2f\n",
           s_step_name[step], passes, bytes, text, wall, cpu, (double)bytes / 1e6 / cpu,
           (double)text / 1e6 / cpu, (double)bytes / 1e6 / wall);
    fflush(stdout);
    wt_buf_free(&scratch);
}

int main(int argc, char **argv)
{
    double min_secs = 0.5;
    const char *path = NULL;
    const bench_opt_t opts[] = {{"--min-secs", 'd', &min_secs}, {NULL, 0, NULL}};
    int bad = bench_args(argc, argv, opts, &path);
    if (bad || !path || min_secs <= 0) {
        fprintf(stderr, "usage: wiretag-bench-format [--min-secs S] FILE.jsonl\n");
        return 2;
    }
    s_data_t d = {0};
    if (bench_corpus_load(&d.corpus, path, true) != 0) return 2;
    wt_limits_t lim = wt_limits_default;
    lim.max_text = 64u << 20;
    d.lim = &lim;

    wt_config_t cfg;
    wt_config_defaults(&cfg);
    if (cfg.max_text_bytes < (64 << 20)) cfg.max_text_bytes = 64 << 20;
    char err[512];
    wt_engine_t *engine = wt_engine_new(&cfg, err, sizeof err);
    if (!engine) {
        fprintf(stderr, "engine: %s\n", err);
        return 2;
    }
    wt_annotator_t *ann = wt_annotator_new(engine);
    size_t n = d.corpus.count;
    d.results = wt_calloc(n, sizeof *d.results);
    d.item_mp = wt_calloc(n, sizeof *d.item_mp);
    d.result_mp = wt_calloc(n, sizeof *d.result_mp);
    for (size_t i = 0; i < n; i++) {
        wt_annotate(ann, &d.corpus.items[i], &d.results[i]);
        wt_buf_init(&d.item_mp[i]);
        wt_item_encode(&d.corpus.items[i], &d.item_mp[i]);
        wt_buf_init(&d.result_mp[i]);
        wt_result_encode(&d.results[i], &d.result_mp[i]);
    }
    for (s_step_t step = S_JSON_PARSE; step <= S_RESULT_DECODE; step++)
        s_measure(&d, step, min_secs);

    for (size_t i = 0; i < n; i++) {
        wt_result_clear(&d.results[i]);
        wt_buf_free(&d.item_mp[i]);
        wt_buf_free(&d.result_mp[i]);
    }
    free(d.results);
    free(d.item_mp);
    free(d.result_mp);
    wt_annotator_destroy(&ann);
    wt_engine_destroy(&engine);
    wt_config_free(&cfg);
    bench_corpus_free(&d.corpus);
    return 0;
}
