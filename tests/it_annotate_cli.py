"""it_annotate_cli.py: `wiretag annotate` as a user drives it (issue 13,
item 13): Ctrl-C (SIGINT) on `annotate > out.jsonl` leaves only whole JSON
lines and exits 130; with no input argument on a terminal it says that it
reads the terminal; the UTF-8 repairs that docs/FORMATS.md promises are
counted on stderr."""
import json
import os
import pty
import select
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as H
from harness import check  # noqa: E402


def main():
    wt = H.binary("wiretag")
    tmp = tempfile.mkdtemp(prefix="wt-annotate-")
    try:
        # SIGINT in the middle of a long run
        items = os.path.join(tmp, "many.jsonl")
        H.write_items(items, 20000)
        out = os.path.join(tmp, "out.jsonl")
        with open(out, "w") as fo:
            p = subprocess.Popen([wt, "annotate", "-q", items], stdout=fo, stderr=subprocess.PIPE)
            end = time.time() + 60
            while os.path.getsize(out) < 20000 and time.time() < end and p.poll() is None:
                time.sleep(0.01)
            check(p.poll() is None, "annotate ended before the signal")
            p.send_signal(signal.SIGINT)
            _, err = p.communicate(timeout=30)
        check(p.returncode == 130, "exit %d after SIGINT: %s" % (p.returncode, err))
        data = open(out, "rb").read()
        check(data.endswith(b"\n"), "output ends with a cut line: ...%r" % data[-80:])
        n = 0
        for line in data.splitlines():
            json.loads(line)
            n += 1
        check(0 < n < 20000, "%d whole lines" % n)
        print("SIGINT after %d items: every line whole; %s" % (n, err.decode().strip()))

        # UTF-8 repairs are counted
        bad = os.path.join(tmp, "latin1.txt")
        with open(bad, "wb") as f:
            f.write(b"The caf\xe9 in Montr\xe9al reopened on Monday.\n")
        p = subprocess.run([wt, "annotate", bad], capture_output=True, text=True, timeout=60)
        check(p.returncode == 0, "annotate latin1: %s" % p.stderr)
        check("2 invalid UTF-8 byte(s)" in p.stderr, "no repair count: %r" % p.stderr)

        # --readable: columns aligned by display width, speakers as written
        item = {"id": "r1", "text": "Sinn F\u00e9in and the Bloc Qu\u00e9b\u00e9cois met Germany. "
                "\"We will not stop,\" Biden said on Monday. The White House said trade talks would "
                "resume."}
        p = subprocess.run([wt, "annotate", "--readable"], input=json.dumps(item) + "\n",
                           capture_output=True, text=True, timeout=60)
        cols = {}
        for line in p.stdout.splitlines():
            for name in ("Sinn F\u00e9in", "Bloc Qu\u00e9b\u00e9cois", "Germany"):
                if line.strip().startswith(name + " "):
                    cols[name] = line.index("organization" if "Germany" not in name else "country")
        check(len(cols) == 3 and len(set(cols.values())) == 1, "columns by width: %r\n%s"
              % (cols, p.stdout))
        check("Biden (Joe Biden)" in p.stdout, "speaker as written: %s" % p.stdout)

        # a folder: README, LICENSE, binary and hidden files are not news items
        folder = os.path.join(tmp, "news")
        os.makedirs(folder)
        with open(os.path.join(folder, "story.txt"), "w") as f:
            f.write("The mayor opened the new bridge on Monday.\n")
        with open(os.path.join(folder, "README.md"), "w") as f:
            f.write("# my crawl\n")
        with open(os.path.join(folder, "LICENSE"), "w") as f:
            f.write("all rights reserved\n")
        with open(os.path.join(folder, "logo.dat"), "wb") as f:
            f.write(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
        with open(os.path.join(folder, ".hidden.txt"), "w") as f:
            f.write("not this\n")
        p = subprocess.run([wt, "annotate", folder], capture_output=True, text=True, timeout=60)
        check(p.returncode == 0 and len(p.stdout.splitlines()) == 1,
              "folder: exit %d, %d items: %s" % (p.returncode, len(p.stdout.splitlines()), p.stderr))
        check("3 file(s) in the folder(s) skipped" in p.stderr, "folder skips: %r" % p.stderr)

        # pretty-printed JSON on stdin: the error says what to do
        p = subprocess.run([wt, "annotate"], input='{\n  "text": "Rain fell."\n}\n',
                           capture_output=True, text=True, timeout=60)
        check(p.returncode == 1 and p.stderr.count("pretty-printed JSON") == 1,
              "pretty stdin: %r" % p.stderr)

        # no input on a terminal: a hint, then it reads the terminal
        pid, fd = pty.fork()
        if pid == 0:
            os.execv(wt, [wt, "annotate", "-q"])
        got = b""
        end = time.time() + 30
        while b"Ctrl-D" not in got and time.time() < end:
            try:
                got += os.read(fd, 4096)
            except OSError:
                break
        check(b"reading items from the terminal" in got, "no hint on a terminal: %r" % got)
        os.write(fd, b'{"text": "Rain fell on Monday."}\n\x04')
        while time.time() < end:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            got += chunk
        _, status = os.waitpid(pid, 0)
        check(os.WEXITSTATUS(status) == 0 and b'"text":"Rain fell on Monday."' in got,
              "terminal run: %r" % got[-300:])
        # and no hint when stdin is not a terminal
        p = subprocess.run([wt, "annotate"], input='{"text":"Rain."}\n', capture_output=True,
                           text=True, timeout=60)
        check("terminal" not in p.stderr and p.returncode == 0, "hint on a pipe: %r" % p.stderr)

        # output is batched, but a pipe fed item by item gets each result
        # before the next item is written (stdin stays open all along); a
        # bad line in between is reported after the results before it
        p = subprocess.Popen([wt, "annotate", "-q"], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        got_lines = []
        for k in range(3):
            p.stdin.write(b'{"id":"s%d","text":"Rain fell on Monday in Paris."}\n' % k)
            if k == 1:
                p.stdin.write(b'{"id": broken\n')
            p.stdin.flush()
            ready, _, _ = select.select([p.stdout], [], [], 60)
            check(bool(ready), "no result for streamed item %d while stdin is open" % k)
            if not ready:
                break
            got_lines.append(json.loads(p.stdout.readline()))
        p.stdin.close()
        rest, err = p.stdout.read(), p.stderr.read()
        p.wait(timeout=60)
        check([r.get("id") for r in got_lines] == ["s0", "s1", "s2"] and rest == b"",
              "streamed results: %r %r" % (got_lines, rest))
        check(p.returncode == 1 and err.count(b"\n") == 2, "streamed run: %r" % err)
    finally:
        subprocess.call(["rm", "-rf", tmp])
    print("PASS")


main()
