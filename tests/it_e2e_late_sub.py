"""it_e2e_late_sub.py: a subscriber that joins late gets every result.

200 items are fed and annotated by a real worker before any subscriber
exists; then `wiretag sub --from 1 --count 200` must print all 200 results
in sequence order (1..200, each once, every item id), through replay only;
and a filter (--actor) keeps the order and prints only matching results.
"""
import os
import subprocess

import harness as H


def test(tmp, procs, new_broker):
    b = new_broker().start()
    H.start_worker(procs, b, "w1", threads=2, config=H.worker_config(tmp))
    items = os.path.join(tmp, "items.jsonl")
    ids = H.write_items(items, 200)
    f = H.feed(procs, b, [items])
    H.check(f.returncode == 0, "feed exit %s" % f.returncode)
    H.wait_for(lambda: H.stats(b)["last_rseq"] >= 200, 40, "200 results")

    out = os.path.join(tmp, "sub.jsonl")
    with open(out, "w") as o:
        s = H.start_sub(procs, b, "--from", "1", "--count", "200", "--json", "-v", stdout=o)
        try:
            s.wait(90)
        except subprocess.TimeoutExpired:
            H.fail("sub did not print 200 results in 90 s:\n" + procs.log("sub"))
    H.check(s.returncode == 0, "sub exit %s" % s.returncode)
    res = H.read_jsonl(out)
    H.check(len(res) == 200, "sub printed %d results" % len(res))
    H.check([r["seq"] for r in res] == list(range(1, 201)), "seqs not 1..200 in order")
    H.check_exactly_once({r["seq"]: r for r in res}, ids, "sub:")
    H.check(all("actors" in r and "annotator" in r for r in res), "results lack fields")

    # the same from the middle, with a filter on a result that is there
    names = {}
    for r in res[100:]:
        for a in r["actors"]:
            names.setdefault(a["id"], []).append(r["seq"])
    H.check(names, "no actor in results 101..200: the filter cannot be tested")
    if names:
        aid, seqs = max(names.items(), key=lambda kv: len(kv[1]))
        out2 = os.path.join(tmp, "sub2.jsonl")
        with open(out2, "w") as o:
            s = H.start_sub(procs, b, "--from", "101", "--actor", aid, "--idle", "1.5", name="sub2",
                            stdout=o)
            s.wait(90)
        got = [r["seq"] for r in H.read_jsonl(out2)]
        H.check(got == seqs, "--from 101 --actor %s printed %r, expected %r" % (aid, got[:10], seqs[:10]))
        print("filter --actor %s: %d results" % (aid, len(got)))


H.run_e2e(test)
