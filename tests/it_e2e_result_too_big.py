"""it_e2e_result_too_big.py: a result over broker.max_message is a clear
failure, not a "worker lost" (issue 14.5).

broker.max_message is 8 KiB for the broker and the worker. One item of
~4.8 KB fits, but its annotated result (many actors and quotes) does not.
Before, the worker sent it anyway, ZeroMQ dropped the connection, the broker
saw a silent worker and dead-lettered the item as "worker lost" (and charged
every other job the worker held). Now the worker answers FAIL ETOOBIG with
the sizes; the item is dead-lettered with that reason, the worker stays
connected (no expiry), and small items are annotated as usual.
"""
import json
import os

import harness as H

SENT = 'President Obama met Chancellor Merkel in Berlin and said "we will cut taxes".'


def test(tmp, procs, new_broker):
    # liveness 10 s: slow builds (ASan) must not expire the worker for slowness
    b = new_broker({"max_message": "8KiB", "max_attempts": 2, "liveness": 100}).start()
    wcfg = os.path.join(tmp, "worker.yaml")
    with open(wcfg, "w") as f:
        f.write("broker:\n  max_message: 8KiB\nworker:\n  heartbeat: 100ms\n"
                "  reconnect_min: 50ms\n  reconnect_max: 500ms\n")
    H.start_worker(procs, b, "w1", config=wcfg)
    items = os.path.join(tmp, "items.jsonl")
    with open(items, "w") as f:
        f.write(json.dumps({"id": "big", "text": " ".join([SENT] * 60)}) + "\n")
        for i in range(5):
            f.write(json.dumps({"id": "small-%d" % i, "text": "Report %d. %s" % (i, SENT)}) + "\n")
    f = H.feed(procs, b, [items])
    H.check(f.returncode == 0, "feed exit %s" % f.returncode)
    H.wait_for(lambda: H.stats(b)["last_rseq"] >= 5 and H.stats(b)["dead_letters"] >= 1, 30,
               "5 results and 1 dead letter")
    c = H.control(b)
    dead, _ = c.dead()
    c.close()
    H.check([h["id"] for h, _ in dead] == ["big"], "dead letters %r" % [h["id"] for h, _ in dead])
    h = dead[0][0]
    H.check(h.get("code") == "ETOOBIG", "code %r" % h.get("code"))
    H.check("max_message" in h.get("reason", "") and "lost" not in h.get("reason", ""),
            "reason %r" % h.get("reason"))
    st = H.stats(b)
    H.check(st["counters"]["workers_expired"] == 0, "a worker was expired: %r" % st["counters"])
    H.check_exactly_once(H.replay_all(b), ["small-%d" % i for i in range(5)])
    print("oversized result: dead letter ETOOBIG %r" % h["reason"])


H.run_e2e(test, seconds=120)
