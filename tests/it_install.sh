#!/bin/bash
# it_install.sh: `cmake --install` gives a relocatable, self-contained tree.
#
# Installs the build into a temporary prefix and checks: bin/ (three
# programs), share/wiretag/ (dictionaries, default config, samples), the
# man pages wiretag(1), wiretag-broker(8), wiretag-worker(8) (rendered
# without warnings, every option of --help documented), the systemd units
# (sandboxed; `systemd-analyze verify` where it can run), etc/wiretag; and
# a package-style install (DESTDIR staging, --prefix /usr: the config in
# /etc/wiretag, DESTDIR applied once). Then it MOVES the prefix elsewhere, copies the default config to a third
# place and runs `annotate` and a whole broker -> worker -> sub pipeline from
# the moved tree with that copy: the programs must find their data relative
# to themselves. No path of the source tree may be compiled in (checked on
# the stripped binaries), and where a mount namespace can be made the source
# tree is hidden under an empty tmpfs while `annotate` runs.
set -u
BUILD=${WT_BUILD:?WT_BUILD (the build dir) is not set}
SRC=$(cd "${WT_SOURCE:-.}" && pwd -P)
TMP=$(mktemp -d /tmp/wt-it-install.XXXXXX)
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok: $*"; }

[ -f "$BUILD/cmake_install.cmake" ] || { echo "SKIP: $BUILD is not a configured build"; exit 77; }
P="$TMP/prefix"
cmake --install "$BUILD" --prefix "$P" >"$TMP/install.log" 2>&1 ||
    { cat "$TMP/install.log"; fail "cmake --install failed"; }

# 1. the tree
for f in bin/wiretag bin/wiretag-broker bin/wiretag-worker \
    share/wiretag/wiretag.yaml share/wiretag/issues.yaml share/wiretag/actors/countries.yaml \
    share/wiretag/names/first-names.txt share/wiretag/samples/01-climate-talks.txt \
    share/man/man1/wiretag.1 share/man/man8/wiretag-broker.8 share/man/man8/wiretag-worker.8 \
    lib/systemd/system/wiretag-broker.service lib/systemd/system/wiretag-worker.service \
    etc/wiretag/wiretag.yaml; do
    [ -e "$P/$f" ] || fail "$f not installed (cmake --install --prefix $P)"
done
for b in wiretag wiretag-broker wiretag-worker; do [ -x "$P/bin/$b" ] || fail "bin/$b not executable"; done
ok "bin/, share/wiretag/, man pages, systemd units, etc/wiretag installed"

# 1b. a package build: DESTDIR staging with the /usr prefix (/etc for the config)
S="$TMP/stage"
DESTDIR="$S" cmake --install "$BUILD" --prefix /usr >"$TMP/stage.log" 2>&1 ||
    { cat "$TMP/stage.log"; fail "DESTDIR=$S cmake --install --prefix /usr failed"; }
for f in usr/bin/wiretag etc/wiretag/wiretag.yaml usr/lib/systemd/system/wiretag-broker.service; do
    [ -e "$S/$f" ] || fail "DESTDIR staging: $f missing under $S"
done
[ -e "$S$S" ] && fail "DESTDIR staging: files under $S$S (DESTDIR added twice)"
grep -q "ExecStart=/usr/bin/wiretag-broker" "$S/usr/lib/systemd/system/wiretag-broker.service" ||
    fail "DESTDIR staging: the broker unit does not run /usr/bin/wiretag-broker"
ok "DESTDIR staging with --prefix /usr: /usr/bin, /etc/wiretag, the units, DESTDIR once"

# 2. no source path compiled in (debug info aside: checked on a stripped copy)
if command -v strip >/dev/null; then
    for b in wiretag wiretag-broker wiretag-worker; do
        strip -o "$TMP/$b.stripped" "$P/bin/$b" || fail "strip $b"
        # (source file names kept by the sanitizers for their reports are fine;
        # a data path into the source tree is not)
        if grep -q -F "$SRC/config" "$TMP/$b.stripped"; then
            fail "bin/$b has the source path $SRC/config compiled in: $(strings "$TMP/$b.stripped" | grep -F "$SRC/config" | head -3)"
        fi
    done
    ok "no path into the source tree's config/ in the stripped binaries"
else
    echo "note: strip (binutils) missing: compiled-in path check skipped"
fi

