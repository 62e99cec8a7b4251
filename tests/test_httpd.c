/*  test_httpd.c: the HTTP server module over real loopback sockets: a
    reply with its headers, 404/405, a malformed request (400, the server
    goes on), a stream that gets its first bytes and then broadcasts, a
    stream that stops reading and is dropped past WT_HTTPD_STREAM_MAX,
    destroy with a stream open, and bad or taken listen addresses. (A
    suspended stream notices that its client left only at the next write:
    `wiretag web` sends a keepalive every 15 s.)

    The server runs on this thread (external loop, as in the broker); each
    client is a thread with a blocking socket. We pump the server until the
    client says it is done, with a generous bound. */
#include "wiretag/httpd.h"
#include "testutil.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

typedef struct {
    int port;
    const char *request;
    const char *until; /* stop reading once this is in the response (NULL: at close) */
    bool stall;        /* read the headers, then stop reading */
    char response[1 << 16];
    size_t n;
    atomic_int done;
} s_client_t;

static void *s_client(void *arg)
{
    s_client_t *c = arg;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct timeval tv = {20, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    int small = 4096;
    if (c->stall) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)c->port)};
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
        write(fd, c->request, strlen(c->request)) == (ssize_t)strlen(c->request)) {
        for (;;) {
            ssize_t r = read(fd, c->response + c->n, sizeof c->response - 1 - c->n);
            if (r <= 0) break;
            c->n += (size_t)r;
            c->response[c->n] = 0;
            if (c->until && strstr(c->response, c->until)) break;
            if (c->stall && strstr(c->response, "\r\n\r\n")) {
                atomic_store(&c->done, 1);
                /* keep the connection open without reading until told */
                while (atomic_load(&c->done) != 2)
                    usleep(10000);
                break;
            }
        }
    }
    close(fd);
    atomic_store(&c->done, 3);
    return NULL;
}

static int s_port(const wt_httpd_t *h)
{
    const char *colon = strrchr(wt_httpd_address(h), ':');
    return colon ? atoi(colon + 1) : 0;
}

/* Run the server until cond(arg) or 20 s. */
static bool s_pump(wt_httpd_t *h, bool (*cond)(void *), void *arg)
{
    for (int i = 0; i < 2000; i++) {
        if (cond(arg)) return true;
        struct pollfd p = {.fd = wt_httpd_fd(h), .events = POLLIN};
        poll(&p, 1, 10);
        wt_httpd_run(h);
    }
    return cond(arg);
}

static bool s_client_done(void *arg)
{
    return atomic_load(&((s_client_t *)arg)->done) == 3;
}

static void s_handler(void *arg, const char *path, wt_http_reply_t *r)
{
    (*(int *)arg)++;
    if (strcmp(path, "/s") == 0) {
        r->stream = true;
        r->content_type = "text/event-stream";
        wt_buf_append(&r->body, "first;", 6);
    } else if (strcmp(path, "/x") == 0) {
        r->content_type = "text/x-test";
        r->csp = "default-src 'none'";
        wt_buf_append(&r->body, "hello x", 7);
    } else {
        r->status = 404;
        wt_buf_append(&r->body, "nope", 4);
    }
}

static void s_request(wt_httpd_t *h, s_client_t *c, const char *req, const char *until)
{
    memset(c, 0, sizeof *c);
    c->port = s_port(h);
    c->request = req;
    c->until = until;
    pthread_t t;
    pthread_create(&t, NULL, s_client, c);
    CHECK_MSG(s_pump(h, s_client_done, c), "no answer to %.20s", req);
    pthread_join(t, NULL);
}

static void test_replies(void)
{
    char err[256];
    int calls = 0;
    wt_httpd_t *h = wt_httpd_new("0", s_handler, &calls, err, sizeof err);
    CHECK_MSG(h != NULL, "%s", err);
    if (!h) return;
    CHECK(strncmp(wt_httpd_address(h), "127.0.0.1:", 10) == 0 && s_port(h) > 0);
    s_client_t *c = calloc(1, sizeof *c);
    s_request(h, c, "GET /x?q=1 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", NULL);
    CHECK_MSG(strncmp(c->response, "HTTP/1.1 200", 12) == 0, "%s", c->response);
    CHECK(strstr(c->response, "Content-Type: text/x-test\r\n") != NULL);
    CHECK(strstr(c->response, "X-Content-Type-Options: nosniff\r\n") != NULL);
    CHECK(strstr(c->response, "Content-Security-Policy: default-src 'none'\r\n") != NULL);
    CHECK(strstr(c->response, "\r\n\r\nhello x") != NULL);
    s_request(h, c, "GET /nothing HTTP/1.0\r\n\r\n", NULL);
    CHECK_MSG(strncmp(c->response, "HTTP/1.0 404", 12) == 0 ||
                  strncmp(c->response, "HTTP/1.1 404", 12) == 0,
              "%s", c->response);
    s_request(h, c,
              "POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc",
              NULL);
    CHECK_MSG(strstr(c->response, " 405 ") != NULL, "%s", c->response);
    int before = calls;
    s_request(h, c, "GARBAGE\r\n\r\n", NULL);
    /* libmicrohttpd answers 400 or just closes, depending on the garbage */
    CHECK_MSG(c->n == 0 || strstr(c->response, " 400 ") != NULL, "%s", c->response);
    CHECK_EQ_INT(calls, before); /* never reached the handler */
    s_request(h, c, "GET /x HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", NULL);
    CHECK(strstr(c->response, "hello x") != NULL); /* still serving */
    free(c);
    wt_httpd_destroy(&h);
    CHECK(h == NULL);
    wt_httpd_destroy(&h); /* idempotent */
}

