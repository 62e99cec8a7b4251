"""harness.core: verdicts, paths and waiting on observable state.

Every helper here fails a test through fail() (exit 1) or skips it through
skip() (exit 77, which CTest reports as skipped)."""
import atexit
import json
import os
import shutil
import sys
import tempfile
import threading
import time

BIN = os.environ.get("WT_BIN", "build/bin")
BUILD = os.environ.get("WT_BUILD", "build")


def skip(msg):
    print("SKIP: " + msg)
    sys.exit(77)


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


class Checks:
    """Soft checks for a test that reports every case before its verdict:
    each prints `ok` or `FAIL` and the failures are counted; done() exits 1
    if any failed."""

    def __init__(self):
        self.fails = []

    def __call__(self, cond, what):
        print(("ok   " if cond else "FAIL ") + what, flush=True)
        if not cond:
            self.fails.append(what)

    def done(self, passed_line):
        if self.fails:
            print("%d check(s) failed" % len(self.fails))
            sys.exit(1)
        print(passed_line)


def binary(name):
    """Path of a built program (build/bin or $WT_BIN); skips when absent."""
    p = os.path.join(BIN, name)
    if not os.access(p, os.X_OK):
        skip("%s not built" % p)
    return p


def broker_bin():
    return binary("wiretag-broker")


def shim(name):
    """Path of the LD_PRELOAD shim tests/shim/<name>.c as built; skips when absent."""
    path = os.path.join(BUILD, "tests", "libwt_%s.so" % name)
    if not os.path.exists(path):
        skip("%s not built" % path)
    return path


def preload_env(name, extra=None):
    """An environment that runs a program with shim `name` preloaded."""
    env = dict(os.environ)
    env.update(extra or {})
    env["LD_PRELOAD"] = shim(name)
    # an ASan build wants its runtime first; the shim is not instrumented
    env["ASAN_OPTIONS"] = (env.get("ASAN_OPTIONS", "") + ":verify_asan_link_order=0").lstrip(":")
    return env


def poll_until(cond, seconds, step=0.05):
    """Poll cond until it holds or `seconds` pass; returns its last value."""
    end = time.time() + seconds
    while time.time() < end:
        if cond():
            return True
        time.sleep(step)
    return cond()


def wait_for(cond, seconds, what):
    """Poll cond (observable state: STATS, files, processes) until it holds.
    Never less than 60 s: the wait only ends early when cond holds, and a
    loaded machine or a sanitizer build must not turn slowness into a FAIL."""
    end = time.time() + max(seconds, 60)
    while time.time() < end:
        if cond():
            return
        time.sleep(0.05)
    fail("timed out after %d s waiting for %s" % (max(seconds, 60), what))


class LineReader:
    """The lines of a stream (a child's stdout pipe) gathered in .lines by a
    daemon thread as they come; join() waits for the end of the stream."""

    def __init__(self, stream):
        self.lines = []
        self.stream = stream
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        for line in self.stream:
            self.lines.append(line)

    def join(self, timeout=None):
        self.thread.join(timeout)


def tempdir(prefix):
    """A new temporary directory, removed when the test exits (pass or fail)."""
    d = tempfile.mkdtemp(prefix=prefix)
    atexit.register(shutil.rmtree, d, True)
    return d


def read_text(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def read_jsonl(path):
    out = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line:
                out.append(json.loads(line))
    return out


# Sentences of our own; items differ by number so that ids (hashes) differ.
SENTENCES = [
    "The mayor of Springfield said the new bridge would open in May.",
    "Finance ministers met in Geneva to discuss the price of wheat.",
    "\"We will not raise taxes this year,\" the governor told reporters.",
    "Parliament voted to extend the school year by two weeks.",
    "The central bank kept interest rates unchanged on Thursday.",
    "Health officials opened three new clinics in rural districts.",
    "Farmers in France protested against the new fuel tax.",
]


def write_items(path, n, prefix="it", poison_at=None, poison=None):
    """A JSON Lines file of n items with ids prefix-0..n-1; returns the ids."""
    ids = []
    with open(path, "w") as f:
        for i in range(n):
            text = "Report %d. %s %s" % (i, SENTENCES[i % len(SENTENCES)],
                                        SENTENCES[(i * 7 + 3) % len(SENTENCES)])
            if poison_at is not None and i == poison_at:
                text += " " + poison
            d = {"id": "%s-%d" % (prefix, i), "text": text, "published": "2024-05-%02d" % (1 + i % 28)}
            f.write(json.dumps(d) + "\n")
            ids.append(d["id"])
    return ids


def check_exactly_once(results, ids, what=""):
    """Results: {seq: result}. Every id once, seqs 1..n without a hole."""
    seqs = sorted(results)
    check(seqs == list(range(1, len(seqs) + 1)), "%s result seqs not 1..n: %r" % (what, seqs[:20]))
    seen = {}
    for seq in seqs:
        rid = results[seq].get("id")
        check(rid not in seen, "%s item %s published twice (seq %d and %d)" %
              (what, rid, seen.get(rid, 0), seq))
        seen[rid] = seq
    missing = set(ids) - set(seen)
    check(not missing, "%s %d item(s) never published, e.g. %r" % (what, len(missing), sorted(missing)[:5]))
    extra = set(seen) - set(ids)
    check(not extra, "%s unexpected items published: %r" % (what, sorted(extra)[:5]))
