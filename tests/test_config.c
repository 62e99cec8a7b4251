/*  test_config.c: the configuration table, its loader and its documentation.

    Table-driven: each case is a small YAML text we write, loaded from a temp
    file, with the expected outcome: success and a key's value (as
    wt_config_get() prints it), or failure with fragments the error must hold
    (line:column, key, reason). Then: defaults, relative paths, size cap,
    the shipped config/wiretag.yaml equals the defaults, and every table key
    is documented in config/wiretag.yaml and docs/CONFIG.md. */
#include "testutil.h"
#include "wiretag/config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <errno.h>
#include <limits.h>

typedef struct {
    const char *yaml;
    const char *key;                /* success: key to check */
    const char *value;              /* its expected value; NULL = expect failure */
    const char *err1, *err2, *err3; /* failure: fragments of the error */
} s_case_t;

static const s_case_t s_cases[] = {
    /* every type parses */
    {"broker:\n  fsync: interval\n", "broker.fsync", "interval", NULL, NULL, NULL},
    {"broker:\n  fsync: never\n", "broker.fsync", "never", NULL, NULL, NULL},
    {"log:\n  level: debug\n", "log.level", "debug", NULL, NULL, NULL},
    {"issues:\n  max: 3\n", "issues.max", "3", NULL, NULL, NULL},
    {"issues:\n  threshold: 2.5\n", "issues.threshold", "2.5", NULL, NULL, NULL},
    {"issues:\n  threshold: 0\n", "issues.threshold", "0", NULL, NULL, NULL},
    {"quotes:\n  indirect: false\n", "quotes.indirect", "false", NULL, NULL, NULL},
    {"quotes:\n  indirect: no\n", "quotes.indirect", "false", NULL, NULL, NULL},
    {"quotes:\n  indirect: yes\n", "quotes.indirect", "true", NULL, NULL, NULL},
    {"broker:\n  producers: tcp://10.0.0.1:7000\n", "broker.producers", "tcp://10.0.0.1:7000", NULL,
     NULL, NULL},
    {"worker:\n  brokers: [tcp://a:1, tcp://b:2]\n", "worker.brokers", "[tcp://a:1, tcp://b:2]",
     NULL, NULL, NULL},
    {"worker:\n  brokers:\n    - tcp://a:1\n", "worker.brokers", "[tcp://a:1]", NULL, NULL, NULL},
    {"actors:\n  petrarch: []\n", "actors.petrarch", "[]", NULL, NULL, NULL},
    {"issues:\n  petrarch: ~\n", "issues.petrarch", "null", NULL, NULL, NULL},
    {"curve:\n  secret_key: null\n", "curve.secret_key", "null", NULL, NULL, NULL},
    /* size suffixes */
    {"broker:\n  max_message: 4096\n", "broker.max_message", "4KiB", NULL, NULL, NULL},
    {"broker:\n  max_message: 64KiB\n", "broker.max_message", "64KiB", NULL, NULL, NULL},
    {"broker:\n  max_message: 3MiB\n", "broker.max_message", "3MiB", NULL, NULL, NULL},
    {"broker:\n  max_message: 3mib\n", "broker.max_message", "3MiB", NULL, NULL, NULL},
    {"broker:\n  max_message: 2M\n", "broker.max_message", "2MiB", NULL, NULL, NULL},
    {"broker:\n  max_message: 10KB\n", "broker.max_message", "10000", NULL, NULL, NULL},
    {"broker:\n  retention_bytes: 2GiB\n", "broker.retention_bytes", "2GiB", NULL, NULL, NULL},
    {"broker:\n  journal_map: 1TiB\n", "broker.journal_map", "1TiB", NULL, NULL, NULL},
    {"broker:\n  retention_bytes: 1.5GiB\n", "broker.retention_bytes", "1536MiB", NULL, NULL, NULL},
    {"broker:\n  max_message: 100 KiB\n", "broker.max_message", "100KiB", NULL, NULL, NULL},
    /* duration suffixes */
    {"broker:\n  fsync_interval: 250ms\n", "broker.fsync_interval", "250ms", NULL, NULL, NULL},
    {"broker:\n  heartbeat: 3s\n", "broker.heartbeat", "3s", NULL, NULL, NULL},
    {"broker:\n  job_timeout: 2m\n", "broker.job_timeout", "2m", NULL, NULL, NULL},
    {"broker:\n  job_timeout: 1h\n", "broker.job_timeout", "1h", NULL, NULL, NULL},
    {"broker:\n  job_timeout: 1500ms\n", "broker.job_timeout", "1500ms", NULL, NULL, NULL},
    {"broker:\n  retention_age: 30d\n", "broker.retention_age", "30d", NULL, NULL, NULL},
    {"broker:\n  retention_age: 90s\n", "broker.retention_age", "90s", NULL, NULL, NULL},
    /* dotted keys at the top level and mixed forms */
    {"broker.fsync: interval\n", "broker.fsync", "interval", NULL, NULL, NULL},
    {"worker.threads: 7\nworker:\n  credit: 5\n", "worker.threads", "7", NULL, NULL, NULL},
    {"worker.threads: 7\nworker:\n  credit: 5\n", "worker.credit", "5", NULL, NULL, NULL},
    /* comments-only and empty files keep the defaults */
    {"# nothing\n", "worker.threads", "2", NULL, NULL, NULL},
    {"", "log.level", "info", NULL, NULL, NULL},
    {"---\nlog:\n  level: warn\n...\n", "log.level", "warn", NULL, NULL, NULL},

    /* unknown keys name line, column and key, with a suggestion */
    {"broker:\n  fsinc: always\n", NULL, NULL, "2:3:", "broker.fsinc",
     "did you mean 'broker.fsync'"},
    {"brokr:\n  fsync: always\n", NULL, NULL, "1:1:", "brokr", "unknown key"},
    {"log:\n  level: info\n  colour: red\n", NULL, NULL, "3:3:", "log.colour", "unknown key"},
    {"nothing_like_it: 1\n", NULL, NULL, "1:1:", "nothing_like_it", "unknown key"},
    /* wrong types */
    {"worker:\n  threads: two\n", NULL, NULL, "2:12:", "worker.threads", "expected an integer"},
    {"worker:\n  threads: \"2\"\n", NULL, NULL, "worker.threads", "quoted", "expected an integer"},
    {"worker:\n  threads: 2.5\n", NULL, NULL, "worker.threads", "expected an integer", NULL},
    {"worker:\n  threads: [1]\n", NULL, NULL, "worker.threads", "is a list", "expected an integer"},
    {"worker:\n  brokers: tcp://a:1\n", NULL, NULL, "worker.brokers", "is a scalar",
     "expected a list"},
    {"worker:\n  brokers: [[a]]\n", NULL, NULL, "worker.brokers", "list item is a list", NULL},
    {"broker: 5\n", NULL, NULL, "1:9:", "broker", "expected a map of broker.* keys"},
    {"quotes:\n  indirect: maybe\n", NULL, NULL, "quotes.indirect", "expected true or false", NULL},
    {"broker:\n  fsync: sometimes\n", NULL, NULL, "broker.fsync", "always | interval | never",
     NULL},
    {"log:\n  level: verbose\n", NULL, NULL, "log.level", "error | warn | info | debug", NULL},
    {"broker:\n  heartbeat: 5\n", NULL, NULL, "broker.heartbeat", "expected a duration", NULL},
    {"broker:\n  heartbeat: 5 weeks\n", NULL, NULL, "broker.heartbeat", "expected a duration",
     NULL},
    {"broker:\n  max_message: 2 MiBs\n", NULL, NULL, "broker.max_message", "expected a size", NULL},
    {"broker:\n  max_message: 0x100000\n", NULL, NULL, "broker.max_message", "expected a size",
     NULL},
    {"broker:\n  producers: ~\n", NULL, NULL, "broker.producers", "null is not allowed", NULL},
    {"broker:\n  producers: \"\"\n", NULL, NULL, "broker.producers", "empty value", NULL},
    {"issues:\n  threshold: nan\n", NULL, NULL, "issues.threshold", "expected a number", NULL},
    {"worker:\n  brokers: []\n", NULL, NULL, "worker.brokers", "0 items", "expected 1..64"},
    {"[1, 2]\n", NULL, NULL, "1:1:", "the document is a list", NULL},
    {"? [a, b]\n: 1\n", NULL, NULL, "1:3:", "a key is a list", NULL},
    /* bounds */
    {"worker:\n  threads: 0\n", NULL, NULL, "2:12:", "worker.threads",
     "out of range (expected 1..256)"},
    {"worker:\n  threads: 257\n", NULL, NULL, "worker.threads", "expected 1..256", NULL},
    {"worker:\n  threads: 99999999999999999999\n", NULL, NULL, "worker.threads",
     "expected an integer", NULL},
    {"broker:\n  max_message: 512\n", NULL, NULL, "broker.max_message", "expected 1KiB..256MiB",
     NULL},
    {"broker:\n  max_message: 1GiB\n", NULL, NULL, "broker.max_message", "expected 1KiB..256MiB",
     NULL},
    {"broker:\n  fsync_interval: 2m\n", NULL, NULL, "broker.fsync_interval", "expected 1ms..1m",
     NULL},
    {"broker:\n  retention_age: 1500ms\n", NULL, NULL, "broker.retention_age",
     "whole number of seconds", NULL},
    {"issues:\n  threshold: -1\n", NULL, NULL, "issues.threshold", "expected 0..1000", NULL},
    {"worker:\n  reconnect_min: 10s\n  reconnect_max: 1s\n", NULL, NULL,
     "3:3:", "worker.reconnect_max", "expected min <= max"},
    /* duplicates, in any spelling */
    {"log:\n  level: info\n  level: warn\n", NULL, NULL, "3:3:", "log.level",
     "duplicate key (first set at line 2, column 3)"},
    {"log.level: info\nlog:\n  level: warn\n", NULL, NULL, "3:3:", "log.level", "duplicate key"},
    {"log: {}\nlog: {}\n", NULL, NULL, "2:1:", "log",
     "duplicate section (first at line 1, column 1)"},
    {"quotes:\n  indirect: \"true\"\n", NULL, NULL, "quotes.indirect", "quoted 'true'",
     "without quotes"},
    /* anchors, aliases and tags */
    {"worker:\n  brokers: &b [tcp://a:1]\n", NULL, NULL, "2:12:", "anchors are not allowed", NULL},
    {"worker:\n  threads: &x 3\n", NULL, NULL, "2:12:", "anchors are not allowed", NULL},
    {"worker:\n  threads: *x\n", NULL, NULL, "2:12:", "aliases are not allowed", NULL},
    {"worker:\n  threads: !!int 3\n", NULL, NULL, "2:12:", "tags are not allowed", NULL},
    /* syntax errors and several documents */
    {"log:\n  level: 'info\n", NULL, NULL, "YAML syntax error", NULL, NULL},
    {"log:\n\tlevel: info\n", NULL, NULL, "YAML syntax error", NULL, NULL},
    {"log:\n  level: info\n---\nlog:\n  level: warn\n", NULL, NULL, "3:1:", "second YAML document",
     NULL},
};

