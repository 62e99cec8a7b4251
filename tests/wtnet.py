"""wtnet.py: start a broker and workers on 127.0.0.1 with ephemeral ports for
the integration tests, and talk the wire protocol (docs/PROTOCOL.md) with
python3-zmq and python3-msgpack."""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

try:
    import msgpack
    import zmq
except ImportError as e:  # pragma: no cover
    print(f"SKIP: {e} (apt-get install python3-zmq python3-msgpack)")
    sys.exit(77)

BIN = os.environ.get("WT_BIN") or os.path.join(os.getcwd(), "build", "bin")


def hdr(cmd, **kw):
    d = {"v": 1, "cmd": cmd}
    d.update(kw)
    return msgpack.packb(d)


class Broker:
    def __init__(self, config_text="", journal=None, log=None):
        self.tmp = tempfile.mkdtemp(prefix="wt-it-")
        self.journal = journal or os.path.join(self.tmp, "journal")
        self.cfg = os.path.join(self.tmp, "wiretag.yaml")
        with open(self.cfg, "w") as f:
            f.write(config_text or "log:\n  level: warn\n")
        self.log = open(log or os.path.join(self.tmp, "broker.log"), "ab")
        self.proc = None
        self.ep = {}
        self.start()

    def start(self, ports_from=None):
        ready = os.path.join(self.tmp, "ready.json")
        if os.path.exists(ready):
            os.unlink(ready)
        eps = ports_from or {k: "tcp://127.0.0.1:*" for k in ("producers", "workers", "subscribers", "replay")}
        self.proc = subprocess.Popen(
            [os.path.join(BIN, "wiretag-broker"), "-c", self.cfg, "--producers", eps["producers"],
             "--workers", eps["workers"], "--subscribers", eps["subscribers"], "--replay", eps["replay"],
             "--journal", self.journal, "--ready-file", ready], stdout=self.log, stderr=self.log)
        t0 = time.time()
        while not os.path.exists(ready):
            if self.proc.poll() is not None or time.time() - t0 > 60:
                raise SystemExit("broker did not start; log: " + self.tmp + "/broker.log")
            time.sleep(0.05)
        self.ep = json.load(open(ready))

    def alive(self):
        return self.proc.poll() is None

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def cleanup(self):
        self.stop()
        self.log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


def start_worker(broker, threads=1, extra=(), env=None):
    e = dict(os.environ)
    if env:
        e.update(env)
    return subprocess.Popen([os.path.join(BIN, "wiretag-worker"), "--broker", broker.ep["workers"],
                             "--threads", str(threads), *extra], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env=e)


def stop_procs(procs, sig=signal.SIGTERM):
    for p in procs:
        if p.poll() is None:
            p.send_signal(sig)
    for p in procs:
        try:
            p.wait(15)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


class Client:
    """A DEALER on one broker endpoint with a receive-with-timeout helper."""

    def __init__(self, ep, kind=zmq.DEALER):
        self.ctx = zmq.Context.instance()
        self.s = self.ctx.socket(kind)
        self.s.setsockopt(zmq.LINGER, 0)
        self.s.connect(ep)

    def send(self, frames):
        self.s.send_multipart(frames)

    def recv(self, timeout=3.0):
        if self.s.poll(int(timeout * 1000)):
            return self.s.recv_multipart()
        return None

    def request(self, frames, timeout=3.0):
        self.send(frames)
        r = self.recv(timeout)
        if r is None:
            return None, None
        return msgpack.unpackb(r[0], raw=False), r[1:]

    def close(self):
        self.s.close()


def stats(broker, timeout=30.0):
    c = Client(broker.ep["replay"])
    h, _ = c.request([hdr("STATS", corr=1)], timeout)
    c.close()
    return (h or {}).get("stats", {})


class Subscriber:
    def __init__(self, broker):
        self.ctx = zmq.Context.instance()
        self.s = self.ctx.socket(zmq.SUB)
        self.s.setsockopt(zmq.LINGER, 0)
        self.s.setsockopt(zmq.RCVHWM, 0)
        self.s.setsockopt(zmq.SUBSCRIBE, b"wt.result")
        self.s.connect(broker.ep["subscribers"])
        self.results = {}  # seq -> (header, result)
        self.seen = set()
        self.dups = 0  # a sequence number published twice

    def drain(self, until_count, timeout=30.0, until_ids=None):
        """Collect results until until_count are in, or every id in until_ids
        has been seen, or timeout."""
        t0 = time.time()
        self.ids = getattr(self, "ids", set())
        while time.time() - t0 < timeout:
            if until_ids is not None:
                if until_ids <= self.ids:
                    break
            elif len(self.results) >= until_count:
                break
            if self.s.poll(200):
                fr = self.s.recv_multipart()
                h = msgpack.unpackb(fr[1], raw=False)
                if h["seq"] in self.seen:
                    self.dups += 1
                self.seen.add(h["seq"])
                self.results.setdefault(h["seq"], (h, fr[2] if len(fr) > 2 else b""))
                if h.get("id") is not None:
                    self.ids.add(h["id"])
        return self.results

    def close(self):
        self.s.close()


def replay_all(broker, start=1, limit=100000, timeout=10.0):
    """Fetch every retained result from `start` by REPLAY; returns {seq: (header, payload)}."""
    c = Client(broker.ep["replay"])
    out = {}
    nxt = start
    t0 = time.time()
    while time.time() - t0 < timeout and len(out) < limit:
        c.send([hdr("REPLAY", corr=nxt, **{"from": nxt, "count": 1000})])
        got_end = False
        while not got_end:
            r = c.recv(timeout)
            if r is None:
                c.close()
                return out
            h = msgpack.unpackb(r[0], raw=False)
            if h["cmd"] == "RESULT":
                out[h["seq"]] = (h, r[1] if len(r) > 1 else b"")
            elif h["cmd"] == "REPLAY_END":
                got_end = True
                if h.get("next", nxt) <= nxt or h.get("next", 0) > h.get("last", 0):
                    c.close()
                    return out
                nxt = h["next"]
            else:
                c.close()
                return out
    c.close()
    return out
