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
#include "natscmd.h"
#include "client.h"
#include "readable.h"
#include "substate.h"
#include "wiretag/cli.h"
#include "wiretag/codec.h"
#include "wiretag/config.h"
#include "wiretag/endpoint.h"
#include "wiretag/json.h"
#include "wiretag/proto.h"
#include "wiretag/signals.h"
#include "wiretag/vocab.h"

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
#define S_HELLO_CORR        (UINT64_C(1) << 62) /* the STATS sent at start */

typedef struct {
    const char *actor, *country, *issue, *topic, *speaker;
    const char *actor_name; /* any actor by name or id, dictionary or not */
    bool quotes;
    char canon[4][256]; /* actor, country, issue, topic as the dictionaries write them */
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
    int mode;      /* 0 JSON Lines, 1 readable, 2 indented JSON */
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
    wt_peer_watch_t *watch_sub, *watch_ctl;
    bool reached;          /* the broker answered or published something */
    uint64_t epoch;        /* the broker's journal identity (0 = not known yet) */
    int64_t last_heard_ms; /* when it last did */
    char fatal[1024];      /* set: an endpoint is of the wrong kind; stop (exit 2) */
    const char *state;     /* --state FILE, or NULL */
    uint64_t saved;        /* the position FILE holds */
    int64_t saved_ms;      /* --nats: when it was written */
    bool state_failed;     /* --nats: FILE could not be written (exit 1) */
} s_sub_t;

