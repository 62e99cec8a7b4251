/*  endpoint.c: naming, checking and recognising a broker's endpoints
    (see include/wiretag/endpoint.h). Host names are resolved with
    getaddrinfo; handshakes are watched with a ZeroMQ socket monitor on an
    inproc PAIR, read without blocking by the owner's loop.
*/
#include "wiretag/endpoint.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <zmq.h>

static const char *const s_roles[WT_ROLE_COUNT_] = {"producers", "workers", "subscribers",
                                                    "replay"};

const char *wt_role_name(wt_role_t role)
{
    return role >= 0 && role < WT_ROLE_COUNT_ ? s_roles[role] : "?";
}

int wt_role_port(wt_role_t role)
{
    return 5555 + (int)role;
}

/* Split "tcp://HOST:PORT" (HOST may be [v6]); host and port point into buf. */
static int s_split_tcp(const char *rest, char *buf, size_t n, char **host, char **port)
{
    if (strlen(rest) >= n) return -1;
    strcpy(buf, rest);
    char *colon = strrchr(buf, ':');
    if (!colon) return -1;
    *colon = 0;
    *port = colon + 1;
    *host = buf;
    if (buf[0] == '[') {
        size_t l = strlen(buf);
        if (l < 2 || buf[l - 1] != ']') return -1;
        buf[l - 1] = 0;
        *host = buf + 1;
    }
    /* a connect may name a source address: "src;host" */
    char *semi = strchr(*host, ';');
    if (semi) *host = semi + 1;
    return 0;
}

int wt_endpoint_check(const char *url, bool bind, char *resolved, size_t resolved_len, char *err,
                      size_t errlen)
{
    if (!url || !*url) {
        snprintf(err, errlen, "an endpoint is empty (it wants tcp://HOST:PORT)");
        return WT_EVALUE;
    }
    if (resolved) snprintf(resolved, resolved_len, "%s", url);
    if (!strncmp(url, "ipc://", 6) || !strncmp(url, "inproc://", 9)) {
        if (url[url[0] == 'i' && url[1] == 'p' ? 6 : 9] == 0) {
            snprintf(err, errlen, "endpoint %s has no path after the transport", url);
            return WT_EVALUE;
        }
        return 0;
    }
    if (strncmp(url, "tcp://", 6) != 0) {
        snprintf(err, errlen,
                 "endpoint '%s' is not a ZeroMQ URL: it wants tcp://HOST:PORT "
                 "(e.g. tcp://127.0.0.1:5555), ipc://PATH or inproc://NAME",
                 url);
        return WT_EVALUE;
    }
    char buf[512], *host = NULL, *port = NULL;
    if (s_split_tcp(url + 6, buf, sizeof buf, &host, &port) != 0 || !*host) {
        snprintf(err, errlen, "endpoint %s wants a host and a port: tcp://HOST:PORT", url);
        return WT_EVALUE;
    }
    if (!strcmp(port, "*")) {
        if (!bind) {
            snprintf(err, errlen, "endpoint %s: port * (any free port) only makes sense for a bind",
                     url);
            return WT_EVALUE;
        }
    } else {
        char *end = NULL;
        errno = 0;
        long p = *port ? strtol(port, &end, 10) : -1;
        if (errno || !end || *end || !isdigit((unsigned char)port[0]) || p < (bind ? 0 : 1) ||
            p > 65535) {
            snprintf(err, errlen, "endpoint %s: port '%s' is not a port number (1 to 65535%s)", url,
                     port, bind ? ", or * for any free one" : "");
            return WT_EVALUE;
        }
    }
    if (!strcmp(host, "*")) {
        if (!bind) {
            snprintf(err, errlen,
                     "endpoint %s: host * (every interface) only makes sense for a bind; "
                     "name the broker's host, e.g. tcp://127.0.0.1:%s",
                     url, port);
            return WT_EVALUE;
        }
        return 0;
    }
    unsigned char addr[16];
    if (inet_pton(AF_INET, host, addr) == 1 || inet_pton(AF_INET6, host, addr) == 1) return 0;
    if (!strcasecmp(host, "localhost")) {
        /* loopback by definition (RFC 6761), also where no /etc/hosts says
           so (a minimal root, a bare container): never asked of a resolver */
        if (bind && resolved) snprintf(resolved, resolved_len, "tcp://127.0.0.1:%s", port);
        return 0;
    }
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *ai = NULL;
    int gai = getaddrinfo(host, NULL, &hints, &ai);
    if (gai != 0 || !ai) {
        if (bind)
            snprintf(err, errlen,
                     "endpoint %s: host '%s' does not resolve (%s); bind an address "
                     "(127.0.0.1, 0.0.0.0), * or an interface name",
                     url, host, gai_strerror(gai));
        else
            snprintf(err, errlen, "endpoint %s: host '%s' does not resolve (%s)", url, host,
                     gai_strerror(gai));
        if (ai) freeaddrinfo(ai);
        return WT_EVALUE;
    }
    if (bind && resolved) {
        /* ZeroMQ binds addresses and interface names, not host names */
        char num[INET6_ADDRSTRLEN] = "";
        const struct addrinfo *a = ai;
        for (const struct addrinfo *x = ai; x; x = x->ai_next)
            if (x->ai_family == AF_INET) {
                a = x;
                break;
            }
        if (a->ai_family == AF_INET)
            inet_ntop(AF_INET, &((struct sockaddr_in *)a->ai_addr)->sin_addr, num, sizeof num);
        else
            inet_ntop(AF_INET6, &((struct sockaddr_in6 *)a->ai_addr)->sin6_addr, num, sizeof num);
        snprintf(resolved, resolved_len, a->ai_family == AF_INET6 ? "tcp://[%s]:%s" : "tcp://%s:%s",
                 num, port);
    }
    freeaddrinfo(ai);
    return 0;
}

