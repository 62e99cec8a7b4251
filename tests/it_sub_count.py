"""it_sub_count.py: `wiretag sub --from N --count K` prints exactly K results
and exits 0, whether they come from the replay (a batch brings many at once)
or live (issue 13, item 2)."""
import os
import subprocess
import sys
import json

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as H
from harness import Control, Producer, Worker, check, run, zmq  # noqa: E402


def fill(b, n):
    ctx = zmq.Context.instance()
    prod = Producer(ctx, b)
    w = Worker(ctx, b, name="w", credit=8)
    for i in range(n):
        h = prod.put({"id": "c-%d" % i, "text": "Item %d says hello." % i})
        check(h["cmd"] == "ACK", "ACK %r" % h)
    ctl = Control(ctx, b)
    w.serve(30, lambda job, att, it: "done", until=lambda: ctl.stats()["last_rseq"] == n)
    check(ctl.stats()["last_rseq"] == n, "results not all done")
    for c in (prod, w, ctl):
        c.close()


def sub(b, *args):
    cmd = H.sub_args(b, *args)
    return subprocess.run(cmd, capture_output=True, text=True, timeout=30)


def test(make):
    b = make().start()
    fill(b, 60)
    for frm, k in ((1, 1), (1, 5), (10, 7), (1, 60), (55, 6)):
        p = sub(b, "--from", str(frm), "--count", str(k))
        lines = p.stdout.splitlines()
        check(p.returncode == 0, "--from %d --count %d: exit %d: %s" % (frm, k, p.returncode, p.stderr))
        check(len(lines) == k, "--from %d --count %d printed %d lines" % (frm, k, len(lines)))
        seqs = [json.loads(x)["seq"] for x in lines]
        check(seqs == list(range(frm, frm + k)), "--from %d --count %d: seqs %r" % (frm, k, seqs))
    # more than there is: --idle ends it with what there was
    p = sub(b, "--from", "58", "--count", "10", "--idle", "1")
    check(len(p.stdout.splitlines()) == 3, "--from 58 --count 10 --idle 1: %r" % p.stdout)


run(test)
