"""it_broker_dispatch_fsync.py: credit freed by a DONE is used at once, not
after the fsync of the loop turn that journals the result (issue 17: a
worker no longer sits idle through every fsync; the end-to-end max rate
was bound by credit / (annotation + fsync) per worker).

The shim tests/shim/fsynchold.c holds the journal's fsyncs. A fake worker
with credit 1 holds job 1 while job 2 waits in the queue. With every fsync
held, the worker answers DONE for job 1; once the broker has taken the
DONE (its debug log says so) and sits in the turn's fsync, job 2 must
reach the worker while that fsync is still held, and the result of job 1
must not be published before its fsync returns. Released, both results go
out, in order, each once.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as H
from harness import Control, Producer, Subscriber, Worker, check, poll_until, result_for, run, zmq  # noqa


def read(path):
    try:
        with open(path) as f:
            return f.read().split()
    except OSError:
        return []


def test(make):
    b = make({"fsync": "always", "heartbeat": "1s", "liveness": 60, "job_timeout": "120s"})
    hold, status = os.path.join(b.tmp, "hold"), os.path.join(b.tmp, "status")
    b.start(env=H.preload_env("fsynchold", {"WT_FSYNC_HOLD": hold, "WT_FSYNC_STATUS": status}))
    ctx = zmq.Context()
    prod = Producer(ctx, b)
    sub = Subscriber(ctx, b)
    ctl = Control(ctx, b)
    ctl.wait_subscriptions(1)
    items = [{"id": "item-%d" % i, "text": "Item %d says hello." % i} for i in (1, 2)]
    for i, it in enumerate(items):
        h = prod.put(it)
        check(h["cmd"] == "ACK" and h["seq"] == i + 1, "ACK %r" % h)
    check(read(status)[:1] == ["done"], "the shim saw no fsync (not preloaded?): %r" % read(status))
    w = Worker(ctx, b, credit=1)
    r = w.recv(30)
    while r is not None and r[0]["cmd"] != "JOB":
        r = w.recv(30)
    check(r is not None and r[0]["job"] == 1, "job 1 not dispatched: %r" % (r,))
    job1 = H.unpack(r[1])

    # hold every fsync from now on; the ones the broker does before it has
    # read the DONE (its tick's) are let through one by one
    with open(hold, "w") as f:
        f.write("0")
    w.send("DONE", result_for(job1, 1), job=1)

    def done_taken():
        st = read(status)
        if st[:1] == ["held"]:
            if "job=1 rseq=1" in b.log_text():
                return True
            with open(hold, "w") as f:  # a sync from before the DONE: let it go
                f.write(st[1])
        return False

    check(poll_until(done_taken, 60, step=0.01), "the broker never took the DONE (status %r)"
          % read(status))
    held = read(status)
    r = w.recv(30)
    while r is not None and r[0]["cmd"] != "JOB":
        r = w.recv(30)
    check(r is not None and r[0]["job"] == 2,
          "job 2 did not reach the worker while the result's fsync was held: %r" % (r,))
    check(read(status) == held, "the fsync was released meanwhile: %r then %r" % (held, read(status)))
    check(sub.recv(0.2) is None, "a result was published before its fsync returned")

    os.unlink(hold)  # let every fsync go
    w.send("DONE", result_for(H.unpack(r[1]), 2), job=2)
    got = []
    poll_until(lambda: got.extend(sub.drain(0.05)) or len(got) >= 2, 30)
    check([h["seq"] for h, _ in got] == [1, 2], "results %r" % [h for h, _ in got])
    check([res["id"] for _, res in got] == ["item-1", "item-2"], "ids %r" % [res for _, res in got])
    for s in (w, prod, sub, ctl):
        s.close()
    b.stop()
    ctx.destroy(0)
    print("job 2 dispatched while the fsync of job 1's result was held; results published "
          "after it, in order")


run(test)
