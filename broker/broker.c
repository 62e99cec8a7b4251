/*  broker.c: the broker's life and loop. One thread, one zmq_poll over
    the four sockets (and the CURVE monitors and /metrics): each turn takes
    the workers' results first (they free credit, which takes queued items
    at once, before the fsync), then the producers' PUTs, ends with one
    durable commit for both (producers.c), serves the subscriber and replay
    sockets, runs the timers and hands queued items (those ACKed in this
    turn too) to workers. Which file does what (one way, no file calls back up):

        broker.c -> producers.c, replay.c -> workers.c -> results.c -> core.c
                                            (metrics.c, bind.c: leaves)

    Anything malformed is answered (NAK / ERROR), counted and logged once,
    where the decision is made.
*/
#include "broker.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "wiretag/curve.h"
#include "wiretag/endpoint.h"
#include "wiretag/log.h"

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

/* ------------------------------------------------------------ lifecycle */

static const char *const s_levels[] = {"error", "warn", "info", "debug"};

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
    wt_broker_results_init(self); /* ACKs and results follow the journal's commits */
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
    if (self->journal) wt_journal_on_txn(self->journal, NULL, NULL); /* the sockets go first */
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
    for (size_t i = 0; i < self->ack_count; i++) /* never sent: the broker did not run */
        wt_proto_clear(&self->acks[i].reply);
    free(self->acks);
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
        wt_broker_retry_held(self);
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

/* The poll set: the four sockets, the CURVE monitors, /metrics and the
   journal's fsync wake-up; *http and *wake: their places (-1: none). */
static int s_poll_items(wt_broker_t *self, zmq_pollitem_t *items, int *http, int *wake)
{
    void *socks[4] = {self->producers, self->workers, self->subscribers, self->replay};
    int n = 0;
    for (int i = 0; i < 4; i++)
        items[n++] = (zmq_pollitem_t){socks[i], 0, ZMQ_POLLIN, 0};
    for (int i = 0; i < 4; i++)
        if (self->monitors[i]) items[n++] = (zmq_pollitem_t){self->monitors[i], 0, ZMQ_POLLIN, 0};
    *http = *wake = -1;
    if (wt_bmetrics_fd(self) >= 0) { /* --metrics: served on this thread, between turns */
        *http = n;
        items[n++] = (zmq_pollitem_t){NULL, wt_bmetrics_fd(self), ZMQ_POLLIN, 0};
    }
    if (wt_journal_wake_fd(self->journal) >= 0) { /* an fsync ended: ACKs, results */
        *wake = n;
        items[n++] = (zmq_pollitem_t){NULL, wt_journal_wake_fd(self->journal), ZMQ_POLLIN, 0};
    }
    return n;
}

int wt_broker_run(wt_broker_t *self)
{
    int64_t tick_every = self->cfg->broker_heartbeat_ms / 4;
    if (tick_every < 5) tick_every = 5;
    if (tick_every > 100) tick_every = 100;
    int64_t next_tick = wt_clock_ms();
    zmq_pollitem_t items[12];
    int http, wake;
    int nitems = s_poll_items(self, items, &http, &wake);
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
        if (wake >= 0 && (items[wake].revents & ZMQ_POLLIN)) {
            wt_journal_wake_clear(self->journal); /* then read what is durable: no wake-up lost */
            wt_broker_release(self);
        }
        if (items[1].revents & ZMQ_POLLIN) { /* results first: they free credit */
            wt_broker_drain(self, self->workers, true, wt_workers_on_message);
            /* the freed credit takes queued (committed) items now, not
               after this turn's fsync: a worker does not sit idle through it */
            if (!*self->stop_flag) wt_workers_dispatch(self);
        }
        if ((items[0].revents & ZMQ_POLLIN) && !*self->stop_flag) wt_broker_on_producers(self);
        wt_broker_flush_results(self); /* one commit and fsync for both */
        if (items[2].revents & ZMQ_POLLIN) s_on_subscribers(self);
        if (items[3].revents & ZMQ_POLLIN) wt_broker_on_replay(self);
        for (int i = 4; i < nitems; i++)
            if (i != http && i != wake && (items[i].revents & ZMQ_POLLIN))
                s_on_monitor(self, items[i].socket);
        if (http >= 0 && (items[http].revents & ZMQ_POLLIN)) wt_bmetrics_run(self);
        now = wt_clock_ms();
        if (now >= next_tick) {
            s_tick(self, now);
            next_tick = now + tick_every;
        }
        if (self->sockets_changed && self->subscribers) { /* rebuilt after a revocation */
            self->sockets_changed = false;
            nitems = s_poll_items(self, items, &http, &wake);
        }
        if (!*self->stop_flag) wt_workers_dispatch(self);
    }
    int status = *self->stop_flag == 2 ? 1 : 0;
    /* the last commit and fsync: the ACKs and results waiting for it go out
       after it, or (it failed, or a journal failure stopped us) never */
    int rc = wt_journal_commit(self->journal, true);
    int src = wt_journal_sync(self->journal);
    if (!rc) rc = src;
    wt_broker_release_all(self, rc == 0);
    wt_broker_log(self, 2, "broker", "-", "STOP", rc,
                  "journal synced, %zu jobs in flight will be "
                  "re-dispatched after restart",
                  self->inflight);
    return status;
}
