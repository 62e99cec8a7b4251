/*  bench_jsonlibs.c: the JSON parsers of Debian 12 on our input, one thread
    (issue 17: the choice of the JSON input library, docs/FORMATS.md).

    wiretag-bench-jsonlibs [--rounds N] [--min-secs S] FILE.jsonl
    Loads every line, then runs N rounds (default 5); in each round every
    parser reads the whole corpus as many times as it takes to spend S
    CPU-seconds (default 0.5), the parsers taking turns so that a busy
    machine slows them alike. Prints one line per parser and round, then
    the median: MB of JSON per CPU-second.

      jansson   json_loadb (a tree), duplicate keys rejected: what wiretag used
      json-c    json_tokener_parse_ex, strict and UTF-8 checked (a tree)
      cJSON     cJSON_ParseWithLength (a tree; no UTF-8 check)
      yajl      yajl_parse with callbacks that do nothing (SAX)
      wiretag   wt_json_to_msgpack: yajl plus wiretag's own checks, MessagePack
                out (what wt_item_from_json does before the item decoder)

    Built only where libjson-c-dev and libcjson-dev are installed (they are
    not build dependencies of wiretag). */
#include "bench_util.h"

#include <cjson/cJSON.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

/* json-c and jansson cannot share a translation unit (both name json_object) */
int bench_jsonc_parse(char **lines, const size_t *len, size_t n);

static int s_nop(void *ctx)
{
    (void)ctx;
    return 1;
}
static int s_nop_bool(void *ctx, int b)
{
    (void)ctx, (void)b;
    return 1;
}
static int s_nop_num(void *ctx, const char *s, size_t n)
{
    (void)ctx, (void)s, (void)n;
    return 1;
}
static int s_nop_str(void *ctx, const unsigned char *s, size_t n)
{
    (void)ctx, (void)s, (void)n;
    return 1;
}
static const yajl_callbacks s_nop_cb = {
    .yajl_null = s_nop,
    .yajl_boolean = s_nop_bool,
    .yajl_number = s_nop_num,
    .yajl_string = s_nop_str,
    .yajl_start_map = s_nop,
    .yajl_map_key = s_nop_str,
    .yajl_end_map = s_nop,
    .yajl_start_array = s_nop,
    .yajl_end_array = s_nop,
};

static int s_jansson(char **lines, const size_t *len, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        json_error_t e;
        json_t *j = json_loadb(lines[i], len[i], JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &e);
        if (!j) return -1;
        json_decref(j);
    }
    return 0;
}

static int s_cjson(char **lines, const size_t *len, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        cJSON *j = cJSON_ParseWithLength(lines[i], len[i]);
        if (!j) return -1;
        cJSON_Delete(j);
    }
    return 0;
}

static int s_yajl(char **lines, const size_t *len, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        yajl_handle h = yajl_alloc(&s_nop_cb, NULL, NULL);
        yajl_status st = yajl_parse(h, (const unsigned char *)lines[i], len[i]);
        if (st == yajl_status_ok) st = yajl_complete_parse(h);
        yajl_free(h);
        if (st != yajl_status_ok) return -1;
    }
    return 0;
}

static int s_wiretag(char **lines, const size_t *len, size_t n)
{
    wt_buf_t mp;
    wt_buf_init(&mp);
    int r = 0;
    for (size_t i = 0; i < n && !r; i++) {
        wt_buf_reset(&mp);
        r = wt_json_to_msgpack(lines[i], len[i], &mp);
    }
    wt_buf_free(&mp);
    return r;
}

typedef struct {
    const char *name;
    int (*parse)(char **lines, const size_t *len, size_t n);
} s_lib_t;

static int s_dcmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    int rounds = 5;
    double min_secs = 0.5;
    const char *path = NULL;
    const bench_opt_t opts[] = {
        {"--rounds", 'i', &rounds}, {"--min-secs", 'd', &min_secs}, {NULL, 0, NULL}};
    if (bench_args(argc, argv, opts, &path) || !path || rounds < 1 || rounds > 99 ||
        min_secs <= 0) {
        fprintf(stderr, "usage: wiretag-bench-jsonlibs [--rounds N] [--min-secs S] FILE.jsonl\n");
        return 2;
    }
    bench_corpus_t c = {0};
    if (bench_corpus_load(&c, path, true) != 0) return 2;
    const s_lib_t libs[] = {{"jansson", s_jansson},
                            {"json-c", bench_jsonc_parse},
                            {"cJSON", s_cjson},
                            {"yajl", s_yajl},
                            {"wiretag", s_wiretag}};
    enum { NLIBS = sizeof libs / sizeof libs[0] };
    double mbs[NLIBS][99];
    for (int r = 0; r < rounds; r++)
        for (int k = 0; k < NLIBS; k++) {
            double c0 = bench_thread_cpu_s(), cpu;
            size_t passes = 0;
            do {
                if (libs[k].parse(c.lines, c.line_len, c.count) != 0) {
                    fprintf(stderr, "%s refuses a line of %s\n", libs[k].name, path);
                    return 1;
                }
                passes++;
                cpu = bench_thread_cpu_s() - c0;
            } while (cpu < min_secs);
            mbs[k][r] = (double)c.json_bytes * (double)passes / 1e6 / cpu;
            printf("lib=%s round=%d passes=%zu cpu_s=%.3f mb_s=%.1f\n", libs[k].name, r + 1, passes,
                   cpu, mbs[k][r]);
            fflush(stdout);
        }
    for (int k = 0; k < NLIBS; k++) {
        qsort(mbs[k], (size_t)rounds, sizeof(double), s_dcmp);
        printf("lib=%s median_mb_s=%.1f min=%.1f max=%.1f ratio_to_jansson=%.2f\n", libs[k].name,
               mbs[k][rounds / 2], mbs[k][0], mbs[k][rounds - 1],
               mbs[k][rounds / 2] / mbs[0][rounds / 2]);
    }
    bench_corpus_free(&c);
    return 0;
}
