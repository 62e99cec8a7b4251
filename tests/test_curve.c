/*  test_curve.c: key files, and the ZAP handler deciding real CURVE
    handshakes over tcp on 127.0.0.1: a listed key passes, an unknown one is
    refused and counted, a reload lets a new key in. */
#include "testutil.h"
#include "wiretag/curve.h"

#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

static char s_dir[256];

/* Connect a REQ client with keys `client` to the CURVE server `rep` at ep,
   send "hi" and echo it from rep in the same loop; true when the round trip
   completed within ms. */
static bool s_roundtrip(void *ctx, void *rep, const char *ep, const wt_curve_keys_t *client,
                        const char *server_pub, int ms)
{
    void *req = zmq_socket(ctx, ZMQ_REQ);
    int linger = 0;
    zmq_setsockopt(req, ZMQ_LINGER, &linger, sizeof linger);
    CHECK(wt_curve_client_apply(req, client, server_pub) == 0);
    zmq_connect(req, ep);
    zmq_send(req, "hi", 2, ZMQ_DONTWAIT);
    bool got = false;
    int64_t deadline = wt_clock_ms() + ms;
    while (wt_clock_ms() < deadline && !got) {
        zmq_pollitem_t pi[] = {{rep, 0, ZMQ_POLLIN, 0}, {req, 0, ZMQ_POLLIN, 0}};
        zmq_poll(pi, 2, 100);
        char buf[8];
        if (pi[0].revents & ZMQ_POLLIN) {
            int n = zmq_recv(rep, buf, sizeof buf, 0);
            if (n > 0) zmq_send(rep, buf, (size_t)n, 0);
        }
        if (pi[1].revents & ZMQ_POLLIN) got = zmq_recv(req, buf, sizeof buf, 0) == 2;
    }
    zmq_close(req);
    return got;
}

int main(void)
{
    snprintf(s_dir, sizeof s_dir, "/tmp/wt-test-curve-%d", (int)getpid());
    mkdir(s_dir, 0700);
    char allowed[300], base[300], err[512];
    snprintf(allowed, sizeof allowed, "%s/allowed", s_dir);
    mkdir(allowed, 0700);

    wt_curve_keys_t server, good, bad, later, loaded;
    snprintf(base, sizeof base, "%s/server", s_dir);
    CHECK(wt_curve_keygen(base, &server, err, sizeof err) == 0);
    /* a second keygen on the same name refuses to overwrite */
    CHECK(wt_curve_keygen(base, NULL, err, sizeof err) == -EEXIST);
    char path[400];
    snprintf(path, sizeof path, "%s/server.key", s_dir);
    struct stat st;
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
    CHECK(wt_curve_load(path, &loaded, err, sizeof err) == 0);
    CHECK_EQ_STR(loaded.public_key, server.public_key);
    CHECK_EQ_STR(loaded.secret_key, server.secret_key);
    snprintf(path, sizeof path, "%s/server.pub", s_dir);
    CHECK(wt_curve_load(path, &loaded, err, sizeof err) == 0);
    CHECK(loaded.secret_key[0] == 0);
    CHECK(wt_curve_load("/nonexistent/x.key", &loaded, err, sizeof err) == -ENOENT);
    CHECK(!wt_curve_key_valid("short"));
    CHECK(wt_curve_key_valid(server.public_key));

    snprintf(base, sizeof base, "%s/allowed/good", s_dir);
    CHECK(wt_curve_keygen(base, &good, err, sizeof err) == 0);
    snprintf(path, sizeof path, "%s/allowed/good.key", s_dir);
    unlink(path); /* only the .pub stays in the allow-list directory */
    snprintf(base, sizeof base, "%s/bad", s_dir);
    CHECK(wt_curve_keygen(base, &bad, err, sizeof err) == 0);
    snprintf(base, sizeof base, "%s/later", s_dir);
    CHECK(wt_curve_keygen(base, &later, err, sizeof err) == 0);

    void *ctx = zmq_ctx_new();
    wt_zap_t *zap = wt_zap_new(ctx, allowed, err, sizeof err);
    CHECK(zap != NULL);
    if (!zap) TEST_END();
    CHECK_EQ_INT(wt_zap_keys(zap), 1);

    void *rep = zmq_socket(ctx, ZMQ_REP);
    CHECK(wt_curve_server_apply(rep, &server) == 0);
    CHECK(zmq_bind(rep, "tcp://127.0.0.1:*") == 0);
    char ep[128];
    size_t eplen = sizeof ep;
    zmq_getsockopt(rep, ZMQ_LAST_ENDPOINT, ep, &eplen);
    CHECK_MSG(s_roundtrip(ctx, rep, ep, &good, server.public_key, 30000), "listed key refused");
    CHECK_MSG(!s_roundtrip(ctx, rep, ep, &bad, server.public_key, 1500), "unknown key accepted");
    /* the refusal is counted when the handler answers: wait for it */
    for (int64_t end = wt_clock_ms() + 30000; wt_zap_refused(zap) < 1 && wt_clock_ms() < end;)
        usleep(10 * 1000);
    CHECK(wt_zap_refused(zap) >= 1);
    CHECK(wt_zap_accepted(zap) >= 1);

    /* add `later` to the allow-list and reload: now it passes */
    snprintf(path, sizeof path, "%s/allowed/later.pub", s_dir);
    FILE *f = fopen(path, "w");
    fprintf(f, "public-key = \"%s\"\n", later.public_key);
    fclose(f);
    CHECK_EQ_INT(wt_zap_reload(zap), 2);
    CHECK_MSG(s_roundtrip(ctx, rep, ep, &later, server.public_key, 30000), "reloaded key refused");
    int linger = 0;
    zmq_setsockopt(rep, ZMQ_LINGER, &linger, sizeof linger);
    zmq_close(rep);
    wt_zap_destroy(&zap);
    CHECK(zap == NULL);
    zmq_ctx_term(ctx);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf %s", s_dir);
    if (system(cmd) != 0) fprintf(stderr, "cannot remove %s\n", s_dir);
    TEST_END();
}
