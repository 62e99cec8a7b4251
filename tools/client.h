/*  client.h: the ZeroMQ client side that the `wiretag` commands share
    (feed, sub, stats, dead, web): a socket that does not linger, the
    endpoint check, CURVE from the configuration, the peer watch that tells
    a wrong port from a slow broker, and draining what a socket holds.
*/
#ifndef WT_TOOLS_CLIENT_H
#define WT_TOOLS_CLIENT_H

#include "wiretag/config.h"
#include "wiretag/endpoint.h"
#include "wiretag/proto.h"

/* A socket of type with ZMQ_LINGER 0 (a command never waits on exit). */
void *wt_client_socket(void *ctx, int type);

/* What wt_client_connect() / wt_client_open() stopped at. */
enum { WT_CLIENT_OK, WT_CLIENT_ENDPOINT, WT_CLIENT_CURVE, WT_CLIENT_CONNECT, WT_CLIENT_CONFIG };

/* Check ep (when check), set CURVE up from cfg, start a peer watch (when
   watch is not NULL) and connect. Returns WT_CLIENT_OK or the step that
   failed, with the reason in err. */
int wt_client_connect(void *ctx, void *sock, const char *ep, bool check, const wt_config_t *cfg,
                      wt_peer_watch_t **watch, char *err, size_t errlen);

/* "PROG: --broker: why", "PROG: CURVE: why" or "PROG: cannot connect to EP:
   why" on stderr, for a step of wt_client_connect(). */
void wt_client_say(const char *prog, int step, const char *ep, const char *err);

/* One connection of a command to one endpoint of the broker. */
typedef struct {
    const char *prog;                /* "wiretag stats": starts every message */
    const char *config, *url, *host; /* -c FILE, --broker EP, --host HOST */
    wt_role_t role;                  /* which endpoint of the broker */
    char ep[600];                    /* the endpoint chosen */
    void *ctx, *sock;
    wt_peer_watch_t *watch;
} wt_client_t;

/* The configuration file, the endpoint of c->role (c->url, else c->host,
   else client.broker), a socket of type, then wt_client_connect() with
   the endpoint check and a peer watch. Says what failed ("PROG: ...") and
   returns WT_CLIENT_OK, WT_CLIENT_CONFIG (the file or the endpoint's name)
   or the step that failed. wt_client_close(c->ctx, c->sock, &c->watch)
   in every case. */
int wt_client_open(wt_client_t *c, int type);

/* Destroy *watch, close sock and end ctx (each when not NULL): the
   commands' one exit path. */
void wt_client_close(void *ctx, void *sock, wt_peer_watch_t **watch);

/* The next message waiting on sock, without blocking: true with *rc (0 or
   a decoding error) and *in to close; false when none waits (or a signal
   came). */
bool wt_client_next(void *sock, bool sub, wt_proto_in_t *in, int *rc);

#endif
