/*  workers.c: the broker's worker side: one explicit state machine per
    worker (states WS_READY / WS_BUSY / WS_GONE, events WE_*, one execute
    switch, small named actions), credit-based dispatch from the journal's
    queue, the in-flight table with deadlines and attempts, heartbeats both
    ways, re-dispatch and dead letters.

    Who owns what: the journal owns every item; a worker's jobs[] only says
    "this seq is on that worker until this deadline". A seq is in exactly
    one of: the journal queue above loaded_upto, the window, the retry
    FIFO, or one worker's jobs[] (or nowhere once done/dead). Late answers
    (a DONE for a job that timed out and went elsewhere) are settled by the
    journal: the first result wins, later ones are dropped.
*/
#include "broker.h"

#include <stdlib.h>
#include <string.h>

const char *wt_wstate_name(wt_wstate_t s)
{
    switch (s) {
    case WS_READY:
        return "ready";
    case WS_BUSY:
        return "busy";
    case WS_GONE:
        return "gone";
    }
    return "?";
}

/* ------------------------------------------------------------ queue */

static void s_retry_push(wt_broker_t *self, uint64_t seq, bool front)
{
    if (self->retry_count == self->retry_cap) {
        size_t ncap = self->retry_cap ? self->retry_cap * 2 : 64;
        uint64_t *n = wt_malloc(ncap * sizeof *n);
        for (size_t i = 0; i < self->retry_count; i++)
            n[i] = self->retry[(self->retry_head + i) % self->retry_cap];
        free(self->retry);
        self->retry = n;
        self->retry_cap = ncap;
        self->retry_head = 0;
    }
    if (front) {
        self->retry_head = (self->retry_head + self->retry_cap - 1) % self->retry_cap;
        self->retry[self->retry_head] = seq;
    } else {
        self->retry[(self->retry_head + self->retry_count) % self->retry_cap] = seq;
    }
    self->retry_count++;
}

void wt_workers_revived(wt_broker_t *self, uint64_t seq)
{
    if (seq > self->loaded_upto) {
        wt_broker_window_add(self, seq); /* not read from the queue yet: found there */
        return;
    }
    s_retry_push(self, seq, false); /* behind the window's reading point */
}

/* Next seq to dispatch: re-queued ones first, then the window (refilled
   from the journal's queue). */
static bool s_next_seq(wt_broker_t *self, uint64_t *seq, bool *retried)
{
    if (self->retry_count) {
        *seq = self->retry[self->retry_head];
        self->retry_head = (self->retry_head + 1) % self->retry_cap;
        self->retry_count--;
        *retried = true;
        return true;
    }
    *retried = false;
    if (!self->win_count && !self->window_complete) {
        uint64_t seqs[WT_BROKER_WINDOW];
        size_t n = 0;
        int rc =
            wt_journal_queue_scan(self->journal, self->loaded_upto, seqs, WT_BROKER_WINDOW, &n);
        if (rc) {
            wt_broker_log(self, 0, "journal", "-", "SCAN", rc, "cannot read the queue");
            return false;
        }
        self->win_head = 0;
        for (size_t i = 0; i < n; i++)
            wt_broker_window_push(self, seqs[i]);
        self->window_complete = n < WT_BROKER_WINDOW;
    }
    if (!self->win_count) return false;
    *seq = self->window[self->win_head];
    self->win_head = (self->win_head + 1) % WT_BROKER_WINDOW;
    self->win_count--;
    return true;
}

/* ------------------------------------------------------------ table */

static wt_worker_t *s_find(wt_broker_t *self, const uint8_t *id, size_t len)
{
    for (size_t i = 0; i < self->worker_count; i++) {
        wt_worker_t *w = self->workerv[i];
        if (w->identity_len == len && memcmp(w->identity, id, len) == 0) return w;
    }
    return NULL;
}

static void s_peer_name(const uint8_t *id, size_t len, char *out, size_t outlen)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    for (size_t i = 0; i < len && o + 2 < outlen; i++) {
        out[o++] = hex[id[i] >> 4];
        out[o++] = hex[id[i] & 15];
    }
    out[o] = 0;
}

