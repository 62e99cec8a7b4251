#!/bin/sh
# demo.sh: the main job. Installs what is missing, builds, then runs the
# whole pipeline on this machine: a broker (ephemeral ports on 127.0.0.1, a
# journal in a temporary directory), two workers, a subscriber printing the
# annotated items readably, and `wiretag feed` sending the sample news in
# config/samples/. Stops everything cleanly at the end (or on Ctrl-C). On a
# terminal it then serves the live view (`wiretag web`, address printed;
# WT_WEB_PORT, default 8080) until Ctrl-C.
# WT_DEMO_BIN=DIR runs the programs of DIR without installing or building.
# SIGINT/SIGTERM stop it at once: the children are stopped and it exits.
set -eu
cd "$(dirname "$0")/.."
if [ -z "${WT_DEMO_BIN:-}" ]; then
  sh scripts/deps.sh build
  sh scripts/build.sh build
fi
bin=${WT_DEMO_BIN:-build/bin}
tmp=$(mktemp -d /tmp/wiretag-demo.XXXXXX)
pids=""
fg=""
cleanup() {
  trap - EXIT INT TERM
  for p in $fg $pids; do kill -TERM "$p" 2>/dev/null || true; done
  for p in $fg $pids; do wait "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
# a signal ends the script (a trap that only cleaned up let the loops go on)
trap cleanup EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM
# run a command in the background and wait for it: `wait` returns on a
# signal, so the trap runs now rather than when the command is done
run_fg() {
  "$@" &
  fg=$!
  rc=0
  wait "$fg" || rc=$?
  fg=""
  return $rc
}

echo "== starting wiretag-broker (journal in $tmp/journal)"
"$bin/wiretag-broker" --producers tcp://127.0.0.1:* --workers tcp://127.0.0.1:* \
  --subscribers tcp://127.0.0.1:* --replay tcp://127.0.0.1:* \
  --journal "$tmp/journal" --ready-file "$tmp/ready.json" 2>"$tmp/broker.log" &
pids="$!"
i=0
while [ ! -s "$tmp/ready.json" ]; do
  i=$((i + 1))
  if [ $i -gt 200 ]; then echo "broker did not start:"; cat "$tmp/broker.log"; exit 1; fi
  sleep 0.05
done
ep() { sed -n "s/.*\"$1\": *\"\\([^\"]*\\)\".*/\\1/p" "$tmp/ready.json"; }
producers=$(ep producers); workers=$(ep workers); subscribers=$(ep subscribers); replay=$(ep replay)
echo "   producers $producers, workers $workers, subscribers $subscribers, replay $replay"

echo "== starting two workers"
for n in 1 2; do
  "$bin/wiretag-worker" --broker "$workers" --threads 1 2>"$tmp/worker$n.log" &
  pids="$pids $!"
done

# wait until both workers are READY, so that they share the items
i=0
until "$bin/wiretag" stats --broker "$replay" --json 2>/dev/null | grep -q '"workers_count": *2'; do
  i=$((i + 1))
  if [ $i -gt 100 ]; then echo "workers did not connect:"; cat "$tmp"/worker*.log; exit 1; fi
  sleep 0.1
done

# one item per .txt/.json file, one per line of .jsonl
count=0
for f in config/samples/*; do
  case "$f" in
    *.jsonl) count=$((count + $(grep -c . "$f"))) ;;
    *) count=$((count + 1)) ;;
  esac
done

echo "== feeding $count sample items from config/samples/"
run_fg "$bin/wiretag" feed --broker "$producers" --no-progress config/samples
echo "== annotated items (wiretag sub --from 1 --count $count --readable)"
run_fg "$bin/wiretag" sub --broker "$subscribers" --replay "$replay" --from 1 --count "$count" --readable
echo "== wiretag stats"
"$bin/wiretag" stats --broker "$replay" || true
# On a terminal: the live view stays open until Ctrl-C (not in scripts/CI)
if [ -t 0 ] && [ -t 1 ]; then
  echo "== live view (wiretag web)"
  for listen in "127.0.0.1:${WT_WEB_PORT:-8080}" 127.0.0.1:0; do
    : >"$tmp/web.log"
    "$bin/wiretag" web --broker "$subscribers" --replay "$replay" --listen "$listen" \
      2>"$tmp/web.log" &
    webpid=$!
    i=0
    until grep -q "open http" "$tmp/web.log" || ! kill -0 "$webpid" 2>/dev/null || [ $i -gt 100 ]; do
      i=$((i + 1)); sleep 0.05
    done
    if grep -q "open http" "$tmp/web.log"; then pids="$pids $webpid"; break; fi
    wait "$webpid" 2>/dev/null || true   # port taken: try any free port
  done
  url=$(sed -n 's/.*open \(http[^ ]*\).*/\1/p' "$tmp/web.log")
  if [ -n "$url" ]; then
    echo "   open $url in a browser (the $count items are there; Ctrl-C stops the demo)"
    wait "$webpid" || true
  else
    echo "   wiretag web did not start:"; cat "$tmp/web.log"
  fi
fi
echo "== stopping workers and broker"