static bool s_has_stream(void *arg)
{
    return wt_httpd_streams(arg) == 1;
}

static bool s_no_stream(void *arg)
{
    return wt_httpd_streams(arg) == 0;
}

/* Keepalives until the server has noticed that the client left (the first
   write to a closed peer still succeeds; a later one fails). */
static bool s_gone_after_writes(wt_httpd_t *h)
{
    for (int i = 0; i < 200 && wt_httpd_streams(h); i++) {
        wt_httpd_broadcast(h, ": keepalive\n\n", 13);
        struct pollfd p = {.fd = wt_httpd_fd(h), .events = POLLIN};
        poll(&p, 1, 20);
        wt_httpd_run(h);
    }
    return wt_httpd_streams(h) == 0;
}

static bool s_stalled(void *arg)
{
    return atomic_load(&((s_client_t *)arg)->done) == 1;
}

static void test_streams(void)
{
    char err[256];
    int calls = 0;
    wt_httpd_t *h = wt_httpd_new("127.0.0.1:0", s_handler, &calls, err, sizeof err);
    CHECK_MSG(h != NULL, "%s", err);
    if (!h) return;
    /* first bytes, then two broadcasts, in order */
    s_client_t *c = calloc(1, sizeof *c);
    c->port = s_port(h);
    c->request = "GET /s HTTP/1.0\r\n\r\n";
    c->until = "first;second;third;";
    pthread_t t;
    pthread_create(&t, NULL, s_client, c);
    CHECK(s_pump(h, s_has_stream, h));
    wt_httpd_broadcast(h, "second;", 7);
    wt_httpd_broadcast(h, "third;", 6);
    CHECK(s_pump(h, s_client_done, c));
    pthread_join(t, NULL);
    CHECK_MSG(strstr(c->response, "\r\n\r\nfirst;second;third;") != NULL, "%s", c->response);
    CHECK(strstr(c->response, "Content-Type: text/event-stream") != NULL);
    /* the client left; a suspended connection does not notice until the
       next write (hence the keepalives of `wiretag web`) */
    CHECK(s_gone_after_writes(h));

    /* a client that stops reading is dropped once too much waits for it */
    memset(c, 0, sizeof *c);
    c->port = s_port(h);
    c->request = "GET /s HTTP/1.0\r\n\r\n";
    c->stall = true;
    pthread_create(&t, NULL, s_client, c);
    CHECK(s_pump(h, s_stalled, c));
    CHECK_EQ_INT(wt_httpd_streams(h), 1);
    static char mb[1 << 20];
    memset(mb, 'x', sizeof mb);
    for (int i = 0; i < 32 && wt_httpd_streams(h); i++) {
        wt_httpd_broadcast(h, mb, sizeof mb);
        for (int k = 0; k < 20; k++)
            wt_httpd_run(h);
    }
    CHECK(s_pump(h, s_no_stream, h));
    atomic_store(&c->done, 2);
    pthread_join(t, NULL);

    /* destroy with a stream open and suspended */
    memset(c, 0, sizeof *c);
    c->port = s_port(h);
    c->request = "GET /s HTTP/1.0\r\n\r\n";
    pthread_create(&t, NULL, s_client, c);
    CHECK(s_pump(h, s_has_stream, h));
    for (int k = 0; k < 20; k++) /* let it send "first;" and suspend */
        wt_httpd_run(h);
    wt_httpd_destroy(&h);
    pthread_join(t, NULL); /* the client sees the end */
    CHECK(strstr(c->response, "first;") != NULL);
    free(c);
}

static void test_addresses(void)
{
    char err[256];
    static const char *const bad[] = {
        "", "127.0.0.1:x", "127.0.0.1:70000", "localhost:-1", "no.such.host.invalid:80", "[::1]"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = 0;
        CHECK_MSG(wt_httpd_check_listen(bad[i], err, sizeof err) == -EINVAL, "%s", bad[i]);
        CHECK_MSG(err[0] != 0, "no message for %s", bad[i]);
    }
    CHECK_EQ_INT(wt_httpd_check_listen("*:0", err, sizeof err), 0);
    CHECK_EQ_INT(wt_httpd_check_listen("9100", err, sizeof err), 0);
    int calls = 0;
    wt_httpd_t *a = wt_httpd_new(":0", s_handler, &calls, err, sizeof err);
    CHECK_MSG(a != NULL, "%s", err);
    if (!a) return;
    CHECK(strncmp(wt_httpd_address(a), "127.0.0.1:", 10) == 0);
    wt_httpd_t *b = wt_httpd_new(wt_httpd_address(a), s_handler, &calls, err, sizeof err);
    CHECK(b == NULL);
    CHECK_MSG(strstr(err, "Address already in use") != NULL, "%s", err);
    wt_httpd_destroy(&a);
    wt_httpd_t *v6 = wt_httpd_new("[::1]:0", s_handler, &calls, err, sizeof err);
    if (v6) { /* where the host has IPv6 loopback */
        CHECK(strncmp(wt_httpd_address(v6), "[::1]:", 6) == 0);
        wt_httpd_destroy(&v6);
    }
}

int main(void)
{
    test_replies();
    test_streams();
    test_addresses();
    TEST_END();
}