static void s_run_cases(void)
{
    for (size_t i = 0; i < sizeof s_cases / sizeof s_cases[0]; i++) {
        const s_case_t *c = &s_cases[i];
        const char *path = wt_test_write("case.yaml", c->yaml);
        wt_config_t cfg = {0};
        char err[512];
        int rc = wt_config_load(&cfg, path, err, sizeof err);
        if (c->value) {
            CHECK_MSG(rc == 0, "case %zu: %s", i, err);
            char *v = wt_config_get(&cfg, c->key);
            CHECK_MSG(v && !strcmp(v, c->value), "case %zu: %s = %s, expected %s", i, c->key,
                      v ? v : "(null)", c->value);
            free(v);
        } else {
            CHECK_MSG(rc == WT_ECONFIG, "case %zu: expected failure, rc %d", i, rc);
            const char *frag[3] = {c->err1, c->err2, c->err3};
            for (int j = 0; j < 3; j++)
                if (frag[j])
                    CHECK_MSG(strstr(err, frag[j]) != NULL, "case %zu: '%s' not in error: %s", i,
                              frag[j], err);
            /* error text starts with the file name; cfg holds the defaults */
            CHECK_MSG(!strncmp(err, path, strlen(path)), "case %zu: %s", i, err);
            CHECK_EQ_INT(cfg.worker_threads, 2);
            CHECK(cfg.path == NULL);
        }
        wt_config_free(&cfg);
    }
}

