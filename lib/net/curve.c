/*  curve.c: CURVE key files, socket set-up and the ZAP handler actor.

    The ZAP handler runs in its own thread (an actor): a REP socket bound at
    inproc://zeromq.zap.01 answers handshakes, a PAIR pipe takes RELOAD and
    STOP commands from its owner. The allow-list lives only in that thread;
    counters are atomics the owner may read. A refused key is logged once
    (the first time it is seen) with its Z85 text: this is where the
    decision is made. */
#include "wiretag/curve.h"
#include "wiretag/config.h"

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#define ZAP_ENDPOINT "inproc://zeromq.zap.01"
#define ZAP_DOMAIN   "wiretag"
#ifndef ZMQ_ZAP_ENFORCE_DOMAIN
#define ZMQ_ZAP_ENFORCE_DOMAIN 93 /* draft option in libzmq 4.3 */
#endif

bool wt_curve_key_valid(const char *s)
{
    if (!s || strlen(s) != WT_CURVE_KEYLEN) return false;
    uint8_t bin[32];
    return zmq_z85_decode(bin, s) != NULL;
}

int wt_curve_keygen(const char *base, wt_curve_keys_t *keys, char *err, size_t errlen)
{
    wt_curve_keys_t k;
    if (zmq_curve_keypair(k.public_key, k.secret_key) != 0) {
        snprintf(err, errlen, "libzmq has no CURVE support (built without libsodium?)");
        return -ENOTSUP;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s.key", base);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) {
        int e = errno;
        snprintf(err, errlen, "%s: %s%s", path, strerror(e),
                 e == EEXIST ? " (remove it first or choose another name)" : "");
        return -e;
    }
    FILE *f = fdopen(fd, "w");
    fprintf(f,
            "# wiretag CURVE key pair. Keep this file secret (mode 0600).\n"
            "# Give %s.pub to the other side.\n"
            "public-key = \"%s\"\nsecret-key = \"%s\"\n",
            base, k.public_key, k.secret_key);
    if (fclose(f) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -EIO;
    }
    snprintf(path, sizeof path, "%s.pub", base);
    f = fopen(path, "w");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -errno;
    }
    fprintf(f, "# wiretag CURVE public key\npublic-key = \"%s\"\n", k.public_key);
    fclose(f);
    if (keys) *keys = k;
    return 0;
}

/* Parse `name = "value"` from a line; returns true when it matches. */
static bool s_keyline(const char *line, const char *name, char out[WT_CURVE_KEYLEN + 1])
{
    while (*line == ' ' || *line == '\t')
        line++;
    size_t n = strlen(name);
    if (strncmp(line, name, n) != 0) return false;
    line += n;
    while (*line == ' ' || *line == '\t')
        line++;
    if (*line != '=') return false;
    line++;
    while (*line == ' ' || *line == '\t')
        line++;
    char quote = (*line == '"' || *line == '\'') ? *line++ : 0;
    size_t len = 0;
    while (line[len] && line[len] != quote && line[len] != '\n' && line[len] != '\r' &&
           (quote || (line[len] != ' ' && line[len] != '\t')))
        len++;
    if (len != WT_CURVE_KEYLEN) return false;
    memcpy(out, line, len);
    out[len] = 0;
    return true;
}

int wt_curve_load(const char *path, wt_curve_keys_t *keys, char *err, size_t errlen)
{
    memset(keys, 0, sizeof *keys);
    FILE *f = fopen(path, "r");
    if (!f) {
        int e = errno;
        snprintf(err, errlen, "%s: %s (create one with `wiretag keygen NAME`)", path, strerror(e));
        return -e;
    }
    char line[512];
    int lineno = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        if (line[0] == '#' || line[0] == '\n') continue;
        if (s_keyline(line, "public-key", keys->public_key) ||
            s_keyline(line, "secret-key", keys->secret_key))
            continue;
    }
    fclose(f);
    if (!wt_curve_key_valid(keys->public_key)) {
        snprintf(err, errlen, "%s: no valid public-key line", path);
        return -EINVAL;
    }
    if (keys->secret_key[0] && !wt_curve_key_valid(keys->secret_key)) {
        snprintf(err, errlen, "%s: malformed secret-key", path);
        return -EINVAL;
    }
    return 0;
}

