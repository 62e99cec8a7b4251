#!/usr/bin/env python3
"""it_layout: the tree keeps the architecture docs/LAYOUT.md shows.

Runs scripts/layout.py over this build's objects: no import circle between
files, no lib/ file using a concern above its own, no source file over 1,200
lines, no function body over 120 lines (flat tables excepted, listed in
scripts/layout.py). A failure names the file and the symbols that break it.
"""
import os
import shutil
import subprocess
import sys

src = os.environ.get("WT_SOURCE", os.getcwd())
build = os.environ.get("WT_BUILD", os.path.join(src, "build"))
if not shutil.which("nm"):
    print("SKIP: nm (binutils) not installed: sh scripts/deps.sh build")
    sys.exit(77)
res = subprocess.run([sys.executable, os.path.join(src, "scripts", "layout.py"), build],
                     cwd=src, capture_output=True, text=True, env=dict(os.environ, WT_SOURCE=src))
print(res.stdout, end="")
print(res.stderr, end="", file=sys.stderr)
if res.returncode != 0:
    print("FAIL: the layout check found problems (above); see docs/LAYOUT.md")
    sys.exit(1)
print("PASS: layout clean")
