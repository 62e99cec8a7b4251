"""it_sub_filters.py: `wiretag sub` filters (issue 13, item 14) are
case-insensitive as documented (`--topic Defense`, `--country fra`,
`--actor "JOE BIDEN"`, `--issue "Cyber warfare and state hacking"`), an
unknown value is an error (exit 2) with a suggestion (`--country US` ->
USA), and a bad option value says which option and what it wants."""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as H
from harness import check  # noqa: E402

ITEMS = [
    {"id": "d1", "text": "US officials said the army will recruit more soldiers this year. The new "
     "cyber command warned of state-sponsored hackers and cyber weapons aimed at French and "
     "American networks. President Joe Biden said the defense budget would grow."},
    {"id": "k1", "text": "Farmers in Kenya protested against the price of wheat and fertiliser on "
     "Tuesday."},
]


def test(tmp, procs, new_broker):
    b = new_broker().start()
    path = os.path.join(tmp, "items.jsonl")
    with open(path, "w") as f:
        for it in ITEMS:
            f.write(json.dumps(it) + "\n")
    check(H.feed(procs, b, [path]).returncode == 0, "feed failed")
    H.start_worker(procs, b, "w1")
    H.wait_for(lambda: H.stats(b)["last_rseq"] >= 2, 90, "2 results")
    base = H.sub_args(b, "--from", "1", "--idle", "1.5")

    def sub(*args):
        p = subprocess.run(base + list(args), capture_output=True, text=True, timeout=60)
        return p.returncode, [json.loads(x)["id"] for x in p.stdout.splitlines()], p.stderr

    for args, want in ((["--topic", "Defense"], ["d1"]), (["--topic", "AGRICULTURE"], ["k1"]),
                       (["--topic", "law crime"], []), (["--country", "fra"], ["d1"]),
                       (["--country", "Kenya"], ["k1"]), (["--actor", "JOE BIDEN"], ["d1"]),
                       (["--actor", "joe_biden"], ["d1"]), (["--actor-name", "joe biden"], ["d1"]),
                       (["--issue", "Cyber warfare and state hacking"], ["d1"]),
                       (["--issue", "FARM_POLICY"], ["k1"]), ([], ["d1", "k1"])):
        rc, ids, err = sub(*args)
        check(rc == 0 and sorted(ids) == want, "%r: exit %d, %r (want %r) %s" % (args, rc, ids,
                                                                               want, err))
    for args, says in ((["--country", "US"], "did you mean USA?"),
                       (["--topic", "defence"], "did you mean defense?"),
                       (["--issue", "cyber_defence"], "did you mean cyber_defense?"),
                       (["--actor", "Joe Bidne"], "did you mean Joe Biden?"),
                       (["--count", "ten"], "--count wants a whole number"),
                       (["--idle", "-1"], "--idle wants a number of seconds"),
                       (["--from"], "--from wants a result sequence number")):
        rc, ids, err = sub(*args)
        check(rc == 2 and says in err, "%r: exit %d, stderr %r" % (args, rc, err))
        print("%-28s -> %s" % (" ".join(args), err.strip().splitlines()[0][:120]))


H.run_e2e(test, seconds=200)
