#!/usr/bin/python3
"""Quality of the quotes stage on the shared evaluation sets (read at run time).

  dev/*.json         score.py: quote F1, speaker accuracy, indirect F1
  dev2/*.json        score.py: quote F1, speaker accuracy, quote+speaker F1,
                     indirect F1 (30 articles outside international politics)
  peer-cases/*.json  score.py: share of gold quotes (direct, partial) found with
                     the right speaker
  polnear-train      polnear.py score: quoted F1, named-speaker accuracy,
                     all-reported F1

Each set is turned into JSONL {id, text, published} in a temp dir, annotated by
`$WT_BIN/wiretag annotate` (or the command in $WT_ANNOTATE_CMD), and scored by
the shared scripts. FAIL when a figure drops below the floor kept here (the
figures reached, rounded down). Skips (77) when ../shared is absent.
Run: /usr/bin/python3 tests/it_quality_quotes.py [--verbose]
"""
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile

# Floors: the figures reached when these were last raised (docs/QUALITY.md), less
# 0.005-0.01 so that only a real regression fails.
FLOORS = {
    "dev_quote_f1": 0.985,
    "dev_speaker_acc": 0.975,
    "dev_indirect_f1": 0.785,
    "dev2_quote_f1": 0.965,
    "dev2_speaker_acc": 0.97,
    "dev2_quote_speaker_f1": 0.94,
    "dev2_indirect_f1": 0.845,
    "peer_found_right_speaker": 0.95,
    "polnear_quoted_f1": 0.845,
    "polnear_named_speaker_acc": 0.93,
    "polnear_all_f1": 0.77,
}

VERBOSE = "--verbose" in sys.argv


def skip(msg):
    print("SKIP: " + msg)
    sys.exit(77)


def annotate_cmd():
    cmd = os.environ.get("WT_ANNOTATE_CMD")
    if cmd:
        return shlex.split(cmd)
    binp = os.environ.get("WT_BIN", "build/bin")
    exe = os.path.join(binp, "wiretag")
    if not os.access(exe, os.X_OK):
        skip(f"{exe} not built")
    return [exe, "annotate", "-q"]


