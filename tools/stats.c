/*  stats.c: `wiretag stats` asks the broker's control endpoint for its
    figures (STATS) and, with --dead, for its dead letters (DEAD, repeated
    until DEAD_END), and prints them as a table or as JSON.

    The figures map is converted to JSON as a whole (wt_msgpack_to_json), so
    --json shows every key the broker sends, including ones added after
    this file was written; the table picks the documented keys and skips
    the ones a broker does not have.
*/
#include "cmds.h"
#include "client.h"
#include "natscmd.h"
#include "wiretag/cli.h"
#include "wiretag/config.h"
#include "wiretag/endpoint.h"
#include "wiretag/json.h"
#include "wiretag/proto.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

static void s_usage(FILE *f)
{
    fprintf(f, "usage: wiretag stats [-c FILE] [--host HOST | --broker EP] [--json] [--dead]\n"
               "                     [--timeout MS]\n\n"
               "Show a broker's figures: queue depth, items in flight, per-worker figures,\n"
               "rates, dead letters and journal size.\n\n"
               "  --host HOST   the broker's host (its control port 5558; default\n"
               "                client.broker of -c FILE, else 127.0.0.1)\n"
               "  --broker EP   control endpoint (default tcp://HOST:5558)\n"
               "  --nats URL    JetStream streams and consumers instead (docs/NATS.md)\n"
               "  -c FILE       configuration file (CURVE keys)\n"
               "  --json        one JSON object instead of a table\n"
               "  --dead        also list the dead letters (id, attempts, code, reason)\n"
               "  --timeout MS  how long to wait for the broker (default 3000)\n\n"
               "Exit status: 0 figures printed, 1 no answer, 2 usage error or the endpoint\n"
               "is not the broker's control (replay) endpoint.\n");
}

/* Receive one reply with corr, or NULL on timeout. */
static int s_recv(void *sock, long timeout_ms, wt_proto_in_t *in)
{
    zmq_pollitem_t it = {.socket = sock, .events = ZMQ_POLLIN};
    if (zmq_poll(&it, 1, timeout_ms) <= 0) return -ETIMEDOUT;
    return wt_proto_recv(sock, false, 0, in);
}

static json_t *s_mp_json(const uint8_t *data, size_t n)
{
    wt_buf_t b;
    wt_buf_init(&b);
    json_t *j = NULL;
    if (wt_msgpack_to_json(data, n, &b) == 0) j = json_loadb((const char *)b.data, b.size, 0, NULL);
    wt_buf_free(&b);
    return j;
}

static long long s_int(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    if (json_is_integer(v)) return (long long)json_integer_value(v);
    if (json_is_real(v)) return (long long)json_real_value(v);
    return -1;
}

static void s_row(const char *label, json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    if (!v) return;
    if (json_is_integer(v))
        printf("  %-22s %lld\n", label, (long long)json_integer_value(v));
    else if (json_is_real(v))
        printf("  %-22s %.1f\n", label, json_real_value(v));
    else if (json_is_string(v))
        printf("  %-22s %s\n", label, json_string_value(v));
}

