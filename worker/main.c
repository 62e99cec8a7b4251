/*  main.c: wiretag-worker, arguments -> config -> worker loop.

    wiretag-worker [-c FILE] [--broker EP]... [--threads N] [--credit N]
                   [--name NAME] [--drain-ms MS] [--metrics HOST:PORT] [-v|-q]
*/
#include "nats.h"
#include "worker.h"
#include "wiretag/httpd.h"
#include "wiretag/endpoint.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void s_usage(FILE *f)
{
    fprintf(
        f,
        "usage: wiretag-worker [-c FILE] [--host HOST | --broker EP... | --nats URL] [--threads "
        "N]\n"
        "                      [--credit N] [--name NAME] [--drain-ms MS] [--metrics HOST:PORT]\n"
        "                      [-v|-q]\n\n"
        "  -c FILE        configuration file (worker.*, engine keys); re-read on SIGHUP\n"
        "  --host HOST    the broker's host (its workers port 5556; default client.broker\n"
        "                 of -c FILE, else 127.0.0.1)\n"
        "  --broker EP    broker worker endpoint, repeatable (default tcp://127.0.0.1:5556)\n"
        "  --nats URL     take items from NATS JetStream instead: nats://HOST:PORT[,...]\n"
        "                 (\"-\" = nats.servers of the config; docs/NATS.md)\n"
        "  --threads N    annotation threads (default worker.threads)\n"
        "  --credit N     items in flight per broker (default worker.credit)\n"
        "  --name NAME    name shown by `wiretag stats` (default host:pid)\n"
        "  --drain-ms MS  on SIGTERM, wait this long for running items (default 10000)\n"
        "  --metrics HOST:PORT  serve Prometheus GET /metrics there (worker.metrics;\n"
        "                 a port alone = 127.0.0.1; 0 = any free port, logged at start)\n"
        "  -v / -q        more / less logging\n"
        "  --version      print the version and exit\n\n"
        "Signals: SIGHUP reloads the dictionaries, SIGTERM/SIGINT finish running items,\n"
        "hand the rest back to the broker and exit.\n");
}

static void s_on_signal(int sig)
{
    wt_worker_signal(sig);
}