int wt_curve_server_apply(void *sock, const wt_curve_keys_t *server)
{
    int one = 1;
    if (!server->secret_key[0]) return -EINVAL;
    if (zmq_setsockopt(sock, ZMQ_CURVE_SERVER, &one, sizeof one) != 0 ||
        zmq_setsockopt(sock, ZMQ_CURVE_SECRETKEY, server->secret_key, WT_CURVE_KEYLEN) != 0 ||
        zmq_setsockopt(sock, ZMQ_ZAP_DOMAIN, ZAP_DOMAIN, strlen(ZAP_DOMAIN)) != 0)
        return -errno;
    /* Ask for strict ZAP where libzmq has it (draft API); without it we
       rely on the handler being bound before any bind (see curve.h). */
    (void)zmq_setsockopt(sock, ZMQ_ZAP_ENFORCE_DOMAIN, &one, sizeof one);
    return 0;
}

int wt_curve_client_apply(void *sock, const wt_curve_keys_t *client, const char *server_public)
{
    if (!wt_curve_key_valid(server_public) || !client->secret_key[0]) return -EINVAL;
    if (zmq_setsockopt(sock, ZMQ_CURVE_SERVERKEY, server_public, WT_CURVE_KEYLEN) != 0 ||
        zmq_setsockopt(sock, ZMQ_CURVE_PUBLICKEY, client->public_key, WT_CURVE_KEYLEN) != 0 ||
        zmq_setsockopt(sock, ZMQ_CURVE_SECRETKEY, client->secret_key, WT_CURVE_KEYLEN) != 0)
        return -errno;
    return 0;
}

/* Our own key pair from a .key file (which must hold the secret key). */
static int s_load_secret(const char *path, wt_curve_keys_t *mine, char *err, size_t errlen)
{
    int rc = wt_curve_load(path, mine, err, errlen);
    if (rc != 0) return rc;
    if (!mine->secret_key[0]) {
        snprintf(err, errlen, "%s holds no secret-key: name the .key file, not the .pub", path);
        return -EINVAL;
    }
    return 0;
}

int wt_curve_setup_client(void *sock, const void *config, char *err, size_t errlen)
{
    const wt_config_t *cfg = config;
    if (!cfg->curve_enabled) return 0;
    if (!cfg->curve_secret_key || !cfg->curve_server_key) {
        snprintf(err, errlen,
                 "curve.enabled is true but curve.secret_key (this client's .key file) or "
                 "curve.server_key (the broker's .pub file) is not set");
        return -EINVAL;
    }
    wt_curve_keys_t mine, server;
    int rc = s_load_secret(cfg->curve_secret_key, &mine, err, errlen);
    if (rc != 0) return rc;
    rc = wt_curve_load(cfg->curve_server_key, &server, err, errlen);
    if (rc != 0) return rc;
    rc = wt_curve_client_apply(sock, &mine, server.public_key);
    if (rc != 0) snprintf(err, errlen, "cannot set CURVE options: %s", zmq_strerror(-rc));
    return rc;
}

int wt_curve_setup_server(void *sock, const void *config, char *err, size_t errlen)
{
    const wt_config_t *cfg = config;
    if (!cfg->curve_enabled) return 0;
    if (!cfg->curve_secret_key || !cfg->curve_allowed_keys) {
        snprintf(err, errlen,
                 "curve.enabled is true but curve.secret_key (the broker's .key file) or "
                 "curve.allowed_keys (directory of client .pub files) is not set");
        return -EINVAL;
    }
    wt_curve_keys_t mine;
    int rc = s_load_secret(cfg->curve_secret_key, &mine, err, errlen);
    if (rc != 0) return rc;
    rc = wt_curve_server_apply(sock, &mine);
    if (rc != 0) snprintf(err, errlen, "cannot set CURVE options: %s", zmq_strerror(-rc));
    return rc;
}

/* ---- ZAP handler actor ---- */

typedef struct {
    uint8_t key[32];
} s_key_t;

struct wt_zap {
    void *ctx;
    void *pipe; /* owner's end */
    pthread_t thread;
    char *allowed;
    atomic_bool alive;
    atomic_uint_fast64_t accepted, refused;
    atomic_size_t nkeys;
    atomic_uint_fast64_t revocations; /* reloads that removed a key */
    /* thread-owned */
    s_key_t *keys;
    size_t count, cap;
    s_key_t *seen_refused;
    size_t nseen, seen_cap;
    struct timespec mtime;
};

static int s_key_cmp(const void *a, const void *b)
{
    return memcmp(a, b, 32);
}