def annotate(items, tmp, name):
    inp = os.path.join(tmp, name + ".jsonl")
    with open(inp, "w", encoding="utf-8") as f:
        for it in items:
            f.write(json.dumps(it, ensure_ascii=False) + "\n")
    out = os.path.join(tmp, name + ".out.jsonl")
    with open(out, "w", encoding="utf-8") as f:
        r = subprocess.run(annotate_cmd() + [inp], stdout=f, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        print(r.stderr[-2000:])
        raise SystemExit(f"FAIL: annotate exited {r.returncode} on {name}")
    res = {}
    with open(out, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                d = json.loads(line)
                res[d.get("id")] = d
    return out, res


def gold_set(shared, sub, tmp):
    gdir = os.path.join(shared, "eval", sub)
    items = []
    for fn in sorted(os.listdir(gdir)):
        if fn.endswith(".json"):
            g = json.load(open(os.path.join(gdir, fn), encoding="utf-8"))
            items.append({"id": fn[:-5], "text": g["text"], "published": g.get("published")})
    _, res = annotate(items, tmp, sub)
    sdir = os.path.join(tmp, sub + ".sys")
    os.makedirs(sdir, exist_ok=True)
    for it in items:
        with open(os.path.join(sdir, it["id"] + ".json"), "w", encoding="utf-8") as f:
            json.dump(res.get(it["id"], {}), f, ensure_ascii=False)
    return gdir, sdir


def run_score(shared, gdir, sdir):
    args = ["/usr/bin/python3", os.path.join(shared, "eval", "score.py"), gdir, sdir]
    if VERBOSE:
        args.append("--verbose")
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    if VERBOSE:
        print(out)
    return out


def main():
    shared = os.environ.get("WT_SHARED") or "../shared"
    if not os.path.isdir(os.path.join(shared, "eval", "dev")):
        skip(f"{shared}/eval not found")
    figs = {}
    with tempfile.TemporaryDirectory(prefix="wt-quotes-") as tmp:
        # dev
        gdir, sdir = gold_set(shared, "dev", tmp)
        out = run_score(shared, gdir, sdir)
        m = re.search(r"quotes\s+P ([\d.]+) R ([\d.]+) F1 ([\d.]+)\s+speaker-acc ([\d.]+)", out)
        figs["dev_quote_f1"], figs["dev_speaker_acc"] = float(m.group(3)), float(m.group(4))
        mi = re.search(r"indirect P ([\d.]+) R ([\d.]+) F1 ([\d.]+)", out)
        figs["dev_indirect_f1"] = float(mi.group(3))
        print(f"dev: quotes {m.group(0)}; indirect F1 {mi.group(3)}")

        # dev2: 30 articles outside international politics
        gdir, sdir = gold_set(shared, "dev2", tmp)
        out = run_score(shared, gdir, sdir)
        m = re.search(r"quotes\s+P ([\d.]+) R ([\d.]+) F1 ([\d.]+)\s+speaker-acc ([\d.]+)"
                      r"\s+quote\+speaker F1 ([\d.]+)", out)
        mi = re.search(r"indirect P ([\d.]+) R ([\d.]+) F1 ([\d.]+)", out)
        figs["dev2_quote_f1"], figs["dev2_speaker_acc"] = float(m.group(3)), float(m.group(4))
        figs["dev2_quote_speaker_f1"], figs["dev2_indirect_f1"] = float(m.group(5)), float(mi.group(3))
        print(f"dev2: quotes {m.group(0)}; indirect F1 {mi.group(3)}")

        # peer cases: share of gold direct/partial quotes found with the right speaker
        gdir, sdir = gold_set(shared, "peer-cases", tmp)
        sys.path.insert(0, os.path.join(shared, "eval"))
        import score  # the shared scorer, for its matching rules

        ok = total = 0
        for fn in sorted(os.listdir(gdir)):
            if not fn.endswith(".json"):
                continue
            g = json.load(open(os.path.join(gdir, fn), encoding="utf-8"))
            s = json.load(open(os.path.join(sdir, fn), encoding="utf-8"))
            r = score.score_article(g, s, VERBOSE)
            ok += r["quote_spk_ok"] + r["ind_spk_ok"]
            total += r["quote_tp"] + r["quote_fn"] + r["ind_tp"] + r["ind_fn"]
        figs["peer_found_right_speaker"] = ok / total if total else 0.0
        print(f"peer-cases: {ok}/{total} quotes found with the right speaker")

        # PolNeAR
        pol = os.path.join(shared, "eval", "polnear-train.jsonl")
        if os.path.exists(pol):
            items = []
            with open(pol, encoding="utf-8") as f:
                for line in f:
                    if line.strip():
                        d = json.loads(line)
                        items.append({"id": d["id"], "text": d["text"]})
            out_path, _ = annotate(items, tmp, "polnear")
            out = subprocess.run(["/usr/bin/python3", os.path.join(shared, "eval", "polnear.py"),
                                  "score", pol, out_path], capture_output=True, text=True,
                                 check=True).stdout
            print("polnear:\n" + out.rstrip())
            mq = re.search(r"quoted\s+P [\d.]+ R [\d.]+ F1 ([\d.]+)\s+named-speaker-acc ([\d.]+)", out)
            ma = re.search(r"all\s+P [\d.]+ R [\d.]+ F1 ([\d.]+)", out)
            figs["polnear_quoted_f1"] = float(mq.group(1))
            figs["polnear_named_speaker_acc"] = float(mq.group(2))
            figs["polnear_all_f1"] = float(ma.group(1))
    bad = [k for k, v in FLOORS.items() if k in figs and figs[k] < v]
    for k in FLOORS:
        if k in figs:
            print(f"  {k:28s} {figs[k]:.3f}  (floor {FLOORS[k]:.3f})")
    if bad:
        print("FAIL: below floor: " + ", ".join(bad))
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
