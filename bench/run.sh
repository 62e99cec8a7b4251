#!/bin/sh
# bench/run.sh [--quick] [--baseline REV|none] [...]: build build/ and run the
# benchmark table (bench/run.py --help lists the options).
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh test
echo "bench: building build/ (sh scripts/build.sh build)" >&2
sh scripts/build.sh build >/dev/null
exec /usr/bin/python3 bench/run.py "$@"
