#!/usr/bin/env python3
"""Topic quality gate: run `wiretag annotate` on the development articles in
$WT_SHARED/eval/dev and eval/dev2 (when present) and score the issues' topics
with the shared score.py.

The article texts are read at run time (never copied into the repository):
each gold file becomes one JSONL item {id, text, published}; the annotated
items are written one per id into a temporary folder and scored. The test
fails when topic F1 drops below MIN_TOPIC_F1 of its set (the figure reached
when the gate was set, rounded down by about 0.01), and is skipped (77)
without ../shared.

usage: it_quality_topics.py [--verbose]   (env: WT_SHARED, WT_BIN, optional
       WT_TOPICS_CONFIG: a configuration file passed to wiretag with -c)
"""
import json
import os
import re
import subprocess
import sys
import tempfile

# never lower these: raise them when the figures improve
MIN_TOPIC_F1 = {"dev": 0.90, "dev2": 0.82}


def main():
    shared = os.environ.get("WT_SHARED") or "../shared"
    bindir = os.environ.get("WT_BIN") or "build/bin"
    dev = os.path.join(shared, "eval", "dev")
    score = os.path.join(shared, "eval", "score.py")
    if not os.path.isdir(dev) or not os.path.exists(score):
        print(f"SKIP: no development set at {dev}")
        return 77
    exe = os.path.join(bindir, "wiretag")
    if not os.access(exe, os.X_OK):
        print(f"FAIL: {exe} not built")
        return 1
    rc = 0
    for name, floor in MIN_TOPIC_F1.items():
        d = os.path.join(shared, "eval", name)
        if not os.path.isdir(d):
            print(f"note: no {d}, its floor is not checked")
            continue
        rc |= check_set(exe, d, score, floor)
    return rc


def check_set(exe, dev, score, floor):
    names = sorted(f for f in os.listdir(dev) if f.endswith(".json"))
    with tempfile.TemporaryDirectory(prefix="wt-topics-") as tmp:
        inp = os.path.join(tmp, "dev.jsonl")
        with open(inp, "w", encoding="utf-8") as out:
            for fn in names:
                gold = json.load(open(os.path.join(dev, fn), encoding="utf-8"))
                item = {"id": fn[:-5], "text": gold["text"]}
                if gold.get("published"):
                    item["published"] = gold["published"]
                out.write(json.dumps(item, ensure_ascii=False) + "\n")
        cmd = [exe, "annotate", "-q", inp]
        if os.environ.get("WT_TOPICS_CONFIG"):  # a development config (optional)
            cmd[2:2] = ["-c", os.environ["WT_TOPICS_CONFIG"]]
        run = subprocess.run(cmd, capture_output=True, text=True,
                             timeout=120)
        if run.returncode != 0:
            print(f"FAIL: wiretag annotate exited {run.returncode}: {run.stderr.strip()}")
            return 1
        sysdir = os.path.join(tmp, "sys")
        os.mkdir(sysdir)
        seen = 0
        for line in run.stdout.splitlines():
            if not line.strip():
                continue
            res = json.loads(line)
            with open(os.path.join(sysdir, res["id"] + ".json"), "w", encoding="utf-8") as f:
                json.dump(res, f, ensure_ascii=False)
            seen += 1
        if seen != len(names):
            print(f"FAIL: {len(names)} items in, {seen} out")
            return 1
        args = [sys.executable, score, dev, sysdir]
        if "--verbose" in sys.argv:
            args.append("--verbose")
        sc = subprocess.run(args, capture_output=True, text=True, timeout=120)
        print(sc.stdout, end="")
        m = re.search(r"topicF1=([0-9.]+)", sc.stdout)
        if sc.returncode != 0 or not m:
            print(f"FAIL: score.py failed: {sc.stderr.strip()}")
            return 1
        f1 = float(m.group(1))
        name = os.path.basename(dev)
        if f1 < floor:
            print(f"FAIL: {name}: topic F1 {f1:.3f} < {floor:.2f}")
            return 1
        print(f"PASS: {name}: topic F1 {f1:.3f} >= {floor:.2f}")
        return 0


if __name__ == "__main__":
    sys.exit(main())