static wt_worker_t *s_worker_new(wt_broker_t *self, const wt_proto_in_t *in)
{
    wt_worker_t *w = wt_calloc(1, sizeof *w);
    memcpy(w->identity, in->envelope, in->envelope_len);
    w->identity_len = in->envelope_len;
    s_peer_name(in->envelope, in->envelope_len, w->peer, sizeof w->peer);
    w->state = WS_BUSY;
    wt_grow(&self->workerv, &self->worker_cap, self->worker_count + 1, sizeof *self->workerv);
    self->workerv[self->worker_count++] = w;
    self->n_workers_seen++;
    return w;
}

static void s_worker_remove(wt_broker_t *self, wt_worker_t *w)
{
    for (size_t i = 0; i < self->worker_count; i++)
        if (self->workerv[i] == w) {
            self->workerv[i] = self->workerv[--self->worker_count];
            break;
        }
    free(w->jobs);
    free(w->name);
    free(w->dictionaries);
    free(w);
}

void wt_workers_clear(wt_broker_t *self)
{
    while (self->worker_count)
        s_worker_remove(self, self->workerv[0]);
    free(self->workerv);
    self->workerv = NULL;
    self->worker_cap = 0;
    free(self->retry);
    self->retry = NULL;
    self->retry_cap = self->retry_count = 0;
    free(self->suspects);
    self->suspects = NULL;
    self->suspect_cap = self->suspect_count = 0;
}

static const char *s_wname(const wt_worker_t *w)
{
    return w->name ? w->name : w->peer;
}

/* Remove job seq from w; returns true (and the job) when it was there. */
static bool s_take_job(wt_broker_t *self, wt_worker_t *w, uint64_t seq, wt_job_t *out)
{
    for (size_t i = 0; i < w->job_count; i++)
        if (w->jobs[i].seq == seq) {
            if (out) *out = w->jobs[i];
            if (w->isolate_seq == seq) w->isolate_seq = 0;
            if (!w->jobs[i].abandoned) self->inflight--;
            w->jobs[i] = w->jobs[--w->job_count];
            return true;
        }
    return false;
}

/* Stop counting on a job that w still holds. */
static void s_abandon(wt_broker_t *self, wt_job_t *job)
{
    if (!job->abandoned) self->inflight--;
    job->abandoned = true;
}

static int s_send(wt_broker_t *self, wt_worker_t *w, const wt_proto_t *msg, const void *payload,
                  size_t n)
{
    int rc = wt_proto_send_to(self->workers, w->identity, w->identity_len, msg, payload, n,
                              ZMQ_DONTWAIT);
    if (rc == 0) w->last_sent_ms = wt_clock_ms();
    return rc;
}

static void s_send_error(wt_broker_t *self, const uint8_t *id, size_t len, int code,
                         const char *reason)
{
    wt_proto_t m = {0};
    wt_proto_init(&m, WT_CMD_ERROR);
    wt_proto_set_error(&m, code, reason);
    wt_proto_set_role(&m, "workers"); /* a client on the wrong port learns it */
    wt_proto_send_to(self->workers, id, len, &m, NULL, 0, ZMQ_DONTWAIT);
    wt_proto_clear(&m);
}

/* ------------------------------------------------------------ actions */

