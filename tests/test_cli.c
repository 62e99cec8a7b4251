/*  test_cli.c: the option parser (lib/core/cli.c) and the signal helper
    (lib/core/signals.c) that every executable uses: what each kind of
    option stores, where the walk stops and why, what the two common
    complaints print, and that the first SIGINT/SIGTERM only sets the stop
    flag (a second one changes nothing) while SIGHUP asks for a reload. */
#include "wiretag/cli.h"
#include "wiretag/signals.h"
#include "testutil.h"

#include <string.h>
#include <unistd.h>

static int s_usages;

static void s_usage(FILE *f)
{
    fprintf(f, "usage: prog [OPTIONS]\n");
    s_usages++;
}

static bool s_even(const char *value, void *out)
{
    long long v;
    if (!wt_int_arg(value, 0, 100, &v) || v % 2) return false;
    *(long long *)out = v;
    return true;
}

typedef struct {
    const char *name;
    bool flag, from_given;
    int mode;
    long long window, even;
    uint64_t from, hwm;
    double idle;
    char *args[16];
    int nargs;
} s_vals_t;

/* The table lives as long as the results that point into it. */
static s_vals_t s_v;
static const wt_opt_t s_opts[] = {
    {.name = "--name", .alias = "-n", .kind = WT_OPT_STR, .out = &s_v.name, .wants = "a name"},
    WT_OPT_FLAG_ROW("-q", &s_v.flag),
    WT_OPT_SET_ROW("--pretty", &s_v.mode, 2),
    WT_OPT_INT_ROW("--window", &s_v.window, 1, 10, "1 to 10"),
    {.name = "--from", .kind = WT_OPT_U64, .out = &s_v.from, .given = &s_v.from_given},
    {.name = "--hwm", .kind = WT_OPT_U64, .out = &s_v.hwm, .hi = 1000},
    {.name = "--idle", .kind = WT_OPT_SECONDS, .out = &s_v.idle},
    WT_OPT_FN_ROW("--even", &s_v.even, s_even, "an even number"),
    {.name = "--check", .kind = WT_OPT_STOP, .lo = 1},
};

static int s_parse(bool positional, int argc, char **argv, wt_cli_res_t *r)
{
    memset(&s_v, 0, sizeof s_v);
    const wt_cli_t cli = {.prog = "prog",
                          .usage = s_usage,
                          WT_CLI_TABLE(s_opts),
                          .args = positional ? s_v.args : NULL,
                          .nargs = &s_v.nargs};
    return wt_cli_parse(&cli, argc, argv, r);
}

#define ARGV(...)                                                                                  \
    (char *[])                                                                                     \
    {                                                                                              \
        "prog", __VA_ARGS__, NULL                                                                  \
    }
#define ARGC(...)       ((int)(sizeof((char *[]){"prog", __VA_ARGS__}) / sizeof(char *)))
#define PARSE(pos, ...) s_parse(pos, ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), &r)

static void test_values(void)
{
    wt_cli_res_t r;
    CHECK_EQ_INT(PARSE(true, "-n", "x", "-q", "--pretty", "--window", "10", "--from", "0", "--hwm",
                       "1000", "--idle", "0.5", "--even", "4", "a", "-", "b"),
                 WT_CLI_OK);
    CHECK_EQ_STR(s_v.name, "x");
    CHECK(s_v.flag && s_v.mode == 2 && s_v.window == 10 && s_v.from == 0 && s_v.from_given);
    CHECK(s_v.hwm == 1000 && s_v.idle == 0.5 && s_v.even == 4);
    CHECK_EQ_INT(s_v.nargs, 3); /* "-" alone is positional (stdin) */
    CHECK_EQ_STR(s_v.args[1], "-");
    /* a value option takes the next argument, whatever it looks like */
    CHECK_EQ_INT(PARSE(true, "--name", "--window"), WT_CLI_OK);
    CHECK_EQ_STR(s_v.name, "--window");
    CHECK(!s_v.from_given);
}

