"""it_e2e_feed_outage.py: `wiretag feed` after a broker outage, and with no
worker running (issue 14.7).

Back-off cap: a broker that takes PUTs and never answers (a hung broker:
a ROUTER that swallows them) holds the producers port for 16 s, then the
real broker comes back on that port. feed (default --timeout 5 s) must get
its items through within 8 s of the broker's return (before: its resends
had backed off to 40 s, so it sat idle for ~20 s more).

Limit message: with max_inflight_per_producer 5 and no worker, feed says
on its terminal why the broker takes no more (the limit and "is a worker
running?"), and finishes once a worker runs.
"""
import os
import time

import harness as H


def test(tmp, procs, new_broker):
    b = new_broker({"max_inflight_per_producer": 5}).start()
    items = os.path.join(tmp, "items.jsonl")
    ids = H.write_items(items, 12, prefix="o")
    f = H.feed(procs, b, [items], name="feed-limit", wait=False)
    H.wait_for(lambda: "is a worker running" in procs.log("feed-limit", 20), 20,
               "feed's message about the limit")
    log = procs.log("feed-limit", 20)
    H.check("max_inflight_per_producer" in log, "the message does not name the setting:\n" + log)
    H.start_worker(procs, b, "w1", config=H.worker_config(tmp))
    f.wait(60)
    H.check(f.returncode == 0, "feed exit %s" % f.returncode)
    H.check_exactly_once(H.replay_all(b), ids)

    # a hung broker on the port, then the real one
    b.stop()
    ep = b.ep["producers"]
    ctx = H.zmq.Context()
    hole = ctx.socket(H.zmq.ROUTER)
    hole.setsockopt(H.zmq.LINGER, 0)
    hole.bind(ep)
    items2 = os.path.join(tmp, "items2.jsonl")
    ids2 = H.write_items(items2, 3, prefix="late")
    f = H.feed(procs, b, [items2], name="feed-outage", wait=False)
    swallowed = 0
    end = time.time() + 16
    while time.time() < end:
        if hole.poll(100):
            hole.recv_multipart()
            swallowed += 1
    hole.close(0)
    ctx.term()
    H.check(swallowed >= 3, "the hung broker got %d PUTs" % swallowed)
    b.start(same_ports=True)
    back = time.time()
    try:
        f.wait(30)
    except Exception:
        H.fail("feed still waiting 30 s after the broker came back")
    took = time.time() - back
    H.check(f.returncode == 0, "feed exit %s" % f.returncode)
    H.check(took < 8, "feed took %.1f s after the broker came back (back-off not capped)" % took)
    print("limit message shown; after a 16 s outage feed finished %.1f s after the broker "
          "returned (%d PUTs swallowed)" % (took, swallowed))


H.run_e2e(test, seconds=150)
