/*  results.c: results between the journal and the subscribers (group
    commit). A result journaled in a loop turn waits (pending) until the
    turn's commit is durable (under fsync=always: until the journal's fsync
    thread says an fsync covered it, see journal.h "generations"), then is
    published once on XPUB in result-seq order. When the journal is full
    the open transaction is gone with the results of the turn: they are
    held in memory (dispatch waits) and journaled again by the tick once
    retention made room. Used by the worker side (a DONE) and the loop (end
    of turn, tick).
*/
#include "broker.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ publish */

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

/* Copy a result's item id and payload to the end of data (kept until
   published or journaled): where they are. */
static void s_copy_in(wt_buf_t *data, const char *id, const uint8_t *payload, size_t n,
                      size_t *id_off, size_t *pay_off, size_t *pay_len)
{
    *id_off = data->size;
    wt_buf_append(data, id ? id : "", strlen(id ? id : "") + 1);
    *pay_off = data->size;
    *pay_len = n;
    wt_buf_append(data, payload, n);
}

void wt_broker_publish(wt_broker_t *self, uint64_t rseq, uint64_t seq, const char *id,
                       const uint8_t *payload, size_t n)
{
    wt_grow(&self->pending, &self->pending_cap, self->pending_count + 1, sizeof *self->pending);
    struct wt_pending *p = &self->pending[self->pending_count++];
    p->rseq = rseq;
    p->seq = seq;
    p->need = 0; /* in the open transaction: s_on_txn gives it a generation */
    s_copy_in(&self->pending_data, id, payload, n, &p->id_off, &p->pay_off, &p->pay_len);
}

void wt_broker_hold(wt_broker_t *self, uint64_t seq, uint64_t producer, const char *id,
                    const uint8_t *payload, size_t n)
{
    wt_grow(&self->held, &self->held_cap, self->held_count + 1, sizeof *self->held);
    struct wt_held *h = &self->held[self->held_count++];
    h->seq = seq;
    h->producer = producer;
    s_copy_in(&self->held_data, id, payload, n, &h->id_off, &h->pay_off, &h->pay_len);
    self->n_held_total++;
}

/* The open transaction is gone (a full disk or map) and with it the
   results journaled since the last commit (those without a generation):
   keep them for later instead of publishing them. Their items are still
   unfinished in the journal. The older pending results were committed and
   wait for their fsync. */
void wt_broker_hold_pending(wt_broker_t *self)
{
    size_t first = self->pending_count;
    while (first > 0 && self->pending[first - 1].need == 0)
        first--;
    for (size_t i = first; i < self->pending_count; i++) {
        struct wt_pending *p = &self->pending[i];
        uint64_t producer = 0;
        wt_jitem_t it;
        if (wt_journal_item(self->journal, p->seq, &it) == 0) producer = it.producer;
        wt_broker_hold(self, p->seq, producer, (const char *)self->pending_data.data + p->id_off,
                       self->pending_data.data + p->pay_off, p->pay_len);
    }
    if (first < self->pending_count) {
        self->pending_data.size = self->pending[first].id_off;
        self->pending_count = first;
    }
}

/* ------------------------------------------------------------ waiting for the fsync */

void wt_broker_send_reply(wt_broker_t *self, wt_reply_t *r)
{
    if (r->identity_len)
        wt_proto_send_to(self->producers, r->identity, r->identity_len, &r->reply, NULL, 0,
                         ZMQ_DONTWAIT);
    wt_proto_clear(&r->reply);
}

/* An ACK that will not be sent (its transaction was dropped, or the fsync
   failed): a NAK instead, the producer sends the item again. */
static void s_nak_ack(wt_broker_t *self, wt_reply_t *r, const char *reason)
{
    if (r->fresh && !r->queued) wt_broker_producer_add(self, r->tag, -1);
    wt_proto_t nak = {0};
    wt_proto_init(&nak, WT_CMD_NAK);
    nak.has |= r->reply.has & WT_F_CORR;
    nak.corr = r->reply.corr;
    wt_proto_set_error(&nak, WT_EJOURNAL, reason);
    wt_proto_set_role(&nak, "producers");
    wt_proto_clear(&r->reply);
    r->reply = nak;
    self->n_nak++;
    wt_broker_count(self, wt_errname(WT_EJOURNAL));
    wt_bmetrics_nak(self, r->reply.code);
    wt_broker_send_reply(self, r);
}

/* The journal committed (gen) or dropped its open transaction. */
static void s_on_txn(void *arg, bool committed, uint64_t gen)
{
    wt_broker_t *self = arg;
    size_t a = self->ack_count, p = self->pending_count;
    while (a > 0 && self->acks[a - 1].need == 0)
        a--;
    while (p > 0 && self->pending[p - 1].need == 0)
        p--;
    if (committed) {
        for (size_t i = a; i < self->ack_count; i++)
            self->acks[i].need = gen;
        for (size_t i = p; i < self->pending_count; i++)
            self->pending[i].need = gen;
        return;
    }
    if (a < self->ack_count)
        wt_broker_log(self, 0, "journal", "-", "PUT", WT_EJOURNAL,
                      "journal transaction dropped: %zu ACKs not sent, NAKed (retry)",
                      self->ack_count - a);
    for (size_t i = a; i < self->ack_count; i++)
        s_nak_ack(self, &self->acks[i], "journal write failed; retry");
    self->ack_count = a;
    wt_broker_hold_pending(self);
}

