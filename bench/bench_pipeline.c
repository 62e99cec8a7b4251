/*  bench_pipeline.c: the plain ZeroMQ baseline for the broker benchmark.

    wiretag-bench-pipeline [--workers N] [--count K] FILE.jsonl
    Moves the same items (MessagePack-encoded input items) through a plain
    PUSH/PULL pipeline shaped like wiretag's: producer -> relay ("broker")
    -> N no-op workers -> relay -> sink, over tcp on 127.0.0.1, with no
    journal, no acks and no redelivery. Prints items/s at the sink.

    wiretag-bench-pipeline --broker PRODUCERS_EP --results SUBSCRIBERS_EP
                           [--window W] [--rate R] [--id-prefix P] [--count K] FILE.jsonl
    The same items, each with a unique id (P0, P1, ...; default b), through
    a running wiretag broker (whose workers are started separately): PUT
    with a window of W unacked
    items, count RESULTs on the subscriber socket. Prints items/s and this
    process's CPU time while it was sending and receiving (cpu_s). With
    --rate R, one PUT every 1/R s (paced, still within the window), and
    the latency from each PUT to its RESULT: lat_p50_ms, lat_p99_ms,
    lat_p999_ms (the e2e latency rows of bench/run.py). */
#include "bench_util.h"
#include "wiretag/proto.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

static void *s_ctx;
static char s_ep_in[64], s_ep_jobs[64], s_ep_done[64], s_ep_out[64];

static void s_bind_any(void *sock, char *ep, size_t n)
{
    zmq_bind(sock, "tcp://127.0.0.1:*");
    zmq_getsockopt(sock, ZMQ_LAST_ENDPOINT, ep, &n);
}

