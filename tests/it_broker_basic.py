"""it_broker_basic.py: PUT -> ACK with seq, NAK with reason codes, dedup by id,
PING/PONG, credit-based dispatch, results numbered and published in order,
STATS figures, and a clean SIGTERM stop. Fake worker in Python."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (Broker, Control, Producer, Subscriber, Worker, check, header, pack,  # noqa
                      run, unpack, zmq)


def test(make):
    b = make().start()
    ctx = zmq.Context()
    prod = Producer(ctx, b)
    sub = Subscriber(ctx, b)
    ctl = Control(ctx, b)
    ctl.wait_subscriptions(1)  # no result may go out before

    # PUT -> ACK with increasing seq
    seqs = []
    for i in range(10):
        h = prod.put({"id": "item-%d" % i, "text": "Text of item %d." % i})
        check(h["cmd"] == "ACK", "PUT %d: %r" % (i, h))
        check(h["id"] == "item-%d" % i and h["dup"] is False, "ACK fields %r" % h)
        seqs.append(h["seq"])
    check(seqs == list(range(1, 11)), "seqs %r" % seqs)

    # dedup: same id -> ACK dup with the original seq
    h = prod.put({"id": "item-3", "text": "Text of item 3."})
    check(h["cmd"] == "ACK" and h["dup"] is True and h["seq"] == 4, "dup ACK %r" % h)
    # an item without id gets one from its text; the same text is a duplicate
    h1 = prod.put({"text": "No id here."})
    h2 = prod.put({"text": "No id here."})
    check(h1["cmd"] == "ACK" and h2["dup"] and h1["seq"] == h2["seq"] == 11, "%r %r" % (h1, h2))
    check(h1["id"].startswith("h"), "generated id %r" % h1["id"])

    # NAKs with codes
    h = prod.put({"id": "x", "title": "no text"})
    check(h["cmd"] == "NAK" and h["code"] == "EMISSING", "missing text: %r" % h)
    h = prod.put({"id": "x", "text": 5})
    check(h["cmd"] == "NAK" and h["code"] == "ETYPE", "text int: %r" % h)
    prod.corr += 1
    prod.send("PUT", corr=prod.corr)  # no item frame
    h, _ = prod.recv()
    check(h["cmd"] == "NAK" and h["code"] == "EFRAMES" and h["corr"] == prod.corr, "%r" % h)
    prod.send_raw([pack({"v": 2, "cmd": "PUT", "corr": 99}), pack({"text": "t"})])
    h, _ = prod.recv()
    check(h["cmd"] == "NAK" and h["code"] == "EVERSION" and h["corr"] == 99, "%r" % h)
    prod.send_raw([pack({"v": 1, "cmd": "TAKE", "corr": 98})])
    h, _ = prod.recv()
    check(h["cmd"] == "NAK" and h["code"] == "ECOMMAND", "%r" % h)
    prod.send("PING", corr=5)
    h, _ = prod.recv()
    check(h["cmd"] == "PONG" and h["corr"] == 5, "%r" % h)

    # credit: a worker with credit 2 holds two jobs and gets no third
    w = Worker(ctx, b, name="w1", credit=2)
    w.serve(20.0, lambda job, att, it: "keep", until=lambda: len(w.got) >= 2)
    w.serve(0.4, lambda job, att, it: "keep")
    check(len(w.got) == 2, "credit 2 but got %d jobs" % len(w.got))
    check([g[0] for g in w.got] == [1, 2], "dispatch order %r" % w.got)
    check(all(g[1] == 1 for g in w.got), "first attempts %r" % w.got)
    st = ctl.stats()
    check(st["in_flight"] == 2 and st["queue_depth"] == 9, "stats %r" % st)
    ws = st["workers"]
    check(len(ws) == 1 and ws[0]["name"] == "w1" and ws[0]["credit"] == 0
          and ws[0]["state"] == "busy", "worker stats %r" % ws)

    # answer the held ones, then serve the rest
    jobs = {}
    for job in w.held:
        w.send("DONE", {"id": "item-%d" % (job - 1), "seq": job, "text": "Text of item %d." % (job - 1),
                        "actors": [], "issues": [], "quotes": [],
                        "stats": {"bytes": 1, "tokens": 0, "sentences": 0, "elapsed_us": 0},
                        "annotator": {"version": "fake", "dictionaries": "none"}}, job=job)
    w.held = []
    w.serve(30.0, lambda job, att, it: "done", until=lambda: len(w.got) >= 11)
    check(len(w.got) == 11, "served %d" % len(w.got))
    got = []
    while len(got) < 11:
        r = sub.recv(10)
        check(r is not None, "only %d results published" % len(got))
        got.append(r)
    rseqs = [h["seq"] for h, _ in got]
    check(rseqs == list(range(1, 12)), "published rseqs %r" % rseqs)
    check(all(h["cmd"] == "RESULT" and h["v"] == 1 for h, _ in got), "RESULT headers")
    ids = sorted(r["id"] for _, r in got)
    check(len(set(ids)) == 11, "each item once: %r" % ids)

    st = ctl.stats()
    c = st["counters"]
    check(c["ack"] == 13 and c["dup"] == 2 and c["nak"] == 5, "counters %r" % c)
    check(c["done"] == 11 and c["published"] == 11, "counters %r" % c)
    check(st["errors"].get("EMISSING") == 1 and st["errors"].get("EVERSION") == 1, "%r" % st["errors"])
    check(st["unfinished"] == 0 and st["last_rseq"] == 11 and st["dead_letters"] == 0, "%r" % st)
    check(st["journal"]["fsync"] == "always" and st["journal"]["file_bytes"] > 0, "%r" % st["journal"])
    check(st["subscriptions"] >= 1, "subscriptions %r" % st["subscriptions"])

    # a REQ client works for single-reply requests
    req = ctx.socket(zmq.REQ)
    req.setsockopt(zmq.LINGER, 0)
    req.connect(b.ep["replay"])
    req.send(header("STATS", corr=11))
    check(req.poll(3000), "REQ STATS: no reply")
    frames = req.recv_multipart()
    h = unpack(frames[0])
    check(h["cmd"] == "STATS" and h["corr"] == 11 and h["stats"]["last_rseq"] == 11, "REQ %r" % h)
    req.close(0)

    # clean stop on SIGTERM
    for s in (prod, w, ctl):
        s.close()
    sub.close()
    ctx.term()
    rc = b.stop()
    check(rc == 0, "SIGTERM exit status %r" % rc)
    check("STOP OK journal synced" in b.tail(5), "no clean stop line:\n" + b.tail(5))


run(test)
