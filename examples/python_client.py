#!/usr/bin/python3
"""python_client.py: a wiretag client in Python, written from docs/PROTOCOL.md.

Needs only Debian's python3-zmq and python3-msgpack
(sudo apt-get install -y python3-zmq python3-msgpack), run by Debian's
/usr/bin/python3 (a pyenv or virtualenv python3 does not see them):

    /usr/bin/python3 examples/python_client.py \
        --producers tcp://127.0.0.1:5555 --subscribers tcp://127.0.0.1:5557 \
        --replay tcp://127.0.0.1:5558 [items.jsonl ...]

It subscribes to the annotated results first, sends each input item (PUT,
waits for its ACK, resends with the same id on a timeout), then prints the
annotated result of each item it sent, as JSON Lines (--json) or one line
per item. Results it may have missed on the live stream (a slow start, the
publisher's high-water mark) are fetched with REPLAY from the first
sequence number it saw acknowledged in the broker's result log: the Clone
pattern (subscribe, then replay, then drop duplicates by sequence number).
With no input file it sends three short demo items. With CURVE on the
broker, pass --curve-key (this client's .key) and --curve-server (the
broker's .pub).
"""
import argparse
import json
import sys
import time

import msgpack
import zmq

VERSION = 1            # protocol version, in every header
TOPIC = b"wt.result"   # subscription prefix of the result stream


def read_keys(path):
    """A `wiretag keygen` file: lines `public-key = "Z85"`, `secret-key = "Z85"`."""
    keys = {}
    with open(path) as f:
        for line in f:
            if "=" in line and not line.lstrip().startswith("#"):
                k, v = line.split("=", 1)
                keys[k.strip()] = v.strip().strip('"').strip("'").encode()
    return keys


def secure(sock, curve):
    """CURVE client: our key pair and the broker's public key (SECURITY.md)."""
    if curve:
        mine, server = curve
        sock.curve_publickey = mine["public-key"]
        sock.curve_secretkey = mine["secret-key"]
        sock.curve_serverkey = server["public-key"]


def pack(d):
    return msgpack.packb(d, use_bin_type=True)


def unpack(b):
    return msgpack.unpackb(b, raw=False)


def header(cmd, **fields):
    """Frame H: a MessagePack map with v and cmd first."""
    h = {"v": VERSION, "cmd": cmd}
    h.update(fields)
    return pack(h)


class Producer:
    """PUT items on the producer endpoint (DEALER -> ROUTER), one ACK each."""

    def __init__(self, ctx, endpoint, timeout=5.0, retries=5, curve=None):
        self.sock = ctx.socket(zmq.DEALER)
        self.sock.setsockopt(zmq.LINGER, 0)
        secure(self.sock, curve)
        self.sock.connect(endpoint)
        self.corr = 0
        self.timeout = timeout
        self.retries = retries

    def put(self, item):
        """Send one item; return the ACK header (id, seq, dup). Raises on NAK."""
        self.corr += 1
        corr = self.corr
        payload = pack(item)
        for attempt in range(self.retries):
            self.sock.send_multipart([header("PUT", corr=corr), payload])
            deadline = time.time() + self.timeout
            while time.time() < deadline:
                if not self.sock.poll(int(max(0.0, deadline - time.time()) * 1000)):
                    break
                frames = self.sock.recv_multipart()
                h = unpack(frames[0])
                if h.get("corr") != corr:
                    continue  # a late answer to an earlier attempt
                if h["cmd"] == "ACK":
                    return h
                if h["cmd"] == "NAK":
                    if h.get("code") == "EFULL":  # back-pressure: try again later
                        time.sleep(0.2)
                        break
                    raise RuntimeError("item %r refused: %s %s" % (item.get("id"), h.get("code"),
                                                                    h.get("reason", "")))
            # no answer: send again with the same id; the broker deduplicates
        raise TimeoutError("no ACK for item %r after %d attempts" % (item.get("id"), self.retries))

    def close(self):
        self.sock.close()


