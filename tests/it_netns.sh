#!/bin/bash
# it_netns.sh: the multi-host case without Docker. The broker and two
# workers run in three network namespaces (three "machines") joined by veth
# pairs with addresses of our own (10.77.0.0/30 and 10.77.0.4/30). Mid-stream
# the link of worker w2 is cut (ip link set down): the broker must notice the
# silence, re-dispatch w2's items to w1, and publish every item exactly once.
# When the link comes back, w2 must reconnect by itself.
# Needs root (or CAP_NET_ADMIN) for `ip netns add`; skips (77) otherwise.
set -u
BIN=${WT_BIN:-build/bin}
N=300
TAG=wt$$
NB=$TAG-b
NW1=$TAG-w1
NW2=$TAG-w2
TMP=$(mktemp -d /tmp/wt-netns-XXXXXX)
PIDS=()

skip() { echo "SKIP: $*"; rm -rf "$TMP"; exit 77; }
fail() {
    echo "FAIL: $*"
    for f in "$TMP"/*.log; do echo "--- $f"; tail -n 15 "$f"; done
    exit 1
}
cleanup() {
    [ -n "${WATCHDOG:-}" ] && pkill -P "$WATCHDOG" 2>/dev/null && kill "$WATCHDOG" 2>/dev/null
    for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
    for ns in "$NB" "$NW1" "$NW2"; do ip netns del "$ns" 2>/dev/null; done
    rm -rf "$TMP"
}

for b in wiretag wiretag-broker wiretag-worker; do
    [ -x "$BIN/$b" ] || skip "$BIN/$b not built"
done
command -v ip >/dev/null || skip "iproute2 (ip) not installed"
ip netns add "$NB" 2>/dev/null || skip "ip netns add not permitted here (needs root / CAP_NET_ADMIN)"
# `ip netns exec` also needs to make mounts (it fails in a chroot or a
# container without CAP_SYS_ADMIN): probe it before relying on it
if ! ip netns exec "$NB" true 2>/dev/null; then
    ip netns del "$NB" 2>/dev/null
    skip "ip netns exec not permitted here (no mount namespace: chroot or unprivileged container)"
fi
trap cleanup EXIT
trap 'fail "time bound of 240 s exceeded"' TERM
# time bound: the watchdog's output goes nowhere so that its sleep never
# holds our stdout open
( sleep 240 && kill -TERM $$ ) >/dev/null 2>&1 &
WATCHDOG=$!

ip netns add "$NW1" || fail "netns $NW1"
ip netns add "$NW2" || fail "netns $NW2"
# broker <-> w1: 10.77.0.1 - 10.77.0.2; broker <-> w2: 10.77.0.5 - 10.77.0.6
ip link add "${TAG}b1" netns "$NB" type veth peer name eth0 netns "$NW1" || fail "veth 1"
ip link add "${TAG}b2" netns "$NB" type veth peer name eth0 netns "$NW2" || fail "veth 2"
ip -n "$NB" addr add 10.77.0.1/30 dev "${TAG}b1"
ip -n "$NB" addr add 10.77.0.5/30 dev "${TAG}b2"
ip -n "$NW1" addr add 10.77.0.2/30 dev eth0
ip -n "$NW2" addr add 10.77.0.6/30 dev eth0
for ns in "$NB" "$NW1" "$NW2"; do ip -n "$ns" link set lo up; done
ip -n "$NB" link set "${TAG}b1" up
ip -n "$NB" link set "${TAG}b2" up
ip -n "$NW1" link set eth0 up
ip -n "$NW2" link set eth0 up

cat >"$TMP/broker.yaml" <<EOF
broker:
  # workers reach it on 10.77.0.1 and 10.77.0.5: all interfaces, CURVE off
  workers: tcp://*:5556
  insecure_public: true
  heartbeat: 200ms
  liveness: 3
  job_timeout: 10s
  max_attempts: 5
EOF
cat >"$TMP/worker.yaml" <<EOF
worker:
  heartbeat: 200ms
  reconnect_min: 100ms
  reconnect_max: 1s
EOF

ip netns exec "$NB" "$BIN/wiretag-broker" -c "$TMP/broker.yaml" --journal "$TMP/journal" \
    --ready-file "$TMP/ready.json" >"$TMP/broker.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 300); do [ -s "$TMP/ready.json" ] && break; sleep 0.1; done
[ -s "$TMP/ready.json" ] || fail "broker not ready"

export WT_TEST_SLOW_MS=20 # test hook: keep items in flight long enough to cut a link under them
ip netns exec "$NW1" "$BIN/wiretag-worker" -c "$TMP/worker.yaml" --broker tcp://10.77.0.1:5556 \
    --threads 1 --name w1 >"$TMP/w1.log" 2>&1 &
PIDS+=($!)
ip netns exec "$NW2" "$BIN/wiretag-worker" -c "$TMP/worker.yaml" --broker tcp://10.77.0.5:5556 \
    --threads 1 --name w2 >"$TMP/w2.log" 2>&1 &
W2=$! # `ip netns exec` execs the worker: this is its pid
PIDS+=($W2)

stats() { ip netns exec "$NB" "$BIN/wiretag" stats --broker tcp://127.0.0.1:5558 --json 2>/dev/null; }
# stat EXPR: evaluate a Python expression over the stats map s (w = workers by name)
stat() {
    stats | /usr/bin/python3 -c "
import json, sys
s = json.load(sys.stdin)
w = {x['name']: x for x in s['workers']}
print($1)" 2>/dev/null
}
wait_for() { # EXPR SECONDS WHAT
    for _ in $(seq $(($2 * 10))); do [ "$(stat "$1")" = True ] && return 0; sleep 0.1; done
    fail "timed out waiting for $3"
}

wait_for "s['workers_count'] == 2" 15 "both workers READY across the veth links"

/usr/bin/python3 - "$TMP/items.jsonl" "$N" <<'EOF'
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(int(sys.argv[2])):
        f.write(json.dumps({"id": "ns-%d" % i, "text": "Dispatch %d: the harbour authority of "
                            "Valparaiso reported %d ships waiting on Tuesday." % (i, i % 17)}) + "\n")
EOF
ip netns exec "$NB" "$BIN/wiretag" feed --broker tcp://127.0.0.1:5555 --no-progress \
    "$TMP/items.jsonl" >"$TMP/feed.log" 2>&1 &
FEED=$!
PIDS+=($FEED)

wait_for "w['w2']['done'] >= 10 and w['w2']['in_flight'] > 0" 60 "w2 to be busy"
# Freeze w2 so that what it holds it holds for good, and cut its link once
# the broker shows it holding items after two missed heartbeats (everything
# w2 sent before the freeze has been read), or has already given up on it
# and re-dispatched them. Then w2 goes on, behind a dead link.
kill -STOP "$W2"
wait_for "s['counters']['redispatched'] >= 1 or ('w2' in w and w['w2']['in_flight'] > 0 and w['w2']['last_seen_ms_ago'] >= 400)" 60 "the frozen w2 to hold items"
echo "w2 frozen holding items; now: $(stat "('%d in flight on w2' % w['w2']['in_flight']) if 'w2' in w else 'w2 expired by the broker'")"
ip -n "$NW2" link set eth0 down
kill -CONT "$W2"

wait "$FEED" || fail "feed exit $?"
wait_for "s['last_rseq'] >= $N" 90 "$N results"

ip netns exec "$NB" "$BIN/wiretag" sub --broker tcp://127.0.0.1:5557 --replay tcp://127.0.0.1:5558 \
    --from 1 --count $N --json >"$TMP/results.jsonl" 2>"$TMP/sub.log" &
SUB=$!
PIDS+=($SUB)
for _ in $(seq 150); do kill -0 $SUB 2>/dev/null || break; sleep 0.1; done
wait $SUB || fail "sub exit $?"

/usr/bin/python3 - "$TMP/results.jsonl" "$N" <<'EOF' || fail "results are not exactly once"
import json, sys
n = int(sys.argv[2])
res = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
seqs = [r["seq"] for r in res]
ids = [r["id"] for r in res]
assert seqs == list(range(1, n + 1)), "seqs not 1..%d: %d results" % (n, len(seqs))
assert len(set(ids)) == n, "an item was published twice"
assert set(ids) == {"ns-%d" % i for i in range(n)}, "items missing"
print("all %d items published exactly once" % n)
EOF

[ "$(stat "s['counters']['redispatched'] >= 1 and s['counters']['workers_expired'] >= 1")" = True ] ||
    fail "no re-dispatch after the cut: $(stat "s['counters']")"
echo "broker: $(stat "'redispatched %d, workers expired %d, w1 done %d' % (s['counters']['redispatched'], s['counters']['workers_expired'], w['w1']['done'])")"

# the link comes back: w2 reconnects on its own (back-off) and is READY again
ip -n "$NW2" link set eth0 up
wait_for "'w2' in w and w['w2']['state'] != 'dead'" 20 "w2 to reconnect after the link came back"
grep -q "reconnecting" "$TMP/w2.log" || fail "w2 did not log a reconnect"
echo "PASS"
