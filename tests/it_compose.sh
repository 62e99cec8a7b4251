#!/bin/bash
# it_compose.sh: the Docker deployment, run for real (docker-compose.yml +
# Dockerfile), on a machine with no container registry.
#
# 1. installs docker.io, docker-compose and debootstrap when missing
#    (apt-get; services are not started by the packages), starts dockerd
#    when none answers (and stops it at the end), makes the base image
#    debian:bookworm-slim with `debootstrap --variant=minbase bookworm` +
#    `docker import` when it is absent (mirror from the apt sources);
# 2. builds the image once, `up` with 3 workers (ports on 127.0.0.1, any
#    free host port), checks: uid 10001, no dotfiles in the journal volume,
#    no anonymous volumes, loopback-only ports, the feeder refuses an empty
#    input folder;
# 3. feeds N/4 items through the feeder service (./input), starts a second
#    feeder streaming the other 3N/4 from stdin at 100 items/s, SIGKILLs
#    the broker's process when N/3 results are out, mid-feed: the
#    restart policy brings it back, the feed finishes (exit 0), and the
#    subscriber service prints every result exactly once, in order;
# 3b. scales the workers 3 -> 6 -> 3 (`up -d --scale worker=N`) while a
#    third feeder streams new items at 100/s: the broker lists 6 workers,
#    each new one annotates items; the 3 new ones (given WT_TEST_SLOW_MS
#    through an override file, so that each holds an item for a second)
#    are stopped with items in hand, finish them and say BYE; the broker
#    then lists 3; the feed ends (exit 0) and the subscriber has printed
#    every result so far once, in order;
# 4. `down` and `up` again: the journal is still there and the subscriber
#    resumes from its saved position (prints nothing again);
# 5. CURVE the documented way: keys made with the image into a config
#    directory passed as WIRETAG_ETC, curve=on, a keyless client refused;
# 6. `down -v` (this test's own project only);
# 7. docker-compose.nats.yml as docs/NATS.md runs it, in its own project
#    (same daemon, base image and wiretag image): `up --build` (3 nodes,
#    nats-init, 2 workers, subscriber), R3 streams, nats1's port on
#    127.0.0.1 only; the feeder sends M/4 items from its input folder, a
#    second one streams 3M/4 from stdin at 100/s while the node leading the
#    items stream is SIGKILLed (the restart policy brings it back); the feed
#    exits 0, the subscriber prints every result once, in order; restarted,
#    it resumes after the last one (its --state volume) and prints nothing
#    again; nothing is left queued or dead; `down -v` of that project only.
# Skips (77, saying why) when not root, in the sanitizer build (the image
# does not depend on it: once per CI), or where Docker cannot run (a chroot
# without cgroups, no network for apt). WT_COMPOSE_ITEMS sets N (1200);
# WT_COMPOSE=0 skips it. WT_COMPOSE_NATS_ITEMS sets M (600);
# WT_COMPOSE_NATS=0 leaves part 7 out, =only runs parts 1 and 7 alone.
# Time: about 3 min with the images cached (3b: about 15 s, 7: about 45 s);
# from nothing (debootstrap, apt in the build stages) 5-12 min.
set -u
SRC=$(cd "${WT_SOURCE:-.}" && pwd -P)
BIN=${WT_BIN:-$SRC/build/bin}
BUILD=${WT_BUILD:-$SRC/build}
N=${WT_COMPOSE_ITEMS:-1200}
skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; dump; exit 1; }
say() { echo "[$(date -u +%H:%M:%S)] $*"; }

[ "${WT_COMPOSE:-1}" = 0 ] && skip "WT_COMPOSE=0"
[ "$(id -u)" = 0 ] || skip "needs root (apt-get, dockerd)"
# no cgroups, no containers: say so before installing anything
[ -e /sys/fs/cgroup/cgroup.controllers ] || [ -d /sys/fs/cgroup/memory ] ||
    skip "no cgroup file system at /sys/fs/cgroup (a chroot?): Docker cannot run here"
grep -qs '^WT_SANITIZE:BOOL=ON' "$BUILD/CMakeCache.txt" &&
    skip "runs in the Release pass only (the image does not depend on this build)"
[ -x "$BIN/wiretag" ] || skip "$BIN/wiretag not built"

