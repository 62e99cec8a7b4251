"""it_curve.py: CURVE on every endpoint (issue 7). A broker with
curve.enabled and an allow-list directory: a client with a listed key works
on the producer, worker, subscriber and replay endpoints; a client with an
unknown key gets nothing on any of them and the refusal is logged once with
its key and counted; adding a key to the directory lets it in without a
restart; the real worker and `wiretag feed`/`wiretag stats` work with keys
from a config file."""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from wtnet import BIN, Broker, hdr, msgpack, stop_procs, zmq  # noqa: E402

FAILS = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        FAILS.append(what)


def keygen(base):
    r = subprocess.run([os.path.join(BIN, "wiretag"), "keygen", base], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit("keygen failed: " + r.stderr)
    keys = {}
    for line in open(base + ".key"):
        if "=" in line and not line.startswith("#"):
            k, v = line.split("=", 1)
            keys[k.strip()] = v.strip().strip('"')
    return keys["public-key"].encode(), keys["secret-key"].encode()


def client(ep, kind, mine, server_pub):
    s = zmq.Context.instance().socket(kind)
    s.setsockopt(zmq.LINGER, 0)
    s.curve_publickey, s.curve_secretkey = mine
    s.curve_serverkey = server_pub
    s.connect(ep)
    return s


def request(s, frames, timeout=2.0):
    s.send_multipart(frames)
    if s.poll(int(timeout * 1000)):
        return msgpack.unpackb(s.recv_multipart()[0], raw=False)
    return None


def wait_for(cond, seconds):
    end = time.time() + seconds
    while time.time() < end:
        if cond():
            return True
        time.sleep(0.05)
    return cond()


def broker_log(b):
    with open(os.path.join(b.tmp, "broker.log"), errors="replace") as f:
        return f.read()


def stat(sock, key):
    h = request(sock, [hdr("STATS", corr=99)], 10) or {}
    return h.get("stats", {}).get(key, 0)


def main():
    if subprocess.run([os.path.join(BIN, "wiretag"), "keygen", "--help"], capture_output=True).returncode != 0:
        print("SKIP: wiretag keygen unavailable")
        sys.exit(77)
    b0 = Broker()  # only for its temp dir
    tmp = b0.tmp
    b0.cleanup()
    os.makedirs(tmp, exist_ok=True)
    allowed = os.path.join(tmp, "allowed")
    os.makedirs(allowed)
    server = keygen(os.path.join(tmp, "broker"))
    good = keygen(os.path.join(tmp, "good"))
    bad = keygen(os.path.join(tmp, "bad"))
    later = keygen(os.path.join(tmp, "later"))
    os.rename(os.path.join(tmp, "good.pub"), os.path.join(allowed, "good.pub"))
    cfg = (f"curve:\n  enabled: true\n  secret_key: {tmp}/broker.key\n  allowed_keys: {allowed}\n"
           "log:\n  level: info\n")
    b = Broker(cfg)
    w = None
    try:
        # a listed key works on every endpoint
        p = client(b.ep["producers"], zmq.DEALER, good, server[0])
        h = request(p, [hdr("PUT", corr=1), msgpack.packb({"id": "c1", "text": "The envoy said talks would go on."})], 5)
        check(h is not None and h.get("cmd") == "ACK", "producers: listed key gets ACK")
        r = client(b.ep["replay"], zmq.DEALER, good, server[0])
        h = request(r, [hdr("STATS", corr=2)], 5)
        check(h is not None and h.get("cmd") == "STATS", "replay: listed key gets STATS")
        wk = client(b.ep["workers"], zmq.DEALER, good, server[0])
        wk.send_multipart([hdr("READY", credit=1, name="curve-test", threads=1, dictionaries="t")])
        got_job = wk.poll(5000) and msgpack.unpackb(wk.recv_multipart()[0], raw=False).get("cmd")
        check(got_job == "JOB", f"workers: listed key gets a JOB ({got_job})")
        sub = client(b.ep["subscribers"], zmq.SUB, good, server[0])
        sub.setsockopt(zmq.SUBSCRIBE, b"wt.result")
        check(wait_for(lambda: stat(r, "subscriptions") >= 1, 30),
              "subscribers: a listed key's subscription reaches the broker")
        # finish the job as a worker would, with a result the broker accepts: use the real worker
        wk.close()
        # unknown key: nothing on any endpoint
        for name, kind, frames in (("producers", zmq.DEALER, [hdr("PUT", corr=3), msgpack.packb({"text": "x"})]),
                                   ("replay", zmq.DEALER, [hdr("STATS", corr=4)]),
                                   ("workers", zmq.DEALER, [hdr("READY", credit=1, name="x", threads=1, dictionaries="t")])):
            s = client(b.ep[name], kind, bad, server[0])
            h = request(s, frames, 1.5)
            check(h is None, f"{name}: unknown key refused")
            s.close()
        bad_sub = client(b.ep["subscribers"], zmq.SUB, bad, server[0])
        bad_sub.setsockopt(zmq.SUBSCRIBE, b"")
        # a plain (non-CURVE) client is refused too
        s = zmq.Context.instance().socket(zmq.DEALER)
        s.setsockopt(zmq.LINGER, 0)
        s.connect(b.ep["replay"])
        check(request(s, [hdr("STATS", corr=5)], 1.5) is None, "replay: client without CURVE refused")
        s.close()
        bad_pub = bad[0].decode()
        wait_for(lambda: bad_pub in broker_log(b), 30)
        log = broker_log(b)
        check(log.count(bad_pub) == 1, f"refused key logged once with its key ({log.count(bad_pub)} times)")
        # the refusals are counted as the ZAP handler answers: poll for them
        wait_for(lambda: (stat(r, "curve") or {}).get("refused", 0) >= 3, 30)
        st = request(r, [hdr("STATS", corr=6)], 5) or {}
        stats = st.get("stats", {})
        curve = stats.get("curve", {})
        check(curve.get("enabled") is True and curve.get("refused", 0) >= 3,
              f"refusals counted in STATS: {curve}")
        # reload without restart: add `later` to the directory
        later_cli = client(b.ep["replay"], zmq.DEALER, later, server[0])
        check(request(later_cli, [hdr("STATS", corr=7)], 1.0) is None, "key not yet listed: refused")
        later_cli.close()
        reloads = broker_log(b).count("changed,")
        os.rename(os.path.join(tmp, "later.pub"), os.path.join(allowed, "later.pub"))
        # the handler re-reads the directory when its mtime changes, and logs it
        check(wait_for(lambda: broker_log(b).count("changed,") > reloads, 30),
              "the allow-list change was noticed and logged")
        later_cli = client(b.ep["replay"], zmq.DEALER, later, server[0])
        check(request(later_cli, [hdr("STATS", corr=8)], 5) is not None, "key added to the directory: accepted without restart")
        later_cli.close()
        # the real worker and the CLI with keys in a config file
        ccfg = os.path.join(tmp, "client.yaml")
        with open(ccfg, "w") as f:
            f.write(f"curve:\n  enabled: true\n  secret_key: {tmp}/good.key\n  server_key: {tmp}/broker.pub\n")
        w = subprocess.Popen([os.path.join(BIN, "wiretag-worker"), "-c", ccfg, "--broker", b.ep["workers"],
                              "--threads", "1"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        items = os.path.join(tmp, "items.jsonl")
        with open(items, "w") as f:
            for k in range(5):
                f.write('{"id": "cf%d", "text": "Minister Ana Lind said on day %d that the plan would pass."}\n' % (k, k))
        fr = subprocess.run([os.path.join(BIN, "wiretag"), "feed", "-c", ccfg, "--broker", b.ep["producers"],
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
        sr = subprocess.run([os.path.join(BIN, "wiretag"), "stats", "-c", ccfg, "--broker", b.ep["replay"]],
                            capture_output=True, text=True, timeout=30)
        check(sr.returncode == 0, f"wiretag stats with keys: exit {sr.returncode}")
        for s in (p, r, sub):
            s.close()
    finally:
        if w is not None:
            stop_procs([w])
        b.cleanup()
    if FAILS:
        print(f"{len(FAILS)} check(s) failed")
        sys.exit(1)
    print("curve: all checks passed")


if __name__ == "__main__":
    main()
