/*  natsjs.c: connection, names and stream set-up of the NATS JetStream
    transport (see natsjs.h and docs/NATS.md). Everything NATS speaks is
    done by libnats (cnats); this file only chooses the settings. */
#include "wiretag/natsjs.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NS_PER_MS 1000000LL

struct wt_nats {
    natsConnection *nc;
    jsCtx *js;
    wt_nats_names_t names;
    wt_nats_settings_t settings;
};

const char *wt_nats_strerror(natsStatus s, jsErrCode code, char *buf, size_t n)
{
    const char *last = nats_GetLastError(NULL);
    if (code)
        snprintf(buf, n, "%s (JetStream error %d)", last && *last ? last : natsStatus_GetText(s),
                 (int)code);
    else
        snprintf(buf, n, "%s", last && *last ? last : natsStatus_GetText(s));
    return buf;
}

static void s_names(wt_nats_names_t *nm, const char *prefix)
{
    char up[WT_NATS_NAME_MAX - 16];
    size_t i = 0;
    for (; prefix[i] && i < sizeof up - 1; i++) {
        unsigned char c = (unsigned char)prefix[i];
        up[i] = isalnum(c) || c == '-' || c == '_' ? (char)toupper(c) : '_';
    }
    up[i] = 0;
    snprintf(nm->items_stream, sizeof nm->items_stream, "%s_ITEMS", up);
    snprintf(nm->results_stream, sizeof nm->results_stream, "%s_RESULTS", up);
    snprintf(nm->dead_stream, sizeof nm->dead_stream, "%s_DEAD", up);
    snprintf(nm->adv_stream, sizeof nm->adv_stream, "%s_ADVISORIES", up);
    snprintf(nm->items_subject, sizeof nm->items_subject, "%.100s.items", prefix);
    snprintf(nm->results_subject, sizeof nm->results_subject, "%.100s.results", prefix);
    snprintf(nm->dead_subject, sizeof nm->dead_subject, "%.100s.dead", prefix);
    snprintf(nm->workers, sizeof nm->workers, "workers");
    snprintf(nm->deadletter, sizeof nm->deadletter, "deadletter");
    snprintf(nm->adv_subject, sizeof nm->adv_subject,
             "$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.%s.%s", nm->items_stream, nm->workers);
}

static void s_on_reconnected(natsConnection *nc, void *closure)
{
    (void)closure;
    char url[256] = "?";
    natsConnection_GetConnectedUrl(nc, url, sizeof url);
    fprintf(stderr, "wiretag: NATS: reconnected to %s\n", url);
}

static void s_on_disconnected(natsConnection *nc, void *closure)
{
    (void)closure; /* no closure: this runs on libnats' thread, maybe after our close */
    if (natsConnection_IsClosed(nc)) return; /* our own close: nothing to report */
    fprintf(stderr, "wiretag: NATS: disconnected, reconnecting\n");
}

static void s_on_async_error(natsConnection *nc, natsSubscription *sub, natsStatus err,
                             void *closure)
{
    (void)nc;
    (void)sub;
    (void)closure;
    fprintf(stderr, "wiretag: NATS: %s\n", natsStatus_GetText(err));
}

/* true (said in err) when path is set and cannot be opened for reading */
static bool s_unreadable(const char *path, const char *key, char *err, size_t errlen)
{
    if (!path) return false;
    FILE *f = fopen(path, "r");
    if (f) {
        fclose(f);
        return false;
    }
    snprintf(err, errlen, "NATS %s: cannot read %s: %s", key, path, strerror(errno));
    return true;
}

/* Local mistakes in the credentials, said in err without "cannot connect"
   (which a worker takes for "try again"): libnats would only find them at
   connect time. */
