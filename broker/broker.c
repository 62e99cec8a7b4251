/*  broker.c: the broker's loop and its producer, subscriber and replay
    sides (the worker side is workers.c).

    Producers: PUT -> validate (wt_item_decode with our limits) -> journal
    -> ACK with the item seq (or NAK with an error name). PUTs that arrive
    together are journaled in one transaction and one fsync (group commit)
    and acknowledged only after it. Results: journaled with a new result seq
    in the same turn as the DONE, then published once on XPUB in that
    order. Replay and control: REPLAY / DEAD read the journal, STATS
    reports figures. Anything malformed is answered (NAK / ERROR), counted
    and logged once here, where the decision is made.
*/
#include "broker.h"

#include <math.h>
#include <msgpack.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "wiretag/curve.h"
#include "wiretag/endpoint.h"
#include "wiretag/log.h"

/* ------------------------------------------------------------ logging */

static const char *const s_levels[] = {"error", "warn", "info", "debug"};

void wt_broker_log(wt_broker_t *self, int level, const char *sock, const char *peer,
                   const char *cmd, int code, const char *fmt, ...)
{
    if (level > self->log_level) return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* the shared format (wiretag/log.h): "TS broker LEVEL SOCK peer= cmd= CODE msg" */
    const wt_log_kv_t kv[] = {{"_sock", sock},
                              {"peer", peer ? peer : "-"},
                              {"cmd", cmd ? cmd : "-"},
                              {"_code", code ? wt_errname(code) : "OK"}};
    wt_log_write("broker", level, kv, 4, msg);
}

void wt_broker_count(wt_broker_t *self, const char *name)
{
    for (size_t i = 0; i < self->counter_count; i++)
        if (strcmp(self->counters[i].name, name) == 0) {
            self->counters[i].count++;
            return;
        }
    if (self->counter_count < sizeof self->counters / sizeof self->counters[0]) {
        /* names come from wt_errname() or literals: static storage */
        self->counters[self->counter_count].name = name;
        self->counters[self->counter_count++].count = 1;
    }
}

void wt_broker_fatal(wt_broker_t *self, const char *what, int code)
{
    wt_broker_log(self, 0, "journal", "-", what, code,
                  "journal write or fsync failed: stopping so that nothing unsure is "
                  "acknowledged; check the disk (dmesg), then restart: it resumes from the "
                  "journal");
    wt_journal_abort(self->journal);
    *self->stop_flag = 2;
}

/* ------------------------------------------------------------ producers table */

static struct wt_prod *s_prod_slot(wt_broker_t *self, uint64_t tag, bool create)
{
    if (create && (self->prod_used + 1) * 2 > self->prod_cap) { /* rehash */
        size_t ncap = self->prod_cap ? self->prod_cap * 2 : 64;
        struct wt_prod *n = wt_calloc(ncap, sizeof *n);
        for (size_t i = 0; i < self->prod_cap; i++)
            if (self->prods[i].count) {
                size_t h = self->prods[i].tag & (ncap - 1);
                while (n[h].count)
                    h = (h + 1) & (ncap - 1);
                n[h] = self->prods[i];
            }
        free(self->prods);
        self->prods = n;
        self->prod_cap = ncap;
    }
    if (!self->prod_cap) return NULL;
    size_t h = tag & (self->prod_cap - 1);
    while (self->prods[h].count) {
        if (self->prods[h].tag == tag) return &self->prods[h];
        h = (h + 1) & (self->prod_cap - 1);
    }
    return create ? &self->prods[h] : NULL;
}

uint64_t wt_broker_producer_count(wt_broker_t *self, uint64_t tag)
{
    struct wt_prod *p = s_prod_slot(self, tag, false);
    return p ? p->count : 0;
}

void wt_broker_producer_add(wt_broker_t *self, uint64_t tag, int64_t delta)
{
    if (tag == 0) return;
    struct wt_prod *p = s_prod_slot(self, tag, delta > 0);
    if (!p) return; /* not counted (accepted before a restart) */
    if (delta > 0) {
        if (!p->count) {
            p->tag = tag;
            self->prod_used++;
        }
        p->count += (uint64_t)delta;
        return;
    }
    if (p->count > (uint64_t)-delta) {
        p->count -= (uint64_t)-delta;
        return;
    }
    /* count reaches zero: remove with backward-shift deletion */
    size_t i = (size_t)(p - self->prods), mask = self->prod_cap - 1;
    self->prods[i].count = 0;
    self->prod_used--;
    for (size_t j = (i + 1) & mask; self->prods[j].count; j = (j + 1) & mask) {
        size_t home = self->prods[j].tag & mask;
        /* move j back into the hole at i when its home is not in (i, j] */
        bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
        if (!stays) {
            self->prods[i] = self->prods[j];
            self->prods[j].count = 0;
            i = j;
        }
    }
}

/* ------------------------------------------------------------ publish */

void wt_broker_publish(wt_broker_t *self, uint64_t rseq, uint64_t seq, const char *id,
                       const uint8_t *payload, size_t n)
{
    wt_grow(&self->pending, &self->pending_cap, self->pending_count + 1, sizeof *self->pending);
    struct wt_pending *p = &self->pending[self->pending_count++];
    p->rseq = rseq;
    p->seq = seq;
    p->id_off = self->pending_data.size;
    wt_buf_append(&self->pending_data, id ? id : "", strlen(id ? id : "") + 1);
    p->pay_off = self->pending_data.size;
    p->pay_len = n;
    wt_buf_append(&self->pending_data, payload, n);
}

void wt_broker_hold(wt_broker_t *self, uint64_t seq, uint64_t producer, const char *id,
                    const uint8_t *payload, size_t n)
{
    wt_grow(&self->held, &self->held_cap, self->held_count + 1, sizeof *self->held);
    struct wt_held *h = &self->held[self->held_count++];
    h->seq = seq;
    h->producer = producer;
    h->id_off = self->held_data.size;
    wt_buf_append(&self->held_data, id ? id : "", strlen(id ? id : "") + 1);
    h->pay_off = self->held_data.size;
    h->pay_len = n;
    wt_buf_append(&self->held_data, payload, n);
    self->n_held_total++;
}

/* The results of this turn could not be committed (a full disk): keep
   them for later instead of publishing them. Their items are still
   unfinished in the journal. */
static void s_hold_pending(wt_broker_t *self)
{
    for (size_t i = 0; i < self->pending_count; i++) {
        struct wt_pending *p = &self->pending[i];
        uint64_t producer = 0;
        wt_jitem_t it;
        if (wt_journal_item(self->journal, p->seq, &it) == 0) producer = it.producer;
        wt_broker_hold(self, p->seq, producer, (const char *)self->pending_data.data + p->id_off,
                       self->pending_data.data + p->pay_off, p->pay_len);
    }
    self->pending_count = 0;
    wt_buf_reset(&self->pending_data);
}

static void s_publish_now(wt_broker_t *self, uint64_t rseq, uint64_t seq, const char *id,
                          const uint8_t *payload, size_t n);

void wt_broker_hold_pending(wt_broker_t *self)
{
    s_hold_pending(self);
}

int wt_broker_commit(wt_broker_t *self, bool durable)
{
    int rc = wt_journal_commit(self->journal, durable);
    if (rc && self->pending_count) { /* the results of the turn went with it */
        if (rc == -ENOSPC)
            s_hold_pending(self);
        else
            wt_broker_fatal(self, "result", rc);
    }
    return rc;
}

/* Journal the held results again (after retention made room): those that
   fit are committed durably and published; the rest wait. */
