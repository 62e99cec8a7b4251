"""it_client_host.py: one way to name a broker (issue 13, item 12): the
`client.broker` key read through `-c FILE` and `--host HOST` mean the four
standard ports (producers 5555, workers 5556, subscribers 5557, replay
5558) for feed, sub, stats, dead and wiretag-worker; --broker/--replay URLs
still win. The broker listens on a loopback address of its own
(127.0.0.N) so that the standard ports do not collide with anything."""
import json
import os
import random
import socket
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as H
from harness import check, skip  # noqa: E402


def free_host():
    for _ in range(50):
        h = "127.0.%d.%d" % (random.randint(1, 254), random.randint(2, 254))
        try:
            for port in range(5555, 5559):
                s = socket.socket()
                s.bind((h, port))
                s.close()
            return h
        except OSError:
            continue
    skip("no free 127.x.y.z address with ports 5555-5558")


def test(tmp, procs, new_broker):
    host = free_host()
    b = new_broker()
    b.ep = {k: "tcp://%s:%d" % (host, 5555 + i)
            for i, k in enumerate(("producers", "workers", "subscribers", "replay"))}
    b.start(same_ports=True)
    cfg = os.path.join(tmp, "client.yaml")
    with open(cfg, "w") as f:
        f.write("client:\n  broker: %s\n" % host)
    items = os.path.join(tmp, "items.jsonl")
    ids = H.write_items(items, 6)
    wt = H.binary("wiretag")

    def run(args, code=0):
        p = subprocess.run(args, capture_output=True, text=True, timeout=120)
        check(p.returncode == code, "%r: exit %d: %s" % (args[1:], p.returncode, p.stderr))
        return p

    run([wt, "feed", "--host", host, "--no-progress", items])
    procs.start([H.binary("wiretag-worker"), "-c", cfg, "--threads", "1"], "worker")
    H.wait_for(lambda: H.stats(b)["last_rseq"] == 6, 90, "6 results")
    p = run([wt, "sub", "--host", host, "--from", "1", "--count", "6"])
    check(sorted(json.loads(x)["id"] for x in p.stdout.splitlines()) == sorted(ids), "sub --host")
    p = run([wt, "sub", "-c", cfg, "--from", "4", "--count", "3"])
    check([json.loads(x)["seq"] for x in p.stdout.splitlines()] == [4, 5, 6], "sub -c")
    p = run([wt, "stats", "-c", cfg, "--json"])
    check(json.loads(p.stdout)["last_rseq"] == 6, "stats -c")
    run([wt, "stats", "--host", host])
    run([wt, "dead", "-c", cfg, "list"])
    more = os.path.join(tmp, "more.jsonl")
    H.write_items(more, 2, prefix="more")
    run([wt, "feed", "-c", cfg, "--no-progress", more])
    H.wait_for(lambda: H.stats(b)["last_rseq"] == 8, 90, "8 results")
    # explicit URLs win over the host
    p = run([wt, "stats", "--host", "127.0.0.1", "--broker", b.ep["replay"], "--json"])
    check(json.loads(p.stdout)["last_rseq"] == 8, "--broker did not win")
    p = run([wt, "sub", "-c", cfg, "--broker", b.ep["subscribers"], "--replay", b.ep["replay"],
             "--from", "8", "--count", "1"])
    check(len(p.stdout.splitlines()) == 1, "sub URLs")
    p = run([wt, "stats", "--host", "tcp://%s:5558" % host], code=2)
    check("wants a host name or address" in p.stderr, "bad --host: %r" % p.stderr)


H.run_e2e(test, seconds=200)
