"""harness.metrics: reading /metrics for the tests.

A strict reader of the Prometheus text format (0.0.4) as far as we write
it: every sample belongs to a family announced by # HELP and # TYPE,
counters end in _total, histogram buckets are cumulative and end with
+Inf == _count, label values are well-formed escaped strings.
"""
import re
import urllib.error
import urllib.request

from .core import check, fail, wait_for

_NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
_LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\\\|\\"|\\n)*"'
_SAMPLE = re.compile(r"^(%s)(\{%s(?:,%s)*\})? (\S+)$" % (_NAME, _LABEL, _LABEL))
_ONE_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\\\|\\"|\\n)*)"')


def _unescape(v):
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "\\": "\\", '"': '"'}[m.group(1)], v)


def get(url, timeout=10):
    """(status, content type, body text) of GET url."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read().decode("utf-8", "replace")


def parse(text):
    """{family: {"type": t, "help": h, "samples": [(name, {labels}, value)]}}; fails on
    anything malformed."""
    fams = {}
    cur = None
    for n, line in enumerate(text.split("\n"), 1):
        if not line:
            continue
        if line.startswith("# HELP "):
            name = line.split(" ")[2]
            check(name not in fams, "line %d: family %s announced twice" % (n, name))
            fams[name] = {"help": line[len("# HELP ") + len(name) + 1:], "type": None, "samples": []}
            cur = name
            continue
        if line.startswith("# TYPE "):
            _, _, name, typ = line.split(" ")
            check(name == cur, "line %d: TYPE %s does not follow its HELP" % (n, name))
            check(typ in ("counter", "gauge", "histogram"), "line %d: type %s" % (n, typ))
            fams[name]["type"] = typ
            continue
        check(not line.startswith("#"), "line %d: unexpected comment %r" % (n, line))
        m = _SAMPLE.match(line)
        check(m is not None, "line %d: not a sample line: %r" % (n, line))
        name, labels, value = m.group(1), m.group(2) or "", m.group(3)
        fam = cur
        check(fam is not None and (name == fam or (fams[fam]["type"] == "histogram" and name in
                                                   (fam + "_bucket", fam + "_sum", fam + "_count"))),
              "line %d: sample %s outside its family (%s)" % (n, name, fam))
        try:
            v = float(value)
        except ValueError:
            fail("line %d: bad value %r" % (n, value))
        lab = {k: _unescape(v2) for k, v2 in _ONE_LABEL.findall(labels)}
        fams[fam]["samples"].append((name, lab, v))
    for name, f in fams.items():
        check(name.startswith("wiretag_"), "family %s lacks the wiretag_ prefix" % name)
        check(f["type"] is not None, "family %s has no TYPE" % name)
        if f["type"] == "counter":
            check(name.endswith("_total"), "counter %s does not end in _total" % name)
        else:
            check(not name.endswith("_total"), "%s %s ends in _total" % (f["type"], name))
        if f["type"] == "histogram":
            buckets = [(s[1]["le"], s[2]) for s in f["samples"] if s[0].endswith("_bucket")]
            counts = [s[2] for s in f["samples"] if s[0] == name + "_count"]
            check(buckets and buckets[-1][0] == "+Inf", "%s: no +Inf bucket" % name)
            vals = [b[1] for b in buckets]
            check(vals == sorted(vals), "%s: buckets not cumulative: %r" % (name, vals))
            check(counts == [vals[-1]], "%s: _count %r != +Inf bucket %r" % (name, counts, vals[-1]))
            les = [float(b[0]) for b in buckets]
            check(les == sorted(les), "%s: le not ascending" % name)
    return fams


def value(fams, metric, **labels):
    """The value of one sample (0 when the family has no such sample yet)."""
    fam = fams.get(metric) or fams.get(re.sub(r"_(bucket|sum|count)$", "", metric))
    check(fam is not None, "no family %s" % metric)
    for n, lab, v in fam["samples"]:
        if n == metric and all(lab.get(k) == want for k, want in labels.items()):
            return v
    return 0.0


def worker_metrics_address(procs, name):
    """HOST:PORT a worker started with --metrics logged (waits for the line)."""
    found = []

    def ready():
        m = re.search(r"metrics: serving http://([^/\s]+)/metrics", procs.log(name, 200))
        if m:
            found.append(m.group(1))
        return bool(found)
    wait_for(ready, 20, "the worker to log its metrics address")
    return found[0]
