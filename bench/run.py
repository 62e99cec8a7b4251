#!/usr/bin/python3
"""bench/run.py: wiretag's benchmark, one command, one table.

    sh bench/run.sh [--quick] [--corpus FILE] [--sections annotate,formats,scaling,broker,e2e,memory,patho]

Runs on ../shared/corpus/news.jsonl (5,810 Wikinews articles) by default and
prints one table: annotate throughput next to its baselines (text layer only,
item copy), worker scaling, the broker with no-op workers next to a plain
ZeroMQ PUSH/PULL pipeline moving the same items (per fsync policy) and
the same items through NATS JetStream R1 and R3 (docs/NATS.md),
end-to-end max rate and latency at 25/50/90% of it, memory, and
pathological texts next to normal text. Timing never runs as a unit test.
Everything binds 127.0.0.1 with ephemeral ports and a temporary journal.
"""
import argparse
import json
import os
import platform
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import msgpack
import zmq

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
BIN = os.environ.get("WT_BIN") or os.path.join(ROOT, "build", "bin")
ROWS = []


def row(section, what, value, unit, target="", note=""):
    ROWS.append((section, what, value, unit, target, note))
    print(f"  {section:10s} {what:44s} {value:>12} {unit:10s} {target:14s} {note}", flush=True)


def kv(line):
    return dict(p.split("=", 1) for p in line.split() if "=" in p)


def run_bench_annotate(path, *args):
    r = subprocess.run([os.path.join(BIN, "wiretag-bench-annotate"), *args, path],
                       capture_output=True, text=True, timeout=1800)
    if r.returncode != 0:
        raise SystemExit("wiretag-bench-annotate failed: " + r.stderr)
    return kv(r.stdout.strip().splitlines()[-1])


def load_items(path, limit=None):
    items = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            it = {"id": d["id"], "text": d["text"]}
            for k in ("title", "published", "source"):
                if d.get(k):
                    it[k] = d[k]
            items.append(it)
            if limit and len(items) >= limit:
                break
    return items


class Broker:
    """A wiretag-broker on ephemeral ports with a temporary journal."""

    def __init__(self, tmp, fsync="always", extra_cfg=""):
        self.dir = tempfile.mkdtemp(dir=tmp, prefix="broker-")
        cfg = os.path.join(self.dir, "wiretag.yaml")
        with open(cfg, "w") as f:
            f.write(f"broker:\n  fsync: {fsync}\n{extra_cfg}")
        ready = os.path.join(self.dir, "ready.json")
        ep = "tcp://127.0.0.1:*"
        self.proc = subprocess.Popen(
            [os.path.join(BIN, "wiretag-broker"), "-c", cfg, "--producers", ep, "--workers", ep,
             "--subscribers", ep, "--replay", ep, "--journal", os.path.join(self.dir, "journal"),
             "--ready-file", ready], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        t0 = time.time()
        while not os.path.exists(ready) or os.path.getsize(ready) == 0:
            if time.time() - t0 > 20 or self.proc.poll() is not None:
                raise SystemExit("broker did not start")
            time.sleep(0.05)
        time.sleep(0.05)
        self.ep = json.load(open(ready))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()

    def rss_mb(self):
        return rss_mb(self.proc.pid)


def rss_mb(pid, field="VmHWM"):
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return 0.0


def ep_of(broker, key):
    v = broker.ep.get(key)
    if v is None:
        for k in broker.ep:
            if k.startswith(key[:4]):
                return broker.ep[k]
    return v


def start_workers(broker, n, noop, threads=1):
    procs = []
    for _ in range(n):
        if noop:
            cmd = [os.path.join(BIN, "wiretag-bench-noop-worker"), "--broker", ep_of(broker, "workers"),
                   "--credit", "64"]
        else:
            cmd = [os.path.join(BIN, "wiretag-worker"), "--broker", ep_of(broker, "workers"),
                   "--threads", str(threads)]
        procs.append(subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    return procs


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start_nats(tmp, size):
    """size nats-server processes with JetStream (a cluster when size > 1) on
    127.0.0.1; returns (procs, comma-separated client URLs)."""
    d = tempfile.mkdtemp(dir=tmp, prefix="nats-")
    ports = [(free_port(), free_port()) for _ in range(size)]
    procs = []
    for i, (port, cport) in enumerate(ports):
        conf = os.path.join(d, f"n{i}.conf")
        with open(conf, "w") as f:
            f.write(f"server_name: n{i}\nlisten: 127.0.0.1:{port}\n"
                    f"jetstream {{\n  store_dir: \"{d}/n{i}\"\n}}\n")
            if size > 1:
                routes = "".join(f"    nats-route://127.0.0.1:{c}\n" for j, (_, c) in enumerate(ports) if j != i)
                f.write(f"cluster {{\n  name: bench\n  listen: 127.0.0.1:{cport}\n  routes: [\n{routes}  ]\n}}\n")
        procs.append(subprocess.Popen(["nats-server", "-c", conf], stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL))
    for port, _ in ports:
        t0 = time.time()
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), 0.5).close()
                break
            except OSError:
                if time.time() - t0 > 20:
                    raise SystemExit("nats-server did not start")
                time.sleep(0.05)
    return procs, ",".join(f"nats://127.0.0.1:{p}" for p, _ in ports)


