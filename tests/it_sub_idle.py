"""it_sub_idle.py: `--idle` bounds every `wiretag sub` run and an unreachable
broker is an error (issue 13, item 5): with the broker down, `--from 1
--idle 2` and `--idle 2` both exit 3 within a few seconds and say the broker
was not reached; with a broker up and nothing to print `--idle 1` exits 0.
And (item 8) an idle subscriber's probes (empty REPLAYs) are logged by the
broker at debug, not info."""
import os
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as H
from harness import check, run  # noqa: E402


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()  # nothing listens there now
    return p


def sub(args, timeout=30):
    cmd = [H.binary("wiretag"), "sub"] + args
    t0 = time.time()
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        check(False, "%r did not stop within %d s" % (args, timeout))
    return p, time.time() - t0


def test(make):
    down = ["--broker", "tcp://127.0.0.1:%d" % free_port(),
            "--replay", "tcp://127.0.0.1:%d" % free_port()]
    for extra in (["--from", "1"], []):
        p, dt = sub(down + extra + ["--idle", "2"])
        check(p.returncode == 3, "broker down, %r --idle 2: exit %d (want 3): %s"
              % (extra, p.returncode, p.stderr))
        check("no answer from the broker" in p.stderr, "no message: %r" % p.stderr)
        check(dt < 10, "took %.1f s" % dt)
        print("broker down, %-12s exit 3 in %.1f s" % (" ".join(extra) or "(live)", dt))

    b = make()
    # the broker at info, as a user runs it
    with open(b.config) as f:
        conf = f.read().replace("level: debug", "level: info")
    with open(b.config, "w") as f:
        f.write(conf)
    b.start()
    up = ["--broker", b.ep["subscribers"], "--replay", b.ep["replay"]]
    p, dt = sub(up + ["--idle", "1"])
    check(p.returncode == 0 and p.stdout == "", "broker up, --idle 1: %d %r %r"
          % (p.returncode, p.stdout, p.stderr))
    # an idle subscriber for 3.5 s: about 3 probes, none at info
    p, dt = sub(up + ["--from", "1", "--idle", "3.5"])
    check(p.returncode == 0, "--from 1 --idle 3.5: %d %s" % (p.returncode, p.stderr))
    log = open(b.log).read()
    check("cmd=REPLAY" not in log, "idle probes logged at info:\n" + "\n".join(
        x for x in log.splitlines() if "REPLAY" in x))


run(test)