/* dead_letter: the item failed max_attempts times. */
static void s_dead_letter(wt_broker_t *self, uint64_t seq, uint32_t attempts, const char *code,
                          const char *reason)
{
    wt_jitem_t it;
    uint64_t producer = 0;
    if (wt_journal_item(self->journal, seq, &it) == 0) producer = it.producer;
    char why[600];
    snprintf(why, sizeof why, "%s (after %u attempts)", reason ? reason : "", attempts);
    int rc = wt_journal_dead(self->journal, seq, code, why, wt_journal_now(self->journal));
    if (rc == WT_ESEQ) return; /* finished meanwhile */
    if (rc == -ENOSPC) {
        wt_broker_hold_pending(self); /* the open transaction went with it */
    } else if (rc) {
        wt_broker_fatal(self, "dead letter", rc);
        return;
    } else {
        rc = wt_broker_commit(self, true);
    }
    if (rc == -ENOSPC) { /* no room to record it: it goes round once more */
        wt_broker_log(self, 1, "journal", "-", "DEAD", rc,
                      "seq=%llu journal full: dead letter not recorded, re-queued",
                      (unsigned long long)seq);
        s_retry_push(self, seq, false);
        return;
    }
    if (rc) {
        wt_broker_fatal(self, "dead letter commit", rc);
        return;
    }
    wt_broker_producer_add(self, producer, -1);
    self->n_dead++;
    wt_broker_log(self, 1, "workers", "-", "DEAD", 0, "seq=%llu code=%s reason=\"%s\"",
                  (unsigned long long)seq, code, why);
}

static void s_suspect_push(wt_broker_t *self, uint64_t seq)
{
    for (size_t i = 0; i < self->suspect_count; i++)
        if (self->suspects[i] == seq) return;
    wt_grow(&self->suspects, &self->suspect_cap, self->suspect_count + 1, sizeof *self->suspects);
    self->suspects[self->suspect_count++] = seq;
}

/* requeue_job: a job came back without a result (worker lost, timed out,
   failed, handed back). refund: it never started, do not count it.
   alone: it goes to the suspects, to be run alone. */
static void s_requeue_to(wt_broker_t *self, const wt_job_t *job, const char *code,
                         const char *reason, bool refund, bool alone)
{
    if (!refund && job->attempt >= (uint32_t)self->cfg->broker_max_attempts) {
        s_dead_letter(self, job->seq, job->attempt, code, reason);
        return;
    }
    int rc = wt_journal_requeue(self->journal, job->seq, refund);
    if (rc == WT_ESEQ) return; /* already done (a late DONE won) or dead */
    if (rc && rc != -ENOSPC) {
        wt_broker_fatal(self, "requeue", rc);
        return;
    }
    if (rc) /* full: the journal still says in flight (dispatch takes it); the
               open transaction went with it */
        wt_broker_hold_pending(self);
    if (alone)
        s_suspect_push(self, job->seq);
    else
        s_retry_push(self, job->seq, false);
}

static void s_requeue_job(wt_broker_t *self, const wt_job_t *job, const char *code,
                          const char *reason, bool refund)
{
    s_requeue_to(self, job, code, reason, refund, false);
}

/* requeue_jobs: every job of w goes back to the queue. */
static void s_requeue_jobs(wt_broker_t *self, wt_worker_t *w, const char *code, const char *reason,
                           bool refund)
{
    while (w->job_count) {
        wt_job_t job = w->jobs[w->job_count - 1];
        s_take_job(self, w, job.seq, NULL);
        if (!job.abandoned) s_requeue_job(self, &job, code, reason, refund);
    }
    wt_broker_commit(self, false);
}

/* set_ready: (re)start a worker from its READY. */
static void s_set_ready(wt_broker_t *self, wt_worker_t *w, const wt_proto_t *m)
{
    free(w->name);
    free(w->dictionaries);
    w->name = (m->has & WT_F_NAME) && m->name[0] ? wt_strdup(m->name) : NULL;
    w->dictionaries = (m->has & WT_F_DICTIONARIES) ? wt_strdup(m->dictionaries) : NULL;
    w->threads = m->threads;
    /* READY's credit is the worker's whole capacity: what it still holds
       (including jobs we gave up on) is taken off */
    uint32_t cap = m->credit > WT_BROKER_MAX_CREDIT ? WT_BROKER_MAX_CREDIT : m->credit;
    w->credit = cap > w->job_count ? cap - (uint32_t)w->job_count : 0;
    w->ready_ms = wt_clock_ms();
    wt_broker_log(self, 2, "workers", w->peer, "READY", 0,
                  "worker \"%s\" credit=%u threads=%u dictionaries=\"%s\"", s_wname(w), w->credit,
                  w->threads, w->dictionaries ? w->dictionaries : "");
}

