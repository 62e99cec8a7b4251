"""it_e2e_fair.py: three wiretag-worker processes share one stream fairly.

A broker, three single-thread workers with credit 4 each (each item takes
5 ms longer through the WT_TEST_SLOW_MS hook) and `wiretag feed`.

Fairness is checked where it is the broker's choice, not the machine's:
the three workers are frozen (SIGSTOP; liveness is set long enough on both
sides for that) and 6 items are fed. The broker must spread them 2 / 2 / 2
over the free credit (most free credit first), never 4 / 2 / 0. Then the
workers go on and 294 more items follow: every item is published exactly
once. How the whole stream splits depends on each worker's speed (a worker
starved of CPU on a loaded machine rightly gets less): printed, not judged.
"""
import os
import signal

import harness as H

CREDIT = 4


def state(pid):
    with open("/proc/%d/stat" % pid) as f:
        return f.read().rsplit(")", 1)[1].split()[0]


def test(tmp, procs, new_broker):
    # 100 x 100 ms: a frozen worker is not given up for 10 s, by either side
    b = new_broker({"liveness": 100, "job_timeout": "60s"}).start()
    wcfg = H.worker_config(tmp, extra="  credit: %d\n" % CREDIT, liveness=100)
    names = ["w1", "w2", "w3"]
    ws = [H.start_worker(procs, b, n, env={"WT_TEST_SLOW_MS": "5"}, config=wcfg) for n in names]
    H.wait_for(lambda: H.stats(b)["workers_count"] == 3, 15, "3 workers READY")

    for w in ws:
        w.send_signal(signal.SIGSTOP)
    H.wait_for(lambda: all(state(w.pid) == "T" for w in ws), 10, "the workers to stop")
    first = os.path.join(tmp, "first.jsonl")
    ids = H.write_items(first, 6, prefix="fair-first")
    f = H.feed(procs, b, [first], name="feed-first")
    H.check(f.returncode == 0, "feed exit %s:\n%s" % (f.returncode, procs.log("feed-first")))
    H.wait_for(lambda: H.stats(b)["in_flight"] == 6, 30, "6 jobs dispatched to the frozen workers")
    held = {w["name"]: w["in_flight"] for w in H.stats(b)["workers"]}
    print("6 items over 3 frozen workers with credit %d each: %s" % (CREDIT, held))
    H.check(held == {n: 2 for n in names}, "not spread over the free credit: %r" % held)
    for w in ws:
        w.send_signal(signal.SIGCONT)

    items = os.path.join(tmp, "items.jsonl")
    ids += H.write_items(items, 294)
    f = H.feed(procs, b, [items])
    H.check(f.returncode == 0, "feed exit %s:\n%s" % (f.returncode, procs.log("feed")))
    H.wait_for(lambda: H.stats(b)["last_rseq"] >= 300, 40, "300 results")
    H.check_exactly_once(H.replay_all(b), ids)
    st = H.stats(b)
    done = {w["name"]: w["done"] for w in st["workers"]}
    print("per worker:", done)
    H.check(sorted(done) == names, "workers %r" % done)
    H.check(st["counters"]["redispatched"] == 0, "a job was re-dispatched: %r" % st["counters"])


H.run_e2e(test)
