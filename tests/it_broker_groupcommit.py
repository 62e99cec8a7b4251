"""it_broker_groupcommit.py: under fsync=always the fsync runs on the
journal's own thread (group commit, issue 17), and an ACK still waits for
the fsync that covers its item.

The disk is held still with the test shim tests/shim/powerloss.c
(WT_FSYNC_HOLD: while a file exists, an fsync of data.mdb waits; the shim
says when one does). While the fsync of a PUT is held:
  - the broker keeps serving: a PING on the control socket gets its PONG and
    STATS shows the item journaled (before: the loop itself sat in fsync);
  - the PUT gets no ACK (the ACK waits for the fsync, not for the commit).
Then SIGTERM with that ACK and a second one still waiting: once the disk
moves, both ACKs are sent after the last fsync and the broker exits 0; after
a restart both items are in the journal. Last, a REPLAY while a result
waits for its fsync: it is served once durable, never before, and STATS
counts it in last_rseq only then.
"""
import os
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as H
from harness import Control, Producer, Worker, check, item, poll_until, run, zmq  # noqa


def test(make):
    ctx = zmq.Context()
    b = make({"fsync": "always"})
    hold = os.path.join(b.tmp, "hold")
    held = hold + ".held"
    b.start(env=H.preload_env("powerloss", {"WT_FSYNC_HOLD": hold}))
    prod = Producer(ctx, b)
    ctl = Control(ctx, b)
    h = prod.put(item(1))
    check(h["cmd"] == "ACK" and h["seq"] == 1, "first PUT: %r" % h)

    # hold the disk: the next fsync (PUT 2's) waits
    open(hold, "w").close()
    prod.send("PUT", item(2), corr=2)
    check(poll_until(lambda: os.path.exists(held), 30), "no fsync reached the shim (not preloaded?)")
    ctl.send("PING", corr=77)
    r = ctl.recv(10)
    check(r is not None and r[0]["cmd"] == "PONG",
          "no PONG while an fsync is under way: the broker's loop waits for the disk (%r)" % (r,))
    st = ctl.stats()
    check(st["last_seq"] == 2, "PUT 2 not journaled while the fsync ran: %r" % st["last_seq"])
    check(prod.recv(0.3) is None, "PUT 2 was ACKed before its fsync ended")

    # a second PUT joins, then SIGTERM: both ACKs go out after the last fsync
    prod.send("PUT", item(3), corr=3)
    check(poll_until(lambda: "id=item-3 seq=3" in b.log_text(), 30), "PUT 3 not journaled")
    b.proc.send_signal(signal.SIGTERM)
    check(prod.recv(0.3) is None, "an ACK was sent before its fsync ended")
    os.unlink(hold)
    acks = {}
    for _ in range(2):
        r = prod.recv(30)
        check(r is not None, "ACKs after SIGTERM: got %r only" % acks)
        acks[r[0]["corr"]] = r[0]
    check(sorted(acks) == [2, 3] and all(a["cmd"] == "ACK" for a in acks.values()),
          "replies after SIGTERM %r" % acks)
    check(b.proc.wait(30) == 0, "exit %s after SIGTERM:\n%s" % (b.proc.returncode, b.tail(10)))
    prod.close()
    ctl.close()

    # restart: every ACKed item is there; a REPLAY waits for the result's fsync
    b.start(env=H.preload_env("powerloss", {"WT_FSYNC_HOLD": hold}))
    ctl = Control(ctx, b)
    st = ctl.stats()
    check(st["last_seq"] == 3 and st["unfinished"] == 3, "after restart: %r" % st)
    if os.path.exists(held):
        os.unlink(held)
    w = Worker(ctx, b, credit=3)
    w.serve(30, lambda job, att, it: "keep", until=lambda: len(w.held) == 3)
    open(hold, "w").close()
    job, att, iid = w.got[0]
    w.send("DONE", H.result_for(item(int(iid.split("-")[1])), job), job=job)
    check(poll_until(lambda: os.path.exists(held), 30), "the result's fsync did not reach the shim")
    st = ctl.stats()
    check(st["last_rseq"] == 0, "STATS counts a result before its fsync: last_rseq %r" %
          st["last_rseq"])
    ctl.send("REPLAY", **{"from": 1})
    check(ctl.recv(0.3) is None, "REPLAY served a result before its fsync")
    os.unlink(hold)
    r = ctl.recv(30)
    check(r is not None and r[0]["cmd"] == "RESULT" and r[0]["seq"] == 1, "REPLAY: %r" % (r,))
    r = ctl.recv(10)
    check(r is not None and r[0]["cmd"] == "REPLAY_END", "after the RESULT: %r" % (r,))
    check(ctl.stats()["last_rseq"] == 1, "STATS after the fsync: %r" % ctl.stats()["last_rseq"])
    w.close()
    ctl.close()
    ctx.term()
    check(b.stop() == 0, "clean stop")
    print("fsync held: loop served, ACKs waited; SIGTERM: both ACKs after the last fsync; "
          "REPLAY waited for durability")


run(test)
