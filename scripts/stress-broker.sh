#!/bin/sh
# stress-broker.sh SECONDS [BUILD_DIR]: hunt hangs and lost ACKs in the
# broker's commit / fsync / ACK path (issue 17: group commit with the fsync
# on its own thread). For SECONDS, two runners loop over the broker's
# durability and ACK tests (one in list order, one in reverse, so that
# different tests overlap) while one busy loop per core keeps the machine
# loaded (killed at the end, also on Ctrl-C). BUILD_DIR defaults to
# build-asan (ASan + UBSan; configured and built when it has no broker yet).
#
# Every test run has a watchdog (WT_STRESS_HANG seconds, default 150): a run
# that outlives it is a hang. Then the stacks of its wiretag-broker
# processes (gdb when ptrace allows, else /proc/PID/task/*/{wchan,syscall})
# go into the log, its processes are killed and the script exits 1.
# Report on stdout: iterations, runs per test, failures, the slowest run.
# Exits 0 when every run passed, 1 on a failure or a hang. Logs in
# BUILD_DIR/stress-broker/. WT_STRESS_LOAD=0: no busy loops (the CTest
# variant tests/it_stress_broker.sh loads one core only).
set -eu
cd "$(dirname "$0")/.."
src=$(pwd)
case "${1:-}" in
'' | *[!0-9]*)
  echo "usage: sh scripts/stress-broker.sh SECONDS [BUILD_DIR]   (e.g. 600; BUILD_DIR default build-asan)" >&2
  exit 2
  ;;
esac
secs=$1
dir=${2:-build-asan}
hang=${WT_STRESS_HANG:-150}
load=${WT_STRESS_LOAD:-$(nproc)}
if [ ! -x "$dir/bin/wiretag-broker" ]; then
  echo "stress-broker: building $dir (ASan + UBSan)" >&2
  sh scripts/build.sh "$dir" -DWT_WERROR=ON -DWT_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug >&2
fi
dir=$(cd "$dir" && pwd)
logs=$dir/stress-broker
mkdir -p "$logs"
rm -f "$logs"/*.log "$logs"/*.txt
TESTS=${WT_STRESS_TESTS:-"it_broker_groupcommit it_broker_onecommit it_broker_powerloss it_broker_restart it_broker_full it_broker_map_full it_broker_lock it_e2e_broker_kill it_broker_redispatch"}

busy=""
runners=""
stop_all() {
  for p in $busy $runners; do kill "$p" 2>/dev/null || true; done
  for p in $busy $runners; do wait "$p" 2>/dev/null || true; done
  busy=""
  runners=""
}
trap 'stop_all' EXIT
trap 'stop_all; echo "stress-broker: interrupted" >&2; exit 130' INT TERM

# the processes below pid (children, grandchildren)
descendants() {
  for c in $(pgrep -P "$1" 2>/dev/null || true); do
    echo "$c"
    descendants "$c"
  done
}

# stacks of the brokers below pid $1 into log $2
dump_stacks() {
  for c in $(descendants "$1"); do
    [ "$(cat /proc/"$c"/comm 2>/dev/null)" = wiretag-broker ] || continue
    echo "=== HANG: wiretag-broker pid $c, threads:" >>"$2"
    if command -v gdb >/dev/null 2>&1 &&
      gdb -p "$c" -batch -ex 'thread apply all bt' >>"$2" 2>&1; then
      continue
    fi
    for t in /proc/"$c"/task/*; do
      echo "  task $(basename "$t"): $(cat "$t"/comm 2>/dev/null) wchan=$(cat "$t"/wchan 2>/dev/null) syscall=$(cut -d' ' -f1 "$t"/syscall 2>/dev/null)" >>"$2"
    done
  done
}

# one test run with a watchdog: 0 pass, 77 skip, 124 hang, else fail
run_one() {
  name=$1
  log=$2
  echo "--- $name $(date -u +%H:%M:%S)" >>"$log"
  WT_SOURCE=$src WT_BIN=$dir/bin WT_BUILD=$dir /usr/bin/python3 "$src/tests/$name.py" >>"$log" 2>&1 &
  pid=$!
  waited=0
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$waited" -ge "$hang" ]; then
      dump_stacks "$pid" "$log"
      kids=$(descendants "$pid")
      kill "$pid" $kids 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
      return 124
    fi
    sleep 1
    waited=$((waited + 1))
  done
  rc=0
  wait "$pid" || rc=$?
  return "$rc"
}

# runner N ORDER...: loops over the tests until the time is up; one line
# per run in results-N.txt: "name rc seconds"
runner() {
  n=$1
  shift
  end=$(($(date +%s) + secs))
  while [ "$(date +%s)" -lt "$end" ]; do
    for t in "$@"; do
      [ "$(date +%s)" -lt "$end" ] || break
      t0=$(date +%s)
      rc=0
      run_one "$t" "$logs/runner-$n.log" || rc=$?
      echo "$t $rc $(($(date +%s) - t0))" >>"$logs/results-$n.txt"
      if [ "$rc" -eq 124 ]; then
        echo "stress-broker: HANG in $t (runner $n): stacks in $logs/runner-$n.log" >&2
        return 1
      fi
    done
  done
}

reverse() {
  r=""
  for t in "$@"; do r="$t $r"; done
  echo "$r"
}

c=0
while [ "$c" -lt "$load" ]; do
  sh -c 'while :; do :; done' &
  busy="$busy $!"
  c=$((c + 1))
done
echo "stress-broker: ${secs}s, $load busy loop(s), 2 runners, build $dir, watchdog ${hang}s"
# shellcheck disable=SC2086
runner 1 $TESTS &
runners="$!"
# shellcheck disable=SC2046
runner 2 $(reverse $TESTS) &
runners="$runners $!"
status=0
for p in $runners; do wait "$p" || status=1; done
runners=""
stop_all

cat "$logs"/results-*.txt >"$logs/all.txt" 2>/dev/null || true
total=$(wc -l <"$logs/all.txt")
bad=$(awk '$2 != 0 && $2 != 77' "$logs/all.txt" | wc -l)
hangs=$(awk '$2 == 124' "$logs/all.txt" | wc -l)
echo "stress-broker: $total runs, $bad failed, $hangs hung (logs $logs)"
awk '{n[$1]++; if ($2 != 0 && $2 != 77) f[$1]++; if ($3 > m[$1]) m[$1] = $3}
     END {for (t in n) printf "  %-28s %4d runs %3d failed  slowest %3d s\n", t, n[t], f[t], m[t]}' \
  "$logs/all.txt" | sort
if [ "$bad" -gt 0 ]; then
  echo "failed runs (name rc seconds):"
  awk '$2 != 0 && $2 != 77' "$logs/all.txt"
  status=1
fi
if [ "$total" -eq 0 ]; then
  echo "stress-broker: no test ran" >&2
  status=1
fi
exit "$status"
