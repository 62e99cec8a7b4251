"""it_broker_poison_neighbours.py: a poison item does not take its neighbours
with it (issue 14.5).

Fake workers with credit 4 "crash" (close their socket, like a process that
exits) as soon as they receive an item whose text has the marker. Each crash
leaves several jobs on the dead worker; a supervisor loop starts a fresh
worker each time. With max_attempts 2, the broker must dead-letter exactly
the 2 poison items (each after 2 crashes while it ran alone) and publish the
10 others: zero innocent dead letters, and the dead letters' reasons say
the worker was lost while running that item alone.
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Control, Producer, Worker, check, item, run, zmq  # noqa

MARK = "POISON-4c1e"
N = 12
POISON = {3, 8}


def test(make):
    b = make({"max_attempts": 2, "heartbeat": "100ms", "liveness": 4, "job_timeout": "20s"}).start()
    ctx = zmq.Context()
    prod = Producer(ctx, b)
    for i in range(1, N + 1):
        text = ("Item %d carries %s inside." % (i, MARK)) if i in POISON else None
        h = prod.put(item(i, text))
        check(h["cmd"] == "ACK", "PUT %d: %r" % (i, h))
    ctl = Control(ctx, b)

    def finished():
        st = ctl.stats()
        return st["last_rseq"] + st["dead_letters"] >= N

    crashes = 0
    end = time.time() + 45
    k = 0
    while time.time() < end and not finished():
        k += 1
        w = Worker(ctx, b, name="w%d" % k, credit=4)
        w.serve(15, lambda job, att, it: "crash" if MARK in it["text"] else "done",
                until=finished)
        crashes += w.crashed
        w.close()
    check(finished(), "not finished: %r" % ctl.stats())
    dead, _ = ctl.dead()
    dead_ids = sorted(h["id"] for h, _ in dead)
    check(dead_ids == sorted("item-%d" % i for i in POISON),
          "dead letters %r (want only the poison items; %d crashes)" % (dead_ids, crashes))
    for h, _ in dead:
        check(h["attempts"] == 2, "dead %s attempts %r" % (h["id"], h["attempts"]))
        check("alone" in h.get("reason", ""), "reason does not say what happened: %r"
              % h.get("reason"))
    got, _ = ctl.replay_all(1)
    ids = sorted(r["id"] for _, r in got.values())
    want = sorted("item-%d" % i for i in range(1, N + 1) if i not in POISON)
    check(ids == want, "results %r" % ids)
    prod.close()
    ctl.close()
    ctx.destroy(0)
    print("%d crashes: 2 poison items dead-lettered, 0 innocent, %d results once"
          % (crashes, len(ids)))


run(test)
