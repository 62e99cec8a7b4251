"""it_broker_check_recover.py: wiretag-broker --check and --recover on sound
and damaged journals (issue 14.4). Never a crash (a signal), always a report.

A broker journals 300 items and 100 results and stops. Then, on copies:
  - sound: --check exits 0;
  - one result and one queued payload damaged (a byte flipped): --check
    exits 4 naming the damaged keys; --recover exits 4 and writes a new
    journal on which a broker starts and serves the 99 sound results;
  - data.mdb truncated: --check and --recover exit 4 (no SIGBUS) and a
    broker starts on the salvaged journal;
  - random pages overwritten (fixed seeds): --check and --recover end with
    a status, never by a signal; a broker on the damaged journal starts (or
    refuses with a status), replays and dispatches without crashing.
"""
import os
import random
import time
import json
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Control, Worker, broker_bin, check, journal_with_marks, run, zmq  # noqa


def tool(*args):
    p = subprocess.run([broker_bin()] + list(args), stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=120)
    out = p.stdout.decode(errors="replace")
    check(p.returncode >= 0, "%s died of signal %d:\n%s" % (args[0], -p.returncode, out))
    return p.returncode, out


def test(make):
    b = make().start()
    ctx = zmq.Context()
    journal_with_marks(ctx, b)

    def copy(name):
        return b.copy_journal(name)

    st, out = tool("--check", copy("sound"))
    check(st == 0 and "OK" in out, "sound journal: %d\n%s" % (st, out))

    d = copy("records")
    data = os.path.join(d, "data.mdb")
    raw = bytearray(open(data, "rb").read())
    for mark in (b"RESMARK0050", b"PAYMARK0200"):
        at = raw.find(mark)
        while at >= 0:
            raw[at + 3] ^= 0x20
            at = raw.find(mark, at + 1)
    open(data, "wb").write(bytes(raw))
    st, out = tool("--check", d)
    check(st == 4 and "DAMAGED" in out and "200" in out and "50" in out,
          "damaged records: %d\n%s" % (st, out))
    new = os.path.join(b.tmp, "records-new")
    st, out = tool("--recover", d, new)
    check(st == 4 and "SALVAGED WITH LOSSES" in out, "recover: %d\n%s" % (st, out))
    st, out2 = tool("--check", new)
    check(st == 0, "the salvaged journal is not sound: %d\n%s" % (st, out2))
    b.journal = new
    b.start()
    ctx2 = zmq.Context()
    ctl = Control(ctx2, b)
    got, _ = ctl.replay_all(1)
    check(len(got) == 99 and "item-50" not in {r["id"] for _, r in got.values()},
          "salvaged journal serves %d results" % len(got))
    check(ctl.stats()["unfinished"] == 200, "unfinished %r" % ctl.stats()["unfinished"])
    ctl.close()
    b.stop()

    d = copy("truncated")
    data = os.path.join(d, "data.mdb")
    os.truncate(data, os.path.getsize(data) * 2 // 3)
    st, out = tool("--check", d)
    check(st == 4 and "truncated" in out, "truncated check: %d\n%s" % (st, out))
    new = os.path.join(b.tmp, "truncated-new")
    st, out = tool("--recover", d, new)
    check(st == 4, "truncated recover: %d\n%s" % (st, out))
    b.journal = new
    b.start()
    ctl = Control(ctx2, b)
    got, _ = ctl.replay_all(1)
    print("truncated to 2/3: salvaged %d results, %d unfinished" % (
        len(got), ctl.stats()["unfinished"]))
    ctl.close()
    b.stop()

    size = os.path.getsize(os.path.join(b.tmp, "sound", "data.mdb"))
    pages = size // 4096
    for seed in range(6):
        rnd = random.Random(seed)
        d = copy("random%d" % seed)
        with open(os.path.join(d, "data.mdb"), "r+b") as f:
            for _ in range(4):
                pg = rnd.randrange(2, pages)
                f.seek(pg * 4096 + rnd.randrange(0, 4096 - 64))
                f.write(bytes(rnd.randrange(256) for _ in range(64)))
        st, out = tool("--check", d)
        check(st in (0, 4), "random damage %d: check exit %d\n%s" % (seed, st, out))
        st2, out2 = tool("--recover", d, d + "-new")
        check(st2 in (0, 4), "random damage %d: recover exit %d\n%s" % (seed, st2, out2))
        # a broker on it: starts (or refuses with a status), replays, dispatches, no crash
        ready = os.path.join(b.tmp, "ready-r.json")
        if os.path.exists(ready):
            os.unlink(ready)
        args = [broker_bin(), "-c", b.config, "--journal", d, "--ready-file", ready]
        for k in ("producers", "workers", "subscribers", "replay"):
            args += ["--" + k, "tcp://127.0.0.1:*"]
        p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        end = time.time() + 10
        while time.time() < end and not os.path.exists(ready) and p.poll() is None:
            time.sleep(0.02)
        if p.poll() is not None:
            check(p.returncode > 0, "random damage %d: broker died of signal %d at start"
                  % (seed, -p.returncode))
            continue
        b.ep = json.load(open(ready))
        b.proc = p
        c = Control(ctx2, b)
        c.replay_all(1)
        wk = Worker(ctx2, b, credit=4)
        wk.serve(1.5, lambda job, att, it: "done")
        wk.close()
        c.close()
        check(p.poll() is None, "random damage %d: broker died (%s)" % (seed, p.poll()))
        p.terminate()
        p.wait(10)
    ctx.destroy(0)
    ctx2.destroy(0)
    print("check/recover: sound 0, damaged records 4 + salvage, truncated 4 + salvage, "
          "random damage never a crash")


run(test)
