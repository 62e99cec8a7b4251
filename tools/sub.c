/*  sub.c: `wiretag sub` prints annotated results from a broker, in
    sequence order, each once, with no gap it could fill.

    The Clone pattern: the SUB socket is connected and subscribed first,
    then the missing past is asked for on the replay endpoint
    (REPLAY{from,count}, repeated until REPLAY_END says we are at the end).
    Results are printed strictly in order of their result sequence number:
    one below `next` is a duplicate (dropped), `next` itself is printed, one
    above `next` means a gap (the PUB socket dropped messages at its
    high-water mark, or we joined late): it is kept in a bounded pending
    table and a replay from `next` is requested. When the stream goes quiet
    a short replay probe catches a lost tail (the last messages of a burst
    leave no later message to reveal their loss).

    Without --from the first live result sets the start; --from SEQ starts
    at SEQ (1 = everything the journal still has).
*/
#include "cmds.h"
#include "readable.h"
#include "substate.h"
#include "wiretag/codec.h"
#include "wiretag/config.h"
#include "wiretag/curve.h"
#include "wiretag/json.h"
#include "wiretag/proto.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <zmq.h>

#define S_MAX_PENDING       4096 /* results held while a gap is filled (more are replayed) */
#define S_REPLAY_BATCH      1000
#define S_REPLAY_TIMEOUT_MS 5000
#define S_PROBE_IDLE_MS     1000

typedef struct {
    const char *actor, *country, *issue, *topic, *speaker;
    bool quotes;
} s_filter_t;

typedef struct {
    uint64_t seq;
    uint8_t *data;
    size_t size;
} s_pending_t;

typedef struct {
    const char *endpoint, *replay_ep;
    void *ctx, *sub, *ctl;
    uint64_t next; /* next result seq to print; 0 = not started */
    bool started;
    uint64_t count; /* stop after this many printed (0 = no limit) */
    uint64_t printed, seen, dups, gaps, replayed, filtered;
    double idle_s; /* exit after this long with nothing new (0 = never) */
    int mode;      /* 0 json, 1 readable */
    bool color;
    s_filter_t filter;
    s_pending_t *pending;
    size_t npending, pending_cap;
    bool replaying; /* a REPLAY is outstanding */
    uint64_t replay_corr;
    uint64_t replay_from; /* `from` of the outstanding REPLAY */
    int64_t replay_sent_ms;
    bool probe; /* the outstanding REPLAY is an idle probe */
    int64_t last_new_ms;
    bool want_replay;
    bool verbose;
    wt_buf_t out;
} s_sub_t;

static volatile sig_atomic_t s_interrupted = 0;

static void s_on_sigint(int sig)
{
    (void)sig;
    s_interrupted = 1;
}

static void s_usage(FILE *f)
{
    fprintf(f, "usage: wiretag sub [--broker EP] [--replay EP] [--from SEQ] [--count N]\n"
               "                   [--actor X] [--country ISO3] [--issue ID] [--topic ID]\n"
               "                   [--speaker X] [--quotes] [--json|--pretty] [--idle S]\n"
               "                   [--state FILE]\n\n"
               "Print annotated results in sequence order, each once. Gaps (a slow subscriber\n"
               "behind the high-water mark, a late start) are filled from the broker's journal.\n\n"
               "  --broker EP    subscriber endpoint (default tcp://127.0.0.1:5557)\n"
               "  --replay EP    replay endpoint (default tcp://127.0.0.1:5558)\n"
               "  -c FILE        configuration file (CURVE keys)\n"
               "  --from SEQ     start at result sequence SEQ (1 = all retained results);\n"
               "                 default: from the first live result\n"
               "  --state FILE   keep the last result handled in FILE and, when FILE\n"
               "                 exists, resume after it (instead of --from); a crash\n"
               "                 may repeat the last results printed, never skip one\n"
               "  --count N      exit after printing N results\n"
               "  --idle S       exit after S seconds without a new result\n"
               "  --actor X      only results with actor X (id or name, any case)\n"
               "  --country ISO3 only results with an actor of that country\n"
               "  --issue ID     only results with that issue id\n"
               "  --topic ID     only results with an issue under that CAP major topic\n"
               "  --speaker X    only results with a quote whose speaker is X (actor id, name\n"
               "                 or the speaker's words, any case)\n"
               "  --quotes       only results with at least one quote\n"
               "  --json         JSON Lines, one result per line (default)\n"
               "  --pretty       a readable form (--readable is the same)\n"
               "  --rcvhwm N     messages queued in this process before ZeroMQ drops\n"
               "                 (default 100000; drops are filled by replay)\n"
               "  -v             report gaps and replays on stderr\n");
}