static void test_problems(void)
{
    wt_cli_res_t r;
    CHECK_EQ_INT(PARSE(true, "--window", "11"), WT_CLI_INVALID);
    CHECK_EQ_STR(r.arg, "--window");
    CHECK_EQ_STR(r.value, "11");
    CHECK(r.opt && r.index == 1);
    CHECK_EQ_INT(PARSE(true, "--from", "-1"), WT_CLI_INVALID);
    CHECK_EQ_INT(PARSE(true, "--hwm", "1001"), WT_CLI_INVALID);
    CHECK_EQ_INT(PARSE(true, "--idle", "0"), WT_CLI_INVALID);
    CHECK_EQ_INT(PARSE(true, "--even", "3"), WT_CLI_INVALID);
    CHECK_EQ_INT(PARSE(true, "a", "--window"), WT_CLI_MISSING);
    CHECK(r.value == NULL && r.index == 2);
    CHECK_EQ_INT(PARSE(true, "--bogus", "x"), WT_CLI_UNKNOWN);
    CHECK(r.opt == NULL && !strcmp(r.value, "x"));
    CHECK_EQ_INT(PARSE(false, "a"), WT_CLI_UNKNOWN); /* no positional arguments taken */
    /* the walk stops at the first problem, left to right */
    CHECK_EQ_INT(PARSE(true, "--bogus", "--help"), WT_CLI_UNKNOWN);
    int before = s_usages;
    fflush(stdout);
    CHECK_EQ_INT(PARSE(true, "-q", "--help", "--bogus"), WT_CLI_HELP);
    CHECK_EQ_INT(s_usages, before + 1);
    /* a STOP option with its values stops the walk; without them it is MISSING */
    CHECK_EQ_INT(PARSE(true, "--check", "dir", "--bogus"), WT_CLI_STOP);
    CHECK(r.index == 1 && !strcmp(r.value, "dir"));
    CHECK_EQ_INT(PARSE(true, "--check"), WT_CLI_MISSING);
}

/* What a complaint prints on stderr. */
static void s_said(const wt_cli_res_t *r, int say, const char *extra, char *out, size_t n)
{
    const wt_cli_t cli = {.prog = "prog", .usage = s_usage, .say = say};
    fflush(stderr);
    FILE *tmp = tmpfile();
    int saved = dup(2);
    dup2(fileno(tmp), 2);
    if (say == WT_CLI_SAY_WANTS)
        wt_cli_complain(&cli, r);
    else
        wt_cli_complain_usage(&cli, r, extra);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    rewind(tmp);
    size_t got = fread(out, 1, n - 1, tmp);
    out[got] = 0;
    fclose(tmp);
}

static void test_complaints(void)
{
    wt_cli_res_t r;
    char out[512];
    PARSE(true, "--window", "11");
    s_said(&r, WT_CLI_SAY_WANTS, NULL, out, sizeof out);
    CHECK_EQ_STR(out, "prog: --window wants 1 to 10, not '11'\n");
    PARSE(true, "--window");
    s_said(&r, WT_CLI_SAY_WANTS, NULL, out, sizeof out);
    CHECK_EQ_STR(out, "prog: --window wants 1 to 10 (the value is missing)\n");
    PARSE(true, "--from", "x"); /* no `wants`: said as unknown */
    s_said(&r, WT_CLI_SAY_WANTS, NULL, out, sizeof out);
    CHECK_EQ_STR(out, "prog: unknown option '--from' (prog --help lists them)\n");
    PARSE(true, "--bogus");
    s_said(&r, WT_CLI_SAY_USAGE, " (hint)", out, sizeof out);
    CHECK_EQ_STR(out, "prog: unknown, incomplete or invalid option '--bogus' (hint)\n\n"
                      "usage: prog [OPTIONS]\n");
}

static void test_config(void)
{
    wt_config_t cfg;
    CHECK_EQ_INT(wt_cli_config("prog", NULL, &cfg), 0);
    wt_config_free(&cfg);
    fflush(stderr);
    CHECK_EQ_INT(wt_cli_config("prog", "/nonexistent/wiretag.yaml", &cfg), 2);
    wt_config_free(&cfg); /* freed already: a second free is harmless */
}

static int s_custom;

static void s_on(int sig)
{
    s_custom = sig;
}

static void test_signals(void)
{
    CHECK(!wt_signals_stopping());
    CHECK(!wt_signals_reload());
    wt_signals_catch(NULL, WT_SIG_HUP | WT_SIG_NOPIPE);
    raise(SIGHUP);
    CHECK(!wt_signals_stopping());
    CHECK(wt_signals_reload());
    CHECK(!wt_signals_reload()); /* taken */
    raise(SIGINT);
    CHECK(wt_signals_stopping());
    CHECK(*wt_signals_stop_flag() == 1);
    raise(SIGTERM); /* a second one: still just the flag, the process lives */
    CHECK(wt_signals_stopping());
    raise(SIGPIPE); /* ignored */
    wt_signals_catch(s_on, 0);
    raise(SIGTERM);
    CHECK_EQ_INT(s_custom, SIGTERM);
}

int main(void)
{
    test_values();
    test_problems();
    test_complaints();
    test_config();
    test_signals();
    TEST_END();
}
