"""it_broker_damaged.py: a damaged journal at start is refused with a message
that says what to do, never a crash and never a silent fresh start
(issue 14.4).

A broker journals 300 items and 100 results and stops. Then, each on a copy
of that journal: data.mdb truncated to half (before: SIGBUS on every start),
data.mdb emptied and data.mdb removed next to the journal's marker (before:
a fresh start at sequence 1, numbers reused), both meta pages overwritten.
Each start must exit with status 4 (not a signal) and a message naming the
problem and the way out. Removing the marker on purpose starts afresh.
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Control, Worker, broker_bin, check, journal_with_marks, run, zmq  # noqa


def start_on(b, journal):
    ready = os.path.join(b.tmp, "ready-x.json")
    args = [broker_bin(), "-c", b.config, "--journal", journal, "--ready-file", ready]
    for k in ("producers", "workers", "subscribers", "replay"):
        args += ["--" + k, "tcp://127.0.0.1:*"]
    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out, err = p.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate()
        check(False, "broker on a damaged journal kept running")
    return p.returncode, err.decode(errors="replace")


def test(make):
    b = make().start()
    ctx = zmq.Context()
    journal_with_marks(ctx, b)

    def copy(name):
        return b.copy_journal(name, drop_lock=True)

    cases = []
    d = copy("truncated")
    data = os.path.join(d, "data.mdb")
    os.truncate(data, os.path.getsize(data) // 2)
    cases.append(("truncated", d, ["truncated", "--recover"]))
    d = copy("empty")
    os.truncate(os.path.join(d, "data.mdb"), 0)
    cases.append(("empty", d, ["data.mdb is empty", "wiretag.journal"]))
    d = copy("missing")
    os.unlink(os.path.join(d, "data.mdb"))
    cases.append(("missing", d, ["data.mdb is missing", "restore"]))
    d = copy("meta")
    with open(os.path.join(d, "data.mdb"), "r+b") as f:
        f.write(bytes((i * 131 + 7) & 255 for i in range(8192)))
    cases.append(("meta pages", d, ["not an LMDB file"]))
    for name, d, words in cases:
        status, err = start_on(b, d)
        check(status == 4, "%s: exit %s (want 4); stderr: %s" % (name, status, err))
        for w_ in words:
            check(w_ in err, "%s: message lacks %r: %s" % (name, w_, err))
    # damaged records: one result, one queued item's payload (a byte flipped
    # in every copy in the file). The result is never served, the item is
    # dead-lettered with the reason; everything else flows.
    d = copy("records")
    data = os.path.join(d, "data.mdb")
    raw = bytearray(open(data, "rb").read())
    flipped = 0
    for mark in (b"RESMARK0050", b"PAYMARK0200"):
        at = raw.find(mark)
        while at >= 0:
            raw[at + 3] ^= 0x20
            flipped += 1
            at = raw.find(mark, at + 1)
    check(flipped >= 2, "markers not found in data.mdb")
    open(data, "wb").write(bytes(raw))
    saved = b.journal
    b.journal = d
    b.start()
    ctx3 = zmq.Context()
    ctl = Control(ctx3, b)
    got, _ = ctl.replay_all(1)
    served = {r["id"] for _, r in got.values()}
    check("item-50" not in served, "a damaged result was served")
    check(len(got) == 99, "replay served %d results (want the 99 undamaged)" % len(got))
    w = Worker(ctx3, b, credit=4)
    w.serve(30, lambda job, att, it: "done",
            until=lambda: ctl.stats()["unfinished"] == 0)
    st = ctl.stats()
    check(st["unfinished"] == 0 and st["dead_letters"] == 1, "after the run: %r" % {
        k: st[k] for k in ("unfinished", "dead_letters", "last_rseq")})
    dead, _ = ctl.dead()
    check([h["id"] for h, _ in dead] == ["item-200"] and "damaged" in dead[0][0]["reason"],
          "dead letters %r" % [(h["id"], h.get("reason")) for h, _ in dead])
    check(st["journal"]["damaged"] >= 2, "damaged not counted: %r" % st["journal"])
    check(b.alive(), "broker died")
    w.close()
    ctl.close()
    b.stop()
    ctx3.destroy(0)
    b.journal = saved

    # told to: removing the marker starts an empty journal
    d = cases[2][1]
    os.unlink(os.path.join(d, "wiretag.journal"))
    b.journal = d
    b.start()
    ctx2 = zmq.Context()
    st = Control(ctx2, b).stats()
    check(st["last_seq"] == 0, "fresh start: last_seq %r" % st["last_seq"])
    b.stop()
    ctx2.destroy(0)
    ctx.destroy(0)
    print("truncated, empty, missing, damaged meta: exit 4 with a message each")


run(test)