static bool s_ieq(const char *a, const char *b)
{
    return a && b && strcasecmp(a, b) == 0;
}

static bool s_icontains(const char *hay, size_t n, const char *needle)
{
    size_t m = strlen(needle);
    if (!hay || m == 0 || m > n) return false;
    for (size_t i = 0; i + m <= n; i++)
        if (strncasecmp(hay + i, needle, m) == 0) return true;
    return false;
}

static const wt_actor_t *s_actor_by_id(const wt_result_t *r, const char *id)
{
    for (size_t i = 0; id && i < r->actor_count; i++)
        if (r->actors[i].id && strcmp(r->actors[i].id, id) == 0) return &r->actors[i];
    return NULL;
}

static bool s_match(const s_filter_t *f, const wt_result_t *r)
{
    if (f->actor) {
        bool ok = false;
        for (size_t i = 0; i < r->actor_count && !ok; i++)
            ok = s_ieq(r->actors[i].id, f->actor) || s_ieq(r->actors[i].name, f->actor);
        if (!ok) return false;
    }
    if (f->country) {
        bool ok = false;
        for (size_t i = 0; i < r->actor_count && !ok; i++)
            ok = s_ieq(r->actors[i].country, f->country);
        if (!ok) return false;
    }
    if (f->issue) {
        bool ok = false;
        for (size_t i = 0; i < r->issue_count && !ok; i++)
            ok = s_ieq(r->issues[i].id, f->issue);
        if (!ok) return false;
    }
    if (f->topic) {
        bool ok = false;
        for (size_t i = 0; i < r->issue_count && !ok; i++)
            ok = s_ieq(r->issues[i].topic, f->topic);
        if (!ok) return false;
    }
    if (f->quotes && r->quote_count == 0) return false;
    if (f->speaker) {
        bool ok = false;
        for (size_t i = 0; i < r->quote_count && !ok; i++) {
            const wt_quote_t *q = &r->quotes[i];
            if (!q->has_speaker) continue;
            const wt_actor_t *a = s_actor_by_id(r, q->speaker_actor);
            ok = s_ieq(q->speaker_actor, f->speaker) || (a && s_ieq(a->name, f->speaker));
            if (!ok && r->item.text && q->speaker.end <= r->item.text_len &&
                q->speaker.start < q->speaker.end)
                ok = s_icontains(r->item.text + q->speaker.start, q->speaker.end - q->speaker.start,
                                 f->speaker);
        }
        if (!ok) return false;
    }
    return true;
}

/* Print result rseq (already known to be `next`). */
static void s_emit(s_sub_t *s, uint64_t rseq, const uint8_t *data, size_t n)
{
    s->next = rseq + 1;
    s->last_new_ms = wt_clock_ms();
    wt_result_t res = {0};
    char err[256];
    int rc = wt_result_decode_ex(data, n, NULL, &res, err, sizeof err);
    if (rc < 0) {
        fprintf(stderr, "wiretag sub: result %llu does not decode (%s: %s), skipped\n",
                (unsigned long long)rseq, wt_errname(rc), err);
        return;
    }
    res.has_seq = true;
    res.seq = rseq;
    if (!s_match(&s->filter, &res)) {
        s->filtered++;
        wt_result_clear(&res);
        return;
    }
    wt_buf_reset(&s->out);
    if (s->mode == 0) {
        wt_result_to_json(&res, false, &s->out);
        wt_buf_append(&s->out, "\n", 1);
    } else {
        wt_readable_format(&res, s->color, &s->out);
        wt_buf_append(&s->out, "\n", 1);
    }
    fwrite(s->out.data, 1, s->out.size, stdout);
    fflush(stdout);
    s->printed++;
    wt_result_clear(&res);
}

static int s_pending_cmp(const void *a, const void *b)
{
    uint64_t x = ((const s_pending_t *)a)->seq, y = ((const s_pending_t *)b)->seq;
    return x < y ? -1 : x > y;
}

/* Print what the pending table now continues. */
static void s_flush_pending(s_sub_t *s)
{
    if (s->npending == 0) return;
    qsort(s->pending, s->npending, sizeof *s->pending, s_pending_cmp);
    size_t i = 0;
    for (; i < s->npending; i++) {
        s_pending_t *p = &s->pending[i];
        if (p->seq < s->next) {
            s->dups++;
        } else if (p->seq == s->next) {
            if (!(s->count && s->printed >= s->count)) s_emit(s, p->seq, p->data, p->size);
        } else
            break;
        free(p->data);
    }
    memmove(s->pending, s->pending + i, (s->npending - i) * sizeof *s->pending);
    s->npending -= i;
}

