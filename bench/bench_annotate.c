/*  bench_annotate.c: single-process annotation throughput.

    wiretag-bench-annotate [--threads N] [--mode full|text|copy] [--repeat K] FILE.jsonl
    Loads every item into memory first (I/O is not measured), then annotates
    them with N threads (one annotator each, one shared engine) and prints
    one line of key=value figures: MB/s, items/s, per-item latency p50/p99,
    peak RSS. --mode text runs only the text layer, --mode copy only copies
    the item (the baselines printed next to the full run by bench/run.sh).
    cpu_mb_s and cpu_items_s divide by the threads' CPU time instead of the
    wall clock: on a shared machine they do not count time spent waiting
    for a core. */
#include "bench_util.h"
#include "wiretag/annotate.h"
#include "wiretag/text.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

typedef struct {
    wt_item_t *items;
    size_t count;
    const wt_engine_t *engine;
    int mode; /* 0 full, 1 text, 2 copy */
    int repeat;
    size_t first, step;
    uint32_t *lat_us; /* per item latency (last repeat) */
    uint64_t checksum;
    double cpu_s; /* this thread's CPU time */
} s_job_t;

static void *s_run(void *arg)
{
    s_job_t *job = arg;
    wt_annotator_t *ann = job->mode == 0 ? wt_annotator_new(job->engine) : NULL;
    wt_doc_t doc;
    wt_doc_init(&doc);
    double c0 = bench_thread_cpu_s();
    for (int r = 0; r < job->repeat; r++) {
        for (size_t i = job->first; i < job->count; i += job->step) {
            int64_t t0 = wt_clock_us();
            if (job->mode == 0) {
                wt_result_t res = {0};
                wt_annotate(ann, &job->items[i], &res);
                job->checksum += res.actor_count + res.quote_count + res.issue_count;
                wt_result_clear(&res);
            } else if (job->mode == 1) {
                wt_doc_analyze(&doc, job->items[i].text, job->items[i].text_len);
                job->checksum += doc.ntoks;
            } else {
                wt_item_t copy = {0};
                wt_item_copy(&copy, &job->items[i]);
                job->checksum += copy.text_len;
                wt_item_clear(&copy);
            }
            job->lat_us[i] = (uint32_t)(wt_clock_us() - t0);
        }
    }
    job->cpu_s = bench_thread_cpu_s() - c0;
    wt_doc_free(&doc);
    wt_annotator_destroy(&ann);
    return NULL;
}

static int s_cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    int threads = 1, repeat = 1, mode = 0;
    const char *path = NULL, *config = NULL;
    const char *mode_name = "full";
    const bench_opt_t opts[] = {{"--threads", 'i', &threads},
                                {"--config", 's', &config},
                                {"--repeat", 'i', &repeat},
                                {"--mode", 's', &mode_name},
                                {NULL, 0, NULL}};
    int bad = bench_args(argc, argv, opts, &path);
    mode = !strcmp(mode_name, "text") ? 1 : !strcmp(mode_name, "copy") ? 2 : 0;
    if (bad || !path || threads < 1 || repeat < 1) {
        fprintf(stderr, "usage: wiretag-bench-annotate [--config FILE] [--threads N] "
                        "[--mode full|text|copy] [--repeat K] FILE.jsonl\n");
        return 2;
    }
    bench_corpus_t corpus;
    if (bench_corpus_load(&corpus, path, false) != 0) return 2;
    wt_item_t *items = corpus.items;
    size_t count = corpus.count, bytes = corpus.text_bytes;

    wt_config_t cfg;
    wt_config_defaults(&cfg);
    char err[512];
    if (config && wt_config_load(&cfg, config, err, sizeof err) != 0) {
        fprintf(stderr, "config: %s\n", err);
        return 2;
    }
    if (cfg.max_text_bytes < (64 << 20)) cfg.max_text_bytes = 64 << 20;
    wt_engine_t *engine = wt_engine_new(&cfg, err, sizeof err);
    if (!engine) {
        fprintf(stderr, "engine: %s\n", err);
        return 2;
    }
    uint32_t *lat = wt_calloc(count ? count : 1, sizeof *lat);
    s_job_t *jobs = wt_calloc((size_t)threads, sizeof *jobs);
    pthread_t *tids = wt_calloc((size_t)threads, sizeof *tids);
    int64_t t0 = wt_clock_us();
    for (int t = 0; t < threads; t++) {
        jobs[t] =
            (s_job_t){items, count, engine, mode, repeat, (size_t)t, (size_t)threads, lat, 0, 0};
        pthread_create(&tids[t], NULL, s_run, &jobs[t]);
    }
    uint64_t sum = 0;
    double cpu = 0;
    for (int t = 0; t < threads; t++) {
        pthread_join(tids[t], NULL);
        sum += jobs[t].checksum;
        cpu += jobs[t].cpu_s;
    }
    double secs = (double)(wt_clock_us() - t0) / 1e6;
    qsort(lat, count, sizeof *lat, s_cmp_u32);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double mb = (double)bytes * repeat / 1e6;
    printf("items=%zu bytes=%zu threads=%d mode=%s secs=%.3f mb_s=%.2f items_s=%.0f p50_us=%u "
           "p99_us=%u max_us=%u peak_rss_mb=%.1f cpu_s=%.3f cpu_mb_s=%.2f cpu_items_s=%.0f "
           "checksum=%llu\n",
           count, bytes, threads,
           mode == 0   ? "full"
           : mode == 1 ? "text"
                       : "copy",
           secs, mb / secs, (double)count * repeat / secs, count ? lat[count / 2] : 0,
           count ? lat[(size_t)((double)count * 0.99)] : 0, count ? lat[count - 1] : 0,
           (double)ru.ru_maxrss / 1024.0, cpu, mb / cpu, (double)count * repeat / cpu,
           (unsigned long long)sum);
    bench_corpus_free(&corpus);
    free(lat);
    free(jobs);
    free(tids);
    wt_engine_destroy(&engine);
    wt_config_free(&cfg);
    return 0;
}
