"""it_python_client.py: examples/python_client.py (python3-zmq and
python3-msgpack only, written from docs/PROTOCOL.md) feeds items to a real
broker and worker and receives their annotated results.

The broker and one wiretag-worker run on 127.0.0.1 with ephemeral ports
(the broker's --ready-file names them). The client sends its three demo
items and then two items of a JSON Lines file; every one must come back
annotated (id, seq, text as sent, actors/issues/quotes, annotator version).
A second run of the same file gets ACK dup:true for every item.
"""
import json
import os
import subprocess

import harness as H

CLIENT = os.path.join(os.environ.get("WT_SOURCE", "."), "examples", "python_client.py")


def run_client(b, args, timeout=40):
    cmd = ["/usr/bin/python3", CLIENT, "--producers", b.ep["producers"], "--subscribers",
           b.ep["subscribers"], "--replay", b.ep["replay"], "--timeout", "20", "--json"] + args
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    H.check(p.returncode == 0, "client exit %d:\n%s\n%s" % (p.returncode, p.stdout, p.stderr))
    return [json.loads(x) for x in p.stdout.splitlines() if x.strip()], p.stderr


def test(tmp, procs, new_broker):
    b = new_broker().start()
    H.start_worker(procs, b, "w1", threads=2, config=H.worker_config(tmp))
    H.wait_for(lambda: H.stats(b)["workers_count"] == 1, 15, "worker READY")

    res, _ = run_client(b, [])
    H.check(sorted(r["id"] for r in res) == ["py-demo-1", "py-demo-2", "py-demo-3"], "demo ids %r" % res)
    for r in res:
        H.check(isinstance(r.get("seq"), int) and r["seq"] >= 1, "seq %r" % r.get("seq"))
        for k in ("text", "actors", "issues", "quotes", "stats", "annotator"):
            H.check(k in r, "result lacks %s: %r" % (k, sorted(r)))
        H.check(r["annotator"].get("dictionaries"), "no annotator.dictionaries")
    demo1 = [r for r in res if r["id"] == "py-demo-1"][0]
    H.check(demo1["text"].startswith("The foreign minister of France"), "text not as sent")
    H.check(demo1.get("published") == "2024-03-08", "published %r" % demo1.get("published"))

    items = os.path.join(tmp, "two.jsonl")
    with open(items, "w") as f:
        f.write(json.dumps({"id": "py-file-1", "text": "Voters in Canada went to the polls on Monday."}) + "\n")
        f.write(json.dumps({"id": "py-file-2", "text": "\"Prices will fall,\" the minister said."}) + "\n")
    res, _ = run_client(b, [items])
    H.check(sorted(r["id"] for r in res) == ["py-file-1", "py-file-2"], "file ids %r" % res)

    # sent again: acknowledged as duplicates, not processed twice
    cmd = ["/usr/bin/python3", CLIENT, "--producers", b.ep["producers"], "--subscribers",
           b.ep["subscribers"], "--replay", b.ep["replay"], "--timeout", "6", items]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    H.check(p.stderr.count("(already known)") == 2, "no dup ACKs:\n" + p.stderr)
    st = H.stats(b)
    H.check(st["last_rseq"] == 5, "5 results expected, broker has %d" % st["last_rseq"])
    print("python client: 5 items annotated, duplicates acknowledged")


H.run_e2e(test)
