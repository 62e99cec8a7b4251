/*  httpd.c: libmicrohttpd in external-loop mode (see include/wiretag/httpd.h).

    We bind the listening socket ourselves (clear errors, the real port of
    ":0") and hand it to MHD with MHD_OPTION_LISTEN_SOCKET. MHD runs with
    epoll and without a thread: its epoll descriptor is what the owner
    polls. Streams (SSE) use MHD's suspend/resume: when a stream has nothing
    to send, its content reader suspends the connection; wt_httpd_broadcast()
    appends to every stream's queue and resumes it.
*/
#include "wiretag/httpd.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#if MHD_VERSION < 0x00097002
typedef int MHD_RESULT_T;
#else
typedef enum MHD_Result MHD_RESULT_T;
#endif

typedef struct s_stream {
    wt_httpd_t *server;
    struct MHD_Connection *conn;
    wt_buf_t buf;
    size_t off;
    bool suspended, dead;
    struct s_stream *prev, *next;
} s_stream_t;

struct wt_httpd {
    struct MHD_Daemon *daemon;
    int listen_fd, epoll_fd;
    wt_httpd_fn *fn;
    void *arg;
    char address[128];
    s_stream_t *streams;
    size_t nstreams;
    bool stopping;
};

/* ------------------------------------------------------------ addresses */

/* Split where into host and port; "PORT" alone means loopback. */
static int s_split(const char *where, char *host, size_t hostlen, char *port, size_t portlen,
                   char *err, size_t errlen)
{
    const char *colon = strrchr(where ? where : "", ':');
    const char *h = "127.0.0.1", *p = where ? where : "";
    size_t hl = strlen(h);
    if (colon) {
        h = where;
        hl = (size_t)(colon - where);
        p = colon + 1;
        if (hl >= 2 && h[0] == '[' && h[hl - 1] == ']') {
            h++;
            hl -= 2;
        }
        if (hl == 0) {
            h = "127.0.0.1";
            hl = strlen(h);
        }
    }
    char *end = NULL;
    long v = strtol(p, &end, 10);
    if (!*p || !end || *end || v < 0 || v > 65535 || hl >= hostlen) {
        snprintf(err, errlen,
                 "where address \"%s\": want HOST:PORT (e.g. 127.0.0.1:9100, [::1]:9100, "
                 "*:9100 for every interface, or a port alone for loopback)",
                 where ? where : "");
        return -EINVAL;
    }
    memcpy(host, h, hl);
    host[hl] = 0;
    snprintf(port, portlen, "%ld", v);
    return 0;
}

static int s_resolve(const char *where, struct addrinfo **res, char *err, size_t errlen)
{
    char host[256], port[16];
    int rc = s_split(where, host, sizeof host, port, sizeof port, err, errlen);
    if (rc) return rc;
    struct addrinfo hints = {.ai_family = AF_UNSPEC,
                             .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
    int g = getaddrinfo(strcmp(host, "*") == 0 ? NULL : host, port, &hints, res);
    if (g != 0) {
        snprintf(err, errlen, "where address \"%s\": %s", where, gai_strerror(g));
        return -EINVAL;
    }
    return 0;
}

int wt_httpd_check_listen(const char *where, char *err, size_t errlen)
{
    struct addrinfo *res = NULL;
    int rc = s_resolve(where, &res, err, errlen);
    if (res) freeaddrinfo(res);
    return rc;
}

static void s_format(const struct sockaddr *sa, char *out, size_t n)
{
    char host[INET6_ADDRSTRLEN] = "?";
    int port = 0;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const void *)sa;
        inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
        port = ntohs(in->sin_port);
        snprintf(out, n, "%s:%d", host, port);
    } else {
        const struct sockaddr_in6 *in6 = (const void *)sa;
        inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
        port = ntohs(in6->sin6_port);
        snprintf(out, n, "[%s]:%d", host, port);
    }
}

/* ------------------------------------------------------------ streams */

static ssize_t s_stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    s_stream_t *s = cls;
    if (s->dead) return MHD_CONTENT_READER_END_WITH_ERROR;
    size_t avail = s->buf.size - s->off;
    if (avail == 0) {
        wt_buf_reset(&s->buf);
        s->off = 0;
        if (s->server->stopping) return MHD_CONTENT_READER_END_OF_STREAM;
        /* nothing to send: wait for wt_httpd_broadcast() */
        MHD_suspend_connection(s->conn);
        s->suspended = true;
        return 0;
    }
    size_t n = avail < max ? avail : max;
    memcpy(buf, s->buf.data + s->off, n);
    s->off += n;
    return (ssize_t)n;
}

static void s_stream_free(void *cls)
{
    s_stream_t *s = cls;
    wt_httpd_t *self = s->server;
    if (s->prev)
        s->prev->next = s->next;
    else
        self->streams = s->next;
    if (s->next) s->next->prev = s->prev;
    self->nstreams--;
    wt_buf_free(&s->buf);
    free(s);
}

void wt_httpd_broadcast(wt_httpd_t *self, const void *data, size_t n)
{
    for (s_stream_t *s = self->streams; s; s = s->next) {
        if (!s->dead) {
            if (s->buf.size - s->off + n > WT_HTTPD_STREAM_MAX) {
                /* too slow: drop it (its browser reconnects). Its socket may
                   be full, so MHD may not ask for data again: a 1 s timeout
                   closes it */
                s->dead = true;
                wt_buf_free(&s->buf);
                s->off = 0;
                MHD_set_connection_option(s->conn, MHD_CONNECTION_OPTION_TIMEOUT, (unsigned)1);
            } else
                wt_buf_append(&s->buf, data, n);
        }
        if (s->suspended) {
            s->suspended = false;
            MHD_resume_connection(s->conn);
        }
    }
}