static bool s_bad_credentials(const wt_config_t *cfg, char *err, size_t errlen)
{
    if (cfg->nats_creds && (cfg->nats_nkey || cfg->nats_nkey_seed)) {
        snprintf(err, errlen,
                 "nats.creds and nats.nkey/nats.nkey_seed exclude each other "
                 "(a credentials file holds its own nkey seed)");
        return true;
    }
    if (!cfg->nats_nkey != !cfg->nats_nkey_seed) {
        snprintf(err, errlen, "nats.nkey and nats.nkey_seed go together (public key, seed file)");
        return true;
    }
    return s_unreadable(cfg->nats_creds, "nats.creds", err, errlen) ||
           s_unreadable(cfg->nats_nkey_seed, "nats.nkey_seed", err, errlen);
}

/* A connect status that trying again may cure (no server yet, a network
   fault, a server going away mid-handshake); the others come from this
   side's settings (TLS, a seed or creds file libnats cannot use). */
static bool s_connect_transient(natsStatus s)
{
    switch (s) {
    case NATS_NO_SERVER:
    case NATS_IO_ERROR:
    case NATS_TIMEOUT:
    case NATS_PROTOCOL_ERROR: /* also a server closing before its PONG: a restart */
    case NATS_CONNECTION_CLOSED:
    case NATS_CONNECTION_DISCONNECTED:
    case NATS_STALE_CONNECTION:
    case NATS_NOT_YET_CONNECTED:
    case NATS_NO_MEMORY:
        return true;
    default:
        return false;
    }
}

/* the settings a refusal of the server is about */
static const char *s_auth_name(const wt_config_t *cfg)
{
    return cfg->nats_creds  ? "nats.creds"
           : cfg->nats_nkey ? "nats.nkey/nats.nkey_seed"
           : cfg->nats_user ? "nats.user/nats.password"
                            : "none set: nats.user, nats.creds or nats.nkey";
}