static void s_add_z85(wt_zap_t *self, const char *z85)
{
    uint8_t bin[32];
    if (!wt_curve_key_valid(z85) || !zmq_z85_decode(bin, z85)) return;
    wt_grow(&self->keys, &self->cap, self->count + 1, sizeof *self->keys);
    memcpy(self->keys[self->count++].key, bin, 32);
}

/* Load a key list file: .pub format or bare Z85 keys one per line. */
static void s_load_file(wt_zap_t *self, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) return;
    char line[512], key[WT_CURVE_KEYLEN + 1];
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#') continue;
        if (s_keyline(line, "public-key", key)) {
            s_add_z85(self, key);
            continue;
        }
        char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        size_t n = strcspn(p, " \t\r\n");
        if (n == WT_CURVE_KEYLEN) {
            memcpy(key, p, n);
            key[n] = 0;
            s_add_z85(self, key);
        }
    }
    fclose(f);
}

static struct timespec s_mtime(const char *path)
{
    struct stat st;
    struct timespec zero = {0, 0};
    return stat(path, &st) == 0 ? st.st_mtim : zero;
}

static int s_load_keys(wt_zap_t *self);

/* Re-read the allow-list; count a revocation when a key it had is gone. */
static int s_load(wt_zap_t *self)
{
    size_t old_n = self->count;
    s_key_t *old = old_n ? wt_malloc(old_n * sizeof *old) : NULL;
    if (old_n) memcpy(old, self->keys, old_n * sizeof *old);
    int rc = s_load_keys(self);
    bool gone = false;
    for (size_t i = 0; i < old_n && !gone; i++)
        gone = !bsearch(&old[i], self->keys, self->count, sizeof *self->keys, s_key_cmp);
    if (gone) atomic_fetch_add(&self->revocations, 1);
    free(old);
    return rc;
}

static int s_load_keys(wt_zap_t *self)
{
    self->count = 0;
    struct stat st;
    if (stat(self->allowed, &st) != 0) return -errno;
    self->mtime = st.st_mtim;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(self->allowed);
        if (!d) return -errno;
        struct dirent *e;
        while ((e = readdir(d))) {
            size_t n = strlen(e->d_name);
            if (e->d_name[0] == '.' || n < 5 || strcmp(e->d_name + n - 4, ".pub") != 0) continue;
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", self->allowed, e->d_name);
            s_load_file(self, path);
        }
        closedir(d);
    } else {
        s_load_file(self, self->allowed);
    }
    if (self->count > 1) qsort(self->keys, self->count, sizeof *self->keys, s_key_cmp);
    atomic_store(&self->nkeys, self->count);
    return (int)self->count;
}

static bool s_allowed(const wt_zap_t *self, const uint8_t *key)
{
    return self->count > 0 &&
           bsearch(key, self->keys, self->count, sizeof *self->keys, s_key_cmp) != NULL;
}

/* Send one frame; more = ZMQ_SNDMORE or 0. */
static void s_send(void *sock, const void *data, size_t n, int more)
{
    zmq_send(sock, data, n, more);
}