static void s_add_credit(wt_worker_t *w, uint64_t n)
{
    uint64_t c = (uint64_t)w->credit + n;
    w->credit = c > WT_BROKER_MAX_CREDIT ? WT_BROKER_MAX_CREDIT : (uint32_t)c;
}

/* accept_result: DONE with a result payload. Returns false when the job
   was not on this worker (no credit comes back for it). */
static bool s_accept_result(wt_broker_t *self, wt_worker_t *w, wt_proto_in_t *in)
{
    uint64_t seq = in->msg.job;
    wt_job_t job = {.seq = seq};
    if (!s_take_job(self, w, seq, &job)) {
        wt_broker_count(self, "ESEQ");
        wt_broker_log(self, 1, "workers", w->peer, "DONE", WT_ESEQ,
                      "job=%llu was never given to this worker: dropped", (unsigned long long)seq);
        return false;
    }
    size_t n = 0;
    const uint8_t *payload = wt_proto_in_payload(in, &n);
    int rc = payload ? 0 : WT_EFRAMES;
    char why[256] = "no result frame";
    /* the job's record, read once (its strings last until the next journal call) */
    wt_jitem_t it;
    bool known = wt_journal_item(self->journal, seq, &it) == 0;
    if (!rc) {
        wt_result_t res = {0};
        rc = wt_result_decode_ex(payload, n, &self->limits, &res, why, sizeof why);
        if (!rc && known && strcmp(it.id, res.item.id)) {
            rc = WT_EVALUE; /* a result for another item */
            snprintf(why, sizeof why, "result id \"%.100s\" is not the job's id", res.item.id);
        }
        wt_result_clear(&res);
    }
    if (rc) { /* a result we cannot publish: the attempt failed */
        wt_broker_count(self, wt_errname(rc));
        wt_broker_log(self, 1, "workers", w->peer, "DONE", rc,
                      "job=%llu bad result from \"%s\": %s", (unsigned long long)seq, s_wname(w),
                      why);
        w->failed++;
        self->n_failed++;
        if (!job.abandoned) {
            s_requeue_job(self, &job, wt_errname(rc), "worker sent an invalid result", false);
            wt_broker_commit(self, false);
        }
        return true;
    }
    uint64_t producer = 0;
    int64_t accepted_ms = 0;
    char id[WT_PROTO_MAX_STR + 1] = "";
    if (known) {
        producer = it.producer;
        accepted_ms = it.accepted_ms;
        snprintf(id, sizeof id, "%s", it.id);
    }
    uint64_t rseq = 0;
    rc = wt_journal_done(self->journal, seq, payload, n, wt_journal_now(self->journal), &rseq);
    if (rc == -ENOSPC) {
        /* journal full: the open transaction is gone with the results of
           the turn before this one. They and this one wait in memory and
           dispatch pauses until retention makes room (wt_broker_retry_held). */
        wt_broker_hold_pending(self);
        wt_broker_hold(self, seq, producer, id, payload, n);
        w->done++;
        wt_broker_log(self, 3, "journal", "-", "DONE", rc, /* the tick says it once a second */
                      "job=%llu journal full: result kept in memory until there is room",
                      (unsigned long long)seq);
        return true;
    }
    if (rc == WT_ESEQ) {
        self->n_late_done++;
        wt_broker_log(self, 3, "workers", w->peer, "DONE", rc,
                      "job=%llu already finished: result dropped", (unsigned long long)seq);
        return true;
    }
    if (rc) {
        wt_broker_fatal(self, "result", rc);
        return true;
    }
    /* the first result wins: copies of the job on other workers are abandoned */
    for (size_t i = 0; i < self->worker_count; i++) {
        wt_worker_t *o = self->workerv[i];
        for (size_t j = 0; j < o->job_count; j++)
            if (o->jobs[j].seq == seq) s_abandon(self, &o->jobs[j]);
    }
    w->done++;
    self->n_done++;
    wt_broker_producer_add(self, producer, -1);
    wt_broker_log(self, 3, "workers", w->peer, "DONE", 0, "job=%llu rseq=%llu",
                  (unsigned long long)seq, (unsigned long long)rseq);
    wt_broker_publish(self, rseq, seq, id, payload, n);
    wt_bmetrics_result(self, accepted_ms, &in->msg);
    return true;
}

