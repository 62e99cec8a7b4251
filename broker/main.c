/*  main.c: wiretag-broker's entry point: arguments -> config -> loop.

    wiretag-broker [-c FILE] [--producers EP] [--workers EP] [--subscribers EP]
                   [--replay EP] [--journal DIR] [--ready-file FILE]
                   [--metrics HOST:PORT] [--insecure-public]
    Command-line endpoints override the file. SIGINT/SIGTERM stop the loop;
    the journal is committed and synced before exit.
*/
#include "broker.h"
#include "wiretag/cli.h"
#include "wiretag/httpd.h"
#include "wiretag/signals.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

typedef struct {
    const char *config, *ready_file, *metrics;
    int level; /* -1: log.level of the file; 3 debug (-v), 1 warn (-q) */
    bool insecure_public;
    const char *over[5]; /* producers, workers, subscribers, replay, journal */
} s_args_t;

/* The command line into a; -1 to go on, else the exit status. --check and
   --recover run here, offline, when they come. */
static int s_parse(s_args_t *a, int argc, char **argv)
{
    const wt_opt_t opts[] = {
        {.name = "--version", .kind = WT_OPT_STOP},
        WT_OPT_FLAG_ROW("--insecure-public", &a->insecure_public),
        {.name = "--check", .kind = WT_OPT_STOP, .lo = 1},
        {.name = "--recover", .kind = WT_OPT_STOP, .lo = 2},
        WT_OPT_SET_ROW("-v", &a->level, 3),
        WT_OPT_SET_ROW("-q", &a->level, 1),
        {.name = "-c", .alias = "--config", .kind = WT_OPT_STR, .out = &a->config},
        WT_OPT_STR_ROW("--ready-file", &a->ready_file, NULL),
        WT_OPT_STR_ROW("--metrics", &a->metrics, NULL),
        WT_OPT_STR_ROW("--producers", &a->over[0], NULL),
        WT_OPT_STR_ROW("--workers", &a->over[1], NULL),
        WT_OPT_STR_ROW("--subscribers", &a->over[2], NULL),
        WT_OPT_STR_ROW("--replay", &a->over[3], NULL),
        WT_OPT_STR_ROW("--journal", &a->over[4], NULL),
    };
    const wt_cli_t cli = {.prog = "wiretag-broker", .usage = s_usage, WT_CLI_TABLE(opts)};
    wt_cli_res_t r;
    int what = wt_cli_parse(&cli, argc, argv, &r), rc;
    if (what == WT_CLI_OK) return -1;
    if (what == WT_CLI_HELP) return 0;
    if (what == WT_CLI_STOP && !strcmp(r.arg, "--version")) {
        printf("wiretag-broker %s\n", WT_VERSION);
        return 0;
    }
    if (what == WT_CLI_STOP) { /* offline: verify every record, or salvage into NEWDIR */
        if (!strcmp(r.arg, "--check"))
            rc = wt_journal_check(argv[r.index + 1], stdout);
        else
            rc = wt_journal_recover(argv[r.index + 1], argv[r.index + 2], stdout);
        return rc == 0 ? 0 : rc == 1 ? 4 : 1;
    }
    if (r.index + 1 >= argc)
        fprintf(stderr, "wiretag-broker: %s: missing value or unknown option\n", r.arg);
    else
        fprintf(stderr, "wiretag-broker: unknown option %s\n", r.arg);
    s_usage(stderr);
    return 2;
}

/* The command line over the configuration file; 0, or an exit status
   (and *cfg freed). */
static int s_configure(const s_args_t *a, wt_config_t *cfg)
{
    if (wt_cli_config("wiretag-broker", a->config, cfg) != 0) return 2;
    char **fields[5] = {&cfg->broker_producers, &cfg->broker_workers, &cfg->broker_subscribers,
                        &cfg->broker_replay, &cfg->broker_journal};
    for (int j = 0; j < 5; j++)
        if (a->over[j]) s_set(fields[j], a->over[j]);
    if (a->metrics) s_set(&cfg->broker_metrics, a->metrics);
    char err[512];
    if (cfg->broker_metrics && wt_httpd_check_listen(cfg->broker_metrics, err, sizeof err) != 0) {
        fprintf(stderr, "wiretag-broker: metrics: %s\n", err);
        wt_config_free(cfg);
        return 2;
    }
    if (a->level >= 0)
        s_set(&cfg->log_level, a->level == 3 ? "debug" : "warn"); /* over log.level */
    if (a->insecure_public) cfg->broker_insecure_public = true;
    return 0;
}

int main(int argc, char **argv)
{
    s_args_t a = {.level = -1};
    int rc = s_parse(&a, argc, argv);
    if (rc >= 0) return rc;
    wt_config_t cfg;
    if ((rc = s_configure(&a, &cfg)) != 0) return rc;
    wt_signals_catch(NULL, WT_SIG_NOPIPE);

    char err[512] = "";
    wt_broker_t *broker = wt_broker_new(&cfg, wt_signals_stop_flag(), err, sizeof err);
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
    if (a.ready_file && wt_broker_write_ready(broker, a.ready_file) != 0) {
        fprintf(stderr, "wiretag-broker: cannot write %s\n", a.ready_file);
        wt_broker_destroy(&broker);
        wt_config_free(&cfg);
        return 1;
    }
    int status = wt_broker_run(broker);
    wt_broker_destroy(&broker);
    wt_config_free(&cfg);
    return status;
}
