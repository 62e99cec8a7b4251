/*  endpoint.h: naming, checking and recognising a broker's endpoints.

    A broker has four endpoints, one per role (producers 5555, workers 5556,
    subscribers 5557, replay and control 5558 by default). Clients name one
    of them with a URL (`--broker tcp://host:5555`) or the whole broker with
    a host (`--host HOST`, `client.broker` in the config): this module turns
    a host into the four URLs, checks a URL before ZeroMQ sees it (ZeroMQ
    takes port 70000 as 4464 and says "No such device" for a bind on a host
    name), and recognises the two ways a client finds out that it talks to
    the wrong endpoint: a refusal that names another role, and a ZeroMQ
    handshake that never succeeds (incompatible socket types, CURVE on one
    side only, not ZeroMQ at all). Nothing here logs; callers say it.
*/
#ifndef WT_ENDPOINT_H
#define WT_ENDPOINT_H

#include <stdbool.h>
#include <stddef.h>

#include "wiretag/proto.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    WT_ROLE_PRODUCERS = 0,
    WT_ROLE_WORKERS = 1,
    WT_ROLE_SUBSCRIBERS = 2,
    WT_ROLE_REPLAY = 3,
    WT_ROLE_COUNT_
} wt_role_t;

/* "producers", "workers", "subscribers", "replay". */
const char *wt_role_name(wt_role_t role);
/* The standard port of a role: 5555 .. 5558. */
int wt_role_port(wt_role_t role);

/* Check a ZeroMQ endpoint URL. tcp://HOST:PORT needs a port 1..65535 (or
   `*` / 0 when binding: any free port) and a host that is `*` (bind only),
   an IP address or a name that resolves; ipc:// and inproc:// need a
   non-empty path. When resolved is not NULL it receives the URL to give
   ZeroMQ: for a bind on a host name, the name is replaced by its first
   numeric address (ZeroMQ binds only addresses and interfaces). Returns 0,
   or WT_EVALUE with a sentence in err saying what is wrong. */
int wt_endpoint_check(const char *url, bool bind, char *resolved, size_t resolved_len, char *err,
                      size_t errlen);

/* The URL of role on host ("tcp://HOST:PORT"; a host that already has a
   port keeps the role's standard port only when it has none). Returns 0
   or WT_EVALUE (empty host, a URL instead of a host). */
int wt_endpoint_for_host(const char *host, wt_role_t role, char *out, size_t outlen);

/* The endpoint a client uses for role, by precedence: url (an explicit
   --broker/--replay URL), else host (--host HOST), else cfg_host (the
   `client.broker` config key), else tcp://127.0.0.1 on the role's port.
   Returns 0, or WT_EVALUE with a sentence in err (a host that is a URL). */
int wt_endpoint_pick(const char *url, const char *host, const char *cfg_host, wt_role_t role,
                     char *out, size_t outlen, char *err, size_t errlen);

/* Does reply (a NAK or ERROR received on an endpoint the client believes
   is `expected`) prove the endpoint is another one? True when the broker
   names another role in `role`, or when the command is one that the
   expected role never sends (NAK comes only from producers, ERROR never
   from producers). why gets "tcp://...:5556 is not a producers endpoint
   (it is the broker's workers endpoint; ...)". */
bool wt_endpoint_refused(const wt_proto_t *reply, wt_role_t expected, const char *url, char *why,
                         size_t whylen);

/* Watches a connecting socket's handshakes (a ZeroMQ socket monitor). */
typedef struct wt_peer_watch_t wt_peer_watch_t;
/* Start watching sock (before zmq_connect). NULL if monitoring fails. */
wt_peer_watch_t *wt_peer_watch_new(void *zmq_ctx, void *sock);
void wt_peer_watch_destroy(wt_peer_watch_t **self_p);
/* Read pending events. Returns true, with a sentence in why, once the
   connection was made and dropped `tries` times in a row without one
   successful ZeroMQ handshake, or dropped before its handshake with no new
   attempt for a second (libzmq gives up on incompatible socket types):
   the peer is not the endpoint expected. Call it regularly. */
bool wt_peer_watch_failed(wt_peer_watch_t *self, int tries, const char *url, wt_role_t expected,
                          char *why, size_t whylen);
/* True once a handshake succeeded (a ZeroMQ peer of a compatible type). */
bool wt_peer_watch_ok(const wt_peer_watch_t *self);

#ifdef __cplusplus
}
#endif
#endif