static void s_usage(FILE *f)
{
    fprintf(f,
            "usage: wiretag sub [--host HOST | --broker EP --replay EP] [--from SEQ] [--count N]\n"
            "                   [--actor X] [--country ISO3] [--issue ID] [--topic ID]\n"
            "                   [--speaker X] [--quotes] [--json|--pretty|--readable] [--idle S]\n"
            "                   [--state FILE]\n\n"
            "Print annotated results in sequence order, each once. Gaps (a slow subscriber\n"
            "behind the high-water mark, a late start) are filled from the broker's journal.\n\n"
            "  --host HOST    the broker's host (ports 5557 and 5558; default client.broker\n"
            "                 of -c FILE, else 127.0.0.1)\n"
            "  --broker EP    subscriber endpoint (default tcp://HOST:5557)\n"
            "  --replay EP    replay endpoint (default tcp://HOST:5558)\n"
            "  --nats URL     read the results stream of NATS JetStream instead; seq is\n"
            "                 its stream sequence (docs/NATS.md)\n"
            "  -c FILE        configuration file (CURVE keys)\n"
            "  --from SEQ     start at result sequence SEQ (1 = all retained results);\n"
            "                 default: from the first live result\n"
            "  --state FILE   keep the last result handled in FILE and, when FILE\n"
            "                 exists, resume after it (instead of --from); a crash\n"
            "                 may repeat the last results printed, never skip one\n"
            "  --count N      exit after printing N results\n"
            "  --idle S       exit after S seconds without a new result (exit 3 when\n"
            "                 the broker was not reached in that time)\n"
            "  --actor X      only results with dictionary actor X (id or name, any case;\n"
            "                 an unknown one is an error with a suggestion)\n"
            "  --actor-name X only results with an actor of that name or id, also one\n"
            "                 found outside the dictionary\n"
            "  --country ISO3 only results with an actor of that country (ISO 3166-1\n"
            "                 alpha-3 code or country name, any case)\n"
            "  --issue ID     only results with that issue (id or label, any case)\n"
            "  --topic ID     only results with an issue under that CAP major topic\n"
            "                 (any case; \"law crime\" = law_crime)\n"
            "  --speaker X    only results with a quote whose speaker is X (actor id, name\n"
            "                 or the speaker's words, any case)\n"
            "  --quotes       only results with at least one quote\n"
            "  --json         JSON Lines, one result per line (default)\n"
            "  --pretty       a readable form (--readable is the same)\n"
            "  --rcvhwm N     messages queued in this process before ZeroMQ drops\n"
            "                 (default 100000; drops are filled by replay)\n"
            "  -v             report gaps and replays on stderr\n\n"
            "Exit status: 0 done (--count reached, --idle passed), 1 output closed,\n"
            "2 usage error or an endpoint of the wrong kind, 3 broker not reached or\n"
            "lost within --idle, 130 interrupted.\n");
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

/* Which field of an actor or issue a filter looks at. */
enum { S_ACTOR_ID_NAME, S_ACTOR_COUNTRY, S_ISSUE_ID, S_ISSUE_TOPIC };

/* True when want is NULL (no such filter) or some actor / issue of r has
   it in field (any case). */
static bool s_any(const wt_result_t *r, int field, const char *want)
{
    if (!want) return true;
    bool actors = field == S_ACTOR_ID_NAME || field == S_ACTOR_COUNTRY;
    size_t n = actors ? r->actor_count : r->issue_count;
    for (size_t i = 0; i < n; i++) {
        const wt_actor_t *a = actors ? &r->actors[i] : NULL;
        const wt_issue_t *is = actors ? NULL : &r->issues[i];
        if (field == S_ACTOR_ID_NAME && (s_ieq(a->id, want) || s_ieq(a->name, want))) return true;
        if (field == S_ACTOR_COUNTRY && s_ieq(a->country, want)) return true;
        if (field == S_ISSUE_ID && s_ieq(is->id, want)) return true;
        if (field == S_ISSUE_TOPIC && s_ieq(is->topic, want)) return true;
    }
    return false;
}

static bool s_match(const s_filter_t *f, const wt_result_t *r)
{
    if (!s_any(r, S_ACTOR_ID_NAME, f->actor) || !s_any(r, S_ACTOR_ID_NAME, f->actor_name) ||
        !s_any(r, S_ACTOR_COUNTRY, f->country) || !s_any(r, S_ISSUE_ID, f->issue) ||
        !s_any(r, S_ISSUE_TOPIC, f->topic))
        return false;
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
    if (s->count && s->printed >= s->count) return; /* --count reached: print no more */
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
    if (s->mode != 1) {
        wt_result_to_json(&res, s->mode == 2, &s->out);
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
            s_emit(s, p->seq, p->data, p->size);
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

/* A message that carries the journal's identity: a new one means a new
   journal whose sequence numbers start again at 1 (a broker moved to a
   fresh journal). Everything of the new journal is then fetched from 1,
   instead of being taken for duplicates. */
static void s_check_epoch(s_sub_t *s, const wt_proto_t *m)
{
    if (!(m->has & WT_F_EPOCH) || m->epoch == 0 || m->epoch == s->epoch) return;
    if (s->epoch == 0) {
        s->epoch = m->epoch;
        return;
    }
    fprintf(stderr,
            "wiretag sub: the broker's journal changed (id %llx -> %llx): its result sequence "
            "starts again; following the new one from 1 (was at %llu)\n",
            (unsigned long long)s->epoch, (unsigned long long)m->epoch,
            (unsigned long long)s->next);
    s->epoch = m->epoch;
    for (size_t i = 0; i < s->npending; i++)
        free(s->pending[i].data);
    s->npending = 0;
    s->started = true;
    s->next = 1;
    s->replaying = false; /* answers to the old request are ignored by corr */
    s->replay_corr++;
    s->want_replay = true;
}

static void s_on_live(s_sub_t *s)
{
    wt_proto_in_t in;
    int rc;
    for (int budget = 0; budget < 1024 && wt_client_next(s->sub, true, &in, &rc); budget++) {
        if (rc == 0) {
            s->reached = true;
            s->last_heard_ms = wt_clock_ms();
        }
        if (rc == 0 && in.msg.cmd == WT_CMD_RESULT) {
            s_check_epoch(s, &in.msg);
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
    wt_proto_in_t in;
    int rc;
    for (int budget = 0; budget < 4096 && wt_client_next(s->ctl, false, &in, &rc); budget++) {
        if (rc < 0) {
            fprintf(stderr, "wiretag sub: bad reply on the replay endpoint (%s)\n", wt_errname(rc));
            wt_proto_in_close(&in);
            continue;
        }
        wt_proto_t *m = &in.msg;
        s->reached = true;
        s->last_heard_ms = wt_clock_ms();
        bool ours = !(m->has & WT_F_CORR) || m->corr == s->replay_corr;
        if (ours && (m->cmd == WT_CMD_RESULT || m->cmd == WT_CMD_REPLAY_END)) {
            uint64_t before = s->epoch;
            s_check_epoch(s, m);
            if (before && s->epoch != before) { /* this answer was about the old journal's seqs */
                wt_proto_in_close(&in);
                continue;
            }
        }
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
        } else if (wt_endpoint_refused(m, WT_ROLE_REPLAY, s->replay_ep, s->fatal,
                                       sizeof s->fatal)) {
            wt_proto_in_close(&in);
            return;
        } else if (m->cmd == WT_CMD_ERROR || m->cmd == WT_CMD_NAK) {
            fprintf(stderr, "wiretag sub: %s refused: %s %s\n",
                    m->corr == S_HELLO_CORR ? "the first question (STATS)" : "replay",
                    m->code ? m->code : "?", m->reason ? m->reason : "");
            if (ours) s->replaying = false; /* the outstanding REPLAY got its answer */
        }
        wt_proto_in_close(&in);
    }
}

/* --state: write the position of what is printed (output to next-1 is
   flushed) when it moved; false (said on stderr) when FILE cannot be
   written */
static bool s_save_position(s_sub_t *s)
{
    if (!s->state || s->next <= s->saved + 1 || ferror(stdout)) return true;
    char err[1024];
    if (wt_sub_state_save(s->state, s->next - 1, err, sizeof err) != 0) {
        fprintf(stderr, "wiretag sub: --state: %s\n", err);
        return false;
    }
    s->saved = s->next - 1;
    return true;
}

/* --nats --state: the position at most every 200 ms while results flow, at
   once when they pause */
static bool s_nats_save(s_sub_t *s, bool now)
{
    int64_t t = wt_clock_ms();
    if (!now && t - s->saved_ms < 200) return true;
    if (!s_save_position(s)) {
        s->state_failed = true;
        return false;
    }
    s->saved_ms = t;
    return true;
}

/* --nats: results arrive in stream order, each once (tools/nats.c) */
static bool s_nats_result(void *arg, uint64_t seq, const uint8_t *data, size_t n)
{
    s_sub_t *s = arg;
    if (data) s_emit(s, seq, data, n);
    if (!s_nats_save(s, !data)) return false;
    return !wt_signals_stopping() && !(s->count && s->printed >= s->count) && !ferror(stdout);
}

static int s_run_nats(s_sub_t *s, wt_config_t *cfg, const char *urls, uint64_t from)
{
    wt_signals_catch(NULL, WT_SIG_NOPIPE);
    int rc = wt_sub_nats(cfg, urls, from, s->idle_s, s->verbose, s_nats_result, s);
    if (!s->state_failed) s_nats_save(s, true);
    wt_config_free(cfg);
    wt_buf_free(&s->out);
    if (s->verbose)
        fprintf(stderr, "wiretag sub: %llu printed, %llu filtered out\n",
                (unsigned long long)s->printed, (unsigned long long)s->filtered);
    if (s->state_failed) return 1;
    return rc ? rc : wt_signals_stopping() ? 130 : ferror(stdout) ? 1 : 0;
}

/* Check --actor/--country/--issue/--topic against the dictionaries and
   replace them by their canonical form. Prints what is wrong. */
static int s_check_filters(s_filter_t *f, const wt_config_t *cfg)
{
    const char **vals[4] = {&f->actor, &f->country, &f->issue, &f->topic};
    static const char *const names[4] = {"--actor", "--country", "--issue", "--topic"};
    static const wt_vocab_kind_t kinds[4] = {WT_VOCAB_ACTOR, WT_VOCAB_COUNTRY, WT_VOCAB_ISSUE,
                                             WT_VOCAB_TOPIC};
    wt_vocab_t *vocab = NULL;
    bool need = f->actor || f->country || f->issue;
    char err[1024];
    if (need && !(vocab = wt_vocab_new(cfg, err, sizeof err)))
        fprintf(stderr,
                "wiretag sub: cannot read the dictionaries to check the filters (%s); they are "
                "used as given\n",
                err);
    int rc = 0;
    for (int k = 0; k < 4; k++) {
        if (!*vals[k] || (kinds[k] != WT_VOCAB_TOPIC && !vocab)) continue;
        char suggest[256];
        if (wt_vocab_resolve(vocab, kinds[k], *vals[k], f->canon[k], sizeof f->canon[k], suggest,
                             sizeof suggest) == 0) {
            *vals[k] = f->canon[k];
            continue;
        }
        fprintf(stderr, "wiretag sub: %s %s: not %s", names[k], *vals[k],
                k == 0   ? "an actor of the dictionary"
                : k == 1 ? "a country code (ISO 3166-1 alpha-3) or country name"
                : k == 2 ? "an issue of the taxonomy"
                         : "a CAP major topic");
        if (suggest[0]) fprintf(stderr, "; did you mean %s?", suggest);
        if (k == 0) fprintf(stderr, " (--actor-name matches actors outside the dictionary too)");
        if (k == 3) {
            fprintf(stderr, "\n  topics:");
            for (int i = 0; i < 21; i++)
                fprintf(stderr, " %s", wt_topics[i]);
        }
        fprintf(stderr, "\n");
        rc = 2;
    }
    wt_vocab_destroy(&vocab);
    return rc;
}

static bool s_nonempty(const char *value, void *out)
{
    *(const char **)out = value;
    return *value != 0;
}

typedef struct {
    const char *url_sub, *url_replay, *host, *config, *nats, *state;
    bool have_from;
    uint64_t from, saved, hwm;
} s_args_t;

/* The command line into a and s; -1 to go on, else the exit status. */
static int s_parse(s_args_t *a, s_sub_t *s, int argc, char **argv)
{
    s_filter_t *f = &s->filter;
    const wt_opt_t opts[] = {
        WT_OPT_STR_ROW("--broker", &a->url_sub, "an endpoint, e.g. tcp://127.0.0.1:5557"),
        WT_OPT_STR_ROW("--replay", &a->url_replay, "an endpoint, e.g. tcp://127.0.0.1:5558"),
        WT_OPT_STR_ROW("--host", &a->host, "the broker's host name or address"),
        WT_OPT_STR_ROW("--nats", &a->nats, NULL),
        WT_OPT_STR_ROW("-c", &a->config, "a configuration file"),
        {.name = "--from",
         .kind = WT_OPT_U64,
         .out = &a->from,
         .given = &a->have_from,
         .wants = "a result sequence number (a whole number, 1 = everything retained)"},
        {.name = "--count",
         .kind = WT_OPT_U64,
         .out = &s->count,
         .wants = "a whole number of results (0 = no limit)"},
        {.name = "--idle",
         .kind = WT_OPT_SECONDS,
         .out = &s->idle_s,
         .wants = "a number of seconds greater than 0 (e.g. 2 or 0.5)"},
        WT_OPT_STR_ROW("--actor", &f->actor, "an actor id or name"),
        WT_OPT_STR_ROW("--actor-name", &f->actor_name, "an actor name or id"),
        WT_OPT_STR_ROW("--country", &f->country, "an ISO 3166-1 alpha-3 code such as USA"),
        WT_OPT_STR_ROW("--issue", &f->issue, "an issue id or label"),
        WT_OPT_STR_ROW("--topic", &f->topic, "a CAP major topic id such as defense"),
        WT_OPT_STR_ROW("--speaker", &f->speaker, "a speaker's actor id, name or words"),
        WT_OPT_FLAG_ROW("--quotes", &f->quotes),
        WT_OPT_SET_ROW("--json", &s->mode, 0),
        WT_OPT_SET_ROW("--readable", &s->mode, 1),
        WT_OPT_SET_ROW("--pretty", &s->mode, 2), /* indented JSON, as for annotate */
        WT_OPT_FLAG_ROW("-v", &s->verbose),
        WT_OPT_FN_ROW("--state", &a->state, s_nonempty, NULL),
        {.name = "--rcvhwm",
         .kind = WT_OPT_U64,
         .out = &a->hwm,
         .hi = INT32_MAX,
         .wants = "a whole number of messages (0 = no limit)"},
    };
    const wt_cli_t cli = {.prog = "wiretag sub", .usage = s_usage, WT_CLI_TABLE(opts)};
    int rc = wt_cli_args(&cli, argc, argv);
    if (rc >= 0) return rc;
    if (a->state) {
        char serr[1024];
        int src = wt_sub_state_load(a->state, &a->saved, serr, sizeof serr);
        if (src < 0) {
            fprintf(stderr, "wiretag sub: --state: %s\n", serr);
            return 2;
        }
        if (src == 1) { /* resume after the saved position */
            a->have_from = true;
            a->from = a->saved + 1;
            if (s->verbose)
                fprintf(stderr, "wiretag sub: resuming after result %llu (%s)\n",
                        (unsigned long long)a->saved, a->state);
        }
    }
    return -1;
}

/* The configuration, the endpoints and the filters; 0 or 2 after saying
   why. */
static int s_configure(s_sub_t *s, const s_args_t *a, wt_config_t *cfg, char *ep_sub,
                       char *ep_replay, size_t eplen)
{
    char err[1024];
    if (wt_cli_config("wiretag sub", a->config, cfg) != 0) return 2;
    if (wt_endpoint_pick(a->url_sub, a->host, cfg->client_broker, WT_ROLE_SUBSCRIBERS, ep_sub,
                         eplen, err, sizeof err) != 0 ||
        wt_endpoint_pick(a->url_replay, a->host, cfg->client_broker, WT_ROLE_REPLAY, ep_replay,
                         eplen, err, sizeof err) != 0) {
        fprintf(stderr, "wiretag sub: %s\n", err);
        return 2;
    }
    s->endpoint = ep_sub;
    s->replay_ep = ep_replay;
    if (s_check_filters(&s->filter, cfg) != 0) return 2;
    s->color = s->mode == 1 && isatty(1);
    return 0;
}

/* The two sockets, connected; 0 or 2 after saying why. */
static int s_connect(s_sub_t *s, const wt_config_t *cfg, int hwm)
{
    s->ctx = zmq_ctx_new();
    s->sub = wt_client_socket(s->ctx, ZMQ_SUB);
    s->ctl = wt_client_socket(s->ctx, ZMQ_DEALER);
    zmq_setsockopt(s->sub, ZMQ_RCVHWM, &hwm, sizeof hwm);
    zmq_setsockopt(s->sub, ZMQ_SUBSCRIBE, WT_PROTO_TOPIC, strlen(WT_PROTO_TOPIC));
    char err[1024];
    int step =
        wt_client_connect(s->ctx, s->sub, s->endpoint, true, cfg, &s->watch_sub, err, sizeof err);
    if (step == WT_CLIENT_OK)
        step = wt_client_connect(s->ctx, s->ctl, s->replay_ep, true, cfg, &s->watch_ctl, err,
                                 sizeof err);
    if (step == WT_CLIENT_OK) return 0;
    fprintf(stderr, "wiretag sub: %s%s\n",
            step == WT_CLIENT_CURVE     ? "CURVE: "
            : step == WT_CLIENT_CONNECT ? "cannot connect: "
                                        : "",
            err);
    return 2;
}

/* One question at once, whatever the options: its answer proves that the
   replay endpoint is a broker's (or its refusal says what it is). Then,
   subscribed first, the past. */
static void s_start(s_sub_t *s, const s_args_t *a)
{
    wt_proto_t hello = {0};
    wt_proto_init(&hello, WT_CMD_STATS);
    hello.corr = S_HELLO_CORR;
    hello.has |= WT_F_CORR;
    wt_proto_send_to(s->ctl, NULL, 0, &hello, NULL, 0, ZMQ_DONTWAIT);
    wt_proto_clear(&hello);
    if (a->have_from) {
        s->started = true;
        s->next = a->from > 0 ? a->from : 1;
        s_request_replay(s, false);
    }
}

/* Time-driven checks of one turn: -1 to go on, else the exit status. */
static int s_tick(s_sub_t *s, int64_t t0, bool *warned)
{
    int64_t now = wt_clock_ms();
    if (!s->reached && !*warned && now - t0 >= S_REPLAY_TIMEOUT_MS) {
        fprintf(stderr,
                "wiretag sub: no answer from %s yet; still trying (is the broker running? "
                "is the address right?)\n",
                s->replay_ep);
        *warned = true;
    }
    if (s->idle_s > 0 && (double)(now - s->last_new_ms) / 1000.0 >= s->idle_s) {
        if (!s->reached) {
            fprintf(stderr,
                    "wiretag sub: no answer from the broker (%s, %s) in %g s: is it "
                    "running? is the address right?\n",
                    s->endpoint, s->replay_ep, s->idle_s);
            return 3;
        }
        if (!s->replaying) return 0;
        if ((double)(now - s->last_heard_ms) / 1000.0 >= s->idle_s) {
            fprintf(stderr,
                    "wiretag sub: the broker stopped answering (%s); results from %llu on "
                    "were not received\n",
                    s->replay_ep, (unsigned long long)s->next);
            return 3;
        }
    }
    if (s->replaying && now - s->replay_sent_ms > S_REPLAY_TIMEOUT_MS) {
        fprintf(stderr, "wiretag sub: no answer from %s, asking again\n", s->replay_ep);
        s->replaying = false;
        s->want_replay = true;
    }
    if (s->want_replay && !s->replaying) {
        s->want_replay = false;
        s_request_replay(s, false);
    } else if (!s->replaying && s->started && now - s->last_new_ms >= S_PROBE_IDLE_MS &&
               now - s->replay_sent_ms >= S_PROBE_IDLE_MS)
        s_request_replay(s, true); /* a lost tail shows up here */
    return -1;
}

/* Print until done; the exit status. */
static int s_loop(s_sub_t *s)
{
    int64_t t0 = wt_clock_ms();
    s->last_new_ms = t0;
    bool warned = false;
    while (!wt_signals_stopping()) {
        if (!s_save_position(s)) return 1;
        if (s->count && s->printed >= s->count) return 0;
        if (ferror(stdout)) return 1; /* reader went away */
        int status = s_tick(s, t0, &warned);
        if (status >= 0) return status;
        zmq_pollitem_t items[2] = {{.socket = s->sub, .events = ZMQ_POLLIN},
                                   {.socket = s->ctl, .events = ZMQ_POLLIN}};
        zmq_poll(items, 2, 100);
        if (items[1].revents & ZMQ_POLLIN) s_on_ctl(s);
        if (items[0].revents & ZMQ_POLLIN) s_on_live(s);
        if (!s->fatal[0])
            wt_peer_watch_failed(s->watch_sub, 3, s->endpoint, WT_ROLE_SUBSCRIBERS, s->fatal,
                                 sizeof s->fatal);
        if (!s->fatal[0])
            wt_peer_watch_failed(s->watch_ctl, 3, s->replay_ep, WT_ROLE_REPLAY, s->fatal,
                                 sizeof s->fatal);
        if (s->fatal[0]) {
            fprintf(stderr, "wiretag sub: %s\n", s->fatal);
            return 2;
        }
    }
    return 0;
}

static void s_close(s_sub_t *s)
{
    for (size_t i = 0; i < s->npending; i++)
        free(s->pending[i].data);
    free(s->pending);
    wt_buf_free(&s->out);
    wt_client_close(NULL, s->sub, &s->watch_sub);
    wt_client_close(s->ctx, s->ctl, &s->watch_ctl);
}

int cmd_sub(int argc, char **argv)
{
    s_sub_t s = {0};
    s_args_t a = {.hwm = 100000};
    int status = s_parse(&a, &s, argc, argv);
    if (status >= 0) return status;
    wt_config_t cfg;
    char ep_sub[600], ep_replay[600];
    if (s_configure(&s, &a, &cfg, ep_sub, ep_replay, sizeof ep_sub) != 0) {
        wt_config_free(&cfg);
        return 2;
    }
    wt_buf_init(&s.out);
    s.state = a.state;
    s.saved = a.saved;
    if (a.nats) return s_run_nats(&s, &cfg, a.nats, a.have_from ? (a.from ? a.from : 1) : 0);
    status = s_connect(&s, &cfg, (int)a.hwm);
    wt_config_free(&cfg);
    if (status != 0) {
        s_close(&s);
        return status;
    }
    wt_signals_catch(NULL, WT_SIG_NOPIPE);
    s_start(&s, &a);
    status = s_loop(&s);
    if (!s_save_position(&s)) status = 1;
    if (s.verbose)
        fprintf(stderr,
                "wiretag sub: %llu printed, %llu filtered out, %llu duplicates dropped, %llu gaps, "
                "%llu from replay\n",
                (unsigned long long)s.printed, (unsigned long long)s.filtered,
                (unsigned long long)s.dups, (unsigned long long)s.gaps,
                (unsigned long long)s.replayed);
    s_close(&s);
    return wt_signals_stopping() ? 130 : status;
}