static void s_test_defaults(void)
{
    wt_config_t c = {0};
    wt_config_defaults(&c);
    const char *data = wt_config_data_dir();
    char want[1024];
    CHECK_EQ_INT(c.actors_dictionaries.count, 7);
    snprintf(want, sizeof want, "%s/actors/countries.yaml", data);
    CHECK_EQ_STR(c.actors_dictionaries.items[0], want);
    snprintf(want, sizeof want, "%s/actors/agents.yaml", data);
    CHECK_EQ_STR(c.actors_dictionaries.items[4], want);
    CHECK_EQ_INT(c.actors_petrarch.count, 0);
    snprintf(want, sizeof want, "%s/issues.yaml", data);
    CHECK_EQ_STR(c.issues_taxonomy, want);
    CHECK(c.issues_petrarch == NULL);
    CHECK(c.issues_threshold == 1.0);
    CHECK_EQ_INT(c.issues_max, 8);
    CHECK(c.quotes_indirect);
    CHECK_EQ_INT(c.max_text_bytes, 1024 * 1024);
    CHECK_EQ_STR(c.broker_producers, "tcp://127.0.0.1:5555");
    CHECK_EQ_STR(c.broker_workers, "tcp://127.0.0.1:5556");
    CHECK_EQ_STR(c.broker_subscribers, "tcp://127.0.0.1:5557");
    CHECK_EQ_STR(c.broker_replay, "tcp://127.0.0.1:5558");
    CHECK_EQ_STR(c.broker_journal, "./wiretag-journal");
    CHECK_EQ_INT(c.broker_fsync, WT_FSYNC_ALWAYS);
    CHECK_EQ_INT(c.broker_fsync_interval_ms, 100);
    CHECK_EQ_INT(c.broker_heartbeat_ms, 1000);
    CHECK_EQ_INT(c.broker_liveness, 3);
    CHECK_EQ_INT(c.broker_job_timeout_ms, 30000);
    CHECK_EQ_INT(c.broker_max_attempts, 3);
    CHECK_EQ_INT(c.broker_dedup_window, 100000);
    CHECK_EQ_INT(c.broker_retention_bytes, 1024LL * 1024 * 1024);
    CHECK_EQ_INT(c.broker_retention_age_s, 7 * 86400);
    CHECK_EQ_INT(c.broker_journal_map_bytes, 8LL * 1024 * 1024 * 1024);
    CHECK_EQ_INT(c.broker_pub_hwm, 100000);
    CHECK_EQ_INT(c.broker_max_inflight_per_producer, 10000);
    CHECK_EQ_INT(c.broker_max_message_bytes, 2 * 1024 * 1024);
    CHECK(!c.broker_insecure_public);
    CHECK_EQ_INT(c.worker_brokers.count, 1);
    CHECK_EQ_STR(c.worker_brokers.items[0], "tcp://127.0.0.1:5556");
    CHECK_EQ_INT(c.worker_threads, 2);
    CHECK_EQ_INT(c.worker_credit, 0);
    CHECK_EQ_INT(c.worker_heartbeat_ms, 1000);
    CHECK_EQ_INT(c.worker_reconnect_min_ms, 100);
    CHECK_EQ_INT(c.worker_reconnect_max_ms, 5000);
    CHECK(!c.curve_enabled);
    CHECK(c.curve_secret_key == NULL && c.curve_server_key == NULL && c.curve_allowed_keys == NULL);
    CHECK_EQ_STR(c.log_level, "info");
    CHECK(c.path == NULL);
    wt_config_free(&c);
    wt_config_free(&c); /* idempotent */

    char *p = wt_config_path(NULL, "x/y.yaml");
    snprintf(want, sizeof want, "%s/x/y.yaml", data);
    CHECK_EQ_STR(p, want);
    free(p);
    p = wt_config_path(NULL, "/abs/z");
    CHECK_EQ_STR(p, "/abs/z");
    free(p);
    CHECK(wt_config_key_doc("broker.fsync") != NULL);
    CHECK(wt_config_key_doc("broker.nope") == NULL);
    CHECK(wt_config_get(&c, "broker.nope") == NULL);
}

