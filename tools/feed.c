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
#include "progress.h"
#include "wiretag/codec.h"
#include "wiretag/config.h"
#include "wiretag/curve.h"
#include "wiretag/endpoint.h"
#include "wiretag/proto.h"

#include <signal.h>
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
    uint64_t order; /* position in the input, for the summary */
    char *where;
    char *code;
    char *reason;
} s_fail_t;

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
    size_t cap, inflight;
    uint64_t next_corr;
    uint64_t sent, acked, dups, retries, read_items;
    uint64_t bad_dates; /* items whose `published` could not be read (sent without it) */
    uint64_t dead;      /* items the broker knows as dead letters (listed in fails) */
    size_t total;       /* known item count for the progress bar (0 = unknown) */
    s_fail_t *fails;
    size_t nfails, fails_cap;
    int64_t t0, last_draw, last_answer;
    bool warned_silent;
    int64_t warned_limit_ms; /* last said why the broker refuses for now (once per 30 s) */
    bool streaming;          /* stdin is an input: report bad items as they come */
    wt_peer_watch_t *watch;
    char fatal[1024]; /* set: the endpoint is not a producers endpoint; stop (exit 2) */
} s_feed_t;

static volatile sig_atomic_t s_interrupted = 0;

static void s_on_sigint(int sig)
{
    (void)sig;
    s_interrupted = 1;
}

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

static void s_fail(s_feed_t *f, uint64_t order, const char *where, const char *code,
                   const char *reason)
{
    wt_grow(&f->fails, &f->fails_cap, f->nfails + 1, sizeof *f->fails);
    s_fail_t *x = &f->fails[f->nfails++];
    x->order = order;
    x->where = wt_strdup(where ? where : "?");
    x->code = wt_strdup(code ? code : "?");
    x->reason = wt_strdup(reason ? reason : "");
}

static int s_fail_cmp(const void *a, const void *b)
{
    uint64_t x = ((const s_fail_t *)a)->order, y = ((const s_fail_t *)b)->order;
    return x < y ? -1 : x > y;
}

static void s_slot_free(s_feed_t *f, s_slot_t *s)
{
    free(s->id);
    free(s->where);
    free(s->data);
    memset(s, 0, sizeof *s);
    f->inflight--;
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
    if (f->inflight >= f->window) return NULL;
    s_slot_t *s = &f->slots[f->next_corr % f->cap];
    return s->used ? NULL : s;
}

static void s_handle_reply(s_feed_t *f)
{
    for (int budget = 0; budget < 1024; budget++) {
        wt_proto_in_t in;
        int rc = wt_proto_recv(f->sock, false, ZMQ_DONTWAIT, &in);
        if (rc == -EAGAIN || rc == -EINTR) {
            wt_proto_in_close(&in);
            return;
        }
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
                s_fail(f, s->order, s->where, "EDEAD", m->reason);
                f->dead++;
                s_slot_free(f, s);
            } else if (m->cmd == WT_CMD_ACK) {
                f->acked++;
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
                s_fail(f, s->order, s->where, m->code, m->reason);
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
            if (s->attempts > 1 || now - s->sent_at >= f->timeout_ms) f->retries++;
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
    wt_feed_figures_t fig = {.t0 = f->t0,
                             .acked = f->acked,
                             .retries = f->retries,
                             .read_items = f->read_items,
                             .nfails = f->nfails,
                             .inflight = f->inflight,
                             .total = f->total};
    wt_feed_progress(&fig, &f->last_draw, final);
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
            f->read_items++;
            s_fail(f, f->read_items, where, wt_errname(rc), err);
            if (!f->quiet && (f->progress || f->streaming)) /* else the summary says it once */
                fprintf(stderr, "%swiretag feed: %s: %s: %s\n", f->progress ? "\r\033[K" : "",
                        where, wt_errname(rc), err);
            continue;
        }
        f->read_items++;
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
            s_fail(f, f->read_items, where, "ETOOBIG", reason);
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
        s->order = f->read_items;
        f->inflight++;
        wt_item_clear(&item);
        s_send(f, s);
    }
    wt_buf_free(&buf);
}

/* An option we do not know, or one whose value is missing or wrong: say
   which and what it wants. */
static void s_bad_option(const char *opt, const char *value)
{
    static const struct {
        const char *name, *wants;
    } vals[] = {
        {"--broker", "an endpoint, e.g. tcp://127.0.0.1:5555"},
        {"--host", "the broker's host name or address"},
        {"-c", "a configuration file"},
        {"--window", "a whole number of items from 1 to 100000"},
        {"--timeout", "a whole number of milliseconds from 10 to 3600000"},
        {"--deadline", "a whole number of seconds, 1 or more"},
    };
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++)
        if (!strcmp(opt, vals[i].name)) {
            if (value)
                fprintf(stderr, "wiretag feed: %s wants %s, not '%s'\n", opt, vals[i].wants, value);
            else
                fprintf(stderr, "wiretag feed: %s wants %s (the value is missing)\n", opt,
                        vals[i].wants);
            return;
        }
    fprintf(stderr, "wiretag feed: unknown option '%s' (wiretag feed --help lists them)\n", opt);
}