static void *s_worker(void *arg)
{
    (void)arg;
    void *jobs = zmq_socket(s_ctx, ZMQ_PULL), *done = zmq_socket(s_ctx, ZMQ_PUSH);
    int linger = 0;
    zmq_setsockopt(jobs, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(done, ZMQ_LINGER, &linger, sizeof linger);
    zmq_connect(jobs, s_ep_jobs);
    zmq_connect(done, s_ep_done);
    for (;;) {
        zmq_msg_t m;
        zmq_msg_init(&m);
        if (zmq_msg_recv(&m, jobs, 0) < 0) break;
        if (zmq_msg_size(&m) == 0) {
            zmq_msg_close(&m);
            break;
        }
        zmq_msg_send(&m, done, 0);
    }
    zmq_close(jobs), zmq_close(done);
    return NULL;
}

/* This process's CPU time (producer and subscriber, without the loading
   and encoding done before the clock starts). */
static double s_process_cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* PUT count items (cycling through msgs, each re-encoded with a unique id)
   into a wiretag broker and count the RESULTs published. */
static int s_cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* The item index of a RESULT (its id is "<prefix><index>"), -1 for
   another id, -2 when there is none waiting. */
static long s_result_index(void *sub, long count, const char *prefix)
{
    wt_proto_in_t in;
    int rc = wt_proto_recv(sub, true, ZMQ_DONTWAIT, &in);
    long i = -1;
    size_t pl = strlen(prefix);
    if (rc == 0 && in.msg.id && strncmp(in.msg.id, prefix, pl) == 0 && in.msg.id[pl]) {
        char *end = NULL;
        i = strtol(in.msg.id + pl, &end, 10);
        if (*end || i < 0 || i >= count) i = -1;
    }
    wt_proto_in_close(&in);
    return rc == -EAGAIN || rc == -EINTR ? -2 : i;
}

static int s_through_broker(wt_buf_t *msgs, size_t n, long count, const char *producers,
                            const char *results, long window, long rate, const char *prefix)
{
    wt_buf_t *puts = wt_calloc((size_t)count, sizeof *puts);
    for (long i = 0; i < count; i++) {
        wt_item_t it = {0};
        wt_buf_t *src = &msgs[(size_t)i % n];
        if (wt_item_decode(src->data, src->size, NULL, &it) != 0) return 2;
        free(it.id);
        char id[96];
        snprintf(id, sizeof id, "%s%ld", prefix, i);
        it.id = wt_strdup(id);
        wt_buf_init(&puts[i]);
        wt_item_encode(&it, &puts[i]);
        wt_item_clear(&it);
    }
    void *ctx = zmq_ctx_new();
    void *sub = zmq_socket(ctx, ZMQ_SUB), *prod = zmq_socket(ctx, ZMQ_DEALER);
    int zero = 0;
    zmq_setsockopt(sub, ZMQ_RCVHWM, &zero, sizeof zero);
    zmq_setsockopt(sub, ZMQ_SUBSCRIBE, WT_PROTO_TOPIC, strlen(WT_PROTO_TOPIC));
    zmq_setsockopt(sub, ZMQ_LINGER, &zero, sizeof zero);
    zmq_setsockopt(prod, ZMQ_LINGER, &zero, sizeof zero);
    zmq_setsockopt(prod, ZMQ_SNDHWM, &zero, sizeof zero);
    zmq_connect(sub, results);
    zmq_connect(prod, producers);
    struct timespec ts = {0, 300 * 1000000L};
    nanosleep(&ts, NULL); /* let the subscription reach the broker */
    /* A NAK EFULL (the producer's unfinished limit) is back-pressure: the
       item goes back on a resend list, as `wiretag feed` does. */
    long next = 0, acked = 0, got = 0, outstanding = 0, naks = 0;
    long *resend = wt_calloc((size_t)count, sizeof *resend);
    long nresend = 0;
    int64_t t0 = wt_clock_us(), deadline = t0 + 600 * 1000000LL;
    int64_t *sent_us = wt_calloc((size_t)count, sizeof *sent_us); /* --rate: latency */
    int64_t *lat_us = wt_calloc((size_t)count, sizeof *lat_us);
    long nlat = 0;
    double cpu0 = s_process_cpu_s();
    wt_proto_t put = {0};
    wt_proto_init(&put, WT_CMD_PUT);
    put.has |= WT_F_CORR;
    while (got < count && wt_clock_us() < deadline) {
        long timeout = 100;
        while (outstanding < window && (nresend > 0 || next < count)) {
            if (rate > 0 && !nresend) { /* paced: item `next` is due at t0 + next / rate */
                int64_t due = t0 + (int64_t)((double)next * 1e6 / (double)rate);
                int64_t now = wt_clock_us();
                if (now < due) {
                    timeout = (long)((due - now + 999) / 1000);
                    break;
                }
            }
            long i = nresend > 0 ? resend[--nresend] : next++;
            put.corr = (uint64_t)i;
            sent_us[i] = wt_clock_us();
            wt_proto_send(prod, &put, puts[i].data, puts[i].size);
            outstanding++;
        }
        zmq_pollitem_t pi[] = {{prod, 0, ZMQ_POLLIN, 0}, {sub, 0, ZMQ_POLLIN, 0}};
        zmq_poll(pi, 2, timeout);
        while (pi[0].revents & ZMQ_POLLIN) {
            wt_proto_in_t in;
            int rc = wt_proto_recv(prod, false, ZMQ_DONTWAIT, &in);
            if (rc == -EAGAIN || rc == -EINTR) {
                wt_proto_in_close(&in);
                break;
            }
            if (rc == 0 && in.msg.cmd == WT_CMD_ACK) {
                acked++;
                outstanding--;
            } else if (rc == 0 && in.msg.cmd == WT_CMD_NAK && (in.msg.has & WT_F_CORR) &&
                       in.msg.corr < (uint64_t)count) {
                naks++;
                outstanding--;
                resend[nresend++] = (long)in.msg.corr;
            }
            wt_proto_in_close(&in);
        }
        if (nresend > 0 && outstanding == 0) {
            struct timespec pause = {0, 20 * 1000000L};
            nanosleep(&pause, NULL);
        }
        while (pi[1].revents & ZMQ_POLLIN) {
            long i = s_result_index(sub, count, prefix);
            if (i == -2) break;
            got++;
            if (rate > 0 && i >= 0 && sent_us[i]) {
                lat_us[nlat++] = wt_clock_us() - sent_us[i];
                sent_us[i] = 0;
            }
        }
    }
    free(resend);
    double secs = (double)(wt_clock_us() - t0) / 1e6;
    printf("items=%ld acked=%ld naks=%ld secs=%.3f items_s=%.0f cpu_s=%.3f", got, acked, naks, secs,
           (double)got / secs, s_process_cpu_s() - cpu0);
    if (rate > 0 && nlat > 0) {
        qsort(lat_us, (size_t)nlat, sizeof *lat_us, s_cmp_i64);
        const double ps[] = {0.5, 0.99, 0.999};
        const char *names[] = {"lat_p50_ms", "lat_p99_ms", "lat_p999_ms"};
        for (int k = 0; k < 3; k++) {
            long at = (long)((double)nlat * ps[k]);
            printf(" %s=%.2f", names[k], (double)lat_us[at < nlat ? at : nlat - 1] / 1000.0);
        }
        printf(" lat_n=%ld", nlat);
    }
    printf("\n");
    free(sent_us);
    free(lat_us);
    wt_proto_clear(&put);
    zmq_close(sub);
    zmq_close(prod);
    zmq_ctx_term(ctx);
    for (long i = 0; i < count; i++)
        wt_buf_free(&puts[i]);
    free(puts);
    return got == count ? 0 : 1;
}

int main(int argc, char **argv)
{
    int workers = 2;
    long count = 0, window = 2000, rate = 0;
    const char *path = NULL, *broker = NULL, *results = NULL, *prefix = "b";
    const bench_opt_t opts[] = {{"--workers", 'i', &workers},  {"--broker", 's', &broker},
                                {"--results", 's', &results},  {"--window", 'l', &window},
                                {"--count", 'l', &count},      {"--rate", 'l', &rate},
                                {"--id-prefix", 's', &prefix}, {NULL, 0, NULL}};
    int bad = bench_args(argc, argv, opts, &path);
    if (bad || !path || workers < 1) {
        fprintf(stderr,
                "usage: wiretag-bench-pipeline [--workers N] [--count K] FILE.jsonl\n"
                "       wiretag-bench-pipeline --broker PRODUCERS_EP --results "
                "SUBSCRIBERS_EP [--window W] [--rate R] [--id-prefix P] [--count K] FILE.jsonl\n");
        return 2;
    }
    bench_corpus_t corpus;
    if (bench_corpus_load(&corpus, path, false) != 0) return 2;
    size_t n = corpus.count;
    wt_buf_t *msgs = wt_calloc(n, sizeof *msgs);
    for (size_t i = 0; i < n; i++) {
        wt_buf_init(&msgs[i]);
        wt_item_encode(&corpus.items[i], &msgs[i]);
    }
    bench_corpus_free(&corpus);
    if (count <= 0) count = (long)n;
    if (broker && results) {
        int rc = s_through_broker(msgs, n, count, broker, results, window > 0 ? window : 2000, rate,
                                  prefix);
        for (size_t i = 0; i < n; i++)
            wt_buf_free(&msgs[i]);
        free(msgs);
        return rc;
    }

    s_ctx = zmq_ctx_new();
    /* producer PUSH -> relay PULL; relay PUSH -> workers (PULL); workers PUSH
       -> relay PULL; relay PUSH -> sink PULL. The relay is this thread's
       poll loop, as the broker's is. */
    void *p_in = zmq_socket(s_ctx, ZMQ_PUSH);
    void *w_jobs = zmq_socket(s_ctx, ZMQ_PUSH);
    void *w_done = zmq_socket(s_ctx, ZMQ_PULL);
    void *sink = zmq_socket(s_ctx, ZMQ_PULL);
    void *relay_pull = zmq_socket(s_ctx, ZMQ_PULL);
    void *relay_push = zmq_socket(s_ctx, ZMQ_PUSH);
    s_bind_any(relay_pull, s_ep_in, sizeof s_ep_in); /* relay's producer side */
    s_bind_any(w_jobs, s_ep_jobs, sizeof s_ep_jobs); /* relay -> workers */
    s_bind_any(w_done, s_ep_done, sizeof s_ep_done); /* workers -> relay */
    s_bind_any(sink, s_ep_out, sizeof s_ep_out);     /* relay -> sink */
    zmq_connect(p_in, s_ep_in);
    zmq_connect(relay_push, s_ep_out);

    pthread_t *wt = calloc((size_t)workers, sizeof *wt);
    for (int i = 0; i < workers; i++)
        pthread_create(&wt[i], NULL, s_worker, NULL);

    int64_t t0 = wt_clock_us();
    long sent = 0, got = 0;
    zmq_pollitem_t pi[] = {{relay_pull, 0, ZMQ_POLLIN, 0},
                           {w_done, 0, ZMQ_POLLIN, 0},
                           {sink, 0, ZMQ_POLLIN, 0},
                           {p_in, 0, ZMQ_POLLOUT, 0}};
    while (got < count) {
        pi[3].events = sent < count ? ZMQ_POLLOUT : 0;
        zmq_poll(pi, 4, 1000);
        if ((pi[3].revents & ZMQ_POLLOUT) && sent < count) {
            wt_buf_t *b = &msgs[sent % (long)n];
            zmq_send(p_in, b->data, b->size, ZMQ_DONTWAIT);
            sent++;
        }
        zmq_msg_t m;
        if (pi[0].revents & ZMQ_POLLIN) {
            zmq_msg_init(&m);
            zmq_msg_recv(&m, relay_pull, 0);
            zmq_msg_send(&m, w_jobs, 0);
        }
        if (pi[1].revents & ZMQ_POLLIN) {
            zmq_msg_init(&m);
            zmq_msg_recv(&m, w_done, 0);
            zmq_msg_send(&m, relay_push, 0);
        }
        if (pi[2].revents & ZMQ_POLLIN) {
            zmq_msg_init(&m);
            zmq_msg_recv(&m, sink, 0);
            zmq_msg_close(&m);
            got++;
        }
    }
    double secs = (double)(wt_clock_us() - t0) / 1e6;
    printf("items=%ld workers=%d secs=%.3f items_s=%.0f\n", got, workers, secs, (double)got / secs);
    for (int i = 0; i < workers; i++)
        zmq_send(w_jobs, "", 0, 0);
    for (int i = 0; i < workers; i++)
        pthread_join(wt[i], NULL);
    int linger = 0;
    void *socks[] = {p_in, w_jobs, w_done, sink, relay_pull, relay_push};
    for (size_t i = 0; i < 6; i++) {
        zmq_setsockopt(socks[i], ZMQ_LINGER, &linger, sizeof linger);
        zmq_close(socks[i]);
    }
    zmq_ctx_term(s_ctx);
    for (size_t i = 0; i < n; i++)
        wt_buf_free(&msgs[i]);
    free(msgs);
    free(wt);
    return 0;
}