# 3. man pages render without warnings and document every option of --help
render() { # plain text of a page, its warnings in $TMP/man.err
    if command -v groff >/dev/null; then
        groff -man -Tutf8 -ww -P-cbou "$1" 2>"$TMP/man.err"
    elif command -v man >/dev/null; then
        MANWIDTH=80 man --warnings -l "$1" 2>"$TMP/man.err" | sed 's/.\x08//g'
    else
        return 2
    fi
}
for page in man1/wiretag.1 man8/wiretag-broker.8 man8/wiretag-worker.8; do
    f="$P/share/man/$page"
    grep -q '^\.TH ' "$f" || fail "$page has no .TH header"
    if render "$f" >"$TMP/page.txt"; then
        grep -q "^NAME" "$TMP/page.txt" || fail "$page does not render (no NAME section)"
        [ -s "$TMP/man.err" ] && fail "$page renders with warnings: $(cat "$TMP/man.err")"
    elif [ $? -eq 2 ]; then
        echo "note: neither man nor groff installed: $page not rendered"
    fi
done
opts_of() { "$@" 2>&1 | grep -o -- '--[a-z][a-z-]*' | sort -u; }
check_opts() { # page, command...
    local page=$1; shift
    local missing=""
    for o in $(opts_of "$@"); do
        grep -q -F -- "\\fB$o\\fP" "$P/share/man/$page" || grep -q -F -- "$o" "$P/share/man/$page" || missing="$missing $o"
    done
    [ -z "$missing" ] || fail "$page lacks options of '$*':$missing (edit docs/man/)"
}
check_opts man8/wiretag-broker.8 "$P/bin/wiretag-broker" --help
check_opts man8/wiretag-worker.8 "$P/bin/wiretag-worker" --help
cmds=$("$P/bin/wiretag" --help 2>&1 | sed -n 's/^  \([a-z][a-z]*\)  .*/\1/p')
[ -n "$cmds" ] || fail "no commands in 'wiretag --help'"
for c in $cmds; do
    grep -q -F "\fBwiretag $c\fP" "$P/share/man/man1/wiretag.1" || fail "wiretag.1 lacks the command '$c' (edit docs/man/wiretag.1.md)"
    check_opts man1/wiretag.1 "$P/bin/wiretag" "$c" --help
done
ok "man pages render cleanly and list every option of --help"

# 4. systemd units: sandboxed, pointing into this prefix, verified where possible
for u in wiretag-broker wiretag-worker; do
    f="$P/lib/systemd/system/$u.service"
    grep -q "^ExecStart=$P/bin/$u -c $P/etc/wiretag/wiretag.yaml" "$f" || fail "$u.service: ExecStart not in the prefix: $(grep ExecStart "$f")"
    for k in DynamicUser=yes ProtectSystem=strict ProtectHome=yes NoNewPrivileges=yes \
        PrivateTmp=yes PrivateDevices=yes CapabilityBoundingSet= SystemCallFilter=@system-service \
        RestrictAddressFamilies= MemoryDenyWriteExecute=yes; do
        grep -q "^$k" "$f" || fail "$u.service lacks $k"
    done
    grep -q '@[A-Z_]*@' "$f" && fail "$u.service has an unsubstituted @VAR@"
