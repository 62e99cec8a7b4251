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


# ---------------------------------------------------------------------------
# Error listing by family:  python3 tests/quality.py --errors GOLD_DIR
#
# Runs the engine on a gold set and prints every missed, spurious or wrongly
# attributed quote with an error FAMILY (a rough, rule-based label that says
# which attribution pattern failed), then the count per family, biggest first.
# The matching is score.py's own (imported from the shared eval directory), so
# what is listed here is exactly what the scorer counts as an error.

PRONOUNS = {"he", "she", "they", "it", "we"}
NOT_SPEECH = {"add", "adds", "added", "adding", "note", "notes", "noted", "noting",
              "show", "shows", "showed", "shown", "showing", "list", "listed", "post",
              "posted", "report", "reported", "find", "found", "read", "reads"}
BODY_WORDS = ("statement", "report", "ruling", "study", "letter", "release", "filing",
              "order", "verdict", "document", "judgment", "decision", "post", "tweet")
STAFF_WORDS = ("analyst", "spokes", "official", "representative", "aide", "source",
               "expert", "economist", "strategist")


def _sentence_around(text, a, b):
    lo = max(text.rfind(". ", 0, a), text.rfind("\n", 0, a))
    lo = 0 if lo < 0 else lo + 1
    his = [i for i in (text.find(". ", b), text.find("\n", b)) if i >= 0]
    hi = min(his) + 1 if his else len(text)
    return text[lo:hi].strip()


def _find(text, quote):
    """Offsets of a gold quote in the text (whitespace-normalised search)."""
    i = text.find(quote)
    if i >= 0:
        return i, i + len(quote)
    pat = r"\s+".join(re.escape(w) for w in quote.split())
    m = re.search(pat, text) if pat else None
    return (m.start(), m.end()) if m else (-1, -1)


def _family(score, gold, g, s, by_id, text):
    """Family of a wrong speaker: g gold quote, s system quote."""
    sp = s.get("speaker") or {}
    if isinstance(sp, str):
        sp = {"text": sp}
    stext = sp.get("text") or ""
    sact = by_id.get(sp.get("actor")) or {}
    gsp = g["speaker"]
    ga = next((a for a in gold.get("actors") or [] if a["name"] == gsp), None)
    a, b = _find(text, g["text"])
    sent = _sentence_around(text, a, b) if a >= 0 else ""
    low = sent.lower()
    if not stext:
        return "no-speaker"
    # a fragment: the span stops inside a noun phrase ("The foreign" of "The foreign ministry")
    st, en = sp.get("start"), sp.get("end")
    if isinstance(en, int) and 0 <= en <= len(text.encode("utf-8")):
        after = text.encode("utf-8")[en:en + 40].decode("utf-8", "replace")
        m = re.match(r"\s+([A-Za-z][\w-]*)", after)
        nxt = m.group(1).lower() if m else ""
        if (nxt and not re.match(r"[,.;:!?'\"()\u201c\u201d]", after[:1]) and
                nxt not in score.HONORIFICS and nxt not in {
                    "said", "says", "say", "told", "added", "and", "of", "who", "on", "in",
                    "at", "has", "had", "have", "was", "is", "will", "would", "also", "to",
                    "for", "then", "later", "last", "on", "this", "earlier", "as", "with",
                    "when", "after", "before", "but", "that", "which", "from", "by",
                    "wrote", "warned", "insisted", "noted", "argued", "stated",
                    "explained", "did", "does", "could", "can", "may", "might", "should",
                    "asked", "replied", "announced", "claimed", "confirmed", "continued"} and
                not re.match(r"[a-z]+(ed|s)$", nxt)):
            return "speaker-fragment"
    if ga is not None and ga["type"] == "organization" and re.match(r"(?i)the\s+[a-z]", stext):
        return "description\u2192org"
    if ga is None and any(w in gsp.lower() for w in STAFF_WORDS):
        return "analyst/spokesperson"
    if ga is not None and ga["type"] == "person":
        aliases = [x for x in ga.get("aliases", []) if x]
        if any(re.search(re.escape(x) + r",\s+(a|an|the|who|one)\b", sent) for x in aliases) or \
           any(re.search(r",\s+" + re.escape(x) + r"\s*[,.]", sent) for x in aliases):
            return "speaker-apposition"
        if any(w in low for w in STAFF_WORDS) and any(
                x.lower() in low for x in aliases):
            return "analyst/spokesperson"
    if any(w in low for w in BODY_WORDS) and (ga is None or ga["type"] != "person"):
        return "statement/report"
    if re.search(r"\b(he|she|they|it)\s+(\w+\s+)?(said|says|told|added|stressed|warned|"
                 r"insisted|noted|argued|explained|admitted|claimed|wrote)\b", low) or \
       re.search(r"\b(said|says|added)\s+(he|she)\b", low):
        return "pronoun"
    if g["kind"] == "partial":
        return "partial-cue"
    if ga is not None and ga["type"] == "person" and not any(
            x in sent for x in ga.get("aliases", [])):
        if re.search(r"\b(the|its|his|her|their)\s+[\w'\u2019-]*\s*(chief|minister|president|"
                     r"executive|head|director|chairman|chair|leader|mayor|governor|"
                     r"secretary|boss|coach|commissioner|officer)", low):
            return "description\u2192person"
    if ga is not None and ga["type"] in ("country", "organization") and sact.get("type") == "person":
        return "org-vs-person"
    if ga is not None and ga["type"] == "person" and sact.get("type") in ("country", "organization"):
        return "person-as-org"
    return "other"


