#!/usr/bin/python3
"""bench/run.py: wiretag's benchmark, one command, one table.

    sh bench/run.sh [--quick] [--baseline REV|none] [--reps N] [--pairs N]
                    [--corpus FILE] [--sections annotate,format,scaling,broker,nats,e2e,memory,patho]

Runs on ../shared/corpus/news.jsonl (5,810 Wikinews articles) by default and
prints one table, every figure next to a baseline measured in the same call:

- annotate, format: the engine (one thread, full and text layer only),
  `wiretag annotate` end to end, JSON parse/write and MessagePack
  encode/decode, each run --reps times on this tree and on a build of
  --baseline REV (default: DEFAULT_BASELINE below), interleaved A B A B,
  reported as median [min-max] with the ratio of the medians. Speeds are
  per CPU-second of the measured thread or process, so that time spent
  waiting for a core on a shared machine does not count.
- broker: plain ZeroMQ PUSH/PULL and the broker with 2 no-op workers (fsync
  always) alternated --pairs times, with min/median/max of the ratio.
- e2e: the max rate with 2 annotating workers next to the engine's
  single-thread items/s, where the CPU goes stage by stage, and latency at
  25/50/90% of the max rate.
- memory: worker peak RSS after the e2e items, broker RSS along a backlog
  of 1,000,000 small items (100,000 with --quick) with no worker.
Timing never runs as a unit test. Everything binds 127.0.0.1 with ephemeral
ports and a temporary journal.
"""
import argparse
import json
import os
import platform
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

import msgpack
import zmq

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
BIN = os.environ.get("WT_BIN") or os.path.join(ROOT, "build", "bin")
# main when issue 17 (speed, round two) started: "today's main" of its
# targets. Override with --baseline REV (any commit, tag or branch).
DEFAULT_BASELINE = "cb71582"
# The bench programs built against the baseline's library (see s_build_base).
BENCH_SOURCES = ["bench_annotate.c", "bench_format.c", "bench_util.c", "bench_util.h"]
ROWS = []


def say(msg):
    """Progress on the terminal (stderr), not part of the table."""
    print(f"    .. {msg}", file=sys.stderr, flush=True)


def row(section, what, value, unit, target="", note="", base="", ratio=""):
    ROWS.append({"section": section, "what": what, "value": value, "unit": unit, "baseline": base,
                 "ratio": ratio, "target": target, "note": note})
    line = f"  {section:9s} {what:46s} {value:>22} {unit:8s}"
    if base or ratio:
        line += f" base {base:>22} ratio {ratio:>6}"
    print(f"{line} {target:16s} {note}".rstrip(), flush=True)


def spread(vals, fmt="{:.1f}"):
    """'median [min-max]' of a list of numbers."""
    if not vals:
        return "-"
    if len(vals) == 1:
        return fmt.format(vals[0])
    return f"{fmt.format(statistics.median(vals))} [{fmt.format(min(vals))}-{fmt.format(max(vals))}]"


def ratio_of(a, b):
    """Ratio of the medians of a and b."""
    if not a or not b or statistics.median(b) == 0:
        return ""
    return f"{statistics.median(a) / statistics.median(b):.2f}x"


def best(a, b):
    """The ratio of the best runs: a second view on a noisy machine, where
    interference only ever slows a run down."""
    if not a or not b or max(b) == 0:
        return ""
    return f"best/best {max(a) / max(b):.2f}x"


def notes(*parts):
    return "; ".join(p for p in parts if p)


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


def drain(sock):
    """Every message waiting on sock, without blocking."""
    out = []
    while True:
        try:
            out.append(sock.recv_multipart(zmq.NOBLOCK))
        except zmq.Again:
            return out


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
            for fr in drain(s):
                if s is prod:
                    acked += 1
                    continue
                results += 1
                key = msgpack.unpackb(fr[1]).get("id")
                if key in sent_at:
                    lat.append((time.perf_counter() - sent_at.pop(key)) * 1000.0)
    secs = time.perf_counter() - t0
    prod.close()
    if sub:
        sub.close()
    return secs, lat, acked, results


def encode_items(items, prefix="b"):
    """MessagePack items with unique ids prefix0, prefix1, ...; returns (payloads, ids)."""
    out, ids = [], []
    for k, it in enumerate(items):
        d = dict(it)
        d["id"] = f"{prefix}{k}"
        ids.append(d["id"])
        out.append(msgpack.packb(d))
    return out, ids


# ---- the baseline tree ------------------------------------------------------


def git(*args):
    try:
        return subprocess.run(["git", "-C", ROOT, *args], capture_output=True, text=True)
    except FileNotFoundError:  # no git: no revision to build, no commit to print
        return subprocess.CompletedProcess(args, 127, "", "git is not installed")


