/*  bench_nats_noop_worker.c: wiretag-worker's NATS JetStream loop
    (worker/nats.c) with no annotation, for the transport benchmark: each
    item is fetched, a result holding the input and empty arrays is
    published and its publish ack awaited, then the item is acked.

    wiretag-bench-nats-noop-worker --nats URL[,URL...] [-c FILE] [--threads N] */
#include "nats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    const char *urls = NULL, *config = NULL;
    long threads = 2;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--nats") && i + 1 < argc)
            urls = argv[++i];
        else if (!strcmp(argv[i], "-c") && i + 1 < argc)
            config = argv[++i];
        else if (!strcmp(argv[i], "--threads") && i + 1 < argc)
            threads = atol(argv[++i]);
        else {
            fprintf(stderr, "usage: wiretag-bench-nats-noop-worker --nats URL [-c FILE] "
                            "[--threads N]\n");
            return 2;
        }
    }
    wt_config_t cfg;
    wt_config_defaults(&cfg);
    char err[1024];
    if (config && wt_config_load(&cfg, config, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        wt_config_free(&cfg);
        return 2;
    }
    if (threads > 0 && threads <= 256) cfg.worker_threads = threads;
    wt_worker_opts_t opts = {.log_level = 1, .name = "bench-nats-noop", .drain_ms = 1000};
    int rc = wt_worker_nats_run(&cfg, &opts, urls, true);
    wt_config_free(&cfg);
    return rc;
}
