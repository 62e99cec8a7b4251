"""it_broker_full.py: a journal that fills up. PUTs that would leave too little
room for the results of what is unfinished (a result is reckoned at 3x its
item) get NAK EFULL (retryable) instead of an error or a crash; the items already
accepted still get their results, numbered 1..n without reuse, even when
the worker answers them all at once; the broker keeps serving."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Control, Producer, Worker, check, result_for, run, zmq  # noqa

TEXT = "%d " + "x" * 20000


def test(make):
    b = make({"journal_map": "1MiB", "retention_bytes": "1MiB"}).start()
    ctx = zmq.Context()
    prod = Producer(ctx, b)
    ctl = Control(ctx, b)
    codes = {}
    acked = []
    for i in range(120):
        h = prod.put({"id": "f%d" % i, "text": TEXT % i})
        code = h.get("code", h["cmd"])
        codes[code] = codes.get(code, 0) + 1
        if h["cmd"] == "ACK":
            acked.append(h["id"])
    check(set(codes) == {"ACK", "EFULL"} and codes["ACK"] >= 5, "replies %r" % codes)
    check(b.alive(), "broker died")
    st = ctl.stats()
    check(st["errors"].get("EFULL") == codes["EFULL"], "EFULL counted %r" % st["errors"])
    # the worker takes every job, then answers all at once: the broker reads
    # the DONEs in batches, results of one turn share a transaction, and the
    # map fills up under them (retention must make room, the broker must not stop)
    w = Worker(ctx, b, name="w", credit=len(acked))
    w.serve(60, lambda job, att, it: "keep", until=lambda: len(w.held) == len(acked))
    check(len(w.held) == len(acked), "the worker got %d of %d jobs" % (len(w.held), len(acked)))
    for job, att, iid in w.got:
        i = int(iid[1:])
        w.send("DONE", result_for({"id": iid, "text": TEXT % i}, job), job=job)
    w.held = []
    w.serve(90, lambda job, att, it: "done", until=lambda: not b.alive() or ctl.stats()["unfinished"] == 0)
    check(b.alive(), "the broker stopped while results filled the journal:\n" + b.tail(5))
    got, end = ctl.replay_all(1)
    check(sorted(got) == list(range(1, len(acked) + 1)), "rseqs %r" % sorted(got))
    ids = sorted(r["id"] for _, r in got.values())
    check(ids == sorted(acked), "results for exactly the ACKed items")
    check(b.alive(), "broker died")
    for s in (prod, ctl, w):
        s.close()
    ctx.term()
    check(b.stop() == 0, "clean stop")


run(test)
