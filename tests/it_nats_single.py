"""it_nats_single.py: the pipeline on one NATS JetStream node.

A real nats-server (JetStream, file storage in the test folder) on a
kernel-picked port; `wiretag nats-init`; an empty file fed (exit 0, 0
items: it used to crash in libnats); a subscriber started then with
`--from 3` (its first result is 3, though the server starts the consumer
at 1 on an empty stream); two `wiretag-worker --nats` with
the test hook WT_TEST_POISON (a worker abort()s on an item holding the
marker; a small supervisor here restarts dead workers, as systemd would),
`wiretag feed --nats` with 150 items of our own, one poisoned:

- feed exits 0; the poisoned item kills a worker at each delivery that
  reaches a live worker and goes to the dead-letter stream after
  nats.max_deliver (3) deliveries,
  payload kept (`wiretag stats --nats --dead` decodes its id);
- the 149 others each have exactly one result; a late subscriber
  (`sub --from 1`) replays them with seq = results stream sequence 1..149;
- `sub --state FILE` keeps the position: a second run resumes after it;
- filters work as on the broker (--actor);
- re-feeding the same file inside the dedup window: every item is
  "already known", nothing is annotated twice (a sentinel fed after it is
  result 150, and there is no 151st);
- bytes that are not an item, published on the items subject by some other
  client, are dead-lettered at once with the decoder's code (the workers
  go on: a second sentinel gets its result).
"""
import json
import os
import subprocess

import harness as H
import harness.nats as N

MARK = "POISON-PILL-nats-51c2"


