"""it_curve_revoke.py: a key removed from curve.allowed_keys disconnects the
subscribers already connected with it (issue 14.7).

CURVE on, an allow-list directory with the keys "good" (producer, worker,
one subscriber) and "sub" (another subscriber). Both subscribers get a
result. Then sub.pub is removed: the broker drops its subscriber
connections, "good" reconnects and keeps receiving, "sub" gets nothing more
(before: it went on receiving every result).
"""
import os
import time

import harness as H
from harness import fail, header as hdr, msgpack, result_for, zmq


def client(ep, kind, mine, server):
    s = H.Client(zmq.Context.instance(), ep, kind=kind, curve=(mine, server)).s
    if kind == zmq.SUB:
        s.setsockopt(zmq.SUBSCRIBE, b"wt.result")
    return s


def test(tmp, procs, new_broker):
    keys = H.curve_keys(tmp, ("broker", "good", "sub"))
    server, good, sub = keys["broker"], keys["good"], keys["sub"]
    allowed = H.allow_list(tmp, (good, sub))
    cfg = (f"curve:\n  enabled: true\n  secret_key: {server.key}\n  allowed_keys: {allowed}\n"
           "broker:\n  heartbeat: 100ms\n  liveness: 20\nlog:\n  level: info\n")
    b = new_broker(text=cfg).start()
    prod = client(b.ep["producers"], zmq.DEALER, good, server)
    wk = client(b.ep["workers"], zmq.DEALER, good, server)
    wk.send_multipart([hdr("READY", credit=10, name="w", threads=1, dictionaries="none")])
    s_good = client(b.ep["subscribers"], zmq.SUB, good, server)
    s_sub = client(b.ep["subscribers"], zmq.SUB, sub, server)
    n = [0]

    def one_result():
        """PUT one item, answer its JOB, return the result ids each subscriber got."""
        n[0] += 1
        it = {"id": "r%d" % n[0], "text": "The envoy said talks would go on %d." % n[0]}
        prod.send_multipart([hdr("PUT", corr=n[0]), msgpack.packb(it)])
        end = time.time() + 5
        while time.time() < end:
            if wk.poll(50):
                f = wk.recv_multipart()
                h = msgpack.unpackb(f[0], raw=False)
                if h["cmd"] == "JOB":
                    job = msgpack.unpackb(f[1], raw=False)
                    job.setdefault("id", h["id"])
                    wk.send_multipart([hdr("DONE", job=h["job"]),
                                       msgpack.packb(result_for(job, h["job"]))])
                    break
            wk.send_multipart([hdr("HB")])
        got = {"good": set(), "sub": set()}
        end = time.time() + 1.5
        while time.time() < end:
            for name, s in (("good", s_good), ("sub", s_sub)):
                while s.poll(10):
                    f = s.recv_multipart()
                    got[name].add(msgpack.unpackb(f[1], raw=False)["seq"])
            wk.send_multipart([hdr("HB")])
        while prod.poll(0):
            prod.recv_multipart()
        return got

    time.sleep(0.5)  # the SUB handshakes
    got = {"good": set(), "sub": set()}
    for _ in range(5):  # until both subscribers are connected and subscribed
        g = one_result()
        if g["good"] and g["sub"]:
            got = g
            break
    if not (got["good"] and got["sub"]):
        fail("both subscribers should receive before the revocation: %r" % got)
    os.unlink(os.path.join(allowed, "sub.pub"))
    end = time.time() + 15
    while time.time() < end and "REVOKE" not in b.log_text():
        wk.send_multipart([hdr("HB")])
        time.sleep(0.1)
    if "REVOKE" not in b.log_text():
        fail("the broker did not act on the revocation")
    after = {"good": set(), "sub": set()}
    for _ in range(6):
        g = one_result()
        after["good"] |= g["good"]
        after["sub"] |= g["sub"]
    if after["sub"]:
        fail("the revoked subscriber still received results %r" % sorted(after["sub"]))
    if not after["good"]:
        fail("the allowed subscriber received nothing after the revocation")
    print("revoked subscriber cut off; allowed one received %d results after" %
          len(after["good"]))


H.run_e2e(test, seconds=290)
