"""it_broker_retention.py: retention by size drops the oldest results (never an
unfinished item), REPLAY then starts at the oldest retained result and says
so in REPLAY_END.first; fsync=interval is reported; the journal survives a
restart with the retained range intact."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Control, Producer, Worker, check, put_all, run, zmq  # noqa

N = 400
TEXT = "Retention " * 2000  # ~20 KB per item and per result


def test(make):
    # job_timeout: the unfinished item is held by the fake worker all along
    b = make({"retention_bytes": "2MiB", "fsync": "interval", "fsync_interval": "50ms",
              "job_timeout": "120s"}).start()
    ctx = zmq.Context()
    prod = Producer(ctx, b)
    ctl = Control(ctx, b)
    w = Worker(ctx, b, name="w", credit=4)
    put_all(prod, ({"id": "k-%d" % i, "text": "%d %s" % (i, TEXT)} for i in range(N)), w)
    # one item stays unfinished: it must survive retention
    h = prod.put({"id": "pending", "text": "Still waiting. " + TEXT})
    pending_seq = h["seq"]
    # every result is in and retention has caught up with them (it runs
    # between batches, so poll the journal's own figures)
    deadline = time.time() + 90
    while time.time() < deadline:
        w.serve(0.05, lambda job, att, it: "done" if it["id"] != "pending" else "keep")
        st = ctl.stats()
        if (st["last_rseq"] == N and st["journal"]["retained"] > 0 and
                st["journal"]["live_bytes"] <= 3 * 1024 * 1024):
            break
    st = ctl.stats()
    j = st["journal"]
    check(st["last_rseq"] == N, "results %r" % st)
    check(j["fsync"] == "interval" and j["syncs"] > 0, "journal %r" % j)
    check(j["retained"] > 0 and st["first_rseq"] > 1, "nothing dropped: %r" % st)
    check(j["live_bytes"] <= 3 * 1024 * 1024, "live bytes %r" % j)
    check(st["unfinished"] == 1, "the unfinished item was dropped: %r" % st)

    got, end = ctl.replay_all(1)
    first = end["first"]
    check(first == st["first_rseq"] and first > 1, "REPLAY_END.first %r" % end)
    check(sorted(got) == list(range(first, N + 1)), "replay from the oldest retained")
    w.close()

    # restart: the retained range and the unfinished item are still there
    b.stop()
    b.start()
    ctx2 = zmq.Context()
    ctl2 = Control(ctx2, b)
    st2 = ctl2.stats()
    check(st2["first_rseq"] >= first and st2["last_rseq"] == N, "after restart %r" % st2)
    check(st2["unfinished"] == 1, "unfinished after restart %r" % st2)
    w2 = Worker(ctx2, b, name="w2", credit=1)
    w2.serve(30.0, lambda job, att, it: "done", until=lambda: w2.got)
    check(w2.got and w2.got[0][0] == pending_seq and w2.got[0][2] == "pending", "%r" % w2.got)
    for s in (prod, ctl):
        s.close()
    ctx.term()
    w2.close()
    ctl2.close()
    ctx2.term()
    check(b.stop() == 0, "clean stop")


run(test)
