/*  curve.h: CURVE security for every wiretag endpoint.

    Key files (written by `wiretag keygen NAME`):
      NAME.key  mode 0600:  public-key = "<40 Z85 chars>"
                            secret-key = "<40 Z85 chars>"
      NAME.pub              public-key = "<40 Z85 chars>"
    Lines starting with '#' are comments.

    The broker's server sockets use wt_curve_server_apply(); a ZAP handler
    (wt_zap_t, an actor thread bound at inproc://zeromq.zap.01 in the
    broker's context) answers every handshake: a client whose public key is
    in the allow-list gets 200, any other 400. Fail closed: libzmq 4.3
    without the draft ZMQ_ZAP_ENFORCE_DOMAIN accepts every CURVE client when
    no handler is bound, so the handler is started BEFORE any server socket
    binds, and the broker stops if it dies (wt_zap_alive()).
*/
#ifndef WT_CURVE_H
#define WT_CURVE_H

#include "wiretag/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define WT_CURVE_KEYLEN 40 /* Z85 characters of a key */

typedef struct {
    char public_key[WT_CURVE_KEYLEN + 1];
    char secret_key[WT_CURVE_KEYLEN + 1]; /* "" when the file holds only a public key */
} wt_curve_keys_t;

/* Write base.key (0600) and base.pub with a new key pair. */
int wt_curve_keygen(const char *base, wt_curve_keys_t *keys, char *err, size_t errlen);
/* Read a .key or .pub file. -ENOENT, -EINVAL (malformed) with a reason in err. */
int wt_curve_load(const char *path, wt_curve_keys_t *keys, char *err, size_t errlen);
/* True when s is 40 valid Z85 characters that decode to 32 bytes. */
bool wt_curve_key_valid(const char *s);

/* Make sock a CURVE server with our secret key and the "wiretag" ZAP domain. */
int wt_curve_server_apply(void *sock, const wt_curve_keys_t *server);
/* Make sock a CURVE client of the server whose public key is server_public. */
int wt_curve_client_apply(void *sock, const wt_curve_keys_t *client, const char *server_public);

/* From the configuration (curve.enabled, curve.secret_key, curve.server_key):
   make sock a CURVE client. Does nothing and returns 0 when CURVE is off.
   Errors say which key or file to fix. */
int wt_curve_setup_client(void *sock, const void *cfg, char *err, size_t errlen);
/* Make sock a CURVE server with curve.secret_key; 0 when CURVE is off. The
   caller must have started the ZAP handler (wt_zap_new with
   curve.allowed_keys) before binding. */
int wt_curve_setup_server(void *sock, const void *cfg, char *err, size_t errlen);

/* The ZAP handler actor. allowed: a directory of *.pub files or a file of
   Z85 public keys, one per line. The list is re-read on wt_zap_reload()
   and whenever the file's or directory's mtime changes. */
typedef struct wt_zap wt_zap_t;
wt_zap_t *wt_zap_new(void *zmq_ctx, const char *allowed, char *err, size_t errlen);
void wt_zap_destroy(wt_zap_t **self_p);
/* Re-read the allow-list now (returns the number of keys, or a negative code). */
int wt_zap_reload(wt_zap_t *self);
bool wt_zap_alive(const wt_zap_t *self);
uint64_t wt_zap_accepted(const wt_zap_t *self);
uint64_t wt_zap_refused(const wt_zap_t *self);
size_t wt_zap_keys(const wt_zap_t *self);
/* How many re-reads of the allow-list removed a key so far: when it grows,
   connections made with a revoked key must be dropped (the handler only
   sees new handshakes). */
uint64_t wt_zap_revocations(const wt_zap_t *self);

/* A socket monitor for authentication failures: returns a PAIR socket to
   poll, or NULL. wt_curve_monitor_read() returns 1 and the peer address
   for a ZMQ_EVENT_HANDSHAKE_FAILED_AUTH / _PROTOCOL event, 0 for other
   events, negative on error. */
void *wt_curve_monitor_new(void *zmq_ctx, void *sock, const char *name);
int wt_curve_monitor_read(void *monitor, uint16_t *event, char *addr, size_t addrlen);

#ifdef __cplusplus
}
#endif
#endif
