/*  cli.h: the command line of every executable (wiretag-broker,
    wiretag-worker, the `wiretag` commands, the benchmark programs).

    A command describes its options in a table of wt_opt_t rows and hands
    it to wt_cli_parse(), which walks argv once, left to right: -h/--help
    prints the usage on stdout, each known option stores its value, an
    argument that is not an option (or a lone "-") is positional. The first
    problem stops the walk and is returned, not printed, so that each
    program keeps its own words; wt_cli_complain() and
    wt_cli_complain_usage() print the two wordings most commands share.

    A value option takes the next argument whatever it looks like
    (`--broker -x` gives "-x"). A value that fails its check is INVALID; an
    option at the end with no value is MISSING.
*/
#ifndef WT_CLI_H
#define WT_CLI_H

#include "wiretag/config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    WT_OPT_FLAG,    /* no value: *(bool *)out = true */
    WT_OPT_SET,     /* no value: *(int *)out = (int)lo */
    WT_OPT_STR,     /* *(const char **)out = the value (any) */
    WT_OPT_INT,     /* a decimal in [lo, hi] (wt_int_arg): *(long long *)out */
    WT_OPT_U64,     /* an unsigned decimal, no sign, at most hi when hi > 0: *(uint64_t *)out */
    WT_OPT_SECONDS, /* a number of seconds > 0 and <= 1e9: *(double *)out */
    WT_OPT_FN,      /* fn(value, out) checks and stores; false = invalid */
    WT_OPT_STOP     /* stop the walk here, lo values follow (--version, --check DIR) */
} wt_opt_kind_t;

typedef struct {
    const char *name;  /* "--window" */
    const char *alias; /* another spelling ("--config" for "-c"), or NULL */
    wt_opt_kind_t kind;
    void *out;
    long long lo, hi;
    bool (*fn)(const char *value, void *out);
    const char *wants; /* what its value must be, for the complaints (NULL: "unknown option") */
    bool *given;       /* optional: set true when the option is given */
} wt_opt_t;

/* Rows of a table, for the common cases (designated: the rest is zero). */
#define WT_OPT_FLAG_ROW(n, p)                                                                      \
    {                                                                                              \
        .name = (n), .kind = WT_OPT_FLAG, .out = (p)                                               \
    }
#define WT_OPT_SET_ROW(n, p, v)                                                                    \
    {                                                                                              \
        .name = (n), .kind = WT_OPT_SET, .out = (p), .lo = (v)                                     \
    }
#define WT_OPT_STR_ROW(n, p, w)                                                                    \
    {                                                                                              \
        .name = (n), .kind = WT_OPT_STR, .out = (p), .wants = (w)                                  \
    }
#define WT_OPT_INT_ROW(n, p, l, h, w)                                                              \
    {                                                                                              \
        .name = (n), .kind = WT_OPT_INT, .out = (p), .lo = (l), .hi = (h), .wants = (w)            \
    }
#define WT_OPT_FN_ROW(n, p, f, w)                                                                  \
    {                                                                                              \
        .name = (n), .kind = WT_OPT_FN, .out = (p), .fn = (f), .wants = (w)                        \
    }

/* How wt_cli_args() says a problem. */
enum {
    WT_CLI_SAY_WANTS, /* wt_cli_complain() */
    WT_CLI_SAY_USAGE  /* wt_cli_complain_usage() */
};

typedef struct {
    const char *prog;      /* "wiretag feed": the start of every message */
    void (*usage)(FILE *); /* the usage text; -h / --help print it on stdout */
    const wt_opt_t *opts;
    size_t nopts;
    char **args; /* positional arguments land here (room for argc); NULL: refused */
    int *nargs;
    int say; /* WT_CLI_SAY_*, for wt_cli_args() */
} wt_cli_t;

/* The table of a wt_cli_t: WT_CLI_TABLE(opts) sets .opts and .nopts. */
#define WT_CLI_TABLE(table) .opts = (table), .nopts = sizeof(table) / sizeof((table)[0])

/* What wt_cli_parse() found. */
enum {
    WT_CLI_OK,      /* every argument taken */
    WT_CLI_HELP,    /* -h / --help: the usage went to stdout; exit 0 */
    WT_CLI_STOP,    /* a WT_OPT_STOP option (opt, index): the caller acts on it */
    WT_CLI_UNKNOWN, /* not an option of the table (or positional where none is taken) */
    WT_CLI_MISSING, /* a value option (or a STOP with values) at the end of argv */
    WT_CLI_INVALID  /* a value that fails its check */
};

typedef struct {
    int what;            /* WT_CLI_* */
    int index;           /* argv index of the argument concerned */
    const char *arg;     /* that argument, as typed */
    const char *value;   /* the argument after it, NULL when it is the last */
    const wt_opt_t *opt; /* its table row, NULL when unknown */
} wt_cli_res_t;

/* Walk argv[1..argc-1] through the table; returns res->what. */
int wt_cli_parse(const wt_cli_t *cli, int argc, char **argv, wt_cli_res_t *res);

/* wt_cli_parse(), and a problem said as cli->say asks: -1 to go on, 0
   after --help, 2 after a complaint (the exit statuses). */
int wt_cli_args(const wt_cli_t *cli, int argc, char **argv);

/* "PROG: OPT wants W, not 'V'", "PROG: OPT wants W (the value is missing)",
   or "PROG: unknown option 'OPT' (PROG --help lists them)" on stderr. */
void wt_cli_complain(const wt_cli_t *cli, const wt_cli_res_t *res);

/* "PROG: unknown, incomplete or invalid option 'OPT'EXTRA", a blank line and
   the usage, on stderr. extra may be NULL. */
void wt_cli_complain_usage(const wt_cli_t *cli, const wt_cli_res_t *res, const char *extra);

/* Defaults, then the file at path when it is not NULL. On an error says
   "PROG: why" on stderr, frees *cfg and returns 2 (the usage exit status);
   else 0. */
int wt_cli_config(const char *prog, const char *path, wt_config_t *cfg);

#ifdef __cplusplus
}
#endif
#endif