static void s_handle(wt_zap_t *self, void *rep)
{
    /* version, request id, domain, address, identity, mechanism, credentials... */
    zmq_msg_t frames[8];
    int n = 0, more = 1;
    while (more) {
        zmq_msg_t m;
        zmq_msg_init(&m);
        if (zmq_msg_recv(&m, rep, 0) < 0) {
            zmq_msg_close(&m);
            break;
        }
        more = zmq_msg_more(&m);
        if (n < 8)
            frames[n++] = m;
        else
            zmq_msg_close(&m);
    }
    const char *status = "400", *text = "refused";
    char addr[64] = "?";
    if (n >= 7) {
        size_t al = zmq_msg_size(&frames[3]);
        if (al >= sizeof addr) al = sizeof addr - 1;
        memcpy(addr, zmq_msg_data(&frames[3]), al);
        addr[al] = 0;
        const char *mech = zmq_msg_data(&frames[5]);
        size_t ml = zmq_msg_size(&frames[5]);
        if (ml == 5 && memcmp(mech, "CURVE", 5) == 0 && zmq_msg_size(&frames[6]) == 32) {
            const uint8_t *key = zmq_msg_data(&frames[6]);
            if (s_allowed(self, key)) {
                status = "200", text = "OK";
                atomic_fetch_add(&self->accepted, 1);
            } else {
                atomic_fetch_add(&self->refused, 1);
                bool seen = false;
                for (size_t i = 0; i < self->nseen && !seen; i++)
                    seen = memcmp(self->seen_refused[i].key, key, 32) == 0;
                if (!seen && self->nseen < 4096) {
                    wt_grow(&self->seen_refused, &self->seen_cap, self->nseen + 1,
                            sizeof *self->seen_refused);
                    memcpy(self->seen_refused[self->nseen++].key, key, 32);
                    char z85[WT_CURVE_KEYLEN + 1];
                    zmq_z85_encode(z85, key, 32);
                    fprintf(stderr, "wiretag: curve: refused client key %s from %s (not in %s)\n",
                            z85, addr, self->allowed);
                }
            }
        } else {
            atomic_fetch_add(&self->refused, 1);
        }
    }
    /* reply: version, request id, status code, status text, user id, metadata */
    s_send(rep, "1.0", 3, ZMQ_SNDMORE);
    if (n >= 2)
        s_send(rep, zmq_msg_data(&frames[1]), zmq_msg_size(&frames[1]), ZMQ_SNDMORE);
    else
        s_send(rep, "", 0, ZMQ_SNDMORE);
    s_send(rep, status, 3, ZMQ_SNDMORE);
    s_send(rep, text, strlen(text), ZMQ_SNDMORE);
    s_send(rep, "", 0, ZMQ_SNDMORE);
    s_send(rep, "", 0, 0);
    for (int i = 0; i < n; i++)
        zmq_msg_close(&frames[i]);
}

typedef struct {
    wt_zap_t *self;
    void *rep;
    void *pipe;
} s_thread_arg_t;

static void *s_actor(void *arg)
{
    s_thread_arg_t *a = arg;
    wt_zap_t *self = a->self;
    void *rep = a->rep, *pipe = a->pipe;
    free(a);
    int64_t last_check = wt_clock_ms();
    zmq_pollitem_t items[] = {{rep, 0, ZMQ_POLLIN, 0}, {pipe, 0, ZMQ_POLLIN, 0}};
    for (;;) {
        if (zmq_poll(items, 2, 1000) < 0 && errno != EINTR) break;
        if (items[0].revents & ZMQ_POLLIN) s_handle(self, rep);
        if (items[1].revents & ZMQ_POLLIN) {
            char cmd[16] = {0};
            int n = zmq_recv(pipe, cmd, sizeof cmd - 1, 0);
            if (n < 0 || strncmp(cmd, "STOP", 4) == 0) break;
            if (strncmp(cmd, "RELOAD", 6) == 0) {
                int rc = s_load(self);
                char reply[16];
                snprintf(reply, sizeof reply, "%d", rc);
                zmq_send(pipe, reply, strlen(reply), 0);
            }
        }
        int64_t now = wt_clock_ms();
        if (now - last_check >= 1000) {
            last_check = now;
            struct timespec m = s_mtime(self->allowed);
            if (m.tv_sec != self->mtime.tv_sec || m.tv_nsec != self->mtime.tv_nsec) {
                int rc = s_load(self);
                fprintf(stderr, "wiretag: curve: allow-list %s changed, %d key(s) loaded\n",
                        self->allowed, rc);
            }
        }
    }
    int linger = 0;
    zmq_setsockopt(rep, ZMQ_LINGER, &linger, sizeof linger);
    zmq_close(rep);
    zmq_setsockopt(pipe, ZMQ_LINGER, &linger, sizeof linger);
    zmq_close(pipe);
    atomic_store(&self->alive, false);
    return NULL;
}

