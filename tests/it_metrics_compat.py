"""it_metrics_compat.py: DONE's optional annotate_us is optional indeed.

A worker written before the field (the fake worker of tests/harness/wire.py
sends DONE {job} only) finishes N items: the broker accepts every result,
the end-to-end latency histogram counts N, the annotate histogram counts
none (nothing was reported), and a DONE carrying annotate_us = 2500 us
lands in the 0.0025 s bucket.
"""
import harness as H
import harness.metrics as M

N = 5


def test(factory):
    b = factory({"metrics": "127.0.0.1:0"}).start()
    ctx = H.zmq.Context.instance()
    prod = H.Producer(ctx, b)
    w = H.Worker(ctx, b, name="old-worker", credit=1)
    for i in range(N):
        h = prod.put(H.item(i))
        H.check(h["cmd"] == "ACK", "PUT %d: %r" % (i, h))
    done = []
    w.serve(30, lambda job, att, it: done.append(job) or "done", until=lambda: len(done) == N)
    url = "http://%s/metrics" % b.ep["metrics"]

    def value(name, **labels):
        return M.value(M.parse(M.get(url)[2]), name, **labels)
    H.poll_until(lambda: value("wiretag_broker_items_done_total") == N, 30)
    H.check(value("wiretag_broker_items_done_total") == N, "done %s" % value("wiretag_broker_items_done_total"))
    H.check(value("wiretag_broker_item_latency_seconds_count") == N, "latency count")
    H.check(value("wiretag_broker_annotate_seconds_count") == 0, "annotate counted without annotate_us")

    # a newer worker's DONE with annotate_us
    h = prod.put(H.item(N))
    H.check(h["cmd"] == "ACK", "PUT: %r" % h)
    got = []

    def newer(job, att, it):
        w.send("DONE", H.result_for(it, job), job=job, annotate_us=2500)
        got.append(job)
        return "keep"
    w.serve(30, newer, until=lambda: got)
    H.poll_until(lambda: value("wiretag_broker_annotate_seconds_count") == 1, 30)
    H.check(value("wiretag_broker_annotate_seconds_count") == 1, "annotate count")
    H.check(value("wiretag_broker_annotate_seconds_bucket", le="0.001") == 0, "bucket 0.001")
    H.check(value("wiretag_broker_annotate_seconds_bucket", le="0.0025") == 1, "bucket 0.0025")
    H.check(abs(value("wiretag_broker_annotate_seconds_sum") - 0.0025) < 1e-9, "sum")
    print("older and newer workers both accepted; annotate_us counted only when sent")


H.run(test)
