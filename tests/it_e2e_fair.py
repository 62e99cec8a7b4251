"""it_e2e_fair.py: three wiretag-worker processes share one stream fairly.

A broker, three single-thread workers (each item takes 5 ms longer through
the WT_TEST_SLOW_MS hook, so that dispatch order matters) and `wiretag
feed` with 300 items; every item is published exactly once and each worker
annotates between 20% and 47% of them (a fair share is 33%).
"""
import os

import e2eutil as E


def test(tmp, procs, new_broker):
    b = new_broker().start()
    wcfg = E.worker_config(tmp)
    names = ["w1", "w2", "w3"]
    for n in names:
        E.start_worker(procs, b, n, env={"WT_TEST_SLOW_MS": "5"}, config=wcfg)
    E.wait_for(lambda: E.stats(b)["workers_count"] == 3, 15, "3 workers READY")
    items = os.path.join(tmp, "items.jsonl")
    ids = E.write_items(items, 300)
    f = E.feed(procs, b, [items])
    E.check(f.returncode == 0, "feed exit %s:\n%s" % (f.returncode, procs.log("feed")))
    E.wait_for(lambda: E.stats(b)["last_rseq"] >= 300, 40, "300 results")
    E.check_exactly_once(E.replay_all(b), ids)
    st = E.stats(b)
    done = {w["name"]: w["done"] for w in st["workers"]}
    print("per worker:", done)
    E.check(sorted(done) == names, "workers %r" % done)
    for n, d in done.items():
        E.check(60 <= d <= 141, "worker %s did %d of 300 items: not a fair share" % (n, d))


E.run(test)
