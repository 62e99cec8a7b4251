"""it_broker_lock.py: one broker per journal directory (issue 13.1 / 14.1).

A second broker started on a journal directory that a running broker holds
must refuse to start: exit status 3, a message naming the holder's pid, no
port bound, and the first broker's data untouched (it keeps accepting and
numbering). After the holder is killed with SIGKILL the lock is gone with
the process and a new broker starts on the same journal and continues its
numbering.
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Control, Producer, broker_bin, check, item, run, zmq  # noqa


def second_broker(a):
    """Start another broker on a's journal; return (exit status, stderr)."""
    ready = os.path.join(a.tmp, "ready2.json")
    args = [broker_bin(), "-c", a.config, "--journal", a.journal, "--ready-file", ready]
    for k in ("producers", "workers", "subscribers", "replay"):
        args += ["--" + k, "tcp://127.0.0.1:*"]
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=20)
    check(not os.path.exists(ready), "the second broker got as far as listening")
    return p.returncode, p.stderr.decode(errors="replace")


def test(make):
    a = make().start()
    ctx = zmq.Context()
    prod = Producer(ctx, a)
    for i in range(1, 6):
        h = prod.put(item(i))
        check(h["cmd"] == "ACK" and h["seq"] == i, "PUT %d: %r" % (i, h))

    status, err = second_broker(a)
    check(status == 3, "second broker on a held journal: exit %s (want 3); stderr: %s"
          % (status, err))
    pid = str(a.proc.pid)
    check("in use by another broker" in err and ("pid %s" % pid) in err,
          "refusal does not name the holder pid %s: %r" % (pid, err))
    check(a.alive(), "the first broker died")

    # the holder is unharmed: numbering goes on from 6
    h = prod.put(item(6))
    check(h["cmd"] == "ACK" and h["seq"] == 6, "PUT after the refusal: %r" % h)

    # the lock dies with its process, kill -9 included
    a.kill9()
    a.start()
    prod.close()
    prod = Producer(ctx, a)
    h = prod.put(item(7))
    check(h["cmd"] == "ACK" and h["seq"] == 7, "PUT after restart: %r" % h)
    st = Control(ctx, a).stats()
    check(st["last_seq"] == 7, "last_seq %r" % st["last_seq"])
    status, err = second_broker(a)
    check(status == 3 and ("pid %d" % a.proc.pid) in err, "after restart: %s %r" % (status, err))
    prod.close()
    ctx.destroy(0)
    print("second broker refused with exit 3 naming pid; lock released by kill -9")


run(test)