class Results:
    """The result stream (SUB) plus replay (DEALER -> ROUTER): Clone pattern."""

    def __init__(self, ctx, sub_ep, replay_ep, curve=None):
        self.sub = ctx.socket(zmq.SUB)
        self.sub.setsockopt(zmq.LINGER, 0)
        secure(self.sub, curve)
        self.sub.setsockopt(zmq.SUBSCRIBE, TOPIC)
        self.sub.connect(sub_ep)
        self.ctl = ctx.socket(zmq.DEALER)
        self.ctl.setsockopt(zmq.LINGER, 0)
        secure(self.ctl, curve)
        self.ctl.connect(replay_ep)
        self.seen = set()  # result sequence numbers already handled

    def _take(self, hdr, payload, out):
        seq = hdr["seq"]
        if seq in self.seen:
            return  # duplicate (live and replayed): drop by sequence number
        self.seen.add(seq)
        out.append((seq, unpack(payload)))

    def poll_live(self, timeout_ms):
        out = []
        if self.sub.poll(timeout_ms):
            while True:
                try:
                    topic, h, p = self.sub.recv_multipart(zmq.NOBLOCK)
                except zmq.Again:
                    break
                hdr = unpack(h)
                if topic == TOPIC and hdr.get("cmd") == "RESULT":
                    self._take(hdr, p, out)
        return out

    def replay(self, frm, count=1000, timeout=5.0):
        """Every retained result from sequence frm on, in batches until the end."""
        out = []
        corr = 1
        while True:
            self.ctl.send_multipart([header("REPLAY", **{"from": frm, "count": count, "corr": corr})])
            while True:
                if not self.ctl.poll(int(timeout * 1000)):
                    raise TimeoutError("no answer to REPLAY")
                frames = self.ctl.recv_multipart()
                h = unpack(frames[0])
                if h.get("corr", corr) != corr:
                    continue
                if h["cmd"] == "RESULT":
                    self._take(h, frames[1], out)
                elif h["cmd"] == "REPLAY_END":
                    break
                elif h["cmd"] in ("ERROR", "NAK"):
                    raise RuntimeError("REPLAY refused: %s %s" % (h.get("code"), h.get("reason")))
            # next: where to go on; last: the newest result sequence number
            if h["next"] > h["last"] or h["next"] <= frm:
                return out
            frm = h["next"]
            corr += 1

    def stats(self, timeout=5.0):
        self.ctl.send_multipart([header("STATS", corr=99)])
        while self.ctl.poll(int(timeout * 1000)):
            h = unpack(self.ctl.recv_multipart()[0])
            if h["cmd"] == "STATS" and h.get("corr") == 99:
                return h["stats"]
        raise TimeoutError("no answer to STATS")

    def close(self):
        self.sub.close()
        self.ctl.close()


DEMO = [
    {"id": "py-demo-1", "published": "2024-03-08",
     "text": "The foreign minister of France met the Chinese ambassador in Paris on Friday."},
    {"id": "py-demo-2",
     "text": "\"We will keep the plant open,\" the company's chief executive said on Monday."},
    {"id": "py-demo-3", "title": "Budget vote",
     "text": "Lawmakers in Germany approved a budget that raises spending on schools and roads."},
]


def read_items(paths):
    items = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                line = line.strip()
                if not line:
                    continue
                d = json.loads(line)
                if "id" not in d:
                    d["id"] = "%s:%d" % (path, n)  # the broker hashes the text otherwise
                items.append(d)
    return items


def summary(seq, r):
    actors = ", ".join("%s (%s%s)" % (a["name"], a["type"], "/" + a["country"] if a.get("country") else "")
                       for a in r.get("actors", []))
    issues = ", ".join(i["id"] for i in r.get("issues", []))
    quotes = len(r.get("quotes", []))
    return "#%d %s: actors [%s] issues [%s] quotes %d" % (seq, r.get("id"), actors, issues, quotes)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--producers", default="tcp://127.0.0.1:5555")
    ap.add_argument("--subscribers", default="tcp://127.0.0.1:5557")
    ap.add_argument("--replay", default="tcp://127.0.0.1:5558")
    ap.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for all results")
    ap.add_argument("--json", action="store_true", help="print each result as one JSON line")
    ap.add_argument("--curve-key", help="CURVE: this client's .key file (wiretag keygen)")
    ap.add_argument("--curve-server", help="CURVE: the broker's .pub file")
    ap.add_argument("files", nargs="*", help="JSON Lines files of input items (default: demo items)")
    args = ap.parse_args()

    curve = None
    if args.curve_key or args.curve_server:
        if not (args.curve_key and args.curve_server):
            ap.error("CURVE needs both --curve-key and --curve-server")
        curve = (read_keys(args.curve_key), read_keys(args.curve_server))
    ctx = zmq.Context()
    results = Results(ctx, args.subscribers, args.replay, curve)  # subscribe first
    producer = Producer(ctx, args.producers, curve=curve)
    items = read_items(args.files) if args.files else DEMO
    # The result log position before we send: our results can only come after it.
    start = results.stats()["last_rseq"] + 1
    wanted = set()
    for it in items:
        ack = producer.put(it)
        wanted.add(ack["id"])
        print("ACK %s seq %d%s" % (ack["id"], ack["seq"], " (already known)" if ack.get("dup") else ""),
              file=sys.stderr)

    got = {}
    pending = list(results.replay(start))  # what was published before we listened
    deadline = time.time() + args.timeout
    while wanted - set(got) and time.time() < deadline:
        pending += results.poll_live(200)
        if not pending:
            # a quiet stream, or live messages we missed: ask the log from the
            # first sequence number we have not handled
            nxt = start
            while nxt in results.seen:
                nxt += 1
            pending += results.replay(nxt)
        for seq, r in sorted(pending, key=lambda x: x[0]):
            if r.get("id") in wanted and r["id"] not in got:
                got[r["id"]] = (seq, r)
        pending = []
    for rid in sorted(got, key=lambda k: got[k][0]):
        seq, r = got[rid]
        if args.json:
            r = dict(r)
            r["seq"] = seq
            print(json.dumps(r, ensure_ascii=False))
        else:
            print(summary(seq, r))
    producer.close()
    results.close()
    ctx.term()
    missing = wanted - set(got)
    if missing:
        print("no result for %d item(s): %s" % (len(missing), ", ".join(sorted(missing))), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
