/*  dead.c: `wiretag dead` inspects and re-queues a broker's dead letters
    (items that failed broker.max_attempts times) over the control
    endpoint: DEAD (repeated until DEAD_END) lists them with their last
    error and the item as the producer sent it; REQUEUE{seq} gives one
    another round of attempts.

      wiretag dead list            seq, id, attempts, code, reason
      wiretag dead show SEQ|ID...  each one with its item (JSON)
      wiretag dead requeue SEQ|ID...|--all
      wiretag dead export [-o F]   the items as JSON Lines (to fix and feed)
*/
#include "client.h"
#include "cmds.h"
#include "wiretag/cli.h"
#include "wiretag/config.h"
#include "wiretag/endpoint.h"
#include "wiretag/json.h"
#include "wiretag/proto.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

typedef struct {
    uint64_t seq;
    uint32_t attempts;
    char *id, *code, *reason;
    char *item; /* the payload as JSON, NULL when absent */
} s_dead_t;

typedef struct {
    wt_client_t cl; /* the control endpoint */
    long timeout;
    uint64_t corr;
    s_dead_t *v;
    size_t n, cap;
} s_ctl_t;

static void s_usage(FILE *f)
{
    fprintf(f, "usage: wiretag dead [--broker EP] [-c FILE] [--timeout MS] COMMAND\n\n"
               "Dead letters: items the workers failed broker.max_attempts times.\n\n"
               "  list                 seq, id, attempts and the last error of each (--json:\n"
               "                       one JSON object per line)\n"
               "  show SEQ|ID...       each one with the item as it was sent\n"
               "  requeue SEQ|ID...    give them another max_attempts attempts (--all: every\n"
               "                       dead letter)\n"
               "  export [-o FILE]     the items as JSON Lines, to fix and `wiretag feed`\n\n"
               "  --host HOST          the broker's host (its control port 5558; default\n"
               "                       client.broker of -c FILE, else 127.0.0.1)\n"
               "  --broker EP          control endpoint (default tcp://HOST:5558)\n"
               "  -c FILE              configuration file (CURVE keys)\n"
               "  --timeout MS         how long to wait for the broker (default 3000)\n\n"
               "Exit status: 0 done, 1 some SEQ|ID not found or not requeued, 2 usage error or\n"
               "not a control endpoint, 3 no answer from the broker.\n");
}

/* One reply (polling in steps so that a wrong endpoint is seen). */
static int s_recv(s_ctl_t *c, wt_proto_in_t *in)
{
    int64_t t0 = wt_clock_ms();
    for (;;) {
        zmq_pollitem_t it = {.socket = c->cl.sock, .events = ZMQ_POLLIN};
        if (zmq_poll(&it, 1, 100) > 0) {
            int rc = wt_proto_recv(c->cl.sock, false, 0, in);
            char why[1024];
            if (rc == 0 &&
                wt_endpoint_refused(&in->msg, WT_ROLE_REPLAY, c->cl.ep, why, sizeof why)) {
                fprintf(stderr, "wiretag dead: %s\n", why);
                wt_proto_in_close(in);
                return -EPROTO;
            }
            if (rc < 0) wt_proto_in_close(in);
            return rc;
        }
        char why[1024];
        if (wt_peer_watch_failed(c->cl.watch, 2, c->cl.ep, WT_ROLE_REPLAY, why, sizeof why)) {
            fprintf(stderr, "wiretag dead: %s\n", why);
            return -EPROTO;
        }
        if (wt_clock_ms() - t0 >= c->timeout) {
            fprintf(stderr, "wiretag dead: no answer from %s in %ld ms (is the broker running?)\n",
                    c->cl.ep, c->timeout);
            return -ETIMEDOUT;
        }
    }
}

static int s_status(int rc)
{
    return rc == -EPROTO ? 2 : rc == -ETIMEDOUT ? 3 : 1;
}

/* Ask cmd under a new corr, with from (DEAD) or seq (REQUEUE). */
static int s_ask(s_ctl_t *c, int cmd, uint64_t value)
{
    wt_proto_t m = {0};
    wt_proto_init(&m, cmd);
    if (cmd == WT_CMD_DEAD) {
        m.from = value;
        m.has |= WT_F_FROM;
    } else {
        m.seq = value;
        m.has |= WT_F_SEQ;
    }
    m.corr = ++c->corr;
    m.has |= WT_F_CORR;
    int rc = wt_proto_send(c->cl.sock, &m, NULL, 0);
    wt_proto_clear(&m);
    return rc;
}

/* The next reply to the question asked last (late answers to earlier
   rounds are dropped). */
static int s_reply(s_ctl_t *c, wt_proto_in_t *in)
{
    for (;;) {
        int rc = s_recv(c, in);
        if (rc < 0) return rc;
        if (!(in->msg.has & WT_F_CORR) || in->msg.corr == c->corr) return 0;
        wt_proto_in_close(in);
    }
}

