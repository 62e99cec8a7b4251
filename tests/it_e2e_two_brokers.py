"""it_e2e_two_brokers.py: one wiretag-worker serves two brokers at once.

The worker gets --broker twice; each broker is fed 100 items of its own and
must publish all of them exactly once, both listing the same worker. Then
one broker is killed: the worker keeps serving the other (a third batch
still flows) and logs that it is reconnecting to the dead one.
"""
import os

import harness as H


def test(tmp, procs, new_broker):
    b1 = new_broker().start()
    b2 = new_broker().start()
    args = [H.binary("wiretag-worker"), "--broker", b1.ep["workers"], "--broker", b2.ep["workers"],
            "--threads", "2", "--name", "both", "-c", H.worker_config(tmp)]
    procs.start(args, "both")
    for b in (b1, b2):
        H.wait_for(lambda: [w["name"] for w in H.stats(b)["workers"]] == ["both"], 15, "READY on both")
    batches = []
    for k, b in enumerate((b1, b2)):
        items = os.path.join(tmp, "b%d.jsonl" % k)
        batches.append(H.write_items(items, 100, prefix="b%d" % k))
        f = H.feed(procs, b, [items], name="feed%d" % k)
        H.check(f.returncode == 0, "feed%d exit %s" % (k, f.returncode))
    for b, ids in zip((b1, b2), batches):
        H.wait_for(lambda: H.stats(b)["last_rseq"] >= 100, 30, "100 results")
        H.check_exactly_once(H.replay_all(b), ids)
    b1.kill9()
    items = os.path.join(tmp, "b2-more.jsonl")
    more = H.write_items(items, 50, prefix="more")
    f = H.feed(procs, b2, [items], name="feed-more")
    H.check(f.returncode == 0, "feed-more exit %s" % f.returncode)
    H.wait_for(lambda: H.stats(b2)["last_rseq"] >= 150, 30, "150 results on the live broker")
    H.check_exactly_once(H.replay_all(b2), batches[1] + more)
    H.wait_for(lambda: "reconnecting" in procs.log("both", 50), 10, "a reconnect to the dead broker")
    print("one worker, two brokers: 100 + 100 items, then 50 more with one broker gone")


H.run_e2e(test)
