"""it_dates.py: dates never cost an item (issue 13, item 11). RSS/RFC 2822
dates and "2021-9-10" are read and `published` is normalised (UTC ISO 8601
when there is a time); an impossible or unreadable date ("2021-02-30",
"last week") keeps the item with `published` null, counted in the broker's
stats (counters.published_unreadable) and in feed's summary."""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as H
from harness import check  # noqa: E402

CASES = [  # (published as sent, as published in the result)
    ("Fri, 10 Sep 2021 08:00:00 GMT", "2021-09-10T08:00:00Z"),
    ("2021-9-10", "2021-09-10"),
    ("2021-09-10T08:00:00+02:00", "2021-09-10T06:00:00Z"),
    ("2021-02-30", None),
    ("last week", None),
]


def test(tmp, procs, new_broker):
    b = new_broker().start()
    # a producer of another language sends the raw strings: all ACKed
    ctx = H.zmq.Context.instance()
    prod = H.Producer(ctx, b)
    for i, (sent, _) in enumerate(CASES):
        h = prod.put({"id": "raw-%d" % i, "text": "The council met on Monday.", "published": sent})
        check(h["cmd"] == "ACK", "%r refused: %r" % (sent, h))
    prod.close()
    st = H.stats(b)
    check(st["counters"].get("published_unreadable") == 2,
          "published_unreadable = %r" % st["counters"].get("published_unreadable"))
    # wiretag feed: the same dates from a file
    path = os.path.join(tmp, "dates.jsonl")
    with open(path, "w") as f:
        for i, (sent, _) in enumerate(CASES):
            f.write(json.dumps({"id": "feed-%d" % i, "text": "Ministers met in Oslo.",
                                "published": sent}) + "\n")
    p = H.feed(procs, b, [path])
    log = procs.log("feed")
    check(p.returncode == 0, "feed exit %d:\n%s" % (p.returncode, log))
    check("2 item(s) had a published date we could not read" in log, "feed summary:\n" + log)

    H.start_worker(procs, b, "w1")
    n = 2 * len(CASES)
    H.wait_for(lambda: H.stats(b)["last_rseq"] >= n, 90, "%d results" % n)
    res = {r["id"]: r for r in H.replay_all(b).values()}
    for prefix in ("raw", "feed"):
        for i, (sent, want) in enumerate(CASES):
            got = res["%s-%d" % (prefix, i)].get("published")
            check(got == want, "%s %r: published %r, want %r" % (prefix, sent, got, want))

    # annotate (offline) says it and keeps the item
    p = subprocess.run([H.binary("wiretag"), "annotate", path], capture_output=True,
                       text=True, timeout=120)
    check(p.returncode == 0, "annotate exit %d: %s" % (p.returncode, p.stderr))
    out = [json.loads(x) for x in p.stdout.splitlines()]
    check([r.get("published") for r in out] == [w for _, w in CASES], "annotate: %r" % out)
    check("2 item(s) had an unreadable published date" in p.stderr, "annotate: " + p.stderr)


H.run_e2e(test, seconds=200)