TMP=$(mktemp -d /tmp/wt-it-compose.XXXXXX)
PROJ="wtit$$"
export COMPOSE_PROJECT_NAME=$PROJ WIRETAG_IMAGE=wiretag-it:latest WIRETAG_INPUT=$TMP/input
export WIRETAG_PRODUCERS_PORT= WIRETAG_WORKERS_PORT= WIRETAG_SUBSCRIBERS_PORT= WIRETAG_REPLAY_PORT=
export COMPOSE_HTTP_TIMEOUT=300
DOCKERD_PID=""
UP=0
UPN=0
NPROJ="${PROJ}nats"
dc() { (cd "$SRC" && docker-compose "$@"); }
# the NATS deployment: its own project, its own input folder, any free port
dn() {
    (cd "$SRC" && COMPOSE_PROJECT_NAME=$NPROJ WIRETAG_INPUT=$TMP/ninput WIRETAG_NATS_PORT= \
        docker-compose -f docker-compose.nats.yml --profile nats "$@")
}
dump() {
    if [ "$UP" = 1 ]; then
        echo "--- docker-compose ps"; dc ps 2>&1 | tail -n 20
        for s in broker worker subscriber; do
            echo "--- logs $s (last 15 lines)"; dc logs --no-color --tail=15 "$s" 2>&1 | cut -c1-300
        done
    fi
    if [ "$UPN" = 1 ]; then
        echo "--- docker-compose -f docker-compose.nats.yml ps"; dn ps 2>&1 | tail -n 20
        for s in nats1 nats2 nats3 nats-init nats-worker nats-subscriber; do
            echo "--- logs $s (last 10 lines)"; dn logs --no-color --tail=10 "$s" 2>&1 | cut -c1-300
        done
    fi
}
jget() { /usr/bin/python3 -c 'import json,sys
try: d = json.load(sys.stdin)
except Exception: print(-1); sys.exit()
print(eval(sys.argv[1], {"d": d}))' "$1"; }
# paced_writer FIFO FILE SKIP: the lines of FILE after the first SKIP into
# FIFO at 100 per second (20 every 0.2 s), as a live feed would send them
paced_writer() {
    /usr/bin/python3 -c '
import sys, time
out = open(sys.argv[1], "w")
for i, line in enumerate(open(sys.argv[2]).readlines()[int(sys.argv[3]):]):
    out.write(line)
    if i % 20 == 19:
        out.flush()
        time.sleep(0.2)
out.close()' "$@"
}
wait_for() { # seconds, what, command...
    local t=$1 what=$2; shift 2
    local end=$((SECONDS + t))
    while [ $SECONDS -lt $end ]; do "$@" && return 0; sleep 0.5; done
    fail "timed out after ${t}s waiting for $what"
}
cleanup() {
    if [ "$UP" = 1 ]; then dc down -v --remove-orphans >/dev/null 2>&1; fi
    if [ "$UPN" = 1 ]; then dn down -v --remove-orphans >/dev/null 2>&1; fi
    if [ -n "$DOCKERD_PID" ]; then
        say "stopping the dockerd this test started (pid $DOCKERD_PID)"
        kill "$DOCKERD_PID" 2>/dev/null
        for _ in $(seq 300); do kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT

# one run at a time on this machine (the daemon, its images and ports are shared)
exec 9>/tmp/wiretag-it-compose.lock
flock -w 1800 9 || skip "another it_compose run holds /tmp/wiretag-it-compose.lock"

# ---- 1. Docker itself
need=""
command -v dockerd >/dev/null || need="$need docker.io"
command -v docker-compose >/dev/null || need="$need docker-compose"
command -v debootstrap >/dev/null || need="$need debootstrap"
if [ -n "$need" ]; then
    say "installing:$need"
    # packages must not start services here (a chroot, a CI root)
    prc=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && prc=1
    fi
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        -o DPkg::Lock::Timeout=300 $need >"$TMP/apt.log" 2>&1
    rc=$?
    [ -n "$prc" ] && rm -f /usr/sbin/policy-rc.d
    [ $rc -eq 0 ] || skip "cannot install$need: $(tail -n 2 "$TMP/apt.log")"
fi
if ! docker info >/dev/null 2>&1; then
    say "starting dockerd (log: $TMP/dockerd.log)"
    # fd 9 (the run lock) is closed for dockerd: a dockerd that outlives an
    # interrupted run must not hold the lock and stall every later run
    dockerd >"$TMP/dockerd.log" 2>&1 9>&- &
    DOCKERD_PID=$!
    for _ in $(seq 600); do
        docker info >/dev/null 2>&1 && break
        kill -0 "$DOCKERD_PID" 2>/dev/null || break
        sleep 0.1
    done
    if ! docker info >/dev/null 2>&1; then
        why=$(grep -E 'level=(fatal|error)' "$TMP/dockerd.log" | tail -n 2)
        DOCKERD_PID_DEAD=$DOCKERD_PID
        kill "$DOCKERD_PID" 2>/dev/null; wait "$DOCKERD_PID_DEAD" 2>/dev/null; DOCKERD_PID=""
        skip "dockerd cannot run here (no cgroups? a chroot?): ${why:-$(tail -n 2 "$TMP/dockerd.log")}"
    fi
fi
say "docker $(docker version --format '{{.Server.Version}}' 2>/dev/null), $(docker-compose version --short 2>/dev/null | head -n1)"

if ! docker image inspect debian:bookworm-slim >/dev/null 2>&1; then
    mirror=$(sed -n 's/^URIs: *\([^ ]*\).*/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n1)
    [ -n "$mirror" ] || mirror=$(awk '$1=="deb" && $0 !~ /security/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null)
    mirror=${mirror:-http://deb.debian.org/debian}
    say "no debian:bookworm-slim: debootstrap --variant=minbase bookworm from $mirror (a few minutes)"
    root="$TMP/rootfs"
    debootstrap --variant=minbase bookworm "$root" "$mirror" >"$TMP/debootstrap.log" 2>&1 ||
        skip "debootstrap failed (network?): $(tail -n 2 "$TMP/debootstrap.log")"
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
    tar -C "$root" --numeric-owner -c . | docker import -c 'CMD ["/bin/bash"]' - debian:bookworm-slim >/dev/null ||
        fail "docker import of the debootstrap root failed"
    rm -rf "$root"
fi
docker run --rm debian:bookworm-slim true >"$TMP/runcheck.log" 2>&1 ||
    skip "containers cannot start here (a chroot? no overlay?): $(tail -n 1 "$TMP/runcheck.log")"
docker run --rm --network bridge debian:bookworm-slim apt-get update >"$TMP/netcheck.log" 2>&1 ||
    skip "containers cannot reach the Debian mirror (apt-get update in a container failed: $(tail -n 1 "$TMP/netcheck.log"))"

# ---- 7. the NATS JetStream deployment (docker-compose.nats.yml), as
# docs/NATS.md runs it, in its own project
nats_part() {
    local urls=nats://nats1:4222,nats://nats2:4222,nats://nats3:4222 M=$NATS_ITEMS
    dn config -q || fail "docker-compose config refuses docker-compose.nats.yml"
    if docker compose version >/dev/null 2>&1; then
        (cd "$SRC" && docker compose -f docker-compose.nats.yml --profile nats config -q) ||
            fail "Compose v2 refuses docker-compose.nats.yml"
    fi
    say "NATS: up --build (3 nodes, nats-init, 2 workers, subscriber)"
    UPN=1
    local t0=$SECONDS
    dn up --build -d >"$TMP/nats-up.log" 2>&1 || { tail -n 30 "$TMP/nats-up.log"; fail "NATS: up --build"; }
    # `up` returns once nats-init has exited 0 (the workers depend on it)
    dn logs --no-color nats-init >"$TMP/nats-init.log" 2>&1
    grep -q 'consumer workers on WIRETAG_ITEMS: \(created\|exists\)' "$TMP/nats-init.log" ||
        fail "NATS: nats-init did not make the consumer: $(tail -n 5 "$TMP/nats-init.log")"
    [ "$(dn ps -q nats-worker | grep -c .)" = 2 ] || fail "NATS: not 2 nats-worker containers"
    local hp
    hp=$(dn port nats1 4222 | tail -n 1)
    case "$hp" in 127.0.0.1:*) ;; *) fail "NATS: nats1's client port published on '$hp', not 127.0.0.1" ;; esac
    local scid
    scid=$(dn ps -q nats-subscriber | head -n 1)
    nstats() { docker exec "$scid" wiretag stats --nats "$urls" --json 2>/dev/null; }
    r3() { [ "$(nstats | jget 'min(len(d[k]["peers"]) + 1 for k in ("items", "results"))')" = 3 ]; }
    wait_for 60 "NATS: R3 streams" r3
    say "NATS: cluster up, nats-init done, 2 workers, R3 streams ($((SECONDS - t0))s)"

    /usr/bin/python3 - "$TMP/nitems.jsonl" "$M" <<'PY'
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(int(sys.argv[2])):
        f.write(json.dumps({"id": "nt-%05d" % i, "published": "2024-05-01",
                            "text": "Item %d. Officials in Nairobi said on Monday that the United "
                                    "Nations would send observers." % i}) + "\n")
PY
    mkdir -p "$TMP/ninput"
    local q=$((M / 4))
    head -n "$q" "$TMP/nitems.jsonl" >"$TMP/ninput/first-quarter.jsonl"
    dn run --rm -T nats-feeder >"$TMP/nfeed1.log" 2>&1 || { cat "$TMP/nfeed1.log"; fail "NATS: the feeder exited $?"; }
    grep -q "$q acknowledged (0 already known)" "$TMP/nfeed1.log" || fail "NATS feeder: $(cat "$TMP/nfeed1.log")"
    say "NATS: the documented feeder sent $q items from ./input; the other $((M - q)) stream from stdin at 100/s"
    rm -f "$TMP/nfeed.fifo"
    mkfifo "$TMP/nfeed.fifo"
    dn run --rm -T nats-feeder "exec wiretag feed --no-progress --nats $urls -" \
        <"$TMP/nfeed.fifo" >"$TMP/nfeed.log" 2>&1 &
    local feed=$!
    paced_writer "$TMP/nfeed.fifo" "$TMP/nitems.jsonl" "$q" &
    local writer=$!
    nresults_at_least() { [ "$(nstats | jget 'd["results"]["last_seq"]')" -ge "$1" ]; }
    wait_for 120 "NATS: $((q + q / 2)) results" nresults_at_least "$((q + q / 2))"
    # SIGKILL the server leading the items stream (its process: a `docker
    # kill` would count as stopped by hand, and the restart policy holds off)
    local leader ncid restarts npid
    leader=$(nstats | jget 'd["items"]["leader"]')
    case "$leader" in nats[123]) ;; *) fail "NATS: no leader for WIRETAG_ITEMS: '$leader'" ;; esac
    ncid=$(dn ps -q "$leader" | head -n 1)
    restarts=$(docker inspect -f '{{.RestartCount}}' "$ncid")
    npid=$(docker inspect -f '{{.State.Pid}}' "$ncid")
    kill -KILL "$npid" || fail "NATS: cannot kill $leader's process $npid"
    say "NATS: $leader (leader of WIRETAG_ITEMS) SIGKILLed mid-feed"
    wait "$writer" || fail "NATS: the stdin writer failed"
    nrestarted() { [ "$(docker inspect -f '{{.RestartCount}} {{.State.Running}}' "$ncid")" = "$((restarts + 1)) true" ]; }
    wait_for 60 "NATS: the restart policy to bring $leader back" nrestarted
    wait "$feed"; local rc=$?
    [ $rc -eq 0 ] || { cat "$TMP/nfeed.log"; fail "NATS: the stdin feeder exited $rc across the node's death"; }
    wait_for 120 "NATS: all $M results in the stream" nresults_at_least "$M"
    nsub_all() { [ "$(docker logs "$scid" 2>/dev/null | grep -c '^{')" -ge "$M" ]; }
    wait_for 60 "NATS: the subscriber to print $M results" nsub_all
    sleep 1 # a result printed twice would show now
    docker logs "$scid" 2>/dev/null >"$TMP/nsub.jsonl"
    /usr/bin/python3 - "$TMP/nsub.jsonl" "$M" <<'PY' || fail "NATS: subscriber output is not every result once"
import json, sys
n = int(sys.argv[2])
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
ids = [r["id"] for r in rows]
want = {"nt-%05d" % i for i in range(n)}
assert len(rows) == n, "%d results printed for %d items" % (len(rows), n)
assert set(ids) == want, "missing %s" % sorted(want - set(ids))[:5]
assert [r["seq"] for r in rows] == list(range(1, n + 1)), "not in sequence order"
assert sum(1 for r in rows if r["actors"]) == n, "results without actors"
print("NATS subscriber: %d results, each item once, seq 1..%d in order" % (n, n))
PY
    say "NATS: every result once through the loss of $leader (stdin feeder: $(grep -o '[0-9]* acknowledged.*resent' "$TMP/nfeed.log"))"
    # restarted, the subscriber resumes from its volume and prints nothing again
    dn restart nats-subscriber >"$TMP/nsub-restart.log" 2>&1 || fail "NATS: restart nats-subscriber"
    nresumed() { docker logs "$scid" 2>&1 | grep -q "resuming after result $M "; }
    wait_for 60 "NATS: the subscriber to resume after result $M" nresumed
    sleep 3 # a subscriber that replays everything prints within a second
    [ "$(docker logs "$scid" 2>/dev/null | grep -c '^{')" = "$M" ] ||
        fail "NATS: restarted, the subscriber printed $(($(docker logs "$scid" 2>/dev/null | grep -c '^{') - M)) results again"
    say "NATS: the subscriber, restarted, resumed after result $M and printed nothing again"
    # an item whose ack was lost with the node comes back after ack_wait (30 s):
    # its result is a duplicate the stream drops; then it is acked
    nsettled() { [ "$(nstats | jget '"%d %d" % (d["items"]["messages"], d["dead_letters"])')" = "0 0" ]; }
    wait_for 90 "NATS: no item left queued, no dead letter" nsettled
    dn down -v --remove-orphans >"$TMP/nats-down.log" 2>&1 || fail "NATS: down -v"
    UPN=0
    local left
    left=$(docker volume ls -q --filter "label=com.docker.compose.project=$NPROJ")
    [ -z "$left" ] || fail "NATS: volumes left after down -v: $left"
    say "NATS part: $((SECONDS - t0))s"
}
NATS_ITEMS=${WT_COMPOSE_NATS_ITEMS:-600}
if [ "${WT_COMPOSE_NATS:-1}" = only ]; then
    nats_part
    echo "OK: (WT_COMPOSE_NATS=only) the NATS deployment: $NATS_ITEMS items once through the loss of a node"
    exit 0
fi

# ---- 2. build once, up with 3 workers
dc config -q || fail "docker-compose config refuses docker-compose.yml"
if docker compose version >/dev/null 2>&1; then
    (cd "$SRC" && docker compose config -q) || fail "Compose v2 refuses docker-compose.yml"
    say "Compose v2 also accepts docker-compose.yml"
fi
say "building the image (service broker only)"
dc build >"$TMP/build.log" 2>&1 || { tail -n 30 "$TMP/build.log"; fail "docker-compose build"; }
n_builds=$(grep -c '^Successfully built' "$TMP/build.log")
[ "$n_builds" -le 1 ] || fail "the image was built $n_builds times (one build: service broker)"
say "image built; up with 3 workers"
mkdir -p "$TMP/input"
UP=1
dc up -d --scale worker=3 >"$TMP/up.log" 2>&1 || { cat "$TMP/up.log"; fail "docker-compose up"; }

cid() { dc ps -q "$1" | head -n 1; }
port() { dc port broker "$1" | tail -n 1; }
for p in 5555 5556 5557 5558; do
    hp=$(port $p)
    case "$hp" in 127.0.0.1:*) ;; *) fail "port $p published on '$hp', not 127.0.0.1" ;; esac