def build_type_of(build):
    try:
        for line in open(os.path.join(build, "CMakeCache.txt")):
            if line.startswith("CMAKE_BUILD_TYPE:"):
                return line.split("=", 1)[1].strip() or "Release"
    except OSError:
        pass
    return "Release"


def copy_if_changed(src, dst):
    """Copy src to dst unless dst already holds the same bytes (keeps its
    mtime, so that an unchanged baseline build is not rebuilt)."""
    data = open(src, "rb").read()
    if os.path.exists(dst) and open(dst, "rb").read() == data:
        return
    with open(dst, "wb") as f:
        f.write(data)


class Side:
    """One build under measurement: its name, commit and programs (None
    when missing, with the reason in why[program])."""

    def __init__(self, name, commit, programs, why=None):
        self.name, self.commit, self.prog, self.why = name, commit, programs, why or {}

    def has(self, key):
        return self.prog.get(key) is not None


def current_side():
    sha = git("rev-parse", "--short=12", "HEAD").stdout.strip() or "?"
    dirty = "+changes" if git("status", "--porcelain", "--untracked-files=no").stdout.strip() else ""
    progs = {"annotate": os.path.join(BIN, "wiretag-bench-annotate"),
             "format": os.path.join(BIN, "wiretag-bench-format"),
             "cli": os.path.join(BIN, "wiretag")}
    why = {}
    for k, v in list(progs.items()):
        if not os.path.exists(v):
            progs[k], why[k] = None, f"{v} missing: run sh scripts/build.sh build"
    return Side("current", sha + dirty, progs, why)


def build_base(rev, btype):
    """Build revision rev in build/bench-base/<commit>-<type> (once per commit:
    later calls only rebuild what changed in the bench programs) and return
    its Side. The tree comes from `git archive`; today's bench programs
    (BENCH_SOURCES) are added as bench-current/ and built against that
    revision's library, so that both sides are measured by the same
    instrument; where they do not compile (an older API), the revision's own
    wiretag-bench-annotate is used, and rows it cannot give are skipped with
    the reason."""
    r = git("rev-parse", "--verify", "--quiet", rev + "^{commit}")
    if r.returncode != 0:
        raise SystemExit(f"--baseline {rev}: not a commit of {ROOT} ({r.stderr.strip() or 'unknown'}); "
                         "give a commit, tag or branch (or --baseline none)")
    sha = r.stdout.strip()
    top = os.path.join(ROOT, "build", "bench-base", f"{sha[:12]}-{btype}")
    src, bld = os.path.join(top, "src"), os.path.join(top, "build")
    if not os.path.exists(os.path.join(src, ".exported")):
        say(f"baseline {rev} = {sha[:12]}: git archive into {src}")
        shutil.rmtree(src, ignore_errors=True)
        os.makedirs(src)
        arch = subprocess.Popen(["git", "-C", ROOT, "archive", sha], stdout=subprocess.PIPE)
        subprocess.run(["tar", "-x", "-C", src], stdin=arch.stdout, check=True)
        if arch.wait() != 0:
            raise SystemExit(f"git archive {sha} failed")
        with open(os.path.join(src, "CMakeLists.txt"), "a") as f:
            f.write("\n# added by bench/run.py: today's bench programs on this revision's library\n"
                    "add_subdirectory(bench-current)\n")
        open(os.path.join(src, ".exported"), "w").close()
    cur = os.path.join(src, "bench-current")
    os.makedirs(cur, exist_ok=True)
    for fn in BENCH_SOURCES:
        copy_if_changed(os.path.join(ROOT, "bench", fn), os.path.join(cur, fn))
    cm = os.path.join(top, "bench-current.cmake")
    with open(cm, "w") as f:
        for name in ("annotate", "format"):
            f.write(f"add_executable(wiretag-cur-bench-{name} bench_{name}.c bench_util.c)\n"
                    f"target_link_libraries(wiretag-cur-bench-{name} PRIVATE wiretag)\n"
                    f"set_target_properties(wiretag-cur-bench-{name} PROPERTIES\n"
                    f"  RUNTIME_OUTPUT_DIRECTORY ${{CMAKE_BINARY_DIR}}/bench-bin)\n")
    copy_if_changed(cm, os.path.join(cur, "CMakeLists.txt"))
    if not os.path.exists(os.path.join(bld, "CMakeCache.txt")):
        say(f"baseline {sha[:12]}: cmake -DCMAKE_BUILD_TYPE={btype} (the build type of build/)")
        c = subprocess.run(["cmake", "-S", src, "-B", bld, f"-DCMAKE_BUILD_TYPE={btype}"],
                           capture_output=True, text=True)
        if c.returncode != 0:
            shutil.rmtree(bld, ignore_errors=True)
            raise SystemExit(f"baseline {sha[:12]}: cmake failed:\n{c.stderr[-2000:]}\n"
                             "give another --baseline, or --baseline none")
    progs, why = {}, {}
    wanted = [("cli", "wiretag-cli", "wiretag"), ("annotate", "wiretag-cur-bench-annotate", None),
              ("format", "wiretag-cur-bench-format", None),
              ("own_annotate", "wiretag-bench-annotate", "wiretag-bench-annotate")]
    for key, target, outname in wanted:
        log = os.path.join(top, f"{target}.log")
        say(f"baseline {sha[:12]}: building {target} (log {log})")
        with open(log, "w") as f:
            b = subprocess.run(["cmake", "--build", bld, "--target", target, "-j", str(os.cpu_count() or 1)],
                               stdout=f, stderr=subprocess.STDOUT)
        exe = None
        if b.returncode == 0:
            for d in ([os.path.join(bld, "bench-bin")] if outname is None else
                      [os.path.join(bld, "bin"), bld, os.path.join(bld, "bench")]):
                cand = os.path.join(d, outname or target)
                if os.path.isfile(cand) and os.access(cand, os.X_OK):
                    exe = cand
                    break
        progs[key] = exe
        if exe is None:
            tail = open(log).read().strip().splitlines()[-1:] or ["?"]
            why[key] = f"{target} does not build at {sha[:12]} ({tail[0][:100]}; see {log})"
    if progs["annotate"] is None and progs["own_annotate"] is not None:
        progs["annotate"] = progs["own_annotate"]
        why["annotate_own"] = "the baseline's own wiretag-bench-annotate (wall clock: no cpu figures)"
    return Side("baseline", sha[:12], progs, why)


