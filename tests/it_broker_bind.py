#!/usr/bin/env python3
"""it_broker_bind.py: an open broker is never on the network by accident.

- The built-in defaults and config/wiretag.yaml bind 127.0.0.1 only.
- With CURVE off, a non-loopback bind (tcp://*, 0.0.0.0, an interface name)
  refuses to start with a message naming the endpoint and the ways out,
  and binds nothing.
- broker.insecure_public: true or --insecure-public lets it start, with a
  loud INSECURE warning per open endpoint.
- The START line says curve=on|off; loopback, ipc:// and 127.x binds start
  without a warning.
Ports: ephemeral (tcp://...:*), so nothing here clashes with a real broker.
"""
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import broker_bin, check, fail, tempdir  # noqa: E402

BIN = broker_bin()
SRC = os.environ.get("WT_SOURCE", ".")
TMP = tempdir("wt-it-bind-")
ROLES = ("producers", "workers", "subscribers", "replay")


def run(eps, extra=(), config=None, expect_start=True):
    """Start the broker; return (started, log text). Stops it again."""
    ready = os.path.join(TMP, "ready.json")
    if os.path.exists(ready):
        os.unlink(ready)
    journal = tempfile.mkdtemp(prefix="j-", dir=TMP)
    args = [BIN, "--journal", journal, "--ready-file", ready]
    if config:
        args += ["-c", config]
    for role, ep in zip(ROLES, eps):
        if ep:
            args += ["--" + role, ep]
    args += list(extra)
    log = os.path.join(TMP, "broker.log")
    with open(log, "w") as f:
        p = subprocess.Popen(args, stdout=f, stderr=f)
    deadline = time.time() + 10
    started = False
    while time.time() < deadline:
        if os.path.exists(ready) and os.path.getsize(ready) > 0:
            started = True
            break
        if p.poll() is not None:
            break
        time.sleep(0.02)
    if p.poll() is None:
        p.terminate()
        p.wait(10)
    with open(log) as f:
        text = f.read()
    if started != expect_start:
        fail("%s: started=%s, expected %s; log:\n%s" % (" ".join(args), started, expect_start, text))
    if not started:
        check(p.returncode != 0, "a refused broker must exit non-zero")
    return text


def start_line(text):
    m = re.search(r"cmd=START .*", text)
    check(m is not None, "no START line:\n" + text)
    return m.group(0)


LOOP = ["tcp://127.0.0.1:*"] * 4

# 1. the defaults (built-in and the shipped file) are loopback
out = subprocess.run([BIN, "--help"], capture_output=True, text=True).stdout
check("tcp://127.0.0.1:5555" in out and "tcp://*:5555" not in out,
      "--help must show loopback defaults:\n" + out)
cfg = os.path.join(SRC, "config", "wiretag.yaml")
with open(cfg) as f:
    shipped = f.read()
for role, port in zip(ROLES, range(5555, 5559)):
    check(re.search(r"^\s+%s: tcp://127\.0\.0\.1:%d$" % (role, port), shipped, re.M),
          "config/wiretag.yaml: broker.%s is not tcp://127.0.0.1:%d" % (role, port))
check(re.search(r"^\s+insecure_public: false$", shipped, re.M),
      "config/wiretag.yaml must list broker.insecure_public: false")

# 2. loopback, 127.x and ipc:// start quietly, START says curve=off
text = run(LOOP)
line = start_line(text)
check("curve=off" in line, "START must say curve=off: " + line)
check("INSECURE" not in text, "a loopback broker must not warn:\n" + text)
text = run(["tcp://127.0.0.2:*", "tcp://127.0.0.1:*", "ipc://%s/sub.sock" % TMP,
            "tcp://127.0.0.1:*"])
check("INSECURE" not in text, "127.0.0.2 and ipc:// are local:\n" + text)

# 3. a public bind with CURVE off is refused, with the way out, and binds nothing
for ep, role in (("tcp://*:*", 0), ("tcp://0.0.0.0:*", 2), ("tcp://*:*", 3)):
    eps = list(LOOP)
    eps[role] = ep
    text = run(eps, expect_start=False)
    check(ROLES[role] in text and ep in text, "the refusal must name %s %s:\n%s"
          % (ROLES[role], ep, text))
    for hint in ("CURVE", "--insecure-public", "insecure_public", "127.0.0.1"):
        check(hint in text, "the refusal must mention %s:\n%s" % (hint, text))
    check("cmd=START" not in text, "a refused broker must not start:\n" + text)

# 4. allowed explicitly: flag or config key, one loud warning per open endpoint
text = run(["tcp://*:*", "tcp://0.0.0.0:*", "tcp://127.0.0.1:*", "tcp://127.0.0.1:*"],
           extra=["--insecure-public"])
warns = [ln for ln in text.splitlines() if "INSECURE" in ln]
check(len(warns) == 2, "expected 2 INSECURE warnings, got:\n" + text)
check(all(" warn " in w and "OPEN TO THE NETWORK" in w for w in warns),
      "warnings must be at warn level and loud:\n" + "\n".join(warns))
check("curve=off" in start_line(text), "START must say curve=off")
conf = os.path.join(TMP, "open.yaml")
with open(conf, "w") as f:
    f.write("broker:\n  insecure_public: true\n")
text = run(["tcp://*:*", "tcp://127.0.0.1:*", "tcp://127.0.0.1:*", "tcp://127.0.0.1:*"],
           config=conf)
check(sum("INSECURE" in ln for ln in text.splitlines()) == 1, "config key: one warning:\n" + text)

# 5. CURVE on: a public bind needs no flag and START says curve=on
keygen = os.path.join(os.path.dirname(BIN), "wiretag")
kdir = os.path.join(TMP, "keys")
os.makedirs(os.path.join(kdir, "allowed"))
r = subprocess.run([keygen, "keygen", os.path.join(kdir, "broker")], capture_output=True, text=True)
check(r.returncode == 0, "keygen failed: %s" % r.stderr)
conf = os.path.join(TMP, "curve.yaml")
with open(conf, "w") as f:
    f.write("curve:\n  enabled: true\n  secret_key: %s/broker.key\n  allowed_keys: %s/allowed\n"
            % (kdir, kdir))
text = run(["tcp://*:*", "tcp://127.0.0.1:*", "tcp://127.0.0.1:*", "tcp://127.0.0.1:*"],
           config=conf)
check("curve=on" in start_line(text), "START must say curve=on:\n" + text)
check("INSECURE" not in text, "CURVE on: no warning:\n" + text)

print("OK: loopback defaults, public binds refused without --insecure-public, "
      "warned with it, curve=on|off in START")
