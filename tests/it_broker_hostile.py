"""it_broker_hostile.py: garbage on every socket gets a NAK or ERROR with a
code and a counter, never a crash: random bytes, wrong frame counts, wrong
versions and types, an oversized message (ZMQ_MAXMSGSIZE), commands on the
wrong socket, worker messages before READY, DONE for unknown jobs and with
invalid results, junk on the subscriber socket. The broker keeps serving."""
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (Client, Control, Producer, Subscriber, Worker, check, header, pack,  # noqa
                      result_for, run, unpack, zmq)


def expect(client, cmd, code, what):
    r = client.recv(20)
    while r is not None and r[0].get("cmd") == "HB" and cmd != "HB":
        r = client.recv(20)  # a registered worker gets heartbeats at any time
    check(r is not None, "%s: no reply" % what)
    h, _ = r
    check(h["cmd"] == cmd and h.get("code") == code, "%s: got %r" % (what, h))
    return h


def test(make):
    b = make({"max_message": "64KiB"}).start()
    ctx = zmq.Context()
    prod = Producer(ctx, b)
    rnd = random.Random(6)

    # producers socket
    cases = [
        ([b"\xc1"], "ESYNTAX"),
        ([b""], "ETRUNCATED"),
        ([pack([1, 2])], "ETYPE"),
        ([pack({"v": 1})], "EMISSING"),
        ([pack({"v": "1", "cmd": "PUT", "corr": 1})], "EVERSION"),
        ([pack({"v": 1, "cmd": "PUT", "corr": -1}), pack({"text": "x"})], "ETYPE"),
        ([pack({"v": 1, "cmd": "PUT", "corr": 1}) + b"\x00", pack({"text": "x"})], "ETRAILING"),
        ([header("PUT", corr=1), pack({"text": "x"}), b"third"], "EFRAMES"),
        ([header("PUT", corr=1), b"\x92\x01"], "ECOUNT"),
        ([header("PUT", corr=1), b"\x81\xa4text\xa5ab"], "ETRUNCATED"),
        ([header("PUT", corr=1), b"\x81\xa4text\xa2\xff\xfe"], "EUTF8"),
        ([header("PUT", corr=1), pack({"text": "a\u0000b"})], "ENUL"),
        ([header("PUT", corr=1), pack({"text": ""})], "EEMPTY"),
        ([header("DONE", job=1)], "EPROTO"),
        ([header("PUT", corr=1), pack({"text": "t", "title": "x" * 5000})], "ETOOBIG"),
    ]
    for frames, code in cases:
        prod.send_raw(frames)
        r = prod.recv(20)
        check(r is not None, "no reply to %r" % frames[:1])
        h, _ = r
        check(h["cmd"] == "NAK", "%r -> %r" % (frames[:1], h))
        if code:
            check(h["code"] == code, "%r: want %s got %r" % (frames[0][:20], code, h))
    # random garbage headers: always a NAK, never silence
    for _ in range(200):
        junk = bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 40)))
        prod.send_raw([junk])
        r = prod.recv(20)
        check(r is not None and r[0]["cmd"] in ("NAK", "PONG"), "junk %r -> %r" % (junk, r))
    # an oversized message: the broker drops that connection (MAXMSGSIZE)
    big = Client(ctx, b.ep["producers"])
    big.send("PUT", pack({"text": "x" * 100000}), corr=1)
    check(big.recv(1.0) is None, "oversized PUT answered")
    big.close()

    # workers socket
    w0 = Client(ctx, b.ep["workers"])
    w0.send("DONE", pack({"text": "t"}), job=1)
    expect(w0, "ERROR", "EPROTO", "DONE before READY")
    w0.send("HB")
    expect(w0, "ERROR", "EPROTO", "HB before READY")
    w0.send_raw([b"\x80"])
    expect(w0, "ERROR", "EMISSING", "empty map")
    w0.send("READY", credit=1, name="h")
    w0.send("PUT", pack({"text": "x"}), corr=1)  # a producer command from a worker
    expect(w0, "ERROR", "EPROTO", "PUT on workers")
    w0.send("CREDIT", credit=1)  # it was dropped: must READY again
    expect(w0, "ERROR", "EPROTO", "after drop")
    w0.close()

    # a worker sending an invalid result: the attempt fails, the item is redone
    h = prod.put({"id": "victim", "text": "An item for the bad worker."})
    check(h["cmd"] == "ACK", "%r" % h)
    bad = Worker(ctx, b, name="bad", credit=1)
    bad.serve(20.0, lambda job, att, it: "keep", until=lambda: bad.held)
    check(bad.held == [h["seq"]], "bad worker got %r" % bad.got)
    good = Worker(ctx, b, name="good", credit=1)  # waiting longer: it gets the retry
    sub = Subscriber(ctx, b)
    # the broker knows both workers and the subscriber before the bad result
    probe = Control(ctx, b)

    def ready():
        st = probe.stats()
        return st["workers_count"] == 2 and st["subscriptions"] >= 1

    deadline = time.time() + 30
    while not ready():  # both keep heartbeating meanwhile
        check(time.time() < deadline, "the broker did not list the good worker and the subscriber")
        good.serve(0.02, lambda job, att, it: "done")
        bad.serve(0.02, lambda job, att, it: "keep")
    probe.close()

    def first_result():
        """The first result published while both workers go on (30 s at most)."""
        done = []
        end = time.time() + 30
        while time.time() < end and not done:
            bad.serve(0.02, lambda job, att, it: "keep")
            good.serve(0.02, lambda job, att, it: "done")
            done += sub.drain(0.0)
        return done

    bad.send("DONE", {"id": "victim", "text": "x", "actors": "no"}, job=bad.held[0])
    bad.send("DONE", result_for({"id": "z", "text": "z"}, 999), job=999)  # unknown job
    bad.send("FAIL", job=12345, code="EVALUE")  # unknown job
    done = first_result()
    check(len(done) == 1 and done[0][1]["id"] == "victim", "victim result %r" % done)
    check(any(g[1] == 2 for g in good.got + bad.got), "second attempt %r %r" % (good.got, bad.got))
    # a well-formed result for another item: refused as well (EVALUE), redone
    bad.held = []
    h = prod.put({"id": "victim2", "text": "Another item for the bad worker."})
    good.serve(0.3, lambda job, att, it: "done")  # good waits longer again
    bad.serve(20.0, lambda job, att, it: "keep", until=lambda: bad.held)
    check(bad.held == [h["seq"]], "bad worker got %r" % bad.got)
    bad.send("DONE", result_for({"id": "someone-else", "text": "x"}, h["seq"]), job=h["seq"])
    done = first_result()
    check(len(done) == 1 and done[0][1]["id"] == "victim2", "victim2 result %r" % done)

    # subscriber socket: junk that is not a subscription
    pub = ctx.socket(zmq.XSUB)
    pub.setsockopt(zmq.LINGER, 0)
    pub.connect(b.ep["subscribers"])
    pub.send(b"\x07garbage")
    ctl = Control(ctx, b)
    deadline = time.time() + 30  # the junk reached the broker and was counted
    while ctl.stats()["errors"].get("EXPUB", 0) < 1:
        check(time.time() < deadline, "junk on the subscriber socket never counted (EXPUB)")
        time.sleep(0.02)

    # replay socket
    ctl.send("PUT", pack({"text": "x"}), corr=4)
    h = expect(ctl, "ERROR", "EPROTO", "PUT on replay")
    check(h.get("corr") == 4, "corr %r" % h)
    ctl.send_raw([b"\xa3abc"])
    expect(ctl, "ERROR", "ETYPE", "string header")
    ctl.send("REPLAY", **{"from": "one"})
    expect(ctl, "ERROR", "ETYPE", "from as string")
    ctl.send("REPLAY")
    expect(ctl, "ERROR", "EMISSING", "REPLAY without from")

    # still alive and counting
    check(b.alive(), "broker died")
    ctl.send("PING", corr=1)
    h, _ = ctl.recv(20)
    check(h["cmd"] == "PONG", "PING %r" % h)
    st = ctl.stats()
    errs = st["errors"]
    for code in ("ESYNTAX", "EVERSION", "EFRAMES", "EPROTO", "ETYPE", "EMISSING", "ENUL",
                 "EXPUB", "ETOOBIG", "EVALUE", "ESEQ"):
        check(errs.get(code, 0) >= 1, "counter %s missing: %r" % (code, errs))
    check(st["counters"]["failed"] >= 2, "invalid results counted as failed %r" % st["counters"])
    pub.close(0)
    for s in (prod, bad, good, sub, ctl):
        s.close()
    ctx.term()
    check(b.stop() == 0, "clean stop")


run(test)
