/*  cli.c: the one option parser of the executables, its two common
    complaints and the configuration file of the command line (see
    include/wiretag/cli.h). */
#include "wiretag/cli.h"

#include "wiretag/common.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static bool s_u64(const char *str, uint64_t *out)
{
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(str, &end, 10);
    if (errno || !end || *end || end == str || str[0] == '-') return false;
    *out = v;
    return true;
}

static bool s_seconds(const char *str, double *out)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(str, &end);
    if (errno || !end || *end || end == str || !(v > 0) || v > 1e9) return false;
    *out = v;
    return true;
}

static const wt_opt_t *s_find(const wt_cli_t *cli, const char *a)
{
    for (size_t k = 0; k < cli->nopts; k++) {
        const wt_opt_t *o = &cli->opts[k];
        if (!strcmp(a, o->name) || (o->alias && !strcmp(a, o->alias))) return o;
    }
    return NULL;
}

/* Check and store value for o; false when it does not fit. */
static bool s_store(const wt_opt_t *o, const char *value)
{
    switch (o->kind) {
    case WT_OPT_STR:
        *(const char **)o->out = value;
        return true;
    case WT_OPT_INT: {
        long long v;
        if (!wt_int_arg(value, o->lo, o->hi, &v)) return false;
        *(long long *)o->out = v;
        return true;
    }
    case WT_OPT_U64: {
        uint64_t v;
        if (!s_u64(value, &v) || (o->hi > 0 && v > (uint64_t)o->hi)) return false;
        *(uint64_t *)o->out = v;
        return true;
    }
    case WT_OPT_SECONDS:
        return s_seconds(value, o->out);
    case WT_OPT_FN:
        return o->fn(value, o->out);
    default:
        return false;
    }
}

static int s_stop_at(wt_cli_res_t *res, int what, int i, const char *arg, const char *value,
                     const wt_opt_t *o)
{
    res->what = what;
    res->index = i;
    res->arg = arg;
    res->value = value;
    res->opt = o;
    return what;
}

int wt_cli_parse(const wt_cli_t *cli, int argc, char **argv, wt_cli_res_t *res)
{
    memset(res, 0, sizeof *res);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            cli->usage(stdout);
            return s_stop_at(res, WT_CLI_HELP, i, a, next, NULL);
        }
        const wt_opt_t *o = s_find(cli, a);
        if (!o && cli->args && (a[0] != '-' || a[1] == 0)) {
            cli->args[(*cli->nargs)++] = argv[i];
            continue;
        }
        if (!o) return s_stop_at(res, WT_CLI_UNKNOWN, i, a, next, NULL);
        if (o->kind == WT_OPT_STOP) {
            if (i + o->lo >= argc) return s_stop_at(res, WT_CLI_MISSING, i, a, next, o);
            return s_stop_at(res, WT_CLI_STOP, i, a, next, o);
        }
        if (o->kind == WT_OPT_FLAG)
            *(bool *)o->out = true;
        else if (o->kind == WT_OPT_SET)
            *(int *)o->out = (int)o->lo;
        else if (!next)
            return s_stop_at(res, WT_CLI_MISSING, i, a, NULL, o);
        else if (!s_store(o, next))
            return s_stop_at(res, WT_CLI_INVALID, i, a, next, o);
        else
            i++;
        if (o->given) *o->given = true;
    }
    return WT_CLI_OK;
}

void wt_cli_complain(const wt_cli_t *cli, const wt_cli_res_t *res)
{
    const wt_opt_t *o = res->opt;
    if (o && o->wants && res->what != WT_CLI_UNKNOWN) {
        if (res->value)
            fprintf(stderr, "%s: %s wants %s, not '%s'\n", cli->prog, res->arg, o->wants,
                    res->value);
        else
            fprintf(stderr, "%s: %s wants %s (the value is missing)\n", cli->prog, res->arg,
                    o->wants);
        return;
    }
    fprintf(stderr, "%s: unknown option '%s' (%s --help lists them)\n", cli->prog, res->arg,
            cli->prog);
}

void wt_cli_complain_usage(const wt_cli_t *cli, const wt_cli_res_t *res, const char *extra)
{
    fprintf(stderr, "%s: unknown, incomplete or invalid option '%s'%s\n\n", cli->prog, res->arg,
            extra ? extra : "");
    cli->usage(stderr);
}

int wt_cli_args(const wt_cli_t *cli, int argc, char **argv)
{
    wt_cli_res_t res;
    int what = wt_cli_parse(cli, argc, argv, &res);
    if (what == WT_CLI_OK) return -1;
    if (what == WT_CLI_HELP) return 0;
    if (cli->say == WT_CLI_SAY_USAGE)
        wt_cli_complain_usage(cli, &res, NULL);
    else
        wt_cli_complain(cli, &res);
    return 2;
}

int wt_cli_config(const char *prog, const char *path, wt_config_t *cfg)
{
    wt_config_defaults(cfg);
    char err[1024];
    if (path && wt_config_load(cfg, path, err, sizeof err) != 0) {
        fprintf(stderr, "%s: %s\n", prog, err);
        wt_config_free(cfg);
        return 2;
    }
    return 0;
}
