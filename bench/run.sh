#!/bin/sh
# bench/run.sh [--quick] [...]: build (Release) and run the benchmark table.
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh test
sh scripts/build.sh build >/dev/null
exec /usr/bin/python3 bench/run.py "$@"
