"""it_broker_onecommit.py: under fsync=always the broker makes at most one
commit per fsync (broker/journal_sync.c, "One commit per fsync").

Why it matters: the journal runs LMDB with MDB_NOSYNC, so a commit's pages
and its meta page are written without an fsync between them, and commit T
reuses pages of the state three commits back. If more than one commit were
made before the next fsync ended, a page of the last durable state could be
rewritten in the page cache and reach the disk ahead of a power loss, under
a meta page that still names it: ACKed items would be damaged. The shim
tests/shim/powerloss.c counts LMDB's meta-page writes (one per commit)
between two successful fsyncs (WT_POWERLOSS_COMMITS).

3,000 items go through the broker and two workers while a busy loop runs on
every core (the fsync thread is then slow to wake, which is when a second
commit could slip in); no fsync may have covered more than one commit.
"""
import os
import subprocess

import harness as H


def test(tmp, procs, new_broker):
    counts = os.path.join(tmp, "commits")
    b = new_broker()
    b.start(env=H.preload_env("powerloss", {"WT_POWERLOSS_COMMITS": counts}))
    load = [procs.start(["sh", "-c", "while :; do :; done"], "load%d" % i)
            for i in range(os.cpu_count() or 2)]
    try:
        for n in ("w1", "w2"):
            H.start_worker(procs, b, n, threads=1, config=H.worker_config(tmp))
        items = os.path.join(tmp, "items.jsonl")
        H.write_items(items, 3000, prefix="c")
        f = H.feed(procs, b, [items], timeout=180)
        H.check(f.returncode == 0, "feed exit %s:\n%s" % (f.returncode, procs.log("feed")))
        H.wait_for(lambda: H.stats(b)["last_rseq"] >= 3000, 180, "3000 results")
    finally:
        for p in load:
            p.kill()
    H.check(b.stop() == 0, "broker exit")
    with open(counts) as fh:
        most, syncs = (int(x) for x in fh.read().split())
    print("%d fsyncs; the most commits one fsync covered: %d" % (syncs, most))
    H.check(syncs >= 20, "only %d fsyncs counted (is the shim preloaded?)" % syncs)
    H.check(most == 1, "an fsync covered %d commits: a commit was made while the one "
            "before it was not durable yet" % most)


H.run_e2e(test, seconds=300)
