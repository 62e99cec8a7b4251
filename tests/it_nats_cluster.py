"""it_nats_cluster.py: the pipeline on a 3-node JetStream cluster with R3
streams survives kill -9 of a NATS node and of a worker.

Three nats-server processes on 127.0.0.1 (client and route ports picked by
the kernel, config files written here), `wiretag nats-init --replicas 3`,
three `wiretag-worker --nats` (all three URLs), and `wiretag feed --nats`
with 20,000 short items of our own (5,000 under ASan+UBSan, where every
program runs several times slower: the same steps, a bounded CI time).
While the feed runs, observed through `wiretag stats --nats`:

  1. the feed reads a pipe and talks to n2 (it learns the others from
     it); it gets 40% of the items, and after 20% of the results n2 is
     killed with SIGKILL; the feed gets the next 30% while n2 is away;
  2. after 50% of the results, n2 is started again on the same ports and
     store;
  3. after 60%, worker w1 is killed with SIGKILL (its items come back
     after nats.ack_wait) and a new worker takes its place; the feed gets
     the last 30% and the end of its input.

Then: feed exits 0, every item's result appears exactly once by item id
(results stream sequences 1..N, read by a late subscriber from seq 1),
and nothing is left in the queue.
"""
import json
import os
import subprocess
import time

import harness as H
import harness.nats as N

SHORT = [
    "The mayor of Springfield opened a bridge.",
    "Finance ministers met in Geneva on Monday.",
    "\"We will not raise taxes,\" the governor said.",
    "Parliament voted to extend the school year.",
    "Farmers in France protested against a fuel tax.",
]


def write_short(path, n):
    ids = []
    with open(path, "w") as f:
        for i in range(n):
            iid = "c-%d" % i
            f.write(json.dumps({"id": iid, "text": "Item %d. %s" % (i, SHORT[i % len(SHORT)])}) + "\n")
            ids.append(iid)
    return ids


def test(tmp, procs, new_broker):
    N.nats_built()
    total = 5000 if N.under_asan() else 20000
    print("items:", total, "(ASan build)" if N.under_asan() else "")
    nodes = N.cluster(procs, tmp)
    urls = ",".join(n.url() for n in nodes)
    cfg = N.config(tmp, "nats:\n  prefix: wtcluster\n  replicas: 3\n  ack_wait: 4s\n"
                        "  max_deliver: 20\n  dedup_window: 15m\n")
    out = N.nats_init(urls, cfg, ["--replicas", "3"])
    print(out.strip())
    st = N.stats(urls, cfg)
    H.check(st["items"]["replicas"] == 3 and st["results"]["replicas"] == 3, "not R3: %r" % st)

    workers = {n: N.start_worker(procs, urls, cfg, n, threads=2) for n in ("w1", "w2", "w3")}
    items = os.path.join(tmp, "items.jsonl")
    ids = write_short(items, total)
    with open(items) as f:
        lines = f.readlines()
    t0 = time.time()
    # the feed talks to n2 only (it learns the other nodes from it) and reads
    # a pipe: the test hands it the items in three parts, so that it is
    # publishing when n2 dies and while n2 is away
    feed = procs.start([H.binary("wiretag"), "feed", "--nats", nodes[1].url(), "-c", cfg,
                        "--no-progress", "--timeout", "2000", "--window", "512", "-"], "feed",
                       stdin=subprocess.PIPE)

    def send(a, b):
        feed.stdin.write("".join(lines[int(total * a):int(total * b)]).encode())
        feed.stdin.flush()

    def results():
        try:
            return N.stats(urls, cfg)["results"].get("messages", 0)
        except (SystemExit, ValueError, subprocess.TimeoutExpired):
            return 0  # the node we asked was killed: ask again

    def reach(frac, what):
        H.wait_for(lambda: results() >= total * frac, 240, what)
        print("%5.1f s  %s (%d results)" % (time.time() - t0, what, results()), flush=True)

    send(0, 0.4)
    reach(0.2, "20% of the results")
    nodes[1].kill9()
    print("%5.1f s  killed n2 (the feed's server)" % (time.time() - t0), flush=True)
    send(0.4, 0.7)
    reach(0.5, "50% of the results with n2 down")
    nodes[1].start()
    print("%5.1f s  restarted n2" % (time.time() - t0), flush=True)
    reach(0.6, "60% of the results")
    workers["w1"].kill()
    workers["w1"].wait()
    print("%5.1f s  killed w1" % (time.time() - t0), flush=True)
    workers["w4"] = N.start_worker(procs, urls, cfg, "w4", threads=2)
    send(0.7, 1.0)
    feed.stdin.close()

    try:
        rc = feed.wait(240)
    except subprocess.TimeoutExpired:
        H.fail("feed did not finish:\n" + procs.log("feed"))
    print("feed:", procs.log("feed", 5).strip())
    H.check(rc == 0, "feed exit %d:\n%s" % (rc, procs.log("feed")))
    H.wait_for(lambda: results() >= total, 240, "all %d results" % total)
    # nothing in flight any more, then the count must not move
    H.wait_for(lambda: (lambda s: s["workers"].get("ack_pending") == 0 and
                        s["workers"].get("pending") == 0)(N.stats(urls, cfg)), 120,
               "an empty queue")
    print("%5.1f s  all results" % (time.time() - t0), flush=True)
    pairs = N.sub_all(urls, cfg, total, timeout=240)
    N.check_exactly_once(pairs, ids, "cluster:")
    st = N.stats(urls, cfg)
    H.check(st["results"]["messages"] == total, "results %r" % st["results"])
    H.check(st["dead_letters"] == 0, "dead letters: %r" % st["dead"])
    print("redelivered:", st["workers"].get("redelivered"), "peers:",
          [(p["name"], p["current"]) for p in st["results"].get("peers", [])])


H.run_e2e(test, seconds=290)
