/*  feed.c: `wiretag feed` sends input items to a broker and waits for
    every acknowledgement.

    One DEALER to the broker's producer endpoint. Items go out as
    PUT{corr}+item with at most --window of them unacknowledged; each keeps
    its corr and its encoded bytes until the broker answers, and is sent
    again, with the same corr and the same id, when no answer came within
    --timeout (the broker deduplicates by id, so a retry after a lost ACK or
    a broker restart is harmless: it is ACKed with dup:true). The input is
    read in non-blocking mode and polled next to the socket, so a pipe
    (`tail -f crawl.jsonl | wiretag feed -`) is sent line by line while ACKs
    keep flowing. NAK EFULL (back-pressure) and EJOURNAL are retried after a
    pause; any other NAK is final and listed in the summary.

    Exit status: 0 when every item was acknowledged, 1 when some were
    refused (NAK) or unreadable, 2 on a usage error, 3 when --deadline
    passed with items still unacknowledged, 130 on SIGINT.
*/
#include "cmds.h"
#include "input.h"
#include "natscmd.h"
#include "client.h"
#include "progress.h"
#include "wiretag/cli.h"
#include "wiretag/signals.h"
#include "wiretag/codec.h"
#include "wiretag/config.h"
#include "wiretag/endpoint.h"
#include "wiretag/proto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define WT_FEED_MAX_BACKOFF_MS 3000 /* longest pause between resends of an unanswered item */
#include <zmq.h>

typedef struct {
    bool used;
    uint64_t corr;
    char *id;
    char *where;
    uint8_t *data;
    size_t size;
    int64_t sent_at; /* ms, monotonic */
    int64_t retry_at;
    uint32_t attempts;
    uint64_t order;
} s_slot_t;

typedef struct {
    const char *endpoint;
    size_t window;
    int64_t timeout_ms;
    int64_t deadline_ms; /* 0: none */
    bool progress;
    bool quiet;
    const wt_config_t *cfg;
    void *ctx, *sock;
    s_slot_t *slots; /* ring of 2 x window, indexed by corr */
    size_t cap;
    uint64_t next_corr;
    wt_feed_figures_t fig; /* t0, acked, retries, read_items, inflight, total */
    uint64_t sent, dups;
    uint64_t bad_dates; /* items whose `published` could not be read (sent without it) */
    uint64_t dead;      /* items the broker knows as dead letters (listed in fails) */
    wt_feed_fails_t fails;
    int64_t last_draw, last_answer;
    bool warned_silent;
    int64_t warned_limit_ms; /* last said why the broker refuses for now (once per 30 s) */
    bool streaming;          /* stdin is an input: report bad items as they come */
    wt_peer_watch_t *watch;
    char fatal[1024]; /* set: the endpoint is not a producers endpoint; stop (exit 2) */
} s_feed_t;

static void s_usage(FILE *f)
{
    fprintf(f, "usage: wiretag feed [--host HOST | --broker EP] [OPTIONS] INPUT...\n\n"
               "Send items to a broker and wait until each one is acknowledged.\n"
               "INPUT: plain-text files (a leading `date YYYY-MM-DD` sets published), .jsonl,\n"
               ".json (object or array), folders (recursively, sorted), - for stdin (JSON\n"
               "Lines are sent line by line as they arrive).\n\n"
               "  --host HOST      the broker's host (its producers port 5555; default\n"
               "                   client.broker of -c FILE, else 127.0.0.1)\n"
               "  --broker EP      producer endpoint (default tcp://HOST:5555)\n"
               "  --nats URL       publish on NATS JetStream instead (docs/NATS.md)\n"
               "  -c FILE          configuration file (limits, CURVE keys)\n"
               "  --window N       unacknowledged items at most (default 256)\n"
               "  --timeout MS     resend an item unanswered this long (default 5000)\n"
               "  --deadline S     give up after S seconds with items unacknowledged (exit 3)\n"
               "  --progress       progress bar even when stderr is not a terminal\n"
               "  --no-progress    no progress bar\n"
               "  -q               no progress, no summary unless something failed\n\n"
               "Exit status: 0 all acknowledged, 1 some refused or unreadable (listed),\n"
               "2 usage error or the endpoint is not a producers endpoint, 3 deadline\n"
               "passed, 130 interrupted.\n");
}

