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

typedef size_t (*s_step_fn)(s_data_t *d, size_t i, wt_buf_t *scratch);

static size_t s_json_parse(s_data_t *d, size_t i, wt_buf_t *scratch)
{
    (void)scratch;
    wt_item_t it = {0};
    char err[128];
    if (wt_item_from_json(d->corpus.lines[i], d->corpus.line_len[i], d->lim, &it, err, sizeof err))
        abort(); /* it parsed when the corpus was loaded */
    wt_item_clear(&it);
    return d->corpus.line_len[i];
}

static size_t s_json_write(s_data_t *d, size_t i, wt_buf_t *scratch)
{
    wt_buf_reset(scratch);
    wt_result_to_json(&d->results[i], false, scratch);
    return scratch->size;
}

static size_t s_item_encode(s_data_t *d, size_t i, wt_buf_t *scratch)
{
    wt_buf_reset(scratch);
    wt_item_encode(&d->corpus.items[i], scratch);
    return scratch->size;
}

static size_t s_item_decode(s_data_t *d, size_t i, wt_buf_t *scratch)
{
    (void)scratch;
    wt_item_t it = {0};
    if (wt_item_decode(d->item_mp[i].data, d->item_mp[i].size, d->lim, &it)) abort();
    wt_item_clear(&it);
    return d->item_mp[i].size;
}

static size_t s_result_encode(s_data_t *d, size_t i, wt_buf_t *scratch)
{
    wt_buf_reset(scratch);
    wt_result_encode(&d->results[i], scratch);
    return scratch->size;
}

static size_t s_result_decode(s_data_t *d, size_t i, wt_buf_t *scratch)
{
    (void)scratch;
    wt_result_t r = {0};
    if (wt_result_decode(d->result_mp[i].data, d->result_mp[i].size, d->lim, &r)) abort();
    wt_result_clear(&r);
    return d->result_mp[i].size;
}

static void s_measure(s_data_t *d, const char *name, s_step_fn fn, double min_secs)
{
    wt_buf_t scratch;
    wt_buf_init(&scratch);
    size_t bytes = 0, text = 0, passes = 0;
    int64_t w0 = wt_clock_us();
    double c0 = bench_thread_cpu_s(), cpu = 0;
    do {
        for (size_t i = 0; i < d->corpus.count; i++) {
            bytes += fn(d, i, &scratch);
            text += d->corpus.items[i].text_len;
        }
        passes++;
        cpu = bench_thread_cpu_s() - c0;
    } while (cpu < min_secs);
    double wall = (double)(wt_clock_us() - w0) / 1e6;
    printf("step=%s passes=%zu bytes=%zu text_bytes=%zu secs=%.3f cpu_s=%.3f mb_s=%.2f "
           "text_mb_s=%.2f wall_mb_s=%.2f\n",
           name, passes, bytes, text, wall, cpu, (double)bytes / 1e6 / cpu,
           (double)text / 1e6 / cpu, (double)bytes / 1e6 / wall);
    fflush(stdout);
    wt_buf_free(&scratch);
}

int main(int argc, char **argv)
{
    double min_secs = 0.5;
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--min-secs") && i + 1 < argc)
            min_secs = atof(argv[++i]);
        else
            path = argv[i];
    }
    if (!path || min_secs <= 0) {
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
    s_measure(&d, "json_parse", s_json_parse, min_secs);
    s_measure(&d, "json_write", s_json_write, min_secs);
    s_measure(&d, "item_encode", s_item_encode, min_secs);
    s_measure(&d, "item_decode", s_item_decode, min_secs);
    s_measure(&d, "result_encode", s_result_encode, min_secs);
    s_measure(&d, "result_decode", s_result_decode, min_secs);

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