static void s_retry_held(wt_broker_t *self)
{
    if (!self->held_count || *self->stop_flag) return;
    size_t deleted = 0;
    wt_journal_retain(self->journal, wt_journal_now(self->journal), 10000, &deleted);
    size_t n = 0;
    uint64_t rseqs[256];
    while (n < self->held_count && n < 256) {
        struct wt_held *h = &self->held[n];
        int rc = wt_journal_done(self->journal, h->seq, self->held_data.data + h->pay_off,
                                 h->pay_len, wt_journal_now(self->journal), &rseqs[n]);
        if (rc == WT_ESEQ) { /* finished meanwhile */
            rseqs[n] = 0;
        } else if (rc) {
            return; /* still full: the transaction went, all of them wait */
        }
        n++;
    }
    if (!n) return;
    int rc = wt_journal_commit(self->journal, true);
    if (rc) return; /* still full: all of them wait */
    for (size_t i = 0; i < n; i++) {
        struct wt_held *h = &self->held[i];
        if (!rseqs[i]) continue;
        wt_broker_producer_add(self, h->producer, -1);
        self->n_done++;
        s_publish_now(self, rseqs[i], h->seq, (const char *)self->held_data.data + h->id_off,
                      self->held_data.data + h->pay_off, h->pay_len);
    }
    memmove(self->held, self->held + n, (self->held_count - n) * sizeof *self->held);
    self->held_count -= n;
    if (!self->held_count) {
        wt_buf_reset(&self->held_data);
        wt_broker_log(self, 2, "journal", "-", "FULL", 0,
                      "results journaled again: dispatch resumes");
    }
}

/* Send one journaled result to subscribers. */
static void s_publish_now(wt_broker_t *self, uint64_t rseq, uint64_t seq, const char *id,
                          const uint8_t *payload, size_t n)
{
    wt_proto_t m = {0};
    wt_proto_init(&m, WT_CMD_RESULT);
    m.has |= WT_F_SEQ | WT_F_JOB | WT_F_EPOCH;
    m.seq = rseq;
    m.job = seq;
    m.epoch = self->epoch;
    if (id && *id) wt_proto_set_id(&m, id);
    /* XPUB without NODROP never blocks: a subscriber at its high-water mark
       loses the message and sees a gap in seq, which it fills by REPLAY */
    int rc = wt_proto_send_to(self->subscribers, WT_PROTO_TOPIC, strlen(WT_PROTO_TOPIC), &m,
                              payload, n, ZMQ_DONTWAIT);
    wt_proto_clear(&m);
    if (rc) {
        self->n_publish_errors++;
        wt_broker_log(self, 1, "subscribers", "-", "RESULT", rc, "rseq=%llu not published",
                      (unsigned long long)rseq);
    } else {
        self->n_published++;
    }
}

/* ------------------------------------------------------------ producers */

typedef struct {
    uint8_t identity[WT_PROTO_MAX_ENVELOPE];
    size_t identity_len;
    wt_proto_t reply;
    uint64_t tag; /* producer tag of a new item (for rollback) */
    bool fresh;   /* a new item journaled in this batch */
} s_reply_t;

static void s_nak(s_reply_t *r, const wt_proto_t *req, int code, const char *reason)
{
    wt_proto_init(&r->reply, WT_CMD_NAK);
    if (req && (req->has & WT_F_CORR)) {
        r->reply.has |= WT_F_CORR;
        r->reply.corr = req->corr;
    }
    wt_proto_set_error(&r->reply, code, reason);
    wt_proto_set_role(&r->reply, "producers"); /* a client on the wrong port learns it */
    r->fresh = false;
}

/* How much the journal can still take (free map, free disk: the smaller),
   less a reserve for the results of the unfinished items (a result is
   about 3 times its item) and a margin for bookkeeping. PUTs of this turn
   are admitted while room_left lasts. */
void wt_broker_room(wt_broker_t *self)
{
    wt_journal_stats_t js;
    wt_journal_stats(self->journal, &js);
    int64_t room = js.map_room_bytes < js.disk_room_bytes ? js.map_room_bytes : js.disk_room_bytes;
    /* the margin covers LMDB's copy-on-write pages of a loop turn (pages
       freed by a commit are reused only by later ones) */
    int64_t margin = js.map_bytes / 16; /* 1/16 of the map, 256 KiB to 64 MiB */
    if (margin < (int64_t)256 << 10) margin = (int64_t)256 << 10;
    if (margin > (int64_t)64 << 20) margin = (int64_t)64 << 20;
    self->room_bytes = room;
    self->room_reserve = 3 * js.payload_bytes + margin;
    self->room_left = room - self->room_reserve;
    self->journal_nearly_full = self->room_left <= 0 || self->held_count > 0 || js.open_full;
    self->room_limit = js.disk_room_bytes < js.map_room_bytes ? "disk" : "map";
    self->journal_full = self->journal_nearly_full ? self->room_limit : NULL;
}

/* A PUT refused because the journal is full: logged at most once a second
   with the number of refusals since. */
static void s_log_full(wt_broker_t *self, const char *peer)
{
    self->n_full_refused++;
    wt_broker_count(self, "journal_full");
    int64_t now = wt_clock_ms();
    if (self->full_log_ms && now - self->full_log_ms < 1000) {
        self->full_quiet++;
        return;
    }
    wt_broker_log(self, 1, "producers", peer, "PUT", WT_EFULL,
                  "journal full (%s): %lld bytes of room, %lld reserved for the results of "
                  "unfinished items%s; PUTs refused until retention or the operator frees space "
                  "(%llu more refusals not logged)",
                  self->journal_full ? self->journal_full : "map", (long long)self->room_bytes,
                  (long long)self->room_reserve,
                  self->held_count ? ", results waiting for room" : "",
                  (unsigned long long)self->full_quiet);
    self->full_log_ms = now;
    self->full_quiet = 0;
}

/* Producer back-pressure is logged at most once a second (the count of
   refusals in between is in the line and in stats.errors.EFULL): a producer
   that resends at full speed would otherwise make the log the bottleneck. */
static void s_log_efull(wt_broker_t *self, const char *peer, uint64_t corr, uint64_t mine)
{
    if (self->log_level < 1) return;
    int64_t now = wt_clock_ms();
    if (self->efull_log_ms && now - self->efull_log_ms < 1000) {
        self->efull_quiet++;
        return;
    }
    wt_broker_log(self, 1, "producers", peer, "PUT", WT_EFULL,
                  "corr=%llu producer has %llu unfinished items (%llu more EFULL not logged)",
                  (unsigned long long)corr, (unsigned long long)mine,
                  (unsigned long long)self->efull_quiet);
    self->efull_log_ms = now;
    self->efull_quiet = 0;
}

