"""it_docs_match.py: the docs match the code (issue 13, smaller list): every
dotted configuration key named in README.md and docs/*.md exists in the
configuration table (lib/core/config.c) — `broker.max_message_bytes` did not —,
no doc links to a file the repository does not have (ARCHITECTURE.md), and
each client's --help lists its exit status 2."""
import glob
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as H
from harness import check  # noqa: E402

src = os.environ.get("WT_SOURCE", ".")
keys = set(re.findall(r'^\s*\{"([a-z_]+\.[a-z_.]+)", T_', open(os.path.join(src, "lib/core/config.c")).read(),
                      re.M))
check(len(keys) > 30, "config table not found (%d keys)" % len(keys))
sections = {k.split(".")[0] for k in keys}
docs = [os.path.join(src, "README.md")] + sorted(glob.glob(os.path.join(src, "docs/*.md")))
bad = []
for d in docs:
    text = open(d).read()
    for m in re.finditer(r"`([a-z_]+)\.([a-z_]+)`", text):
        key = m.group(1) + "." + m.group(2)
        if m.group(2) in ("yaml", "yml", "txt", "md", "json", "jsonl", "sh", "py", "c", "h"):
            continue  # a file name
        if m.group(1) in sections and key not in keys:
            bad.append("%s: `%s`" % (os.path.relpath(d, src), key))
    for m in re.finditer(r"\b([A-Z][A-Z_]+\.md)\b", text):
        name = m.group(1)
        if not (os.path.exists(os.path.join(src, "docs", name)) or
                os.path.exists(os.path.join(src, name))):
            bad.append("%s: names %s, which the repository does not have" %
                       (os.path.relpath(d, src), name))
check(not bad, "docs do not match the code:\n  " + "\n  ".join(sorted(set(bad))))

wt = H.binary("wiretag")
for cmd in ("feed", "sub", "stats", "dead"):
    out = subprocess.run([wt, cmd, "--help"], capture_output=True, text=True, timeout=30).stdout
    check(re.search(r"\b2 usage error", out) or "2 usage" in out,
          "wiretag %s --help does not list exit status 2:\n%s" % (cmd, out))
print("PASS")