wt_nats_t *wt_nats_connect(const wt_config_t *cfg, const char *urls, const char *client_name,
                           char *err, size_t errlen)
{
    const char *servers[WT_CONFIG_MAX_LIST];
    int nservers = 0;
    char *copy = urls ? wt_strdup(urls) : NULL;
    if (copy) {
        char *save = NULL;
        for (char *t = strtok_r(copy, ",", &save); t && nservers < WT_CONFIG_MAX_LIST;
             t = strtok_r(NULL, ",", &save))
            if (*t) servers[nservers++] = t;
    } else
        for (int i = 0; i < cfg->nats_servers.count; i++)
            servers[nservers++] = cfg->nats_servers.items[i];
    if (nservers == 0) {
        snprintf(err, errlen, "no NATS server URL (--nats nats://HOST:PORT or nats.servers)");
        free(copy);
        return NULL;
    }
    if (s_bad_credentials(cfg, err, errlen)) {
        free(copy);
        return NULL;
    }
    const char *auth = s_auth_name(cfg);
    wt_nats_t *self = wt_calloc(1, sizeof *self);
    natsOptions *o = NULL;
    natsStatus s = natsOptions_Create(&o);
    const char *what = "options";
    if (s == NATS_OK) s = natsOptions_SetServers(o, servers, nservers);
    if (s == NATS_OK && client_name) s = natsOptions_SetName(o, client_name);
    if (s == NATS_OK) s = natsOptions_SetTimeout(o, 2000);
    if (s == NATS_OK) s = natsOptions_SetMaxReconnect(o, -1);
    if (s == NATS_OK) s = natsOptions_SetReconnectWait(o, 250);
    if (s == NATS_OK) s = natsOptions_SetReconnectBufSize(o, 64 * 1024 * 1024);
    if (s == NATS_OK) s = natsOptions_SetDisconnectedCB(o, s_on_disconnected, NULL);
    if (s == NATS_OK) s = natsOptions_SetReconnectedCB(o, s_on_reconnected, NULL);
    if (s == NATS_OK) s = natsOptions_SetErrorHandler(o, s_on_async_error, NULL);
    if (s == NATS_OK && cfg->nats_user) {
        what = "nats.user/nats.password";
        s = natsOptions_SetUserInfo(o, cfg->nats_user, cfg->nats_password);
    }
    if (s == NATS_OK && cfg->nats_creds) {
        what = "nats.creds";
        s = natsOptions_SetUserCredentialsFromFiles(o, cfg->nats_creds, NULL);
    }
    if (s == NATS_OK && cfg->nats_nkey) {
        what = "nats.nkey/nats.nkey_seed";
        s = natsOptions_SetNKeyFromSeed(o, cfg->nats_nkey, cfg->nats_nkey_seed);
    }
    if (s == NATS_OK && (cfg->nats_tls || cfg->nats_tls_ca || cfg->nats_tls_cert)) {
        what = "nats.tls";
        s = natsOptions_SetSecure(o, true);
        if (s == NATS_OK && cfg->nats_tls_ca) {
            what = "nats.tls_ca";
            s = natsOptions_LoadCATrustedCertificates(o, cfg->nats_tls_ca);
        }
        if (s == NATS_OK && (cfg->nats_tls_cert || cfg->nats_tls_key)) {
            what = "nats.tls_cert/nats.tls_key";
            s = cfg->nats_tls_cert && cfg->nats_tls_key
                    ? natsOptions_LoadCertificatesChain(o, cfg->nats_tls_cert, cfg->nats_tls_key)
                    : NATS_INVALID_ARG;
        }
    }
    char buf[512];
    if (s != NATS_OK) {
        snprintf(err, errlen, "NATS %s: %s", what, wt_nats_strerror(s, 0, buf, sizeof buf));
        natsOptions_Destroy(o);
        free(copy);
        free(self);
        return NULL;
    }
    /* A refusal is asked twice more: libnats 3.4.1 now and then sends the
       nkey without the nonce's signature (nats-server logs "Signature
       missing"; about one connection in 500 in our runs on a loaded
       machine), and a new connection gets a new nonce. Wrong credentials
       are refused three times within milliseconds. */
    for (int tries = 0; tries < 3; tries++)
        if ((s = natsConnection_Connect(&self->nc, o)) != NATS_CONNECTION_AUTH_FAILED) break;
    natsOptions_Destroy(o);
    if (s == NATS_CONNECTION_AUTH_FAILED)
        snprintf(err, errlen, "NATS at %s%s refuses the credentials (%s): %s", servers[0],
                 nservers > 1 ? ",..." : "", auth, wt_nats_strerror(s, 0, buf, sizeof buf));
    else if (s != NATS_OK && !s_connect_transient(s))
        snprintf(err, errlen,
                 "NATS at %s%s: the connection's set-up failed: %s (check nats.tls, nats.tls_ca, "
                 "nats.tls_cert, nats.tls_key, nats.nkey_seed, nats.creds)",
                 servers[0], nservers > 1 ? ",..." : "", wt_nats_strerror(s, 0, buf, sizeof buf));
    else if (s != NATS_OK)
        snprintf(err, errlen,
                 "cannot connect to NATS at %s%s: %s (is nats-server running with JetStream, "
                 "-js? are the URL, credentials and TLS settings right?)",
                 servers[0], nservers > 1 ? ",..." : "", wt_nats_strerror(s, 0, buf, sizeof buf));
    if (s != NATS_OK) {
        free(copy);
        free(self);
        return NULL;
    }
    free(copy);
    jsOptions jo;
    jsOptions_Init(&jo);
    jo.Wait = 5000;
    s = natsConnection_JetStream(&self->js, self->nc, &jo);
    if (s != NATS_OK) {
        snprintf(err, errlen, "NATS JetStream context: %s",
                 wt_nats_strerror(s, 0, buf, sizeof buf));
        wt_nats_destroy(&self);
        return NULL;
    }
    s_names(&self->names, cfg->nats_prefix && *cfg->nats_prefix ? cfg->nats_prefix : "wiretag");
    self->settings = (wt_nats_settings_t){
        .replicas = (int)cfg->nats_replicas,
        .memory = cfg->nats_storage == 1,
        .ack_wait_ms = cfg->nats_ack_wait_ms,
        .max_deliver = cfg->nats_max_deliver,
        .dedup_window_ms = cfg->nats_dedup_window_ms,
        .queue_bytes = cfg->nats_queue_bytes,
        .retention_age_ms = cfg->nats_retention_age_ms,
        .retention_bytes = cfg->nats_retention_bytes,
    };
    return self;
}