static void s_put(wt_broker_t *self, wt_proto_in_t *in, s_reply_t *r, const char *peer,
                  s_reply_t *batch, size_t batch_n)
{
    const wt_proto_t *req = &in->msg;
    size_t n = 0;
    const uint8_t *payload = wt_proto_in_payload(in, &n);
    self->n_put++;
    if (!payload) {
        wt_broker_count(self, "EFRAMES");
        wt_broker_log(self, 1, "producers", peer, "PUT", WT_EFRAMES, "no item frame");
        s_nak(r, req, WT_EFRAMES, "PUT needs an item frame");
        return;
    }
    /* back-pressure first: a producer at its limit gets EFULL without the
       item being decoded (a busy producer resends the same PUTs many times) */
    uint64_t tag = wt_hash64(in->envelope, in->envelope_len) | 1;
    uint64_t mine = wt_broker_producer_count(self, tag);
    if (mine >= (uint64_t)self->cfg->broker_max_inflight_per_producer) {
        wt_broker_count(self, "EFULL");
        s_log_efull(self, peer, req->corr, mine);
        s_nak(r, req, WT_EFULL, "too many unfinished items from this producer; retry later");
        return;
    }
    wt_item_t item = {0};
    int rc = wt_item_decode(payload, n, &self->limits, &item);
    if (rc) {
        wt_broker_count(self, wt_errname(rc));
        wt_broker_log(self, 1, "producers", peer, "PUT", rc, "corr=%llu invalid item",
                      (unsigned long long)req->corr);
        s_nak(r, req, rc, NULL);
        return;
    }
    int64_t need = 4 * (int64_t)n + 1024; /* the item, its result (~3x), records */
    if (self->journal_nearly_full || self->room_left < need) {
        self->journal_nearly_full = true;
        self->journal_full = self->room_limit;
        wt_broker_count(self, "EFULL");
        s_log_full(self, peer);
        s_nak(r, req, WT_EFULL,
              strcmp(self->journal_full, "disk") == 0
                  ? "journal full (no space left on the journal's disk); retry later"
                  : "journal full (journal_map nearly used up); retry later");
        wt_item_clear(&item);
        return;
    }
    self->room_left -= need;
    uint64_t seq = 0;
    bool dup = false;
    rc = wt_journal_put(self->journal, item.id, tag, payload, n, wt_journal_now(self->journal),
                        &seq, &dup);
    if (rc) {
        /* the open transaction is gone: every ACK of this batch so far too */
        for (size_t i = 0; i < batch_n; i++)
            if (batch[i].reply.cmd == WT_CMD_ACK) {
                if (batch[i].fresh) wt_broker_producer_add(self, batch[i].tag, -1);
                wt_proto_t copy = {0};
                copy.has = batch[i].reply.has & WT_F_CORR;
                copy.corr = batch[i].reply.corr;
                s_nak(&batch[i], &copy, WT_EJOURNAL, "journal write failed; retry");
            }
        wt_broker_count(self, wt_errname(rc));
        wt_broker_log(self, 0, "producers", peer, "PUT", rc, "id=%s journal write failed", item.id);
        s_nak(r, req, rc == -ENOSPC ? WT_EFULL : WT_EJOURNAL,
              rc == -ENOSPC ? "journal full; retry later" : "journal write failed; retry");
        wt_item_clear(&item);
        return;
    }
    wt_proto_init(&r->reply, WT_CMD_ACK);
    r->reply.has |= WT_F_CORR | WT_F_SEQ | WT_F_DUP;
    r->reply.corr = req->corr;
    r->reply.seq = seq;
    r->reply.dup = dup;
    wt_proto_set_id(&r->reply, item.id);
    wt_jitem_t known;
    if (dup && wt_journal_item(self->journal, seq, &known) == 0 && known.state == WT_JITEM_DEAD) {
        /* not "already known" and done: say it will not be processed */
        char why[1200];
        snprintf(why, sizeof why,
                 "dead letter after %u attempt(s): %s %s; requeue it with "
                 "`wiretag dead requeue %llu`",
                 known.attempts, known.code, known.reason, (unsigned long long)seq);
        wt_proto_set_code(&r->reply, "EDEAD");
        wt_proto_set_reason(&r->reply, why);
    }
    r->fresh = !dup;
    r->tag = tag;
    if (!dup) wt_broker_producer_add(self, tag, 1);
    if (!dup && item.published_invalid) { /* kept: the item matters more than its date */
        self->n_bad_published++;
        wt_broker_log(self, 1, "producers", peer, "PUT", WT_EVALUE,
                      "id=%s seq=%llu published is not a date we read (ISO 8601, RFC 2822): "
                      "kept with published null",
                      item.id, (unsigned long long)seq);
    }
    wt_broker_log(self, 3, "producers", peer, "PUT", 0, "id=%s seq=%llu%s", item.id,
                  (unsigned long long)seq, dup ? " dup" : "");
    wt_item_clear(&item);
}

/* The PUT batch of this loop turn: journaled (not yet committed) by
   s_on_producers(), answered by wt_broker_flush_results() after the commit. */
static s_reply_t s_batch[WT_BROKER_BATCH];
static size_t s_batch_n;

static void s_on_producers(wt_broker_t *self)
{
    s_reply_t *batch = s_batch;
    size_t n = 0;
    /* results of this turn wait in the open transaction: commit them (not
       yet fsynced) so that a failed PUT, which drops the transaction, cannot
       take them along; the one fsync of the turn covers both */
    if (self->pending_count) {
        int rc = wt_journal_commit(self->journal, false);
        if (rc == -ENOSPC) {
            s_hold_pending(self);
        } else if (rc) {
            wt_broker_fatal(self, "result", rc);
            return;
        }
    }
    wt_broker_room(self);
    while (n < WT_BROKER_BATCH) {
        wt_proto_in_t in = {0};
        int rc = wt_proto_recv(self->producers, true, ZMQ_DONTWAIT, &in);
        if (rc == -EAGAIN || rc == -EINTR) {
            wt_proto_in_close(&in);
            break;
        }
        char peer[24];
        snprintf(peer, sizeof peer, "%08llx",
                 (unsigned long long)(wt_hash64(in.envelope, in.envelope_len) & 0xffffffffu));
        s_reply_t *r = &batch[n++];
        memset(r, 0, sizeof *r);
        memcpy(r->identity, in.envelope, in.envelope_len);
        r->identity_len = in.envelope_len;
        if (rc) {
            wt_broker_count(self, wt_errname(rc));
            wt_broker_log(self, 1, "producers", peer, wt_proto_cmd_name(in.msg.cmd), rc,
                          "malformed message");
            self->n_put += in.msg.cmd == WT_CMD_PUT;
            s_nak(r, &in.msg, rc, NULL);
        } else if (in.msg.cmd == WT_CMD_PUT) {
            s_put(self, &in, r, peer, batch, n - 1);
        } else if (in.msg.cmd == WT_CMD_PING) {
            wt_proto_init(&r->reply, WT_CMD_PONG);
            r->reply.has |= in.msg.has & WT_F_CORR;
            r->reply.corr = in.msg.corr;
        } else {
            wt_broker_count(self, "EPROTO");
            wt_broker_log(self, 1, "producers", peer, wt_proto_cmd_name(in.msg.cmd), -EPROTO,
                          "command not allowed on the producers socket");
            s_nak(r, &in.msg, -EPROTO, "command not allowed on the producers socket");
        }
        wt_proto_in_close(&in);
    }
    s_batch_n = n;
}

/* ------------------------------------------------------------ subscribers */

static void s_on_subscribers(wt_broker_t *self)
{
    for (int i = 0; i < WT_BROKER_BATCH; i++) {
        zmq_msg_t m;
        zmq_msg_init(&m);
        if (zmq_msg_recv(&m, self->subscribers, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&m);
            return;
        }
        const uint8_t *d = zmq_msg_data(&m);
        size_t n = zmq_msg_size(&m);
        if (n >= 1 && (d[0] == 1 || d[0] == 0)) {
            self->subscriptions += d[0] == 1 ? 1 : -1;
            if (self->subscriptions < 0) self->subscriptions = 0;
            wt_broker_log(self, 2, "subscribers", "-", d[0] ? "SUBSCRIBE" : "UNSUBSCRIBE", 0,
                          "topic=\"%.*s\" subscriptions=%lld", (int)(n - 1 > 64 ? 64 : n - 1),
                          (const char *)d + 1, (long long)self->subscriptions);
        } else {
            wt_broker_count(self, "EXPUB");
            wt_broker_log(self, 1, "subscribers", "-", "?", -EPROTO,
                          "unexpected message on the subscriber socket");
        }
        while (zmq_msg_more(&m)) { /* drain */
            zmq_msg_close(&m);
            zmq_msg_init(&m);
            if (zmq_msg_recv(&m, self->subscribers, 0) < 0) break;
        }
        zmq_msg_close(&m);
    }
}

/* ------------------------------------------------------------ replay and control */

typedef struct {
    wt_broker_t *self;
    const wt_proto_in_t *in;
    bool has_corr;
    uint64_t corr;
    int sent;
    bool blocked;
} s_replay_ctx_t;

