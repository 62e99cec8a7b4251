/*  bench_noop_worker.c: a worker that does no annotation, for the broker
    benchmark. It speaks the worker protocol (READY with credit, JOB ->
    DONE with an annotated item holding the input and empty arrays, HB) so
    that the broker's own cost is what gets measured.

    wiretag-bench-noop-worker --broker EP [--credit N] */
#include "wiretag/proto.h"
#include "wiretag/signals.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    const char *ep = "tcp://127.0.0.1:5556";
    uint32_t credit = 32;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--broker") && i + 1 < argc)
            ep = argv[++i];
        else if (!strcmp(argv[i], "--credit") && i + 1 < argc)
            credit = (uint32_t)atoi(argv[++i]);
    }
    wt_signals_catch(NULL, 0);
    void *ctx = zmq_ctx_new();
    void *sock = zmq_socket(ctx, ZMQ_DEALER);
    int linger = 0;
    zmq_setsockopt(sock, ZMQ_LINGER, &linger, sizeof linger);
    if (zmq_connect(sock, ep) != 0) {
        fprintf(stderr, "noop-worker: cannot connect %s: %s\n", ep, zmq_strerror(errno));
        return 2;
    }
    wt_proto_t ready = {0};
    wt_proto_init(&ready, WT_CMD_READY);
    ready.credit = credit;
    ready.threads = 1;
    ready.has |= WT_F_CREDIT | WT_F_THREADS;
    wt_proto_set_name(&ready, "bench-noop");
    wt_proto_set_dictionaries(&ready, "none");
    wt_proto_send(sock, &ready, NULL, 0);

    wt_buf_t out;
    wt_buf_init(&out);
    int64_t last_hb = wt_clock_ms();
    uint64_t done = 0;
    while (!wt_signals_stopping()) {
        zmq_pollitem_t pi = {sock, 0, ZMQ_POLLIN, 0};
        zmq_poll(&pi, 1, 250);
        int64_t now = wt_clock_ms();
        if (now - last_hb >= 1000) {
            wt_proto_t hb = {0};
            wt_proto_init(&hb, WT_CMD_HB);
            wt_proto_send(sock, &hb, NULL, 0);
            wt_proto_clear(&hb);
            last_hb = now;
        }
        if (!(pi.revents & ZMQ_POLLIN)) continue;
        wt_proto_in_t in;
        int rc = wt_proto_recv(sock, false, ZMQ_DONTWAIT, &in);
        if (rc == 0 && in.msg.cmd == WT_CMD_JOB) {
            size_t n = 0;
            const uint8_t *p = wt_proto_in_payload(&in, &n);
            wt_result_t res = {0};
            if (p && wt_item_decode(p, n, NULL, &res.item) == 0) {
                res.annotator_version = wt_strdup("noop");
                res.annotator_dictionaries = wt_strdup("none");
                res.stats.bytes = res.item.text_len;
                wt_buf_reset(&out);
                wt_result_encode(&res, &out);
                wt_proto_t d = {0};
                wt_proto_init(&d, WT_CMD_DONE);
                d.job = in.msg.job;
                d.has |= WT_F_JOB;
                wt_proto_send(sock, &d, out.data, out.size);
                wt_proto_clear(&d);
                done++;
            } else {
                wt_proto_t f = {0};
                wt_proto_init(&f, WT_CMD_FAIL);
                f.job = in.msg.job;
                f.has |= WT_F_JOB;
                wt_proto_set_error(&f, WT_ESYNTAX, "undecodable item");
                wt_proto_send(sock, &f, NULL, 0);
                wt_proto_clear(&f);
            }
            wt_result_clear(&res);
        } else if (rc == 0 && in.msg.cmd == WT_CMD_ERROR) {
            wt_proto_send(sock, &ready, NULL, 0);
        }
        wt_proto_in_close(&in);
    }
    wt_proto_clear(&ready);
    wt_buf_free(&out);
    zmq_close(sock);
    zmq_ctx_term(ctx);
    fprintf(stderr, "noop-worker: %llu jobs done\n", (unsigned long long)done);
    return 0;
}
