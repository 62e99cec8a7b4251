"""it_dead.py: dead letters can be inspected and re-queued (issue 13,
item 7): `wiretag dead list|show|export` show them with their last error and
the item as sent (payload kept), `wiretag dead requeue` puts one back in the
queue (it is then annotated and published, also across a broker restart),
and `wiretag feed` of a dead-lettered id says so instead of "already known"."""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as H
from harness import Control, Producer, Worker, check, run, zmq  # noqa: E402

ITEMS = [{"id": "ok-%d" % i, "text": "Fine item %d." % i} for i in range(3)] + \
        [{"id": "poison-%d" % i, "text": "Poison item %d." % i, "title": "P%d" % i,
          "meta": {"feed": "test", "n": i}} for i in range(2)]


def test(make):
    b = make({"max_attempts": 2}).start()
    ctx = zmq.Context.instance()
    prod = Producer(ctx, b)
    for it in ITEMS:
        check(prod.put(it)["cmd"] == "ACK", "PUT refused")
    ctl = Control(ctx, b)
    w = Worker(ctx, b, name="w", credit=4)
    fail_poison = lambda job, att, it: "fail" if it["id"].startswith("poison") else "done"  # noqa
    w.serve(30, fail_poison, until=lambda: ctl.stats()["dead_letters"] == 2
            and ctl.stats()["last_rseq"] == 3)
    check(ctl.stats()["dead_letters"] == 2, "not 2 dead letters: %r" % ctl.stats())

    wt = H.binary("wiretag")

    def dead(*args, code=0, inp=None):
        p = subprocess.run([wt, "dead", "--broker", b.ep["replay"]] + list(args),
                           capture_output=True, text=True, timeout=30, input=inp)
        check(p.returncode == code, "dead %r: exit %d (want %d): %s %s" % (args, p.returncode,
                                                                          code, p.stdout, p.stderr))
        return p

    p = dead("list")
    check("2 dead letter(s)" in p.stdout and "poison-0" in p.stdout and "EVALUE" in p.stdout,
          "list: %r" % p.stdout)
    rows = [json.loads(x) for x in dead("list", "--json").stdout.splitlines()]
    check(sorted(r["id"] for r in rows) == ["poison-0", "poison-1"] and
          all(r["attempts"] == 2 and r["code"] == "EVALUE" for r in rows), "list --json %r" % rows)
    shown = json.loads(dead("show", "poison-1").stdout)
    check(shown["item"] == ITEMS[4], "show: item %r" % shown)
    out = os.path.join(b.tmp, "dead.jsonl")
    dead("export", "-o", out)
    with open(out) as f:
        exported = [json.loads(x) for x in f]
    check(exported == ITEMS[3:], "export: %r" % exported)
    dead("show", "no-such-id", code=1)
    dead("requeue", code=2)

    # feed of a dead-lettered id: said, not "already known"
    path = os.path.join(b.tmp, "again.jsonl")
    with open(path, "w") as f:
        f.write(json.dumps(ITEMS[3]) + "\n" + json.dumps(ITEMS[0]) + "\n")
    p = subprocess.run([wt, "feed", "--broker", b.ep["producers"], "--no-progress", path],
                       capture_output=True, text=True, timeout=30)
    check(p.returncode == 1 and "EDEAD" in p.stderr and "wiretag dead requeue" in p.stderr,
          "feed of a dead letter: %d %s" % (p.returncode, p.stderr))

    # requeue one: annotated and published this time
    p = dead("requeue", "poison-0")
    check("requeued seq 4 (poison-0)" in p.stdout, "requeue: %r" % p.stdout)
    dead("requeue", "poison-0", code=1)  # no longer a dead letter
    w.serve(20, lambda job, att, it: "done", until=lambda: ctl.stats()["last_rseq"] == 4)
    st = ctl.stats()
    check(st["last_rseq"] == 4 and st["dead_letters"] == 1 and st["unfinished"] == 0,
          "after requeue: %r" % st)
    got, _ = ctl.replay_all(4)
    check(got[4][1]["id"] == "poison-0", "replay 4: %r" % (got.get(4),))

    # the last one across a restart: requeued, broker killed, still queued
    dead("requeue", "--all")
    ctl.close()
    w.close()
    prod.close()
    b.kill9()
    b.start(same_ports=False)
    ctl = Control(ctx, b)
    st = ctl.stats()
    check(st["dead_letters"] == 0 and st["unfinished"] == 1, "after restart: %r" % st)
    w = Worker(ctx, b, name="w2", credit=4)
    w.serve(20, lambda job, att, it: "done", until=lambda: ctl.stats()["last_rseq"] == 5)
    check(ctl.stats()["last_rseq"] == 5, "requeued item not done after restart")
    p = subprocess.run([wt, "dead", "--broker", b.ep["replay"], "list"], capture_output=True,
                       text=True, timeout=30)
    check("0 dead letter(s)" in p.stdout, "list after: %r" % p.stdout)


run(test)