# ---- measurements of one side ------------------------------------------------


def engine_once(side, corpus, mode, repeat=1):
    """(MB/s, items/s, all figures) of one wiretag-bench-annotate run: per
    CPU-second when the program reports it, else per wall second."""
    r = subprocess.run([side.prog["annotate"], "--mode", mode, "--repeat", str(repeat), corpus],
                       capture_output=True, text=True,
                       timeout=1800)
    if r.returncode != 0 or not r.stdout.strip():
        raise SystemExit(f"{side.prog['annotate']} failed: {r.stderr[-1000:]}")
    f = kv(r.stdout.strip().splitlines()[-1])
    if "cpu_mb_s" in f:
        return float(f["cpu_mb_s"]), float(f["cpu_items_s"]), f
    return float(f["mb_s"]), float(f["items_s"]), f


def cli_once(side, corpus, text_bytes):
    """MB of article text per CPU-second of `wiretag annotate CORPUS >/dev/null`."""
    with tempfile.TemporaryFile() as err:
        p = subprocess.Popen([side.prog["cli"], "annotate", corpus], stdout=subprocess.DEVNULL, stderr=err)
        _, status, ru = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        if p.returncode != 0:
            err.seek(0)
            raise SystemExit(f"{side.prog['cli']} annotate failed ({p.returncode}): {err.read()[-800:]!r}")
    return text_bytes / 1e6 / (ru.ru_utime + ru.ru_stime)


def format_once(side, corpus, min_secs):
    """{step: (MB/s of its format, MB/s of text)} from wiretag-bench-format."""
    r = subprocess.run([side.prog["format"], "--min-secs", str(min_secs), corpus], capture_output=True,
                       text=True, timeout=1800)
    if r.returncode != 0:
        raise SystemExit(f"{side.prog['format']} failed: {r.stderr[-1000:]}")
    out = {}
    for line in r.stdout.splitlines():
        f = kv(line)
        if "step" in f:
            out[f["step"]] = (float(f["mb_s"]), float(f["text_mb_s"]))
    return out


FORMAT_ROWS = [("json_parse", "JSON parse (wt_item_from_json)", "MB/s JSON", ">= 150 MB/s"),
               ("json_write", "JSON write (wt_result_to_json)", "MB/s JSON", ">= 150 MB/s"),
               ("item_encode", "MessagePack item encode", "MB/s mp", ""),
               ("item_decode", "MessagePack item decode", "MB/s mp", ""),
               ("result_encode", "MessagePack result encode", "MB/s mp", ""),
               ("result_decode", "MessagePack result decode", "MB/s mp", "")]


