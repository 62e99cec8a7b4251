#!/bin/sh
# Integration test: the short variant of scripts/stress-broker.sh (issue 17).
# For 20 s, two runners loop over the broker's fast durability and ACK tests
# (group commit, power loss, full journal, lock, restart) on this build while
# one busy loop loads a core; every run has a 120 s watchdog that dumps the
# broker's stacks on a hang. Fails on any failed or hung run. The long run by
# hand: sh scripts/stress-broker.sh 600 (ASan build, both cores loaded).
src="${WT_SOURCE:-.}"
build="${WT_BUILD:-$src/build}"
if [ ! -x /usr/bin/python3 ] || ! /usr/bin/python3 -c 'import zmq, msgpack' 2>/dev/null; then
    echo "SKIP: /usr/bin/python3 with zmq and msgpack not available"
    exit 77
fi
WT_STRESS_LOAD=1 WT_STRESS_HANG=120 \
    WT_STRESS_TESTS="it_broker_groupcommit it_broker_powerloss it_broker_full it_broker_lock it_broker_restart" \
    exec sh "$src/scripts/stress-broker.sh" 20 "$build"