void wt_broker_results_init(wt_broker_t *self)
{
    wt_journal_on_txn(self->journal, s_on_txn, self);
}

void wt_broker_wait_ack(wt_broker_t *self, wt_reply_t *r)
{
    wt_grow(&self->acks, &self->ack_cap, self->ack_count + 1, sizeof *self->acks);
    wt_reply_t *w = &self->acks[self->ack_count++];
    *w = *r;
    memset(&r->reply, 0, sizeof r->reply); /* taken over */
    w->queued = false;
    /* in the open transaction (a new item, or a dup of one there), else
       committed already */
    w->need = wt_journal_open_txn(self->journal) ? 0 : wt_journal_generation(self->journal);
}

/* Committed items are handed to dispatch (before their fsync: a result is
   journaled after its item, so it is never durable before it). */
static void s_queue_committed(wt_broker_t *self)
{
    size_t i = self->ack_count;
    while (i > 0 && self->acks[i - 1].need == 0)
        i--;
    size_t end = i;
    while (i > 0 && !self->acks[i - 1].queued)
        i--;
    for (; i < end; i++) {
        wt_reply_t *r = &self->acks[i];
        r->queued = true;
        if (r->fresh && !r->reply.dup) wt_broker_window_add(self, r->reply.seq);
    }
}

/* Send the ACKs up to generation durable. */
static void s_send_acks(wt_broker_t *self, uint64_t durable)
{
    size_t n = 0;
    while (n < self->ack_count && self->acks[n].need && self->acks[n].need <= durable) {
        wt_reply_t *r = &self->acks[n++];
        self->n_ack++;
        if (r->reply.dup) self->n_dup++;
        wt_broker_send_reply(self, r);
    }
    if (!n) return;
    self->ack_count -= n;
    memmove(self->acks, self->acks + n, self->ack_count * sizeof *self->acks);
}

void wt_broker_release(wt_broker_t *self)
{
    if (*self->stop_flag == 2) return; /* a journal failure: nothing more goes out */
    bool waiting = (self->ack_count && !self->acks[self->ack_count - 1].need) ||
                   (self->pending_count && !self->pending[self->pending_count - 1].need);
    if (waiting && wt_journal_open_txn(self->journal)) {
        /* commit them now unless an fsync is under way (then after it) */
        uint64_t gen = 0;
        int rc = wt_journal_commit_lazy(self->journal, &gen);
        if (rc && rc != -ENOSPC) { /* -ENOSPC: NAKed and held by s_on_txn */
            wt_broker_fatal(self, self->pending_count ? "result" : "PUT", rc);
            return;
        }
    }
    s_queue_committed(self);
    if (!self->ack_count && !self->pending_count) return;
    uint64_t durable = 0;
    int rc = wt_journal_durable(self->journal, &durable);
    if (rc) {
        wt_broker_fatal(self, "fsync", rc);
        return;
    }
    s_send_acks(self, durable);
    wt_broker_release_pending(self, durable);
}

void wt_broker_release_all(wt_broker_t *self, bool ok)
{
    if (ok && *self->stop_flag != 2) {
        uint64_t durable = 0;
        if (wt_journal_durable(self->journal, &durable) == 0) {
            s_send_acks(self, durable);
            wt_broker_release_pending(self, durable);
        }
    }
    for (size_t i = 0; i < self->ack_count; i++) /* not durable: NAKed */
        s_nak_ack(self, &self->acks[i], "journal fsync failed or broker stopping; retry");
    self->ack_count = 0;
    free(self->acks);
    self->acks = NULL;
    self->ack_cap = 0;
    wt_broker_drop_pending(self);
}

int wt_broker_commit(wt_broker_t *self, bool durable)
{
    int rc = wt_journal_commit(self->journal, durable);
    /* a full journal: the results in the transaction are held (s_on_txn) */
    if (rc && rc != -ENOSPC && self->pending_count) wt_broker_fatal(self, "result", rc);
    return rc;
}

/* Journal the held results again (after retention made room): those that
   fit are committed durably and published; the rest wait. */
void wt_broker_retry_held(wt_broker_t *self)
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
    /* durable now, with every result before them: those first (rseq order) */
    wt_broker_release(self);
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

void wt_broker_release_pending(wt_broker_t *self, uint64_t durable)
{
    size_t n = 0;
    while (n < self->pending_count && self->pending[n].need && self->pending[n].need <= durable) {
        struct wt_pending *p = &self->pending[n++];
        s_publish_now(self, p->rseq, p->seq, (const char *)self->pending_data.data + p->id_off,
                      self->pending_data.data + p->pay_off, p->pay_len);
    }
    if (n == self->pending_count) {
        self->pending_count = 0;
        wt_buf_reset(&self->pending_data);
    } else if (n) { /* the rest waits for a later fsync: move it to the front */
        size_t off = self->pending[n].id_off;
        memmove(self->pending_data.data, self->pending_data.data + off,
                self->pending_data.size - off);
        self->pending_data.size -= off;
        self->pending_count -= n;
        memmove(self->pending, self->pending + n, self->pending_count * sizeof *self->pending);
        for (size_t i = 0; i < self->pending_count; i++) {
            self->pending[i].id_off -= off;
            self->pending[i].pay_off -= off;
        }
    }
}

void wt_broker_drop_pending(wt_broker_t *self)
{
    self->pending_count = 0;
    wt_buf_reset(&self->pending_data);
}