int wt_endpoint_for_host(const char *host, wt_role_t role, char *out, size_t outlen)
{
    if (!host || !*host || strstr(host, "://")) return WT_EVALUE;
    for (const char *p = host; *p; p++)
        if (isspace((unsigned char)*p)) return WT_EVALUE;
    bool v6 = strchr(host, ':') && host[0] != '[';
    snprintf(out, outlen, v6 ? "tcp://[%s]:%d" : "tcp://%s:%d", host, wt_role_port(role));
    return 0;
}

int wt_endpoint_pick(const char *url, const char *host, const char *cfg_host, wt_role_t role,
                     char *out, size_t outlen, char *err, size_t errlen)
{
    if (url) {
        /* tcp://localhost:PORT connects to 127.0.0.1 without asking a
           resolver (RFC 6761), so that it works where no /etc/hosts does */
        if (!strncasecmp(url, "tcp://localhost:", 16))
            snprintf(out, outlen, "tcp://127.0.0.1:%s", url + 16);
        else
            snprintf(out, outlen, "%s", url);
        return 0;
    }
    const char *h = host ? host : cfg_host ? cfg_host : "127.0.0.1";
    if (!strcasecmp(h, "localhost")) h = "127.0.0.1";
    if (wt_endpoint_for_host(h, role, out, outlen) != 0) {
        snprintf(err, errlen,
                 "%s '%s' wants a host name or address (the standard ports 5555-5558 are "
                 "implied), e.g. broker.example or 10.0.0.7; use --broker URL for a full endpoint",
                 host ? "--host" : "client.broker", h);
        return WT_EVALUE;
    }
    return 0;
}

bool wt_endpoint_refused(const wt_proto_t *reply, wt_role_t expected, const char *url, char *why,
                         size_t whylen)
{
    if (reply->cmd != WT_CMD_NAK && reply->cmd != WT_CMD_ERROR) return false;
    const char *other = NULL;
    if ((reply->has & WT_F_ROLE) && reply->role && strcmp(reply->role, wt_role_name(expected)))
        other = reply->role;
    else if (!(reply->has & WT_F_ROLE) && reply->code && !strcmp(reply->code, "EPROTO")) {
        /* an older broker: only producers answer NAK, only others ERROR */
        if (expected == WT_ROLE_PRODUCERS && reply->cmd == WT_CMD_ERROR)
            other = "workers or replay";
        else if (expected != WT_ROLE_PRODUCERS && reply->cmd == WT_CMD_NAK)
            other = "producers";
    }
    if (!other) return false;
    snprintf(why, whylen,
             "%s is not a %s endpoint: the broker answered %s %s (%s) as its %s endpoint; "
             "the %s endpoint is port %d by default (or use --host HOST)",
             url, wt_role_name(expected), wt_proto_cmd_name(reply->cmd),
             reply->code ? reply->code : "?", reply->reason ? reply->reason : "", other,
             wt_role_name(expected), wt_role_port(expected));
    return true;
}

