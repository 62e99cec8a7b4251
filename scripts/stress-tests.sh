#!/bin/sh
# stress-tests.sh N [BUILD_DIR]: run the whole CTest suite N times, alternating
# an idle machine (odd runs) and a loaded one (even runs: one busy loop per
# core, at the same priority as the tests, killed afterwards even on Ctrl-C),
# and report every test that ever failed, with how often and under which load.
# Builds BUILD_DIR (default build: Release, -Werror) first if needed.
# Exits 1 if any test failed in any run. Logs: BUILD_DIR/stress/run-I.log.
set -eu
cd "$(dirname "$0")/.."
case "${1:-}" in
'' | *[!0-9]*)
  echo "usage: sh scripts/stress-tests.sh N [BUILD_DIR]   (N runs, e.g. 10)" >&2
  exit 2
  ;;
esac
n=$1
dir=${2:-build}
cores=$(nproc)
if [ "$dir" = build ]; then
  sh scripts/build.sh build -DWT_WERROR=ON
else
  cmake --build "$dir" -j"$cores"
fi
logs=$dir/stress
mkdir -p "$logs"
failures=$logs/failures.txt
: >"$failures"

busy=""
stop_load() {
  for p in $busy; do kill "$p" 2>/dev/null || true; done
  for p in $busy; do wait "$p" 2>/dev/null || true; done
  busy=""
}
trap 'stop_load' EXIT
trap 'stop_load; echo "stress-tests: interrupted" >&2; exit 130' INT TERM

start=$(date +%s)
i=1
while [ "$i" -le "$n" ]; do
  if [ $((i % 2)) -eq 0 ]; then
    kind=loaded
    c=0
    while [ "$c" -lt "$cores" ]; do
      sh -c 'while :; do :; done' &
      busy="$busy $!"
      c=$((c + 1))
    done
  else
    kind=idle
  fi
  log=$logs/run-$i.log
  echo "== run $i/$n ($kind$([ "$kind" = loaded ] && echo ": $cores busy loops")), log $log"
  t0=$(date +%s)
  rc=0
  (cd "$dir" && ctest --output-on-failure -j"$cores" --timeout 600) >"$log" 2>&1 || rc=$?
  stop_load
  # the summary line and every test that did not pass, as CTest lists them
  grep -E '^[0-9]+% tests passed' "$log" || echo "ctest exited $rc without a summary"
  sed -n '/The following tests FAILED:/,$p' "$log" | grep -E '^[[:space:]]+[0-9]+ - ' |
    sed -E "s/^[[:space:]]+[0-9]+ - ([^ ]+) \((.*)\).*/\1 \2 $kind $i/" >>"$failures" || true
  if [ "$rc" -ne 0 ] && ! grep -q 'The following tests FAILED:' "$log"; then
    echo "ctest-itself exit-$rc $kind $i" >>"$failures"
  fi
  echo "   $(($(date +%s) - t0)) s"
  i=$((i + 1))
done

echo "== $n runs in $(($(date +%s) - start)) s ($(((n + 1) / 2)) idle, $((n / 2)) loaded)"
if [ ! -s "$failures" ]; then
  echo "no test failed"
  exit 0
fi
echo "tests that failed (test: failures/runs; each failure as reason@load#run):"
awk -v n="$n" '{ c[$1]++; w[$1] = w[$1] " " $2 "@" $3 "#" $4 }
  END { for (t in c) printf "  %s: %d/%d,%s\n", t, c[t], n, w[t] }' "$failures" | sort
exit 1
