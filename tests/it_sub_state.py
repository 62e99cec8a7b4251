"""it_sub_state.py: `wiretag sub --state FILE` resumes where it stopped.

A subscriber that restarts (a container, a service) must neither replay the
whole journal nor skip a result:
1. --state FILE --from 1 --idle 2 prints 1..25 and FILE says 25;
2. 20 more items; run again with the same FILE (and --from 1 still given):
   26..45, not 1..;
3. killed with SIGKILL mid-stream while new items arrive, then restarted:
   the two runs together print every result 46..N, in order, with no gap;
   the restart begins at most a few results before where the first stopped;
4. an empty FILE means "no position yet" (--from applies); a FILE with
   garbage is refused (exit 2, naming the file) rather than guessed at.
"""
import os
import signal
import subprocess
import time

import harness as H


def sub(procs, b, state, name, out, extra):
    args = H.sub_args(b, "--state", state, "--json", "-v", *extra)
    return procs.start(args, name, stdout=out)


def seqs(path):
    return [r["seq"] for r in H.read_jsonl(path)]


def saved(state):
    with open(state) as f:
        return int(f.read().strip())


def test(tmp, procs, new_broker):
    b = new_broker().start()
    H.start_worker(procs, b, "w1", threads=2, config=H.worker_config(tmp))
    items = os.path.join(tmp, "a.jsonl")
    H.write_items(items, 25, prefix="a")
    f = H.feed(procs, b, [items])
    H.check(f.returncode == 0, "feed exit %s" % f.returncode)
    H.wait_for(lambda: H.stats(b)["last_rseq"] >= 25, 40, "25 results")
    state = os.path.join(tmp, "sub.position")

    # 1. first run
    o1 = os.path.join(tmp, "o1.jsonl")
    with open(o1, "w") as o:
        p = sub(procs, b, state, "sub1", o, ["--from", "1", "--idle", "2"])
        p.wait(30)
    H.check(p.returncode == 0, "sub1 exit %s:\n%s" % (p.returncode, procs.log("sub1")))
    H.check(seqs(o1) == list(range(1, 26)), "sub1 printed %r" % seqs(o1)[:30])
    H.check(saved(state) == 25, "state after sub1 is %d, expected 25" % saved(state))

    # 2. resume, although --from 1 is still on the command line
    items2 = os.path.join(tmp, "a2.jsonl")
    H.write_items(items2, 20, prefix="a2")
    H.feed(procs, b, [items2], name="feed1")
    H.wait_for(lambda: H.stats(b)["last_rseq"] >= 45, 40, "45 results")
    o2 = os.path.join(tmp, "o2.jsonl")
    with open(o2, "w") as o:
        p = sub(procs, b, state, "sub2", o, ["--from", "1", "--idle", "2"])
        p.wait(30)
    H.check(p.returncode == 0, "sub2 exit %s" % p.returncode)
    H.check(seqs(o2) == list(range(26, 46)), "sub2 did not resume at 26: %r" % seqs(o2)[:10])
    H.check(saved(state) == 45, "state after sub2 is %d" % saved(state))

    # 3. SIGKILL mid-stream while new items arrive, then restart. The feed
    # reads stdin and gets the items in two parts: sub3 is killed after 40
    # results, when at most 60 exist, and the other 240 arrive afterwards
    # (one 300-item file can be annotated and printed in full before the
    # kill lands, and then nothing would be left for the restart to do).
    more = os.path.join(tmp, "b.jsonl")
    H.write_items(more, 300, prefix="b")
    with open(more, "rb") as f:
        lines = f.readlines()
    o3 = os.path.join(tmp, "o3.jsonl")
    feed = procs.start([H.binary("wiretag"), "feed", "--broker", b.ep["producers"],
                        "--no-progress", "-"], "feed2", stdin=subprocess.PIPE)
    with open(o3, "w") as o:
        p = sub(procs, b, state, "sub3", o, [])
        feed.stdin.write(b"".join(lines[:60]))
        feed.stdin.flush()
        H.wait_for(lambda: len(seqs(o3)) >= 40, 60, "sub3 to print 40 results")
        p.send_signal(signal.SIGKILL)
        p.wait(10)
    feed.stdin.write(b"".join(lines[60:]))
    feed.stdin.close()
    feed.wait(60)
    H.check(feed.returncode == 0, "feed2 exit %s:\n%s" % (feed.returncode, procs.log("feed2")))
    first = seqs(o3)
    H.check(first and first[0] == 46, "sub3 did not start at 46: %r" % first[:5])
    H.check(first == list(range(46, 46 + len(first))), "sub3 out of order or with a gap")
    pos = saved(state)
    H.check(46 <= pos <= first[-1], "state %d outside what sub3 printed (46..%d)" % (pos, first[-1]))
    H.wait_for(lambda: H.stats(b)["last_rseq"] >= 345, 60, "345 results")
    o4 = os.path.join(tmp, "o4.jsonl")
    with open(o4, "w") as o:
        p = sub(procs, b, state, "sub4", o, ["--idle", "2"])
        p.wait(60)
    H.check(p.returncode == 0, "sub4 exit %s:\n%s" % (p.returncode, procs.log("sub4")))
    second = seqs(o4)
    H.check(second and second[0] == pos + 1, "sub4 started at %r, expected %d" %
            (second[:1], pos + 1))
    H.check(second == list(range(pos + 1, 346)), "sub4 did not print %d..345 in order" % (pos + 1))
    H.check(saved(state) == 345, "state after sub4 is %d" % saved(state))
    repeated = first[-1] - pos
    print("killed after %d, state said %d: %d result(s) printed twice, none skipped"
          % (first[-1], pos, repeated))

    # 4. empty state = no position; garbage = refused
    with open(state, "w"):
        pass
    o5 = os.path.join(tmp, "o5.jsonl")
    with open(o5, "w") as o:
        p = sub(procs, b, state, "sub5", o, ["--from", "340", "--idle", "1.5"])
        p.wait(30)
    H.check(seqs(o5) == list(range(340, 346)), "empty state: --from 340 printed %r" % seqs(o5))
    with open(state, "w") as f:
        f.write("12abc\n")
    r = subprocess.run(H.sub_args(b, "--state", state, "--idle", "1"),
                       capture_output=True, text=True, timeout=30)
    H.check(r.returncode == 2 and state in r.stderr, "garbage state: exit %s, %r" %
            (r.returncode, r.stderr))


H.run_e2e(test)