done
# the control port, looked up again when it stops answering (a restarted
# container gets a new host port)
stats() {
    local ep
    ep=$(cat "$TMP/ctl" 2>/dev/null)
    if [ -n "$ep" ] && "$BIN/wiretag" stats --broker "$ep" --json --timeout 1000 2>/dev/null; then return 0; fi
    ep="tcp://$(port 5558)"
    echo "$ep" >"$TMP/ctl"
    "$BIN/wiretag" stats --broker "$ep" --json --timeout 2000 2>/dev/null
}
workers_ready() { [ "$(stats | jget 'sum(1 for w in d.get("workers", []) if w.get("state") in ("ready", "busy"))')" -ge 3 ]; }
wait_for 180 "3 workers ready at the broker" workers_ready
say "broker healthy, 3 workers ready"

[ "$(docker exec "$(cid broker)" id -u)" = 10001 ] || fail "the broker does not run as uid 10001"
dots=$(docker exec "$(cid broker)" find /var/lib/wiretag -name '.*')
[ -z "$dots" ] || fail "dotfiles in the journal volume: $dots"
for c in $(dc ps -q); do
    anon=$(docker inspect -f '{{range .Mounts}}{{if eq .Type "volume"}}{{.Name}} {{end}}{{end}}' "$c" |
        tr ' ' '\n' | grep -E '^[0-9a-f]{64}$')
    [ -z "$anon" ] || fail "container $c has an anonymous volume ($anon): VOLUME in the image?"
