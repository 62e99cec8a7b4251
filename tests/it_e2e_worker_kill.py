"""it_e2e_worker_kill.py: kill -9 of a worker mid-stream loses nothing.

Three workers (20 ms per item through WT_TEST_SLOW_MS, credit 4, so the
victim holds items when it dies); 300 items fed; once it has done some
items one worker is frozen (SIGSTOP), and killed (SIGKILL) once the broker
shows it holding jobs it will never answer. The broker notices the silence,
re-dispatches the victim's items, and every item is published exactly once
(result seqs 1..300 without a hole, each item id once).
"""
import os
import signal

import harness as H


def test(tmp, procs, new_broker):
    b = new_broker().start()
    wcfg = H.worker_config(tmp, extra="  credit: 4\n")
    env = {"WT_TEST_SLOW_MS": "20"}
    ws = [H.start_worker(procs, b, n, env=env, config=wcfg) for n in ("w1", "w2", "w3")]
    H.wait_for(lambda: H.stats(b)["workers_count"] == 3, 15, "3 workers READY")
    items = os.path.join(tmp, "items.jsonl")
    ids = H.write_items(items, 300)
    f = H.feed(procs, b, [items], wait=False)

    def victim_busy():
        for w in H.stats(b)["workers"]:
            if w["name"] == "w2" and w["done"] >= 10 and w["in_flight"] > 0:
                return True
        return False

    H.wait_for(victim_busy, 60, "w2 to be busy")
    # Freeze it first: from now on what it holds it holds for good. Kill it
    # once the broker shows it holding jobs after three missed heartbeats
    # (so everything it sent before the freeze has been read), or once the
    # broker has already given up on it and re-dispatched them.
    ws[1].send_signal(signal.SIGSTOP)

    def victim_holds():
        st = H.stats(b)
        if st["counters"]["redispatched"] >= 1:
            return True
        return any(w["name"] == "w2" and w["in_flight"] > 0 and w["last_seen_ms_ago"] >= 300
                   for w in st["workers"])

    H.wait_for(victim_holds, 60, "the frozen w2 to hold jobs")
    ws[1].send_signal(signal.SIGKILL)
    ws[1].wait()
    f.wait(60)
    H.check(f.returncode == 0, "feed exit %s" % f.returncode)
    H.wait_for(lambda: H.stats(b)["last_rseq"] >= 300, 90, "300 results")
    import time
    time.sleep(0.5)  # a late duplicate publication would show up now
    H.check_exactly_once(H.replay_all(b), ids)
    st = H.stats(b)
    print("counters:", st["counters"])
    H.check(st["counters"]["redispatched"] >= 1, "no item was re-dispatched: the kill missed")
    H.check(st["last_rseq"] == 300, "last_rseq %d" % st["last_rseq"])


H.run_e2e(test)