def section_engine(a, sides, sections):
    """The annotate and format rows: every measurement on every side, reps
    times, interleaved (A B, then B A, ...)."""
    reps = a.reps
    res = {s.name: {} for s in sides}
    plan = []
    if "annotate" in sections:
        plan += [("full", "annotate"), ("text", "annotate"), ("cli", "cli")]
    if "format" in sections:
        plan += [("format", "format")]
    text_bytes = {}
    for rep in range(reps):
        order = sides if rep % 2 == 0 else sides[::-1]
        for key, prog in plan:
            for side in order:
                if not side.has(prog) or (key == "cli" and not text_bytes):
                    continue
                if key in ("full", "text"):
                    mb, ips, f = engine_once(side, a.corpus, key, 1 if key == "full" else 5)
                    res[side.name].setdefault(key, []).append(mb)
                    if key == "full":
                        res[side.name].setdefault("items", []).append(ips)
                        res[side.name]["last_full"] = f
                        text_bytes[side.name] = float(f["bytes"])
                elif key == "cli":
                    tb = text_bytes.get(side.name) or text_bytes.get("current")
                    res[side.name].setdefault("cli", []).append(cli_once(side, a.corpus, tb))
                else:
                    for step, v in format_once(side, a.corpus, a.min_secs).items():
                        res[side.name].setdefault(step, []).append(v)
        say(f"annotate/format: round {rep + 1}/{reps} done (" +
            ", ".join(f"{s.name} full {res[s.name]['full'][-1]:.1f} MB/s" for s in sides
                      if res[s.name].get("full")) + ")")
    cur = res["current"]
    base = res.get("baseline", {})
    bside = sides[1] if len(sides) > 1 else None

    def skipped(prog):
        if bside is None:
            return "(none)"
        return "" if bside.has(prog) else "skipped"

    def base_note(prog):
        if bside is not None and not bside.has(prog):
            return "baseline skipped: " + bside.why.get(prog, "program missing")
        return ""

    if "annotate" in sections:
        unit_note = "per CPU-second" if "cpu_mb_s" in cur.get("last_full", {}) else "per wall second"
        own = (bside is not None and bside.why.get("annotate_own")) or ""
        row("annotate", "engine, 1 thread, full", spread(cur.get("full", [])), "MB/s", ">= 2x baseline",
            notes(unit_note, best(cur.get("full"), base.get("full")), own or base_note("annotate")),
            spread(base.get("full", [])) if base.get("full") else skipped("annotate"),
            ratio_of(cur.get("full"), base.get("full")))
        row("annotate", "engine, 1 thread, full: articles/s", spread(cur.get("items", []), "{:.0f}"), "items/s",
            "", "", spread(base.get("items", []), "{:.0f}") if base.get("items") else skipped("annotate"),
            ratio_of(cur.get("items"), base.get("items")))
        f = cur.get("last_full", {})
        if f:
            row("annotate", "engine, per article p50 / p99 (last run)", f"{f['p50_us']}/{f['p99_us']}", "us", "",
                f"peak RSS {f['peak_rss_mb']} MB")
        row("annotate", "text layer only, 1 thread", spread(cur.get("text", [])), "MB/s", "",
            notes("5 passes per run", best(cur.get("text"), base.get("text")), base_note("annotate")),
            spread(base.get("text", [])) if base.get("text") else skipped("annotate"),
            ratio_of(cur.get("text"), base.get("text")))
        row("annotate", "wiretag annotate (JSON in and out)", spread(cur.get("cli", [])), "MB/s", "",
            notes("MB of text per CPU-second of the process", best(cur.get("cli"), base.get("cli")),
                  base_note("cli")),
            spread(base.get("cli", [])) if base.get("cli") else skipped("cli"),
            ratio_of(cur.get("cli"), base.get("cli")))

        def share(r):
            if not r.get("cli") or not r.get("full"):
                return []
            return [100 * c / e for c, e in zip(r["cli"], r["full"])]
        row("annotate", "wiretag annotate / engine", spread(share(cur), "{:.0f}"), "%", ">= 80%",
            "pairs of runs in the same round", spread(share(base), "{:.0f}") if share(base) else (skipped("annotate") or skipped("cli")))
    if "format" in sections:
        for step, what, unit, tgt in FORMAT_ROWS:
            c = [v[0] for v in cur.get(step, [])]
            b = [v[0] for v in base.get(step, [])]
            ct = [v[1] for v in cur.get(step, [])]
            note = f"text {spread(ct)} MB/s per CPU-second" if ct else "not measured"
            row("format", what, spread(c), unit, tgt, notes(note, best(c, b), base_note("format")),
                spread(b) if b else skipped("format"), ratio_of(c, b))
    return cur


# ---- processes ----------------------------------------------------------------

TICK = os.sysconf("SC_CLK_TCK")


