/*  client.c: the ZeroMQ client side of the `wiretag` commands (see
    client.h). */
#include "client.h"
#include "wiretag/cli.h"
#include "wiretag/curve.h"

#include <stdio.h>
#include <zmq.h>

void *wt_client_socket(void *ctx, int type)
{
    void *sock = zmq_socket(ctx, type);
    int linger = 0;
    zmq_setsockopt(sock, ZMQ_LINGER, &linger, sizeof linger);
    return sock;
}

int wt_client_connect(void *ctx, void *sock, const char *ep, bool check, const wt_config_t *cfg,
                      wt_peer_watch_t **watch, char *err, size_t errlen)
{
    if (check && wt_endpoint_check(ep, false, NULL, 0, err, errlen) != 0) return WT_CLIENT_ENDPOINT;
    if (wt_curve_setup_client(sock, cfg, err, errlen) != 0) return WT_CLIENT_CURVE;
    if (watch) *watch = wt_peer_watch_new(ctx, sock); /* tells a wrong port from a slow broker */
    if (zmq_connect(sock, ep) != 0) {
        snprintf(err, errlen, "%s", zmq_strerror(zmq_errno()));
        return WT_CLIENT_CONNECT;
    }
    return WT_CLIENT_OK;
}

void wt_client_say(const char *prog, int step, const char *ep, const char *err)
{
    if (step == WT_CLIENT_ENDPOINT)
        fprintf(stderr, "%s: --broker: %s\n", prog, err);
    else if (step == WT_CLIENT_CURVE)
        fprintf(stderr, "%s: CURVE: %s\n", prog, err);
    else if (step == WT_CLIENT_CONNECT)
        fprintf(stderr, "%s: cannot connect to %s: %s\n", prog, ep, err);
}

bool wt_client_next(void *sock, bool sub, wt_proto_in_t *in, int *rc)
{
    *rc = wt_proto_recv(sock, sub, ZMQ_DONTWAIT, in);
    if (*rc == -EAGAIN || *rc == -EINTR) {
        wt_proto_in_close(in);
        return false;
    }
    return true;
}

void wt_client_close(void *ctx, void *sock, wt_peer_watch_t **watch)
{
    if (watch) wt_peer_watch_destroy(watch);
    if (sock) zmq_close(sock);
    if (ctx) zmq_ctx_term(ctx);
}

int wt_client_open(wt_client_t *c, int type)
{
    wt_config_t cfg;
    char err[1024];
    if (wt_cli_config(c->prog, c->config, &cfg) != 0) return WT_CLIENT_CONFIG;
    int step = WT_CLIENT_CONFIG;
    if (wt_endpoint_pick(c->url, c->host, cfg.client_broker, c->role, c->ep, sizeof c->ep, err,
                         sizeof err) != 0)
        fprintf(stderr, "%s: %s\n", c->prog, err);
    else {
        c->ctx = zmq_ctx_new();
        c->sock = wt_client_socket(c->ctx, type);
        step = wt_client_connect(c->ctx, c->sock, c->ep, true, &cfg, &c->watch, err, sizeof err);
        wt_client_say(c->prog, step, c->ep, err);
    }
    wt_config_free(&cfg);
    return step;
}