struct wt_peer_watch_t {
    void *pair;
    int drops;      /* connections dropped in a row before a handshake */
    bool connected; /* a TCP connection is up, no handshake yet */
    bool ok;
    unsigned last_event;
    int64_t dropped_ms; /* when a connection dropped before its handshake; 0 = none since */
};

wt_peer_watch_t *wt_peer_watch_new(void *zmq_ctx, void *sock)
{
    char ep[96];
    snprintf(ep, sizeof ep, "inproc://wt-peer-watch-%p", sock);
    if (zmq_socket_monitor(sock, ep,
                           ZMQ_EVENT_CONNECTED | ZMQ_EVENT_DISCONNECTED |
                               ZMQ_EVENT_CONNECT_DELAYED | ZMQ_EVENT_CONNECT_RETRIED |
                               ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                               ZMQ_EVENT_HANDSHAKE_FAILED_AUTH |
                               ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL) != 0)
        return NULL;
    void *pair = zmq_socket(zmq_ctx, ZMQ_PAIR);
    int linger = 0;
    zmq_setsockopt(pair, ZMQ_LINGER, &linger, sizeof linger);
    if (!pair || zmq_connect(pair, ep) != 0) {
        if (pair) zmq_close(pair);
        zmq_socket_monitor(sock, NULL, 0);
        return NULL;
    }
    wt_peer_watch_t *self = calloc(1, sizeof *self);
    if (!self) abort();
    self->pair = pair;
    return self;
}

void wt_peer_watch_destroy(wt_peer_watch_t **self_p)
{
    if (!self_p || !*self_p) return;
    zmq_close((*self_p)->pair);
    free(*self_p);
    *self_p = NULL;
}

bool wt_peer_watch_ok(const wt_peer_watch_t *self)
{
    return self && self->ok;
}

bool wt_peer_watch_failed(wt_peer_watch_t *self, int tries, const char *url, wt_role_t expected,
                          char *why, size_t whylen)
{
    if (!self) return false;
    for (;;) {
        zmq_msg_t m;
        zmq_msg_init(&m);
        if (zmq_msg_recv(&m, self->pair, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&m);
            break;
        }
        uint16_t ev = 0;
        if (zmq_msg_size(&m) >= 2) memcpy(&ev, zmq_msg_data(&m), 2);
        while (zmq_msg_more(&m)) { /* the address frame */
            zmq_msg_close(&m);
            zmq_msg_init(&m);
            if (zmq_msg_recv(&m, self->pair, 0) < 0) break;
        }
        zmq_msg_close(&m);
        if (ev == ZMQ_EVENT_CONNECT_DELAYED || ev == ZMQ_EVENT_CONNECT_RETRIED) {
            self->dropped_ms = 0; /* ZeroMQ tries again: wait for that attempt */
        } else if (ev == ZMQ_EVENT_CONNECTED) {
            self->connected = true;
            self->dropped_ms = 0;
        } else if (ev == ZMQ_EVENT_HANDSHAKE_SUCCEEDED) {
            self->ok = true;
            self->drops = 0;
            self->connected = false;
        } else if (ev == ZMQ_EVENT_DISCONNECTED || ev == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL ||
                   ev == ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL ||
                   ev == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) {
            if (self->connected || ev != ZMQ_EVENT_DISCONNECTED) {
                self->drops++;
                self->last_event = ev;
                self->dropped_ms = wt_clock_ms();
            }
            self->connected = false;
        }
    }
    /* libzmq does not reconnect after a failed handshake (incompatible
       socket types): a drop with no new attempt for a second is final */
    bool stalled = self->dropped_ms && wt_clock_ms() - self->dropped_ms > 1000;
    if (self->ok || (self->drops < tries && !stalled)) return false;
    if (self->last_event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH)
        snprintf(why, whylen,
                 "%s refused our CURVE key (is it in the broker's allow-list? see curve.* in the "
                 "config)",
                 url);
    else
        snprintf(why, whylen,
                 "%s accepts connections but never completes a ZeroMQ handshake with us: it is "
                 "not a %s endpoint (another port of the broker, another program, or CURVE "
                 "enabled on one side only); the %s endpoint is port %d by default",
                 url, wt_role_name(expected), wt_role_name(expected), wt_role_port(expected));
    return true;
}