/* fail_job: the worker could not annotate the item. Returns false when
   the job was not on this worker. */
static bool s_fail_job(wt_broker_t *self, wt_worker_t *w, const wt_proto_t *m)
{
    wt_job_t job;
    if (!s_take_job(self, w, m->job, &job)) {
        wt_broker_count(self, "ESEQ");
        wt_broker_log(self, 1, "workers", w->peer, "FAIL", WT_ESEQ,
                      "job=%llu was never given to this worker", (unsigned long long)m->job);
        return false;
    }
    w->failed++;
    self->n_failed++;
    if (job.abandoned) return true; /* already back in the queue */
    wt_broker_log(self, 1, "workers", w->peer, "FAIL", 0,
                  "job=%llu attempt=%u code=%s reason=\"%s\"", (unsigned long long)job.seq,
                  job.attempt, m->code, (m->has & WT_F_REASON) ? m->reason : "");
    s_requeue_job(self, &job, m->code, (m->has & WT_F_REASON) ? m->reason : "worker failed", false);
    wt_broker_commit(self, false);
    return true;
}

/* hand_back: BYE. Listed jobs never started (refunded); any other job of
   the worker counts as a failed attempt. */
static void s_hand_back(wt_broker_t *self, wt_worker_t *w, const wt_proto_t *m)
{
    for (size_t i = 0; i < m->job_count; i++) {
        wt_job_t job;
        if (s_take_job(self, w, m->jobs[i], &job) && !job.abandoned)
            s_requeue_job(self, &job, "ECANCELED", "handed back", true);
    }
    s_requeue_jobs(self, w, "ECANCELED", "worker left with the job", false);
    wt_broker_log(self, 2, "workers", w->peer, "BYE", 0, "worker \"%s\" left (handed back %zu)",
                  s_wname(w), m->job_count);
}

/* lose_jobs: w died (went silent, broke the protocol) holding its jobs.
   Which of them killed it is not known when it held several: none is
   charged, and each is re-run alone (a suspect) until one kills a worker
   on its own. A job that was alone on w (the only one it held) is charged,
   and stays a suspect while it has attempts left. */
static void s_lose_jobs(wt_broker_t *self, wt_worker_t *w, const char *code, const char *what)
{
    size_t held = w->job_count; /* abandoned ones too: they may be the cause */
    uint64_t alone = w->isolate_seq;
    char why[300];
    while (w->job_count) {
        wt_job_t job = w->jobs[w->job_count - 1];
        s_take_job(self, w, job.seq, NULL);
        if (job.abandoned) continue; /* already back in the queue */
        if (held > 1) {
            s_requeue_to(self, &job, code, what, true, true);
            continue;
        }
        snprintf(why, sizeof why, "%s while running this item alone (%s)", what,
                 job.seq == alone ? "it was re-run alone after an earlier loss"
                                  : "it was the worker's only job");
        s_requeue_to(self, &job, code, why, false, true);
    }
    wt_broker_commit(self, false);
}

/* expire_worker: silent for liveness x heartbeat. */
static void s_expire_worker(wt_broker_t *self, wt_worker_t *w)
{
    char why[200];
    snprintf(why, sizeof why, "worker \"%s\" lost (silent %lld ms)", s_wname(w),
             (long long)(wt_clock_ms() - w->last_seen_ms));
    self->n_expired++;
    if (w->job_count > 1)
        wt_broker_log(self, 1, "workers", w->peer, "EXPIRE", -ETIMEDOUT,
                      "%s holding %zu jobs: none charged, each re-run alone to find the one that "
                      "kills workers",
                      why, w->job_count);
    else
        wt_broker_log(self, 1, "workers", w->peer, "EXPIRE", -ETIMEDOUT, "%s, %zu jobs re-queued",
                      why, w->job_count);
    s_lose_jobs(self, w, "ETIMEDOUT", why);
}

