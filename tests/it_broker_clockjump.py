"""it_broker_clockjump.py: a wall-clock jump does not age the journal (issue 14.6).

The broker runs under tests/shim/clockjump.c (LD_PRELOAD), which adds the
number of seconds in a file to CLOCK_REALTIME. With retention_age 1h, 20
results are journaled; then the wall clock jumps 8 days ahead. After more
than two retention passes (retention runs once a second of monotonic time;
stats.uptime_ms is monotonic) every result is still there and replays, and
again after a restart under the jumped clock. Control: the shim works (the
broker's log lines carry the jumped date), and age-based retention still
drops results once they are older than retention_age by the monotonic clock.
"""
import datetime
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as H
from harness import Control, Producer, Worker, check, item, run, zmq  # noqa

N = 20
JUMP_S = 8 * 86400


def start(b, offset_file):
    """Start b with the clock shim preloaded, reading its offset from offset_file."""
    b.start(env=H.preload_env("clockjump", {"WT_CLOCKJUMP_FILE": offset_file}))


def fill(ctx, b, n):
    prod = Producer(ctx, b)
    for i in range(1, n + 1):
        h = prod.put(item(i))
        check(h["cmd"] == "ACK", "PUT %d: %r" % (i, h))
    w = Worker(ctx, b, credit=5)
    ctl = Control(ctx, b)
    w.serve(20, lambda job, att, it: "done", until=lambda: ctl.stats()["last_rseq"] >= n)
    check(ctl.stats()["last_rseq"] == n, "not all %d results" % n)
    prod.close()
    w.close()
    return ctl


def wait_retention_passes(ctl, passes=3):
    """Retention runs once per second of the broker's monotonic clock."""
    t0 = ctl.stats()["uptime_ms"]
    end = time.time() + 30
    while time.time() < end:
        if ctl.stats()["uptime_ms"] - t0 >= passes * 1000 + 300:
            return
        time.sleep(0.1)
    check(False, "broker uptime did not advance")


def test(make):
    ctx = zmq.Context()
    # control first: age-based retention works by the monotonic clock
    a = make({"retention_age": "1s"})
    offset_a = os.path.join(a.tmp, "offset")
    with open(offset_a, "w") as f:
        f.write("0")
    start(a, offset_a)
    ctl = fill(ctx, a, 5)
    end = time.time() + 20
    while time.time() < end and ctl.stats()["journal"]["retained"] < 5:
        time.sleep(0.1)
    check(ctl.stats()["journal"]["retained"] >= 5, "retention_age 1s dropped nothing")
    a.stop()

    b = make({"retention_age": "1h"})
    offset = os.path.join(b.tmp, "offset")
    with open(offset, "w") as f:
        f.write("0")
    start(b, offset)
    ctl = fill(ctx, b, N)
    with open(offset, "w") as f:
        f.write(str(JUMP_S))
    wait_retention_passes(ctl)
    # the shim took effect: a log line written now carries the date 8 days ahead
    Producer(ctx, b).put(item(N + 1))
    ahead = (datetime.datetime.now(datetime.timezone.utc)
             + datetime.timedelta(seconds=JUMP_S)).strftime("%Y-%m-%d")
    check(ahead in b.tail(5), "the clock shim did not move the broker's clock: %s" % b.tail(5))
    st = ctl.stats()
    check(st["journal"]["retained"] == 0, "retention dropped %d records after the jump"
          % st["journal"]["retained"])
    got, end_ = ctl.replay_all(1)
    check(sorted(got) == list(range(1, N + 1)), "replay after the jump: %d of %d"
          % (len(got), N))
    ctl.close()

    # restart under the jumped clock: still nothing aged
    b.stop()
    start(b, offset)
    ctl = Control(ctx, b)
    wait_retention_passes(ctl)
    st = ctl.stats()
    check(st["journal"]["retained"] == 0 and st["journal"]["results"] == N,
          "after restart: retained %d results %d" % (st["journal"]["retained"],
                                                    st["journal"]["results"]))
    got, _ = ctl.replay_all(1)
    check(len(got) == N, "replay after restart: %d of %d" % (len(got), N))
    ctl.close()
    ctx.destroy(0)
    print("+8 days wall-clock jump: %d of %d results kept and replayed (also after restart)"
          % (N, N))


run(test)
