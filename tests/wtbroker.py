"""wtbroker.py: helpers for the broker integration tests (tests/it_broker_*.py).

Starts wiretag-broker on 127.0.0.1 ephemeral ports (it writes the bound
endpoints to a --ready-file), and speaks the protocol of docs/PROTOCOL.md
with python3-zmq and python3-msgpack only: a producer, a fake worker, a
subscriber and a replay/control client. Not a test itself (no it_ prefix).
"""
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
    print("SKIP: python3-zmq / python3-msgpack missing: %s" % e)
    sys.exit(77)

V = 1
TOPIC = b"wt.result"


def skip(msg):
    print("SKIP: " + msg)
    sys.exit(77)


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def broker_bin():
    b = os.path.join(os.environ.get("WT_BIN", "build/bin"), "wiretag-broker")
    if not os.access(b, os.X_OK):
        skip("%s not built" % b)
    return b


def pack(d):
    return msgpack.packb(d, use_bin_type=True)


def unpack(b):
    return msgpack.unpackb(b, raw=False)


def header(cmd, **fields):
    h = {"v": V, "cmd": cmd}
    h.update(fields)
    return pack(h)


def item(i, text=None, **extra):
    d = {"id": "item-%d" % i, "text": text or ("Item number %d says hello." % i)}
    d.update(extra)
    return d


def result_for(it, job):
    """A minimal annotated item that the broker's result decoder accepts."""
    text = it["text"]
    return {
        "id": it.get("id", "x"), "seq": job, "text": text,
        "actors": [], "issues": [], "quotes": [],
        "stats": {"bytes": len(text.encode()), "tokens": 0, "sentences": 0, "elapsed_us": 1},
        "annotator": {"version": "fake", "dictionaries": "none"},
    }


class Broker:
    """A wiretag-broker process on a journal in its own temp dir."""

    def __init__(self, config=None, tmp=None):
        self.tmp = tmp or tempfile.mkdtemp(prefix="wt-it-broker-")
        self.journal = os.path.join(self.tmp, "journal")
        self.config = os.path.join(self.tmp, "broker.yaml")
        conf = {"heartbeat": "100ms", "liveness": 10, "job_timeout": "5s", "max_attempts": 3}
        conf.update(config or {})
        with open(self.config, "w") as f:
            f.write("broker:\n")
            for k, v in conf.items():
                f.write("  %s: %s\n" % (k, v))
            f.write("log:\n  level: debug\n")
        self.proc = None
        self.ep = None
        self.log = os.path.join(self.tmp, "broker.log")

    def start(self, same_ports=False):
        ready = os.path.join(self.tmp, "ready.json")
        if os.path.exists(ready):
            os.unlink(ready)
        eps = self.ep if (same_ports and self.ep) else {
            k: "tcp://127.0.0.1:*" for k in ("producers", "workers", "subscribers", "replay")}
        args = [broker_bin(), "-c", self.config, "--journal", self.journal, "--ready-file", ready]
        for k in ("producers", "workers", "subscribers", "replay"):
            args += ["--" + k, eps[k]]
        logf = open(self.log, "a")
        self.proc = subprocess.Popen(args, stdout=logf, stderr=logf)
        logf.close()
        deadline = time.time() + 60
        while time.time() < deadline:
            if os.path.exists(ready):
                with open(ready) as f:
                    self.ep = json.load(f)
                return self
            if self.proc.poll() is not None:
                fail("broker exited with %s; log:\n%s" % (self.proc.returncode, self.tail()))
            time.sleep(0.02)
        fail("broker not ready in 60 s")

    def tail(self, n=40):
        try:
            with open(self.log) as f:
                return "".join(f.readlines()[-n:])
        except OSError:
            return ""

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(5)

    def stop(self):
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
            try:
                return self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                fail("broker did not stop on SIGTERM")
        return self.proc.returncode if self.proc else None

    def cleanup(self):
        if self.alive():
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)


class Client:
    """A DEALER on one of the broker's ROUTER endpoints."""

    def __init__(self, ctx, endpoint, identity=None):
        self.s = ctx.socket(zmq.DEALER)
        self.s.setsockopt(zmq.LINGER, 0)
        if identity:
            self.s.setsockopt(zmq.IDENTITY, identity)
        self.s.connect(endpoint)

    def send(self, cmd, payload=None, **fields):
        frames = [header(cmd, **fields)]
        if payload is not None:
            frames.append(payload if isinstance(payload, bytes) else pack(payload))
        self.s.send_multipart(frames)

    def send_raw(self, frames):
        self.s.send_multipart(frames)

    def recv(self, timeout=5.0):
        """(header dict, payload bytes or None), or None on timeout."""
        if not self.s.poll(int(timeout * 1000)):
            return None
        frames = self.s.recv_multipart()
        h = unpack(frames[0])
        return h, (frames[1] if len(frames) > 1 else None)

    def close(self):
        self.s.close(0)


class Producer(Client):
    def __init__(self, ctx, broker):
        super().__init__(ctx, broker.ep["producers"])
        self.corr = 0

    def put(self, it, timeout=30.0):
        self.corr += 1
        self.send("PUT", it, corr=self.corr)
        r = self.recv(timeout)
        check(r is not None, "no reply to PUT %r" % (it.get("id"),))
        h, _ = r
        check(h.get("corr") == self.corr, "corr mismatch %r" % h)
        return h