/* A copy of config/wiretag.yaml elsewhere (issue 13, item 3): relative
   dictionary paths that do not exist next to the copy are found in the data
   directory; one that exists next to the copy wins; one found nowhere stays
   next to the copy (the load error names it). Other paths do not fall back. */
static void s_test_copied_config(void)
{
    char dir[512], yaml[600], mine[700];
    snprintf(dir, sizeof dir, "%s/copy", wt_test_dir());
    mkdir(dir, 0700);
    char *shipped = wt_test_slurp("config/wiretag.yaml", NULL);
    CHECK_MSG(shipped != NULL, "config/wiretag.yaml missing");
    if (!shipped) return;
    snprintf(yaml, sizeof yaml, "copy/wiretag.yaml");
    const char *path = wt_test_write(yaml, shipped);
    free(shipped);
    wt_config_t c = {0};
    char err[512], want[1200], real[1024];
    CHECK(realpath(dir, real) != NULL);
    int rc = wt_config_load(&c, path, err, sizeof err);
    CHECK_MSG(rc == 0, "%s", err);
    const char *data = wt_config_data_dir();
    snprintf(want, sizeof want, "%s/actors/countries.yaml", data);
    CHECK_EQ_STR(c.actors_dictionaries.items[0], want);
    snprintf(want, sizeof want, "%s/issues.yaml", data);
    CHECK_EQ_STR(c.issues_taxonomy, want);
    wt_config_free(&c);

    /* a file of one's own next to the copy wins */
    snprintf(mine, sizeof mine, "%s/issues.yaml", dir);
    FILE *f = fopen(mine, "w");
    CHECK(f != NULL);
    if (f) fclose(f);
    path = wt_test_write("copy/own.yaml", "issues:\n  taxonomy: issues.yaml\n"
                                          "actors:\n  dictionaries: [nowhere/x.yaml]\n"
                                          "curve:\n  server_key: issues.yaml\n"
                                          "  secret_key: actors/countries.yaml\n");
    rc = wt_config_load(&c, path, err, sizeof err);
    CHECK_MSG(rc == 0, "%s", err);
    snprintf(want, sizeof want, "%s/issues.yaml", real);
    CHECK_EQ_STR(c.issues_taxonomy, want);
    snprintf(want, sizeof want, "%s/nowhere/x.yaml", real);
    CHECK_EQ_STR(c.actors_dictionaries.items[0], want);
    snprintf(want, sizeof want, "%s/actors/countries.yaml", real);
    CHECK_EQ_STR(c.curve_secret_key, want); /* keys never come from the data dir */
    wt_config_free(&c);
}

