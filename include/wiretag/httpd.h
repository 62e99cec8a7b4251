/*  httpd.h: a small HTTP server for /metrics and the web view, on
    libmicrohttpd (Debian's libmicrohttpd-dev).

    Why libmicrohttpd: it is a maintained HTTP/1.1 server library packaged
    by Debian, written in C, with an "external event loop" mode. We run it in
    that mode: it creates no thread; the owner polls wt_httpd_fd() in its own
    zmq_poll loop and calls wt_httpd_run() when it is readable (and at least
    every wt_httpd_timeout() ms). So request handlers run on the owner's
    thread and read its state without locks — the broker and the worker stay
    one thread, one loop.

    Replies are built by one handler per server. A reply may be a stream
    (Server-Sent Events): the connection stays open, it first gets the
    reply's body, then every wt_httpd_broadcast() until the client leaves or
    falls too far behind (WT_HTTPD_STREAM_MAX bytes queued: it is dropped
    and its browser reconnects).

    Only GET and HEAD are served (405 otherwise); request bodies are refused.
*/
#ifndef WT_HTTPD_H
#define WT_HTTPD_H

#include "wiretag/codec.h"

#ifdef __cplusplus
extern "C" {
#endif

#define WT_HTTPD_STREAM_MAX (8u << 20)

typedef struct wt_httpd wt_httpd_t;

typedef struct {
    int status;               /* HTTP status; 0 = 200 */
    const char *content_type; /* static string; NULL = text/plain; charset=utf-8 */
    const char *csp;          /* Content-Security-Policy header, or NULL */
    bool stream;              /* keep open: body, then every broadcast */
    wt_buf_t body;            /* owned by the server (freed after the reply) */
} wt_http_reply_t;

/* Fill reply for GET path (without the query string). Runs on the thread
   that calls wt_httpd_run(). */
typedef void(wt_httpd_fn)(void *arg, const char *path, wt_http_reply_t *reply);

/* Listen on listen ("HOST:PORT", "[V6]:PORT", "*:PORT" for every address,
   or "PORT" alone = 127.0.0.1:PORT; PORT 0 = any free port). NULL with a
   sentence in err when the address is bad or taken. */
wt_httpd_t *wt_httpd_new(const char *listen, wt_httpd_fn *fn, void *arg, char *err, size_t errlen);
void wt_httpd_destroy(wt_httpd_t **self_p);
/* The bound address as "HOST:PORT" (the real port when 0 was asked). */
const char *wt_httpd_address(const wt_httpd_t *self);
/* A file descriptor to poll for reading; then call wt_httpd_run(). */
int wt_httpd_fd(const wt_httpd_t *self);
/* Longest the owner may wait before calling wt_httpd_run() (ms); -1 = any. */
long wt_httpd_timeout(wt_httpd_t *self);
/* Handle whatever is ready; never blocks. */
void wt_httpd_run(wt_httpd_t *self);
/* Queue data for every open stream (copied). */
void wt_httpd_broadcast(wt_httpd_t *self, const void *data, size_t n);
/* Open streams. */
size_t wt_httpd_streams(const wt_httpd_t *self);
/* Parse a listen address as wt_httpd_new() does; 0 or -EINVAL. Lets callers
   check a configuration before starting anything. */
int wt_httpd_check_listen(const char *listen, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
