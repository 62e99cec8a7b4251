#!/bin/bash
# it_demo_signal.sh: scripts/demo.sh stops on SIGTERM (issue 13, item 13):
# it used to clean up and then go on looping. Sent while the demo waits for
# its workers, SIGTERM must end it within seconds with status 143, its
# broker and workers gone and its temporary directory removed.
set -u
bin=${WT_BIN:-build/bin}
src=${WT_SOURCE:-.}
for p in wiretag wiretag-broker wiretag-worker; do
  [ -x "$bin/$p" ] || { echo "SKIP: $bin/$p not built"; exit 77; }
done
command -v pgrep >/dev/null || { echo "SKIP: pgrep (procps) missing"; exit 77; }
out=$(mktemp /tmp/wt-demo-sig.XXXXXX)
trap 'rm -f "$out"' EXIT
WT_DEMO_BIN=$(cd "$bin" && pwd) sh "$src/scripts/demo.sh" >"$out" 2>&1 &
demo=$!
fail() { echo "FAIL: $*"; echo "--- demo output"; cat "$out"; kill -9 $demo 2>/dev/null; exit 1; }
for _ in $(seq 300); do
  grep -q "== starting two workers" "$out" && break
  kill -0 $demo 2>/dev/null || fail "demo ended early"
  sleep 0.1
done
grep -q "== starting two workers" "$out" || fail "the demo did not start its workers in 30 s"
tmp=$(sed -n 's/.*journal in \(\/tmp\/wiretag-demo\.[A-Za-z0-9]*\)\/journal.*/\1/p' "$out" | head -1)
[ -n "$tmp" ] || fail "no temporary directory in the output"
children=$(pgrep -P $demo | tr '\n' ' ')
kill -TERM $demo
status=
for _ in $(seq 150); do
  if ! kill -0 $demo 2>/dev/null; then wait $demo; status=$?; break; fi
  sleep 0.1
done
[ -n "$status" ] || fail "demo still running 15 s after SIGTERM"
[ "$status" = 143 ] || fail "exit status $status after SIGTERM (want 143)"
for c in $children; do
  if kill -0 "$c" 2>/dev/null && [ "$(ps -o ppid= -p "$c" | tr -d ' ')" != "" ]; then
    comm=$(ps -o comm= -p "$c")
    case "$comm" in wiretag*) fail "child $c ($comm) still running" ;; esac
  fi
done
[ ! -e "$tmp" ] || fail "$tmp left behind"
echo "demo stopped on SIGTERM with 143; children ($children) gone; $tmp removed"
echo PASS