static void s_test_paths(void)
{
    /* Relative paths in a file resolve against the file's directory, except
       broker.journal (working directory); absolute paths stay. */
    char sub[512];
    snprintf(sub, sizeof sub, "%s/sub", wt_test_dir());
    mkdir(sub, 0700);
    const char *path = wt_test_write("sub/p.yaml", "issues:\n  taxonomy: tax/i.yaml\n"
                                                   "  petrarch: /abs/Issue.txt\n"
                                                   "actors:\n  petrarch: [./a.txt, b/c.txt]\n"
                                                   "broker:\n  journal: jdir\n"
                                                   "curve:\n  server_key: keys/server.pub\n");
    wt_config_t c = {0};
    char err[512];
    int rc = wt_config_load(&c, path, err, sizeof err);
    CHECK_MSG(rc == 0, "%s", err);
    char real[1024], want[1200];
    CHECK(realpath(sub, real) != NULL);
    snprintf(want, sizeof want, "%s/tax/i.yaml", real);
    CHECK_EQ_STR(c.issues_taxonomy, want);
    CHECK_EQ_STR(c.issues_petrarch, "/abs/Issue.txt");
    CHECK_EQ_INT(c.actors_petrarch.count, 2);
    snprintf(want, sizeof want, "%s/a.txt", real);
    CHECK_EQ_STR(c.actors_petrarch.items[0], want);
    snprintf(want, sizeof want, "%s/b/c.txt", real);
    CHECK_EQ_STR(c.actors_petrarch.items[1], want);
    CHECK_EQ_STR(c.broker_journal, "jdir");
    snprintf(want, sizeof want, "%s/keys/server.pub", real);
    CHECK_EQ_STR(c.curve_server_key, want);
    CHECK_EQ_STR(c.path, path);
    /* keys not in the file keep their defaults */
    CHECK_EQ_INT(c.actors_dictionaries.count, 7);
    wt_config_free(&c);

    /* A relative file name: the anchor is still absolute. */
    char cwd[1024];
    CHECK(getcwd(cwd, sizeof cwd) != NULL);
    CHECK(chdir(wt_test_dir()) == 0);
    rc = wt_config_load(&c, "sub/p.yaml", err, sizeof err);
    CHECK_MSG(rc == 0, "%s", err);
    snprintf(want, sizeof want, "%s/tax/i.yaml", real);
    CHECK_EQ_STR(c.issues_taxonomy, want);
    wt_config_free(&c);
    CHECK(chdir(cwd) == 0);
}

