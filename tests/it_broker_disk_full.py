"""it_broker_disk_full.py: a full disk never stops the broker (issue 14.2).

The journal directory is a 6 MiB tmpfs that this test mounts (skipped, exit
77, when mounting is not permitted); journal_map is 64 MiB, so the disk is
what fills. The broker must:
  - refuse PUTs with EFULL naming the disk before the results of what it
    accepted no longer fit (stats journal.full == "disk");
  - keep results that arrive while another process filled the disk in
    memory (stats journal.held_results), pause dispatch, and journal and
    publish them once space is freed (before: it exited at the first result);
  - restart on a full disk and serve replay.
"""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (Control, Producer, Subscriber, Worker, check, result_for, run, skip,  # noqa
                      zmq)

TEXT = "The minister spoke about the harvest and the weather in the north. " * 30


def big_result(it, job):
    r = result_for(it, job)
    r["text"] = it["text"] * 3
    r["stats"]["bytes"] = len(r["text"].encode())
    return r


def fill(prod, start, limit=5000):
    ok = []
    for i in range(start, start + limit):
        h = prod.put({"id": "d-%d" % i, "text": TEXT})
        if h["cmd"] == "NAK":
            return ok, h
        ok.append(h["seq"])
    return ok, None


def hog(path):
    """Fill the filesystem of path with one file, to the last byte."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        for size in (65536, 4096, 512):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError:
                pass
    finally:
        os.close(fd)


def test(make):
    b = make({"journal_map": "64MiB"})
    os.makedirs(b.journal)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", b.journal],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if r.returncode != 0:
        skip("cannot mount a tmpfs here (%s)" % r.stdout.decode().strip())
    try:
        body(make, b)
    finally:
        if b.alive():
            b.proc.kill()
            b.proc.wait()
        subprocess.run(["umount", "-l", b.journal])


def body(make, b):
    b.start()
    ctx = zmq.Context()
    prod = Producer(ctx, b)
    ctl = Control(ctx, b)
    sub = Subscriber(ctx, b)
    acc, nak = fill(prod, 1)
    check(nak and nak["code"] == "EFULL" and "disk" in nak.get("reason", ""),
          "refusal %r after %d items" % (nak, len(acc)))
    n = len(acc)
    check(n >= 50, "refused too early: %d" % n)
    check(ctl.stats()["journal"]["full"] == "disk", "stats %r" % ctl.stats()["journal"])

    # another process takes the rest of the disk; then the results come
    filler = os.path.join(b.journal, "filler")
    hog(filler)
    w = Worker(ctx, b, credit=8)

    def handle(job, att, it):
        w.send("DONE", big_result(it, job), job=job)
        return "answered"
    held = [0]

    def held_seen():
        h = ctl.stats()["journal"]["held_results"]
        held[0] = max(held[0], h)
        return h > 0
    w.serve(20, handle, until=held_seen)
    check(b.alive(), "broker died on a full disk; log:\n%s" % b.tail())
    check(held[0] > 0, "no result held while the disk was full: %r" % ctl.stats()["journal"])
    h = prod.put({"id": "while-held", "text": TEXT})
    check(h["cmd"] == "NAK" and h["code"] == "EFULL", "PUT while results wait: %r" % h)

    os.unlink(filler)  # the operator frees space: everything goes through
    w.serve(30, handle, until=lambda: ctl.stats()["last_rseq"] >= n)
    st = ctl.stats()
    check(st["last_rseq"] == n and st["journal"]["held_results"] == 0,
          "after freeing space: %d of %d results, held %d" % (st["last_rseq"], n,
                                                              st["journal"]["held_results"]))
    published = sub.drain(0.5)
    rseqs = sorted(hdr["seq"] for hdr, _ in published)
    check(rseqs == list(range(1, n + 1)), "published %d of %d once (missing %r)" % (
        len(rseqs), n, sorted(set(range(1, n + 1)) - set(rseqs))[:10]))
    w.close()

    # restart on a full disk: starts, replays, refuses PUTs
    b.stop()
    hog(filler)
    b.start()
    ctl = Control(ctx, b)
    got, _ = ctl.replay_all(1)
    check(len(got) == n, "replay on a full disk: %d of %d" % (len(got), n))
    prod.close()
    prod = Producer(ctx, b)
    h = prod.put({"id": "on-full", "text": TEXT})
    check(h["cmd"] == "NAK" and h["code"] == "EFULL", "PUT on a full disk: %r" % h)
    check(b.alive(), "broker died after restart on a full disk")
    os.unlink(filler)
    for c in (prod, ctl):
        c.close()
    sub.close()
    b.stop()
    ctx.destroy(0)
    print("disk full: %d items, results held %d at most then published, restart on a full disk "
          "replays" % (n, held[0]))


run(test)
