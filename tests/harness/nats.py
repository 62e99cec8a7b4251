"""harness.nats: the NATS JetStream tests' part (tests/it_nats_*.py).

Real nats-server processes (Debian's nats-server, installed by
scripts/deps.sh test) on 127.0.0.1, one node or a cluster, with config
files written here, ports picked by the kernel and JetStream stores in the
test's temporary folder. The wiretag programs run with --nats.
"""
import json
import os
import shutil
import socket
import subprocess
import time

from .core import binary, check, fail, skip
from .core import check_exactly_once as _check_once

# libnats 3.4.1 leaks a publish-ack reply now and then at exit (see the file)
_SUPP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lsan-libnats.supp")
_LO = os.environ.get("LSAN_OPTIONS", "")
if _SUPP not in _LO:
    os.environ["LSAN_OPTIONS"] = (_LO + ":" if _LO else "") + "suppressions=" + _SUPP


def nats_server_bin():
    p = shutil.which("nats-server")
    if not p:
        skip("nats-server is not installed (sh scripts/deps.sh test)")
    return p


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def nats_built():
    """Skip when wiretag was built without libnats."""
    r = subprocess.run([binary("wiretag"), "nats-init", "--help"], capture_output=True, text=True)
    if r.returncode != 0:
        skip("wiretag built without NATS support: " + r.stderr.strip())


def under_asan():
    build = os.environ.get("WT_BUILD", "")
    try:
        with open(os.path.join(build, "CMakeCache.txt")) as f:
            return "WT_SANITIZE:BOOL=ON" in f.read()
    except OSError:
        return False


class Node:
    """One nats-server with JetStream; part of a cluster when routes are given."""

    def __init__(self, procs, tmp, name, cluster=None):
        self.procs, self.name = procs, name
        self.port = free_port()
        self.cport = free_port() if cluster else None
        self.dir = os.path.join(tmp, name)
        os.makedirs(self.dir, exist_ok=True)
        self.conf = os.path.join(self.dir, "nats.conf")
        self.cluster = cluster
        self.proc = None

    def url(self):
        return "nats://127.0.0.1:%d" % self.port

    def write_conf(self, peers=()):
        lines = [
            "server_name: %s" % self.name,
            "listen: 127.0.0.1:%d" % self.port,
            "jetstream {",
            '  store_dir: "%s"' % os.path.join(self.dir, "js"),
            "  max_memory_store: 256MB",
            "  max_file_store: 4GB",
            "}",
        ]
        if self.cluster:
            lines += ["cluster {", "  name: %s" % self.cluster,
                      "  listen: 127.0.0.1:%d" % self.cport, "  routes: ["]
            lines += ["    nats-route://127.0.0.1:%d" % p.cport for p in peers if p is not self]
            lines += ["  ]", "}"]
        with open(self.conf, "w") as f:
            f.write("\n".join(lines) + "\n")

    def start(self):
        self.proc = self.procs.start([nats_server_bin(), "-c", self.conf], "nats-" + self.name)
        end = time.time() + 30
        while time.time() < end:
            if self.proc.poll() is not None:
                fail("nats-server %s exited %s:\n%s" % (self.name, self.proc.returncode,
                                                          self.procs.log("nats-" + self.name)))
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.5).close()
                return self
            except OSError:
                time.sleep(0.05)
        fail("nats-server %s does not listen on %d" % (self.name, self.port))

    def kill9(self):
        self.proc.kill()
        self.proc.wait()


def single(procs, tmp):
    n = Node(procs, tmp, "n1")
    n.write_conf()
    return n.start()


def cluster(procs, tmp, size=3):
    nodes = [Node(procs, tmp, "n%d" % (i + 1), cluster="wt") for i in range(size)]
    for n in nodes:
        n.write_conf(nodes)
    for n in nodes:
        n.start()
    return nodes


def config(tmp, text):
    path = os.path.join(tmp, "wiretag-nats.yaml")
    with open(path, "w") as f:
        f.write(text)
    return path


def run(args, timeout=60):
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout)


def nats_init(urls, cfg, extra=()):
    r = run([binary("wiretag"), "nats-init", "--nats", urls, "-c", cfg, *extra], timeout=90)
    check(r.returncode == 0, "nats-init exit %d:\n%s%s" % (r.returncode, r.stdout, r.stderr))
    return r.stdout


def stats(urls, cfg):
    r = run([binary("wiretag"), "stats", "--nats", urls, "-c", cfg, "--json"], timeout=60)
    check(r.returncode == 0, "stats exit %d: %s" % (r.returncode, r.stderr))
    return json.loads(r.stdout)


def start_worker(procs, urls, cfg, name, threads=2, env=None):
    return procs.start([binary("wiretag-worker"), "--nats", urls, "-c", cfg, "--threads",
                        str(threads), "--name", name], name, env=env)


def sub_all(urls, cfg, count, timeout=120, extra=()):
    """Every result from sequence 1 (a late subscriber): [(seq, result)]."""
    r = run([binary("wiretag"), "sub", "--nats", urls, "-c", cfg, "--from", "1", "--count",
             str(count), "--idle", "20", "--json", *extra], timeout=timeout)
    check(r.returncode == 0, "sub exit %d: %s" % (r.returncode, r.stderr))
    out = [json.loads(line) for line in r.stdout.splitlines() if line.strip()]
    return [(d["seq"], d) for d in out]


def check_exactly_once(pairs, ids, what=""):
    """pairs from sub_all: seqs 1..n in order, every id once, nothing else."""
    seqs = [s for s, _ in pairs]
    check(seqs == list(range(1, len(seqs) + 1)), "%s result seqs not 1..n: %r" % (what, seqs[:20]))
    _check_once({s: d for s, d in pairs}, ids, what)