static void s_bytes(const char *label, json_t *o, const char *k)
{
    long long v = s_int(o, k);
    if (v < 0) return;
    const char *u[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double d = (double)v;
    int i = 0;
    while (d >= 1024 && i < 4)
        d /= 1024, i++;
    printf("  %-22s %.1f %s (%lld bytes)\n", label, d, u[i], v);
}

/* A titled block of every integer in o (unless o is empty and skip_empty). */
static void s_int_map(const char *title, json_t *o, bool skip_empty)
{
    if (!json_is_object(o) || (skip_empty && json_object_size(o) == 0)) return;
    printf("%s\n", title);
    const char *k;
    json_t *v;
    json_object_foreach(o, k, v)
    {
        if (json_is_integer(v)) printf("  %-22s %lld\n", k, (long long)json_integer_value(v));
    }
}

static void s_table(json_t *st, json_t *dead)
{
    printf("broker");
    if (json_is_string(json_object_get(st, "version")))
        printf(" %s", json_string_value(json_object_get(st, "version")));
    long long up = s_int(st, "uptime_ms");
    if (up >= 0) printf(", up %lld s", up / 1000);
    printf("\n");
    s_row("queue depth", st, "queue_depth");
    s_row("in flight", st, "in_flight");
    s_row("unfinished", st, "unfinished");
    s_row("items accepted", st, "items_accepted");
    s_row("last result seq", st, "last_rseq");
    s_row("first retained seq", st, "first_rseq");
    s_row("dead letters", st, "dead_letters");
    s_row("subscriptions", st, "subscriptions");
    json_t *rates = json_object_get(st, "rates");
    if (json_is_object(rates)) {
        printf("rates\n");
        s_row("put/s", rates, "put_per_s");
        s_row("done/s", rates, "done_per_s");
    }
    json_t *j = json_object_get(st, "journal");
    if (json_is_object(j)) {
        printf("journal\n");
        s_row("dir", j, "dir");
        s_row("fsync", j, "fsync");
        s_bytes("file size", j, "file_bytes");
        s_bytes("live data", j, "live_bytes");
        s_bytes("map size", j, "map_bytes");
        s_row("results", j, "results");
        s_row("recovered at start", j, "recovered");
    }
    s_int_map("counters", json_object_get(st, "counters"), false);
    s_int_map("errors", json_object_get(st, "errors"), true);
    json_t *w = json_object_get(st, "workers");
    if (json_is_array(w)) {
        printf("workers (%zu)\n", json_array_size(w));
        if (json_array_size(w) > 0)
            printf("  %-28s %-9s %7s %6s %9s %9s %7s %8s\n", "name", "state", "threads", "credit",
                   "in_flight", "done", "failed", "seen_ms");
        size_t i;
        json_t *x;
        json_array_foreach(w, i, x)
        {
            const char *name = json_string_value(json_object_get(x, "name"));
            const char *state = json_string_value(json_object_get(x, "state"));
            printf("  %-28.28s %-9s %7lld %6lld %9lld %9lld %7lld %8lld\n", name ? name : "?",
                   state ? state : "?", s_int(x, "threads"), s_int(x, "credit"),
                   s_int(x, "in_flight"), s_int(x, "done"), s_int(x, "failed"),
                   s_int(x, "last_seen_ms_ago"));
        }
    }
    if (dead) {
        printf("dead letters (%zu)\n", json_array_size(dead));
        size_t i;
        json_t *x;
        json_array_foreach(dead, i, x)
        {
            const char *id = json_string_value(json_object_get(x, "id"));
            const char *code = json_string_value(json_object_get(x, "code"));
            const char *reason = json_string_value(json_object_get(x, "reason"));
            printf("  seq %-8lld %-24s attempts %-3lld %s %s\n", s_int(x, "seq"), id ? id : "?",
                   s_int(x, "attempts"), code ? code : "", reason ? reason : "");
        }
    }
}

/* DEAD from 0 until DEAD_END, as a JSON array; NULL on error. */
static json_t *s_dead(void *sock, long timeout)
{
    json_t *arr = json_array();
    uint64_t from = 0;
    for (int round = 0; round < 10000; round++) {
        wt_proto_t m = {0};
        wt_proto_init(&m, WT_CMD_DEAD);
        m.from = from;
        m.has |= WT_F_FROM;
        m.corr = 1000 + (uint64_t)round;
        m.has |= WT_F_CORR;
        int rc = wt_proto_send(sock, &m, NULL, 0);
        uint64_t corr = m.corr;
        wt_proto_clear(&m);
        if (rc < 0) break;
        size_t before = json_array_size(arr);
        for (;;) {
            wt_proto_in_t in;
            rc = s_recv(sock, timeout, &in);
            if (rc < 0) {
                if (rc != -ETIMEDOUT) wt_proto_in_close(&in);
                fprintf(stderr, "wiretag stats: DEAD: %s\n",
                        rc == -ETIMEDOUT ? "no answer" : wt_errname(rc));
                json_decref(arr);
                return NULL;
            }
            wt_proto_t *r = &in.msg;
            if ((r->has & WT_F_CORR) && r->corr != corr) {
                wt_proto_in_close(&in);
                continue;
            }
            if (r->cmd == WT_CMD_DEAD_ITEM) {
                json_t *o = json_object();
                json_object_set_new(o, "seq", json_integer((json_int_t)r->seq));
                json_object_set_new(o, "id", json_string(r->id ? r->id : ""));
                json_object_set_new(o, "attempts", json_integer(r->attempts));
                json_object_set_new(o, "code", r->code ? json_string(r->code) : json_null());
                json_object_set_new(o, "reason", r->reason ? json_string(r->reason) : json_null());
                json_array_append_new(arr, o);
                wt_proto_in_close(&in);
                continue;
            }
            bool end = r->cmd == WT_CMD_DEAD_END;
            uint64_t next = r->next;
            wt_proto_in_close(&in);
            if (!end) {
                json_decref(arr);
                return NULL;
            }
            if (json_array_size(arr) == before || next <= from) return arr;
            from = next;
            break;
        }
    }
    return arr;
}

static bool s_timeout_arg(const char *value, void *out)
{
    if (atol(value) <= 0) return false;
    *(long *)out = atol(value);
    return true;
}

typedef struct {
    wt_client_t cl; /* the control endpoint */
    bool as_json, dead;
    long timeout;
} s_args_t;

/* The command line into a; -1 to go on, else the exit status. */
static int s_parse(s_args_t *a, int argc, char **argv)
{
    const wt_opt_t opts[] = {
        WT_OPT_STR_ROW("--broker", &a->cl.url, "an endpoint, e.g. tcp://127.0.0.1:5558"),
        WT_OPT_STR_ROW("--host", &a->cl.host, "the broker's host name or address"),
        WT_OPT_STR_ROW("-c", &a->cl.config, "a configuration file"),
        WT_OPT_FLAG_ROW("--json", &a->as_json),
        WT_OPT_FLAG_ROW("--dead", &a->dead),
        WT_OPT_FN_ROW("--timeout", &a->timeout, s_timeout_arg,
                      "a whole number of milliseconds, 1 or more"),
    };
    const wt_cli_t cli = {.prog = "wiretag stats", .usage = s_usage, WT_CLI_TABLE(opts)};
    return wt_cli_args(&cli, argc, argv);
}

/* STATS, and its answer as JSON into *st; 0 or the exit status after
   saying why. */
static int s_ask(void *sock, const char *ep, long timeout, wt_peer_watch_t *watch, json_t **st)
{
    wt_proto_t m = {0};
    wt_proto_init(&m, WT_CMD_STATS);
    m.corr = 1;
    m.has |= WT_F_CORR;
    wt_proto_send(sock, &m, NULL, 0);
    wt_proto_clear(&m);
    for (int64_t t0 = wt_clock_ms();;) {
        wt_proto_in_t in;
        int rc = s_recv(sock, 100, &in);
        char why[1024];
        if (wt_peer_watch_failed(watch, 2, ep, WT_ROLE_REPLAY, why, sizeof why)) {
            if (rc != -ETIMEDOUT) wt_proto_in_close(&in);
            fprintf(stderr, "wiretag stats: %s\n", why);
            return 2;
        }
        if (rc == -ETIMEDOUT && wt_clock_ms() - t0 < timeout) continue;
        if (rc == -ETIMEDOUT) {
            fprintf(stderr, "wiretag stats: no answer from %s in %ld ms (is the broker running?)\n",
                    ep, timeout);
            return 1;
        }
        if (rc == 0 && wt_endpoint_refused(&in.msg, WT_ROLE_REPLAY, ep, why, sizeof why)) {
            fprintf(stderr, "wiretag stats: %s\n", why);
            wt_proto_in_close(&in);
            return 2;
        }
        if (rc < 0 || in.msg.cmd != WT_CMD_STATS) {
            fprintf(stderr, "wiretag stats: unexpected reply (%s %s)\n",
                    rc < 0 ? wt_errname(rc) : wt_proto_cmd_name(in.msg.cmd),
                    in.msg.reason ? in.msg.reason : "");
            wt_proto_in_close(&in);
            return 1;
        }
        if (in.msg.stats) *st = s_mp_json(in.msg.stats, in.msg.stats_len);
        wt_proto_in_close(&in);
        if (*st) return 0;
        fprintf(stderr, "wiretag stats: the broker sent no figures\n");
        return 1;
    }
}

int cmd_stats(int argc, char **argv)
{
    if (wt_nats_wanted(argc, argv)) return cmd_stats_nats(argc, argv); /* tools/nats.c */
    s_args_t a = {.cl = {.prog = "wiretag stats", .role = WT_ROLE_REPLAY}, .timeout = 3000};
    int status = s_parse(&a, argc, argv);
    if (status >= 0) return status;
    wt_client_t *c = &a.cl;
    json_t *st = NULL, *dl = NULL;
    int step = wt_client_open(c, ZMQ_DEALER);
    /* 2: a usage error (file, endpoint); 1: CURVE or no connection */
    status = step == WT_CLIENT_OK                                   ? 0
             : step == WT_CLIENT_CURVE || step == WT_CLIENT_CONNECT ? 1
                                                                    : 2;
    if (status == 0) status = s_ask(c->sock, c->ep, a.timeout, c->watch, &st);
    if (status == 0 && a.dead && !(dl = s_dead(c->sock, a.timeout))) status = 1;
    if (status == 0 && a.as_json) {
        if (dl) json_object_set(st, "dead", dl);
        char *s = json_dumps(st, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        printf("%s\n", s);
        free(s);
    } else if (status == 0)
        s_table(st, dl);
    json_decref(st);
    json_decref(dl);
    wt_client_close(c->ctx, c->sock, &c->watch);
    return status;
}
