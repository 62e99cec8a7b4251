"""it_broker_replay.py: the Clone pattern. A subscriber that joins late gets
every result by REPLAY; a slow subscriber whose queue overflowed the
high-water mark (PUB drops) sees gaps in seq and fills them by REPLAY;
REPLAY honours count and reports next/last/first.

The drops are certain, not hoped for: the slow subscriber's receive buffer
is fixed (ZMQ_RCVBUF) and N is chosen so that the results outweigh twice
everything that can hold them (its buffer, the broker's send buffer at the
kernel's tcp_wmem maximum, both high-water marks)."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Control, Producer, Subscriber, Worker, check, put_all, run, zmq  # noqa

TEXT = "Word " * 3000  # about 15 KB per result: the slow subscriber must overflow
HWM = 10
RCVBUF = 65536


def wmem_max():
    """The most the kernel lets a TCP send buffer grow to (tcp_wmem's maximum)."""
    try:
        with open("/proc/sys/net/ipv4/tcp_wmem") as f:
            return int(f.read().split()[2])
    except (OSError, IndexError, ValueError):
        return 16 * 1024 * 1024  # unknown: assume a generous one


# what can hold results for a subscriber that reads nothing: the broker's
# send buffer, the subscriber's receive buffer (the kernel doubles RCVBUF),
# both ZeroMQ queues and their batches; N results are twice that
HOLD = wmem_max() + 2 * RCVBUF + (2 * HWM + 8) * len(TEXT) + 256 * 1024
N = max(400, 2 * HOLD // len(TEXT) + 1)


def test(make):
    b = make({"pub_hwm": HWM}).start()
    ctx = zmq.Context()
    ctl = Control(ctx, b)
    slow = Subscriber(ctx, b, hwm=HWM)
    slow.s.setsockopt(zmq.RCVBUF, RCVBUF)
    ctl.wait_subscriptions(1)  # the subscription reached the broker (slow joiner)
    prod = Producer(ctx, b)
    w = Worker(ctx, b, name="w", credit=8)
    put_all(prod, ({"id": "r-%d" % i, "text": "%d %s" % (i, TEXT)} for i in range(N)), w)
    deadline = time.time() + 60
    while time.time() < deadline:
        w.serve(0.05, lambda job, att, it: "done")
        if ctl.stats()["last_rseq"] == N:
            break
    st = ctl.stats()
    check(st["last_rseq"] == N and st["unfinished"] == 0, "not all done: %r" % st)

    # the slow subscriber now reads what survived, then fills the gaps
    live = {}
    while True:
        r = slow.recv(0.5)
        if r is None:
            break
        live[r[0]["seq"]] = r[1]["id"]
    gaps = [s for s in range(1, N + 1) if s not in live]
    print("slow subscriber: %d of %d results live, %d missing (dropped at the high-water mark)"
          % (len(live), N, len(gaps)))
    check(gaps, "no drop happened: the test does not exercise the HWM")
    filled = dict(live)
    frm = gaps[0]
    while True:
        got, end = ctl.replay_all(frm)
        for s, (hdr, res) in got.items():
            if s in filled:
                check(filled[s] == res["id"], "seq %d: live %s, replay %s" % (s, filled[s], res["id"]))
            filled[s] = res["id"]
        if end["next"] > end["last"]:
            break
        frm = end["next"]
    check(sorted(filled) == list(range(1, N + 1)), "slow subscriber did not catch up")
    check(len(set(filled.values())) == N, "ids not unique")

    # a late subscriber: subscribe first, then replay from 1, dedup by seq
    late = Subscriber(ctx, b)
    ctl.wait_subscriptions(2)
    got, end = ctl.replay_all(1)
    check(sorted(got) == list(range(1, N + 1)), "late subscriber replay incomplete")
    check(end["last"] == N and end["first"] == 1 and end["next"] == N + 1, "end %r" % end)
    check(all(h["cmd"] == "RESULT" and "job" in h for h, _ in got.values()), "RESULT headers")
    # new results after the replay arrive live
    h = prod.put({"id": "after", "text": "After the replay."})
    w.serve(20.0, lambda job, att, it: "done", until=lambda: len(w.got) >= N + 1)
    r = late.recv(10)
    check(r is not None and r[0]["seq"] == N + 1 and r[1]["id"] == "after", "live after %r" % (r,))

    # count and paging
    ctl.send("REPLAY", **{"from": 10, "count": 25, "corr": 3})
    seqs = []
    while True:
        hdr, _ = ctl.recv(5)
        check(hdr.get("corr") == 3, "corr not echoed %r" % hdr)
        if hdr["cmd"] == "REPLAY_END":
            break
        seqs.append(hdr["seq"])
    check(seqs == list(range(10, 35)) and hdr["next"] == 35, "paging %r %r" % (seqs, hdr))
    # beyond the end: nothing, next stays
    ctl.send("REPLAY", **{"from": 10 ** 6})
    hdr, _ = ctl.recv(5)
    check(hdr["cmd"] == "REPLAY_END" and hdr["next"] == 10 ** 6 and hdr["last"] == N + 1, "%r" % hdr)
    st = ctl.stats()
    check(st["counters"]["replayed"] >= N + 25, "replayed %r" % st["counters"])
    for s in (prod, w, ctl, slow, late):
        s.close()
    ctx.term()
    check(b.stop() == 0, "clean stop")


run(test)
