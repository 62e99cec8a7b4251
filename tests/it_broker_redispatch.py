"""it_broker_redispatch.py: a silent worker's jobs are re-dispatched after
liveness x heartbeat; a FAIL is retried; a job past its deadline is re-sent
and the late DONE dropped; a poison item (the worker dies on it) is
dead-lettered after max_attempts while the rest flows; every other item is
published exactly once, result seqs contiguous."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Control, Producer, Subscriber, Worker, check, result_for, run, zmq  # noqa

N = 20
POISON, FLAKY, SLOW = "item-10", "item-5", "slow"


def test(make):
    # silence is noticed after 2 s and a job times out after 4 s: long
    # enough that a loaded machine never makes a healthy fake worker look dead
    b = make({"heartbeat": "100ms", "liveness": 20, "job_timeout": "4s",
              "max_attempts": 3}).start()
    ctx = zmq.Context()
    prod = Producer(ctx, b)
    sub = Subscriber(ctx, b)
    ctl = Control(ctx, b)
    ctl.wait_subscriptions(1)  # no result may go out before
    for i in range(N):
        h = prod.put({"id": "item-%d" % i, "text": "Item %d text." % i})
        check(h["cmd"] == "ACK" and h["seq"] == i + 1, "ACK %r" % h)

    # phase 1: a worker takes 4 jobs and goes silent (no heartbeats, no answers)
    a = Worker(ctx, b, name="silent", credit=4)
    a.serve(20.0, lambda job, att, it: "silent", until=lambda: len(a.got) >= 4)
    check([g[0] for g in a.got] == [1, 2, 3, 4], "silent worker got %r" % a.got)

    # phase 2: healthy workers; the poison kills whoever takes it
    slow_keeper = []

    def handle(w):
        def h(job, att, it):
            if it["id"] == POISON:
                return "crash"
            if it["id"] == FLAKY and att == 1:
                return "fail"
            if it["id"] == SLOW and att == 1:
                slow_keeper.append((w, job, it))
                return "keep"
            return "done"
        return h

    pool = []
    made = 0

    def spawn():
        nonlocal made
        made += 1
        w = Worker(ctx, b, name="w%d" % made, credit=2)
        pool.append(w)

    spawn()
    spawn()
    results = {}
    dead = []
    deadline = time.time() + 90
    while time.time() < deadline:
        for w in list(pool):
            w.serve(0.03, handle(w))
            if w.crashed:
                pool.remove(w)
                spawn()
        for hdr, res in sub.drain(0.0):
            check(hdr["seq"] not in results, "rseq %d published twice" % hdr["seq"])
            results[hdr["seq"]] = res["id"]
        if len(results) >= N - 1:
            dead, _ = ctl.dead()
            if dead:
                break
    check(len(results) == N - 1, "published %d of %d: %r" % (len(results), N - 1, results))
    check(sorted(results) == list(range(1, N)), "rseqs not contiguous: %r" % sorted(results))
    ids = sorted(results.values())
    check(len(set(ids)) == N - 1 and POISON not in ids, "ids %r" % ids)

    check(len(dead) == 1, "dead letters %r" % dead)
    dh, ditem = dead[0]
    check(dh["id"] == POISON and dh["seq"] == 11 and dh["attempts"] == 3, "dead %r" % dh)
    check(dh["code"] == "ETIMEDOUT" and "lost" in dh["reason"], "dead reason %r" % dh)
    check(ditem and ditem["id"] == POISON and ditem["text"] == "Item 10 text.", "payload %r" % ditem)

    # phase 3: a job past its deadline (the worker heartbeats but never answers)
    # is re-sent; the first worker's late DONE is then dropped
    h = prod.put({"id": SLOW, "text": "The slow one."})
    check(h["cmd"] == "ACK" and h["seq"] == N + 1, "ACK %r" % h)
    deadline = time.time() + 40
    slow_results = []
    while time.time() < deadline and not slow_results:
        for w in pool:
            w.serve(0.03, handle(w))
        slow_results += sub.drain(0.0)
    check(len(slow_results) == 1 and slow_results[0][0]["seq"] == N, "slow %r" % slow_results)
    check(slow_keeper, "slow item never kept")
    keeper, job, it = slow_keeper[0]
    check(not keeper.crashed, "keeper crashed")
    keeper.send("DONE", result_for(it, job), job=job)
    deadline = time.time() + 30
    while ctl.stats()["counters"]["late_done"] < 1:  # the broker has seen it
        check(time.time() < deadline, "the late DONE was never counted")
        for w in pool:
            w.serve(0.02, handle(w))
    check(not sub.drain(0.5), "late DONE was published")

    st = ctl.stats()
    c = st["counters"]
    check(c["workers_expired"] >= 4, "expired %r" % c)  # silent + 3 poison victims
    check(c["timeouts"] == 1 and c["late_done"] == 1, "counters %r" % c)
    check(c["failed"] == 1 and c["dead"] == 1, "counters %r" % c)
    check(c["redispatched"] >= 4 + 1 + 2 + 1, "redispatched %r" % c)
    check(st["dead_letters"] == 1 and st["unfinished"] == 0, "stats %r" % st)
    names = [w["name"] for w in st["workers"]]
    check("silent" not in names, "silent worker still listed %r" % names)
    for w in pool:
        w.close()
    for s in (prod, ctl, a, sub):
        s.close()
    ctx.term()
    check(b.stop() == 0, "clean stop")


run(test)
