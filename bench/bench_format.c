/*  bench_format.c: speed of the item formats, and their bytes.

    wiretag-bench-format [--config FILE] [--repeat K] [--dump-msgpack OUT]
                         [--dump-json OUT] FILE.jsonl
    Reads every line of FILE.jsonl and annotates each item once (not timed),
    with stats.elapsed_us set to 0 so that the output is reproducible. Then
    times in CPU seconds, K times each (the best pass counts: the machine is
    shared),
      json_in   wt_item_from_json on the input lines
      json_out  wt_result_to_json (compact) of every annotated item
      mp_enc    wt_result_encode of every annotated item
      mp_dec    wt_result_decode of those bytes
    and prints one line of key=value figures in MB/s of item text (and, for
    JSON, of JSON read or written). --dump-msgpack writes every encoded
    result one after the other, --dump-json one JSON line per result: the
    byte-identity proof of a change to lib/format (compare md5sums). */
#include "wiretag/annotate.h"
#include "wiretag/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
    char **lines;
    size_t *lens;
    wt_result_t *res;
    size_t count;
    size_t text_bytes, json_in_bytes;
} s_set_t;

static int s_load(s_set_t *set, const char *path, const char *config)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        return 2;
    }
    wt_config_t cfg;
    wt_config_defaults(&cfg);
    char err[512];
    if (config && wt_config_load(&cfg, config, err, sizeof err) != 0) {
        fprintf(stderr, "config: %s\n", err);
        fclose(f);
        return 2;
    }
    wt_engine_t *engine = wt_engine_new(&cfg, err, sizeof err);
    if (!engine) {
        fprintf(stderr, "engine: %s\n", err);
        fclose(f);
        return 2;
    }
    wt_annotator_t *ann = wt_annotator_new(engine);
    size_t cap = 0, rcap = 0, lcap = 0;
    char *line = NULL;
    ssize_t n;
    while ((n = getline(&line, &lcap, f)) > 0) {
        wt_item_t item = {0};
        if (wt_item_from_json(line, (size_t)n, NULL, &item, err, sizeof err) != 0) continue;
        wt_grow(&set->lines, &cap, set->count + 1, sizeof *set->lines);
        wt_grow(&set->lens, &rcap, set->count + 1, sizeof *set->lens);
        size_t rc = set->count;
        set->res = wt_realloc(set->res, (rc + 1) * sizeof *set->res);
        memset(&set->res[rc], 0, sizeof set->res[rc]);
        if (wt_annotate(ann, &item, &set->res[rc]) != 0) {
            wt_result_clear(&set->res[rc]);
            wt_item_clear(&item);
            continue;
        }
        set->res[rc].stats.elapsed_us = 0;
        set->lines[rc] = wt_strndup(line, (size_t)n);
        set->lens[rc] = (size_t)n;
        set->text_bytes += item.text_len;
        set->json_in_bytes += (size_t)n;
        set->count++;
        wt_item_clear(&item);
    }
    free(line);
    fclose(f);
    wt_annotator_destroy(&ann);
    wt_engine_destroy(&engine);
    wt_config_free(&cfg);
    return 0;
}

static int s_dump(const char *path, const wt_buf_t *b)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(b->data, 1, b->size, f) != b->size || fclose(f) != 0) {
        perror(path);
        return 2;
    }
    return 0;
}

/* CPU time of this thread in microseconds (the machine is shared: wall
   time would count the other processes). */
static int64_t s_cpu_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* One timed pass of each step; the pass's seconds go to best[] when lower.
   out_json / out_mp receive the bytes of the pass. */
static void s_pass(const s_set_t *set, double best[4], wt_buf_t *out_json, wt_buf_t *out_mp,
                   uint64_t *check)
{
    int64_t t0 = s_cpu_us();
    for (size_t i = 0; i < set->count; i++) {
        wt_item_t item = {0};
        char err[256];
        if (wt_item_from_json(set->lines[i], set->lens[i], NULL, &item, err, sizeof err) == 0)
            *check += item.text_len;
        wt_item_clear(&item);
    }
    int64_t t1 = s_cpu_us();
    wt_buf_reset(out_json);
    for (size_t i = 0; i < set->count; i++) {
        wt_result_to_json(&set->res[i], false, out_json);
        wt_buf_append(out_json, "\n", 1);
    }
    int64_t t2 = s_cpu_us();
    wt_buf_reset(out_mp);
    size_t *ends = wt_malloc((set->count + 1) * sizeof *ends);
    for (size_t i = 0; i < set->count; i++) {
        wt_result_encode(&set->res[i], out_mp);
        ends[i] = out_mp->size;
    }
    int64_t t3 = s_cpu_us();
    size_t at = 0;
    for (size_t i = 0; i < set->count; i++) {
        wt_result_t res = {0};
        if (wt_result_decode(out_mp->data + at, ends[i] - at, NULL, &res) == 0)
            *check += res.actor_count + res.quote_count;
        wt_result_clear(&res);
        at = ends[i];
    }
    int64_t t4 = s_cpu_us();
    free(ends);
    int64_t t[5] = {t0, t1, t2, t3, t4};
    for (int k = 0; k < 4; k++) {
        double s = (double)(t[k + 1] - t[k]) / 1e6;
        if (best[k] == 0 || s < best[k]) best[k] = s;
    }
}

int main(int argc, char **argv)
{
    int repeat = 3;
    const char *path = NULL, *config = NULL, *dump_mp = NULL, *dump_json = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--config") && i + 1 < argc)
            config = argv[++i];
        else if (!strcmp(argv[i], "--repeat") && i + 1 < argc)
            repeat = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--dump-msgpack") && i + 1 < argc)
            dump_mp = argv[++i];
        else if (!strcmp(argv[i], "--dump-json") && i + 1 < argc)
            dump_json = argv[++i];
        else
            path = argv[i];
    }
    if (!path || repeat < 1) {
        fprintf(stderr, "usage: wiretag-bench-format [--config FILE] [--repeat K] "
                        "[--dump-msgpack OUT] [--dump-json OUT] FILE.jsonl\n");
        return 2;
    }
    s_set_t set = {0};
    int rc = s_load(&set, path, config);
    if (rc) return rc;
    double best[4] = {0};
    uint64_t check = 0;
    wt_buf_t js, mp;
    wt_buf_init(&js);
    wt_buf_init(&mp);
    for (int r = 0; r < repeat; r++)
        s_pass(&set, best, &js, &mp, &check);
    double text_mb = (double)set.text_bytes / 1e6;
    printf("items=%zu text_mb=%.2f json_in_mb_s=%.1f json_in_json_mb_s=%.1f json_out_mb_s=%.1f "
           "json_out_json_mb_s=%.1f mp_enc_mb_s=%.1f mp_dec_mb_s=%.1f checksum=%llu\n",
           set.count, text_mb, text_mb / best[0], (double)set.json_in_bytes / 1e6 / best[0],
           text_mb / best[1], (double)js.size / 1e6 / best[1], text_mb / best[2], text_mb / best[3],
           (unsigned long long)check);
    if (dump_mp && (rc = s_dump(dump_mp, &mp))) return rc;
    if (dump_json && (rc = s_dump(dump_json, &js))) return rc;
    wt_buf_free(&js);
    wt_buf_free(&mp);
    for (size_t i = 0; i < set.count; i++) {
        free(set.lines[i]);
        wt_result_clear(&set.res[i]);
    }
    free(set.lines);
    free(set.lens);
    free(set.res);
    return 0;
}