done
out=$(dc run --rm -T feeder 2>&1); rc=$?
[ $rc -ne 0 ] && echo "$out" | grep -q "no news files" ||
    fail "the feeder with an empty input folder exited $rc: $out"
say "uid 10001, no dotfiles, no anonymous volumes, loopback ports, empty input refused"

# ---- 3. feed N items, kill the broker mid-stream
/usr/bin/python3 - "$TMP/items.jsonl" "$N" <<'PY'
import json, sys
cities = ["Paris", "Berlin", "Nairobi", "Lima", "Tokyo", "Ottawa"]
with open(sys.argv[1], "w") as f:
    for i in range(int(sys.argv[2])):
        c = cities[i % len(cities)]
        f.write(json.dumps({"id": "dc-%05d" % i, "published": "2024-05-01",
                            "text": "Item %d. Officials in %s said on Monday that talks with the "
                                    "United Nations would continue. \"We will not stop,\" the "
                                    "minister said." % (i, c)}) + "\n")
PY
q=$((N / 4))
half=$q # fed from the folder; the rest streamed across the kill
head -n "$half" "$TMP/items.jsonl" >"$TMP/input/first-quarter.jsonl"
say "feeding $half items from the input folder (the documented feeder)"
dc run --rm -T feeder >"$TMP/feed1.log" 2>&1 || { cat "$TMP/feed1.log"; fail "the feeder exited $?"; }
grep -q "$half acknowledged" "$TMP/feed1.log" || fail "feeder: $(cat "$TMP/feed1.log")"
# a second producer streams the rest from stdin, connected before the crash
mkfifo "$TMP/feed.fifo"
dc run --rm -T feeder "exec wiretag feed -c /etc/wiretag/client.yaml --broker tcp://broker:5555 --no-progress -" \
    <"$TMP/feed.fifo" >"$TMP/feed.log" 2>&1 &