static int s_reply(wt_broker_t *self, const wt_proto_in_t *in, const wt_proto_t *m,
                   const void *payload, size_t n)
{
    return wt_proto_reply(self->replay, in, m, payload, n, ZMQ_DONTWAIT);
}

static int s_replay_one(uint64_t rseq, uint64_t seq, const uint8_t *payload, size_t n, void *arg)
{
    s_replay_ctx_t *c = arg;
    wt_proto_t m = {0};
    wt_proto_init(&m, WT_CMD_RESULT);
    m.has |= WT_F_SEQ | WT_F_JOB | WT_F_EPOCH | (c->has_corr ? WT_F_CORR : 0);
    m.seq = rseq;
    m.job = seq;
    m.epoch = c->self->epoch;
    m.corr = c->corr;
    int rc = s_reply(c->self, c->in, &m, payload, n);
    wt_proto_clear(&m);
    if (rc) {
        c->blocked = true;
        return 1;
    }
    c->sent++;
    return 0;
}

static int s_dead_one(const wt_jitem_t *it, const uint8_t *payload, size_t n, void *arg)
{
    s_replay_ctx_t *c = arg;
    wt_proto_t m = {0};
    wt_proto_init(&m, WT_CMD_DEAD_ITEM);
    m.has |= WT_F_SEQ | WT_F_ATTEMPTS | (c->has_corr ? WT_F_CORR : 0);
    m.seq = it->seq;
    m.attempts = it->attempts;
    m.corr = c->corr;
    wt_proto_set_id(&m, it->id);
    wt_proto_set_code(&m, it->code);
    wt_proto_set_reason(&m, it->reason);
    int rc = s_reply(c->self, c->in, &m, payload, n);
    wt_proto_clear(&m);
    if (rc) {
        c->blocked = true;
        return 1;
    }
    c->sent++;
    return 0;
}

/* msgpack-c writes into our buffer */
static int s_mp_write(void *data, const char *buf, size_t len)
{
    wt_buf_append(data, buf, len);
    return 0;
}

static void s_mp_str(msgpack_packer *pk, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    msgpack_pack_str(pk, n);
    msgpack_pack_str_body(pk, s ? s : "", n);
}

static void s_mp_kv_u(msgpack_packer *pk, const char *k, uint64_t v)
{
    s_mp_str(pk, k);
    msgpack_pack_uint64(pk, v);
}

static void s_mp_kv_i(msgpack_packer *pk, const char *k, int64_t v)
{
    s_mp_str(pk, k);
    msgpack_pack_int64(pk, v);
}

static void s_mp_kv_s(msgpack_packer *pk, const char *k, const char *v)
{
    s_mp_str(pk, k);
    s_mp_str(pk, v);
}

static void s_mp_kv_d(msgpack_packer *pk, const char *k, double v)
{
    s_mp_str(pk, k);
    msgpack_pack_double(pk, v);
}

/* A smoothed rate as people read it: 3 significant digits, and what has
   decayed below 0.01/s is 0 (not 5.77e-16). */
static double s_rate(double v)
{
    if (!(v >= 0.01)) return 0.0;
    double scale = pow(10.0, 2 - (int)floor(log10(v)));
    return round(v * scale) / scale;
}

/* The STATS figures map (documented in docs/PROTOCOL.md). */
static void s_stats(wt_broker_t *self, wt_buf_t *out)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, s_mp_write);
    wt_journal_stats_t js;
    wt_journal_stats(self->journal, &js);
    int64_t now = wt_clock_ms();
    static const char *const fsync_names[] = {"always", "interval", "never"};
    uint64_t queued = js.unfinished > self->inflight ? js.unfinished - self->inflight : 0;

    msgpack_pack_map(&pk, 19); /* keep in step with the keys below */
    s_mp_kv_s(&pk, "version", WT_VERSION);
    s_mp_kv_i(&pk, "pid", (int64_t)getpid());
    s_mp_kv_i(&pk, "uptime_ms", now - self->started_ms);
    s_mp_kv_u(&pk, "queue_depth", queued);
    s_mp_kv_u(&pk, "in_flight", self->inflight);
    s_mp_kv_u(&pk, "unfinished", js.unfinished);
    s_mp_kv_u(&pk, "items_accepted", js.next_seq - 1);
    s_mp_kv_u(&pk, "last_seq", js.next_seq - 1);
    s_mp_kv_u(&pk, "last_rseq", js.next_rseq - 1);
    s_mp_kv_u(&pk, "first_rseq", js.first_rseq);
    s_mp_kv_u(&pk, "dead_letters", js.dead);
    s_mp_kv_i(&pk, "subscriptions", self->subscriptions);
    s_mp_kv_u(&pk, "workers_count", self->worker_count);

    s_mp_str(&pk, "curve");
    msgpack_pack_map(&pk, 5);
    s_mp_str(&pk, "enabled");
    if (self->zap)
        msgpack_pack_true(&pk);
    else
        msgpack_pack_false(&pk);
    s_mp_kv_u(&pk, "allowed_keys", self->zap ? wt_zap_keys(self->zap) : 0);
    s_mp_kv_u(&pk, "accepted", self->zap ? wt_zap_accepted(self->zap) : 0);
    s_mp_kv_u(&pk, "refused", self->zap ? wt_zap_refused(self->zap) : 0);
    s_mp_kv_u(&pk, "handshakes_failed", self->n_auth_failed);

    s_mp_str(&pk, "journal");
    msgpack_pack_map(&pk, 16);
    s_mp_kv_u(&pk, "damaged", js.damaged);
    s_mp_kv_s(&pk, "full", self->journal_full ? self->journal_full : "");
    s_mp_kv_i(&pk, "room_bytes", self->room_bytes);
    s_mp_kv_i(&pk, "reserve_bytes", self->room_reserve);
    s_mp_kv_i(&pk, "disk_free_bytes", js.disk_free_bytes);
    s_mp_kv_u(&pk, "full_refused", self->n_full_refused);
    s_mp_kv_u(&pk, "held_results", self->held_count);
    s_mp_kv_s(&pk, "dir", self->cfg->broker_journal);
    s_mp_kv_s(&pk, "fsync", fsync_names[self->cfg->broker_fsync]);
    s_mp_kv_i(&pk, "file_bytes", js.file_bytes);
    s_mp_kv_i(&pk, "live_bytes", js.live_bytes);
    s_mp_kv_i(&pk, "map_bytes", js.map_bytes);
    s_mp_kv_u(&pk, "results", js.results);
    s_mp_kv_u(&pk, "syncs", js.syncs);
    s_mp_kv_u(&pk, "retained", js.retained);
    s_mp_kv_u(&pk, "recovered", js.recovered);

    s_mp_str(&pk, "rates");
    msgpack_pack_map(&pk, 2);
    s_mp_kv_d(&pk, "put_per_s", s_rate(self->rate_put));
    s_mp_kv_d(&pk, "done_per_s", s_rate(self->rate_done));

    s_mp_str(&pk, "workers");
    msgpack_pack_array(&pk, self->worker_count);
    for (size_t i = 0; i < self->worker_count; i++) {
        wt_worker_t *w = self->workerv[i];
        msgpack_pack_map(&pk, 11);
        s_mp_kv_s(&pk, "name", w->name ? w->name : w->peer);
        s_mp_kv_s(&pk, "peer", w->peer);
        s_mp_kv_s(&pk, "state", wt_wstate_name(w->state));
        s_mp_kv_u(&pk, "credit", w->credit);
        s_mp_kv_u(&pk, "in_flight", w->job_count);
        s_mp_kv_u(&pk, "dispatched", w->dispatched);
        s_mp_kv_u(&pk, "done", w->done);
        s_mp_kv_u(&pk, "failed", w->failed);
        s_mp_kv_u(&pk, "threads", w->threads);
        s_mp_kv_s(&pk, "dictionaries", w->dictionaries ? w->dictionaries : "");
        s_mp_kv_i(&pk, "last_seen_ms_ago", now - w->last_seen_ms);
    }

    s_mp_str(&pk, "counters");
    msgpack_pack_map(&pk, 17);
    s_mp_kv_u(&pk, "put", self->n_put);
    s_mp_kv_u(&pk, "ack", self->n_ack);
    s_mp_kv_u(&pk, "dup", self->n_dup);
    s_mp_kv_u(&pk, "nak", self->n_nak);
    s_mp_kv_u(&pk, "dispatched", self->n_dispatched);
    s_mp_kv_u(&pk, "redispatched", self->n_redispatched);
    s_mp_kv_u(&pk, "done", self->n_done);
    s_mp_kv_u(&pk, "late_done", self->n_late_done);
    s_mp_kv_u(&pk, "failed", self->n_failed);
    s_mp_kv_u(&pk, "timeouts", self->n_timeouts);
    s_mp_kv_u(&pk, "workers_expired", self->n_expired);
    s_mp_kv_u(&pk, "workers_seen", self->n_workers_seen);
    s_mp_kv_u(&pk, "dead", self->n_dead);
    s_mp_kv_u(&pk, "published", self->n_published);
    s_mp_kv_u(&pk, "publish_errors", self->n_publish_errors);
    s_mp_kv_u(&pk, "replayed", self->n_replayed);
    s_mp_kv_u(&pk, "published_unreadable", self->n_bad_published); /* items kept, date dropped */

    s_mp_str(&pk, "errors");
    msgpack_pack_map(&pk, self->counter_count);
    for (size_t i = 0; i < self->counter_count; i++)
        s_mp_kv_u(&pk, self->counters[i].name, self->counters[i].count);
}