done
grep -q '^StateDirectory=wiretag' "$P/lib/systemd/system/wiretag-broker.service" || fail "broker unit: no StateDirectory"
if command -v systemd-analyze >/dev/null && systemd-analyze --help 2>&1 | grep -q -- --man; then
    if systemd-analyze verify --man=no "$P"/lib/systemd/system/*.service >"$TMP/verify.log" 2>&1; then
        ok "systemd-analyze verify: both units clean"
    else
        cat "$TMP/verify.log"; fail "systemd-analyze verify"
    fi
else
    echo "note: systemd-analyze not installed: units checked by content only"
fi

# 5. reinstall keeps an edited etc/wiretag/wiretag.yaml
echo "# edited by the admin" >>"$P/etc/wiretag/wiretag.yaml"
cmake --install "$BUILD" --prefix "$P" >"$TMP/install2.log" 2>&1 || fail "second install failed"
grep -q "edited by the admin" "$P/etc/wiretag/wiretag.yaml" || fail "reinstall overwrote etc/wiretag/wiretag.yaml"
ok "reinstall keeps the admin's etc/wiretag/wiretag.yaml"

# 6. relocate the prefix, copy the config elsewhere, run from the moved tree
Q="$TMP/moved/opt-wiretag"
mkdir -p "$TMP/moved" "$TMP/elsewhere"
mv "$P" "$Q"
cp "$Q/share/wiretag/wiretag.yaml" "$TMP/elsewhere/my.yaml"
unset WIRETAG_DATA
SAMPLE="$Q/share/wiretag/samples/01-climate-talks.txt"
annotate_ok() { # label, extra args...
    local label=$1; shift
    (cd / && "$Q/bin/wiretag" annotate -q "$@" "$SAMPLE") >"$TMP/out.json" 2>"$TMP/err.txt" ||
        fail "$label: annotate failed: $(cat "$TMP/err.txt")"
    /usr/bin/python3 -c '
import json, sys
d = json.loads(open(sys.argv[1]).readline())
assert d["actors"], "no actors found: dictionaries not loaded?"
' "$TMP/out.json" || fail "$label: no actors in $(head -c 300 "$TMP/out.json")"
}
annotate_ok "moved prefix, defaults"
annotate_ok "moved prefix, copied config" -c "$TMP/elsewhere/my.yaml"
annotate_ok "moved prefix, etc config" -c "$Q/etc/wiretag/wiretag.yaml"
ok "annotate from a moved prefix with a copied config finds the installed dictionaries"

# with the source tree hidden (a private mount namespace), where one can be made
if command -v unshare >/dev/null && unshare -m --propagation private true 2>/dev/null; then
    unshare -m --propagation private sh -c '
        mount -t tmpfs none "$1" || exit 3
        [ -z "$(ls -A "$1")" ] || exit 4
        cd / && "$2/bin/wiretag" annotate -q -c "$3" "$4"' sh "$SRC" "$Q" "$TMP/elsewhere/my.yaml" "$SAMPLE" \
        >"$TMP/hidden.json" 2>"$TMP/hidden.err"
    rc=$?
    if [ $rc -eq 3 ]; then
        echo "note: cannot mount over $SRC here: hidden-source run skipped"
    else
        [ $rc -eq 0 ] || fail "annotate with the source tree hidden: rc=$rc $(cat "$TMP/hidden.err")"
        grep -q '"actors":\[{' "$TMP/hidden.json" || grep -q '"actors": \[' "$TMP/hidden.json" ||
            fail "source hidden: no actors: $(head -c 300 "$TMP/hidden.json")"
        ok "annotate with the source tree hidden under an empty tmpfs"
    fi
else
    echo "note: no mount namespace here (unshare -m): hidden-source run skipped; the stripped-binary check stands"
fi

# 7. the moved tree runs the pipeline: broker, worker (copied config), feed, sub
"$Q/bin/wiretag-broker" --journal "$TMP/journal" --ready-file "$TMP/ready.json" \
    --producers 'tcp://127.0.0.1:*' --workers 'tcp://127.0.0.1:*' \
    --subscribers 'tcp://127.0.0.1:*' --replay 'tcp://127.0.0.1:*' >"$TMP/broker.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 200); do [ -s "$TMP/ready.json" ] && break; sleep 0.05; done
[ -s "$TMP/ready.json" ] || fail "installed broker not ready: $(cat "$TMP/broker.log")"
ep() { /usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$TMP/ready.json" "$1"; }
(cd / && "$Q/bin/wiretag-worker" -c "$TMP/elsewhere/my.yaml" --broker "$(ep workers)" --threads 1) >"$TMP/worker.log" 2>&1 &
PIDS+=($!)
"$Q/bin/wiretag" feed -q --broker "$(ep producers)" "$Q/share/wiretag/samples" >"$TMP/feed.log" 2>&1 ||
    fail "feed from the moved tree: $(cat "$TMP/feed.log")"
timeout 60 "$Q/bin/wiretag" sub --broker "$(ep subscribers)" --replay "$(ep replay)" --from 1 --count 4 --idle 30 \
    >"$TMP/sub.jsonl" 2>"$TMP/sub.err" || fail "sub: $(cat "$TMP/sub.err") worker: $(tail -5 "$TMP/worker.log")"
n=$(/usr/bin/python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print(sum(1 for r in rows if r.get("actors")))' "$TMP/sub.jsonl")
[ "$n" -eq 4 ] || fail "pipeline from the moved tree: $n of 4 results have actors"
ok "broker + worker + feed + sub from the moved tree: 4 results with actors"
echo "OK: install tree complete, relocatable, no source path, man pages and units checked"