FEED=$!
# the other 3N/4 items at 100 per second: the kill lands mid-feed and mid-work
paced_writer "$TMP/feed.fifo" "$TMP/items.jsonl" "$q" &
WRITER=$!
results_at_least() { [ "$(stats | jget 'd["last_rseq"]')" -ge "$1" ]; }
wait_for 300 "$((q + q / 3)) results" results_at_least "$((q + q / 3))"
at_kill=$(stats | jget '"%d results out, %d items unfinished" % (d["last_rseq"], d["unfinished"])')
bcid=$(cid broker)
restarts=$(docker inspect -f '{{.RestartCount}}' "$bcid")
bpid=$(docker inspect -f '{{.State.Pid}}' "$bcid")
kill -KILL "$bpid" || fail "cannot kill the broker process $bpid"
say "broker (pid $bpid) SIGKILLed ($at_kill); the feed goes on meanwhile"
wait "$WRITER" || fail "the stdin writer failed"
restarted() { [ "$(docker inspect -f '{{.RestartCount}} {{.State.Running}}' "$bcid")" = "$((restarts + 1)) true" ]; }
wait_for 120 "the restart policy to bring the broker back" restarted
wait "$FEED"; rc=$?
[ $rc -eq 0 ] || { cat "$TMP/feed.log"; fail "the stdin feeder exited $rc across the broker restart"; }
wait_for 300 "all $N results at the broker" results_at_least "$N"
scid=$(cid subscriber)
sub_lines() { docker logs "$scid" 2>/dev/null | grep -c '^{'; }
sub_all() { [ "$(sub_lines)" -ge "$N" ]; }
wait_for 120 "the subscriber service to print $N results" sub_all
# the subscriber printed items dc-00000 .. dc-(n-1), each once, seq 1..n in order
sub_exactly_once() {
    docker logs "$scid" 2>/dev/null >"$TMP/sub.jsonl"
    /usr/bin/python3 - "$TMP/sub.jsonl" "$1" <<'PY' || fail "subscriber output is not every result once"
import json, sys
n = int(sys.argv[2])
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
ids = [r["id"] for r in rows]
seqs = [r["seq"] for r in rows]
want = {"dc-%05d" % i for i in range(n)}
assert len(rows) == n, "%d results printed for %d items" % (len(rows), n)
assert set(ids) == want, "missing %s" % sorted(want - set(ids))[:5]
assert seqs == list(range(1, n + 1)), "not in sequence order"
assert sum(1 for r in rows if r["actors"]) == n, "results without actors"
print("subscriber: %d results, each item once, seq 1..%d in order" % (n, n))
PY
}
sub_exactly_once "$N"
say "every result once through a broker crash (stdin feeder: $(grep -o '[0-9]* acknowledged.*resent' "$TMP/feed.log"))"

