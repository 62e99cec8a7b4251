"""it_e2e_slow_sub.py: a slow subscriber that fell behind the high-water
mark catches up.

The broker publishes with pub_hwm 20; `wiretag sub --rcvhwm 20` writes to a
pipe that this test does not read until every result is out, so the
subscriber stalls in write(2), its queues fill, and the broker's PUB socket
drops results for it. When the test starts reading, sub must notice the
gaps (reported with -v) and fill them by replay: all results 1..N in order,
each once.
"""
import os
import subprocess
import threading

import e2eutil as E

N = 1200


def test(tmp, procs, new_broker):
    b = new_broker({"pub_hwm": 20}).start()
    E.start_worker(procs, b, "w1", threads=2, config=E.worker_config(tmp))
    E.wait_for(lambda: E.stats(b)["workers_count"] == 1, 15, "worker READY")
    s = procs.start([E.binary("wiretag"), "sub", "--broker", b.ep["subscribers"], "--replay",
                     b.ep["replay"], "--rcvhwm", "20", "--count", str(N), "--json", "-v"], "sub",
                    stdout=subprocess.PIPE)
    E.wait_for(lambda: E.stats(b)["subscriptions"] >= 1, 10, "the subscription")
    # long items (about 12 KB of JSON each) so that the socket buffers fill
    items = os.path.join(tmp, "items.jsonl")
    with open(items, "w") as f:
        for i in range(N):
            text = "Item %d. " % i + " ".join(E.SENTENCES[(i + k) % len(E.SENTENCES)] for k in range(60))
            f.write('{"id": "slow-%d", "text": "%s"}\n' % (i, text.replace('"', '\\"')))
    ids = ["slow-%d" % i for i in range(N)]
    f = E.feed(procs, b, [items])
    E.check(f.returncode == 0, "feed exit %s" % f.returncode)
    E.wait_for(lambda: E.stats(b)["last_rseq"] >= N, 150, "%d results" % N)

    lines = []

    def reader():
        for line in s.stdout:
            lines.append(line)

    t = threading.Thread(target=reader)
    t.start()
    try:
        s.wait(150)
    except subprocess.TimeoutExpired:
        E.fail("sub did not catch up in 150 s (%d lines):\n%s" % (len(lines), procs.log("sub")))
    t.join()
    import json
    res = [json.loads(x) for x in lines if x.strip()]
    seqs = [r["seq"] for r in res]
    E.check(seqs == list(range(1, N + 1)), "sub printed %d results, not 1..%d in order" % (len(seqs), N))
    E.check_exactly_once({r["seq"]: r for r in res}, ids, "sub:")
    log = procs.log("sub", 50)
    print(log.strip().splitlines()[-1] if log.strip() else "")
    E.check(" gap " in log or "gaps" in log and " 0 gaps" not in log,
            "no gap was seen: the subscriber never fell behind, nothing was tested")


E.run(test)