int main(int argc, char **argv)
{
    const char *config = NULL, *metrics = NULL, *host = NULL;
    const char *brokers[WT_CONFIG_MAX_LIST];
    int nbrokers = 0;
    long long threads = -1, credit = -1, drain = 10000;
    wt_worker_opts_t opts = {.log_level = 2};
    const char *nats = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool more = i + 1 < argc;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            s_usage(stdout);
            return 0;
        } else if (!strcmp(a, "--version") || !strcmp(a, "-V")) {
            printf("wiretag-worker %s\n", WT_VERSION);
            return 0;
        } else if (!strcmp(a, "-c") && more)
            config = argv[++i];
        else if (!strcmp(a, "--broker") && more) {
            if (nbrokers == WT_CONFIG_MAX_LIST) {
                fprintf(stderr, "wiretag-worker: at most %d --broker\n", WT_CONFIG_MAX_LIST);
                return 2;
            }
            brokers[nbrokers++] = argv[++i];
        } else if (!strcmp(a, "--nats") && more) {
            nats = argv[++i];
        } else if (!strcmp(a, "--host") && more) {
            host = argv[++i];
        } else if (!strcmp(a, "--threads") && more) {
            if (!wt_int_arg(argv[++i], 1, 256, &threads)) {
                fprintf(stderr, "wiretag-worker: --threads wants 1..256\n");
                return 2;
            }
        } else if (!strcmp(a, "--credit") && more) {
            if (!wt_int_arg(argv[++i], 1, 100000, &credit)) {
                fprintf(stderr, "wiretag-worker: --credit wants 1..100000\n");
                return 2;
            }
        } else if (!strcmp(a, "--drain-ms") && more) {
            if (!wt_int_arg(argv[++i], 0, 3600000, &drain)) {
                fprintf(stderr, "wiretag-worker: --drain-ms wants 0..3600000\n");
                return 2;
            }
        } else if (!strcmp(a, "--metrics") && more)
            metrics = argv[++i];
        else if (!strcmp(a, "--name") && more)
            opts.name = argv[++i];
        else if (!strcmp(a, "-v"))
            opts.log_level = 3;
        else if (!strcmp(a, "-q"))
            opts.log_level = 0;
        else {
            if (!strcmp(a, "-c") || !strcmp(a, "--broker") || !strcmp(a, "--host") ||
                !strcmp(a, "--name") || !strcmp(a, "--threads") || !strcmp(a, "--credit") ||
                !strcmp(a, "--drain-ms"))
                fprintf(stderr, "wiretag-worker: %s wants a value (wiretag-worker --help)\n", a);
            else
                fprintf(stderr,
                        "wiretag-worker: unknown option '%s' (wiretag-worker --help lists "
                        "them)\n",
                        a);
            return 2;
        }
    }

    wt_config_t cfg;
    wt_config_defaults(&cfg);
    char err[1024] = "";
    if (config && wt_config_load(&cfg, config, err, sizeof err) != 0) {
        fprintf(stderr, "wiretag-worker: %s\n", err);
        wt_config_free(&cfg);
        return 2;
    }
    const char *h = host ? host : cfg.client_broker;
    if (nbrokers == 0 && h && cfg.worker_brokers.count == 1 &&
        !strcmp(cfg.worker_brokers.items[0], "tcp://127.0.0.1:5556")) {
        /* --host / client.broker name the broker; worker.brokers, when set
           to something else, and --broker win */
        static char ep[600];
        if (wt_endpoint_pick(NULL, h, NULL, WT_ROLE_WORKERS, ep, sizeof ep, err, sizeof err)) {
            fprintf(stderr, "wiretag-worker: %s\n", err);
            wt_config_free(&cfg);
            return 2;
        }
        brokers[nbrokers++] = ep;
    }
    if (nbrokers > 0) {
        for (int i = 0; i < cfg.worker_brokers.count; i++)
            free(cfg.worker_brokers.items[i]);
        for (int i = 0; i < nbrokers; i++)
            cfg.worker_brokers.items[i] = wt_strdup(brokers[i]);
        cfg.worker_brokers.count = nbrokers;
    }
    if (metrics) {
        free(cfg.worker_metrics);
        cfg.worker_metrics = wt_strdup(metrics);
    }
    if (cfg.worker_metrics && wt_httpd_check_listen(cfg.worker_metrics, err, sizeof err) != 0) {
        fprintf(stderr, "wiretag-worker: metrics: %s\n", err);
        wt_config_free(&cfg);
        return 2;
    }
    if (threads > 0) cfg.worker_threads = threads;
    if (credit > 0) cfg.worker_credit = credit;
    opts.config_path = config;
    if (opts.log_level == 2 && cfg.log_level) {
        static const char *const levels[] = {"error", "warn", "info", "debug"};
        for (int i = 0; i < 4; i++)
            if (!strcmp(cfg.log_level, levels[i])) opts.log_level = i;
    }
    opts.drain_ms = drain;
    if (nats) {
        int nrc = wt_worker_nats_run(&cfg, &opts, strcmp(nats, "-") ? nats : NULL, false);
        wt_config_free(&cfg);
        return nrc;
    }

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = s_on_signal; /* no SA_RESTART: zmq_poll returns EINTR */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    wt_worker_t *worker = wt_worker_new(&cfg, &opts, err, sizeof err);
    if (!worker) {
        fprintf(stderr, "wiretag-worker: %s\n", err);
        wt_config_free(&cfg);
        return 1;
    }
    int rc = wt_worker_run(worker);
    wt_worker_destroy(&worker);
    wt_config_free(&cfg);
    return rc;
}
