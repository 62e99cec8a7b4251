"""it_e2e_poison.py: a poison item (one that makes a worker exit) is
dead-lettered after N attempts while the rest flows.

Two wiretag-worker processes run with the test hook
WT_TEST_POISON=<marker>: a worker abort()s on an item whose text contains
the marker. A small supervisor in this test restarts a worker that died
(as systemd or docker would). 120 items are fed, one of them poisoned; the
broker (max_attempts 3) must dead-letter that one with 3 attempts and
publish the 119 others exactly once. `wiretag stats --dead --json` lists
it.
"""
import json
import os
import subprocess
import threading
import time

import e2eutil as E

MARK = "POISON-PILL-7f3a"


def test(tmp, procs, new_broker):
    b = new_broker({"max_attempts": 3}).start()
    wcfg = E.worker_config(tmp)
    env = {"WT_TEST_POISON": MARK, "WT_TEST_SLOW_MS": "5"}
    workers = {n: E.start_worker(procs, b, n, env=env, config=wcfg) for n in ("w1", "w2")}
    deaths = []
    stop = threading.Event()

    def supervise():
        while not stop.is_set():
            for n, p in list(workers.items()):
                if p.poll() is not None:
                    deaths.append((n, p.returncode))
                    workers[n] = E.start_worker(procs, b, n, env=env, config=wcfg)
            time.sleep(0.05)

    t = threading.Thread(target=supervise)
    t.start()
    try:
        items = os.path.join(tmp, "items.jsonl")
        ids = E.write_items(items, 120, prefix="p", poison_at=50, poison=MARK)
        f = E.feed(procs, b, [items])
        E.check(f.returncode == 0, "feed exit %s" % f.returncode)
        E.wait_for(lambda: E.stats(b)["last_rseq"] >= 119 and E.stats(b)["dead_letters"] >= 1, 60,
                   "119 results and 1 dead letter")
        time.sleep(0.5)
    finally:
        stop.set()
        t.join()
    good = [i for i in ids if i != "p-50"]
    E.check_exactly_once(E.replay_all(b), good)
    print("worker deaths:", deaths)
    # one death per charged attempt, plus at most one uncharged: a worker that
    # dies holding several jobs charges none of them (each is re-run alone)
    E.check(len(deaths) in (3, 4), "expected 3 charged worker deaths (+1 uncharged at most), got %r"
            % deaths)
    out = subprocess.run([E.binary("wiretag"), "stats", "--broker", b.ep["replay"], "--dead", "--json"],
                         capture_output=True, text=True, timeout=10)
    E.check(out.returncode == 0, "wiretag stats exit %d: %s" % (out.returncode, out.stderr))
    st = json.loads(out.stdout)
    dead = st.get("dead", [])
    print("dead letters:", dead)
    E.check(len(dead) == 1 and dead[0]["id"] == "p-50", "dead letters %r" % dead)
    E.check(dead[0]["attempts"] == 3, "attempts %r" % dead[0]["attempts"])
    E.check(st["dead_letters"] == 1, "stats dead_letters %r" % st["dead_letters"])
    table = subprocess.run([E.binary("wiretag"), "stats", "--broker", b.ep["replay"], "--dead"],
                           capture_output=True, text=True, timeout=10).stdout
    E.check("p-50" in table and "dead letters (1)" in table, "table:\n" + table)


E.run(test)