static void s_test_limits(void)
{
    {
        /* the pattern the programs use: defaults first, then load (twice) */
        wt_config_t p;
        char e[512];
        wt_config_defaults(&p);
        const char *path = wt_test_write("twice.yaml", "worker:\n  threads: 9\n");
        CHECK_EQ_INT(wt_config_load(&p, path, e, sizeof e), 0);
        CHECK_EQ_INT(wt_config_load(&p, path, e, sizeof e), 0);
        CHECK_EQ_INT(p.worker_threads, 9);
        CHECK_EQ_INT(wt_config_load(&p, "/nonexistent.yaml", e, sizeof e), -ENOENT);
        CHECK_EQ_INT(p.worker_threads, 2);
        wt_config_free(&p);
    }
    wt_config_t c = {0};
    char err[512];
    /* missing file: -ENOENT, defaults, message names the file */
    int rc = wt_config_load(&c, "/nonexistent/wiretag.yaml", err, sizeof err);
    CHECK_EQ_INT(rc, -ENOENT);
    CHECK(strstr(err, "/nonexistent/wiretag.yaml") != NULL);
    CHECK_EQ_INT(c.worker_threads, 2);
    wt_config_free(&c);

    /* oversized file: refused before parsing (it is not even valid YAML) */
    size_t n = WT_CONFIG_MAX_BYTES + 10;
    char *big = malloc(n + 1);
    memset(big, '[', n);
    big[n] = 0;
    const char *path = wt_test_write("big.yaml", big);
    rc = wt_config_load(&c, path, err, sizeof err);
    CHECK_EQ_INT(rc, WT_ECONFIG);
    CHECK_MSG(strstr(err, "expected at most") != NULL, "%s", err);
    wt_config_free(&c);
    rc = wt_config_load_buffer(&c, "mem.yaml", big, n, err, sizeof err);
    CHECK_EQ_INT(rc, WT_ECONFIG);
    CHECK_MSG(strstr(err, "mem.yaml:1:1:") != NULL, "%s", err);
    wt_config_free(&c);
    /* exactly at the cap is parsed (a comment padded to the limit) */
    memset(big, ' ', WT_CONFIG_MAX_BYTES);
    memcpy(big, "log.level: warn #", 17);
    big[WT_CONFIG_MAX_BYTES - 1] = '\n';
    big[WT_CONFIG_MAX_BYTES] = 0;
    path = wt_test_write("cap.yaml", big);
    rc = wt_config_load(&c, path, err, sizeof err);
    CHECK_MSG(rc == 0, "%s", err);
    CHECK_EQ_STR(c.log_level, "warn");
    wt_config_free(&c);
    free(big);

    /* a directory is not a config file */
    rc = wt_config_load(&c, wt_test_dir(), err, sizeof err);
    CHECK(rc < 0);
    wt_config_free(&c);

    /* buffers need no NUL and may hold NULs (refused by the YAML reader) */
    rc = wt_config_load_buffer(&c, "m.yaml", "log.level: debugXXXX", 16, err, sizeof err);
    CHECK_MSG(rc == 0, "%s", err);
    CHECK_EQ_STR(c.log_level, "debug");
    wt_config_free(&c);
    rc = wt_config_load_buffer(&c, "m.yaml", "log.level: de\0ug", 16, err, sizeof err);
    CHECK(rc == WT_ECONFIG);
    wt_config_free(&c);
}