size_t wt_httpd_streams(const wt_httpd_t *self)
{
    return self->nstreams;
}

/* ------------------------------------------------------------ requests */

static MHD_RESULT_T s_plain(struct MHD_Connection *conn, unsigned status, const char *text)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(r, "Content-Type", "text/plain; charset=utf-8");
    MHD_RESULT_T ret = MHD_queue_response(conn, status, r);
    MHD_destroy_response(r);
    return ret;
}

static MHD_RESULT_T s_on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                 const char *method, const char *version, const char *upload_data,
                                 size_t *upload_data_size, void **con_cls)
{
    (void)version;
    (void)upload_data;
    (void)con_cls;
    wt_httpd_t *self = cls;
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        return s_plain(conn, 405, "only GET and HEAD are served here\n");
    if (*upload_data_size) return s_plain(conn, 413, "no request body expected\n");

    wt_http_reply_t reply = {.status = 200};
    wt_buf_init(&reply.body);
    self->fn(self->arg, url, &reply);
    struct MHD_Response *r;
    if (reply.stream) {
        s_stream_t *s = wt_calloc(1, sizeof *s);
        s->server = self;
        s->conn = conn;
        s->buf = reply.body; /* the first bytes of the stream */
        s->next = self->streams;
        if (s->next) s->next->prev = s;
        self->streams = s;
        self->nstreams++;
        r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16384, s_stream_read, s,
                                              s_stream_free);
        MHD_add_response_header(r, "Cache-Control", "no-store");
        MHD_add_response_header(r, "X-Accel-Buffering", "no");
    } else {
        r = MHD_create_response_from_buffer(reply.body.size, reply.body.data,
                                            MHD_RESPMEM_MUST_COPY);
        wt_buf_free(&reply.body);
    }
    MHD_add_response_header(r, "Content-Type",
                            reply.content_type ? reply.content_type : "text/plain; charset=utf-8");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    if (reply.csp) {
        MHD_add_response_header(r, "Content-Security-Policy", reply.csp);
        MHD_add_response_header(r, "X-Frame-Options", "DENY");
        MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    }
    MHD_RESULT_T ret = MHD_queue_response(conn, (unsigned)reply.status, r);
    MHD_destroy_response(r);
    return ret;
}

/* ------------------------------------------------------------ lifecycle */

wt_httpd_t *wt_httpd_new(const char *where, wt_httpd_fn *fn, void *arg, char *err, size_t errlen)
{
    struct addrinfo *res = NULL;
    if (s_resolve(where, &res, err, errlen) != 0) return NULL;
    int fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    if (fd >= 0) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (fd < 0 || bind(fd, res->ai_addr, res->ai_addrlen) != 0 || listen(fd, 64) != 0) {
        snprintf(err, errlen, "cannot where on %s: %s%s", where, strerror(errno),
                 errno == EADDRINUSE ? " (choose another port, or 0 for any free one)" : "");
        if (fd >= 0) close(fd);
        freeaddrinfo(res);
        return NULL;
    }
    int family = res->ai_family;
    freeaddrinfo(res);

    wt_httpd_t *self = wt_calloc(1, sizeof *self);
    self->fn = fn;
    self->arg = arg;
    self->listen_fd = fd;
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
        s_format((struct sockaddr *)&ss, self->address, sizeof self->address);
    unsigned flags = MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME;
    if (family == AF_INET6) flags |= MHD_USE_IPv6;
    self->daemon =
        MHD_start_daemon(flags, 0, NULL, NULL, s_on_request, self, MHD_OPTION_LISTEN_SOCKET, fd,
                         MHD_OPTION_CONNECTION_LIMIT, (unsigned)128, MHD_OPTION_CONNECTION_TIMEOUT,
                         (unsigned)60, MHD_OPTION_END);
    if (!self->daemon) {
        snprintf(err, errlen, "cannot start the HTTP server on %s (libmicrohttpd refused)",
                 self->address);
        close(fd);
        free(self);
        return NULL;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(self->daemon, MHD_DAEMON_INFO_EPOLL_FD);
    self->epoll_fd = di ? di->epoll_fd : -1;
    if (self->epoll_fd < 0) {
        snprintf(err, errlen, "libmicrohttpd has no epoll descriptor");
        MHD_stop_daemon(self->daemon);
        close(fd);
        free(self);
        return NULL;
    }
    return self;
}

void wt_httpd_destroy(wt_httpd_t **self_p)
{
    wt_httpd_t *self = *self_p;
    if (!self) return;
    /* suspended connections must be resumed before MHD stops */
    self->stopping = true;
    for (s_stream_t *s = self->streams; s; s = s->next) {
        s->dead = true;
        if (s->suspended) {
            s->suspended = false;
            MHD_resume_connection(s->conn);
        }
    }
    MHD_run(self->daemon);
    MHD_stop_daemon(self->daemon);
    close(self->listen_fd);
    free(self);
    *self_p = NULL;
}

const char *wt_httpd_address(const wt_httpd_t *self)
{
    return self->address;
}

int wt_httpd_fd(const wt_httpd_t *self)
{
    return self->epoll_fd;
}

long wt_httpd_timeout(wt_httpd_t *self)
{
    MHD_UNSIGNED_LONG_LONG ms = 0;
    if (MHD_get_timeout(self->daemon, &ms) != MHD_YES) return -1;
    return ms > 60000 ? 60000 : (long)ms;
}

void wt_httpd_run(wt_httpd_t *self)
{
    MHD_run(self->daemon);
}
