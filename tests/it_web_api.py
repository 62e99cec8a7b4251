"""it_web_api.py: `wiretag web` without a browser: its history, its live
Server-Sent Events, its routes and its refusals, over plain HTTP.

1. A CURVE broker (allow-list with the worker's and the view's keys) with
   8 results already; `wiretag web -c ... --history 5`: /api/items holds
   exactly results 4..8 (REPLAY of the last 5), each once, in seq order.
2. /events: the stream starts with those 5 "item" events and a "health"
   event (the broker's STATS: 1 worker); 3 items fed afterwards arrive on
   the open stream, live, and /api/items then holds 7..11 (oldest dropped).
   A view whose subscriber endpoint is dead still gets every result (STATS
   shows them, REPLAY fetches them): the path of a lost tail.
3. Routes: / is the page with a Content-Security-Policy and nosniff, /app.js
   is JavaScript, /nope is 404, POST is 405.
4. Refusals: a taken port and a bad --listen exit 2 with a sentence; the
   view with a key the broker does not allow receives nothing.
5. SIGTERM with a stream open: exit 0.
"""
import json
import os
import signal
import socket
import subprocess
import urllib.error
import urllib.request

import harness as H


def get(url, method="GET"):
    req = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, dict(r.headers), r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), ""


def start_web(procs, b, name, cfg, extra=()):
    p = procs.start([H.binary("wiretag"), "web", "-c", cfg, "--broker", b.ep["subscribers"],
                     "--replay", b.ep["replay"], "--listen", "127.0.0.1:0"] + list(extra), name)
    found = []

    def up():
        for line in procs.log(name).splitlines():
            if "open http://" in line:
                found.append(line.split("open ")[1].split()[0])
        return bool(found) or p.poll() is not None
    H.wait_for(up, 20, "wiretag web to listen")
    H.check(found, "wiretag web exited %s: %s" % (p.returncode, procs.log(name)))
    return p, found[0]


class Events:
    """A Server-Sent Events reader on a raw socket (no buffering surprises)."""

    def __init__(self, base):
        host, port = base.split("//")[1].rstrip("/").split(":")
        self.s = socket.create_connection((host, int(port)), timeout=20)
        # HTTP/1.0: the stream comes unchunked until the server closes it
        self.s.sendall(b"GET /events HTTP/1.0\r\nAccept: text/event-stream\r\n\r\n")
        self.buf = b""
        while b"\r\n\r\n" not in self.buf:
            chunk = self.s.recv(65536)
            H.check(chunk, "no HTTP response")
            self.buf += chunk
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        H.check(head.startswith(b"HTTP/1.") and b" 200 " in head.split(b"\r\n")[0] and
                b"text/event-stream" in head, "events response: %r" % head)

    def next(self):
        """(event, data) of the next event, skipping comments."""
        while True:
            while b"\n\n" not in self.buf:
                chunk = self.s.recv(65536)
                H.check(chunk, "event stream closed")
                self.buf += chunk
            block, self.buf = self.buf.split(b"\n\n", 1)
            ev, data = None, []
            for line in block.decode("utf-8").split("\n"):
                line = line.rstrip("\r")
                if line.startswith("event: "):
                    ev = line[7:]
                elif line.startswith("data: "):
                    data.append(line[6:])
            if ev:
                return ev, json.loads("\n".join(data))


