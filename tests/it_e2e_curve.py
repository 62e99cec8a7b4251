"""it_e2e_curve.py: the whole pipeline with CURVE and an allow-list.

Keys come from `wiretag keygen`. The broker runs with curve.enabled and an
allow-list directory holding the worker's and the client's public keys;
wiretag-worker, `wiretag feed`, `wiretag sub` and `wiretag stats` read
their keys from a -c config, examples/python_client.py from its
--curve-key/--curve-server files. Items flow and come back annotated. A feed
with a key that is not in the allow-list gets nothing acknowledged, and one
without CURVE neither.
"""
import os
import subprocess

import harness as H


def test(tmp, procs, new_broker):
    b, ccfg, ocfg = H.curve_pipeline(tmp, procs, new_broker, "client")

    def stats_ok():
        p = subprocess.run([H.binary("wiretag"), "stats", "-c", ccfg, "--broker", b.ep["replay"],
                            "--json", "--timeout", "1000"], capture_output=True, text=True)
        return p.returncode == 0 and '"workers_count": 1' in p.stdout

    H.wait_for(stats_ok, 15, "the CURVE worker to be READY (seen by a CURVE stats)")

    items = os.path.join(tmp, "items.jsonl")
    ids = H.write_items(items, 20, prefix="c")
    f = H.feed(procs, b, [items], extra=["-c", ccfg])
    H.check(f.returncode == 0, "CURVE feed exit %s:\n%s" % (f.returncode, procs.log("feed")))
    out = subprocess.run([H.binary("wiretag"), "sub", "-c", ccfg, "--broker", b.ep["subscribers"],
                          "--replay", b.ep["replay"], "--from", "1", "--count", "20"],
                         capture_output=True, text=True, timeout=30)
    H.check(out.returncode == 0, "CURVE sub exit %d: %s" % (out.returncode, out.stderr))
    import json
    got = [json.loads(x)["id"] for x in out.stdout.splitlines() if x.strip()]
    H.check(sorted(got) == sorted(ids), "CURVE sub got %r" % got[:5])

    # the Python example with the client's keys
    client = os.path.join(os.environ.get("WT_SOURCE", "."), "examples", "python_client.py")
    p = subprocess.run(["/usr/bin/python3", client, "--producers", b.ep["producers"], "--subscribers",
                        b.ep["subscribers"], "--replay", b.ep["replay"], "--json", "--timeout", "20",
                        "--curve-key", os.path.join(tmp, "client.key"),
                        "--curve-server", os.path.join(tmp, "broker.pub")],
                       capture_output=True, text=True, timeout=40)
    H.check(p.returncode == 0, "python client with CURVE: exit %d\n%s" % (p.returncode, p.stderr))
    H.check(len(p.stdout.splitlines()) == 3, "python client with CURVE: %r" % p.stdout[:200])

    # a key that is not allowed, and no CURVE at all: nothing is accepted, and
    # feed says why and stops (exit 2) instead of resending until --deadline
    for name, extra, says in (("outsider", ["-c", ocfg], "refused our CURVE key"),
                              ("plain", [], "never completes a ZeroMQ handshake")):
        p = H.feed(procs, b, [items], name="feed-" + name,
                   extra=extra + ["--timeout", "300", "--deadline", "30"])
        H.check(p.returncode == 2 and says in procs.log("feed-" + name),
                "%s feed exit %s (expected 2 and %r):\n%s" %
                (name, p.returncode, says, procs.log("feed-" + name)))
        H.check("0 acknowledged" in procs.log("feed-" + name), "%s feed got ACKs" % name)
    print("CURVE: allowed clients served, an unknown key and a plain client refused")


H.run_e2e(test)
