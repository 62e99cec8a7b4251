/*  main.c: wiretag-worker, arguments -> config -> worker loop.

    wiretag-worker [-c FILE] [--broker EP]... [--threads N] [--credit N]
                   [--name NAME] [--drain-ms MS] [--metrics HOST:PORT] [-v|-q]
*/
#include "nats.h"
#include "worker.h"
#include "wiretag/httpd.h"
#include "wiretag/endpoint.h"
#include "wiretag/cli.h"
#include "wiretag/signals.h"

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

typedef struct {
    const char *items[WT_CONFIG_MAX_LIST];
    int n;
} s_brokers_t;

static bool s_add_broker(const char *value, void *out)
{
    s_brokers_t *b = out;
    if (b->n == WT_CONFIG_MAX_LIST) return false;
    b->items[b->n++] = value;
    return true;
}

typedef struct {
    const char *config, *metrics, *host, *nats;
    s_brokers_t brokers;
    long long threads, credit, drain;
    wt_worker_opts_t opts;
} s_args_t;

/* The command line into a; -1 to go on, else the exit status. */
static int s_parse(s_args_t *a, int argc, char **argv)
{
    const wt_opt_t opts[] = {
        WT_OPT_STR_ROW("-c", &a->config, "a value"),
        WT_OPT_FN_ROW("--broker", &a->brokers, s_add_broker, "a value"),
        WT_OPT_STR_ROW("--nats", &a->nats, NULL),
        WT_OPT_STR_ROW("--host", &a->host, "a value"),
        WT_OPT_INT_ROW("--threads", &a->threads, 1, 256, "1..256"),
        WT_OPT_INT_ROW("--credit", &a->credit, 1, 100000, "1..100000"),
        WT_OPT_INT_ROW("--drain-ms", &a->drain, 0, 3600000, "0..3600000"),
        WT_OPT_STR_ROW("--metrics", &a->metrics, NULL),
        WT_OPT_STR_ROW("--name", &a->opts.name, "a value"),
        WT_OPT_SET_ROW("-v", &a->opts.log_level, 3),
        WT_OPT_SET_ROW("-q", &a->opts.log_level, 0),
        {.name = "--version", .alias = "-V", .kind = WT_OPT_STOP},
    };
    const wt_cli_t cli = {.prog = "wiretag-worker", .usage = s_usage, WT_CLI_TABLE(opts)};
    wt_cli_res_t r;
    switch (wt_cli_parse(&cli, argc, argv, &r)) {
    case WT_CLI_OK:
        return -1;
    case WT_CLI_HELP:
        return 0;
    case WT_CLI_STOP:
        printf("wiretag-worker %s\n", WT_VERSION);
        return 0;
    case WT_CLI_MISSING:
        if (!r.opt->wants) break;
        fprintf(stderr, "wiretag-worker: %s wants a value (wiretag-worker --help)\n", r.arg);
        return 2;
    case WT_CLI_INVALID:
        if (r.opt->fn == s_add_broker)
            fprintf(stderr, "wiretag-worker: at most %d --broker\n", WT_CONFIG_MAX_LIST);
        else
            fprintf(stderr, "wiretag-worker: %s wants %s\n", r.arg, r.opt->wants);
        return 2;
    }
    wt_cli_complain(&cli, &r);
    return 2;
}

/* The command line over the configuration file; 0, or an exit status
   (and *cfg freed). */
static int s_configure(s_args_t *a, wt_config_t *cfg)
{
    char err[1024] = "";
    if (wt_cli_config("wiretag-worker", a->config, cfg) != 0) return 2;
    const char *h = a->host ? a->host : cfg->client_broker;
    if (a->brokers.n == 0 && h && cfg->worker_brokers.count == 1 &&
        !strcmp(cfg->worker_brokers.items[0], "tcp://127.0.0.1:5556")) {
        /* --host / client.broker name the broker; worker.brokers, when set
           to something else, and --broker win */
        static char ep[600];
        if (wt_endpoint_pick(NULL, h, NULL, WT_ROLE_WORKERS, ep, sizeof ep, err, sizeof err)) {
            fprintf(stderr, "wiretag-worker: %s\n", err);
            wt_config_free(cfg);
            return 2;
        }
        a->brokers.items[a->brokers.n++] = ep;
    }
    if (a->brokers.n > 0) {
        for (int i = 0; i < cfg->worker_brokers.count; i++)
            free(cfg->worker_brokers.items[i]);
        for (int i = 0; i < a->brokers.n; i++)
            cfg->worker_brokers.items[i] = wt_strdup(a->brokers.items[i]);
        cfg->worker_brokers.count = a->brokers.n;
    }
    if (a->metrics) {
        free(cfg->worker_metrics);
        cfg->worker_metrics = wt_strdup(a->metrics);
    }
    if (cfg->worker_metrics && wt_httpd_check_listen(cfg->worker_metrics, err, sizeof err) != 0) {
        fprintf(stderr, "wiretag-worker: metrics: %s\n", err);
        wt_config_free(cfg);
        return 2;
    }
    if (a->threads > 0) cfg->worker_threads = a->threads;
    if (a->credit > 0) cfg->worker_credit = a->credit;
    a->opts.config_path = a->config;
    if (a->opts.log_level == 2 && cfg->log_level) {
        static const char *const levels[] = {"error", "warn", "info", "debug"};
        for (int i = 0; i < 4; i++)
            if (!strcmp(cfg->log_level, levels[i])) a->opts.log_level = i;
    }
    a->opts.drain_ms = a->drain;
    return 0;
}

int main(int argc, char **argv)
{
    s_args_t a = {.threads = -1, .credit = -1, .drain = 10000, .opts = {.log_level = 2}};
    int rc = s_parse(&a, argc, argv);
    if (rc >= 0) return rc;
    wt_config_t cfg;
    if ((rc = s_configure(&a, &cfg)) != 0) return rc;
    if (a.nats) {
        rc = wt_worker_nats_run(&cfg, &a.opts, strcmp(a.nats, "-") ? a.nats : NULL, false);
        wt_config_free(&cfg);
        return rc;
    }
    wt_signals_catch(s_on_signal, WT_SIG_HUP | WT_SIG_NOPIPE);
    char err[1024] = "";
    wt_worker_t *worker = wt_worker_new(&cfg, &a.opts, err, sizeof err);
    if (!worker) {
        fprintf(stderr, "wiretag-worker: %s\n", err);
        wt_config_free(&cfg);
        return 1;
    }
    rc = wt_worker_run(worker);
    wt_worker_destroy(&worker);
    wt_config_free(&cfg);
    return rc;
}
