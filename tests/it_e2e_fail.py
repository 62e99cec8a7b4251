"""it_e2e_fail.py: an item a worker cannot annotate is answered with FAIL
and its error code, and ends in the dead letters with that code.

The worker runs with limits.max_text_bytes 1KiB (the broker keeps 1 MiB), so
a 3 KB item passes the broker but the engine refuses it: FAIL {code:
ETOOBIG} on each of the 3 attempts, then a dead letter with code ETOOBIG;
the other items flow.
"""
import os

import harness as H


def test(tmp, procs, new_broker):
    b = new_broker({"max_attempts": 3}).start()
    cfg = H.worker_config(tmp, extra="limits:\n  max_text_bytes: 1KiB\n")
    H.start_worker(procs, b, "w1", threads=2, config=cfg)
    items = os.path.join(tmp, "items.jsonl")
    ids = H.write_items(items, 30, prefix="f")
    with open(items, "a") as f:
        f.write('{"id": "too-long", "text": "%s"}\n' % ("A sentence about the river port. " * 100))
    fd = H.feed(procs, b, [items])
    H.check(fd.returncode == 0, "feed exit %s" % fd.returncode)
    H.wait_for(lambda: H.stats(b)["last_rseq"] >= 30 and H.stats(b)["dead_letters"] == 1, 30,
               "30 results and one dead letter")
    H.check_exactly_once(H.replay_all(b), ids)
    c = H.control(b)
    dead, _ = c.dead()
    c.close()
    H.check(len(dead) == 1, "dead letters %r" % [h for h, _ in dead])
    h, item = dead[0]
    print("dead letter:", {k: h[k] for k in ("id", "code", "attempts", "reason")})
    H.check(h["id"] == "too-long" and h["code"] == "ETOOBIG" and h["attempts"] == 3, "dead letter %r" % h)
    H.check(item and item["text"].startswith("A sentence about"), "dead letter payload %r" % item)
    st = H.stats(b)
    H.check(st["counters"]["failed"] == 3, "failed attempts %d" % st["counters"]["failed"])
    w = st["workers"][0]
    H.check(w["failed"] == 3 and w["done"] == 30, "worker figures %r" % w)


H.run_e2e(test)