/* requeue_dead: REQUEUE{seq} from the control socket gives a dead letter
   another round of attempts. What the turn wrote so far is committed
   first, so that a failure here cannot take it along. */
static void s_requeue(wt_broker_t *self, const wt_proto_in_t *in, const char *peer)
{
    const wt_proto_t *req = &in->msg;
    int rc = wt_journal_commit(self->journal, false);
    if (rc == 0) rc = wt_journal_revive(self->journal, req->seq);
    if (rc == 0) rc = wt_journal_commit(self->journal, true);
    wt_proto_t m = {0};
    wt_jitem_t it;
    if (rc == 0 && wt_journal_item(self->journal, req->seq, &it) == 0) {
        wt_proto_init(&m, WT_CMD_REQUEUED);
        wt_proto_set_id(&m, it.id);
        m.has |= WT_F_SEQ;
        m.seq = req->seq;
        wt_broker_producer_add(self, it.producer, 1); /* unfinished again */
        wt_workers_revived(self, req->seq);
        wt_broker_log(self, 2, "replay", peer, "REQUEUE", 0, "seq=%llu id=%s queued again",
                      (unsigned long long)req->seq, it.id);
    } else {
        if (rc == 0) rc = WT_ESEQ;
        wt_broker_count(self, wt_errname(rc));
        wt_broker_log(self, 1, "replay", peer, "REQUEUE", rc, "seq=%llu not requeued",
                      (unsigned long long)req->seq);
        wt_proto_init(&m, WT_CMD_ERROR);
        wt_proto_set_error(&m, rc,
                           rc == WT_ESEQ ? "not a dead letter (or its payload is gone)"
                                         : "journal write failed; retry");
        wt_proto_set_role(&m, "replay");
    }
    m.has |= req->has & WT_F_CORR;
    m.corr = req->corr;
    s_reply(self, in, &m, NULL, 0);
    wt_proto_clear(&m);
}

static void s_on_replay_msg(wt_broker_t *self, wt_proto_in_t *in, int rc)
{
    char peer[24];
    snprintf(peer, sizeof peer, "%08llx",
             (unsigned long long)(wt_hash64(in->envelope, in->envelope_len) & 0xffffffffu));
    const wt_proto_t *req = &in->msg;
    wt_proto_t m = {0};
    if (!rc && req->cmd != WT_CMD_REPLAY && req->cmd != WT_CMD_STATS && req->cmd != WT_CMD_DEAD &&
        req->cmd != WT_CMD_PING && req->cmd != WT_CMD_REQUEUE)
        rc = -EPROTO;
    if (rc) {
        wt_broker_count(self, wt_errname(rc));
        wt_broker_log(self, 1, "replay", peer, wt_proto_cmd_name(req->cmd), rc, "request refused");
        wt_proto_init(&m, WT_CMD_ERROR);
        m.has |= req->has & WT_F_CORR;
        m.corr = req->corr;
        wt_proto_set_error(&m, rc,
                           rc == -EPROTO ? "command not allowed on the replay socket" : NULL);
        wt_proto_set_role(&m, "replay");
        if (in->envelope_len) s_reply(self, in, &m, NULL, 0);
        wt_proto_clear(&m);
        return;
    }
    s_replay_ctx_t c = {
        .self = self, .in = in, .has_corr = (req->has & WT_F_CORR) != 0, .corr = req->corr};
    uint32_t count = (req->has & WT_F_COUNT) && req->count ? req->count : WT_BROKER_REPLAY_MAX;
    if (count > WT_BROKER_REPLAY_MAX) count = WT_BROKER_REPLAY_MAX;
    uint64_t from = (req->has & WT_F_FROM) ? req->from : 0;
    if (from == 0) from = 1;
    uint64_t next = from;
    switch (req->cmd) {
    case WT_CMD_REPLAY: {
        rc = wt_journal_results(self->journal, from, count, s_replay_one, &c, &next);
        if (c.blocked) /* the one that could not be sent is sent again next time */
            next--;
        wt_journal_stats_t js;
        wt_journal_stats(self->journal, &js);
        self->n_replayed += (uint64_t)c.sent;
        wt_proto_init(&m, WT_CMD_REPLAY_END);
        m.has |= WT_F_NEXT | WT_F_LAST | WT_F_FIRST | WT_F_EPOCH | (c.has_corr ? WT_F_CORR : 0);
        m.corr = c.corr;
        m.epoch = self->epoch;
        m.next = next;
        m.last = js.next_rseq - 1;
        m.first = js.first_rseq;
        /* an idle subscriber probes for a lost tail every second: those
           empty answers are debug, real replays info */
        wt_broker_log(self, rc || c.sent ? 2 : 3, "replay", peer, "REPLAY", rc,
                      "from=%llu sent=%d next=%llu%s", (unsigned long long)from, c.sent,
                      (unsigned long long)next, c.blocked ? " (client pipe full)" : "");
        break;
    }
    case WT_CMD_DEAD:
        rc = wt_journal_dead_list(self->journal, from, count, s_dead_one, &c, &next);
        if (c.blocked) next--;
        wt_proto_init(&m, WT_CMD_DEAD_END);
        m.has |= WT_F_NEXT | (c.has_corr ? WT_F_CORR : 0);
        m.corr = c.corr;
        m.next = next;
        wt_broker_log(self, 2, "replay", peer, "DEAD", rc, "from=%llu sent=%d",
                      (unsigned long long)from, c.sent);
        break;
    case WT_CMD_REQUEUE:
        s_requeue(self, in, peer);
        return;
    case WT_CMD_STATS: {
        wt_buf_t b;
        wt_buf_init(&b);
        s_stats(self, &b);
        wt_proto_init(&m, WT_CMD_STATS);
        m.has |= c.has_corr ? WT_F_CORR : 0;
        m.corr = c.corr;
        wt_proto_set_stats(&m, b.data, b.size);
        wt_buf_free(&b);
        break;
    }
    default: /* PING */
        wt_proto_init(&m, WT_CMD_PONG);
        m.has |= c.has_corr ? WT_F_CORR : 0;
        m.corr = c.corr;
        break;
    }
    s_reply(self, in, &m, NULL, 0);
    wt_proto_clear(&m);
}