def test(tmp, procs, new_broker):
    N.nats_built()
    node = N.single(procs, tmp)
    url = node.url()
    cfg = N.config(tmp, "nats:\n  prefix: wtsingle\n  ack_wait: 1s\n  max_deliver: 3\n"
                        "  dedup_window: 10m\n")
    out = N.nats_init(url, cfg)
    H.check("stream WTSINGLE_ITEMS: created" in out, "nats-init said:\n" + out)
    again = N.nats_init(url, cfg)
    H.check("WTSINGLE_RESULTS: exists, settings as configured" in again, "second nats-init:\n" + again)

    # nothing to send is not a crash (libnats 3.4.1 segfaulted when asked for
    # the pending publishes of a context that never published)
    empty = os.path.join(tmp, "empty.jsonl")
    open(empty, "w").close()
    f0 = N.run([H.binary("wiretag"), "feed", "--nats", url, "-c", cfg, "--no-progress", empty])
    H.check(f0.returncode == 0 and "0 acknowledged" in f0.stderr,
            "feed of an empty file: exit %d: %s" % (f0.returncode, f0.stderr))

    # a subscriber asking for result 3 of a stream still empty (the server
    # starts such a consumer at 1): it must print 3 first, not 1
    early = subprocess.Popen([H.binary("wiretag"), "sub", "--nats", url, "-c", cfg, "--from", "3",
                              "--count", "1", "--json"], stdout=subprocess.PIPE, text=True)

    env = {"WT_TEST_POISON": MARK}
    # one thread each: an item in flight on a worker that dies loses a delivery too
    sup = H.Supervisor(("w1", "w2"), lambda n: N.start_worker(procs, url, cfg, n, threads=1, env=env))
    try:
        items = os.path.join(tmp, "items.jsonl")
        ids = H.write_items(items, 150, prefix="n", poison_at=70, poison=MARK)
        f = N.run([H.binary("wiretag"), "feed", "--nats", url, "-c", cfg, "--no-progress", items])
        print(f.stderr.strip())
        H.check(f.returncode == 0, "feed exit %d: %s" % (f.returncode, f.stderr))
        H.check("150 acknowledged (0 already known)" in f.stderr, "feed summary: " + f.stderr)

        def settled():
            st = N.stats(url, cfg)
            return st["results"]["messages"] >= 149 and st["dead_letters"] >= 1
        H.wait_for(settled, 90, "149 results and 1 dead letter")
    finally:
        sup.stop()
    print("worker deaths:", sup.deaths)
    # at most one death per delivery; fewer when JetStream hands a redelivery
    # to the pull request a dead worker left behind (it counts as a delivery)
    H.check(1 <= len(sup.deaths) <= 3, "expected 1..3 worker deaths, got %r" % sup.deaths)

    out, _ = early.communicate(timeout=30)
    H.check(early.returncode == 0 and json.loads(out)["seq"] == 3,
            "sub --from 3 started on an empty stream printed %r" % out[:120])

    good = [i for i in ids if i != "n-70"]
    pairs = N.sub_all(url, cfg, 149)
    N.check_exactly_once(pairs, good, "late subscriber:")

    # --state: the position is kept; the next run resumes after it
    pos = os.path.join(tmp, "sub.position")
    first = N.run([H.binary("wiretag"), "sub", "--nats", url, "-c", cfg, "--from", "1", "--count",
                   "5", "--state", pos, "--json"])
    H.check(first.returncode == 0 and [json.loads(x)["seq"] for x in first.stdout.splitlines()] ==
            [1, 2, 3, 4, 5], "sub --state, first run: %s %r" % (first.stderr, first.stdout[:200]))
    def saved():
        return open(pos).read().strip() if os.path.exists(pos) else "(no file)"
    H.check(saved() == "5", "--state file after 5 results: %r" % saved())
    rest = N.run([H.binary("wiretag"), "sub", "--nats", url, "-c", cfg, "--from", "1", "--idle", "2",
                  "--state", pos, "--json", "-v"])
    seqs = [json.loads(x)["seq"] for x in rest.stdout.splitlines()]
    H.check(rest.returncode == 0 and seqs == list(range(6, 150)) and "resuming after result 5" in
            rest.stderr, "sub --state, second run: %s %r" % (rest.stderr, seqs[:5]))
    H.check(saved() == "149", "--state file at the end: %r" % saved())
    H.check(all(d.get("actors") is not None for _, d in pairs), "results lack actors")

    # the dead letter keeps the payload and says why
    st = N.stats(url, cfg)
    r = N.run([H.binary("wiretag"), "stats", "--nats", url, "-c", cfg, "--dead", "--json"])
    H.check(r.returncode == 0, "stats --dead: " + r.stderr)
    dead = json.loads(r.stdout)["dead"]
    print("dead letters:", dead)
    H.check(len(dead) == 1 and dead[0]["id"] == "n-70", "dead letters %r" % dead)
    H.check(dead[0]["code"] == "EPOISON" and dead[0]["attempts"] == 3, "dead letter %r" % dead[0])
    H.check(st["items"]["messages"] == 0, "the poisoned item is still queued: %r" % st["items"])
    table = N.run([H.binary("wiretag"), "stats", "--nats", url, "-c", cfg, "--dead"]).stdout
    H.check("n-70" in table and "dead letters (1)" in table, "table:\n" + table)

    # filters as on the broker: an actor no item has, and one some have
    none = N.run([H.binary("wiretag"), "sub", "--nats", url, "-c", cfg, "--from", "1", "--idle",
                  "2", "--actor-name", "Nobody Atall", "--json"])
    H.check(none.returncode == 0 and none.stdout == "", "filter let through: %r" % none.stdout[:200])
    fr = N.run([H.binary("wiretag"), "sub", "--nats", url, "-c", cfg, "--from", "1", "--idle", "2",
                "--country", "FRA", "--json"])
    got = [json.loads(x) for x in fr.stdout.splitlines()]
    expect = [d for _, d in pairs if any(a.get("country") == "FRA" for a in d["actors"])]
    H.check(len(got) == len(expect) and len(got) > 0,
            "--country FRA: %d results, expected %d" % (len(got), len(expect)))

    # the same ids again inside the dedup window: nothing new
    workers_again = {n: N.start_worker(procs, url, cfg, n + "b") for n in ("w3",)}
    f2 = N.run([H.binary("wiretag"), "feed", "--nats", url, "-c", cfg, "--no-progress", items])
    H.check(f2.returncode == 0 and "150 acknowledged (150 already known)" in f2.stderr,
            "re-feed: %s" % f2.stderr)
    sentinel = os.path.join(tmp, "sentinel.jsonl")
    H.write_items(sentinel, 1, prefix="sentinel")
    f3 = N.run([H.binary("wiretag"), "feed", "--nats", url, "-c", cfg, "--no-progress", sentinel])
    H.check(f3.returncode == 0, "sentinel feed: " + f3.stderr)
    H.wait_for(lambda: N.stats(url, cfg)["results"]["messages"] >= 150, 60, "the sentinel's result")
    st = N.stats(url, cfg)
    H.check(st["results"]["messages"] == 150, "results after re-feed: %r" % st["results"])
    H.check(st["workers"]["pending"] == 0 and st["items"]["messages"] == 0, "queue: %r" % st)
    pairs = N.sub_all(url, cfg, 150)
    N.check_exactly_once(pairs, good + ["sentinel-0"], "after re-feed:")

    # garbage from another client: one core-NATS PUB, written by hand here
    import socket
    sk = socket.create_connection(("127.0.0.1", node.port), 10)
    sk.recv(4096)  # INFO
    sk.sendall(b'CONNECT {"verbose":false,"pedantic":false}\r\n'
               b"PUB wtsingle.items 12\r\nnot an item\xff\r\nPING\r\n")
    buf = b""
    while b"PONG" not in buf:
        buf += sk.recv(4096)
    sk.close()
    H.wait_for(lambda: N.stats(url, cfg)["dead_letters"] >= 2, 60, "the garbage's dead letter")
    dead = json.loads(N.run([H.binary("wiretag"), "stats", "--nats", url, "-c", cfg, "--dead",
                             "--json"]).stdout)["dead"]
    print("dead letters:", dead)
    H.check(len(dead) == 2 and dead[1]["id"] is None and dead[1]["code"] not in (None, "EPOISON")
            and "does not decode" in dead[1]["reason"] and dead[1]["bytes"] == 12,
            "garbage dead letter %r" % dead[1:])
    sentinel2 = os.path.join(tmp, "sentinel2.jsonl")
    H.write_items(sentinel2, 1, prefix="sentinel2")
    f4 = N.run([H.binary("wiretag"), "feed", "--nats", url, "-c", cfg, "--no-progress", sentinel2])
    H.check(f4.returncode == 0, "sentinel2 feed: " + f4.stderr)
    H.wait_for(lambda: N.stats(url, cfg)["results"]["messages"] >= 151, 60, "sentinel2's result")

    for p in list(sup.workers.values()) + list(workers_again.values()):
        p.terminate()
    for p in list(sup.workers.values()) + list(workers_again.values()):
        H.check(p.wait(30) == 0, "worker exit on SIGTERM: %s" % p.returncode)


H.run_e2e(test, seconds=280)