class Worker(Client):
    """A fake worker. handle(job, attempt, item) returns 'done', 'fail', 'keep'
    (hold it, answer nothing) or 'silent' (stop talking entirely)."""

    def __init__(self, ctx, broker, name="fake", credit=1, identity=None):
        super().__init__(ctx, broker.ep["workers"], identity)
        self.name = name
        self.credit = credit
        self.held = []
        self.got = []
        self.silent = False
        self.crashed = False
        self.last_hb = 0.0
        self.send("READY", credit=credit, name=name, threads=1, dictionaries="none")

    def serve(self, seconds, handle, until=None):
        end = time.time() + seconds
        while time.time() < end and not self.crashed:
            if until and until():
                return True
            if not self.silent and time.time() - self.last_hb > 0.05:
                self.send("HB")
                self.last_hb = time.time()
            r = self.recv(0.02)
            if r is None:
                continue
            h, p = r
            if h["cmd"] == "ERROR":
                self.send("READY", credit=self.credit, name=self.name, threads=1,
                          dictionaries="none")
                continue
            if h["cmd"] != "JOB":
                continue
            it = unpack(p)
            check(h.get("id") and it.get("id", h["id"]) == h["id"], "JOB id %r" % h)
            it.setdefault("id", h["id"])
            self.got.append((h["job"], h["attempt"], it["id"]))
            what = handle(h["job"], h["attempt"], it)
            if what == "done":
                self.send("DONE", result_for(it, h["job"]), job=h["job"])
            elif what == "fail":
                self.send("FAIL", job=h["job"], code="EVALUE", reason="fake failure")
            elif what == "crash":  # like a process that exits: no BYE, no heartbeats
                self.crashed = True
                self.s.close(0)
                return False
            elif what == "silent":
                self.silent = True
                self.held.append(h["job"])
            else:
                self.held.append(h["job"])
        return until() if until else True


class Subscriber:
    def __init__(self, ctx, broker, hwm=None):
        self.s = ctx.socket(zmq.SUB)
        self.s.setsockopt(zmq.LINGER, 0)
        if hwm is not None:
            self.s.setsockopt(zmq.RCVHWM, hwm)
        self.s.setsockopt(zmq.SUBSCRIBE, TOPIC)
        self.s.connect(broker.ep["subscribers"])

    def recv(self, timeout=1.0):
        if not self.s.poll(int(timeout * 1000)):
            return None
        frames = self.s.recv_multipart()
        check(frames[0] == TOPIC and len(frames) == 3, "bad RESULT frames %r" % frames[:2])
        return unpack(frames[1]), unpack(frames[2])

    def drain(self, timeout=0.3):
        out = []
        while True:
            r = self.recv(timeout)
            if r is None:
                return out
            out.append(r)

    def close(self):
        self.s.close(0)


class Control(Client):
    def __init__(self, ctx, broker):
        super().__init__(ctx, broker.ep["replay"])

    def stats(self):
        self.send("STATS", corr=7)
        r = self.recv(30)
        check(r is not None and r[0]["cmd"] == "STATS", "no STATS reply")
        check(r[0].get("corr") == 7, "STATS corr not echoed")
        return r[0]["stats"]

    def replay_all(self, frm=1, count=None):
        """Every result from frm, repeating REPLAY until the end: {rseq: (hdr, result)}."""
        got = {}
        end = None
        for _ in range(1000):
            f = {"from": frm}
            if count:
                f["count"] = count
            self.send("REPLAY", **f)
            while True:
                r = self.recv(30)
                check(r is not None, "REPLAY: no reply")
                h, p = r
                if h["cmd"] == "RESULT":
                    got[h["seq"]] = (h, unpack(p))
                    continue
                check(h["cmd"] == "REPLAY_END", "REPLAY: unexpected %r" % h)
                end = h
                break
            if end["next"] > end["last"] or end["next"] == frm:
                return got, end
            frm = end["next"]
        return got, end

    def dead(self, frm=0):
        self.send("DEAD", **{"from": frm})
        out = []
        while True:
            r = self.recv(30)
            check(r is not None, "DEAD: no reply")
            h, p = r
            if h["cmd"] == "DEAD_END":
                return out, h
            check(h["cmd"] == "DEAD_ITEM", "DEAD: unexpected %r" % h)
            out.append((h, unpack(p) if p else None))


def run(test, seconds=200):
    """Run test(broker_factory) with cleanup and a hard time bound (generous:
    a loaded machine or a sanitizer build is slow; CTest's own bound is 300 s)."""
    brokers = []

    def factory(config=None):
        b = Broker(config)
        brokers.append(b)
        return b

    def on_alarm(signum, frame):
        for b in brokers:
            print("--- broker log ---\n" + b.tail(60))
        fail("time bound of %d s exceeded" % seconds)

    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(seconds)
    ok = False
    try:
        test(factory)
        ok = True
    finally:
        if not ok:
            for b in brokers:
                print("--- broker log (%s) ---\n%s" % (b.tmp, b.tail(60)))
        for b in brokers:
            b.cleanup()
    print("PASS")