static void s_on_replay(wt_broker_t *self)
{
    for (int i = 0; i < WT_BROKER_BATCH; i++) {
        wt_proto_in_t in = {0};
        int rc = wt_proto_recv(self->replay, true, ZMQ_DONTWAIT, &in);
        if (rc == -EAGAIN || rc == -EINTR) {
            wt_proto_in_close(&in);
            return;
        }
        s_on_replay_msg(self, &in, rc);
        wt_proto_in_close(&in);
    }
}

/* The end of a loop turn: one durable commit (one fsync under
   fsync=always) for the results and the PUTs of the turn, then the ACKs,
   then the results in result-seq order. Nothing is answered or published
   before the commit. */
void wt_broker_flush_results(wt_broker_t *self)
{
    s_reply_t *batch = s_batch;
    size_t n = s_batch_n;
    bool put = false;
    for (size_t i = 0; i < n && !put; i++)
        put = batch[i].reply.cmd == WT_CMD_ACK;
    if (!self->pending_count && !put) goto answer;
    int rc = *self->stop_flag == 2 ? WT_EJOURNAL : wt_journal_commit(self->journal, true);
    if (rc == -ENOSPC && self->pending_count) /* a full disk: the results wait for room */
        s_hold_pending(self);
    else if (rc && rc != -ENOSPC && *self->stop_flag != 2)
        /* a write or fsync error (EIO): what reached the disk is unknown
           (the kernel may have dropped the pages it could not write), so
           nothing more is acknowledged: NAK the batch and stop */
        wt_broker_fatal(self, self->pending_count ? "result" : "PUT", rc);
    if (rc && put) {
        int code = rc == -ENOSPC ? WT_EFULL : WT_EJOURNAL;
        wt_broker_count(self, wt_errname(code));
        wt_broker_log(self, 0, "journal", "-", "PUT", rc, "commit failed: batch NAKed");
        for (size_t i = 0; i < n; i++)
            if (batch[i].reply.cmd == WT_CMD_ACK) {
                if (batch[i].fresh) wt_broker_producer_add(self, batch[i].tag, -1);
                wt_proto_t copy = {0};
                copy.has = batch[i].reply.has & WT_F_CORR;
                copy.corr = batch[i].reply.corr;
                s_nak(&batch[i], &copy, code,
                      code == WT_EFULL ? "journal full; retry later"
                                       : "journal write failed; retry");
            }
    }
    if (!rc) {
        for (size_t i = 0; i < self->pending_count; i++) {
            struct wt_pending *p = &self->pending[i];
            s_publish_now(self, p->rseq, p->seq, (const char *)self->pending_data.data + p->id_off,
                          self->pending_data.data + p->pay_off, p->pay_len);
        }
    }
    self->pending_count = 0;
    wt_buf_reset(&self->pending_data);
answer:
    for (size_t i = 0; i < n; i++) {
        s_reply_t *r = &batch[i];
        if (r->reply.cmd == WT_CMD_ACK) {
            self->n_ack++;
            if (r->reply.dup)
                self->n_dup++;
            else
                wt_workers_queued(self, r->reply.seq);
        } else if (r->reply.cmd == WT_CMD_NAK) {
            self->n_nak++;
            wt_bmetrics_nak(self, r->reply.code);
        }
        if (r->identity_len)
            wt_proto_send_to(self->producers, r->identity, r->identity_len, &r->reply, NULL, 0,
                             ZMQ_DONTWAIT);
        wt_proto_clear(&r->reply);
    }
    s_batch_n = 0;
}

static void s_on_workers(wt_broker_t *self)
{
    for (int i = 0; i < WT_BROKER_BATCH && !*self->stop_flag; i++) {
        wt_proto_in_t in = {0};
        int rc = wt_proto_recv(self->workers, true, ZMQ_DONTWAIT, &in);
        if (rc == -EAGAIN || rc == -EINTR) {
            wt_proto_in_close(&in);
            break;
        }
        wt_workers_on_message(self, &in, rc);
        wt_proto_in_close(&in);
    }
    /* committed, fsynced and published at the end of the loop turn */
}

/* ------------------------------------------------------------ lifecycle */

static int s_level(const char *s)
{
    for (int i = 0; i < 4; i++)
        if (s && strcmp(s, s_levels[i]) == 0) return i;
    return 2;
}

static void *s_socket(wt_broker_t *self, int type, const char *ep, int idx,
                      const wt_curve_keys_t *keys, char *err, size_t errlen)
{
    void *s = zmq_socket(self->ctx, type);
    if (!s) {
        snprintf(err, errlen, "zmq_socket: %s", zmq_strerror(zmq_errno()));
        return NULL;
    }
    int linger = 500, one = 1;
    int64_t maxmsg = self->cfg->broker_max_message_bytes;
    zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger);
    if (type == ZMQ_ROUTER) {
        zmq_setsockopt(s, ZMQ_MAXMSGSIZE, &maxmsg, sizeof maxmsg);
        zmq_setsockopt(s, ZMQ_ROUTER_MANDATORY, &one, sizeof one);
        int hwm = idx == 3 ? 4 * WT_BROKER_REPLAY_MAX + 16 : 10000;
        zmq_setsockopt(s, ZMQ_SNDHWM, &hwm, sizeof hwm);
    } else { /* XPUB */
        int hwm = (int)self->cfg->broker_pub_hwm;
        zmq_setsockopt(s, ZMQ_SNDHWM, &hwm, sizeof hwm);
        zmq_setsockopt(s, ZMQ_XPUB_VERBOSER, &one, sizeof one);
        int64_t small = 4096; /* subscribers only send subscriptions */
        zmq_setsockopt(s, ZMQ_MAXMSGSIZE, &small, sizeof small);
    }
    if (keys && wt_curve_server_apply(s, keys) != 0) {
        snprintf(err, errlen, "cannot enable CURVE on %s", ep);
        zmq_close(s);
        return NULL;
    }
    char bind_ep[600], why[512];
    if (wt_endpoint_check(ep, true, bind_ep, sizeof bind_ep, why, sizeof why) != 0) {
        snprintf(err, errlen, "%s", why); /* ZeroMQ would bind port 70000 as 4464 */
        zmq_close(s);
        return NULL;
    }
    if (zmq_bind(s, bind_ep) != 0) {
        snprintf(err, errlen, "cannot bind %s: %s", ep, zmq_strerror(zmq_errno()));
        zmq_close(s);
        return NULL;
    }
    size_t len = sizeof self->endpoints[idx];
    if (zmq_getsockopt(s, ZMQ_LAST_ENDPOINT, self->endpoints[idx], &len) != 0)
        snprintf(self->endpoints[idx], sizeof self->endpoints[idx], "%s", ep);
    return s;
}

static int s_start_error; /* why the last wt_broker_new() failed on the journal */

int wt_broker_start_error(void)
{
    return s_start_error;
}