void wt_nats_destroy(wt_nats_t **self_p)
{
    wt_nats_t *self = *self_p;
    if (!self) return;
    jsCtx_Destroy(self->js);
    if (self->nc) {
        natsConnection_FlushTimeout(self->nc, 1000);
        natsConnection_Close(self->nc);
        natsConnection_Destroy(self->nc);
    }
    free(self);
    *self_p = NULL;
}

void wt_nats_shutdown(void)
{
    nats_CloseAndWait(2000);
}

natsConnection *wt_nats_conn(wt_nats_t *self)
{
    return self->nc;
}

jsCtx *wt_nats_js(wt_nats_t *self)
{
    return self->js;
}

const wt_nats_names_t *wt_nats_names(const wt_nats_t *self)
{
    return &self->names;
}

wt_nats_settings_t *wt_nats_settings(wt_nats_t *self)
{
    return &self->settings;
}

/* ---- streams and consumers ---- */

static void s_sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Transient: the cluster elects a leader, a node restarts. */
static bool s_transient(natsStatus s, jsErrCode code)
{
    if (code == JSNotEnabledErr || code == JSNotEnabledForAccountErr) return false;
    return s == NATS_TIMEOUT || s == NATS_NO_RESPONDERS || s == NATS_CONNECTION_DISCONNECTED ||
           code == JSClusterNotAvailErr || code == JSClusterNotLeaderErr ||
           code == JSClusterNoPeersErr || code == JSClusterIncompleteErr;
}

static void s_stream_cfg(const wt_nats_t *self, int which, jsStreamConfig *c, const char **subj)
{
    const wt_nats_names_t *nm = &self->names;
    const wt_nats_settings_t *st = &self->settings;
    jsStreamConfig_Init(c);
    c->Storage = st->memory ? js_MemoryStorage : js_FileStorage;
    c->Replicas = st->replicas;
    c->Subjects = subj;
    c->SubjectsLen = 1;
    switch (which) {
    case 0:
        c->Name = nm->items_stream;
        subj[0] = nm->items_subject;
        c->Description = "wiretag items waiting for a worker";
        c->Retention = js_WorkQueuePolicy;
        c->MaxBytes = st->queue_bytes;
        c->Discard = js_DiscardNew;
        c->Duplicates = st->dedup_window_ms * NS_PER_MS;
        break;
    case 1:
        c->Name = nm->results_stream;
        subj[0] = nm->results_subject;
        c->Description = "wiretag annotated results";
        c->Retention = js_LimitsPolicy;
        c->MaxBytes = st->retention_bytes;
        c->MaxAge = st->retention_age_ms * NS_PER_MS;
        c->Discard = js_DiscardOld;
        c->Duplicates = st->dedup_window_ms * NS_PER_MS;
        break;
    case 2:
        c->Name = nm->dead_stream;
        subj[0] = nm->dead_subject;
        c->Description = "wiretag dead letters: items no worker could annotate";
        c->Retention = js_LimitsPolicy;
        c->MaxAge = st->retention_age_ms * NS_PER_MS;
        c->Duplicates = st->dedup_window_ms * NS_PER_MS;
        break;
    default:
        c->Name = nm->adv_stream;
        subj[0] = nm->adv_subject;
        c->Description = "MAX_DELIVERIES advisories of the wiretag workers, for dead-lettering";
        c->Retention = js_WorkQueuePolicy;
        c->MaxAge = st->retention_age_ms * NS_PER_MS;
        break;
    }
}

