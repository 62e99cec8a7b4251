"""harness.wire: the broker's protocol (docs/PROTOCOL.md) spoken with
python3-zmq and python3-msgpack only: a producer, a fake worker, a
subscriber, a replay/control client, and CURVE keys for any of them."""
import os
import subprocess
import sys
import time

from .core import binary, check

try:
    import msgpack
    import zmq
except ImportError as e:  # pragma: no cover
    print("SKIP: python3-zmq / python3-msgpack missing: %s (apt-get install python3-zmq python3-msgpack)" % e)
    sys.exit(77)

V = 1
TOPIC = b"wt.result"


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


class Keys:
    """A key pair from `wiretag keygen DIR/NAME`: .key and .pub are the
    files, .public and .secret the Z85 keys (bytes) for a python3-zmq socket."""

    def __init__(self, base):
        self.key, self.pub = base + ".key", base + ".pub"
        fields = {}
        with open(self.key) as f:
            for line in f:
                if "=" in line and not line.startswith("#"):
                    k, v = line.split("=", 1)
                    fields[k.strip()] = v.strip().strip('"')
        self.public = fields["public-key"].encode()
        self.secret = fields["secret-key"].encode()


def keygen(tmp, name):
    """Keys of a new pair TMP/NAME.{key,pub} made by `wiretag keygen`."""
    base = os.path.join(tmp, name)
    p = subprocess.run([binary("wiretag"), "keygen", base], capture_output=True, text=True)
    check(p.returncode == 0, "keygen %s: %s" % (name, p.stderr))
    return Keys(base)


def curve_keys(tmp, names):
    """{name: Keys} of a new pair for each name (TMP/NAME.{key,pub})."""
    return {n: keygen(tmp, n) for n in names}


def allow_list(tmp, keys, name="allowed"):
    """A curve.allowed_keys directory TMP/NAME holding a copy of each of keys' public key."""
    d = os.path.join(tmp, name)
    os.makedirs(d, exist_ok=True)
    for k in keys:
        with open(k.pub) as src, open(os.path.join(d, os.path.basename(k.pub)), "w") as dst:
            dst.write(src.read())
    return d


def curve_config(tmp, name, keys, server, extra=""):
    """A client config (tmp/NAME.yaml) with CURVE on: its own key pair and the broker's public key."""
    path = os.path.join(tmp, name + ".yaml")
    with open(path, "w") as f:
        f.write("curve:\n  enabled: true\n  secret_key: %s\n  server_key: %s\n%s" %
                (keys.key, server.pub, extra))
    return path


class Client:
    """A socket (a DEALER unless told) on one of the broker's endpoints;
    curve=(keys, server keys) makes it a CURVE client."""

    def __init__(self, ctx, endpoint, identity=None, kind=None, curve=None):
        self.s = ctx.socket(kind if kind is not None else zmq.DEALER)
        self.s.setsockopt(zmq.LINGER, 0)
        if identity:
            self.s.setsockopt(zmq.IDENTITY, identity)
        if curve:
            mine, server = curve
            self.s.curve_publickey, self.s.curve_secretkey = mine.public, mine.secret
            self.s.curve_serverkey = server.public
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

    def request(self, frames, timeout=3.0):
        """Send raw frames; the reply's header dict, or None on timeout."""
        self.s.send_multipart(frames)
        r = self.recv(timeout)
        return r[0] if r else None

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


def put_all(prod, items, worker=None):
    """PUT each item, each must be ACKed; a fake worker, if given, answers
    DONE to the jobs it gets in between (a millisecond after each PUT)."""
    for it in items:
        h = prod.put(it)
        check(h["cmd"] == "ACK", "ACK %r" % h)
        if worker is not None:
            worker.serve(0.001, lambda job, att, it: "done")


def journal_with_marks(ctx, broker):
    """Journal 300 items of ~1.8 KB and the results of the first 100 (the
    rest held by a fake worker), then stop the broker cleanly. Item 50's
    result carries RESMARK0050 and item 200's queued payload PAYMARK0200,
    to find them in data.mdb."""
    prod = Producer(ctx, broker)
    for i in range(1, 301):
        mark = " RESMARK%04d" % i if i == 50 else " PAYMARK%04d" % i if i == 200 else ""
        check(prod.put(item(i, "Item %d.%s " % (i, mark) + "words " * 300))["cmd"] == "ACK",
              "PUT %d" % i)
    ctl = Control(ctx, broker)
    w = Worker(ctx, broker, credit=4)
    w.serve(20, lambda job, att, it: "done" if job <= 100 else "keep",
            until=lambda: ctl.stats()["last_rseq"] >= 100)
    for c in (w, prod, ctl):
        c.close()
    check(broker.stop() == 0, "clean stop")


class Subscriber:
    """A SUB on the broker's results (topic wt.result). curve=(keys, server keys)."""

    def __init__(self, ctx, broker, hwm=None, curve=None):
        self.s = ctx.socket(zmq.SUB)
        self.s.setsockopt(zmq.LINGER, 0)
        if hwm is not None:
            self.s.setsockopt(zmq.RCVHWM, hwm)
        if curve:
            mine, server = curve
            self.s.curve_publickey, self.s.curve_secretkey = mine.public, mine.secret
            self.s.curve_serverkey = server.public
        self.s.setsockopt(zmq.SUBSCRIBE, TOPIC)
        self.s.connect(broker.ep["subscribers"])
        self.results = {}  # seq -> (header, result), filled by gather()
        self.seen_ids = set()  # the item ids among them
        self.dups = 0  # a sequence number published twice, seen by gather()

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

    def gather(self, seconds, until=None):
        """Collect results into self.results (counting sequence numbers seen
        twice in self.dups) for `seconds`, or until until(self) holds."""
        end = time.time() + seconds
        while time.time() < end:
            if until is not None and until(self):
                break
            r = self.recv(0.2)
            if r is None:
                continue
            h, res = r
            if h["seq"] in self.results:
                self.dups += 1
            self.results.setdefault(h["seq"], (h, res))
            self.seen_ids.add(res.get("id"))
        return self.results

    def ids(self):
        """The item ids of the results gathered, in sequence order, repeats kept."""
        return [res.get("id") for _, (h, res) in sorted(self.results.items())]

    def close(self):
        self.s.close(0)


class Control(Client):
    def __init__(self, ctx, broker, curve=None):
        super().__init__(ctx, broker.ep["replay"], curve=curve)

    def stats(self):
        self.send("STATS", corr=7)
        r = self.recv(30)
        check(r is not None and r[0]["cmd"] == "STATS", "no STATS reply")
        check(r[0].get("corr") == 7, "STATS corr not echoed")
        return r[0]["stats"]

    def wait_subscriptions(self, n, seconds=30):
        """Until the broker counts n subscriptions (no result may go out before)."""
        deadline = time.time() + seconds
        while self.stats()["subscriptions"] < n:
            check(time.time() < deadline, "the broker never saw %d subscription(s)" % n)
            time.sleep(0.02)

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
