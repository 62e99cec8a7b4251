"""harness.procs: the real programs on 127.0.0.1 with ephemeral ports:
wiretag-broker (it writes the endpoints it bound to a --ready-file),
wiretag-worker processes, `wiretag feed`; every process a test starts is
killed and every temporary folder removed at the end (run, run_e2e)."""
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time

from .core import binary, check, fail, skip
from .wire import Control, allow_list, curve_config, curve_keys, zmq

ENDPOINTS = ("producers", "workers", "subscribers", "replay")


class Broker:
    """A wiretag-broker process on a journal in its own temp dir. The config
    is `broker:` settings (test defaults: fast heartbeats, short job
    timeout, debug log) updated by `config`, or exactly `text` when given."""

    def __init__(self, config=None, tmp=None, text=None):
        self.tmp = tmp or tempfile.mkdtemp(prefix="wt-it-broker-")
        self.journal = os.path.join(self.tmp, "journal")
        self.config = os.path.join(self.tmp, "broker.yaml")
        with open(self.config, "w") as f:
            if text is not None:
                f.write(text)
            else:
                conf = {"heartbeat": "100ms", "liveness": 10, "job_timeout": "5s", "max_attempts": 3}
                conf.update(config or {})
                f.write("broker:\n")
                for k, v in conf.items():
                    f.write("  %s: %s\n" % (k, v))
                f.write("log:\n  level: debug\n")
        self.proc = None
        self.ep = None
        self.log = os.path.join(self.tmp, "broker.log")

    def enable_curve(self, keys, allowed):
        """CURVE on every endpoint: the broker's key pair, an allow-list directory."""
        with open(self.config, "a") as f:
            f.write("curve:\n  enabled: true\n  secret_key: %s\n  allowed_keys: %s\n" % (keys.key, allowed))
        return self

    def start(self, same_ports=False, env=None):
        """Start it (on the ports it had before with same_ports; with env as
        its environment when given) and wait for its ready file."""
        ready = os.path.join(self.tmp, "ready.json")
        if os.path.exists(ready):
            os.unlink(ready)
        eps = self.ep if (same_ports and self.ep) else {k: "tcp://127.0.0.1:*" for k in ENDPOINTS}
        args = [binary("wiretag-broker"), "-c", self.config, "--journal", self.journal, "--ready-file", ready]
        for k in ENDPOINTS:
            args += ["--" + k, eps[k]]
        logf = open(self.log, "a")
        self.proc = subprocess.Popen(args, stdout=logf, stderr=logf, env=env)
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

    def copy_journal(self, name, drop_lock=False):
        """A copy of the journal folder in tmp/NAME (without its lock file if
        drop_lock); returns its path."""
        d = os.path.join(self.tmp, name)
        shutil.copytree(self.journal, d)
        if drop_lock:
            os.unlink(os.path.join(d, "broker.lock"))
        return d

    def log_text(self):
        try:
            with open(self.log, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def tail(self, n=40):
        return "".join(self.log_text().splitlines(True)[-n:])

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


class Procs:
    """Every process a test starts, killed at the end whatever happens; each
    one's stderr (and stdout unless redirected) in tmp/NAME.log."""

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


def worker_config(tmp, heartbeat="100ms", extra="", liveness=10):
    """A worker config (tmp/worker.yaml): fast heartbeats and reconnects;
    `extra` goes on in the worker: section or adds sections. A broker silent
    for liveness x heartbeat is reconnected to: 10, as the test brokers'
    own liveness (Broker), so that a loaded machine or a sanitizer build
    does not make the worker drop a live broker over and over."""
    path = os.path.join(tmp, "worker.yaml")
    with open(path, "w") as f:
        f.write("worker:\n  heartbeat: %s\n  reconnect_min: 50ms\n  reconnect_max: 500ms\n%s"
                "broker:\n  liveness: %d\n" % (heartbeat, extra, liveness))
    return path


def start_worker(procs, broker, name, threads=1, env=None, config=None):
    args = [binary("wiretag-worker"), "--broker", broker.ep["workers"], "--threads", str(threads),
            "--name", name]
    if config:
        args += ["-c", config]
    return procs.start(args, name, env=env)


def curve_pipeline(tmp, procs, new_broker, client):
    """A started broker with CURVE on and an allow-list of the keys "worker"
    and `client`, and a CURVE worker (w1); returns (broker, config of
    `client`, config of "outsider", a key that is not allowed)."""
    k = curve_keys(tmp, ("broker", "worker", client, "outsider"))
    b = new_broker().enable_curve(k["broker"], allow_list(tmp, (k["worker"], k[client])))
    b.start()
    wcfg = curve_config(tmp, "worker", k["worker"], k["broker"],
                        "worker:\n  heartbeat: 100ms\n  reconnect_min: 50ms\n  reconnect_max: 500ms\n"
                        "broker:\n  liveness: 10\n")  # as worker_config
    start_worker(procs, b, "w1", config=wcfg)
    return (b, curve_config(tmp, client, k[client], k["broker"]),
            curve_config(tmp, "outsider", k["outsider"], k["broker"]))


class Supervisor:
    """Restarts dead workers, as a service manager would, and records each
    death as (name, exit status). start(name) starts one worker."""

    def __init__(self, names, start):
        self.start_one = start
        self.workers = {n: start(n) for n in names}
        self.deaths = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stopping.is_set():
            for n, p in list(self.workers.items()):
                if p.poll() is not None:
                    self.deaths.append((n, p.returncode))
                    self.workers[n] = self.start_one(n)
            time.sleep(0.05)

    def stop(self):
        self.stopping.set()
        self.thread.join()


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


def sub_args(broker, *extra):
    """The command line of `wiretag sub` on broker's subscriber and replay endpoints."""
    return [binary("wiretag"), "sub", "--broker", broker.ep["subscribers"], "--replay",
            broker.ep["replay"], *extra]


def start_sub(procs, broker, *extra, name="sub", stdout=None):
    """`wiretag sub` on broker as a process of procs (its stderr in tmp/NAME.log)."""
    return procs.start(sub_args(broker, *extra), name, stdout=stdout)


def control(broker):
    return Control(zmq.Context.instance(), broker)


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


class _Session:
    """The processes, brokers and temp dir of one test, and its time bound."""

    def __init__(self, seconds, prefix):
        self.seconds = seconds
        self.tmp = tempfile.mkdtemp(prefix=prefix)
        self.procs = Procs(self.tmp)
        self.brokers = []

    def new_broker(self, config=None, text=None):
        d = os.path.join(self.tmp, "broker%d" % len(self.brokers))
        os.makedirs(d, exist_ok=True)
        b = Broker(config, tmp=d, text=text)
        self.brokers.append(b)
        return b

    def dump(self):
        for b in self.brokers:
            print("--- broker log (%s) ---\n%s" % (b.tmp, b.tail(60)))
        for p in self.procs.procs:
            print("--- %s (exit %s) ---\n%s" % (p.wt_name, p.poll(), self.procs.log(p.wt_name, 15)))

    def run(self, call):
        def on_alarm(signum, frame):
            self.dump()
            fail("time bound of %d s exceeded" % self.seconds)

        signal.signal(signal.SIGALRM, on_alarm)
        signal.alarm(self.seconds)
        ok = False
        try:
            call()
            ok = True
        finally:
            signal.alarm(0)
            if not ok:
                self.dump()
            self.procs.cleanup()
            for b in self.brokers:
                b.cleanup()
            if ok:
                shutil.rmtree(self.tmp, ignore_errors=True)
            else:
                print("--- the test's other files stay in %s ---" % self.tmp)
        print("PASS")


def run(test, seconds=200):
    """Run test(new_broker) with cleanup and a hard time bound (generous:
    a loaded machine or a sanitizer build is slow; CTest's own bound is 300 s)."""
    s = _Session(seconds, "wt-it-broker-")
    s.run(lambda: test(s.new_broker))


def run_e2e(test, seconds=240):
    """Run test(tmp, procs, new_broker) with a hard time bound and cleanup:
    the real programs, started through procs, logging into tmp."""
    s = _Session(seconds, "wt-e2e-")
    s.run(lambda: test(s.tmp, s.procs, s.new_broker))