/* ------------------------------------------------------------ the machine */

static void s_execute(wt_broker_t *self, wt_worker_t *w, wt_wevent_t ev, wt_proto_in_t *in)
{
    switch (w->state) {
    case WS_READY:
    case WS_BUSY:
        switch (ev) {
        case WE_READY: /* announced again (e.g. after an ERROR): jobs stay in flight */
            s_set_ready(self, w, &in->msg);
            break;
        case WE_DONE:
            if (s_accept_result(self, w, in)) s_add_credit(w, 1);
            break;
        case WE_FAIL:
            if (s_fail_job(self, w, &in->msg)) s_add_credit(w, 1);
            break;
        case WE_CREDIT:
            s_add_credit(w, in->msg.credit);
            break;
        case WE_HB:
            break;
        case WE_BYE:
            s_hand_back(self, w, &in->msg);
            w->state = WS_GONE;
            break;
        case WE_EXPIRED:
            s_expire_worker(self, w);
            w->state = WS_GONE;
            break;
        case WE_BAD:
            s_send_error(self, w->identity, w->identity_len, -EPROTO,
                         "unexpected command on the workers socket; send READY");
            s_lose_jobs(self, w, "EPROTO", "worker protocol error");
            w->state = WS_GONE;
            break;
        }
        if (w->state != WS_GONE) w->state = w->credit > 0 ? WS_READY : WS_BUSY;
        break;
    case WS_GONE:
        break;
    }
    if (w->state == WS_GONE) s_worker_remove(self, w);
}

void wt_workers_on_message(wt_broker_t *self, wt_proto_in_t *in, int rc)
{
    char peer[24];
    s_peer_name(in->envelope, in->envelope_len, peer, sizeof peer);
    wt_worker_t *w = in->envelope_len ? s_find(self, in->envelope, in->envelope_len) : NULL;
    if (rc) { /* garbage: answer, count, drop the peer */
        wt_broker_count(self, wt_errname(rc));
        wt_broker_log(self, 1, "workers", peer, wt_proto_cmd_name(in->msg.cmd), rc,
                      "malformed message");
        if (w) {
            w->last_seen_ms = wt_clock_ms();
            s_send_error(self, in->envelope, in->envelope_len, rc, wt_strerror(rc));
            s_lose_jobs(self, w, "EPROTO", "worker protocol error");
            s_worker_remove(self, w);
        } else if (in->envelope_len) {
            s_send_error(self, in->envelope, in->envelope_len, rc, wt_strerror(rc));
        }
        return;
    }
    wt_cmd_t cmd = in->msg.cmd;
    if (!w) {
        if (cmd == WT_CMD_READY) {
            w = s_worker_new(self, in);
            w->last_seen_ms = wt_clock_ms();
            s_set_ready(self, w, &in->msg);
            w->state = w->credit > 0 ? WS_READY : WS_BUSY;
        } else if (cmd != WT_CMD_BYE) {
            wt_broker_count(self, "EPROTO");
            wt_broker_log(self, 1, "workers", peer, wt_proto_cmd_name(cmd), -EPROTO,
                          "unknown worker: must send READY first");
            s_send_error(self, in->envelope, in->envelope_len, -EPROTO,
                         "unknown worker: send READY first");
        }
        return;
    }
    w->last_seen_ms = wt_clock_ms();
    wt_wevent_t ev;
    switch (cmd) {
    case WT_CMD_READY:
        ev = WE_READY;
        break;
    case WT_CMD_DONE:
        ev = WE_DONE;
        break;
    case WT_CMD_FAIL:
        ev = WE_FAIL;
        break;
    case WT_CMD_CREDIT:
        ev = WE_CREDIT;
        break;
    case WT_CMD_HB:
        ev = WE_HB;
        break;
    case WT_CMD_BYE:
        ev = WE_BYE;
        break;
    default:
        wt_broker_count(self, "EPROTO");
        wt_broker_log(self, 1, "workers", peer, wt_proto_cmd_name(cmd), -EPROTO,
                      "command not allowed from a worker");
        ev = WE_BAD;
        break;
    }
    s_execute(self, w, ev, in);
}

