#!/usr/bin/env bash
# fuzz.sh: build the libFuzzer targets with clang (ASan+UBSan) into build-fuzz
# and run every tests/fuzz/fuzz_*.c.
#
#   scripts/fuzz.sh [SECONDS]   fuzz each target for SECONDS (default 60)
#   scripts/fuzz.sh --replay    run each target once over its committed seeds
#                               (tests/fuzz/corpus/<target>/) and regression
#                               inputs (tests/fuzz/regress/<target>/): fast, for CI
#
# New inputs found while fuzzing go to build-fuzz/fuzz-corpus/<target>/ (never
# into the repository); crashes go to build-fuzz/fuzz-artifacts/<target>/.
# tests/fuzz/<target>.dict, when present, is passed as a libFuzzer dictionary.
# A crash is fixed, then its input is committed under tests/fuzz/regress/
# and turned into a unit test case. Env: WT_FUZZ_BUILD (build dir),
# WT_JOBS (build parallelism, default 2), WT_FUZZ_ONLY (one target name).
# (bash; CI may start it with `sh`, so re-run under bash first)
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -euo pipefail
cd "$(dirname "$0")/.."

mode=run
secs=60
case "${1:-}" in
--replay) mode=replay ;;
"") ;;
*[!0-9]* | -*)
    echo "usage: $0 [SECONDS | --replay]" >&2
    exit 2
    ;;
*) secs=$1 ;;
esac

build=${WT_FUZZ_BUILD:-build-fuzz}
if ! command -v clang >/dev/null; then
    echo "fuzz.sh: clang is needed (apt-get install clang libclang-rt-14-dev)" >&2
    exit 2
fi
mkdir -p "$build"
if ! { CC=clang cmake -S . -B "$build" -DWT_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo &&
    cmake --build "$build" -j"${WT_JOBS:-2}" --target fuzz; } >"$build/fuzz-build.log" 2>&1; then
    tail -n 40 "$build/fuzz-build.log"
    echo "fuzz.sh: build failed (log: $build/fuzz-build.log)" >&2
    exit 1
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

failed=()
for src in tests/fuzz/fuzz_*.c; do
    name=$(basename "$src" .c)
    if [[ -n "${WT_FUZZ_ONLY:-}" && "$name" != "$WT_FUZZ_ONLY" ]]; then
        continue
    fi
    bin=$build/fuzz/$name
    seeds=tests/fuzz/corpus/$name
    regress=tests/fuzz/regress/$name
    dirs=()
    [[ -d "$seeds" ]] && dirs+=("$seeds")
    [[ -d "$regress" ]] && dirs+=("$regress")
    opts=()
    [[ -f tests/fuzz/$name.dict ]] && opts+=("-dict=tests/fuzz/$name.dict")
    arts=$build/fuzz-artifacts/$name
    mkdir -p "$arts"
    log=$build/fuzz-$name.log
    if [[ $mode == replay ]]; then
        if [[ ${#dirs[@]} -eq 0 ]]; then
            echo "== $name: no committed corpus, skipped"
            continue
        fi
        n=$(find "${dirs[@]}" -type f | wc -l)
        if "$bin" -runs=0 -artifact_prefix="$arts/" "${dirs[@]}" >"$log" 2>&1; then
            echo "== $name: replayed $n inputs, ok"
        else
            echo "== $name: FAILED on replay (log: $log)"
            tail -n 30 "$log"
            failed+=("$name")
        fi
    else
        work=$build/fuzz-corpus/$name
        mkdir -p "$work"
        echo "== $name: fuzzing for ${secs}s"
        if "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
            -print_final_stats=1 -artifact_prefix="$arts/" "${opts[@]}" "$work" "${dirs[@]}" \
            >"$log" 2>&1; then
            grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb" "$log" | tr '\n' ' '
            echo "corpus: $(find "$work" -type f | wc -l) files, ok"
        else
            echo "== $name: CRASH (log: $log, inputs: $arts/)"
            grep -E "ERROR|invariant|SUMMARY" "$log" | head -n 5
            failed+=("$name")
        fi
    fi
done

if [[ ${#failed[@]} -gt 0 ]]; then
    echo "fuzz.sh: failed: ${failed[*]}" >&2
    exit 1
fi
echo "fuzz.sh: all targets ok"