/* Every dead letter, with its item. */
static int s_fetch(s_ctl_t *c)
{
    uint64_t from = 0;
    for (;;) {
        int rc = s_ask(c, WT_CMD_DEAD, from);
        if (rc < 0) return rc;
        size_t before = c->n;
        for (;;) {
            wt_proto_in_t in;
            if ((rc = s_reply(c, &in)) < 0) return rc;
            wt_proto_t *r = &in.msg;
            if (r->cmd == WT_CMD_DEAD_ITEM) {
                wt_grow(&c->v, &c->cap, c->n + 1, sizeof *c->v);
                s_dead_t *d = &c->v[c->n++];
                memset(d, 0, sizeof *d);
                d->seq = r->seq;
                d->attempts = r->attempts;
                d->id = wt_strdup(r->id ? r->id : "");
                d->code = wt_strdup(r->code ? r->code : "");
                d->reason = wt_strdup(r->reason ? r->reason : "");
                size_t n = 0;
                const uint8_t *p = wt_proto_in_payload(&in, &n);
                wt_buf_t b;
                wt_buf_init(&b);
                if (p && wt_msgpack_to_json(p, n, &b) == 0)
                    d->item = wt_strndup((const char *)b.data, b.size);
                wt_buf_free(&b);
                wt_proto_in_close(&in);
                continue;
            }
            bool end = r->cmd == WT_CMD_DEAD_END;
            uint64_t next = r->next;
            if (!end)
                fprintf(stderr, "wiretag dead: unexpected reply %s %s %s\n",
                        wt_proto_cmd_name(r->cmd), r->code ? r->code : "",
                        r->reason ? r->reason : "");
            wt_proto_in_close(&in);
            if (!end) return -EPROTO;
            if (c->n == before || next <= from) return 0;
            from = next;
            break;
        }
    }
}

/* The dead letter named by arg (a seq or an id), or NULL. */
static s_dead_t *s_find(s_ctl_t *c, const char *arg)
{
    for (size_t i = 0; i < c->n; i++)
        if (!strcmp(c->v[i].id, arg)) return &c->v[i];
    char *end = NULL;
    errno = 0;
    unsigned long long seq = strtoull(arg, &end, 10);
    if (errno || !end || *end || end == arg) return NULL;
    for (size_t i = 0; i < c->n; i++)
        if (c->v[i].seq == seq) return &c->v[i];
    return NULL;
}

static int s_requeue(s_ctl_t *c, s_dead_t *d)
{
    int rc = s_ask(c, WT_CMD_REQUEUE, d->seq);
    wt_proto_in_t in;
    if (rc < 0 || (rc = s_reply(c, &in)) < 0) return rc;
    wt_proto_t *r = &in.msg;
    if (r->cmd == WT_CMD_REQUEUED) {
        printf("requeued seq %llu (%s)\n", (unsigned long long)d->seq, d->id);
        rc = 0;
    } else {
        fprintf(stderr, "wiretag dead: seq %llu (%s) not requeued: %s %s\n",
                (unsigned long long)d->seq, d->id, r->code ? r->code : "?",
                r->reason ? r->reason : "");
        rc = 1;
    }
    wt_proto_in_close(&in);
    return rc;
}

static void s_print_json(const s_dead_t *d, bool with_item, FILE *out)
{
    json_t *o = json_object();
    json_object_set_new(o, "seq", json_integer((json_int_t)d->seq));
    json_object_set_new(o, "id", json_string(d->id));
    json_object_set_new(o, "attempts", json_integer(d->attempts));
    json_object_set_new(o, "code", json_string(d->code));
    json_object_set_new(o, "reason", json_string(d->reason));
    if (with_item) {
        json_t *it = d->item ? json_loads(d->item, 0, NULL) : NULL;
        json_object_set_new(o, "item", it ? it : json_null());
    }
    char *txt = json_dumps(o, JSON_PRESERVE_ORDER | JSON_COMPACT);
    if (txt) fprintf(out, "%s\n", txt);
    free(txt);
    json_decref(o);
}

static bool s_timeout_arg(const char *value, void *out)
{
    if (atol(value) <= 0) return false;
    *(long *)out = atol(value);
    return true;
}

typedef struct {
    const char *out_path, *verb;
    bool as_json, all;
    char **args; /* the verb, then its arguments */
    int nargs;
} s_args_t;