/* Whole-file helpers for the documentation check. */

static void s_test_shipped(void)
{
    /* config/wiretag.yaml loads and equals the defaults, key by key. */
    wt_config_t file = {0}, def;
    char err[512];
    int rc = wt_config_load(&file, "config/wiretag.yaml", err, sizeof err);
    CHECK_MSG(rc == 0, "%s", err);
    wt_config_defaults(&def);
    size_t nkeys = 0;
    for (const char *k; (k = wt_config_key(nkeys)); nkeys++) {
        char *a = wt_config_get(&file, k), *b = wt_config_get(&def, k);
        CHECK_MSG(a && b && !strcmp(a, b), "%s: file %s, default %s", k, a, b);
        free(a);
        free(b);
    }
    CHECK(nkeys >= 35);
    wt_config_free(&file);
    wt_config_free(&def);

    /* Every key appears in config/wiretag.yaml (as its last segment, under
       its section) and in docs/CONFIG.md (dotted, in backquotes). */
    char *yaml = wt_test_slurp("config/wiretag.yaml", NULL);
    char *doc = wt_test_slurp("docs/CONFIG.md", NULL);
    CHECK_MSG(yaml != NULL, "config/wiretag.yaml missing");
    CHECK_MSG(doc != NULL, "docs/CONFIG.md missing");
    for (size_t i = 0; yaml && doc && wt_config_key(i); i++) {
        const char *k = wt_config_key(i);
        const char *dot = strchr(k, '.');
        char section[64], leaf[96], pat[200];
        snprintf(section, sizeof section, "\n%.*s:\n", (int)(dot - k), k);
        snprintf(leaf, sizeof leaf, "\n  %s:", dot + 1);
        const char *sec = strstr(yaml, section);
        CHECK_MSG(sec != NULL, "section of %s not in config/wiretag.yaml", k);
        if (sec) {
            const char *next = strstr(sec + 1, "\n\n");
            const char *at = strstr(sec, leaf);
            CHECK_MSG(at && (!next || at < next), "%s not in config/wiretag.yaml", k);
        }
        snprintf(pat, sizeof pat, "`%s`", k);
        CHECK_MSG(strstr(doc, pat) != NULL, "%s not in docs/CONFIG.md", k);
    }
    free(yaml);
    free(doc);
}

/* $WIRETAG_DATA moves the data directory (checked in a child: the
   directory is fixed at first use). */
static void s_test_data_env(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        setenv("WIRETAG_DATA", "/opt/wt-data", 1);
        wt_config_t c = {0};
        wt_config_defaults(&c);
        int ok = !strcmp(wt_config_data_dir(), "/opt/wt-data") &&
                 !strcmp(c.issues_taxonomy, "/opt/wt-data/issues.yaml") &&
                 !strcmp(c.actors_dictionaries.items[0], "/opt/wt-data/actors/countries.yaml") &&
                 !strcmp(c.broker_journal, "./wiretag-journal");
        wt_config_free(&c);
        _exit(ok ? 0 : 1);
    }
    int st = 0;
    CHECK(pid > 0 && waitpid(pid, &st, 0) == pid);
    CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "WIRETAG_DATA not honoured");
}

int main(void)
{
    wt_test_mkdtemp("config");
    unsetenv("WIRETAG_DATA");
    s_test_data_env();
    s_test_defaults();
    s_run_cases();
    s_test_paths();
    s_test_copied_config();
    s_test_limits();
    s_test_shipped();
    wt_test_rmtree();
    TEST_END();
}