static void s_consumer_cfg(const wt_nats_t *self, int which, jsConsumerConfig *c)
{
    jsConsumerConfig_Init(c);
    c->AckPolicy = js_AckExplicit;
    c->DeliverPolicy = js_DeliverAll;
    if (which == 0) {
        c->Durable = self->names.workers;
        c->Description = "wiretag workers (pull)";
        c->AckWait = self->settings.ack_wait_ms * NS_PER_MS;
        c->MaxDeliver = self->settings.max_deliver;
        c->MaxAckPending = 20000;
    } else {
        c->Durable = self->names.deadletter;
        c->Description = "wiretag workers moving poison items to the dead-letter stream (pull)";
        c->AckWait = 30000 * NS_PER_MS;
        c->MaxDeliver = -1;
    }
}

static const char *s_retention_name(jsRetentionPolicy r)
{
    return r == js_WorkQueuePolicy ? "workqueue" : r == js_InterestPolicy ? "interest" : "limits";
}

static int s_ensure_stream(wt_nats_t *self, int which, bool check, FILE *report, char *err,
                           size_t errlen)
{
    const char *subj[1];
    jsStreamConfig want;
    s_stream_cfg(self, which, &want, subj);
    char buf[512];
    int64_t deadline = wt_clock_ms() + 20000;
    for (;;) {
        jsStreamInfo *si = NULL;
        jsErrCode code = 0;
        natsStatus s = js_GetStreamInfo(&si, self->js, want.Name, NULL, &code);
        if (s == NATS_NOT_FOUND || code == JSStreamNotFoundErr) {
            jsStreamInfo_Destroy(si);
            si = NULL;
            code = 0;
            s = js_AddStream(&si, self->js, &want, NULL, &code);
            if (s == NATS_OK) {
                jsStreamInfo_Destroy(si);
                if (report) fprintf(report, "stream %s: created\n", want.Name);
                return 0;
            }
            if (code == JSStreamNameExistErr) continue; /* another process was faster */
        } else if (s == NATS_OK) {
            const jsStreamConfig *have = si->Config;
            if (have->Retention != want.Retention ||
                (have->Storage == js_MemoryStorage) != (want.Storage == js_MemoryStorage)) {
                snprintf(err, errlen,
                         "stream %s exists with retention %s, storage %s; wiretag needs %s, %s: "
                         "delete it (nats stream rm %s) or use another nats.prefix",
                         want.Name, s_retention_name(have->Retention),
                         have->Storage == js_MemoryStorage ? "memory" : "file",
                         s_retention_name(want.Retention),
                         want.Storage == js_MemoryStorage ? "memory" : "file", want.Name);
                jsStreamInfo_Destroy(si);
                return -1;
            }
            bool same = have->Replicas == want.Replicas && have->MaxBytes == want.MaxBytes &&
                        have->MaxAge == want.MaxAge &&
                        (want.Duplicates == 0 || have->Duplicates == want.Duplicates) &&
                        have->Discard == want.Discard;
            jsStreamInfo_Destroy(si);
            if (same || !check) {
                if (report)
                    fprintf(report, "stream %s: exists%s\n", want.Name,
                            same ? ", settings as configured" : "");
                return 0;
            }
            si = NULL;
            s = js_UpdateStream(&si, self->js, &want, NULL, &code);
            jsStreamInfo_Destroy(si);
            if (s == NATS_OK) {
                if (report) fprintf(report, "stream %s: updated to the settings\n", want.Name);
                return 0;
            }
            if (!s_transient(s, code)) {
                snprintf(err, errlen, "stream %s: cannot update: %s", want.Name,
                         wt_nats_strerror(s, code, buf, sizeof buf));
                return -1;
            }
        }
        if (code == JSNotEnabledErr || code == JSNotEnabledForAccountErr) {
            snprintf(err, errlen,
                     "JetStream is not enabled on this server (%s): start nats-server with -js "
                     "(or a jetstream block in its config), or enable it for this account",
                     wt_nats_strerror(s, code, buf, sizeof buf));
            return -1;
        }
        if (s != NATS_OK && !s_transient(s, code)) {
            snprintf(err, errlen, "stream %s: %s", want.Name,
                     wt_nats_strerror(s, code, buf, sizeof buf));
            return -1;
        }
        if (wt_clock_ms() > deadline) {
            snprintf(err, errlen,
                     "stream %s: JetStream did not answer in 20 s (%s); is JetStream enabled "
                     "(nats-server -js) and, on a cluster, does it have a leader?",
                     want.Name, wt_nats_strerror(s, code, buf, sizeof buf));
            return -1;
        }
        s_sleep_ms(250);
    }
}