static void s_request_replay(s_sub_t *s, bool probe)
{
    if (s->replaying || !s->started) return;
    wt_proto_t m = {0};
    wt_proto_init(&m, WT_CMD_REPLAY);
    m.from = s->next;
    m.has |= WT_F_FROM;
    m.count = probe ? 100 : S_REPLAY_BATCH;
    m.has |= WT_F_COUNT;
    m.corr = ++s->replay_corr;
    m.has |= WT_F_CORR;
    int rc = wt_proto_send_to(s->ctl, NULL, 0, &m, NULL, 0, ZMQ_DONTWAIT);
    wt_proto_clear(&m);
    if (rc < 0) return;
    s->replaying = true;
    s->replay_from = s->next;
    s->probe = probe;
    s->replay_sent_ms = wt_clock_ms();
    if (s->verbose && !probe)
        fprintf(stderr, "wiretag sub: replay from %llu\n", (unsigned long long)s->next);
}

/* One result, live or replayed. */
static void s_result(s_sub_t *s, uint64_t rseq, const uint8_t *data, size_t n, bool live)
{
    s->seen++;
    if (!s->started) {
        s->started = true;
        s->next = rseq;
    }
    if (rseq < s->next) {
        s->dups++;
        return;
    }
    if (rseq == s->next) {
        if (!live) s->replayed++;
        s_emit(s, rseq, data, n);
        s_flush_pending(s);
        return;
    }
    /* a gap: keep this one, ask for the missing ones */
    if (live && s->npending == 0 && !s->replaying) {
        s->gaps++;
        if (s->verbose)
            fprintf(stderr, "wiretag sub: gap %llu..%llu\n", (unsigned long long)s->next,
                    (unsigned long long)rseq - 1);
    }
    if (s->npending < S_MAX_PENDING) {
        wt_grow(&s->pending, &s->pending_cap, s->npending + 1, sizeof *s->pending);
        s_pending_t *p = &s->pending[s->npending++];
        p->seq = rseq;
        p->data = wt_malloc(n ? n : 1);
        memcpy(p->data, data, n);
        p->size = n;
    } /* else: dropped; the replay brings it back */
    s->want_replay = true;
}

static void s_on_live(s_sub_t *s)
{
    for (int budget = 0; budget < 1024; budget++) {
        wt_proto_in_t in;
        int rc = wt_proto_recv(s->sub, true, ZMQ_DONTWAIT, &in);
        if (rc == -EAGAIN || rc == -EINTR) {
            wt_proto_in_close(&in);
            return;
        }
        if (rc == 0 && in.msg.cmd == WT_CMD_RESULT) {
            size_t n = 0;
            const uint8_t *p = wt_proto_in_payload(&in, &n);
            if (p) s_result(s, in.msg.seq, p, n, true);
        } else if (rc < 0)
            fprintf(stderr, "wiretag sub: bad message from the broker (%s), ignored\n",
                    wt_errname(rc));
        wt_proto_in_close(&in);
        if (s->count && s->printed >= s->count) return;
    }
}

static void s_on_ctl(s_sub_t *s)
{
    for (int budget = 0; budget < 4096; budget++) {
        wt_proto_in_t in;
        int rc = wt_proto_recv(s->ctl, false, ZMQ_DONTWAIT, &in);
        if (rc == -EAGAIN || rc == -EINTR) {
            wt_proto_in_close(&in);
            return;
        }
        if (rc < 0) {
            fprintf(stderr, "wiretag sub: bad reply on the replay endpoint (%s)\n", wt_errname(rc));
            wt_proto_in_close(&in);
            continue;
        }
        wt_proto_t *m = &in.msg;
        bool ours = !(m->has & WT_F_CORR) || m->corr == s->replay_corr;
        if (m->cmd == WT_CMD_RESULT && ours) {
            size_t n = 0;
            const uint8_t *p = wt_proto_in_payload(&in, &n);
            if (p) s_result(s, m->seq, p, n, false);
        } else if (m->cmd == WT_CMD_REPLAY_END && ours) {
            uint64_t asked = s->replay_from;
            s->replaying = false;
            if ((m->has & WT_F_FIRST) && m->first > s->next) {
                fprintf(stderr,
                        "wiretag sub: results %llu..%llu are no longer retained by the broker\n",
                        (unsigned long long)s->next, (unsigned long long)m->first - 1);
                s->next = m->first;
                s_flush_pending(s);
            }
            if (s->next == asked && m->next > asked && m->next <= m->last + 1) {
                /* the broker went past sequence numbers it does not have */
                fprintf(stderr, "wiretag sub: results %llu..%llu are missing from the journal\n",
                        (unsigned long long)asked, (unsigned long long)m->next - 1);
                s->next = m->next;
                s_flush_pending(s);
            }
            /* go on while batches make progress and the broker has more */
            s->want_replay = s->next > asked && m->last >= s->next;
        } else if (m->cmd == WT_CMD_ERROR || m->cmd == WT_CMD_NAK) {
            fprintf(stderr, "wiretag sub: replay refused: %s %s\n", m->code ? m->code : "?",
                    m->reason ? m->reason : "");
            s->replaying = false;
        }
        wt_proto_in_close(&in);
    }
}

