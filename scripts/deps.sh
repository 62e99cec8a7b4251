#!/bin/sh
# deps.sh [build|test]: install what wiretag needs on Debian 12, only when
# missing. "build" = compiler, CMake and libraries; "test" adds what the
# test suite uses (python3 with zmq/msgpack/yaml, clang for fuzzing,
# iproute2 for the multi-host test). Safe to run again: installs nothing
# when everything is there.
set -eu
mode=${1:-build}
pkgs="gcc libc6-dev make cmake pkg-config libzmq3-dev libmsgpack-dev libyaml-dev libjansson-dev liblmdb-dev libstemmer-dev"
pkgs="$pkgs zlib1g-dev" # journal record checksums (crc32)
if [ "$mode" = test ]; then
  pkgs="$pkgs python3 python3-zmq python3-msgpack python3-yaml clang libclang-rt-14-dev iproute2 procps"
  pkgs="$pkgs mount util-linux" # tests/it_broker_disk_full.py mounts a small tmpfs
  # tests/it_install.sh renders the man pages
  pkgs="$pkgs groff-base"
  # tests/it_companies_import.py: the word list the company importer checks names against
  pkgs="$pkgs wamerican"
fi
# the man pages are made from docs/man/*.md
pkgs="$pkgs go-md2man"
# /metrics and the web view (lib/http/httpd.c); their tests use a real Prometheus
# and a headless Chromium
pkgs="$pkgs libmicrohttpd-dev"
if [ "$mode" = test ]; then
  pkgs="$pkgs prometheus chromium fonts-dejavu-core python3-websocket"
fi
# NATS JetStream transport (docs/NATS.md): the C client is linked, the server is for tests
pkgs="$pkgs libnats-dev"
if [ "$mode" = test ]; then pkgs="$pkgs nats-server openssl"; fi
# tests/it_nats_nkey.py makes ed25519 nkeys and signs JWTs with it
if [ "$mode" = test ]; then pkgs="$pkgs python3-cryptography"; fi
# JSON input (lib/format/json.c, docs/FORMATS.md "Why these libraries")
pkgs="$pkgs libyajl-dev"
missing=""
for p in $pkgs; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done
[ -z "$missing" ] && exit 0
echo "wiretag: installing missing packages:$missing" >&2
SUDO=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "wiretag: need root (or sudo) to apt-get install:$missing" >&2; exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
