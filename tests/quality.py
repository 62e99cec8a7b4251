"""quality.py: shared code for the quality tests (tests/it_quality_*.py).

Converts ../shared/eval/<set>/*.json into a JSON Lines input AT RUN TIME (no
text is copied into the repository), runs `wiretag annotate`, writes one
output file per id and runs ../shared/eval/score.py, returning its figures.
A quality test compares the figures with thresholds it keeps, so that they
never slide back. Exit code 77 (CTest: skipped) when ../shared is absent.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

SKIP = 77


def shared_dir():
    d = os.environ.get("WT_SHARED") or os.path.join(os.getcwd(), "..", "shared")
    return os.path.abspath(d)


def require_shared(*parts):
    p = os.path.join(shared_dir(), *parts)
    if not os.path.exists(p):
        print(f"SKIP: {p} is absent (the shared evaluation data is not on this machine)")
        sys.exit(SKIP)
    return p


def wiretag_bin():
    b = os.environ.get("WT_BIN") or os.path.join(os.getcwd(), "build", "bin")
    return os.path.join(b, "wiretag")


def annotate_jsonl(in_path, out_path, extra=()):
    with open(out_path, "wb") as out:
        r = subprocess.run([wiretag_bin(), "annotate", "--quiet", *extra, in_path],
                           stdout=out, stderr=subprocess.PIPE, timeout=600)
    if r.returncode not in (0, 1):
        sys.stderr.write(r.stderr.decode("utf-8", "replace"))
        raise SystemExit(f"wiretag annotate failed with status {r.returncode}")
    return r


def score_set(name):
    """Annotate ../shared/eval/<name>/ and return score.py's figures as a dict."""
    src = require_shared("eval", name)
    score = require_shared("eval", "score.py")
    with tempfile.TemporaryDirectory(prefix="wt-quality-") as tmp:
        inp = os.path.join(tmp, "in.jsonl")
        with open(inp, "w", encoding="utf-8") as f:
            for fn in sorted(os.listdir(src)):
                if fn.endswith(".json"):
                    d = json.load(open(os.path.join(src, fn), encoding="utf-8"))
                    f.write(json.dumps({"id": fn[:-5], "text": d["text"],
                                        "published": d.get("published")},
                                       ensure_ascii=False) + "\n")
        outp = os.path.join(tmp, "out.jsonl")
        annotate_jsonl(inp, outp)
        sysdir = os.path.join(tmp, "sys")
        os.mkdir(sysdir)
        for line in open(outp, encoding="utf-8"):
            if line.strip():
                d = json.loads(line)
                json.dump(d, open(os.path.join(sysdir, d["id"] + ".json"), "w", encoding="utf-8"))
        r = subprocess.run([sys.executable, score, src, sysdir], capture_output=True, text=True,
                           timeout=300)
        if r.returncode != 0:
            raise SystemExit("score.py failed:\n" + r.stderr)
        return parse_score(r.stdout)


def parse_score(text):
    fig = {}
    for line in text.splitlines():
        m = re.match(r"^(actors|quotes|indirect|topics)\s+(.*)$", line)
        if not m:
            continue
        kind, rest = m.groups()
        words = []
        for tok in rest.split():
            if re.fullmatch(r"[0-9]+\.[0-9]+", tok):
                fig[f"{kind}.{' '.join(words)}"] = float(tok)
                words = []
            else:
                words.append(tok)
    return fig


def enforce(figures, thresholds):
    """Print each figure next to its threshold; exit 1 if any is below."""
    bad = 0
    for key, floor in thresholds.items():
        got = figures.get(key)
        ok = got is not None and got + 1e-9 >= floor
        print(f"{'ok ' if ok else 'LOW'} {key:28s} {got if got is not None else 'missing'!s:>8} (threshold {floor})")
        bad += not ok
    if bad:
        print(f"{bad} figure(s) below threshold: a change made quality worse")
        sys.exit(1)