/* The command line into a and c; -1 to go on, else the exit status. */
static int s_parse(s_args_t *a, s_ctl_t *c, int argc, char **argv)
{
    const wt_opt_t opts[] = {
        WT_OPT_STR_ROW("--broker", &c->cl.url, "an endpoint, e.g. tcp://127.0.0.1:5558"),
        WT_OPT_STR_ROW("--host", &c->cl.host, "a file name"),
        WT_OPT_STR_ROW("-c", &c->cl.config, "a file name"),
        WT_OPT_FN_ROW("--timeout", &c->timeout, s_timeout_arg,
                      "a number of milliseconds greater than 0"),
        WT_OPT_STR_ROW("-o", &a->out_path, "a file name"),
        WT_OPT_FLAG_ROW("--json", &a->as_json),
        WT_OPT_FLAG_ROW("--all", &a->all),
    };
    const wt_cli_t cli = {.prog = "wiretag dead",
                          .usage = s_usage,
                          WT_CLI_TABLE(opts),
                          .args = a->args,
                          .nargs = &a->nargs};
    wt_cli_res_t r;
    int what = wt_cli_parse(&cli, argc, argv, &r);
    if (what == WT_CLI_HELP) return 0;
    if (what != WT_CLI_OK) {
        if (r.opt && r.opt->wants)
            fprintf(stderr, "wiretag dead: %s wants %s\n", r.arg, r.opt->wants);
        else
            fprintf(stderr, "wiretag dead: unknown option '%s'\n\n", r.arg);
        return 2;
    }
    const char *verb = a->verb = a->nargs ? a->args[0] : NULL;
    bool ok_verb = verb && (!strcmp(verb, "list") || !strcmp(verb, "show") ||
                            !strcmp(verb, "requeue") || !strcmp(verb, "export"));
    if (!ok_verb ||
        ((!strcmp(verb, "show") || !strcmp(verb, "requeue")) && a->nargs < 2 && !a->all)) {
        if (verb && !ok_verb)
            fprintf(stderr, "wiretag dead: unknown command '%s'\n\n", verb);
        else if (verb)
            fprintf(stderr, "wiretag dead %s: which dead letters? (SEQ or ID%s)\n\n", verb,
                    !strcmp(verb, "requeue") ? ", or --all" : "");
        s_usage(stderr);
        return 2;
    }
    return -1;
}

static void s_list(const s_ctl_t *c, bool as_json)
{
    if (!as_json) printf("%zu dead letter(s)\n", c->n);
    for (size_t i = 0; i < c->n; i++) {
        if (as_json)
            s_print_json(&c->v[i], false, stdout);
        else
            printf("  seq %-8llu %-24s attempts %-3u %s %s\n", (unsigned long long)c->v[i].seq,
                   c->v[i].id, c->v[i].attempts, c->v[i].code, c->v[i].reason);
    }
}

static int s_export(const s_ctl_t *c, const char *out_path)
{
    FILE *out = out_path ? fopen(out_path, "w") : stdout;
    if (!out) {
        fprintf(stderr, "wiretag dead: cannot write %s: %s\n", out_path, strerror(errno));
        return 1;
    }
    int status = 0;
    size_t n = 0;
    for (size_t i = 0; i < c->n; i++)
        if (c->v[i].item) {
            fputs(c->v[i].item, out);
            fputc('\n', out);
            n++;
        }
    if (out != stdout && fclose(out) != 0) status = 1;
    fprintf(stderr, "wiretag dead: %zu item(s) exported%s%s\n", n, out_path ? " to " : "",
            out_path ? out_path : "");
    return status;
}

/* show or requeue the named dead letters (or all); the exit status. */
static int s_each(s_ctl_t *c, const s_args_t *a)
{
    bool requeue = !strcmp(a->verb, "requeue");
    char **names = a->args + 1;
    size_t todo = a->all ? c->n : (size_t)a->nargs - 1;
    int status = 0;
    for (size_t i = 0; i < todo; i++) {
        s_dead_t *d = a->all ? &c->v[i] : s_find(c, names[i]);
        if (!d) {
            fprintf(stderr, "wiretag dead: %s is not a dead letter (wiretag dead list)\n",
                    names[i]);
            status = 1;
            continue;
        }
        if (!requeue) {
            s_print_json(d, true, stdout);
            continue;
        }
        int rc = s_requeue(c, d);
        if (rc < 0) return s_status(rc);
        if (rc) status = 1;
    }
    return status;
}

int cmd_dead(int argc, char **argv)
{
    s_ctl_t c = {.cl = {.prog = "wiretag dead", .role = WT_ROLE_REPLAY}, .timeout = 3000};
    s_args_t a = {0};
    a.args = wt_calloc((size_t)argc + 1, sizeof *a.args);
    int status = s_parse(&a, &c, argc, argv);
    if (status >= 0) {
        free(a.args);
        return status;
    }
    status = wt_client_open(&c.cl, ZMQ_DEALER) == WT_CLIENT_OK ? 0 : 2;
    if (status == 0) {
        int rc = s_fetch(&c);
        if (rc < 0)
            status = s_status(rc);
        else if (!strcmp(a.verb, "list"))
            s_list(&c, a.as_json);
        else if (!strcmp(a.verb, "export"))
            status = s_export(&c, a.out_path);
        else
            status = s_each(&c, &a);
    }
    for (size_t i = 0; i < c.n; i++) {
        free(c.v[i].id);
        free(c.v[i].code);
        free(c.v[i].reason);
        free(c.v[i].item);
    }
    free(c.v);
    free(a.args);
    wt_client_close(c.cl.ctx, c.cl.sock, &c.cl.watch);
    return status;
}
