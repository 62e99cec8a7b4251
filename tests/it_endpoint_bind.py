"""it_endpoint_bind.py: the broker checks its endpoints (issue 13, item 10):
port 70000 is refused with a sentence (ZeroMQ bound it as 4464), a host name
such as localhost is bound at its address (ZeroMQ said "No such device"),
and clients refuse a bad --broker with exit 2 and say what is wrong."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as H
from harness import Broker, broker_bin, check, run  # noqa: E402


def test(make):
    b = make()
    p = subprocess.run([broker_bin(), "-c", b.config, "--journal", b.journal,
                        "--producers", "tcp://127.0.0.1:70000", "--workers", "tcp://127.0.0.1:0",
                        "--subscribers", "tcp://127.0.0.1:0", "--replay", "tcp://127.0.0.1:0"],
                       capture_output=True, text=True, timeout=30)
    out = p.stdout + p.stderr
    check(p.returncode != 0, "broker started on port 70000")
    check("70000" in out and "65535" in out, "no clear message: %r" % out)
    print("port 70000:", [x for x in out.splitlines() if "70000" in x][0][:160])

    # a host name: bound at its address
    b2 = make()
    b2.ep = {k: "tcp://localhost:0" for k in ("producers", "workers", "subscribers", "replay")}
    b2.start(same_ports=True)
    check(all(b2.ep[k].startswith("tcp://127.0.0.1:") for k in ("producers", "workers", "subscribers", "replay")), "bound %r" % b2.ep)
    wt = H.binary("wiretag")
    port = b2.ep["replay"].rsplit(":", 1)[1]
    p = subprocess.run([wt, "stats", "--broker", "tcp://localhost:" + port], capture_output=True,
                       text=True, timeout=30)
    check(p.returncode == 0, "stats via localhost: %d %s" % (p.returncode, p.stderr))

    for args, want in ((["feed", "--broker", "tcp://127.0.0.1:70000", "-"], "65535"),
                       (["sub", "--broker", "tcp://127.0.0.1:5557x"], "not a port number"),
                       (["sub", "--replay", "127.0.0.1:5558"], "tcp://HOST:PORT"),
                       (["stats", "--broker", "tcp://*:5558"], "only makes sense for a bind")):
        p = subprocess.run([wt] + args, capture_output=True, text=True, timeout=30, input="")
        check(p.returncode == 2 and want in p.stderr, "%r: %d %r" % (args, p.returncode, p.stderr))
    p = subprocess.run([H.binary("wiretag-worker"), "--broker", "tcp://127.0.0.1:0"],
                       capture_output=True, text=True, timeout=60)
    check(p.returncode != 0 and "not a port number" in p.stderr, "worker: %r" % p.stderr)


run(test)
