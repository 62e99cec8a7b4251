"""it_e2e_broker_kill.py: kill -9 of the broker mid-stream, restart on its
journal: every acknowledged item is published, no sequence number twice,
and `wiretag feed` finishes by retrying.

Two workers (10 ms per item through WT_TEST_SLOW_MS), 600 items written
to `wiretag feed -` through a pipe (1 s retry timeout), a raw subscriber
counting every RESULT on the wire. Once some results are out the broker is
frozen (SIGSTOP), more items are written, and once their PUTs are in its
socket, unread (seen in /proc/net/tcp), it is killed with SIGKILL; more
items are written while it is down, and it is restarted on the same ports
and journal. feed must exit 0 (all ACKed) having resent the lost PUTs; the
journal must then hold every item exactly once with result seqs 1..600, and
the wire must never have carried one result seq twice.
"""
import os
import re
import signal
import subprocess
import threading
import time

import harness as H


def test(tmp, procs, new_broker):
    b = new_broker().start()
    wcfg = H.worker_config(tmp)
    env = {"WT_TEST_SLOW_MS": "10"}
    for n in ("w1", "w2"):
        H.start_worker(procs, b, n, env=env, config=wcfg)
    H.wait_for(lambda: H.stats(b)["workers_count"] == 2, 15, "2 workers READY")

    # raw subscriber: every RESULT seq seen on the wire
    wire = []
    stop = threading.Event()
    ctx = H.zmq.Context.instance()
    sub = H.Subscriber(ctx, b)

    def listen():
        while not stop.is_set():
            r = sub.recv(0.1)
            if r:
                wire.append((r[0]["seq"], r[1].get("id")))

    t = threading.Thread(target=listen)
    t.start()
    # and `wiretag sub` across the restart: it must print 1..600, each once
    subout = open(os.path.join(tmp, "sub.jsonl"), "w")
    wsub = H.start_sub(procs, b, "--from", "1", "--count", "600", "-v", stdout=subout)
    try:
        items = os.path.join(tmp, "items.jsonl")
        ids = H.write_items(items, 600)
        lines = open(items).read().splitlines(True)
        args = [H.binary("wiretag"), "feed", "--broker", b.ep["producers"], "--no-progress",
                "--timeout", "1000", "--window", "64", "-"]
        f = procs.start(args, "feed", stdin=subprocess.PIPE)
        for line in lines[:300]:
            f.stdin.write(line.encode())
        f.stdin.flush()
        H.wait_for(lambda: H.stats(b)["last_rseq"] >= 60, 30, "60 results before the kill")
        # Freeze the broker, let feed send more PUTs into its socket buffer,
        # then kill it: those PUTs die unread and unacknowledged, so feed
        # has to resend them to the restarted broker.
        b.proc.send_signal(signal.SIGSTOP)
        for line in lines[300:450]:
            f.stdin.write(line.encode())
        f.stdin.flush()
        # the kill must find PUTs unread: wait until the kernel holds bytes
        # that feed sent and the frozen broker never read
        port = H.port_of(b.ep["producers"])
        H.wait_for(lambda: H.tcp_queues(port)["server_rx"] > 0, 60,
                   "feed's PUTs to reach the frozen broker's socket")
        b.kill9()
        before = len(wire)
        for line in lines[450:]:  # written while the broker is down
            f.stdin.write(line.encode())
        f.stdin.flush()
        time.sleep(0.5)  # feed retries against nothing meanwhile (nothing relies on it)
        b.start(same_ports=True)
        f.stdin.close()
        try:
            f.wait(60)
        except Exception:
            H.fail("feed did not finish after the restart:\n" + procs.log("feed"))
        H.check(f.returncode == 0, "feed exit %s:\n%s" % (f.returncode, procs.log("feed")))
        summary = procs.log("feed", 3).strip()
        print(summary)
        m = re.search(r"(\d+) resent", summary)
        H.check(m and int(m.group(1)) > 0, "feed resent nothing: the kill missed it")
        H.wait_for(lambda: H.stats(b)["last_rseq"] >= 600, 90, "600 results after the restart")
        time.sleep(1.0)  # a window for a duplicate on the wire (its absence is checked below)
    finally:
        stop.set()
        t.join()
        sub.close()
    H.check_exactly_once(H.replay_all(b), ids, "journal:")
    try:
        wsub.wait(30)
    except subprocess.TimeoutExpired:
        H.fail("wiretag sub did not get 600 results across the restart:\n" + procs.log("sub"))
    subout.close()
    got = H.read_jsonl(os.path.join(tmp, "sub.jsonl"))
    H.check([r["seq"] for r in got] == list(range(1, 601)), "wiretag sub printed %d results, not 1..600"
            % len(got))
    H.check_exactly_once({r["seq"]: r for r in got}, ids, "wiretag sub:")
    print(procs.log("sub", 1).strip())
    seqs = [s for s, _ in wire]
    dup = sorted({s for s in seqs if seqs.count(s) > 1})
    H.check(not dup, "result seqs published twice on the wire: %r" % dup[:10])
    st = H.stats(b)
    print("results on the wire: %d (%d before the kill); journal recovered %s; counters %s" %
          (len(wire), before, st["journal"].get("recovered"), st["counters"]))
    H.check(st["last_rseq"] == 600, "last_rseq %d != 600" % st["last_rseq"])


H.run_e2e(test)