void wt_workers_tick(wt_broker_t *self, int64_t now)
{
    int64_t hb = self->cfg->broker_heartbeat_ms;
    int64_t dead_after = hb * self->cfg->broker_liveness;
    for (size_t i = 0; i < self->worker_count;) {
        wt_worker_t *w = self->workerv[i];
        if (now - w->last_seen_ms > dead_after) {
            s_execute(self, w, WE_EXPIRED, NULL); /* removes w: same index again */
            continue;
        }
        if (now - w->last_sent_ms >= hb) {
            wt_proto_t m = {0};
            wt_proto_init(&m, WT_CMD_HB);
            s_send(self, w, &m, NULL, 0);
            wt_proto_clear(&m);
        }
        for (size_t j = 0; j < w->job_count; j++) {
            if (w->jobs[j].abandoned || now < w->jobs[j].deadline_ms) continue;
            /* the worker keeps the slot (and gets its credit back when it
               answers); the item goes back to the queue */
            s_abandon(self, &w->jobs[j]);
            wt_job_t job = w->jobs[j];
            self->n_timeouts++;
            char why[200];
            snprintf(why, sizeof why, "job timed out on worker \"%s\" after %lld ms", s_wname(w),
                     (long long)self->cfg->broker_job_timeout_ms);
            wt_broker_log(self, 1, "workers", w->peer, "JOB", -ETIMEDOUT, "job=%llu %s",
                          (unsigned long long)job.seq, why);
            bool alone = w->isolate_seq == job.seq; /* a suspect stays one */
            if (alone) w->isolate_seq = 0;
            s_requeue_to(self, &job, "ETIMEDOUT", why, false, alone);
        }
        i++;
    }
    wt_broker_commit(self, false);
}

/* ------------------------------------------------------------ dispatch */

/* The ready worker with the most free credit; ties: the one that waited
   longest. */
static wt_worker_t *s_pick(wt_broker_t *self)
{
    wt_worker_t *best = NULL;
    for (size_t i = 0; i < self->worker_count; i++) {
        wt_worker_t *w = self->workerv[i];
        if (w->state != WS_READY || w->credit == 0 || w->isolate_seq) continue;
        if (!best || w->credit > best->credit ||
            (w->credit == best->credit && w->last_dispatch_ms < best->last_dispatch_ms))
            best = w;
    }
    return best;
}

/* dispatch_item: send queued seq to w. Returns 1 when a job went out, 0
   when the item was skipped or w could not take it, -1 on a journal
   failure (the broker is stopping). */
