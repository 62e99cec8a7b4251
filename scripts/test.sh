#!/bin/sh
# test.sh: the whole test suite, as CI runs it. Installs what is missing,
# builds with -Werror, runs CTest, then builds with ASan+UBSan and runs the
# same suite again, then replays the fuzz corpora under the sanitizers.
# Tests that need ../shared skip (and say so) where it is absent.
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh test
jobs=$(nproc)
echo "== build (Release, -Werror)"
sh scripts/build.sh build -DWT_WERROR=ON
echo "== tests"
(cd build && ctest --output-on-failure -j"$jobs" --timeout 600)
echo "== build (ASan+UBSan)"
sh scripts/build.sh build-asan -DWT_WERROR=ON -DWT_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
echo "== tests under ASan+UBSan"
(cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --output-on-failure -j"$jobs" --timeout 900)
if [ -x scripts/fuzz.sh ] && command -v clang >/dev/null 2>&1; then
  echo "== fuzz corpora replay (libFuzzer, ASan+UBSan)"
  sh scripts/fuzz.sh --replay
fi
echo "== all tests passed"
