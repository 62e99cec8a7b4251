#!/bin/sh
# demo.sh: the main job. Installs what is missing, builds, and annotates the
# sample articles in config/samples/, printing them readably.
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh build
sh scripts/build.sh build
echo "== wiretag annotate config/samples"
build/bin/wiretag annotate --readable config/samples
