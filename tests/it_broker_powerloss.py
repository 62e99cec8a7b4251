"""it_broker_powerloss.py: power loss and fsync failure, simulated with the
LD_PRELOAD shim tests/shim/powerloss.c (issue 14, "Done when").

Power loss: under fsync=always the shim copies data.mdb after every
successful fsync, so the copy is what the disk holds if power fails at any
moment until the next fsync. The broker takes 200 items from a producer
while a worker annotates and a subscriber listens; after 120 ACKs it is
killed (SIGKILL) and data.mdb is replaced by the last copy. After a restart
(without the shim) every ACKed item is in the journal and gets exactly one
result, and every result published before the loss replays with the same
seq and item.

fsync failure: the shim makes fsyncs after the 40th fail with EIO. The
broker must not acknowledge the batch whose fsync failed, and stops (exit
1, a log line naming EIO) rather than go on acknowledging after a failed
fsync (before: it NAKed that batch and carried on). After a restart on a
sound disk every ACKed item is there.
"""
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as H
from harness import Control, Subscriber, Worker, check, header, item, pack, run, unpack, zmq  # noqa


def start(b, env_extra):
    """Start b, with the power-loss shim preloaded when env_extra sets it up."""
    b.start(env=H.preload_env("powerloss", env_extra) if env_extra else None)


def put(s, corr, it, timeout=5.0):
    s.send_multipart([header("PUT", corr=corr), pack(it)])
    if not s.poll(int(timeout * 1000)):
        return None
    return unpack(s.recv_multipart()[0])


def finish_all(ctx, b):
    """Run a worker until nothing is unfinished; {rseq: id} of every result."""
    ctl = Control(ctx, b)
    w = Worker(ctx, b, credit=8)
    w.serve(30, lambda job, att, it: "done", until=lambda: ctl.stats()["unfinished"] == 0)
    w.close()
    got, _ = ctl.replay_all(1)
    ctl.close()
    return {rseq: res["id"] for rseq, (h, res) in got.items()}


def test(make):
    ctx = zmq.Context()
    # ---- power loss
    b = make({"fsync": "always"})
    snap = os.path.join(b.tmp, "durable.mdb")
    start(b, {"WT_POWERLOSS_SNAPSHOT": snap})
    sub = Subscriber(ctx, b)
    w = Worker(ctx, b, credit=4)
    p = ctx.socket(zmq.DEALER)
    p.setsockopt(zmq.LINGER, 0)
    p.connect(b.ep["producers"])
    acked, published = [], {}
    for i in range(1, 201):
        h = put(p, i, item(i))
        check(h and h["cmd"] == "ACK", "PUT %d: %r" % (i, h))
        acked.append(h["id"])
        w.serve(0.003, lambda job, att, it: "done")
        for hdr, res in sub.drain(0.0):
            published[hdr["seq"]] = res["id"]
        if len(acked) == 120:
            break
    b.kill9()
    check(os.path.exists(snap), "the shim made no copy (not preloaded?)")
    shutil.copyfile(snap, os.path.join(b.journal, "data.mdb"))
    w.close()
    p.close()
    sub.close()
    start(b, {})
    results = finish_all(ctx, b)
    ids = sorted(results.values())
    check(len(ids) == len(set(ids)), "an item has two results")
    missing = set(acked) - set(ids)
    check(not missing, "ACKed items lost by the power loss: %r" % sorted(missing)[:10])
    for rseq, rid in published.items():
        check(results.get(rseq) == rid, "published rseq %d was %s, replays as %r"
              % (rseq, rid, results.get(rseq)))
    b.stop()
    print("power loss after %d ACKs (%d results published): none lost, none renumbered"
          % (len(acked), len(published)))

    # ---- fsync failure
    b2 = make({"fsync": "always"})
    start(b2, {"WT_FSYNC_FAIL_AFTER": "40"})
    p = ctx.socket(zmq.DEALER)
    p.setsockopt(zmq.LINGER, 0)
    p.connect(b2.ep["producers"])
    acked, refused = [], None
    for i in range(1, 200):
        h = put(p, i, item(i), timeout=3.0)
        if h is None or h["cmd"] != "ACK":
            refused = (i, h)
            break
        acked.append(h["id"])
    check(refused is not None, "every PUT was ACKed although fsync failed")
    check(refused[1] is None or refused[1]["cmd"] == "NAK", "after the failure: %r" % (refused,))
    b2.proc.wait(10)
    check(b2.proc.returncode == 1, "broker exit %s after a failed fsync (want 1)"
          % b2.proc.returncode)
    check("EIO" in b2.tail(10), "the log does not say EIO:\n%s" % b2.tail(10))
    p.close()
    start(b2, {})
    results = finish_all(ctx, b2)
    missing = set(acked) - set(results.values())
    check(not missing, "ACKed items lost: %r" % sorted(missing)[:10])
    b2.stop()
    ctx.destroy(0)
    print("fsync failure after %d ACKs: batch NAKed, broker stopped (exit 1), none lost"
          % len(acked))


run(test)
