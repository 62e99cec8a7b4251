/*  replay.c: the broker's replay and control socket: REPLAY (results from
    the journal, paced by the client), DEAD (the dead letters), REQUEUE (a
    dead letter gets another round), STATS (the figures map of
    docs/PROTOCOL.md) and PING. Anything else is refused with an ERROR
    that names the socket.
*/
#include "broker.h"

#include <math.h>
#include <msgpack.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wiretag/curve.h"

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

/* One record of a REPLAY or DEAD answer: 1 when the client's pipe is full
   (the scan stops there), else 0. */
static int s_send_one(s_replay_ctx_t *c, wt_proto_t *m, const uint8_t *payload, size_t n)
{
    int rc = s_reply(c->self, c->in, m, payload, n);
    wt_proto_clear(m);
    if (rc) {
        c->blocked = true;
        return 1;
    }
    c->sent++;
    return 0;
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
    return s_send_one(c, &m, payload, n);
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
    return s_send_one(c, &m, payload, n);
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
    s_mp_kv_u(&pk, "last_rseq", js.durable_next_rseq - 1); /* published, replayable */
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
        /* replay serves durable results only: what waits in the open
           transaction or for its fsync is committed and waited for first (an
           fsync or two), so that a client sees every result the broker has
           counted (STATS reads the open transaction) */
        rc = wt_journal_commit(self->journal, true);
        if (rc && rc != -ENOSPC) wt_broker_fatal(self, "fsync", rc); /* answered all the same */
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
        m.last = js.durable_next_rseq - 1; /* what replay serves: the durable results */
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

void wt_broker_on_replay(wt_broker_t *self)
{
    wt_broker_drain(self, self->replay, false, s_on_replay_msg);
}
