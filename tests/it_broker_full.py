"""it_broker_full.py: a journal that fills up. PUTs past 80% of the LMDB map
get NAK EFULL (retryable) instead of an error or a crash; the items already
accepted still get their results, numbered 1..n without reuse; the broker
keeps serving."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from wtbroker import Control, Producer, Worker, check, run, zmq  # noqa


def test(make):
    b = make({"journal_map": "1MiB", "retention_bytes": "1MiB"}).start()
    ctx = zmq.Context()
    prod = Producer(ctx, b)
    ctl = Control(ctx, b)
    codes = {}
    acked = []
    for i in range(120):
        h = prod.put({"id": "f%d" % i, "text": "%d %s" % (i, "x" * 20000)})
        code = h.get("code", h["cmd"])
        codes[code] = codes.get(code, 0) + 1
        if h["cmd"] == "ACK":
            acked.append(h["id"])
    check(set(codes) == {"ACK", "EFULL"} and codes["ACK"] > 10, "replies %r" % codes)
    check(b.alive(), "broker died")
    st = ctl.stats()
    check(st["errors"].get("EFULL") == codes["EFULL"], "EFULL counted %r" % st["errors"])
    w = Worker(ctx, b, name="w", credit=4)
    w.serve(90, lambda job, att, it: "done", until=lambda: ctl.stats()["unfinished"] == 0)
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