def pipeline_through(b, corpus, count, window=2000, rate=None, prefix=None):
    """wiretag-bench-pipeline (C producer + subscriber) through broker b:
    its key=value figures, or {} when it failed. rate: paced PUTs, and the
    latency of each (lat_p50_ms ...); prefix: item ids (new to the broker)."""
    extra = (["--rate", str(int(rate))] if rate else []) + (["--id-prefix", prefix] if prefix else [])
    r = subprocess.run([os.path.join(BIN, "wiretag-bench-pipeline"), "--broker", ep_of(b, "producers"),
                        "--results", ep_of(b, "subscribers"), "--count", str(count), "--window", str(window),
                        *extra, corpus], capture_output=True, text=True, timeout=1800)
    return kv(r.stdout.strip().splitlines()[-1]) if r.stdout.strip() else {}


def noop_broker_run(tmp, corpus, n, fsync):
    """n items through a fresh broker (fsync policy) with 2 no-op workers."""
    b = Broker(tmp, fsync)
    ws = start_workers(b, 2, noop=True)
    time.sleep(0.3)
    f = pipeline_through(b, corpus, n)
    stop_all(ws)
    b.stop()
    return f


def section_broker(a, tmp):
    n = 5000 if a.quick else 20000
    plain, brk, ratio = [], [], []
    notes = []
    for i in range(a.pairs):
        r = subprocess.run([os.path.join(BIN, "wiretag-bench-pipeline"), "--workers", "2", "--count", str(n),
                            a.corpus], capture_output=True, text=True, timeout=600)
        p = float(kv(r.stdout.strip()).get("items_s", 0)) if r.stdout.strip() else 0.0
        f = noop_broker_run(tmp, a.corpus, n, "always")
        q = float(f.get("items_s", 0))
        if f.get("acked") != str(n):
            notes.append(f"pair {i + 1}: acked {f.get('acked', '?')}/{n}")
        plain.append(p)
        brk.append(q)
        if p:
            ratio.append(100 * q / p)
        say(f"broker: pair {i + 1}/{a.pairs}: plain {p:.0f}/s, broker {q:.0f}/s ({100 * q / max(p, 1):.0f}%)")
    row("broker", "plain ZeroMQ PUSH/PULL, 2 no-op workers", spread(plain, "{:.0f}"), "items/s", "(baseline)",
        f"{a.pairs} runs of {n} items, alternating with the next row")
    row("broker", "broker, 2 no-op workers, fsync always", spread(brk, "{:.0f}"), "items/s", "",
        "; ".join(notes) or f"all {n} items acked in every run")
    row("broker", "broker / plain (fsync always), per pair", spread(ratio, "{:.0f}"), "%", ">= 50% median",
        "median [min-max] of the ratio within each pair")
    for fsync in ("interval", "never"):
        f = noop_broker_run(tmp, a.corpus, n, fsync)
        q = float(f.get("items_s", 0))
        row("broker", f"broker, 2 no-op workers, fsync {fsync}", f"{q:.0f}", "items/s", "",
            f"one run: {100 * q / statistics.median(plain):.0f}% of the plain median")
    return (statistics.median(plain) if plain else 0), (statistics.median(brk) if brk else 0)


def section_nats(a, tmp, items, plain):
    n = 5000 if a.quick else 20000
    if not (shutil.which("nats-server") and os.path.exists(os.path.join(BIN, "wiretag-bench-nats-noop-worker"))):
        print("  (JetStream rows skipped: nats-server or wiretag-bench-nats-noop-worker missing)")
        return
    path = os.path.join(tmp, "nats-items.jsonl")
    with open(path, "w") as f:
        for k in range(n):
            d = dict(items[k % len(items)])
            d["id"] = f"n{k}"
            f.write(json.dumps(d) + "\n")
    for replicas in (1, 3):
        rate, feed_rate, rc = nats_pipeline(tmp, replicas, path, n)
        where = "1 node" if replicas == 1 else "3-node cluster"
        rel = f"{100 * rate / plain:.0f}% of the plain median; " if plain else ""
        row("broker", f"JetStream R{replicas} ({where}), 2 no-op workers", f"{rate:.0f}", "items/s", "",
            f"{rel}feed alone {feed_rate:.0f}/s, exit {rc}")


def thread_cpu_s(pid):
    """{role: CPU seconds} of a process's threads: "main" (the thread whose
    id is the pid), "zmq io" (ZMQbg/*) and "other" (e.g. annotation)."""
    out = {"main": 0.0, "zmq io": 0.0, "other": 0.0}
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for t in tids:
        try:
            with open(f"/proc/{pid}/task/{t}/stat") as f:
                st = f.read()
        except OSError:
            continue
        name = st[st.index("(") + 1:st.rindex(")")]
        fields = st[st.rindex(")") + 2:].split()
        role = "main" if t == str(pid) else "zmq io" if name.startswith("ZMQbg") else "other"
        out[role] += (int(fields[11]) + int(fields[12])) / TICK
    return out