def nats_pipeline(tmp, replicas, path, count):
    """items/s of `wiretag feed --nats` -> 2 no-op workers -> `wiretag sub
    --nats`, from the start of the feed to the last result."""
    servers, urls = start_nats(tmp, 3 if replicas == 3 else 1)
    cfg = os.path.join(tmp, f"nats-r{replicas}.yaml")
    with open(cfg, "w") as f:
        f.write(f"nats:\n  prefix: bench\n  replicas: {replicas}\n")
    wt = os.path.join(BIN, "wiretag")
    r = subprocess.run([wt, "nats-init", "--nats", urls, "-c", cfg], capture_output=True, text=True,
                       timeout=120)
    if r.returncode != 0:
        stop_all(servers)
        raise SystemExit("nats-init failed: " + r.stderr)
    ws = [subprocess.Popen([os.path.join(BIN, "wiretag-bench-nats-noop-worker"), "--nats", urls, "-c", cfg,
                            "--threads", "4"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
          for _ in range(2)]
    sub = subprocess.Popen([wt, "sub", "--nats", urls, "-c", cfg, "--from", "1", "--count", str(count),
                            "--json"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    t0 = time.perf_counter()
    fd = subprocess.run([wt, "feed", "--nats", urls, "-c", cfg, "-q", "--window", "1024", path],
                        capture_output=True, text=True, timeout=900)
    t_feed = time.perf_counter() - t0
    try:
        sub.wait(900)
    except subprocess.TimeoutExpired:
        sub.kill()
    secs = time.perf_counter() - t0
    stop_all(ws)
    stop_all(servers)
    return count / secs, count / t_feed, fd.returncode


def stop_all(procs):
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p in procs:
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()


def hdr(cmd, **kw):
    d = {"v": 1, "cmd": cmd}
    d.update(kw)
    return msgpack.packb(d)


def pump(broker, payloads, rate=None, window=2000, timeout=600, subscribe=True, ids=None):
    """PUT every payload (at `rate` items/s when given), collect RESULTs.
    ids[i] is payload i's item id (for latency). Returns (seconds,
    latencies in ms, acked, results). Ids must be new to the broker: a
    re-sent id is deduplicated (ACKed, not processed again)."""
    ctx = zmq.Context.instance()
    prod = ctx.socket(zmq.DEALER)
    prod.setsockopt(zmq.LINGER, 0)
    prod.connect(ep_of(broker, "producers"))
    sub = None
    if subscribe:
        sub = ctx.socket(zmq.SUB)
        sub.setsockopt(zmq.LINGER, 0)
        sub.setsockopt(zmq.RCVHWM, 0)
        sub.setsockopt(zmq.SUBSCRIBE, b"wt.result")
        sub.connect(ep_of(broker, "subscribers"))
        time.sleep(0.3)  # slow joiner: the subscription must reach the broker first
    poller = zmq.Poller()
    poller.register(prod, zmq.POLLIN)
    if sub:
        poller.register(sub, zmq.POLLIN)
    sent_at = {}
    lat = []
    acked = results = 0
    n = len(payloads)
    i = 0
    t0 = time.perf_counter()
    deadline = t0 + timeout
    while (acked < n or (subscribe and results < n)) and time.perf_counter() < deadline:
        now = time.perf_counter()
        while i < n and i - acked < window and (rate is None or i < (now - t0) * rate):
            prod.send_multipart([hdr("PUT", corr=i), payloads[i]], copy=False)
            if ids is not None:
                sent_at[ids[i]] = time.perf_counter()
            i += 1
            if rate is not None:
                break
        wait = 0 if (i < n and i - acked < window and rate is None) else 1
        if rate is not None and i < n:
            wait = max(0, int(((i / rate) - (time.perf_counter() - t0)) * 1000))
        for s, _ in poller.poll(wait):
            if s is prod:
                while True:
                    try:
                        fr = prod.recv_multipart(zmq.NOBLOCK)
                    except zmq.Again:
                        break
                    acked += 1
            elif s is sub:
                while True:
                    try:
                        fr = sub.recv_multipart(zmq.NOBLOCK)
                    except zmq.Again:
                        break
                    h = msgpack.unpackb(fr[1])
                    results += 1
                    key = h.get("id")
                    if key in sent_at:
                        lat.append((time.perf_counter() - sent_at.pop(key)) * 1000.0)
    secs = time.perf_counter() - t0
    prod.close()
    if sub:
        sub.close()
    return secs, lat, acked, results


def pct(vals, p):
    if not vals:
        return float("nan")
    v = sorted(vals)
    return v[min(len(v) - 1, int(len(v) * p))]


def encode_items(items, prefix="b"):
    """MessagePack items with unique ids prefix0, prefix1, ...; returns (payloads, ids)."""
    out, ids = [], []
    for k, it in enumerate(items):
        d = dict(it)
        d["id"] = f"{prefix}{k}"
        ids.append(d["id"])
        out.append(msgpack.packb(d))
    return out, ids


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=os.path.join(ROOT, "..", "shared", "corpus", "news.jsonl"))
    ap.add_argument("--quick", action="store_true", help="smaller counts (about 2 minutes)")
    ap.add_argument("--sections", default="annotate,formats,scaling,broker,e2e,memory,patho")
    a = ap.parse_args()
    if not os.path.exists(a.corpus):
        raise SystemExit(f"{a.corpus}: not found; give --corpus FILE.jsonl (one item per line)")
    sections = set(a.sections.split(","))
    tmp = tempfile.mkdtemp(prefix="wt-bench-")
    print(f"wiretag benchmark: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, "
          f"corpus {a.corpus} ({os.path.getsize(a.corpus) / 1e6:.1f} MB)")
    print(f"  {'section':10s} {'what':44s} {'value':>12} {'unit':10s} {'target':14s} note")

    if "annotate" in sections:
        for mode in ("copy", "text", "full"):
            r = run_bench_annotate(a.corpus, "--mode", mode)
            tgt = ">= 50 MB/s" if mode == "full" else "(baseline)"
            row("annotate", f"1 thread, {mode}", r["mb_s"], "MB/s", tgt)
            if mode == "full":
                row("annotate", "1 thread, full: articles/s", r["items_s"], "items/s")
                row("annotate", "1 thread, full: latency p50 / p99", f"{r['p50_us']}/{r['p99_us']}", "us")
                row("annotate", "1 thread, full: peak RSS", r["peak_rss_mb"], "MB")
    if "formats" in sections:
        # JSON in/out and MessagePack of the annotated corpus: CPU time, best of 5 passes
        r = subprocess.run([os.path.join(BIN, "wiretag-bench-format"), "--repeat", "5", a.corpus],
                           capture_output=True, text=True, timeout=1800)
        if r.returncode != 0:
            raise SystemExit("wiretag-bench-format failed: " + r.stderr)
        f = kv(r.stdout.strip().splitlines()[-1])
        row("formats", "JSON in (wt_item_from_json), MB/s of JSON", f["json_in_json_mb_s"], "MB/s", ">= 150 MB/s")
        row("formats", "JSON out (wt_result_to_json), MB/s of JSON", f["json_out_json_mb_s"], "MB/s",
            ">= 150 MB/s", f"{f['json_out_mb_s']} MB/s of text")
        row("formats", "codec: wt_result_encode, MB/s of text", f["mp_enc_mb_s"], "MB/s")
        row("formats", "codec: wt_result_decode, MB/s of text", f["mp_dec_mb_s"], "MB/s")
    if "scaling" in sections:
        for t in (1, 2):
            r = run_bench_annotate(a.corpus, "--mode", "full", "--threads", str(t))
            row("scaling", f"annotate, {t} thread(s)", r["mb_s"], "MB/s", "", f"{r['items_s']} items/s")

    items = load_items(a.corpus)
    n_broker = 5000 if a.quick else 20000

    if "broker" in sections:
        r = subprocess.run([os.path.join(BIN, "wiretag-bench-pipeline"), "--workers", "2", "--count",
                            str(n_broker), a.corpus], capture_output=True, text=True, timeout=600)
        base = float(kv(r.stdout.strip())["items_s"])
        row("broker", "plain ZeroMQ PUSH/PULL, 2 no-op workers", f"{base:.0f}", "items/s", "(baseline)")
        for fsync in ("always", "interval", "never"):
            b = Broker(tmp, fsync)
            ws = start_workers(b, 2, noop=True)
            time.sleep(0.3)
            # the same C producer and items as the baseline, through the broker
            r = subprocess.run([os.path.join(BIN, "wiretag-bench-pipeline"), "--broker", ep_of(b, "producers"),
                                "--results", ep_of(b, "subscribers"), "--count", str(n_broker), a.corpus],
                               capture_output=True, text=True, timeout=900)
            stop_all(ws)
            b.stop()
            f = kv(r.stdout.strip().splitlines()[-1]) if r.stdout.strip() else {}
            rate = float(f.get("items_s", 0))
            tgt = ">= 50% of plain" if fsync == "always" else ""
            row("broker", f"broker, 2 no-op workers, fsync {fsync}", f"{rate:.0f}", "items/s", tgt,
                f"{100 * rate / base:.0f}% of plain; acked {f.get('acked', '?')}/{n_broker}")
        # the same items through NATS JetStream (docs/NATS.md), file storage
        if shutil.which("nats-server") and os.path.exists(os.path.join(BIN, "wiretag-bench-nats-noop-worker")):
            path = os.path.join(tmp, "nats-items.jsonl")
            with open(path, "w") as f:
                for k in range(n_broker):
                    d = dict(items[k % len(items)])
                    d["id"] = f"n{k}"
                    f.write(json.dumps(d) + "\n")
            for replicas in (1, 3):
                rate, feed_rate, rc = nats_pipeline(tmp, replicas, path, n_broker)
                where = "1 node" if replicas == 1 else "3-node cluster"
                row("broker", f"JetStream R{replicas} ({where}), 2 no-op workers", f"{rate:.0f}", "items/s", "",
                    f"{100 * rate / base:.0f}% of plain; feed alone {feed_rate:.0f}/s, exit {rc}")
        else:
            print("  (JetStream rows skipped: nats-server or wiretag-bench-nats-noop-worker missing)")

    if "e2e" in sections:
        n_e2e = 2000 if a.quick else 6000
        pl, _ = encode_items([items[k % len(items)] for k in range(n_e2e)], prefix="max")
        b = Broker(tmp, "always")
        ws = start_workers(b, 2, noop=False, threads=1)
        time.sleep(1.0)
        secs, lat, acked, res = pump(b, pl)
        maxrate = res / secs if secs else 0
        row("e2e", "feed -> broker -> 2 workers -> sub, max", f"{maxrate:.0f}", "items/s", "",
            f"{res}/{n_e2e} results")
        for frac in (0.25, 0.5, 0.9):
            rate = max(1.0, maxrate * frac)
            count = int(min(n_e2e, rate * (8 if a.quick else 20)))
            pl2, ids2 = encode_items([items[k % len(items)] for k in range(count)], prefix=f"r{int(frac * 100)}-")
            secs, lat, acked, res = pump(b, pl2, rate=rate, ids=ids2)
            tgt = "p99 < 10 ms" if frac == 0.5 else ""
            row("e2e", f"latency at {int(frac * 100)}% ({rate:.0f}/s) p50/p99/p99.9",
                f"{pct(lat, .5):.1f}/{pct(lat, .99):.1f}/{pct(lat, .999):.1f}", "ms", tgt, f"{len(lat)} samples")
        stop_all(ws)
        b.stop()

    if "memory" in sections:
        b = Broker(tmp, "never")
        ws = start_workers(b, 1, noop=False, threads=1)
        time.sleep(2.0)
        row("memory", "worker RSS, default dictionaries", f"{rss_mb(ws[0].pid):.1f}", "MB", "< 100 MB")
        stop_all(ws)
        phoenix = os.path.join(ROOT, "..", "shared", "dictionaries", "phoenix")
        if os.path.isdir(phoenix):
            cfg = os.path.join(tmp, "phoenix.yaml")
            files = sorted(os.path.join(phoenix, f) for f in os.listdir(phoenix) if f.endswith(".actors.txt") or f == "Phoenix.agents.txt")
            with open(cfg, "w") as f:
                f.write("actors:\n  petrarch:\n" + "".join(f"    - {p}\n" for p in files))
            w = subprocess.Popen([os.path.join(BIN, "wiretag-worker"), "-c", cfg, "--broker", ep_of(b, "workers"),
                                  "--threads", "1"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(6.0)
            row("memory", "worker RSS, + Phoenix dictionaries", f"{rss_mb(w.pid):.1f}", "MB", "< 400 MB")
            stop_all([w])
        b.stop()
        # broker with a backlog and no workers: RSS must stay flat
        total = 200000 if a.quick else 1000000
        b = Broker(tmp, "never")
        small = [msgpack.packb({"id": f"m{k}", "text": f"Item {k}: the minister said talks would resume."}) for k in range(total)]
        marks, anon = [], []
        step = total // 4
        for q in range(4):
            pump(b, small[q * step:(q + 1) * step], subscribe=False, window=5000)
            marks.append(f"{b.rss_mb():.0f}")
            anon.append(f"{rss_mb(b.proc.pid, 'RssAnon'):.0f}")
        row("memory", f"broker RSS with {total} items journaled", "/".join(marks), "MB", "< 200, flat",
            "at 25/50/75/100% of the backlog; heap (RssAnon) " + "/".join(anon) +
            " MB, the rest is LMDB's file mapping")
        b.stop()

    if "patho" in sections:
        normal = run_bench_annotate(a.corpus, "--mode", "full")
        path = os.path.join(tmp, "patho.jsonl")
        rnd = random.Random(7)
        base = " ".join(it["text"] for it in items[:60])[:1_000_000]
        cases = {
            "no spaces": "".join(c for c in base if not c.isspace())[:1_000_000],
            "all capitals": base.upper(),
            "100,000 quote marks": " ".join(rnd.choice(["\u201cno\u201d", "\"yes\"", "'a'", "\u00abx\u00bb"]) for _ in range(25000)),
            "one name x 50,000": " ".join(["President Ana Kovac said."] * 50000),
            # linear time: the same MB/s at 1 MB and 4 MB means time grows with size
            "1 MB paragraph of reported speech": ("Carl Jensen said that the plan, " * 33000)[:1_000_000],
            "4 MB paragraph of reported speech": ("Carl Jensen said that the plan, " * 132000)[:4_000_000],
        }
        for name, text in cases.items():
            with open(path, "w", encoding="utf-8") as f:
                f.write(json.dumps({"id": "p", "text": text}) + "\n")
            r = run_bench_annotate(path, "--mode", "full", "--repeat", "3")
            ratio = float(normal["mb_s"]) / max(1e-9, float(r["mb_s"]))
            row("patho", name, r["mb_s"], "MB/s", "within 2x",
                f"time per MB = {ratio:.2f}x normal text ({normal['mb_s']} MB/s)")
    with open(os.path.join(tmp, "table.json"), "w") as f:
        json.dump(ROWS, f)
    print(f"done; table also in {tmp}/table.json")


if __name__ == "__main__":
    main()