static void s_slot_free(s_feed_t *f, s_slot_t *s)
{
    free(s->id);
    free(s->where);
    free(s->data);
    memset(s, 0, sizeof *s);
    f->fig.inflight--;
}

static int s_send(s_feed_t *f, s_slot_t *s)
{
    wt_proto_t m = {0};
    wt_proto_init(&m, WT_CMD_PUT);
    m.corr = s->corr;
    m.has |= WT_F_CORR;
    int rc = wt_proto_send_to(f->sock, NULL, 0, &m, s->data, s->size, ZMQ_DONTWAIT);
    wt_proto_clear(&m);
    int64_t now = wt_clock_ms();
    s->sent_at = now;
    /* back off a little with each attempt, up to 8 x the timeout but never
       more than WT_FEED_MAX_BACKOFF_MS (or the timeout, when longer): a
       broker back from an outage gets the items within seconds */
    int64_t wait = f->timeout_ms << (s->attempts < 3 ? s->attempts : 3);
    int64_t cap = f->timeout_ms > WT_FEED_MAX_BACKOFF_MS ? f->timeout_ms : WT_FEED_MAX_BACKOFF_MS;
    if (wait > cap) wait = cap;
    s->retry_at = now + wait;
    s->attempts++;
    if (rc == 0) f->sent++;
    return rc;
}

/* A free slot for the next corr, or NULL (window full, or the slot of the
   same ring position still waits for an old item). */
static s_slot_t *s_next_slot(s_feed_t *f)
{
    if (f->fig.inflight >= f->window) return NULL;
    s_slot_t *s = &f->slots[f->next_corr % f->cap];
    return s->used ? NULL : s;
}

static void s_handle_reply(s_feed_t *f)
{
    wt_proto_in_t in;
    int rc;
    for (int budget = 0; budget < 1024 && wt_client_next(f->sock, false, &in, &rc); budget++) {
        f->last_answer = wt_clock_ms();
        f->warned_silent = false;
        if (rc < 0) {
            fprintf(stderr, "\nwiretag feed: bad reply from the broker (%s), ignored\n",
                    wt_errname(rc));
            wt_proto_in_close(&in);
            continue;
        }
        wt_proto_t *m = &in.msg;
        if (wt_endpoint_refused(m, WT_ROLE_PRODUCERS, f->endpoint, f->fatal, sizeof f->fatal)) {
            wt_proto_in_close(&in);
            return; /* resending cannot help */
        }
        if ((m->cmd == WT_CMD_ACK || m->cmd == WT_CMD_NAK) && (m->has & WT_F_CORR)) {
            s_slot_t *s = &f->slots[m->corr % f->cap];
            if (!s->used || s->corr != m->corr) {
                wt_proto_in_close(&in);
                continue; /* answer to a retry already answered */
            }
            if (m->cmd == WT_CMD_ACK && m->code && !strcmp(m->code, "EDEAD")) {
                /* known, but dead-lettered: it will not be processed */
                wt_feed_fail(&f->fails, s->order, s->where, "EDEAD", m->reason);
                f->dead++;
                s_slot_free(f, s);
            } else if (m->cmd == WT_CMD_ACK) {
                f->fig.acked++;
                if (m->dup) f->dups++;
                s_slot_free(f, s);
            } else if (m->code && (!strcmp(m->code, "EFULL") || !strcmp(m->code, "EJOURNAL"))) {
                /* back-pressure or a journal in trouble: keep it, try again shortly */
                s->retry_at = wt_clock_ms() + 500;
                int64_t now = wt_clock_ms();
                bool say = !f->quiet && m->reason &&
                           (!f->warned_limit_ms || now - f->warned_limit_ms >= 30000);
                if (say && strstr(m->reason, "too many unfinished items")) {
                    fprintf(stderr,
                            "%swiretag feed: the broker holds as many unfinished items from this "
                            "feed as it takes (broker.max_inflight_per_producer, default 10000) "
                            "and waits for workers to finish some: is a worker running? "
                            "(wiretag stats)\n",
                            f->progress ? "\r\033[K" : "\n");
                    f->warned_limit_ms = now;
                } else if (say && strstr(m->reason, "journal full")) {
                    fprintf(stderr, "%swiretag feed: broker: %s (waiting)\n",
                            f->progress ? "\r\033[K" : "\n", m->reason);
                    f->warned_limit_ms = now;
                }
            } else {
                wt_feed_fail(&f->fails, s->order, s->where, m->code, m->reason);
                s_slot_free(f, s);
            }
        } else if (m->cmd == WT_CMD_NAK) {
            fprintf(stderr, "\nwiretag feed: broker: %s %s\n", m->code ? m->code : "?",
                    m->reason ? m->reason : "");
        }
        wt_proto_in_close(&in);
    }
}

