"""it_sub_epoch.py: a subscriber follows a broker that comes back on a new
journal (issue 13, item 6). The broker announces its journal's identity
(`epoch` in RESULT and REPLAY_END); when it changes, `wiretag sub` warns and
follows the new sequence from 1 instead of dropping every result as a
duplicate of the old journal's numbers. A restart on the same journal keeps
the identity (no warning)."""
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as H
from harness import Control, Producer, Worker, check, run, zmq  # noqa: E402


def produce(b, prefix, n, total):
    ctx = zmq.Context.instance()
    prod = Producer(ctx, b)
    w = Worker(ctx, b, name="w", credit=4)
    ctl = Control(ctx, b)
    for i in range(n):
        check(prod.put({"id": "%s-%d" % (prefix, i), "text": "%s %d." % (prefix, i)})["cmd"] ==
              "ACK", "PUT")
    w.serve(20, lambda job, att, it: "done", until=lambda: ctl.stats()["last_rseq"] == total)
    check(ctl.stats()["last_rseq"] == total, "results not done")
    for c in (prod, w, ctl):
        c.close()


def lines(path):
    with open(path) as f:
        return [json.loads(x) for x in f if x.strip()]


def test(make):
    a = make().start()
    produce(a, "one", 5, 5)
    out = os.path.join(a.tmp, "sub.out")
    err = os.path.join(a.tmp, "sub.err")
    sub = subprocess.Popen(H.sub_args(a, "--from", "1", "--count", "11"),
                           stdout=open(out, "w"), stderr=open(err, "w"))
    try:
        H.wait_for(lambda: len(lines(out)) == 5, 20, "the first 5 results")
        # the same journal after a restart: same identity, numbering goes on
        a.stop()
        a.start(same_ports=True)
        produce(a, "two", 2, 7)
        H.wait_for(lambda: len(lines(out)) == 7, 20, "results 6-7")
        check("journal changed" not in open(err).read(), "warned on a restart: " +
              open(err).read())
        # a new journal on the same ports
        a.stop()
        b = make()
        b.ep = a.ep
        b.start(same_ports=True)
        produce(b, "three", 4, 4)
        sub.wait(30)
    finally:
        if sub.poll() is None:
            sub.kill()
            sub.wait()
    got = lines(out)
    ids = [r["id"] for r in got]
    check(sub.returncode == 0, "sub exit %s: %s" % (sub.returncode, open(err).read()))
    check(ids == ["one-%d" % i for i in range(5)] + ["two-0", "two-1"] +
          ["three-%d" % i for i in range(4)], "ids %r" % ids)
    check([r["seq"] for r in got][-4:] == [1, 2, 3, 4], "new seqs %r" % [r["seq"] for r in got])
    e = open(err).read()
    check("journal changed" in e, "no warning: %r" % e)
    print(e.strip())


run(test)
