#!/usr/bin/env python3
"""layout.py: check the tree's architecture from the built objects.

Reads the symbols every object file defines and uses (nm), draws the graph
"file A calls or reads something defined in file B", and reports:
  - import circles: groups of files that use each other (strongly connected
    components of more than one file), per executable;
  - layering: a file under lib/ that uses a file of a concern above its own
    (order: core < format < net, http < engine);
  - long files: source files over the line limit (default 1,200);
  - long functions: function bodies over --max-function lines (default
    120), except those listed in EXEMPT (flat tables and switches).
Exit 0 when all three are clean, 1 otherwise.

usage: python3 scripts/layout.py [BUILD_DIR] [--max-lines N] [--max-function N] [--graph]
"""
import os
import subprocess
import sys

LAYERS = {"core": 0, "format": 1, "net": 2, "http": 2, "engine": 2}
TARGETS = ["wiretag", "wiretag-journal", "wiretag-broker", "wiretag-worker", "wiretag-cli"]


def objects(build, srcdir):
    out = {}
    for t in TARGETS:
        d = os.path.join(build, "CMakeFiles", t + ".dir")
        for root, _, files in os.walk(d):
            for f in files:
                if f.endswith(".c.o"):
                    p = os.path.join(root, f)
                    src = os.path.relpath(p, d)[: -len(".o")]
                    if "web_assets" in src or not os.path.exists(os.path.join(srcdir, src)):
                        continue  # generated, or a stale object of a moved file
                    out[src] = (t, p)
    return out


def symbols(path):
    defined, used = set(), set()
    res = subprocess.run(["nm", path], capture_output=True, text=True, check=True)
    for line in res.stdout.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == "U":
            used.add(parts[1])
        elif len(parts) == 3 and parts[1] in "TDBRCG":
            defined.add(parts[2])
    return defined, used


def sccs(nodes, edges):
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            out.append(sorted(comp))

    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return out


# Functions allowed to be long because they are one flat table or switch.
EXEMPT = set()


def functions(path):
    """(name, first line, length) of each function body: clang-format puts
    a definition's opening brace alone in column 0 and its closing one too."""
    with open(path, encoding="utf-8", errors="replace") as fh:
        lines = fh.read().split("\n")
    out = []
    for i, line in enumerate(lines):
        if line == "{" and i > 0:
            j = i
            while j < len(lines) and lines[j] != "}":
                j += 1
            k = i - 1
            while k > 0 and "(" not in lines[k]:
                k -= 1
            head = lines[k].split("(")[0].split()
            name = head[-1].lstrip("*") if head else "?"
            out.append((name, i + 1, j - i - 1))
    return out


def layer(src):
    parts = src.split("/")
    if parts[0] == "lib" and len(parts) > 2:
        return parts[1]
    return None


def main():
    args = sys.argv[1:]
    max_lines = 1200
    if "--max-lines" in args:
        i = args.index("--max-lines")
        max_lines = int(args[i + 1])
        del args[i : i + 2]
    max_fn = 120
    if "--max-function" in args:
        i = args.index("--max-function")
        max_fn = int(args[i + 1])
        del args[i : i + 2]
    graph = "--graph" in args
    args = [a for a in args if a != "--graph"]
    build = args[0] if args else "build"
    srcdir = os.environ.get("WT_SOURCE", os.getcwd())
    objs = objects(build, srcdir)
    if not objs:
        print(f"layout: no objects under {build}/CMakeFiles: build first (sh scripts/build.sh {build})")
        return 2
    defs, uses = {}, {}
    owner = {}
    for src, (t, p) in objs.items():
        d, u = symbols(p)
        defs[src], uses[src] = d, u
        for s in d:
            owner.setdefault(s, src)
    edges = {src: sorted({owner[s] for s in uses[src] if s in owner and owner[s] != src}) for src in objs}
    bad = 0
    if graph:
        for src in sorted(edges):
            print(f"{src} -> {', '.join(edges[src])}")
    for comp in sccs(list(objs), edges):
        if len(comp) > 1:
            bad += 1
            print("circle: " + " <-> ".join(comp))
            for a in comp:
                for b in edges[a]:
                    if b in comp:
                        why = sorted(s for s in uses[a] if owner.get(s) == b)[:4]
                        print(f"    {a} uses {b}: {', '.join(why)}")
    for src in sorted(edges):
        la = layer(src)
        for dst in edges[src]:
            lb = layer(dst)
            if la and lb and la != lb and LAYERS[lb] >= LAYERS[la]:
                bad += 1
                why = sorted(s for s in uses[src] if owner.get(s) == dst)[:4]
                print(f"layering: {src} ({la}) uses {dst} ({lb}): {', '.join(why)}")
            if la and not lb:
                bad += 1
                print(f"layering: {src} (lib) uses {dst} (an executable)")
    long_files, long_fns = [], []
    for root in ("lib", "broker", "worker", "tools", "include"):
        for r, _, files in os.walk(os.path.join(srcdir, root)):
            for f in files:
                if f.endswith((".c", ".h")):
                    p = os.path.join(r, f)
                    with open(p, encoding="utf-8", errors="replace") as fh:
                        n = sum(1 for _ in fh)
                    if n > max_lines:
                        long_files.append((n, os.path.relpath(p, srcdir)))
                    if f.endswith(".c"):
                        for name, line, length in functions(p):
                            if length > max_fn and name not in EXEMPT:
                                long_fns.append((length, f"{os.path.relpath(p, srcdir)}:{line} {name}"))
    for n, p in sorted(long_files, reverse=True):
        bad += 1
        print(f"long file: {p} has {n} lines (limit {max_lines})")
    for n, where in sorted(long_fns, reverse=True):
        bad += 1
        print(f"long function: {where} has {n} lines (limit {max_fn})")
    print(f"layout: {len(objs)} files, {sum(len(e) for e in edges.values())} uses between them, "
          f"{bad} problem{'s' if bad != 1 else ''}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