static void s_retry_due(s_feed_t *f)
{
    int64_t now = wt_clock_ms();
    size_t due = 0;
    for (size_t i = 0; i < f->cap; i++) {
        s_slot_t *s = &f->slots[i];
        if (s->used && now >= s->retry_at) {
            if (s->attempts > 1 || now - s->sent_at >= f->timeout_ms) f->fig.retries++;
            s_send(f, s);
            due++;
        }
    }
    if (due && !f->warned_silent && now - f->last_answer > f->timeout_ms && !f->quiet) {
        fprintf(stderr, "%swiretag feed: no answer from %s for %.1f s, resending %zu item(s)\n",
                f->progress ? "\r\033[K" : "", f->endpoint, (double)(now - f->last_answer) / 1000.0,
                due);
        f->warned_silent = true;
    }
}

static void s_draw(s_feed_t *f, bool final)
{
    f->fig.nfails = f->fails.n;
    wt_feed_progress(&f->fig, &f->last_draw, final);
}

/* Read what the input has (without blocking) into free window slots. */
static void s_read_input(s_feed_t *f, wt_input_reader_t *in, const wt_limits_t *limits)
{
    wt_buf_t buf;
    wt_buf_init(&buf);
    while (!wt_input_done(in)) {
        s_slot_t *s = s_next_slot(f);
        if (!s) break;
        wt_item_t item = {0};
        const char *where = NULL;
        char err[512];
        int rc = wt_input_next(in, &item, &where, err, sizeof err);
        if (rc == -EAGAIN || rc == 0) break;
        if (rc < 0) {
            f->fig.read_items++;
            wt_feed_fail(&f->fails, f->fig.read_items, where, wt_errname(rc), err);
            if (!f->quiet && (f->progress || f->streaming)) /* else the summary says it once */
                fprintf(stderr, "%swiretag feed: %s: %s: %s\n", f->progress ? "\r\033[K" : "",
                        where, wt_errname(rc), err);
            continue;
        }
        f->fig.read_items++;
        if (item.published_invalid) {
            f->bad_dates++; /* sent without it: the item matters more than its date */
            if (!f->quiet && (f->progress || f->streaming))
                fprintf(stderr,
                        "%swiretag feed: %s: published is not a date we read; sent with "
                        "published null\n",
                        f->progress ? "\r\033[K" : "", where);
        }
        if (item.text_len > limits->max_text) {
            char reason[128];
            snprintf(reason, sizeof reason, "text is %zu bytes, over the limit of %zu",
                     item.text_len, limits->max_text);
            wt_feed_fail(&f->fails, f->fig.read_items, where, "ETOOBIG", reason);
            wt_item_clear(&item);
            continue;
        }
        wt_buf_reset(&buf);
        wt_item_encode(&item, &buf);
        s->used = true;
        s->corr = f->next_corr++;
        s->id = wt_strdup(item.id);
        s->where = wt_strdup(where);
        s->data = wt_malloc(buf.size);
        memcpy(s->data, buf.data, buf.size);
        s->size = buf.size;
        s->attempts = 0;
        s->order = f->fig.read_items;
        f->fig.inflight++;
        wt_item_clear(&item);
        s_send(f, s);
    }
    wt_buf_free(&buf);
}