def feed_only_rate(tmp, items, n):
    """items/s acknowledged by a broker (fsync always) with no worker: the
    feed -> broker stage alone (python3-zmq producer, window 2,000)."""
    b = Broker(tmp, "always")
    pl, _ = encode_items([items[k % len(items)] for k in range(n)], prefix="feed")
    secs, _, acked, _ = pump(b, pl, subscribe=False)
    b.stop()
    return acked / secs if secs else 0.0


def section_e2e(a, tmp, items, engine_items_s, noop_rate):
    """The stage ladder (engine alone, feed -> broker, + no-op workers, +
    annotating workers), the max rate with 2 annotating workers next to the
    engine's single-thread items/s, where the CPU goes per process and
    thread, then latency at 25/50/90% of the max rate."""
    n_max = 3000 if a.quick else 10000
    eng = f"{engine_items_s:.0f}" if engine_items_s else "?"
    say(f"e2e: feed -> broker alone, {n_max} items")
    row("e2e", "stage: feed -> broker (journal, ack), no worker", f"{feed_only_rate(tmp, items, n_max):.0f}",
        "items/s", "", "python3-zmq producer, window 2,000, fsync always")
    if noop_rate:
        row("e2e", "stage: + 2 no-op workers + sub", f"{noop_rate:.0f}", "items/s", "",
            "the broker rows' median (C producer)")
    b = Broker(tmp, "always")
    ws = start_workers(b, 2, noop=False, threads=1)
    time.sleep(2.0)  # the workers load their dictionaries and say READY
    pids = {"broker": b.proc.pid, "worker 1": ws[0].pid, "worker 2": ws[1].pid}
    c0 = {k: thread_cpu_s(p) for k, p in pids.items()}
    say(f"e2e: {n_max} items through 2 annotating workers as fast as the broker takes them")
    f = pipeline_through(b, a.corpus, n_max)
    c1 = {k: thread_cpu_s(p) for k, p in pids.items()}
    got = int(f.get("items", 0))
    secs = float(f.get("secs", 0) or 0)
    maxrate = float(f.get("items_s", 0))
    row("e2e", "stage: + 2 annotating workers (1 thread each), max", f"{maxrate:.0f}", "items/s",
        "", f"{got}/{n_max} results; 1 engine thread alone: {eng} items/s per CPU-second")
    if got and secs:
        us = {k: {r: 1e6 * (c1[k][r] - c0[k][r]) / got for r in c1[k]} for k in pids}
        wk = {r: us["worker 1"][r] + us["worker 2"][r] for r in us["broker"]}
        feed_us = 1e6 * float(f.get("cpu_s", 0)) / got
        eng_us = 1e6 / engine_items_s if engine_items_s else 0
        row("e2e", "CPU per item: worker, all threads", f"{sum(wk.values()):.0f}", "us", "",
            f"engine alone (bench-annotate, items back to back) {eng_us:.0f} us" if eng_us else "")
        row("e2e", "CPU per item: worker annotation thread", f"{wk['other']:.0f}", "us", "",
            "0 with --threads 1: small items are annotated on the main thread")
        row("e2e", "CPU per item: worker main + zmq io threads", f"{wk['main']:.0f} + {wk['zmq io']:.0f}", "us",
            "", "JOB, decode, annotate (--threads 1, small items), encode, DONE, heartbeats")
        row("e2e", "CPU per item: broker main + zmq io threads",
            f"{us['broker']['main']:.0f} + {us['broker']['zmq io']:.0f}", "us", "",
            "journal (LMDB, fsync always), validation, dispatch, publish")
        row("e2e", "CPU per item: feed + sub (C, bench-pipeline)", f"{feed_us:.0f}", "us")
        total = sum(wk.values()) + sum(us["broker"].values()) + feed_us
        ncpu = os.cpu_count() or 1
        util = 100 * total * got / 1e6 / (secs * ncpu)
        row("e2e", "CPU per item: all stages", f"{total:.0f}", "us", "",
            f"bound on {ncpu} cores: {ncpu * 1e6 / total:.0f} items/s; these processes used {util:.0f}% "
            f"of the machine during the run (the rest: waiting for a core or a message)")
    say("e2e: latency runs (C producer, paced)")
    lat_items = 0
    for frac in (0.25, 0.5, 0.9):
        rate = max(1.0, maxrate * frac)
        count = int(min(6000, rate * (8 if a.quick else 20)))
        f2 = pipeline_through(b, a.corpus, count, rate=rate, prefix=f"r{int(frac * 100)}-")
        res = int(f2.get("items", 0))
        secs2 = float(f2.get("secs", 0) or 0)
        lat_items += res
        tgt = "p99 < 10 ms" if frac == 0.5 else ""
        lat = "/".join(f"{float(f2[k]):.1f}" for k in ("lat_p50_ms", "lat_p99_ms", "lat_p999_ms")) \
            if "lat_p50_ms" in f2 else "failed"
        row("e2e", f"latency at {int(frac * 100)}% ({rate:.0f}/s) p50/p99/p99.9", lat, "ms", tgt,
            f"{f2.get('lat_n', 0)} samples, {res / secs2 if secs2 else 0:.0f} results/s")
    hwm = [rss_mb(w.pid) for w in ws]
    done = got + lat_items
    row("memory", f"worker peak RSS after {done} items (2 workers)", f"{max(hwm):.1f}", "MB", "< 100 MB",
        "VmHWM of each: " + " / ".join(f"{h:.1f}" for h in hwm))
    stop_all(ws)
    b.stop()


