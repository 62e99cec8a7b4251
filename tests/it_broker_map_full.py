"""it_broker_map_full.py: a full journal map never stops the broker (issue 14.3).

journal_map is 4 MiB. With no worker, a producer PUTs 2 KB items until the
broker refuses with EFULL; the refusal must come early enough that the
results of everything accepted still fit (a result here is ~3x its item).
Then a fake worker answers every job: the broker must stay up and journal
and publish every result (before: it exited with "result ENOSPC"). New
PUTs keep getting EFULL (stats: journal.full == "map", refusals counted and
logged at most once a second). A restart on the full journal works and
replays everything; with retention_age 1s, retention then frees the space
and PUTs are accepted again.
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (Control, Producer, Subscriber, Worker, check, pack, result_for,  # noqa
                      run, zmq)

TEXT = "The minister spoke about the harvest and the weather in the north. " * 30


def big_result(it, job):
    r = result_for(it, job)
    r["text"] = it["text"] * 3  # results are about three times their item
    r["stats"]["bytes"] = len(r["text"].encode())
    return r


def fill(prod, start, limit):
    """PUT until EFULL; returns (accepted ids, the refusal header)."""
    ok = []
    for i in range(start, start + limit):
        h = prod.put({"id": "m-%d" % i, "text": TEXT})
        if h["cmd"] == "NAK":
            return ok, h
        check(h["cmd"] == "ACK", "PUT: %r" % h)
        ok.append(h["seq"])
    return ok, None


def serve_all(ctx, b, ctl, want):
    w = Worker(ctx, b, credit=8)

    def handle(job, att, it):
        w.send("DONE", big_result(it, job), job=job)
        return "answered"
    w.serve(40, handle, until=lambda: not b.alive() or ctl.stats()["last_rseq"] >= want)
    w.close()


def test(make):
    t0 = time.time()
    b = make({"journal_map": "4MiB"}).start()
    ctx = zmq.Context()
    prod = Producer(ctx, b)
    ctl = Control(ctx, b)
    sub = Subscriber(ctx, b)
    acc, nak = fill(prod, 1, 5000)
    check(nak is not None, "never refused")
    check(nak.get("code") == "EFULL", "refusal %r" % nak)
    check("journal full" in nak.get("reason", ""), "reason %r" % nak.get("reason"))
    n = len(acc)
    check(n >= 50, "refused too early: %d items" % n)
    st = ctl.stats()
    check(st["journal"]["full"] == "map", "stats journal.full %r" % st["journal"]["full"])
    # more refusals: counted every time, logged at most once a second
    for i in range(30):
        h = prod.put({"id": "again-%d" % i, "text": TEXT})
        check(h["cmd"] == "NAK" and h["code"] == "EFULL", "PUT while full: %r" % h)
    check(ctl.stats()["journal"]["full_refused"] >= 31, "refusals not counted")

    serve_all(ctx, b, ctl, n)
    check(b.alive(), "broker died on results of a full map; log:\n%s" % b.tail())
    # finished items free their payloads: a few more fit; fill and answer
    # until the journal is full of results alone (no retention here)
    total, start = n, 100000
    for _ in range(20):
        more, nak = fill(prod, start, 5000)
        start += 5000
        if not more:
            break
        total += len(more)
        serve_all(ctx, b, ctl, total)
        check(b.alive(), "broker died on results; log:\n%s" % b.tail())
    check(not more and nak and nak["code"] == "EFULL", "never full of results: %r" % nak)
    st = ctl.stats()
    check(st["last_rseq"] == total, "results journaled %d of %d" % (st["last_rseq"], total))
    published = sub.drain(0.5)
    check(len(published) == total, "published %d of %d" % (len(published), total))
    log = open(b.log).read()
    secs = max(1, int(time.time() - t0) + 1)
    check(log.count("journal full (map)") <= secs + 1,
          "full refusals logged more than once a second:\n%s" % b.tail())
    check(b.alive(), "broker died")
    n = total

    # restart on the full journal: starts, replays everything
    b.stop()
    b.start()
    ctl = Control(ctx, b)
    got, _ = ctl.replay_all(1)
    check(len(got) == n, "replay after restart %d of %d" % (len(got), n))

    # retention frees the space: PUTs are accepted again
    b.stop()
    cfg = open(b.config).read().replace("broker:\n", "broker:\n  retention_age: 1s\n", 1)
    with open(b.config, "w") as f:
        f.write(cfg)
    b.start()
    prod.close()
    prod = Producer(ctx, b)
    ctl = Control(ctx, b)
    end = time.time() + 20
    h = None
    while time.time() < end:
        h = prod.put({"id": "later", "text": TEXT})
        if h["cmd"] == "ACK":
            break
        time.sleep(0.2)
    check(h and h["cmd"] == "ACK", "PUT not accepted after retention: %r" % h)
    check(ctl.stats()["journal"]["full"] == "", "still full")
    for c in (prod, ctl):
        c.close()
    sub.close()
    ctx.destroy(0)
    print("map full at %d items: all %d results journaled and published, restart replays, "
          "retention reopens" % (n, n))


run(test)
