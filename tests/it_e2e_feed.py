"""it_e2e_feed.py: `wiretag feed` against a real broker: streaming from a
pipe, the exit status and the summary of refused items.

1. `wiretag feed -` reading a pipe that stays open: each line is accepted by
   the broker as soon as it is written (items_accepted grows one by one
   while the pipe is open), and feed exits 0 when the pipe closes.
2. A broker with limits.max_text_bytes 1KiB; inputs with good items, one
   2 KB item (NAK ETOOBIG from the broker), a line of bad JSON, a line
   without text, and a missing file: feed exits 1 and lists each refused
   item as file:line: CODE: reason, the good ones are acknowledged.
"""
import os
import subprocess
import time

import harness as H


def test(tmp, procs, new_broker):
    b = new_broker()
    with open(b.config, "a") as f:
        f.write("limits:\n  max_text_bytes: 1KiB\n")
    b.start()

    # 1. streaming
    args = [H.binary("wiretag"), "feed", "--broker", b.ep["producers"], "--no-progress", "-"]
    p = procs.start(args, "feed-stream", stdin=subprocess.PIPE)
    for i in range(3):
        p.stdin.write(b'{"id": "s-%d", "text": "Streamed line %d about the harbour."}\n' % (i, i))
        p.stdin.flush()
        H.wait_for(lambda: H.stats(b)["items_accepted"] == i + 1, 10,
                   "line %d to be accepted while the pipe is open" % i)
        H.check(p.poll() is None, "feed exited with the pipe still open")
    p.stdin.close()
    H.check(p.wait(60) == 0, "streaming feed exit %s" % p.returncode)

    # 2. refusals
    good = os.path.join(tmp, "mixed.jsonl")
    with open(good, "w") as f:
        f.write('{"id": "g-1", "text": "A short item."}\n')
        f.write('{"id": "big", "text": "%s"}\n' % ("Long sentence about ports. " * 80))
        f.write('{"id": "g-2", "text": "Another short item."\n')       # bad JSON (line 3)
        f.write('{"id": "g-3", "title": "no text"}\n')                  # missing text (line 4)
        f.write('{"id": "g-4", "text": "The last short item."}\n')
    missing = os.path.join(tmp, "missing.txt")
    f = H.feed(procs, b, [good, missing], name="feed-mixed")
    log = procs.log("feed-mixed", 20)
    H.check(f.returncode == 1, "feed exit %s (expected 1):\n%s" % (f.returncode, log))
    for want in ("mixed.jsonl:2: ETOOBIG", "mixed.jsonl:3: ETRUNCATED", "mixed.jsonl:4: EMISSING",
                 "missing.txt: ENOENT", "2 acknowledged", "4 item(s) not accepted"):
        H.check(want in log, "summary lacks %r:\n%s" % (want, log))
    H.check(H.stats(b)["items_accepted"] == 5, "accepted %d, expected 3 + 2" % H.stats(b)["items_accepted"])
    print(log.strip())


H.run_e2e(test)