def errors_main(gold_dir, only=None):
    """Annotate gold_dir, print each error with its family, then counts per family."""
    score_py = require_shared("eval", "score.py")
    sys.path.insert(0, os.path.dirname(score_py))
    import score
    gold_dir = os.path.abspath(gold_dir)
    fams = {}
    with tempfile.TemporaryDirectory(prefix="wt-errors-") as tmp:
        inp = os.path.join(tmp, "in.jsonl")
        golds = {}
        with open(inp, "w", encoding="utf-8") as f:
            for fn in sorted(os.listdir(gold_dir)):
                if fn.endswith(".json"):
                    d = json.load(open(os.path.join(gold_dir, fn), encoding="utf-8"))
                    golds[fn[:-5]] = d
                    f.write(json.dumps({"id": fn[:-5], "text": d["text"],
                                        "published": d.get("published")},
                                       ensure_ascii=False) + "\n")
        outp = os.path.join(tmp, "out.jsonl")
        annotate_jsonl(inp, outp)
        outs = {}
        for line in open(outp, encoding="utf-8"):
            if line.strip():
                d = json.loads(line)
                outs[d["id"]] = d

    def report(fam, aid, kind, what, detail):
        if only and fam != only and not fam.startswith(only):
            return
        fams[fam] = fams.get(fam, 0) + 1
        print(f"[{fam}] {aid} {kind}: {what}\n      {detail}")

    for aid, gold in golds.items():
        sysd = outs.get(aid, {})
        text = gold["text"]
        by_id = {a.get("id"): a for a in sysd.get("actors", []) or []}
        for kinds, tag in ((("direct", "partial"), "quote"), (("indirect",), "indirect")):
            gq = [q for q in gold["quotes"] if q["kind"] in kinds]
            sq = [q for q in sysd.get("quotes", []) or [] if q.get("kind", "direct") in kinds]
            used_g, used_s, pairs = set(), set(), []
            for si, s in enumerate(sq):
                best, bo = None, 0.5
                for i, g in enumerate(gq):
                    if i in used_g:
                        continue
                    o = score.overlap(s.get("text", ""), g["text"])
                    if o >= bo:
                        best, bo = i, o
                if best is not None:
                    used_g.add(best)
                    used_s.add(si)
                    pairs.append((gq[best], s))
            # speakers: reuse the scorer's own test through a one-quote article
            for g, s in pairs:
                one = {"actors": gold.get("actors"), "ignore": gold.get("ignore", []),
                       "quotes": [g]}
                r = score.score_article(one, {"actors": sysd.get("actors", []),
                                              "quotes": [s]})
                ok = (r["quote_spk_ok"] + r["ind_spk_ok"]) == 1
                if not ok:
                    fam = _family(score, gold, g, s, by_id, text)
                    sp = s.get("speaker") or {}
                    sname = (by_id.get(sp.get("actor")) or {}).get("name")
                    report(fam, aid, g["kind"], f"\u00ab{g['text'][:70]}\u00bb",
                           f"gold={g['speaker']!r} sys={sp.get('text')!r} actor={sname!r} "
                           f"cue={s.get('cue')!r}")
            for i, g in enumerate(gq):
                if i in used_g:
                    continue
                # a system quote that overlaps but is cut differently: a span error
                near, ns = max(((score.overlap(s.get("text", ""), g["text"]), s) for s in sq),
                               default=(0.0, None), key=lambda x: x[0])
                a, b = _find(text, g["text"])
                if near > 0.4:
                    gw, sw = set(score.words(g["text"])), set(score.words(ns.get("text", "")))
                    fam = "span-overrun" if gw <= sw else "span-cut"
                    report(fam, aid, g["kind"], f"\u00ab{g['text']}\u00bb",
                           f"system: \u00ab{ns.get('text', '')}\u00bb")
                    continue
                fam = "missed-" + g["kind"]
                report(fam, aid, g["kind"], f"\u00ab{g['text'][:70]}\u00bb",
                       f"gold speaker={g['speaker']!r}; sentence: "
                       f"{_sentence_around(text, a, b)[:160]!r}" if a >= 0 else "")
            for si, s in enumerate(sq):
                if si in used_s:
                    continue
                cue = (s.get("cue") or "").lower()
                near = max((score.overlap(s.get("text", ""), g["text"]) for g in gq),
                           default=0.0)
                if near > 0.4:
                    continue  # listed with its gold quote as span-overrun / span-cut
                if tag == "indirect" and cue in NOT_SPEECH:
                    fam = "not-speech"
                else:
                    fam = "spurious-" + s.get("kind", "direct")
                sp = s.get("speaker") or {}
                report(fam, aid, s.get("kind"), f"\u00ab{s.get('text', '')[:70]}\u00bb",
                       f"sys speaker={sp.get('text')!r} cue={s.get('cue')!r}")
    print("\nerrors by family:")
    for fam, n in sorted(fams.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"  {n:4d}  {fam}")
    print(f"  {sum(fams.values()):4d}  total")
    return 0


if __name__ == "__main__":
    import argparse
    ap = argparse.ArgumentParser(description="quality helpers; --errors lists errors by family")
    ap.add_argument("--errors", metavar="GOLD_DIR", required=True,
                    help="annotate GOLD_DIR/*.json and list each quote/speaker error")
    ap.add_argument("--family", help="print only this family (or families with this prefix)")
    a = ap.parse_args()
    sys.exit(errors_main(a.errors, a.family))
