"""e2eutil.py: helpers for the end-to-end tests (tests/it_e2e_*.py).

The real programs, all on 127.0.0.1 with ephemeral ports: wiretag-broker
(started through wtbroker.Broker, which reads its --ready-file),
wiretag-worker processes, `wiretag feed` and `wiretag sub`. Items are
sentences we write here. Not a test itself (no it_ prefix).
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wtbroker  # noqa: E402
from wtbroker import check, fail, skip, unpack  # noqa: E402,F401

BIN = os.environ.get("WT_BIN", "build/bin")

# Sentences of our own; items differ by number so that ids (hashes) differ.
SENTENCES = [
    "The mayor of Springfield said the new bridge would open in May.",
    "Finance ministers met in Geneva to discuss the price of wheat.",
    "\"We will not raise taxes this year,\" the governor told reporters.",
    "Parliament voted to extend the school year by two weeks.",
    "The central bank kept interest rates unchanged on Thursday.",
    "Health officials opened three new clinics in rural districts.",
    "Farmers in France protested against the new fuel tax.",
]


def binary(name):
    p = os.path.join(BIN, name)
    if not os.access(p, os.X_OK):
        skip("%s not built" % p)
    return p


def write_items(path, n, prefix="it", poison_at=None, poison=None):
    """A JSON Lines file of n items with ids prefix-0..n-1; returns the ids."""
    ids = []
    with open(path, "w") as f:
        for i in range(n):
            text = "Report %d. %s %s" % (i, SENTENCES[i % len(SENTENCES)],
                                        SENTENCES[(i * 7 + 3) % len(SENTENCES)])
            if poison_at is not None and i == poison_at:
                text += " " + poison
            d = {"id": "%s-%d" % (prefix, i), "text": text, "published": "2024-05-%02d" % (1 + i % 28)}
            f.write(json.dumps(d) + "\n")
            ids.append(d["id"])
    return ids


class Procs:
    """Every process a test starts, killed at the end whatever happens."""

    def __init__(self, tmp):
        self.tmp = tmp
        self.procs = []

    def start(self, args, name, env=None, stdout=None, stdin=None):
        log = open(os.path.join(self.tmp, name + ".log"), "a")
        e = dict(os.environ)
        e.update(env or {})
        p = subprocess.Popen(args, stdout=stdout if stdout is not None else log, stderr=log, env=e,
                             stdin=stdin)
        p.wt_name = name
        log.close()
        self.procs.append(p)
        return p

    def log(self, name, n=30):
        try:
            with open(os.path.join(self.tmp, name + ".log")) as f:
                return "".join(f.readlines()[-n:])
        except OSError:
            return ""

    def cleanup(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait()


def worker_config(tmp, heartbeat="100ms", extra=""):
    path = os.path.join(tmp, "worker.yaml")
    with open(path, "w") as f:
        f.write("worker:\n  heartbeat: %s\n  reconnect_min: 50ms\n  reconnect_max: 500ms\n%s" %
                (heartbeat, extra))
    return path


def start_worker(procs, broker, name, threads=1, env=None, config=None):
    args = [binary("wiretag-worker"), "--broker", broker.ep["workers"], "--threads", str(threads),
            "--name", name]
    if config:
        args += ["-c", config]
    return procs.start(args, name, env=env)


def feed(procs, broker, paths, name="feed", extra=None, wait=True, timeout=60):
    args = [binary("wiretag"), "feed", "--broker", broker.ep["producers"], "--no-progress"]
    args += (extra or []) + list(paths)
    p = procs.start(args, name)
    if wait:
        try:
            p.wait(timeout)
        except subprocess.TimeoutExpired:
            fail("feed did not finish in %d s:\n%s" % (timeout, procs.log(name)))
    return p


def wait_for(cond, seconds, what):
    """Poll cond (observable state: STATS, files, processes) until it holds.
    Never less than 60 s: the wait only ends early when cond holds, and a
    loaded machine or a sanitizer build must not turn slowness into a FAIL."""
    end = time.time() + max(seconds, 60)
    while time.time() < end:
        if cond():
            return
        time.sleep(0.05)
    fail("timed out after %d s waiting for %s" % (max(seconds, 60), what))


def control(broker):
    ctx = wtbroker.zmq.Context.instance()
    return wtbroker.Control(ctx, broker)


def stats(broker):
    c = control(broker)
    try:
        return c.stats()
    finally:
        c.close()


def replay_all(broker):
    """{result seq: result dict} for every result the broker has."""
    c = control(broker)
    try:
        got, _ = c.replay_all(1)
    finally:
        c.close()
    return {seq: res for seq, (h, res) in got.items()}


def check_exactly_once(results, ids, what=""):
    """Results: {seq: result}. Every id once, seqs 1..n without a hole."""
    seqs = sorted(results)
    check(seqs == list(range(1, len(seqs) + 1)), "%s result seqs not 1..n: %r" % (what, seqs[:20]))
    seen = {}
    for seq in seqs:
        rid = results[seq].get("id")
        check(rid not in seen, "%s item %s published twice (seq %d and %d)" %
              (what, rid, seen.get(rid, 0), seq))
        seen[rid] = seq
    missing = set(ids) - set(seen)
    check(not missing, "%s %d item(s) never published, e.g. %r" % (what, len(missing), sorted(missing)[:5]))
    extra = set(seen) - set(ids)
    check(not extra, "%s unexpected items published: %r" % (what, sorted(extra)[:5]))


def read_jsonl(path):
    out = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line:
                out.append(json.loads(line))
    return out


def run(test, seconds=240):
    """Run test(tmp, procs, new_broker) with a hard time bound and cleanup."""
    tmp = tempfile.mkdtemp(prefix="wt-e2e-")
    procs = Procs(tmp)
    brokers = []

    def new_broker(config=None):
        d = os.path.join(tmp, "broker%d" % len(brokers))
        os.makedirs(d, exist_ok=True)
        b = wtbroker.Broker(config, tmp=d)
        brokers.append(b)
        return b

    def dump():
        for b in brokers:
            print("--- broker log (%s) ---\n%s" % (b.tmp, b.tail(40)))
        for p in procs.procs:
            print("--- %s (exit %s) ---\n%s" % (p.wt_name, p.poll(), procs.log(p.wt_name, 15)))

    def on_alarm(signum, frame):
        dump()
        fail("time bound of %d s exceeded" % seconds)

    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(seconds)
    ok = False
    try:
        test(tmp, procs, new_broker)
        ok = True
    finally:
        signal.alarm(0)
        if not ok:
            dump()
        procs.cleanup()
        for b in brokers:
            b.cleanup()
        if ok:
            subprocess.call(["rm", "-rf", tmp])
    print("PASS")


def tcp_queues(port):
    """What the kernel holds of the TCP connections to 127.0.0.1:port at this
    moment, from /proc/net/tcp{,6}: {"client_rx": bytes the clients have not
    read, "client_tx": bytes they sent that were not yet acknowledged,
    "server_rx", "server_tx": the same on the server's (listening port's) side}."""
    q = {"client_rx": 0, "client_tx": 0, "server_rx": 0, "server_tx": 0}
    found = readable = False
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(name) as f:
                lines = f.readlines()[1:]
            readable = True
        except OSError:
            continue
        for line in lines:
            col = line.split()
            if len(col) < 5 or col[3] != "01":  # ESTABLISHED only
                continue
            local, remote = int(col[1].rsplit(":", 1)[1], 16), int(col[2].rsplit(":", 1)[1], 16)
            txq, rxq = (int(x, 16) for x in col[4].split(":"))
            if remote == port:
                q["client_rx"] += rxq
                q["client_tx"] += txq
                found = True
            elif local == port:
                q["server_rx"] += rxq
                q["server_tx"] += txq
    if not readable:
        skip("/proc/net/tcp is not readable: this test needs Linux's /proc mounted")
    check(found, "no connection to port %d in /proc/net/tcp" % port)
    return q


def port_of(endpoint):
    return int(endpoint.rsplit(":", 1)[1])


def result_sizes(broker, frm, to):
    """{result seq: bytes of its payload} for results frm..to (by REPLAY);
    on the wire a RESULT is this plus a header and the topic (under 256 bytes)."""
    c = control(broker)
    sizes = {}
    try:
        while frm <= to:
            c.send("REPLAY", **{"from": frm, "count": min(500, to - frm + 1)})
            while True:
                r = c.recv(10)
                check(r is not None, "REPLAY: no reply")
                h, p = r
                if h["cmd"] != "RESULT":
                    check(h["cmd"] == "REPLAY_END", "REPLAY: unexpected %r" % h)
                    break
                sizes[h["seq"]] = len(p or b"")
            check(h["next"] > frm, "REPLAY from %d made no progress: %r" % (frm, h))
            frm = h["next"]
    finally:
        c.close()
    return sizes

