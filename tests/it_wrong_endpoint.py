"""it_wrong_endpoint.py: a client pointed at the wrong port of a broker stops
at once with exit 2 and says so, instead of resending or retrying forever
(issue 13, item 4): the broker's refusal names its endpoint (`role`), and a
ZeroMQ handshake that never completes (incompatible socket types) is
recognised too. Also: the worker logs the code and reason of an ERROR it
gets (it used to print `ERROR ? ()`)."""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as H
from harness import check, pack, run, unpack, zmq  # noqa: E402

T = 30


def cli(args, stdin=None):
    t0 = time.time()
    try:
        p = subprocess.run(args, capture_output=True, text=True, timeout=T, input=stdin)
    except subprocess.TimeoutExpired:
        check(False, "%r did not stop within %d s" % (args[1:], T))
    return p, time.time() - t0


def expect_refusal(args, role, what, stdin=None):
    p, dt = cli(args, stdin)
    check(p.returncode == 2, "%s: exit %d (want 2), stderr: %s" % (what, p.returncode, p.stderr))
    check("not a %s endpoint" % role in p.stderr, "%s: stderr says %r" % (what, p.stderr))
    print("%-45s exit 2 in %.1f s: %s" % (what, dt, [x for x in p.stderr.splitlines() if "not a" in x][0][:120]))


def test(make):
    b = make().start()
    ep = b.ep
    items = os.path.join(b.tmp, "items.jsonl")
    H.write_items(items, 3)
    wt = H.binary("wiretag")
    worker = H.binary("wiretag-worker")
    feed = [wt, "feed", "--no-progress", "--timeout", "200"]
    for port in ("workers", "replay", "subscribers"):
        expect_refusal(feed + ["--broker", ep[port], items], "producers", "feed on the %s port" % port)
    sub = [wt, "sub", "--from", "1"]
    for port in ("producers", "workers"):
        expect_refusal(sub + ["--broker", ep["subscribers"], "--replay", ep[port]], "replay",
                       "sub --replay on the %s port" % port)
    expect_refusal(sub + ["--broker", ep["replay"], "--replay", ep["replay"]], "subscribers",
                   "sub --broker on the replay port")
    for port in ("producers", "workers", "subscribers"):
        expect_refusal([wt, "stats", "--broker", ep[port]], "replay", "stats on the %s port" % port)
    for port in ("producers", "replay", "subscribers"):
        expect_refusal([worker, "--broker", ep[port], "--threads", "1"], "workers",
                       "worker on the %s port" % port)
    # the right ports still work
    p, _ = cli(feed + ["--broker", ep["producers"], items])
    check(p.returncode == 0, "feed on the producers port: %d %s" % (p.returncode, p.stderr))
    p, _ = cli([wt, "stats", "--broker", ep["replay"], "--json"])
    check(p.returncode == 0, "stats on the replay port: %d %s" % (p.returncode, p.stderr))

    # a worker logs the broker's ERROR code and reason (a fake broker)
    ctx = zmq.Context.instance()
    fake = ctx.socket(zmq.ROUTER)
    fake.setsockopt(zmq.LINGER, 0)
    port = fake.bind_to_random_port("tcp://127.0.0.1")
    w = subprocess.Popen([worker, "--broker", "tcp://127.0.0.1:%d" % port, "--threads", "1"],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        check(fake.poll(10000), "the worker never sent READY")
        ident, hdr = fake.recv_multipart()[:2]
        check(unpack(hdr)["cmd"] == "READY", "first message %r" % unpack(hdr))
        fake.send_multipart([ident, pack({"v": 1, "cmd": "ERROR", "code": "EPROTO",
                                          "reason": "fake broker says no", "role": "workers"})])
        check(fake.poll(10000), "the worker did not send READY again after ERROR")
    finally:
        w.terminate()
        out, _ = w.communicate(timeout=20)
    check("ERROR EPROTO (fake broker says no)" in out, "worker log lacks the code/reason:\n" + out)
    fake.close(0)


run(test)
