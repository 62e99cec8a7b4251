"""it_e2e_slow_sub.py: a slow subscriber that fell behind the high-water
mark catches up.

The fall is forced, not hoped for. `wiretag sub` subscribes, then this test
stops it (SIGSTOP) and feeds long items (about 12 KB of JSON each) in
batches until the broker has published more bytes than could possibly be
waiting for the subscriber: what the kernel holds of the connection (its
receive queue and the broker's send queue, read from /proc/net/tcp) plus
the broker's PUB queue (pub_hwm 20 messages) and ZeroMQ's batches, with a
margin. Every result past that was dropped at the high-water mark, whatever
the machine's socket buffers and load. Then the subscriber goes on
(SIGCONT), one more batch is fed, and `wiretag sub` must fill what it lost
by replay: all results 1..N in order, each once, and at least as many
printed from replay as were provably dropped.
"""
import os
import re
import signal
import subprocess
import time

import harness as H

PUB_HWM = 20
BATCH = 200
MAX_ITEMS = 4000  # give up (and say why) if the kernel buffers more than this


def write_batch(tmp, first):
    path = os.path.join(tmp, "items-%d.jsonl" % first)
    ids = []
    with open(path, "w") as f:
        for i in range(first, first + BATCH):
            text = "Item %d. " % i + " ".join(H.SENTENCES[(i + k) % len(H.SENTENCES)] for k in range(60))
            f.write('{"id": "slow-%d", "text": "%s"}\n' % (i, text.replace('"', '\\"')))
            ids.append("slow-%d" % i)
    return path, ids


def proc_state(pid):
    with open("/proc/%d/stat" % pid) as f:
        return f.read().rsplit(")", 1)[1].split()[0]


def kernel_queues(port):
    """What the kernel holds of the subscriber's connection, once it has
    stopped moving (the subscriber is stopped, so it soon does)."""
    def read():
        q = H.tcp_queues(port)
        return q["client_rx"], q["server_tx"]

    last = read()
    end = time.time() + 5
    while time.time() < end:
        time.sleep(0.05)
        now = read()
        if now == last:
            return now
        last = (max(now[0], last[0]), max(now[1], last[1]))
    return last


def feed_batch(procs, b, tmp, first, ids):
    path, batch_ids = write_batch(tmp, first)
    f = H.feed(procs, b, [path], name="feed-%d" % first, timeout=120)
    H.check(f.returncode == 0, "feed exit %s:\n%s" % (f.returncode, procs.log("feed-%d" % first)))
    ids += batch_ids
    return first + BATCH


def test(tmp, procs, new_broker):
    b = new_broker({"pub_hwm": PUB_HWM}).start()
    H.start_worker(procs, b, "w1", threads=2, config=H.worker_config(tmp))
    H.wait_for(lambda: H.stats(b)["workers_count"] == 1, 15, "worker READY")
    s = H.start_sub(procs, b, "--rcvhwm", "20", "--json", "-v", stdout=subprocess.PIPE)
    out = H.LineReader(s.stdout)
    lines = out.lines
    H.wait_for(lambda: H.stats(b)["subscriptions"] >= 1, 30, "the subscription")

    # the subscriber stops before the first result, so nothing of the
    # stream is in its own memory: only in the kernel and the broker
    os.kill(s.pid, signal.SIGSTOP)
    H.wait_for(lambda: proc_state(s.pid) == "T", 10, "the subscriber to stop")
    port = H.port_of(b.ep["subscribers"])
    ids = []
    fed = 0
    while True:
        fed = feed_batch(procs, b, tmp, fed, ids)
        H.wait_for(lambda: H.stats(b)["counters"]["published"] >= fed, 150,
                   "%d results published" % fed)
        rx, tx = kernel_queues(port)
        sizes = H.result_sizes(b, 1, fed)
        H.check(len(sizes) == fed, "REPLAY gave %d of %d results" % (len(sizes), fed))
        total = sum(sizes.values())
        biggest = max(sizes.values()) + 256
        # ZeroMQ holds at most the PUB pipe (pub_hwm messages), a message
        # being encoded and its 8 KB batch; count twice that, and 256 KB
        held = rx + tx + 2 * (PUB_HWM + 2) * biggest + 256 * 1024
        print("stopped subscriber: %d results published, %d bytes; the kernel holds %d + %d, "
              "at most %d bytes can reach it" % (fed, total, rx, tx, held))
        if total > held:
            break
        H.check(fed < MAX_ITEMS, "%d results (%d bytes) all fit in the buffers of a stopped "
                "subscriber (the kernel holds %d + %d bytes): raise MAX_ITEMS"
                % (fed, total, rx, tx))
    dropped = -(-(total - held) // biggest)  # at least this many results were lost
    print("at least %d results were dropped at the high-water mark" % dropped)

    os.kill(s.pid, signal.SIGCONT)
    fed = feed_batch(procs, b, tmp, fed, ids)  # live results after the loss
    H.wait_for(lambda: len(lines) >= fed or s.poll() is not None, 200,
               "the subscriber to print %d results (it has %d)" % (fed, len(lines)))
    s.send_signal(signal.SIGTERM)
    try:
        s.wait(20)
    except subprocess.TimeoutExpired:
        H.fail("sub did not exit on SIGTERM:\n" + procs.log("sub"))
    out.join(20)
    H.check(s.returncode == 130, "sub exit %s:\n%s" % (s.returncode, procs.log("sub")))

    import json
    res = [json.loads(x) for x in lines if x.strip()]
    seqs = [r["seq"] for r in res]
    H.check(seqs == list(range(1, fed + 1)),
            "sub printed %d results, not 1..%d in order:\n%s" % (len(seqs), fed, procs.log("sub")))
    H.check_exactly_once({r["seq"]: r for r in res}, ids, "sub:")
    log = procs.log("sub", 200)
    m = re.search(r"(\d+) printed, \d+ filtered out, (\d+) duplicates dropped, (\d+) gaps, "
                  r"(\d+) from replay", log)
    H.check(m is not None, "sub -v printed no summary:\n" + log)
    printed, dups, gaps, replayed = (int(x) for x in m.groups())
    print("sub: %s" % m.group(0))
    H.check(printed == fed, "sub counted %d printed, not %d" % (printed, fed))
    H.check(replayed >= dropped,
            "only %d results came from replay, but at least %d were dropped" % (replayed, dropped))


H.run_e2e(test, seconds=280)