wt_broker_t *wt_broker_new(const wt_config_t *cfg, volatile int *stop_flag, char *err,
                           size_t errlen)
{
    wt_broker_t *self = wt_calloc(1, sizeof *self);
    self->cfg = cfg;
    self->stop_flag = stop_flag;
    self->log_level = s_level(cfg->log_level);
    wt_log_set_json(cfg->log_format && !strcmp(cfg->log_format, "json"));
    self->started_ms = wt_clock_ms();
    self->rate_ms = self->started_ms;
    self->limits = wt_limits_default;
    if (cfg->max_text_bytes > 0) self->limits.max_text = (size_t)cfg->max_text_bytes;
    wt_buf_init(&self->scratch);
    wt_buf_init(&self->pending_data);
    wt_buf_init(&self->held_data);

    wt_journal_opts_t jo = {.dir = cfg->broker_journal,
                            .fsync = cfg->broker_fsync,
                            .fsync_interval_ms = cfg->broker_fsync_interval_ms,
                            .map_bytes = cfg->broker_journal_map_bytes,
                            .dedup_window = cfg->broker_dedup_window,
                            .retention_bytes = cfg->broker_retention_bytes,
                            .retention_age_s = cfg->broker_retention_age_s};
    int rc = 0;
    self->journal = wt_journal_new(&jo, &rc, err, errlen);
    if (!self->journal) {
        s_start_error = rc;
        wt_broker_destroy(&self);
        return NULL;
    }
    if ((rc = wt_journal_epoch(self->journal, &self->epoch)) != 0) {
        snprintf(err, errlen, "cannot read the journal's identity: %s", wt_strerror(rc));
        wt_broker_destroy(&self);
        return NULL;
    }
    self->ctx = zmq_ctx_new();
    wt_curve_keys_t keys, *kp = NULL;
    if (cfg->curve_enabled) {
        char e[256];
        if (!cfg->curve_secret_key || !cfg->curve_allowed_keys) {
            snprintf(err, errlen, "curve.enabled needs curve.secret_key and curve.allowed_keys");
            wt_broker_destroy(&self);
            return NULL;
        }
        if (wt_curve_load(cfg->curve_secret_key, &keys, e, sizeof e) != 0 || !keys.secret_key[0]) {
            snprintf(err, errlen, "curve.secret_key %s: %s", cfg->curve_secret_key,
                     e[0] ? e : "no secret key");
            wt_broker_destroy(&self);
            return NULL;
        }
        /* the ZAP handler must exist before any server socket binds (fail closed) */
        self->zap = wt_zap_new(self->ctx, cfg->curve_allowed_keys, e, sizeof e);
        if (!self->zap) {
            snprintf(err, errlen, "curve.allowed_keys: %s", e);
            wt_broker_destroy(&self);
            return NULL;
        }
        kp = &keys;
        self->curve_keys = keys;
    }
    if (!cfg->curve_enabled) { /* an open broker on the network: only when asked for */
        static const char *const what[] = {"producers", "workers", "subscribers", "replay"};
        const char *eps[] = {cfg->broker_producers, cfg->broker_workers, cfg->broker_subscribers,
                             cfg->broker_replay};
        for (int i = 0; i < 4; i++) {
            if (wt_broker_ep_is_local(eps[i])) continue;
            if (!cfg->broker_insecure_public) {
                snprintf(err, errlen,
                         "%s endpoint %s is not a loopback address and CURVE is off: anyone "
                         "who reaches it could feed items, act as a worker and read every "
                         "result. Turn CURVE on (docs/SECURITY.md), bind tcp://127.0.0.1:PORT, "
                         "or accept an open broker with --insecure-public "
                         "(broker.insecure_public: true)",
                         what[i], eps[i]);
                wt_broker_destroy(&self);
                return NULL;
            }
            wt_broker_log(self, 1, what[i], "-", "INSECURE", 0,
                          "endpoint=%s *** OPEN TO THE NETWORK: CURVE is off and this is not "
                          "loopback; anyone who reaches it can feed items, act as a worker and "
                          "read every result (broker.insecure_public is on) ***",
                          eps[i]);
        }
    }
    if (!(self->producers =
              s_socket(self, ZMQ_ROUTER, cfg->broker_producers, 0, kp, err, errlen)) ||
        !(self->workers = s_socket(self, ZMQ_ROUTER, cfg->broker_workers, 1, kp, err, errlen)) ||
        !(self->subscribers =
              s_socket(self, ZMQ_XPUB, cfg->broker_subscribers, 2, kp, err, errlen)) ||
        !(self->replay = s_socket(self, ZMQ_ROUTER, cfg->broker_replay, 3, kp, err, errlen))) {
        wt_broker_destroy(&self);
        return NULL;
    }
    if (self->zap) { /* count refused handshakes on every endpoint */
        static const char *const names[] = {"producers", "workers", "subscribers", "replay"};
        void *socks4[] = {self->producers, self->workers, self->subscribers, self->replay};
        for (int i = 0; i < 4; i++)
            self->monitors[i] = wt_curve_monitor_new(self->ctx, socks4[i], names[i]);
    }
    wt_broker_room(self);
    wt_journal_stats_t js;
    wt_journal_stats(self->journal, &js);
    if (self->journal_full)
        wt_broker_log(self, 1, "broker", "-", "START", WT_EFULL,
                      "journal %s is full (%s%s): replay works, PUTs are refused until "
                      "retention or the operator frees space",
                      cfg->broker_journal, self->journal_full,
                      js.open_full ? ", opened without writing" : "");
    wt_broker_log(self, 2, "broker", "-", "START", 0,
                  "producers=%s workers=%s subscribers=%s replay=%s curve=%s journal=%s "
                  "unfinished=%llu recovered=%llu next_seq=%llu next_rseq=%llu",
                  self->endpoints[0], self->endpoints[1], self->endpoints[2], self->endpoints[3],
                  cfg->curve_enabled ? "on" : "off", cfg->broker_journal,
                  (unsigned long long)js.unfinished, (unsigned long long)js.recovered,
                  (unsigned long long)js.next_seq, (unsigned long long)js.next_rseq);
    return self;
}

void wt_broker_destroy(wt_broker_t **self_p)
{
    wt_broker_t *self = *self_p;
    if (!self) return;
    for (int i = 0; i < 4; i++)
        if (self->monitors[i]) {
            int linger = 0;
            zmq_setsockopt(self->monitors[i], ZMQ_LINGER, &linger, sizeof linger);
            zmq_close(self->monitors[i]);
            self->monitors[i] = NULL;
        }
    void **socks[] = {&self->producers, &self->workers, &self->subscribers, &self->replay};
    for (size_t i = 0; i < 4; i++)
        if (*socks[i]) {
            zmq_close(*socks[i]);
            *socks[i] = NULL;
        }
    if (self->zap) {
        wt_zap_t *z = self->zap;
        wt_zap_destroy(&z);
    }
    if (self->ctx) zmq_ctx_term(self->ctx);
    wt_workers_clear(self);
    wt_bmetrics_stop(self);
    if (self->journal) {
        wt_journal_commit(self->journal, true);
        wt_journal_sync(self->journal);
        wt_journal_destroy(&self->journal);
    }
    free(self->prods);
    wt_buf_free(&self->scratch);
    wt_buf_free(&self->pending_data);
    free(self->pending);
    wt_buf_free(&self->held_data);
    free(self->held);
    free(self);
    *self_p = NULL;
}

int wt_broker_write_ready(wt_broker_t *self, const char *path)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f) return -errno;
    fprintf(f,
            "{\"producers\": \"%s\", \"workers\": \"%s\", \"subscribers\": \"%s\", "
            "\"replay\": \"%s\", \"pid\": %d",
            self->endpoints[0], self->endpoints[1], self->endpoints[2], self->endpoints[3],
            (int)getpid());
    if (wt_bmetrics_address(self)) fprintf(f, ", \"metrics\": \"%s\"", wt_bmetrics_address(self));
    fprintf(f, "}\n");
    if (fclose(f) != 0 || rename(tmp, path) != 0) return -errno;
    return 0;
}

/* A key was removed from the allow-list: connections made with it stay up
   (ZAP only sees handshakes), so the subscriber socket is made anew on the
   same endpoint. Every subscriber reconnects by itself and handshakes again
   (a revoked key is refused); messages in flight are lost and filled by
   REPLAY, as after any gap. */
