"""it_cli_small.py: the smaller promises of issue 13: `wiretag-worker
--version`, `wiretag help [COMMAND]`, one meaning for --pretty (indented
JSON in sub as in annotate; --readable is the readable block), and rates in
`wiretag stats` with at most 3 significant digits."""
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2eutil  # noqa: E402
from wtbroker import Control, Producer, Worker, check, run, zmq  # noqa: E402


def sh(args, code=0):
    p = subprocess.run(args, capture_output=True, text=True, timeout=60)
    check(p.returncode == code, "%r: exit %d: %s" % (args, p.returncode, p.stderr))
    return p


def test(make):
    wt, worker = e2eutil.binary("wiretag"), e2eutil.binary("wiretag-worker")
    check(re.match(r"wiretag-worker \d+\.\d+", sh([worker, "--version"]).stdout), "worker --version")
    check("commands:" in sh([wt, "help"]).stdout, "wiretag help")
    check("--from SEQ" in sh([wt, "help", "sub"]).stdout, "wiretag help sub")
    sh([wt, "help", "nope"], code=2)

    b = make().start()
    ctx = zmq.Context.instance()
    prod = Producer(ctx, b)
    w = Worker(ctx, b, name="w", credit=4)
    ctl = Control(ctx, b)
    for i in range(7):
        prod.put({"id": "s-%d" % i, "text": "Small item %d." % i})
    w.serve(20, lambda job, att, it: "done", until=lambda: ctl.stats()["last_rseq"] == 7)
    ep = ["--broker", b.ep["subscribers"], "--replay", b.ep["replay"], "--from", "1", "--count",
          "2"]
    p = sh([wt, "sub", "--pretty"] + ep)
    check(p.stdout.startswith("{\n"), "sub --pretty is not indented JSON: %r" % p.stdout[:80])
    dec = json.JSONDecoder()
    first, end = dec.raw_decode(p.stdout)
    check(first["id"] == "s-0", "sub --pretty: %r" % first)
    p = sh([wt, "sub", "--readable"] + ep)
    check(p.stdout.startswith("#1 s-0"), "sub --readable: %r" % p.stdout[:80])
    # rates: 2-3 significant digits, never 5.77e-16
    w.serve(1.5, lambda job, att, it: "done")
    st = json.loads(sh([wt, "stats", "--broker", b.ep["replay"], "--json"]).stdout)
    for k, v in st["rates"].items():
        digits = re.sub(r"^0\.0*|\.|e.*$", "", repr(float(v))).rstrip("0")
        check("e" not in repr(v) and len(digits) <= 3, "rate %s = %r" % (k, v))
    print("rates:", st["rates"])


run(test)