typedef struct {
    const char *config, *url, *host;
    char **paths;
    int npaths;
    int progress; /* -1: when stderr is a terminal */
    long long window, timeout, deadline;
} s_args_t;

/* The command line into a and f; -1 to go on, else the exit status. */
static int s_parse(s_args_t *a, s_feed_t *f, int argc, char **argv)
{
    const wt_opt_t opts[] = {
        WT_OPT_STR_ROW("--broker", &a->url, "an endpoint, e.g. tcp://127.0.0.1:5555"),
        WT_OPT_STR_ROW("--host", &a->host, "the broker's host name or address"),
        WT_OPT_STR_ROW("-c", &a->config, "a configuration file"),
        WT_FEED_OPT_ROWS(a, f),
    };
    const wt_cli_t cli = {.prog = "wiretag feed",
                          .usage = s_usage,
                          WT_CLI_TABLE(opts),
                          .args = a->paths,
                          .nargs = &a->npaths};
    int rc = wt_cli_args(&cli, argc, argv);
    if (rc >= 0) return rc;
    if ((rc = wt_feed_inputs(a->paths, a->npaths, s_usage, &f->streaming)) != 0) return rc;
    f->window = (size_t)a->window;
    f->timeout_ms = a->timeout;
    f->deadline_ms = a->deadline * 1000;
    return -1;
}

/* The configuration, the endpoint and the connected socket; 0 or 2 after
   saying why. */
static int s_open(s_feed_t *f, const s_args_t *a, wt_config_t *cfg, char *endpoint, size_t eplen)
{
    char err[1024];
    if (wt_cli_config("wiretag feed", a->config, cfg) != 0) return 2;
    if (wt_endpoint_pick(a->url, a->host, cfg->client_broker, WT_ROLE_PRODUCERS, endpoint, eplen,
                         err, sizeof err) != 0) {
        fprintf(stderr, "wiretag feed: %s\n", err);
        return 2;
    }
    f->endpoint = endpoint;
    f->cfg = cfg;
    f->progress = a->progress == 1 || (a->progress == -1 && !f->quiet && isatty(2));
    if (f->quiet) f->progress = false;
    f->cap = f->window * 2;
    f->slots = wt_calloc(f->cap, sizeof *f->slots);
    f->next_corr = 1;
    if (f->progress) f->fig.total = wt_feed_count(a->paths, a->npaths);

    f->ctx = zmq_ctx_new();
    f->sock = wt_client_socket(f->ctx, ZMQ_DEALER);
    int hwm = (int)(f->window * 2 + 16);
    zmq_setsockopt(f->sock, ZMQ_SNDHWM, &hwm, sizeof hwm);
    int step =
        wt_client_connect(f->ctx, f->sock, f->endpoint, true, cfg, &f->watch, err, sizeof err);
    wt_client_say("wiretag feed", step, f->endpoint, err);
    return step == WT_CLIENT_OK ? 0 : 2;
}