def section_memory(a, tmp):
    phoenix = os.path.join(ROOT, "..", "shared", "dictionaries", "phoenix")
    if os.path.isdir(phoenix) and not a.quick:
        b = Broker(tmp, "never")
        cfg = os.path.join(tmp, "phoenix.yaml")
        files = sorted(os.path.join(phoenix, f) for f in os.listdir(phoenix)
                       if f.endswith(".actors.txt") or f == "Phoenix.agents.txt")
        with open(cfg, "w") as f:
            f.write("actors:\n  petrarch:\n" + "".join(f"    - {p}\n" for p in files))
        w = subprocess.Popen([os.path.join(BIN, "wiretag-worker"), "-c", cfg, "--broker", ep_of(b, "workers"),
                              "--threads", "1"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(6.0)
        row("memory", "worker RSS, + Phoenix dictionaries (idle)", f"{rss_mb(w.pid):.1f}", "MB", "< 400 MB")
        stop_all([w])
        b.stop()
    # broker with a backlog and no workers: RSS must stay flat
    total = 100000 if a.quick else 1000000
    steps = 8
    b = Broker(tmp, "never")
    marks, anon = [], []
    step = total // steps
    t0 = time.time()
    for q in range(steps):
        small = [msgpack.packb({"id": f"m{k}", "text": f"Item {k}: the minister said talks would resume."})
                 for k in range(q * step, (q + 1) * step)]
        _, _, acked, _ = pump(b, small, subscribe=False, window=5000)
        marks.append(rss_mb(b.proc.pid, "VmRSS"))
        anon.append(rss_mb(b.proc.pid, "RssAnon"))
        say(f"memory: broker backlog {(q + 1) * step}/{total} items ({time.time() - t0:.0f} s), "
            f"RSS {marks[-1]:.0f} MB, heap {anon[-1]:.1f} MB")
    growth = (anon[-1] - anon[0]) * 1024 * 1024 / max(1, total - step)
    row("memory", f"broker RSS along a {total}-item backlog", "/".join(f"{m:.0f}" for m in marks), "MB",
        "< 200, flat", f"every {step} items; heap (RssAnon) " + "/".join(f"{x:.0f}" for x in anon) +
        f" MB = {growth:.1f} bytes per item; the rest is LMDB's file mapping")
    row("memory", "broker peak RSS (VmHWM) with the backlog", f"{rss_mb(b.proc.pid):.0f}", "MB", "< 200 MB")
    b.stop()


def section_patho(a, items):
    normal = run_bench_annotate(a.corpus, "--mode", "full")
    nrm = float(normal.get("cpu_mb_s", normal["mb_s"]))
    path = os.path.join(tempfile.mkdtemp(prefix="wt-patho-"), "patho.jsonl")
    rnd = random.Random(7)
    base = " ".join(it["text"] for it in items[:60])[:1_000_000]
    cases = {
        "no spaces": "".join(c for c in base if not c.isspace())[:1_000_000],
        "all capitals": base.upper(),
        "100,000 quote marks": " ".join(rnd.choice(["\u201cno\u201d", "\"yes\"", "'a'", "\u00abx\u00bb"])
                                        for _ in range(25000)),
        "one name x 50,000": " ".join(["President Ana Kovac said."] * 50000),
        # linear time: the same MB/s at 1 MB and 4 MB means time grows with size
        "1 MB paragraph of reported speech": ("Carl Jensen said that the plan, " * 33000)[:1_000_000],
        "4 MB paragraph of reported speech": ("Carl Jensen said that the plan, " * 132000)[:4_000_000],
    }
    for name, text in cases.items():
        with open(path, "w", encoding="utf-8") as f:
            f.write(json.dumps({"id": "p", "text": text}) + "\n")
        r = run_bench_annotate(path, "--mode", "full", "--repeat", "3")
        v = float(r.get("cpu_mb_s", r["mb_s"]))
        row("patho", name, f"{v:.1f}", "MB/s", "within 2x",
            f"time per MB = {nrm / max(1e-9, v):.2f}x normal text ({nrm:.1f} MB/s)")
    shutil.rmtree(os.path.dirname(path), ignore_errors=True)


def machine():
    model = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()[0]
    return f"{platform.node()}, {model}, {os.cpu_count()} cores (nproc), load {load:.1f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=os.path.join(ROOT, "..", "shared", "corpus", "news.jsonl"))
    ap.add_argument("--quick", action="store_true", help="fewer runs and items (a few minutes)")
    ap.add_argument("--sections", default=None,
                    help="comma-separated subset of annotate,format,scaling,broker,nats,e2e,memory,patho")
    ap.add_argument("--baseline", default=DEFAULT_BASELINE,
                    help=f"git revision to compare with (default {DEFAULT_BASELINE}); none: no baseline")
    ap.add_argument("--reps", type=int, default=None, help="interleaved runs per side (default 5, --quick 3)")
    ap.add_argument("--pairs", type=int, default=None, help="plain/broker pairs (default 5, --quick 3)")
    ap.add_argument("--min-secs", type=float, default=None,
                    help="CPU seconds per format step (default 0.5, --quick 0.2)")
    a = ap.parse_args()
    if a.sections is None:
        a.sections = ("annotate,format,broker,e2e,memory" if a.quick else
                      "annotate,format,scaling,broker,nats,e2e,memory,patho")
    a.reps = a.reps or (3 if a.quick else 5)
    a.pairs = a.pairs or (3 if a.quick else 5)
    a.min_secs = a.min_secs or (0.2 if a.quick else 0.5)
    if a.reps < 1 or a.pairs < 1:
        raise SystemExit("--reps and --pairs want 1 or more")
    if not os.path.exists(a.corpus):
        raise SystemExit(f"{a.corpus}: not found; give --corpus FILE.jsonl (one item per line)")
    sections = set(a.sections.split(","))
    unknown = sections - {"annotate", "format", "scaling", "broker", "nats", "e2e", "memory", "patho"}
    if unknown:
        raise SystemExit(f"--sections: unknown {', '.join(sorted(unknown))}")
    cur = current_side()
    sides = [cur]
    if a.baseline != "none" and sections & {"annotate", "format"}:
        sides.append(build_base(a.baseline, build_type_of(os.path.join(ROOT, "build"))))
    tmp = tempfile.mkdtemp(prefix="wt-bench-")
    print(f"wiretag benchmark: {machine()}; build type {build_type_of(os.path.join(ROOT, 'build'))}")
    print(f"corpus {a.corpus} ({os.path.getsize(a.corpus) / 1e6:.1f} MB); current {cur.commit}" +
          (f"; baseline {sides[1].commit} (--baseline {a.baseline})" if len(sides) > 1 else "; no baseline"))
    print(f"  {'section':9s} {'what':46s} {'current: median [min-max]':>22} {'unit':8s}")

    engine_items_s = 0.0
    if sections & {"annotate", "format"}:
        r = section_engine(a, sides, sections)
        if r.get("items"):
            engine_items_s = statistics.median(r["items"])
    if "scaling" in sections:
        for t in (1, 2):
            r = run_bench_annotate(a.corpus, "--mode", "full", "--threads", str(t))
            row("scaling", f"annotate, {t} thread(s), wall clock", r["mb_s"], "MB/s", "", f"{r['items_s']} items/s")
    items = load_items(a.corpus)
    plain = plain_noop = 0
    if "broker" in sections:
        plain, plain_noop = section_broker(a, tmp)
    if "nats" in sections:
        section_nats(a, tmp, items, plain)
    if "e2e" in sections:
        if not engine_items_s:
            engine_items_s = float(run_bench_annotate(a.corpus, "--mode", "full").get("cpu_items_s", 0))
        section_e2e(a, tmp, items, engine_items_s, plain_noop)
    if "memory" in sections:
        section_memory(a, tmp)
    if "patho" in sections:
        section_patho(a, items)
    for d in os.listdir(tmp):  # journals and NATS stores: keep only the table
        shutil.rmtree(os.path.join(tmp, d), ignore_errors=True)
    with open(os.path.join(tmp, "table.json"), "w") as f:
        json.dump({"machine": machine(), "rows": ROWS}, f, indent=1)
    print(f"done; table also in {tmp}/table.json")


if __name__ == "__main__":
    main()