static int s_dispatch_item(wt_broker_t *self, wt_worker_t *w, uint64_t seq, bool retried,
                           bool suspect, int64_t now)
{
    wt_jitem_t it;
    /* in flight in the journal but in no worker's table: a requeue that
       could not be written (a full journal) or a journal opened full */
    int rc = wt_journal_item(self->journal, seq, &it);
    if (rc == -EBADMSG) { /* never dispatched, never forgotten: a dead letter */
        s_dead_letter(self, seq, 0, wt_errname(WT_EJOURNAL),
                      "the item's journal record is damaged (checksum mismatch)");
        return 0;
    }
    if (rc != 0 || (it.state != WT_JITEM_QUEUED && it.state != WT_JITEM_INFLIGHT))
        return 0; /* finished meanwhile (a late DONE won, or dead-lettered) */
    uint32_t attempt = it.attempts + 1;
    wt_buf_reset(&self->scratch);
    rc = wt_journal_payload(self->journal, seq, &self->scratch);
    if (rc) {
        wt_broker_log(self, 0, "journal", "-", "JOB", rc, "seq=%llu payload unreadable",
                      (unsigned long long)seq);
        s_dead_letter(self, seq, it.attempts, wt_errname(WT_EJOURNAL),
                      rc == -EBADMSG ? "the item's payload in the journal is damaged (checksum "
                                       "mismatch)"
                                     : "the item's payload is missing from the journal");
        return 0;
    }
    wt_proto_t m = {0};
    wt_proto_init(&m, WT_CMD_JOB);
    m.has |= WT_F_JOB | WT_F_ATTEMPT;
    m.job = seq;
    m.attempt = attempt;
    wt_proto_set_id(&m, it.id); /* the item may have come without one */
    rc = s_send(self, w, &m, self->scratch.data, self->scratch.size);
    wt_proto_clear(&m);
    if (rc) { /* its pipe is full or it is gone: stop giving it work */
        if (suspect)
            s_suspect_push(self, seq);
        else
            s_retry_push(self, seq, true);
        wt_broker_log(self, 1, "workers", w->peer, "JOB", rc, "cannot send to \"%s\"", s_wname(w));
        if (rc == -EHOSTUNREACH) {
            s_execute(self, w, WE_EXPIRED, NULL);
        } else {
            w->credit = 0;
            w->state = WS_BUSY;
        }
        return 0;
    }
    /* recorded after the send: a failed send costs no attempt */
    rc = wt_journal_dispatch(self->journal, seq, &attempt);
    if (rc == -ENOSPC) { /* the job is out: only its attempt mark is not written */
        wt_broker_hold_pending(self);
        attempt = it.attempts + 1;
    } else if (rc) {
        wt_broker_fatal(self, "dispatch", rc);
        return -1;
    }
    wt_grow(&w->jobs, &w->job_cap, w->job_count + 1, sizeof *w->jobs);
    w->jobs[w->job_count++] = (wt_job_t){
        .seq = seq, .deadline_ms = now + self->cfg->broker_job_timeout_ms, .attempt = attempt};
    self->inflight++;
    if (suspect) w->isolate_seq = seq;
    w->credit--;
    w->dispatched++;
    w->last_dispatch_ms = now;
    if (w->credit == 0) w->state = WS_BUSY;
    self->n_dispatched++;
    if (retried || attempt > 1) self->n_redispatched++;
    wt_broker_log(self, 3, "workers", w->peer, "JOB", 0, "job=%llu attempt=%u",
                  (unsigned long long)seq, attempt);
    return 1;
}

/* An idle worker (nothing in flight) for a suspect. */
static wt_worker_t *s_pick_idle(wt_broker_t *self)
{
    wt_worker_t *best = NULL;
    for (size_t i = 0; i < self->worker_count; i++) {
        wt_worker_t *w = self->workerv[i];
        if (w->state != WS_READY || w->credit == 0 || w->job_count) continue;
        if (!best || w->last_dispatch_ms < best->last_dispatch_ms) best = w;
    }
    return best;
}

void wt_workers_dispatch(wt_broker_t *self)
{
    if (self->held_count) return; /* results wait for room: no new ones */
    int64_t now = wt_clock_ms();
    bool wrote = false;
    /* suspects first, each alone on an idle worker */
    while (self->suspect_count) {
        wt_worker_t *w = s_pick_idle(self);
        if (!w) break;
        uint64_t seq = self->suspects[0];
        memmove(self->suspects, self->suspects + 1, --self->suspect_count * sizeof *self->suspects);
        int rc = s_dispatch_item(self, w, seq, true, true, now);
        if (rc < 0) return;
        wrote |= rc > 0;
    }
    for (;;) {
        wt_worker_t *w = s_pick(self);
        if (!w) break;
        uint64_t seq;
        bool retried;
        if (!s_next_seq(self, &seq, &retried)) break;
        int rc = s_dispatch_item(self, w, seq, retried, false, now);
        if (rc < 0) return;
        wrote |= rc > 0;
    }
    if (wrote) wt_broker_commit(self, false);
}
