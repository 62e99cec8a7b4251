/*  main.c: wiretag-broker's entry point: arguments -> config -> loop.

    wiretag-broker [-c FILE] [--producers EP] [--workers EP] [--subscribers EP]
                   [--replay EP] [--journal DIR] [--ready-file FILE]
                   [--metrics HOST:PORT] [--insecure-public]
    Command-line endpoints override the file. SIGINT/SIGTERM stop the loop;
    the journal is committed and synced before exit.
*/
#include "broker.h"
#include "wiretag/httpd.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile int s_stop = 0;

static void s_on_signal(int sig)
{
    (void)sig;
    s_stop = 1;
}

static void s_usage(FILE *out)
{
    fprintf(out,
            "usage: wiretag-broker [-c FILE] [--producers EP] [--workers EP]\n"
            "                      [--subscribers EP] [--replay EP] [--journal DIR]\n"
            "                      [--ready-file FILE] [--metrics HOST:PORT] [--insecure-public]\n"
            "                      [-v|-q] [--version]\n"
            "       wiretag-broker --check DIR | --recover DIR NEWDIR\n"
            "  defaults: producers tcp://127.0.0.1:5555, workers tcp://127.0.0.1:5556,\n"
            "            subscribers tcp://127.0.0.1:5557, replay tcp://127.0.0.1:5558,\n"
            "            journal ./wiretag-journal (see docs/OPERATIONS.md)\n"
            "  --insecure-public  allow binding a non-loopback address (tcp://*:PORT,\n"
            "                     an interface, a public IP) with CURVE off; without it\n"
            "                     such a broker refuses to start (docs/SECURITY.md)\n"
            "  --check DIR        verify every record of a journal (0 sound, 4 damaged)\n"
            "  --recover DIR NEWDIR  copy every sound record into a new journal and say\n"
            "                     what was lost (0 nothing lost, 4 some lost)\n"
            "  --ready-file FILE  once listening, write the bound endpoints there as JSON\n"
            "                     (useful with tcp://127.0.0.1:* ephemeral ports)\n"
            "  -v / -q            log debug lines too / only warnings and errors\n"
            "                     (over log.level)\n"
            "  --metrics HOST:PORT  serve Prometheus GET /metrics there (broker.metrics;\n"
            "                     a port alone = 127.0.0.1; port 0 = any free port, see\n"
            "                     the ready file)\n"
            "  exit status: 0 stopped by a signal, 1 cannot start or journal failure,\n"
            "               2 bad command line or configuration,\n"
            "               3 the journal directory is in use by another broker,\n"
            "               4 the journal is damaged or its data.mdb is missing\n");
}

static void s_set(char **field, const char *value)
{
    free(*field);
    *field = wt_strdup(value);
}

int main(int argc, char **argv)
{
    const char *config = NULL, *ready_file = NULL, *metrics = NULL, *level = NULL;
    bool insecure_public = false;
    const char *over[5] = {NULL}; /* producers, workers, subscribers, replay, journal */
    static const char *const names[5] = {"--producers", "--workers", "--subscribers", "--replay",
                                         "--journal"};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            s_usage(stdout);
            return 0;
        }
        if (strcmp(a, "--version") == 0) {
            printf("wiretag-broker %s\n", WT_VERSION);
            return 0;
        }
        if (strcmp(a, "--insecure-public") == 0) {
            insecure_public = true;
            continue;
        }
        if (strcmp(a, "--check") == 0 && i + 1 < argc) { /* offline: verify every record */
            int rc = wt_journal_check(argv[i + 1], stdout);
            return rc == 0 ? 0 : rc == 1 ? 4 : 1;
        }
        if (strcmp(a, "--recover") == 0 && i + 2 < argc) { /* offline: salvage into NEWDIR */
            int rc = wt_journal_recover(argv[i + 1], argv[i + 2], stdout);
            return rc == 0 ? 0 : rc == 1 ? 4 : 1;
        }
        if (strcmp(a, "-v") == 0 || strcmp(a, "-q") == 0) {
            level = a[1] == 'v' ? "debug" : "warn"; /* over log.level */
            continue;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "wiretag-broker: %s: missing value or unknown option\n", a);
            s_usage(stderr);
            return 2;
        }
        if (strcmp(a, "-c") == 0 || strcmp(a, "--config") == 0) {
            config = argv[++i];
            continue;
        }
        if (strcmp(a, "--ready-file") == 0) {
            ready_file = argv[++i];
            continue;
        }
        if (strcmp(a, "--metrics") == 0) {
            metrics = argv[++i];
            continue;
        }
        int k = -1;
        for (int j = 0; j < 5; j++)
            if (strcmp(a, names[j]) == 0) k = j;
        if (k < 0) {
            fprintf(stderr, "wiretag-broker: unknown option %s\n", a);
            s_usage(stderr);
            return 2;
        }
        over[k] = argv[++i];
    }

    char err0[512];
    wt_config_t cfg;
    wt_config_defaults(&cfg);
    if (config) {
        char err[512];
        if (wt_config_load(&cfg, config, err, sizeof err) != 0) {
            fprintf(stderr, "wiretag-broker: %s\n", err);
            wt_config_free(&cfg);
            return 2;
        }
    }
    char **fields[5] = {&cfg.broker_producers, &cfg.broker_workers, &cfg.broker_subscribers,
                        &cfg.broker_replay, &cfg.broker_journal};
    for (int j = 0; j < 5; j++)
        if (over[j]) s_set(fields[j], over[j]);
    if (metrics) s_set(&cfg.broker_metrics, metrics);
    if (cfg.broker_metrics && wt_httpd_check_listen(cfg.broker_metrics, err0, sizeof err0) != 0) {
        fprintf(stderr, "wiretag-broker: metrics: %s\n", err0);
        wt_config_free(&cfg);
        return 2;
    }
    if (level) s_set(&cfg.log_level, level);
    if (insecure_public) cfg.broker_insecure_public = true;

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = s_on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    char err[512] = "";
    wt_broker_t *broker = wt_broker_new(&cfg, &s_stop, err, sizeof err);
    if (!broker) {
        fprintf(stderr, "wiretag-broker: %s\n", err[0] ? err : "cannot start");
        wt_config_free(&cfg);
        /* 3: the journal belongs to another running broker; 4: the journal
           is damaged or missing (see OPERATIONS.md) */
        int why = wt_broker_start_error();
        return why == -EBUSY ? 3 : why == -EUCLEAN ? 4 : 1;
    }
    if (cfg.broker_metrics && wt_bmetrics_start(broker, cfg.broker_metrics, err, sizeof err) != 0) {
        fprintf(stderr, "wiretag-broker: %s\n", err);
        wt_broker_destroy(&broker);
        wt_config_free(&cfg);
        return 1;
    }
    if (cfg.broker_metrics)
        wt_broker_log(broker, 2, "broker", "-", "METRICS", 0, "serving http://%s/metrics",
                      wt_bmetrics_address(broker));
    if (ready_file && wt_broker_write_ready(broker, ready_file) != 0) {
        fprintf(stderr, "wiretag-broker: cannot write %s\n", ready_file);
        wt_broker_destroy(&broker);
        wt_config_free(&cfg);
        return 1;
    }
    int status = wt_broker_run(broker);
    wt_broker_destroy(&broker);
    wt_config_free(&cfg);
    return status;
}
