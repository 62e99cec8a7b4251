"""it_e2e_worker_signals.py: SIGHUP reloads a worker's dictionaries without
dropping an item; SIGTERM finishes or hands back what a worker holds.

One worker (-c a config of ours whose people dictionary is a file in the
test's temp dir, 15 ms per item through WT_TEST_SLOW_MS, credit 6) gets 160
items that all name an invented person. Midway the dictionary file gets
that person and the worker gets SIGHUP: results before carry one
annotator.dictionaries version and do not know the person, results after
carry another and do (the second half of the items is fed only once the
worker has logged the reload, so that both halves are certain). Every item
is published exactly once.

Then a second round: two workers, SIGTERM to one of them midway. It must
exit 0 after sending BYE, and every item is still published exactly once.
"""
import os
import signal
import subprocess
import time

import harness as H

SOURCE = os.environ.get("WT_SOURCE", os.getcwd())

PERSON = """version: 1
entries:
- id: mirela_vantos
  name: Mirela Vantos
  country: FRA
  gender: f
  names: [Mirela Vantos]
"""


def write_items(path, n, prefix):
    ids = []
    with open(path, "w") as f:
        for i in range(n):
            ids.append("%s-%d" % (prefix, i))
            f.write('{"id": "%s", "text": "Report %d. Mirela Vantos opened the new harbour in Brest on '
                    'Tuesday, the port authority said."}\n' % (ids[-1], i))
    return ids


def test(tmp, procs, new_broker):
    b = new_broker().start()
    people = os.path.join(tmp, "people.yaml")
    with open(people, "w") as f:
        f.write("version: 1\nentries: []\n")
    cfg = os.path.join(tmp, "reload.yaml")
    with open(cfg, "w") as f:
        f.write("actors:\n  dictionaries:\n    - %s\n    - %s\n" %
                (os.path.join(SOURCE, "config", "actors", "countries.yaml"), people))
        f.write("worker:\n  heartbeat: 100ms\n  credit: 6\n")
    env = {"WT_TEST_SLOW_MS": "15"}
    w = H.start_worker(procs, b, "w1", env=env, config=cfg)
    H.wait_for(lambda: H.stats(b)["workers_count"] == 1, 15, "worker READY")

    # --- SIGHUP mid-stream ---
    # the first 80 items go in before the reload, the other 80 only once the
    # worker has logged it: both versions are certain to be seen
    items = os.path.join(tmp, "a.jsonl")
    ids = write_items(items, 160, "hup")
    lines = open(items).read().splitlines(True)
    f = procs.start([H.binary("wiretag"), "feed", "--broker", b.ep["producers"], "--no-progress",
                     "-"], "feed", stdin=subprocess.PIPE)
    f.stdin.write("".join(lines[:80]).encode())
    f.stdin.flush()
    H.wait_for(lambda: H.stats(b)["last_rseq"] >= 40, 60, "40 results before SIGHUP")
    with open(people + ".new", "w") as out:
        out.write(PERSON)
    os.rename(people + ".new", people)
    w.send_signal(signal.SIGHUP)
    H.wait_for(lambda: "dictionaries reloaded" in procs.log("w1", 200), 60, "the worker to log the reload")
    f.stdin.write("".join(lines[80:]).encode())
    f.stdin.close()
    f.wait(60)
    H.check(f.returncode == 0, "feed exit %s" % f.returncode)
    H.wait_for(lambda: H.stats(b)["last_rseq"] >= 160, 90, "160 results")
    res = H.replay_all(b)
    H.check_exactly_once(res, ids, "SIGHUP:")
    versions = []
    for seq in sorted(res):
        v = res[seq]["annotator"]["dictionaries"]
        known = any(a["id"] == "mirela_vantos" and a["known"] for a in res[seq]["actors"])
        if not versions or versions[-1][0] != v:
            versions.append([v, known, 0])
        versions[-1][2] += 1
        H.check(known == (len(versions) == 2), "seq %d: version %s, person known %s" % (seq, v, known))
    print("dictionary versions in order (version, person known, results):", versions)
    H.check(len(versions) == 2, "expected one switch of annotator.dictionaries, got %r" % versions)
    H.check("dictionaries reloaded" in procs.log("w1", 100), "no reload logged")

    # --- SIGTERM mid-stream ---
    w2 = H.start_worker(procs, b, "w2", env=env, config=cfg)
    H.wait_for(lambda: H.stats(b)["workers_count"] >= 2, 15, "w2 READY")
    items = os.path.join(tmp, "b.jsonl")
    ids2 = write_items(items, 200, "term")
    f = H.feed(procs, b, [items], name="feed2", wait=False)

    def w2_holds():
        return any(x["name"] == "w2" and x["in_flight"] >= 2 and x["done"] >= 5
                   for x in H.stats(b)["workers"])

    H.wait_for(w2_holds, 30, "w2 to hold items")
    w2.send_signal(signal.SIGTERM)
    t0 = time.time()
    rc = w2.wait(20)
    H.check(rc == 0, "w2 exit %s after SIGTERM" % rc)
    log = procs.log("w2", 20)
    H.check("BYE" in log, "w2 did not say BYE:\n" + log)
    print("w2 stopped in %.2f s: %s" % (time.time() - t0, [l for l in log.splitlines() if "BYE" in l][0]))
    f.wait(60)
    H.check(f.returncode == 0, "feed2 exit %s" % f.returncode)
    H.wait_for(lambda: H.stats(b)["last_rseq"] >= 360, 40, "360 results")
    res = H.replay_all(b)
    H.check_exactly_once(res, ids + ids2, "SIGTERM:")
    st = H.stats(b)
    H.check(st["dead_letters"] == 0, "dead letters %d" % st["dead_letters"])


H.run_e2e(test)