# ---- 3b. scale 3 -> 6 -> 3 while items flow
# A third feeder streams new items (dc-N, dc-N+1, ...) at 100/s until told
# to stop. The 3 new workers get WT_TEST_SLOW_MS (an override file;
# --no-recreate leaves the running containers as they are, which plain
# `up -d --scale` also does when nothing changed) so that each holds an
# item for a second: they are scaled away with work in hand.
rm -f "$TMP/feed.fifo" "$TMP/stream.stop"
mkfifo "$TMP/feed.fifo"
dc run --rm -T feeder "exec wiretag feed -c /etc/wiretag/client.yaml --broker tcp://broker:5555 --no-progress -" \
    <"$TMP/feed.fifo" >"$TMP/feed-scale.log" 2>&1 &
FEED=$!
/usr/bin/python3 -c '
import json, os, sys, time
out, stop, first = open(sys.argv[1], "w"), sys.argv[2], int(sys.argv[3])
n = 0
while not os.path.exists(stop) and n < 20000:
    for _ in range(10):
        out.write(json.dumps({"id": "dc-%05d" % (first + n), "published": "2024-05-01",
                              "text": "Item %d. Officials in Lima said on Tuesday that the United "
                                      "Nations would send observers." % (first + n)}) + "\n")
        n += 1
    out.flush()
    time.sleep(0.1)
