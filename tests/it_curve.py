"""it_curve.py: CURVE on every endpoint (issue 7). A broker with
curve.enabled and an allow-list directory: a client with a listed key works
on the producer, worker, subscriber and replay endpoints; a client with an
unknown key gets nothing on any of them and the refusal is logged once with
its key and counted; adding a key to the directory lets it in without a
restart; the real worker and `wiretag feed`/`wiretag stats` work with keys
from a config file."""
import os
import subprocess
import time

import harness as H
from harness import header as hdr, msgpack, zmq

check = H.Checks()


def client(ep, kind, mine, server):
    return H.Client(zmq.Context.instance(), ep, kind=kind, curve=(mine, server)).s


def request(s, frames, timeout=2.0):
    s.send_multipart(frames)
    if s.poll(int(timeout * 1000)):
        return msgpack.unpackb(s.recv_multipart()[0], raw=False)
    return None


def stat(sock, key):
    h = request(sock, [hdr("STATS", corr=99)], 10) or {}
    return h.get("stats", {}).get(key, 0)


def test(tmp, procs, new_broker):
    if subprocess.run([H.binary("wiretag"), "keygen", "--help"], capture_output=True).returncode != 0:
        H.skip("wiretag keygen unavailable")
    keys = H.curve_keys(tmp, ("broker", "good", "bad", "later"))
    server, good, bad, later = (keys[n] for n in ("broker", "good", "bad", "later"))
    allowed = H.allow_list(tmp, (good,))
    cfg = (f"curve:\n  enabled: true\n  secret_key: {server.key}\n  allowed_keys: {allowed}\n"
           "log:\n  level: info\n")
    b = new_broker(text=cfg).start()
    # a listed key works on every endpoint
    p = client(b.ep["producers"], zmq.DEALER, good, server)
    h = request(p, [hdr("PUT", corr=1), msgpack.packb({"id": "c1", "text": "The envoy said talks would go on."})], 5)
    check(h is not None and h.get("cmd") == "ACK", "producers: listed key gets ACK")
    r = client(b.ep["replay"], zmq.DEALER, good, server)
    h = request(r, [hdr("STATS", corr=2)], 5)
    check(h is not None and h.get("cmd") == "STATS", "replay: listed key gets STATS")
    wk = client(b.ep["workers"], zmq.DEALER, good, server)
    wk.send_multipart([hdr("READY", credit=1, name="curve-test", threads=1, dictionaries="t")])
    got_job = wk.poll(5000) and msgpack.unpackb(wk.recv_multipart()[0], raw=False).get("cmd")
    check(got_job == "JOB", f"workers: listed key gets a JOB ({got_job})")
    sub = client(b.ep["subscribers"], zmq.SUB, good, server)
    sub.setsockopt(zmq.SUBSCRIBE, b"wt.result")
    check(H.poll_until(lambda: stat(r, "subscriptions") >= 1, 30),
          "subscribers: a listed key's subscription reaches the broker")
    # finish the job as a worker would, with a result the broker accepts: use the real worker
    wk.close()
    # unknown key: nothing on any endpoint
    for name, kind, frames in (("producers", zmq.DEALER, [hdr("PUT", corr=3), msgpack.packb({"text": "x"})]),
                               ("replay", zmq.DEALER, [hdr("STATS", corr=4)]),
                               ("workers", zmq.DEALER, [hdr("READY", credit=1, name="x", threads=1, dictionaries="t")])):
        s = client(b.ep[name], kind, bad, server)
        h = request(s, frames, 1.5)
        check(h is None, f"{name}: unknown key refused")
        s.close()
    bad_sub = client(b.ep["subscribers"], zmq.SUB, bad, server)
    bad_sub.setsockopt(zmq.SUBSCRIBE, b"")
    # a plain (non-CURVE) client is refused too
    s = zmq.Context.instance().socket(zmq.DEALER)
    s.setsockopt(zmq.LINGER, 0)
    s.connect(b.ep["replay"])
    check(request(s, [hdr("STATS", corr=5)], 1.5) is None, "replay: client without CURVE refused")
    s.close()
    bad_pub = bad.public.decode()
    H.poll_until(lambda: bad_pub in b.log_text(), 30)
    log = b.log_text()
    check(log.count(bad_pub) == 1, f"refused key logged once with its key ({log.count(bad_pub)} times)")
    # the refusals are counted as the ZAP handler answers: poll for them
    H.poll_until(lambda: (stat(r, "curve") or {}).get("refused", 0) >= 3, 30)
    st = request(r, [hdr("STATS", corr=6)], 5) or {}
    stats = st.get("stats", {})
    curve = stats.get("curve", {})
    check(curve.get("enabled") is True and curve.get("refused", 0) >= 3,
          f"refusals counted in STATS: {curve}")
    # reload without restart: add `later` to the directory
    later_cli = client(b.ep["replay"], zmq.DEALER, later, server)
    check(request(later_cli, [hdr("STATS", corr=7)], 1.0) is None, "key not yet listed: refused")
    later_cli.close()
    reloads = b.log_text().count("changed,")
    os.rename(later.pub, os.path.join(allowed, "later.pub"))
    # the handler re-reads the directory when its mtime changes, and logs it
    check(H.poll_until(lambda: b.log_text().count("changed,") > reloads, 30),
          "the allow-list change was noticed and logged")
    later_cli = client(b.ep["replay"], zmq.DEALER, later, server)
    check(request(later_cli, [hdr("STATS", corr=8)], 5) is not None, "key added to the directory: accepted without restart")
    later_cli.close()
    # the real worker and the CLI with keys in a config file
    ccfg = os.path.join(tmp, "client.yaml")
    with open(ccfg, "w") as f:
        f.write(f"curve:\n  enabled: true\n  secret_key: {good.key}\n  server_key: {server.pub}\n")
    procs.start([H.binary("wiretag-worker"), "-c", ccfg, "--broker", b.ep["workers"], "--threads", "1"],
                "worker")
    items = os.path.join(tmp, "items.jsonl")
    with open(items, "w") as f:
        for k in range(5):
            f.write('{"id": "cf%d", "text": "Minister Ana Lind said on day %d that the plan would pass."}\n' % (k, k))
    fr = subprocess.run([H.binary("wiretag"), "feed", "-c", ccfg, "--broker", b.ep["producers"],
                         "--no-progress", items], capture_output=True, text=True, timeout=60)
    check(fr.returncode == 0, f"wiretag feed with keys: exit {fr.returncode} {fr.stderr[-200:]}")
    ids = set()
    t0 = time.time()
    while time.time() - t0 < 30 and not {f"cf{k}" for k in range(5)} <= ids:
        if sub.poll(500):
            fr2 = sub.recv_multipart()
            ids.add(msgpack.unpackb(fr2[1], raw=False).get("id"))
    check({f"cf{k}" for k in range(5)} <= ids, f"results of the fed items reach a CURVE subscriber ({sorted(ids)})")
    check(not bad_sub.poll(200), "subscribers: unknown key receives nothing")
    bad_sub.close()
    sr = subprocess.run([H.binary("wiretag"), "stats", "-c", ccfg, "--broker", b.ep["replay"]],
                        capture_output=True, text=True, timeout=30)
    check(sr.returncode == 0, f"wiretag stats with keys: exit {sr.returncode}")
    for s in (p, r, sub):
        s.close()
    check.done("curve: all checks passed")


H.run_e2e(test, seconds=290)