static void s_rebind_subscribers(wt_broker_t *self)
{
    char ep[256];
    snprintf(ep, sizeof ep, "%s", self->endpoints[2]);
    if (self->monitors[2]) {
        int linger = 0;
        zmq_setsockopt(self->monitors[2], ZMQ_LINGER, &linger, sizeof linger);
        zmq_close(self->monitors[2]);
        self->monitors[2] = NULL;
    }
    int linger = 0;
    zmq_setsockopt(self->subscribers, ZMQ_LINGER, &linger, sizeof linger);
    zmq_close(self->subscribers);
    self->subscribers = NULL;
    self->subscriptions = 0;
    char err[256] = "";
    /* the old listener closes in ZeroMQ's I/O thread: retry the bind briefly */
    for (int i = 0; i < 200 && !self->subscribers; i++) {
        self->subscribers = s_socket(self, ZMQ_XPUB, ep, 2, &self->curve_keys, err, sizeof err);
        if (!self->subscribers) {
            struct timespec ts = {0, 10 * 1000000L};
            nanosleep(&ts, NULL);
        }
    }
    if (!self->subscribers) {
        wt_broker_log(self, 0, "subscribers", "-", "REVOKE", -EADDRINUSE,
                      "cannot bind %s again after a key revocation: %s; stopping", ep, err);
        *self->stop_flag = 2;
        return;
    }
    self->monitors[2] = wt_curve_monitor_new(self->ctx, self->subscribers, "subscribers");
    self->sockets_changed = true;
    wt_broker_log(self, 1, "subscribers", "-", "REVOKE", 0,
                  "a key left curve.allowed_keys: every subscriber connection dropped; they "
                  "reconnect and handshake again");
}

static void s_tick(wt_broker_t *self, int64_t now)
{
    wt_workers_tick(self, now);
    wt_bmetrics_run(self); /* HTTP connection timeouts */
    if (self->held_count && now - self->held_retry_ms >= 200) {
        self->held_retry_ms = now;
        s_retry_held(self);
    }
    int rc = wt_journal_tick(self->journal, now);
    if (rc && rc != -ENOSPC) wt_broker_fatal(self, "fsync", rc); /* see flush_results */
    if (now - self->rate_ms >= 1000) {
        double secs = (double)(now - self->rate_ms) / 1000.0;
        double put = (double)(self->n_ack - self->rate_put_base) / secs;
        double done = (double)(self->n_done - self->rate_done_base) / secs;
        /* smoothed over about 5 s */
        self->rate_put = self->rate_put * 0.8 + put * 0.2;
        self->rate_done = self->rate_done * 0.8 + done * 0.2;
        self->rate_put_base = self->n_ack;
        self->rate_done_base = self->n_done;
        self->rate_ms = now;
        wt_journal_stats_t djs;
        wt_journal_stats(self->journal, &djs);
        if (djs.damaged > self->damaged_logged) {
            wt_broker_log(self, 0, "journal", "-", "CHECK", WT_EJOURNAL,
                          "%llu damaged journal records skipped (checksum mismatch; %llu in all): "
                          "results are not served, items are dead-lettered; run wiretag-broker "
                          "--check on a copy of the journal",
                          (unsigned long long)(djs.damaged - self->damaged_logged),
                          (unsigned long long)djs.damaged);
            self->damaged_logged = djs.damaged;
        }
        if (self->held_count) {
            wt_broker_log(self, 1, "journal", "-", "FULL", -ENOSPC,
                          "journal full (%s): %zu results wait in memory for room, dispatch "
                          "paused; free space on the journal's disk or raise journal_map",
                          self->journal_full ? self->journal_full : "disk", self->held_count);
        }
        size_t deleted = 0;
        rc = wt_journal_retain(self->journal, wt_journal_now(self->journal), 10000, &deleted);
        if (rc)
            wt_broker_log(self, 0, "journal", "-", "RETAIN", rc, "retention failed");
        else if (deleted)
            wt_broker_log(self, 2, "journal", "-", "RETAIN", 0, "dropped %zu old records", deleted);
        if (self->zap && wt_zap_revocations(self->zap) != self->zap_revocations) {
            self->zap_revocations = wt_zap_revocations(self->zap);
            s_rebind_subscribers(self);
        }
        if (self->zap && !wt_zap_alive(self->zap)) {
            wt_broker_log(self, 0, "broker", "-", "ZAP", WT_EAUTH,
                          "authentication handler died: stopping (fail closed)");
            *self->stop_flag = 2;
        }
    }
}

/* on_monitor: a CURVE handshake failed on one of our sockets. The ZAP
   handler has logged the key (once per key); here we count every failure
   and log the peer address at debug level. */
static void s_on_monitor(wt_broker_t *self, void *monitor)
{
    uint16_t event = 0;
    char addr[128];
    while (wt_curve_monitor_read(monitor, &event, addr, sizeof addr) >= 0) {
        if (event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH ||
            event == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL) {
            self->n_auth_failed++;
            wt_broker_count(self, "EAUTH");
            wt_broker_log(self, 3, "broker", addr, "HANDSHAKE", WT_EAUTH,
                          "CURVE handshake refused");
        }
    }
}

int wt_broker_run(wt_broker_t *self)
{
    int64_t tick_every = self->cfg->broker_heartbeat_ms / 4;
    if (tick_every < 5) tick_every = 5;
    if (tick_every > 100) tick_every = 100;
    int64_t next_tick = wt_clock_ms();
    zmq_pollitem_t items[10] = {{self->producers, 0, ZMQ_POLLIN, 0},
                                {self->workers, 0, ZMQ_POLLIN, 0},
                                {self->subscribers, 0, ZMQ_POLLIN, 0},
                                {self->replay, 0, ZMQ_POLLIN, 0}};
    int nitems = 4;
    for (int i = 0; i < 4; i++)
        if (self->monitors[i])
            items[nitems++] = (zmq_pollitem_t){self->monitors[i], 0, ZMQ_POLLIN, 0};
    int http = -1; /* --metrics: served on this thread, between turns */
    if (wt_bmetrics_fd(self) >= 0) {
        http = nitems;
        items[nitems++] = (zmq_pollitem_t){NULL, wt_bmetrics_fd(self), ZMQ_POLLIN, 0};
    }
    while (!*self->stop_flag) {
        int64_t now = wt_clock_ms();
        long timeout = next_tick > now ? (long)(next_tick - now) : 0;
        int rc = zmq_poll(items, nitems, timeout);
        if (rc < 0) {
            if (zmq_errno() == EINTR) continue;
            wt_broker_log(self, 0, "broker", "-", "POLL", -zmq_errno(), "zmq_poll failed");
            *self->stop_flag = 2;
            break;
        }
        if (items[1].revents & ZMQ_POLLIN) /* results first: they free credit */
            s_on_workers(self);
        if ((items[0].revents & ZMQ_POLLIN) && !*self->stop_flag) s_on_producers(self);
        wt_broker_flush_results(self); /* one commit and fsync for both */
        if (items[2].revents & ZMQ_POLLIN) s_on_subscribers(self);
        if (items[3].revents & ZMQ_POLLIN) s_on_replay(self);
        for (int i = 4; i < nitems; i++)
            if (i != http && (items[i].revents & ZMQ_POLLIN)) s_on_monitor(self, items[i].socket);
        if (http >= 0 && (items[http].revents & ZMQ_POLLIN)) wt_bmetrics_run(self);
        now = wt_clock_ms();
        if (now >= next_tick) {
            s_tick(self, now);
            next_tick = now + tick_every;
        }
        if (self->sockets_changed && self->subscribers) { /* rebuilt after a revocation */
            self->sockets_changed = false;
            items[2].socket = self->subscribers;
            nitems = 4;
            for (int i = 0; i < 4; i++)
                if (self->monitors[i])
                    items[nitems++] = (zmq_pollitem_t){self->monitors[i], 0, ZMQ_POLLIN, 0};
        }
        if (!*self->stop_flag) wt_workers_dispatch(self);
    }
    int status = *self->stop_flag == 2 ? 1 : 0;
    wt_journal_commit(self->journal, true);
    int rc = wt_journal_sync(self->journal);
    wt_broker_log(self, 2, "broker", "-", "STOP", rc,
                  "journal synced, %zu jobs in flight will be "
                  "re-dispatched after restart",
                  self->inflight);
    return status;
}
