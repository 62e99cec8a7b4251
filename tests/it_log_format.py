"""it_log_format.py: one log format for the broker and the worker (issue 13,
smaller list): text lines "TS.mmmZ PROGRAM LEVEL key=value ... message"
(UTC with milliseconds; the worker used to write seconds and
"wiretag-worker[pid] level:"), and with `log.format: json` one JSON object
per line with ts, program, level, the fields and msg."""
import json
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as H
from harness import check, run  # noqa: E402

TEXT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (broker|worker) (error|warn|info|debug) ")


def worker_lines(b, config):
    w = subprocess.Popen([H.binary("wiretag-worker"), "-c", config, "--broker",
                          b.ep["workers"], "--threads", "1"], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True)
    time.sleep(0.1)
    H.wait_for(lambda: H.stats(b)["workers_count"] == 1, 30, "the worker")
    w.terminate()
    out, _ = w.communicate(timeout=30)
    return [x for x in out.splitlines() if x.strip()]


def test(make):
    for fmt in ("text", "json"):
        b = make()
        with open(b.config, "a") as f:
            f.write("  format: %s\n" % fmt)
        b.start()
        wconf = os.path.join(b.tmp, "worker.yaml")
        with open(wconf, "w") as f:
            f.write("log:\n  level: info\n  format: %s\n" % fmt)
        wl = worker_lines(b, wconf)
        b.stop()
        bl = [x for x in open(b.log).read().splitlines() if x.strip()]
        check(len(bl) >= 2 and len(wl) >= 2, "%s: too few lines: %r %r" % (fmt, bl, wl))
        for prog, lines in (("broker", bl), ("worker", wl)):
            for x in lines:
                if fmt == "text":
                    m = TEXT.match(x)
                    check(m and m.group(1) == prog, "%s text line: %r" % (prog, x))
                else:
                    o = json.loads(x)
                    check(o["program"] == prog and re.match(r"\d{4}-.*\.\d{3}Z$", o["ts"]) and
                          o["level"] in ("error", "warn", "info", "debug") and "msg" in o,
                          "%s json line: %r" % (prog, x))
        print("%s: %s | %s" % (fmt, bl[0][:100], wl[0][:100]))


run(test)
