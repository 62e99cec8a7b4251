/*  bench_nats_noop_worker.c: wiretag-worker's NATS JetStream loop
    (worker/nats.c) with no annotation, for the transport benchmark: each
    item is fetched, a result holding the input and empty arrays is
    published and its publish ack awaited, then the item is acked.

    wiretag-bench-nats-noop-worker --nats URL[,URL...] [-c FILE] [--threads N] */
#include "nats.h"
#include "wiretag/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void s_usage(FILE *f)
{
    fprintf(f, "usage: wiretag-bench-nats-noop-worker --nats URL [-c FILE] [--threads N]\n");
}

int main(int argc, char **argv)
{
    const char *urls = NULL, *config = NULL, *threads = NULL;
    const wt_opt_t opts[] = {
        WT_OPT_STR_ROW("--nats", &urls, NULL),
        WT_OPT_STR_ROW("-c", &config, NULL),
        WT_OPT_STR_ROW("--threads", &threads, NULL),
    };
    const wt_cli_t cli = {
        .prog = "wiretag-bench-nats-noop-worker", .usage = s_usage, WT_CLI_TABLE(opts)};
    wt_cli_res_t r;
    int what = wt_cli_parse(&cli, argc, argv, &r);
    if (what == WT_CLI_HELP) return 0;
    if (what != WT_CLI_OK) {
        s_usage(stderr);
        return 2;
    }
    wt_config_t cfg;
    if (wt_cli_config("wiretag-bench-nats-noop-worker", config, &cfg) != 0) return 2;
    long n = threads ? atol(threads) : 2;
    if (n > 0 && n <= 256) cfg.worker_threads = n;
    wt_worker_opts_t wopts = {.log_level = 1, .name = "bench-nats-noop", .drain_ms = 1000};
    int rc = wt_worker_nats_run(&cfg, &wopts, urls, true);
    wt_config_free(&cfg);
    return rc;
}