wt_zap_t *wt_zap_new(void *ctx, const char *allowed, char *err, size_t errlen)
{
    if (!allowed || !*allowed) {
        snprintf(err, errlen, "curve.allowed_keys is not set: name a directory of .pub files");
        return NULL;
    }
    wt_zap_t *self = wt_calloc(1, sizeof *self);
    self->ctx = ctx;
    self->allowed = wt_strdup(allowed);
    int rc = s_load(self);
    if (rc < 0) {
        snprintf(err, errlen, "%s: %s (the allow-list of client keys)", allowed, strerror(-rc));
        goto fail;
    }
    void *rep = zmq_socket(ctx, ZMQ_REP);
    if (zmq_bind(rep, ZAP_ENDPOINT) != 0) {
        snprintf(err, errlen, "cannot bind the ZAP handler: %s", zmq_strerror(errno));
        zmq_close(rep);
        goto fail;
    }
    char ep[64];
    snprintf(ep, sizeof ep, "inproc://wt-zap-pipe-%p", (void *)self);
    self->pipe = zmq_socket(ctx, ZMQ_PAIR);
    void *peer = zmq_socket(ctx, ZMQ_PAIR);
    zmq_bind(self->pipe, ep);
    zmq_connect(peer, ep);
    atomic_store(&self->alive, true);
    s_thread_arg_t *a = wt_malloc(sizeof *a);
    *a = (s_thread_arg_t){self, rep, peer};
    if (pthread_create(&self->thread, NULL, s_actor, a) != 0) {
        snprintf(err, errlen, "cannot start the ZAP handler thread");
        free(a);
        zmq_close(rep);
        zmq_close(peer);
        zmq_close(self->pipe);
        self->pipe = NULL;
        atomic_store(&self->alive, false);
        goto fail;
    }
    return self;
fail:
    free(self->allowed);
    free(self->keys);
    free(self);
    return NULL;
}

void wt_zap_destroy(wt_zap_t **self_p)
{
    if (!self_p || !*self_p) return;
    wt_zap_t *self = *self_p;
    if (self->pipe) {
        zmq_send(self->pipe, "STOP", 4, 0);
        pthread_join(self->thread, NULL);
        int linger = 0;
        zmq_setsockopt(self->pipe, ZMQ_LINGER, &linger, sizeof linger);
        zmq_close(self->pipe);
    }
    free(self->allowed);
    free(self->keys);
    free(self->seen_refused);
    free(self);
    *self_p = NULL;
}

int wt_zap_reload(wt_zap_t *self)
{
    if (!atomic_load(&self->alive)) return -ESRCH;
    if (zmq_send(self->pipe, "RELOAD", 6, 0) < 0) return -errno;
    char reply[16] = {0};
    if (zmq_recv(self->pipe, reply, sizeof reply - 1, 0) < 0) return -errno;
    return atoi(reply);
}

bool wt_zap_alive(const wt_zap_t *self)
{
    return atomic_load(&((wt_zap_t *)self)->alive);
}

uint64_t wt_zap_accepted(const wt_zap_t *self)
{
    return atomic_load(&((wt_zap_t *)self)->accepted);
}

uint64_t wt_zap_refused(const wt_zap_t *self)
{
    return atomic_load(&((wt_zap_t *)self)->refused);
}

uint64_t wt_zap_revocations(const wt_zap_t *self)
{
    return atomic_load(&((wt_zap_t *)self)->revocations);
}

size_t wt_zap_keys(const wt_zap_t *self)
{
    return atomic_load(&((wt_zap_t *)self)->nkeys);
}

void *wt_curve_monitor_new(void *ctx, void *sock, const char *name)
{
    char ep[128];
    snprintf(ep, sizeof ep, "inproc://wt-monitor-%s-%p", name, sock);
    if (zmq_socket_monitor(
            sock, ep, ZMQ_EVENT_HANDSHAKE_FAILED_AUTH | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL) != 0)
        return NULL;
    void *mon = zmq_socket(ctx, ZMQ_PAIR);
    if (zmq_connect(mon, ep) != 0) {
        zmq_close(mon);
        return NULL;
    }
    return mon;
}

int wt_curve_monitor_read(void *monitor, uint16_t *event, char *addr, size_t addrlen)
{
    zmq_msg_t m;
    zmq_msg_init(&m);
    if (zmq_msg_recv(&m, monitor, ZMQ_DONTWAIT) < 0) {
        zmq_msg_close(&m);
        return -errno;
    }
    uint16_t ev = 0;
    if (zmq_msg_size(&m) >= 2) memcpy(&ev, zmq_msg_data(&m), 2);
    bool more = zmq_msg_more(&m);
    zmq_msg_close(&m);
    addr[0] = 0;
    if (more) {
        zmq_msg_init(&m);
        if (zmq_msg_recv(&m, monitor, 0) >= 0) {
            size_t n = zmq_msg_size(&m);
            if (n >= addrlen) n = addrlen - 1;
            memcpy(addr, zmq_msg_data(&m), n);
            addr[n] = 0;
        }
        zmq_msg_close(&m);
    }
    *event = ev;
    return (ev == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH || ev == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL) ? 1
                                                                                                : 0;
}
