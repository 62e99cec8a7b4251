"""it_nats_limits.py: what the NATS server refuses for its size is reported,
never retried forever, and the stream goes on.

nats-server with max_payload 64 KiB (the default is 1 MiB, our
limits.max_text_bytes is 1 MiB too):

- an item whose encoding is over 64 KiB: `wiretag feed --nats` lists it as
  ETOOBIG with the server's limit, exits 1, and sends the others;
- an item that fits but whose result (text + annotations) does not: the
  worker dead-letters the item with code ETOOBIG and goes on;
- the small items each get exactly one result;
- a server without JetStream is reported at once, with what to do;
- a worker started before the server waits for it (and says so);
- SIGHUP reloads the worker's dictionaries (logged) and the next item is
  annotated with them.
"""
import json
import os

import harness as H
import harness.nats as N


def test(tmp, procs, new_broker):
    N.nats_built()
    node = N.Node(procs, tmp, "n1")
    node.write_conf()
    with open(node.conf, "a") as f:
        f.write("max_payload: 65536\n")
    url = node.url()
    cfg = N.config(tmp, "nats:\n  prefix: wtlimits\n  ack_wait: 2s\n")
    # a server without JetStream: said at once, with what to do
    nojs = N.Node(procs, tmp, "nojs")
    with open(nojs.conf, "w") as f:
        f.write("listen: 127.0.0.1:%d\n" % nojs.port)
    nojs.start()
    r = N.run([H.binary("wiretag"), "stats", "--nats", nojs.url()], timeout=15)
    H.check(r.returncode == 2 and "JetStream is not enabled" in r.stderr and "-js" in r.stderr,
            "no JetStream: exit %d: %s" % (r.returncode, r.stderr))
    nojs.kill9()

    # a worker started before its server waits for it
    w = N.start_worker(procs, url, cfg, "w1", threads=1)
    H.wait_for(lambda: "trying again every second" in procs.log("w1", 20), 60,
               "the worker to say it waits for the server")
    H.check(w.poll() is None, "the worker gave up: " + procs.log("w1"))
    node.start()
    N.nats_init(url, cfg)
    sentence = "President Ana Kovac met Prime Minister Carl Jensen in Paris. "
    items = os.path.join(tmp, "items.jsonl")
    with open(items, "w") as f:
        f.write(json.dumps({"id": "small-0", "text": "The mayor of Springfield opened a bridge."}) + "\n")
        f.write(json.dumps({"id": "huge", "text": sentence * 1500}) + "\n")       # ~90 KB
        f.write(json.dumps({"id": "bigresult", "text": sentence * 900}) + "\n")  # ~54 KB
        f.write(json.dumps({"id": "small-1", "text": "Finance ministers met in Geneva."}) + "\n")
    r = N.run([H.binary("wiretag"), "feed", "--nats", url, "-c", cfg, "--no-progress", items],
              timeout=60)
    print(r.stderr.strip())
    H.check(r.returncode == 1, "feed exit %d (expected 1)" % r.returncode)
    H.check("3 acknowledged" in r.stderr and "ETOOBIG" in r.stderr and "max_payload of 65536" in r.stderr,
            "feed summary: " + r.stderr)
    H.wait_for(lambda: N.stats(url, cfg)["dead_letters"] >= 1, 60, "the big result's dead letter")
    H.wait_for(lambda: N.stats(url, cfg)["results"]["messages"] >= 2, 60, "the small results")
    dead = json.loads(N.run([H.binary("wiretag"), "stats", "--nats", url, "-c", cfg, "--dead",
                             "--json"]).stdout)["dead"]
    print("dead letters:", dead)
    H.check(len(dead) == 1 and dead[0]["id"] == "bigresult" and dead[0]["code"] == "ETOOBIG",
            "dead letters %r" % dead)
    pairs = N.sub_all(url, cfg, 2)
    N.check_exactly_once(pairs, ["small-0", "small-1"], "limits:")
    st = N.stats(url, cfg)
    H.check(st["items"]["messages"] == 0 and st["workers"]["ack_pending"] == 0, "queue %r" % st)
    import signal
    w.send_signal(signal.SIGHUP)
    H.wait_for(lambda: "dictionaries reloaded" in procs.log("w1", 50), 60, "the reload")
    more = os.path.join(tmp, "more.jsonl")
    H.write_items(more, 1, prefix="after-reload")
    r = N.run([H.binary("wiretag"), "feed", "--nats", url, "-c", cfg, "--no-progress", more])
    H.check(r.returncode == 0, "feed after reload: " + r.stderr)
    pairs = N.sub_all(url, cfg, 3)
    N.check_exactly_once(pairs, ["small-0", "small-1", "after-reload-0"], "after reload:")
    w.terminate()
    H.check(w.wait(30) == 0, "worker exit %s" % w.returncode)


H.run_e2e(test, seconds=200)
