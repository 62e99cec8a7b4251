/*  producers.c: the broker's producer side. PUT -> validate (wt_item_decode
    with our limits) -> journal -> ACK with the item seq (or NAK with an
    error name). PUTs that arrive together are journaled in one transaction
    (group commit) and acknowledged only once an fsync covered it, together
    with the results of the turn (wt_broker_flush_results, then
    wt_broker_release after the journal's fsync thread is done: the next
    turn's PUTs are journaled meanwhile). Admission: a
    producer's unfinished items are bounded (EFULL), and so is the room left
    in the journal (EFULL, logged once a second).
*/
#include "broker.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ producers */

static void s_nak(wt_reply_t *r, const wt_proto_t *req, int code, const char *reason)
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

/* The ACKs of a batch whose journal transaction is gone become NAKs (their
   items are not unfinished any more). */
static void s_nak_acks(wt_broker_t *self, wt_reply_t *batch, size_t n, int code, const char *reason)
{
    for (size_t i = 0; i < n; i++)
        if (batch[i].reply.cmd == WT_CMD_ACK) {
            if (batch[i].fresh) wt_broker_producer_add(self, batch[i].tag, -1);
            wt_proto_t copy = {0};
            copy.has = batch[i].reply.has & WT_F_CORR;
            copy.corr = batch[i].reply.corr;
            s_nak(&batch[i], &copy, code, reason);
        }
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

static void s_put(wt_broker_t *self, wt_proto_in_t *in, wt_reply_t *r, const char *peer,
                  wt_reply_t *batch, size_t batch_n)
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
        /* the open transaction is gone: every ACK of this batch so far too,
           and the results not yet committed */
        s_nak_acks(self, batch, batch_n, WT_EJOURNAL, "journal write failed; retry");
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
   wt_broker_on_producers(), answered by wt_broker_flush_results() after the commit. */
static wt_reply_t s_batch[WT_BROKER_BATCH];
static size_t s_batch_n;

void wt_broker_on_producers(wt_broker_t *self)
{
    wt_reply_t *batch = s_batch;
    size_t n = 0;
    /* results of this turn wait in the open transaction: commit them (not
       yet fsynced) unless an fsync is under way, so that their fsync can
       begin. A failed PUT drops the transaction with whatever waits in it:
       its ACKs are NAKed and its results held (results.c) */
    if (self->pending_count && wt_journal_open_txn(self->journal)) {
        int rc = wt_journal_commit(self->journal, false);
        if (rc && rc != -ENOSPC) {
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
        wt_reply_t *r = &batch[n++];
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

/* The end of a loop turn: the NAKs (and PONGs) go at once; the ACKs wait
   for the fsync of the commit that holds their item (wt_broker_release
   commits what waits unless an fsync is under way, then after it; the
   results of the turn the same). Nothing is acknowledged or published
   before its commit is durable. */
void wt_broker_flush_results(wt_broker_t *self)
{
    for (size_t i = 0; i < s_batch_n; i++) {
        wt_reply_t *r = &s_batch[i];
        if (r->reply.cmd == WT_CMD_ACK) {
            wt_broker_wait_ack(self, r);
            continue;
        }
        if (r->reply.cmd == WT_CMD_NAK) {
            self->n_nak++;
            wt_bmetrics_nak(self, r->reply.code);
        }
        wt_broker_send_reply(self, r);
    }
    s_batch_n = 0;
    wt_broker_release(self);
}
