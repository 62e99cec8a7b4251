"""it_sub_gaps.py: `wiretag sub` fills every kind of hole, against a fake
broker that decides exactly what is lost.

This test plays the broker (an XPUB and a ROUTER of its own, from
docs/PROTOCOL.md), so that each case happens for certain rather than when
a machine's buffers and load allow it:

1. a gap in the live stream (1 2 3, then 7 8): sub must ask REPLAY from 4,
   keep 7 and 8 pending, print 4 5 6 from the replay, then 7 8;
2. a duplicate (5 again, live): dropped;
3. a lost tail (10 and 11 are never published live): after a quiet second
   sub must probe with REPLAY from 10 and print them from the replay;
4. a replay that does not answer: sub asks again.

Output: 1..11 in order, each once; -v reports the gap and the counts.
"""
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as H  # noqa: E402
from harness import TOPIC, check, fail, header, pack, result_for, unpack, zmq  # noqa: E402

TOTAL = 11


def result(seq):
    r = result_for({"id": "g-%d" % seq, "text": "Result number %d of the gap test." % seq}, seq)
    return pack(r)


class FakeBroker:
    def __init__(self):
        self.ctx = zmq.Context()
        self.pub = self.ctx.socket(zmq.XPUB)
        self.pub.setsockopt(zmq.LINGER, 0)
        self.pub.bind("tcp://127.0.0.1:*")
        self.ctl = self.ctx.socket(zmq.ROUTER)
        self.ctl.setsockopt(zmq.LINGER, 0)
        self.ctl.bind("tcp://127.0.0.1:*")
        self.replays = []  # (from, count) of each REPLAY received

    def ep(self, s):
        return s.getsockopt(zmq.LAST_ENDPOINT).decode()

    def publish(self, seq):
        self.pub.send_multipart([TOPIC, header("RESULT", seq=seq, job=seq, id="g-%d" % seq),
                                 result(seq)])

    def wait_subscription(self, timeout=60):
        check(self.pub.poll(int(timeout * 1000)), "sub never subscribed")
        msg = self.pub.recv()
        check(msg == b"\x01" + TOPIC, "unexpected subscription %r" % msg)

    def next_replay(self, timeout=60):
        """The next REPLAY request: (peer identity, header)."""
        while True:
            check(self.ctl.poll(int(timeout * 1000)), "sub sent no REPLAY in %d s" % timeout)
            frames = self.ctl.recv_multipart()
            h = unpack(frames[1])
            if h.get("cmd") != "STATS":
                break
            # sub's first question, to know the broker is there: answer it
            corr = {"corr": h["corr"]} if "corr" in h else {}
            self.ctl.send_multipart([frames[0], header("STATS", stats={}, **corr)])
        check(h.get("cmd") == "REPLAY", "expected REPLAY, got %r" % h)
        self.replays.append((h["from"], h.get("count")))
        return frames[0], h

    def answer(self, peer, h, seqs, last):
        corr = {"corr": h["corr"]} if "corr" in h else {}
        for s in seqs:
            self.ctl.send_multipart([peer, header("RESULT", seq=s, job=s, **corr), result(s)])
        nxt = (seqs[-1] + 1) if seqs else h["from"]
        self.ctl.send_multipart([peer, header("REPLAY_END", next=nxt, last=last, first=1, **corr)])

    def close(self):
        self.pub.close(0)
        self.ctl.close(0)
        self.ctx.term()


def test(tmp, procs, new_broker):
    fb = FakeBroker()
    p = procs.start([H.binary("wiretag"), "sub", "--broker", fb.ep(fb.pub), "--replay", fb.ep(fb.ctl),
                     "--count", str(TOTAL), "--json", "-v"], "sub", stdout=subprocess.PIPE)
    out = H.LineReader(p.stdout)
    lines = out.lines

    def wait_lines(n):
        end = time.time() + 60
        while len(lines) < n:
            check(time.time() < end, "sub printed %d results, waiting for %d" % (len(lines), n))
            time.sleep(0.02)

    try:
        fb.wait_subscription()
        # 1. live 1 2 3, then 7 8: a gap 4..6
        for s in (1, 2, 3, 7, 8):
            fb.publish(s)
        peer, h = fb.next_replay()
        check(h["from"] == 4, "the gap should be replayed from 4, not %r" % h)
        # 4. the first answer is lost: sub asks again (after its 5 s timeout)
        t0 = time.time()
        peer, h = fb.next_replay(60)
        check(h["from"] == 4, "asked again from %r, not 4" % h.get("from"))
        print("REPLAY asked again after %.1f s without an answer" % (time.time() - t0))
        fb.answer(peer, h, [4, 5, 6], last=8)
        wait_lines(8)  # 1..8: the replay filled the gap, the pending followed
        # 2. a duplicate, live
        fb.publish(5)
        # sub goes on from 9 and asks nothing more while it is complete
        fb.publish(9)
        # 3. a lost tail: 10 and 11 never go out live; after a quiet second
        # sub probes from 10 (perhaps after another probe that finds nothing)
        while True:
            peer, h = fb.next_replay(60)
            if h["from"] == 10:
                break
            check(h["from"] == 9, "unexpected REPLAY from %r" % h.get("from"))
            fb.answer(peer, h, [], last=9)
        fb.answer(peer, h, [10, 11], last=11)
        try:
            p.wait(60)
        except subprocess.TimeoutExpired:
            fail("sub did not exit after %d results" % TOTAL)
        out.join(10)
    finally:
        fb.close()
    log = H.read_text(os.path.join(tmp, "sub.log"))
    print(log.strip())
    check(p.returncode == 0, "sub exit %s" % p.returncode)
    import json
    res = [json.loads(x) for x in lines if x.strip()]
    seqs = [r["seq"] for r in res]
    check(seqs == list(range(1, TOTAL + 1)), "sub printed %r, not 1..%d in order" % (seqs, TOTAL))
    check([r["id"] for r in res] == ["g-%d" % s for s in seqs], "ids %r" % [r["id"] for r in res])
    check("gap 4..6" in log, "the gap 4..6 was not reported")
    # both requests from 4 were gap replays (a probe is not logged): the
    # gap itself asked, the silence asked again
    check(log.count("replay from 4\n") == 2 and "asking again" in log,
          "the gap did not ask REPLAY from 4 at once and again after no answer")
    m = re.search(r"(\d+) printed, \d+ filtered out, (\d+) duplicates dropped, (\d+) gaps, "
                  r"(\d+) from replay", log)
    check(m is not None, "no summary with -v")
    printed, dups, gaps, replayed = (int(x) for x in m.groups())
    check(printed == TOTAL and gaps == 1 and replayed == 5 and dups >= 1,
          "counts: %s (want %d printed, 1 gap, 5 from replay, the duplicate dropped)"
          % (m.group(0), TOTAL))


H.run_e2e(test, seconds=200)
