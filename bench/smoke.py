#!/usr/bin/python3
"""bench/smoke.py: the benchmark's instruments give sane figures (CTest
bench_smoke; no timing is judged). On a small corpus written here:
wiretag-bench-format prints its six steps with the right byte counts,
wiretag-bench-annotate counts every item and byte, wiretag-bench-pipeline
--rate times every item through a broker, options are checked, and
bench/run.py refuses a bad --sections or --baseline with a reason."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

BIN = os.environ.get("WT_BIN", "build/bin")
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))


def kv(line):
    return dict(p.split("=", 1) for p in line.split() if "=" in p)


def check(cond, what):
    if not cond:
        raise SystemExit("FAIL: " + what)


def main():
    tmp = tempfile.mkdtemp(prefix="wt-bench-smoke-")
    try:
        run_checks(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("ok: bench programs and run.py options")


def run_checks(tmp):
    corpus = os.path.join(tmp, "small.jsonl")
    texts = [f"Minister Ana Kovac said on Monday that talks with Norway would resume, item {k}."
             for k in range(40)]
    texts.append("\u00c9lodie Martin told reporters: \u201cWe will not sign.\u201d")
    with open(corpus, "w", encoding="utf-8") as f:
        for k, t in enumerate(texts):
            f.write(json.dumps({"id": f"s{k}", "text": t}) + "\n")
        f.write("{not json}\n")  # skipped by the loader, not counted
    text_bytes = sum(len(t.encode()) for t in texts)

    r = subprocess.run([os.path.join(BIN, "wiretag-bench-format"), "--min-secs", "0.01", corpus],
                       capture_output=True, text=True, timeout=120)
    check(r.returncode == 0, f"bench-format exit {r.returncode}: {r.stderr}")
    steps = {kv(l)["step"]: kv(l) for l in r.stdout.splitlines() if l.startswith("step=")}
    check(sorted(steps) == sorted(["json_parse", "json_write", "item_encode", "item_decode",
                                   "result_encode", "result_decode"]), f"steps: {sorted(steps)}")
    for name, f in steps.items():
        passes = int(f["passes"])
        check(passes >= 1 and int(f["text_bytes"]) == passes * text_bytes,
              f"{name}: text_bytes {f['text_bytes']} for {passes} passes of {text_bytes}")
        check(float(f["cpu_s"]) >= 0.01 and float(f["mb_s"]) > 0, f"{name}: {f}")
    json_bytes = os.path.getsize(corpus) - len("{not json}\n")
    p = steps["json_parse"]
    check(int(p["bytes"]) == int(p["passes"]) * json_bytes, f"json_parse bytes {p['bytes']} vs {json_bytes}")

    for mode in ("full", "text", "copy"):
        r = subprocess.run([os.path.join(BIN, "wiretag-bench-annotate"), "--mode", mode, "--repeat", "2", corpus],
                           capture_output=True, text=True, timeout=120)
        check(r.returncode == 0, f"bench-annotate {mode}: {r.stderr}")
        f = kv(r.stdout.strip().splitlines()[-1])
        check(int(f["items"]) == len(texts) and int(f["bytes"]) == text_bytes, f"{mode}: {f}")
        check(f["mode"] == mode and float(f["cpu_mb_s"]) > 0, f"{mode}: {f}")
    checksum = int(f["checksum"])
    check(checksum == 2 * text_bytes, f"copy mode checksum {checksum} != 2 x {text_bytes}")

    for prog, args in (("wiretag-bench-annotate", ["--bogus", corpus]),
                       ("wiretag-bench-format", ["--min-secs"]),
                       ("wiretag-bench-pipeline", ["--count"])):
        r = subprocess.run([os.path.join(BIN, prog), *args], capture_output=True, text=True, timeout=60)
        check(r.returncode == 2 and ("unknown option" in r.stderr or "wants a value" in r.stderr),
              f"{prog} {args}: exit {r.returncode}, {r.stderr!r}")

    paced_latency(tmp, corpus, len(texts))

    run = [sys.executable, os.path.join(ROOT, "bench", "run.py"), "--corpus", corpus]
    r = subprocess.run(run + ["--sections", "annotate,bogus"], capture_output=True, text=True, timeout=60)
    check(r.returncode != 0 and "unknown bogus" in r.stderr, f"--sections bogus: {r.stderr!r}")
    r = subprocess.run(run + ["--sections", "format", "--baseline", "no-such-revision-xyz"],
                       capture_output=True, text=True, timeout=60)
    check(r.returncode != 0 and "not a commit" in r.stderr, f"--baseline bad: {r.stderr!r}")


def paced_latency(tmp, corpus, n):
    """--rate: every item of a paced run through a broker and a no-op worker
    gets a latency (lat_n), and the percentiles are ordered."""
    ready = os.path.join(tmp, "ready.json")
    ep = "tcp://127.0.0.1:*"
    procs = [subprocess.Popen([os.path.join(BIN, "wiretag-broker"), "--producers", ep, "--workers", ep,
                               "--subscribers", ep, "--replay", ep, "--journal", os.path.join(tmp, "journal"),
                               "--ready-file", ready], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        for _ in range(600):
            if os.path.exists(ready) and os.path.getsize(ready) > 0:
                break
            check(procs[0].poll() is None, "the broker exited")
            subprocess.run(["sleep", "0.1"])
        eps = json.load(open(ready))
        procs.append(subprocess.Popen([os.path.join(BIN, "wiretag-bench-noop-worker"), "--broker", eps["workers"]],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        r = subprocess.run([os.path.join(BIN, "wiretag-bench-pipeline"), "--broker", eps["producers"],
                            "--results", eps["subscribers"], "--rate", "400", "--id-prefix", "paced-",
                            "--count", str(n), corpus], capture_output=True, text=True, timeout=120)
        check(r.returncode == 0, f"bench-pipeline --rate: exit {r.returncode} {r.stdout!r} {r.stderr!r}")
        f = kv(r.stdout.strip().splitlines()[-1])
        check(int(f["items"]) == n and int(f.get("lat_n", 0)) == n, f"--rate: {f}")
        lat = [float(f[k]) for k in ("lat_p50_ms", "lat_p99_ms", "lat_p999_ms")]
        check(0 < lat[0] <= lat[1] <= lat[2], f"--rate percentiles {lat}")
    finally:
        for p in procs:
            p.terminate()
            p.wait(30)


if __name__ == "__main__":
    main()