def test(tmp, procs, new_broker):
    b, vcfg, ocfg = H.curve_pipeline(tmp, procs, new_broker, "view")
    first = os.path.join(tmp, "first.jsonl")
    H.write_items(first, 8, prefix="a")
    H.feed(procs, b, [first], extra=["-c", vcfg])

    def published():
        p = subprocess.run([H.binary("wiretag"), "stats", "-c", vcfg, "--broker", b.ep["replay"],
                            "--json", "--timeout", "1000"], capture_output=True, text=True)
        return json.loads(p.stdout)["counters"]["published"] if p.returncode == 0 else -1
    H.wait_for(lambda: published() == 8, 30, "8 results")

    # 1. history
    web, base = start_web(procs, b, "web", vcfg, ["--history", "5"])
    H.wait_for(lambda: len(json.loads(get(base + "api/items")[2])) == 5, 20, "5 items in the history")
    items = json.loads(get(base + "api/items")[2])
    H.check([r["seq"] for r in items] == [4, 5, 6, 7, 8], "history seqs %r" % [r["seq"] for r in items])
    H.check([r["item"]["id"] for r in items] == ["a-%d" % i for i in range(3, 8)],
            "history ids %r" % [r["item"]["id"] for r in items])
    H.check(all(r["item"]["seq"] == r["seq"] for r in items), "item seq != result seq")

    # 2. the stream: history, health, then live
    H.wait_for(lambda: json.loads(get(base + "api/health")[2]).get("ok"), 20, "health from STATS")
    ev = Events(base)
    got = [ev.next() for _ in range(6)]
    H.check([e for e, _ in got] == ["item"] * 5 + ["health"], "stream starts with %r" % [e for e, _ in got])
    H.check([d["seq"] for _, d in got[:5]] == [4, 5, 6, 7, 8], "stream history %r" % got[:5])
    H.check(got[5][1]["ok"] and got[5][1]["stats"]["workers_count"] == 1, "health %r" % got[5][1])
    more = os.path.join(tmp, "more.jsonl")
    H.write_items(more, 3, prefix="b")
    H.feed(procs, b, [more], name="feed-more", extra=["-c", vcfg])
    live = []
    while len(live) < 3:
        e, d = ev.next()
        if e == "item":
            live.append(d["item"]["id"])
    H.check(sorted(live) == ["b-0", "b-1", "b-2"], "live items %r" % live)
    items = json.loads(get(base + "api/items")[2])
    H.check([r["seq"] for r in items] == [7, 8, 9, 10, 11], "history after %r" % [r["seq"] for r in items])

    # a view that never hears the live stream (its subscriber endpoint is
    # dead) still gets every result: STATS shows them, REPLAY fetches them
    deaf = dict(b.ep, subscribers="tcp://127.0.0.1:9")
    _, dbase = start_web(procs, type("B", (), {"ep": deaf})(), "web-deaf", vcfg, ["--history", "100"])
    H.wait_for(lambda: [r["seq"] for r in json.loads(get(dbase + "api/items")[2])] == list(range(1, 12)),
               30, "the deaf view to catch up by REPLAY")
    late = os.path.join(tmp, "late.jsonl")
    H.write_items(late, 2, prefix="c")
    H.feed(procs, b, [late], name="feed-late", extra=["-c", vcfg])
    H.wait_for(lambda: [r["item"]["id"] for r in json.loads(get(dbase + "api/items")[2])][-2:] ==
               ["c-0", "c-1"], 30, "the deaf view to get the new results")

    # 3. routes
    st, h, body = get(base)
    H.check(st == 200 and body.startswith("<!doctype html>"), "page: %d" % st)
    H.check("script-src 'self'" in h.get("Content-Security-Policy", ""), "CSP: %r" % h)
    H.check(h.get("X-Content-Type-Options") == "nosniff", "nosniff: %r" % h)
    st, h, body = get(base + "app.js")
    H.check(st == 200 and h["Content-Type"].startswith("text/javascript") and "EventSource" in body,
            "app.js: %d %r" % (st, h.get("Content-Type")))
    H.check(get(base + "nope")[0] == 404, "404")
    H.check(get(base + "api/items", "POST")[0] == 405, "405")

    # 4. refusals
    port = base.rstrip("/").rsplit(":", 1)[1]
    for listen, want in (("127.0.0.1:" + port, "Address already in use"), ("127.0.0.1:x", "HOST:PORT")):
        p = subprocess.run([H.binary("wiretag"), "web", "--listen", listen], capture_output=True,
                           text=True, timeout=20)
        H.check(p.returncode == 2 and want in p.stderr, "--listen %s: %d %s" % (listen, p.returncode, p.stderr))
    _, obase = start_web(procs, b, "web-outsider", ocfg)

    def refused():  # both of its sockets were turned away by the allow-list
        p = subprocess.run([H.binary("wiretag"), "stats", "-c", vcfg, "--broker", b.ep["replay"],
                            "--json", "--timeout", "1000"], capture_output=True, text=True)
        return p.returncode == 0 and json.loads(p.stdout)["curve"]["refused"] >= 2
    H.wait_for(refused, 20, "the broker to refuse the outsider's keys")
    H.check(json.loads(get(obase + "api/items")[2]) == [], "an outsider got items")
    H.check(not json.loads(get(obase + "api/health")[2]).get("ok"), "an outsider got STATS")

    # 5. a clean stop with a stream open
    web.send_signal(signal.SIGTERM)
    H.check(web.wait(20) == 0, "web exit %s: %s" % (web.returncode, procs.log("web")))
    print("history, live stream, routes, CURVE and refusals OK")


H.run_e2e(test)
