"""it_broker_restart.py: kill -9 of the broker mid-stream and a restart on its
journal (same endpoints): the producer retries un-ACKed items with the same
id, workers re-READY, and in the end every ACKed item has exactly one result,
result seqs are contiguous and none was published twice with different
content. Runs under fsync=always (an ACK means on disk)."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Control, Subscriber, Worker, check, header, pack, run, zmq  # noqa

N = 150
KILL_AT = 70


class RetryingProducer:
    """Like `wiretag feed`: resend the same item until it is ACKed."""

    def __init__(self, ctx, ep):
        self.s = ctx.socket(zmq.DEALER)
        self.s.setsockopt(zmq.LINGER, 0)
        self.s.connect(ep)
        self.corr = 0
        self.retries = 0

    def put(self, it, pump):
        for _ in range(60):
            self.corr += 1
            self.s.send_multipart([header("PUT", corr=self.corr), pack(it)])
            end = time.time() + 1.0
            while time.time() < end:
                pump()
                if self.s.poll(5):
                    h = __import__("msgpack").unpackb(self.s.recv_multipart()[0], raw=False)
                    if h.get("corr") != self.corr:
                        continue  # a late reply to an earlier try
                    check(h["cmd"] == "ACK", "PUT %s: %r" % (it["id"], h))
                    return h
            self.retries += 1
        check(False, "PUT %s never ACKed" % it["id"])


def test(make):
    b = make({"heartbeat": "100ms", "liveness": 10, "job_timeout": "3s",
              "fsync": "always"}).start()
    ctx = zmq.Context()
    sub = Subscriber(ctx, b)
    workers = [Worker(ctx, b, name="w%d" % i, credit=3) for i in range(2)]
    prod = RetryingProducer(ctx, b.ep["producers"])
    live = {}

    paused = [False]

    def pump():
        for w in workers:
            if not paused[0]:
                w.serve(0.002, lambda job, att, it: "done")
        for hdr, res in sub.drain(0.0):
            if hdr["seq"] in live:
                check(live[hdr["seq"]] == res["id"],
                      "rseq %d published for %s and %s" % (hdr["seq"], live[hdr["seq"]], res["id"]))
            live[hdr["seq"]] = res["id"]

    acked = {}
    for i in range(N):
        paused[0] = KILL_AT - 10 <= i < KILL_AT  # let a backlog build up
        if i == KILL_AT:
            # workers take jobs and hold them: the kill finds them in flight
            end = time.time() + 30
            while time.time() < end and sum(len(w.held) for w in workers) < 6:
                for w in workers:
                    w.serve(0.01, lambda job, att, it: "keep")
            held = [(w, j) for w in workers for j in w.held]
            check(len(held) == 6, "held %d" % len(held))
            # a PUT in the air when the broker dies: retried below with the same id
            prod.s.send_multipart([header("PUT", corr=10**6),
                                   pack({"id": "item-%d" % i, "text": "Restart test item %d." % i})])
            b.kill9()
            time.sleep(0.2)
            b.start(same_ports=True)
            # their results reach a broker that does not know them: refused
            # (ERROR, the worker re-READYs) and the jobs are redone
            for w, j in held:
                w.send("DONE", {"id": "x", "text": "t", "actors": [], "issues": [], "quotes": [],
                                "stats": {"bytes": 1, "tokens": 0, "sentences": 0,
                                          "elapsed_us": 0},
                                "annotator": {"version": "f", "dictionaries": "n"}}, job=j)
                w.held = []
        it = {"id": "item-%d" % i, "text": "Restart test item %d." % i}
        h = prod.put(it, pump)
        acked[it["id"]] = h["seq"]

    ctl = Control(ctx, b)
    deadline = time.time() + 25
    while time.time() < deadline:
        pump()
        st = ctl.stats()
        if st["unfinished"] == 0:
            break
    check(st["unfinished"] == 0, "unfinished after restart: %r" % st)
    got, end = ctl.replay_all(1)
    rseqs = sorted(got)
    check(rseqs == list(range(1, len(rseqs) + 1)), "rseqs not contiguous: %r" % rseqs[:20])
    ids = [got[r][1]["id"] for r in rseqs]
    check(len(ids) == len(set(ids)), "an item has two results: %r" %
          sorted(x for x in ids if ids.count(x) > 1)[:10])
    missing = sorted(set(acked) - set(ids))
    check(not missing, "ACKed but never published: %r" % missing)
    check(len(ids) == N, "results %d, items %d" % (len(ids), N))
    for r in rseqs:  # the replayed header matches what was published live
        if r in live:
            check(live[r] == got[r][1]["id"], "rseq %d differs live/replay" % r)
    check(end["last"] == N and end["first"] == 1, "REPLAY_END %r" % end)
    st = ctl.stats()
    check(st["items_accepted"] == N, "items_accepted %r (dedup across restart)" % st)
    check(st["journal"]["recovered"] >= 6, "in-flight jobs recovered: %r" % st["journal"])
    print("restart: %d items, %d producer retries, %d live results, journal recovered %d"
          % (N, prod.retries, len(live), st["journal"]["recovered"]))
    for w in workers:
        w.close()
    prod.s.close(0)
    sub.close()
    ctl.close()
    ctx.term()
    check(b.stop() == 0, "clean stop")


run(test)