out.close()
open(stop + ".count", "w").write("%d\n" % n)' "$TMP/feed.fifo" "$TMP/stream.stop" "$N" &
WRITER=$!
old_workers=$(dc ps -q worker | sort)
printf 'services:\n  worker:\n    environment:\n      WT_TEST_SLOW_MS: "1000"\n' >"$TMP/slow-workers.yml"
t0=$SECONDS
(cd "$SRC" && docker-compose -f docker-compose.yml -f "$TMP/slow-workers.yml" up -d --no-recreate --scale worker=6) \
    >"$TMP/up-scale6.log" 2>&1 || { cat "$TMP/up-scale6.log"; fail "up --scale worker=6"; }
new_workers=$(dc ps -q worker | sort | comm -13 <(echo "$old_workers") -)
[ "$(echo "$new_workers" | grep -c .)" = 3 ] || fail "scale to 6: new worker containers: '$new_workers'"
# the broker names a worker host:pid, and a container's host name is its short id
new_hosts=$(for c in $new_workers; do docker inspect -f '{{.Config.Hostname}}' "$c"; done | tr '\n' ' ')
pyhosts="[$(printf '"%s",' $new_hosts)]"
n_ready() { stats | jget 'sum(1 for w in d.get("workers", []) if w.get("state") in ("ready", "busy"))'; }
six_ready() { [ "$(n_ready)" -ge 6 ]; }
wait_for 120 "6 workers ready at the broker" six_ready
new_busy() { [ "$(stats | jget "min([w['done'] for w in d.get('workers', []) if w['name'].split(':')[0] in $pyhosts] or [0])")" -ge 1 ]; }
wait_for 60 "each new worker to finish an item" new_busy
say "scaled to 6 in $((SECONDS - t0))s: the broker lists 6 workers, each new one has annotated items"
holding() { [ "$(stats | jget "sum(w['in_flight'] for w in d.get('workers', []) if w['name'].split(':')[0] in $pyhosts)")" -ge 2 ]; }
wait_for 30 "the new workers to hold items" holding
# their logs, read to the end while compose stops and removes them
logpids=""
for c in $new_workers; do docker logs -f "$c" >"$TMP/worker-$c.log" 2>&1 & logpids="$logpids $!"; done
t0=$SECONDS
(cd "$SRC" && docker-compose -f docker-compose.yml -f "$TMP/slow-workers.yml" up -d --no-recreate --scale worker=3) \
    >"$TMP/up-scale3.log" 2>&1 || { cat "$TMP/up-scale3.log"; fail "up --scale worker=3"; }
[ "$(dc ps -q worker | sort)" = "$old_workers" ] || fail "scaling down to 3 did not keep the first 3 workers"
three_left() { [ "$(stats | jget 'len(d.get("workers", []))')" = 3 ]; }
wait_for 60 "the broker to list 3 workers" three_left
blog=$(docker logs "$(cid broker)" 2>&1)
for h in $new_hosts; do
    echo "$blog" | grep -q "cmd=BYE OK worker \"$h:[0-9]*\" left" || fail "no BYE from the scaled-away worker $h"
done
for p in $logpids; do wait "$p"; done # each ends with its container
# SIGTERM reached them with items in hand: they finished those, then left
stopping=$(cat "$TMP"/worker-*.log | grep -o 'stopping: finishing [0-9]* running item(s), handing back [0-9]* queued')
echo "$stopping" | grep -q 'finishing [1-9]' ||
    fail "no scaled-away worker was annotating when stopped: ${stopping:-no 'stopping' line in $(ls "$TMP"/worker-*.log)}"
say "scaled back to 3 in $((SECONDS - t0))s: the 3 removed workers said BYE ($(echo "$stopping" |
    sed 's/stopping: finishing \([0-9]*\) running item(s), handing back \([0-9]*\) queued/\1 finished + \2 handed back/' |
    tr '\n' ',' | sed 's/,/, /g; s/, $//'))"
sleep 1 # items keep flowing to the remaining 3
touch "$TMP/stream.stop"
wait "$WRITER" || fail "the stdin writer failed"
wait "$FEED"; rc=$?
[ $rc -eq 0 ] || { cat "$TMP/feed-scale.log"; fail "the stdin feeder exited $rc across the scaling"; }
TOTAL=$((N + $(cat "$TMP/stream.stop.count")))
wait_for 120 "all $TOTAL results at the broker" results_at_least "$TOTAL"
total_printed() { [ "$(sub_lines)" -ge "$TOTAL" ]; }
wait_for 60 "the subscriber service to print $TOTAL results" total_printed
sub_exactly_once "$TOTAL"
say "scaling 3 -> 6 -> 3 mid-stream: every one of $TOTAL results once, in order"