static bool s_u64_arg(const char *str, uint64_t *out)
{
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(str, &end, 10);
    if (errno || !end || *end || end == str || str[0] == '-') return false;
    *out = v;
    return true;
}

int cmd_sub(int argc, char **argv)
{
    s_sub_t s = {.endpoint = "tcp://127.0.0.1:5557", .replay_ep = "tcp://127.0.0.1:5558"};
    bool have_from = false;
    int hwm = 100000;
    const char *config = NULL;
    uint64_t from = 0;
    const char *state = NULL;
    uint64_t saved = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool more = i + 1 < argc;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            s_usage(stdout);
            return 0;
        } else if (!strcmp(a, "--broker") && more)
            s.endpoint = argv[++i];
        else if (!strcmp(a, "--replay") && more)
            s.replay_ep = argv[++i];
        else if (!strcmp(a, "-c") && more)
            config = argv[++i];
        else if (!strcmp(a, "--from") && more && s_u64_arg(argv[i + 1], &from)) {
            have_from = true;
            i++;
        } else if (!strcmp(a, "--count") && more && s_u64_arg(argv[i + 1], &s.count))
            i++;
        else if (!strcmp(a, "--idle") && more && atof(argv[i + 1]) > 0)
            s.idle_s = atof(argv[++i]);
        else if (!strcmp(a, "--actor") && more)
            s.filter.actor = argv[++i];
        else if (!strcmp(a, "--country") && more)
            s.filter.country = argv[++i];
        else if (!strcmp(a, "--issue") && more)
            s.filter.issue = argv[++i];
        else if (!strcmp(a, "--topic") && more)
            s.filter.topic = argv[++i];
        else if (!strcmp(a, "--speaker") && more)
            s.filter.speaker = argv[++i];
        else if (!strcmp(a, "--quotes"))
            s.filter.quotes = true;
        else if (!strcmp(a, "--json"))
            s.mode = 0;
        else if (!strcmp(a, "--pretty") || !strcmp(a, "--readable"))
            s.mode = 1;
        else if (!strcmp(a, "-v"))
            s.verbose = true;
        else if (!strcmp(a, "--state") && more && *argv[i + 1])
            state = argv[++i];
        else if (!strcmp(a, "--rcvhwm") && more && atoi(argv[i + 1]) >= 0)
            hwm = atoi(argv[++i]);
        else {
            fprintf(stderr, "wiretag sub: unknown, incomplete or invalid option '%s'\n\n", a);
            s_usage(stderr);
            return 2;
        }
    }
    if (s.filter.topic && !wt_topic_valid(s.filter.topic)) {
        fprintf(stderr,
                "wiretag sub: --topic %s is not a CAP major topic (one of:", s.filter.topic);
        for (int i = 0; i < 21; i++)
            fprintf(stderr, " %s", wt_topics[i]);
        fprintf(stderr, ")\n");
        return 2;
    }
    char err[1024];
    if (state) {
        int src = wt_sub_state_load(state, &saved, err, sizeof err);
        if (src < 0) {
            fprintf(stderr, "wiretag sub: --state: %s\n", err);
            return 2;
        }
        if (src == 1) { /* resume after the saved position */
            have_from = true;
            from = saved + 1;
            if (s.verbose)
                fprintf(stderr, "wiretag sub: resuming after result %llu (%s)\n",
                        (unsigned long long)saved, state);
        }
    }
    wt_config_t cfg;
    wt_config_defaults(&cfg);
    if (config && wt_config_load(&cfg, config, err, sizeof err) != 0) {
        fprintf(stderr, "wiretag sub: %s\n", err);
        wt_config_free(&cfg);
        return 2;
    }
    s.color = s.mode == 1 && isatty(1);
    wt_buf_init(&s.out);
    s.ctx = zmq_ctx_new();
    s.sub = zmq_socket(s.ctx, ZMQ_SUB);
    s.ctl = zmq_socket(s.ctx, ZMQ_DEALER);
    int linger = 0;
    zmq_setsockopt(s.sub, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(s.sub, ZMQ_RCVHWM, &hwm, sizeof hwm);
    zmq_setsockopt(s.ctl, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(s.sub, ZMQ_SUBSCRIBE, WT_PROTO_TOPIC, strlen(WT_PROTO_TOPIC));
    int crc = wt_curve_setup_client(s.sub, &cfg, err, sizeof err);
    if (crc == 0) crc = wt_curve_setup_client(s.ctl, &cfg, err, sizeof err);
    wt_config_free(&cfg);
    if (crc != 0 || zmq_connect(s.sub, s.endpoint) != 0 || zmq_connect(s.ctl, s.replay_ep) != 0) {
        fprintf(stderr, "wiretag sub: %s%s\n",
                crc ? "CURVE: " : "cannot connect: ", crc ? err : zmq_strerror(zmq_errno()));
        zmq_close(s.sub);
        zmq_close(s.ctl);
        zmq_ctx_term(s.ctx);
        wt_buf_free(&s.out);
        return 2;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = s_on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    /* subscribed first; now the past */
    if (have_from) {
        s.started = true;
        s.next = from > 0 ? from : 1;
        s_request_replay(&s, false);
    }
    s.last_new_ms = wt_clock_ms();
    int status = 0;
    while (!s_interrupted) {
        if (state && s.next > saved + 1 && !ferror(stdout)) { /* output to next-1 flushed */
            if (wt_sub_state_save(state, s.next - 1, err, sizeof err) != 0) {
                fprintf(stderr, "wiretag sub: --state: %s\n", err);
                status = 1;
                break;
            }
            saved = s.next - 1;
        }
        if (s.count && s.printed >= s.count) break;
        if (ferror(stdout)) {
            status = 1; /* reader went away */
            break;
        }
        int64_t now = wt_clock_ms();
        if (s.idle_s > 0 && (double)(now - s.last_new_ms) / 1000.0 >= s.idle_s && !s.replaying)
            break;
        if (s.replaying && now - s.replay_sent_ms > S_REPLAY_TIMEOUT_MS) {
            fprintf(stderr, "wiretag sub: no answer from %s, asking again\n", s.replay_ep);
            s.replaying = false;
            s.want_replay = true;
        }
        if (s.want_replay && !s.replaying) {
            s.want_replay = false;
            s_request_replay(&s, false);
        } else if (!s.replaying && s.started && now - s.last_new_ms >= S_PROBE_IDLE_MS &&
                   now - s.replay_sent_ms >= S_PROBE_IDLE_MS)
            s_request_replay(&s, true); /* a lost tail shows up here */
        zmq_pollitem_t items[2] = {{.socket = s.sub, .events = ZMQ_POLLIN},
                                   {.socket = s.ctl, .events = ZMQ_POLLIN}};
        zmq_poll(items, 2, 100);
        if (items[1].revents & ZMQ_POLLIN) s_on_ctl(&s);
        if (items[0].revents & ZMQ_POLLIN) s_on_live(&s);
    }
    if (state && s.next > saved + 1 && !ferror(stdout) &&
        wt_sub_state_save(state, s.next - 1, err, sizeof err) != 0) {
        fprintf(stderr, "wiretag sub: --state: %s\n", err);
        status = 1;
    }
    if (s.verbose)
        fprintf(stderr,
                "wiretag sub: %llu printed, %llu filtered out, %llu duplicates dropped, %llu gaps, "
                "%llu from replay\n",
                (unsigned long long)s.printed, (unsigned long long)s.filtered,
                (unsigned long long)s.dups, (unsigned long long)s.gaps,
                (unsigned long long)s.replayed);
    for (size_t i = 0; i < s.npending; i++)
        free(s.pending[i].data);
    free(s.pending);
    wt_buf_free(&s.out);
    zmq_close(s.sub);
    zmq_close(s.ctl);
    zmq_ctx_term(s.ctx);
    return s_interrupted ? 130 : status;
}