int cmd_feed(int argc, char **argv)
{
    if (wt_nats_wanted(argc, argv)) return cmd_feed_nats(argc, argv); /* tools/nats.c */
    s_feed_t f = {.window = 256, .timeout_ms = 5000};
    const char *config = NULL, *url = NULL, *host = NULL;
    char endpoint[600];
    char **paths = wt_calloc((size_t)argc + 1, sizeof *paths);
    int npaths = 0;
    int progress = -1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool more = i + 1 < argc;
        long long v;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            s_usage(stdout);
            free(paths);
            return 0;
        } else if (!strcmp(a, "--broker") && more)
            url = argv[++i];
        else if (!strcmp(a, "--host") && more)
            host = argv[++i];
        else if (!strcmp(a, "-c") && more)
            config = argv[++i];
        else if (!strcmp(a, "--window") && more && wt_int_arg(argv[i + 1], 1, 100000, &v)) {
            f.window = (size_t)v;
            i++;
        } else if (!strcmp(a, "--timeout") && more && wt_int_arg(argv[i + 1], 10, 3600000, &v)) {
            f.timeout_ms = v;
            i++;
        } else if (!strcmp(a, "--deadline") && more &&
                   wt_int_arg(argv[i + 1], 1, 86400 * 365, &v)) {
            f.deadline_ms = v * 1000;
            i++;
        } else if (!strcmp(a, "--progress"))
            progress = 1;
        else if (!strcmp(a, "--no-progress"))
            progress = 0;
        else if (!strcmp(a, "-q"))
            f.quiet = true;
        else if (a[0] == '-' && a[1] != 0) {
            s_bad_option(a, more ? argv[i + 1] : NULL);
            free(paths);
            return 2;
        } else {
            paths[npaths++] = argv[i];
            if (!strcmp(argv[i], "-")) f.streaming = true;
        }
    }
    if (npaths == 0) {
        fprintf(stderr, "wiretag feed: no INPUT (use - for stdin)\n\n");
        s_usage(stderr);
        free(paths);
        return 2;
    }
    wt_config_t cfg;
    wt_config_defaults(&cfg);
    char err[1024];
    if (config && wt_config_load(&cfg, config, err, sizeof err) != 0) {
        fprintf(stderr, "wiretag feed: %s\n", err);
        wt_config_free(&cfg);
        free(paths);
        return 2;
    }
    if (wt_endpoint_pick(url, host, cfg.client_broker, WT_ROLE_PRODUCERS, endpoint, sizeof endpoint,
                         err, sizeof err) != 0) {
        fprintf(stderr, "wiretag feed: %s\n", err);
        wt_config_free(&cfg);
        free(paths);
        return 2;
    }
    f.endpoint = endpoint;
    wt_limits_t limits = wt_limits_default;
    if (cfg.max_text_bytes > 0) limits.max_text = (size_t)cfg.max_text_bytes;
    f.progress = progress == 1 || (progress == -1 && !f.quiet && isatty(2));
    if (f.quiet) f.progress = false;
    f.cap = f.window * 2;
    f.slots = wt_calloc(f.cap, sizeof *f.slots);
    f.next_corr = 1;
    if (f.progress) f.total = wt_feed_count(paths, npaths);

    f.ctx = zmq_ctx_new();
    f.sock = zmq_socket(f.ctx, ZMQ_DEALER);
    int linger = 0, hwm = (int)(f.window * 2 + 16);
    zmq_setsockopt(f.sock, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(f.sock, ZMQ_SNDHWM, &hwm, sizeof hwm);
    int rc = wt_endpoint_check(f.endpoint, false, NULL, 0, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "wiretag feed: --broker: %s\n", err);
    else if ((rc = wt_curve_setup_client(f.sock, &cfg, err, sizeof err)) != 0)
        fprintf(stderr, "wiretag feed: CURVE: %s\n", err);
    else {
        f.watch = wt_peer_watch_new(f.ctx, f.sock); /* tells a wrong port from a slow broker */
        if ((rc = zmq_connect(f.sock, f.endpoint)) != 0)
            fprintf(stderr, "wiretag feed: cannot connect to %s: %s\n", f.endpoint,
                    zmq_strerror(zmq_errno()));
    }
    if (rc != 0) {
        wt_peer_watch_destroy(&f.watch);
        zmq_close(f.sock);
        zmq_ctx_term(f.ctx);
        wt_config_free(&cfg);
        free(f.slots);
        free(paths);
        return 2;
    }

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = s_on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    wt_input_reader_t *in = wt_input_open(paths, npaths, &limits);
    wt_input_set_nonblocking(in, true);
    f.t0 = f.last_answer = wt_clock_ms();
    int status = 0;
    for (;;) {
        if (s_interrupted) {
            status = 130;
            break;
        }
        s_read_input(&f, in, &limits);
        if (wt_input_done(in) && f.inflight == 0) break;
        if (f.deadline_ms && wt_clock_ms() - f.t0 > f.deadline_ms) {
            status = 3;
            break;
        }
        zmq_pollitem_t items[2] = {{.socket = f.sock, .events = ZMQ_POLLIN}};
        int n = 1;
        int fd = wt_input_fd(in);
        if (fd >= 0 && s_next_slot(&f)) {
            items[1] = (zmq_pollitem_t){.fd = fd, .events = ZMQ_POLLIN};
            n = 2;
        }
        long timeout = 100;
        if (fd < 0 && !wt_input_done(in) && s_next_slot(&f))
            timeout = 0; /* a regular file: read on */
        zmq_poll(items, n, timeout);
        if (items[0].revents & ZMQ_POLLIN) s_handle_reply(&f);
        if (!f.fatal[0])
            wt_peer_watch_failed(f.watch, 3, f.endpoint, WT_ROLE_PRODUCERS, f.fatal,
                                 sizeof f.fatal);
        if (f.fatal[0]) {
            if (f.progress) fputs("\r\033[K", stderr);
            fprintf(stderr, "wiretag feed: %s\n", f.fatal);
            f.progress = false;
            status = 2;
            break;
        }
        s_retry_due(&f);
        if (f.progress) s_draw(&f, false);
    }
    if (f.progress) s_draw(&f, true);
    size_t repaired = wt_input_repaired(in);
    const char *sample = NULL;
    size_t skipped = wt_input_skipped(in, &sample);
    if (skipped)
        fprintf(stderr,
                "wiretag feed: %zu file(s) in the folder(s) skipped as not news items (README, "
                "LICENSE, binary), e.g. %s\n",
                skipped, sample);
    wt_input_close(&in);

    double el = (double)(wt_clock_ms() - f.t0) / 1000.0;
    if (!f.quiet || f.nfails || status)
        fprintf(stderr,
                "wiretag feed: %llu acknowledged (%llu already known), %zu failed, %llu resent, in "
                "%.1f s (%.0f items/s)\n",
                (unsigned long long)f.acked, (unsigned long long)f.dups, f.nfails,
                (unsigned long long)f.retries, el, el > 0 ? (double)f.acked / el : 0.0);
    if (repaired)
        fprintf(stderr,
                "wiretag feed: %zu invalid UTF-8 byte(s) in plain-text input replaced by U+FFFD\n",
                repaired);
    if (f.bad_dates)
        fprintf(stderr,
                "wiretag feed: %llu item(s) had a published date we could not read (ISO 8601 or "
                "RFC 2822 expected): sent with published null\n",
                (unsigned long long)f.bad_dates);
    if (f.nfails) {
        qsort(f.fails, f.nfails, sizeof *f.fails, s_fail_cmp);
        if (f.dead)
            fprintf(stderr,
                    "wiretag feed: %zu item(s) not accepted or, for %llu, dead letters "
                    "that will not be processed (`wiretag dead`):\n",
                    f.nfails, (unsigned long long)f.dead);
        else
            fprintf(stderr, "wiretag feed: %zu item(s) not accepted:\n", f.nfails);
        for (size_t i = 0; i < f.nfails; i++) {
            if (i == 100) {
                fprintf(stderr, "  ... and %zu more\n", f.nfails - 100);
                break;
            }
            fprintf(stderr, "  %s: %s: %s\n", f.fails[i].where, f.fails[i].code, f.fails[i].reason);
        }
        if (!status) status = 1;
    }
    if (status == 3 || status == 130 || (status == 2 && f.inflight))
        fprintf(stderr, "wiretag feed: %s with %zu item(s) unacknowledged\n",
                status == 3   ? "deadline passed"
                : status == 2 ? "stopped"
                              : "interrupted",
                f.inflight);
    for (size_t i = 0; i < f.cap; i++)
        if (f.slots[i].used) s_slot_free(&f, &f.slots[i]);
    for (size_t i = 0; i < f.nfails; i++) {
        free(f.fails[i].where);
        free(f.fails[i].code);
        free(f.fails[i].reason);
    }
    free(f.fails);
    free(f.slots);
    wt_peer_watch_destroy(&f.watch);
    zmq_close(f.sock);
    zmq_ctx_term(f.ctx);
    wt_config_free(&cfg);
    free(paths);
    return status;
}
