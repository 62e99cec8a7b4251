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
import harness as H
from harness import Control, Producer, Worker, check, run, zmq  # noqa: E402


def sh(args, code=0):
    p = subprocess.run(args, capture_output=True, text=True, timeout=60)
    check(p.returncode == code, "%r: exit %d: %s" % (args, p.returncode, p.stderr))
    return p


def test(make):
    wt, worker = H.binary("wiretag"), H.binary("wiretag-worker")
    check(re.match(r"wiretag-worker \d+\.\d+", sh([worker, "--version"]).stdout), "worker --version")
    check("commands:" in sh([wt, "help"]).stdout, "wiretag help")
    check("--from SEQ" in sh([wt, "help", "sub"]).stdout, "wiretag help sub")
    sh([wt, "help", "nope"], code=2)

    # bad option values name the option and what it wants (issue 13 item 14)
    for args, says in (([wt, "feed", "--window", "0", "x"], "--window wants a whole number"),
                       ([wt, "feed", "--timeout"], "the value is missing"),
                       ([wt, "stats", "--timeout", "soon"], "--timeout wants a whole number"),
                       ([worker, "--threads"], "--threads wants"),
                       ([wt, "feed", "--frob", "x"], "unknown option '--frob'")):
        p = sh(args, code=2)
        check(says in p.stderr, "%r: %r" % (args[1:], p.stderr))

    # the broker's -q / -v override log.level
    import time as _t
    for flag, want, unwanted in (("-q", None, " info "), ("-v", " debug ", None)):
        bq = make()
        with open(bq.config) as f:
            conf = f.read().replace("level: debug", "level: info")
        with open(bq.config, "w") as f:
            f.write(conf)
        ready = os.path.join(bq.tmp, "ready.json")
        logf = open(bq.log, "w")
        proc = subprocess.Popen([os.path.join(os.path.dirname(wt), "wiretag-broker"), flag,
                                 "-c", bq.config, "--journal", bq.journal, "--ready-file", ready]
                                + sum((["--" + k, "tcp://127.0.0.1:*"] for k in
                                       ("producers", "workers", "subscribers", "replay")), []),
                                stdout=logf, stderr=logf)
        end = _t.time() + 20
        while not os.path.exists(ready) and _t.time() < end and proc.poll() is None:
            _t.sleep(0.02)
        eps = json.load(open(ready))
        sh([wt, "stats", "--broker", eps["replay"]])
        sh([wt, "sub", "--broker", eps["subscribers"], "--replay", eps["replay"], "--from", "1",
            "--idle", "0.5"])  # an empty REPLAY: a debug line
        proc.terminate()
        proc.wait(10)
        log = open(bq.log).read()
        check(log.strip() or flag == "-q", "no log at all with %s" % flag)
        if unwanted:
            check(unwanted not in log, "%s: info lines logged:\n%s" % (flag, log))
        if want:
            check(want in log, "%s: no debug lines:\n%s" % (flag, log))

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