# ---- 4. down and up: journal kept, subscriber resumes
dc down >"$TMP/down.log" 2>&1 || fail "docker-compose down"
dc up -d --scale worker=3 >"$TMP/up2.log" 2>&1 || { cat "$TMP/up2.log"; fail "second up"; }
wait_for 180 "the broker after down/up" results_at_least "$TOTAL"
scid=$(cid subscriber)
resumed() { docker logs "$scid" 2>&1 | grep -q "resuming after result $TOTAL "; }
wait_for 120 "the subscriber to resume after result $TOTAL" resumed
subscribed() { [ "$(stats | jget 'd.get("subscriptions", 0)')" -ge 1 ]; }
wait_for 60 "the subscriber to subscribe" subscribed
sleep 3 # a subscriber that replays everything prints within a second
[ "$(sub_lines)" = 0 ] || fail "after down/up the subscriber printed $(sub_lines) results again"
say "down/up: journal kept ($TOTAL results), subscriber resumed after $TOTAL and printed nothing again"

# ---- 5. CURVE as docs/CLIENTS.md says: keys made with the image, the
# configuration from another directory (WIRETAG_ETC), fresh volumes
dc down -v >"$TMP/down2.log" 2>&1 || fail "docker-compose down -v"
ETC="$TMP/etc"
cp -r "$SRC/docker" "$ETC"
mkdir -p "$ETC/keys/clients" && chown -R 10001:10001 "$ETC/keys"
export WIRETAG_ETC=$ETC
for k in broker client; do
    dc run --rm --no-deps -T -v "$ETC/keys:/keys" broker wiretag keygen "/keys/$k" >"$TMP/keygen.log" 2>&1 ||
        fail "keygen $k in the image: $(cat "$TMP/keygen.log")"
done
cp "$ETC/keys/client.pub" "$ETC/keys/clients/"
sed -i 's|^  enabled: false|  enabled: true|
        s|^  secret_key: null *# \(/etc/wiretag/keys/[a-z]*\.key\)|  secret_key: \1|
        s|^  allowed_keys: null *# \(/etc/wiretag/keys/clients\)|  allowed_keys: \1|
        s|^  server_key: null *# \(/etc/wiretag/keys/broker\.pub\)|  server_key: \1|' "$ETC/broker.yaml" "$ETC/client.yaml"
grep -q '^  allowed_keys: /etc/wiretag/keys/clients' "$ETC/broker.yaml" &&
    grep -q '^  server_key: /etc/wiretag/keys/broker.pub' "$ETC/client.yaml" ||
    fail "docker/*.yaml no longer have the commented key paths docs/CLIENTS.md relies on"
dc up -d --scale worker=1 >"$TMP/up3.log" 2>&1 || { cat "$TMP/up3.log"; fail "up with CURVE"; }
cstats() { docker exec "$(cid broker)" wiretag stats -c /etc/wiretag/client.yaml --json --timeout 2000 2>/dev/null; }
curve_results() { [ "$(cstats | jget 'd["last_rseq"]')" -ge 4 ]; }
WIRETAG_INPUT="$SRC/config/samples" dc run --rm -T feeder >"$TMP/feed3.log" 2>&1 ||
    fail "feeder with CURVE: $(cat "$TMP/feed3.log")"
wait_for 120 "4 results with CURVE on" curve_results
blog=$(docker logs "$(cid broker)" 2>&1)
echo "$blog" | grep -q 'cmd=START .*curve=on' || fail "the broker's START line does not say curve=on"
echo "$blog" | grep -q 'INSECURE' && fail "CURVE on, yet the broker warns INSECURE"
"$BIN/wiretag" stats --broker "tcp://$(port 5558)" --timeout 1500 >/dev/null 2>&1 &&
    fail "a client without keys got an answer from a CURVE broker"
say "CURVE: keys from the image, WIRETAG_ETC config, curve=on, 4 results, a keyless client refused"

# ---- 6. down -v (this project only)
dc down -v --remove-orphans >/dev/null 2>&1 || fail "docker-compose down -v"
UP=0
left=$(docker volume ls -q --filter "label=com.docker.compose.project=$PROJ")
[ -z "$left" ] || fail "volumes left after down -v: $left"
if [ "${WT_COMPOSE_NATS:-1}" = 0 ]; then
    say "the NATS part skipped (WT_COMPOSE_NATS=0)"
else
    nats_part
fi
echo "OK: image built once, 3 workers, $N items once through a broker SIGKILL, $TOTAL once through scaling 3 -> 6 -> 3, journal and subscriber position survive down/up$([ "${WT_COMPOSE_NATS:-1}" = 0 ] || echo "; on NATS $NATS_ITEMS items once through the loss of a node")"