/* Send, wait, resend until every item is answered; the exit status so far. */
static int s_loop(s_feed_t *f, wt_input_reader_t *in, const wt_limits_t *limits)
{
    for (;;) {
        if (wt_signals_stopping()) return 130;
        s_read_input(f, in, limits);
        if (wt_input_done(in) && f->fig.inflight == 0) return 0;
        if (f->deadline_ms && wt_clock_ms() - f->fig.t0 > f->deadline_ms) return 3;
        zmq_pollitem_t items[2] = {{.socket = f->sock, .events = ZMQ_POLLIN}};
        int n = 1;
        int fd = wt_input_fd(in);
        if (fd >= 0 && s_next_slot(f)) {
            items[1] = (zmq_pollitem_t){.fd = fd, .events = ZMQ_POLLIN};
            n = 2;
        }
        long timeout = 100;
        if (fd < 0 && !wt_input_done(in) && s_next_slot(f))
            timeout = 0; /* a regular file: read on */
        zmq_poll(items, n, timeout);
        if (items[0].revents & ZMQ_POLLIN) s_handle_reply(f);
        if (!f->fatal[0])
            wt_peer_watch_failed(f->watch, 3, f->endpoint, WT_ROLE_PRODUCERS, f->fatal,
                                 sizeof f->fatal);
        if (f->fatal[0]) {
            if (f->progress) fputs("\r\033[K", stderr);
            fprintf(stderr, "wiretag feed: %s\n", f->fatal);
            f->progress = false;
            return 2;
        }
        s_retry_due(f);
        if (f->progress) s_draw(f, false);
    }
}

/* What happened, on stderr; the exit status. */
static int s_report(s_feed_t *f, wt_input_reader_t *in, int status)
{
    if (f->progress) s_draw(f, true);
    wt_input_say_skipped(in, "wiretag feed");
    f->fig.nfails = f->fails.n;
    wt_feed_summary(&f->fig, f->dups, f->quiet, status);
    wt_input_say_repaired(in, "wiretag feed");
    if (f->bad_dates)
        fprintf(stderr,
                "wiretag feed: %llu item(s) had a published date we could not read (ISO 8601 or "
                "RFC 2822 expected): sent with published null\n",
                (unsigned long long)f->bad_dates);
    if (f->fails.n) {
        wt_feed_fails_print(&f->fails, f->dead);
        if (!status) status = 1;
    }
    wt_feed_unacked(status, f->fig.inflight);
    return status;
}

static void s_close(s_feed_t *f)
{
    for (size_t i = 0; f->slots && i < f->cap; i++)
        if (f->slots[i].used) s_slot_free(f, &f->slots[i]);
    wt_feed_fails_free(&f->fails);
    free(f->slots);
    wt_client_close(f->ctx, f->sock, &f->watch);
}

int cmd_feed(int argc, char **argv)
{
    if (wt_nats_wanted(argc, argv)) return cmd_feed_nats(argc, argv); /* tools/nats.c */
    s_feed_t f = {0};
    s_args_t a = {.progress = -1, .window = 256, .timeout = 5000};
    a.paths = wt_calloc((size_t)argc + 1, sizeof *a.paths);
    int status = s_parse(&a, &f, argc, argv);
    if (status >= 0) {
        free(a.paths);
        return status;
    }
    wt_config_t cfg;
    char endpoint[600];
    if ((status = s_open(&f, &a, &cfg, endpoint, sizeof endpoint)) != 0) {
        s_close(&f);
        wt_config_free(&cfg);
        free(a.paths);
        return status;
    }
    wt_signals_catch(NULL, 0);
    wt_limits_t limits = wt_limits_default;
    if (cfg.max_text_bytes > 0) limits.max_text = (size_t)cfg.max_text_bytes;
    wt_input_reader_t *in = wt_input_open(a.paths, a.npaths, &limits);
    wt_input_set_nonblocking(in, true);
    f.fig.t0 = f.last_answer = wt_clock_ms();
    status = s_report(&f, in, s_loop(&f, in, &limits));
    wt_input_close(&in);
    s_close(&f);
    wt_config_free(&cfg);
    free(a.paths);
    return status;
}