static int s_ensure_consumer(wt_nats_t *self, int which, bool check, FILE *report, char *err,
                             size_t errlen)
{
    jsConsumerConfig want;
    s_consumer_cfg(self, which, &want);
    const char *stream = which == 0 ? self->names.items_stream : self->names.adv_stream;
    char buf[512];
    int64_t deadline = wt_clock_ms() + 20000;
    for (;;) {
        jsConsumerInfo *ci = NULL;
        jsErrCode code = 0;
        natsStatus s = js_GetConsumerInfo(&ci, self->js, stream, want.Durable, NULL, &code);
        if (s == NATS_NOT_FOUND || code == JSConsumerNotFoundErr) {
            jsConsumerInfo_Destroy(ci);
            ci = NULL;
            code = 0;
            s = js_AddConsumer(&ci, self->js, stream, &want, NULL, &code);
            jsConsumerInfo_Destroy(ci);
            if (s == NATS_OK) {
                if (report) fprintf(report, "consumer %s on %s: created\n", want.Durable, stream);
                return 0;
            }
        } else if (s == NATS_OK) {
            bool same =
                ci->Config->AckWait == want.AckWait && ci->Config->MaxDeliver == want.MaxDeliver;
            jsConsumerInfo_Destroy(ci);
            if (same || !check) {
                if (report)
                    fprintf(report, "consumer %s on %s: exists%s\n", want.Durable, stream,
                            same ? ", settings as configured" : "");
                return 0;
            }
            ci = NULL;
            s = js_UpdateConsumer(&ci, self->js, stream, &want, NULL, &code);
            jsConsumerInfo_Destroy(ci);
            if (s == NATS_OK) {
                if (report)
                    fprintf(report, "consumer %s on %s: updated to the settings\n", want.Durable,
                            stream);
                return 0;
            }
        }
        if (s != NATS_OK && !s_transient(s, code)) {
            snprintf(err, errlen, "consumer %s on %s: %s", want.Durable, stream,
                     wt_nats_strerror(s, code, buf, sizeof buf));
            return -1;
        }
        if (wt_clock_ms() > deadline) {
            snprintf(err, errlen, "consumer %s on %s: JetStream did not answer in 20 s (%s)",
                     want.Durable, stream, wt_nats_strerror(s, code, buf, sizeof buf));
            return -1;
        }
        s_sleep_ms(250);
    }
}

int wt_nats_ensure(wt_nats_t *self, bool check, FILE *report, char *err, size_t errlen)
{
    for (int i = 0; i < 4; i++)
        if (s_ensure_stream(self, i, check, report, err, errlen) != 0) return -1;
    if (report && self->settings.replicas > 1) {
        /* a server outside a cluster takes R3 and keeps one copy: say so */
        jsStreamInfo *si = NULL;
        if (js_GetStreamInfo(&si, self->js, self->names.items_stream, NULL, NULL) == NATS_OK &&
            (!si->Cluster || !si->Cluster->Name))
            fprintf(report, "note: the server is not part of a cluster: each stream has one copy "
                            "whatever its replicas say\n");
        jsStreamInfo_Destroy(si);
    }
    for (int i = 0; i < 2; i++)
        if (s_ensure_consumer(self, i, check, report, err, errlen) != 0) return -1;
    return 0;
}
