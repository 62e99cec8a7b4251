"""it_hostile.py: the hostile-input matrix (issue 7) against a running broker
and worker. Every case must get a clear NAK or ERROR (or, for transport-level
abuse, a dropped connection) and a counter; the broker and the worker must
survive; good traffic sent between and after the cases must be ACKed and
published exactly once."""
import harness as H
from harness import header as hdr, msgpack, zmq

check = H.Checks()


def raw_map(pairs):
    """A MessagePack map built by hand (to allow duplicate keys)."""
    out = bytes([0x80 | len(pairs)])
    for k, v in pairs:
        out += msgpack.packb(k) + msgpack.packb(v)
    return out


def nested(depth):
    v = {}
    for _ in range(depth):
        v = {"a": v}
    return v


def wait_for(cond, seconds, what):
    """Poll cond until it holds; False (and a failed check naming what, if any) at the timeout."""
    ok = H.poll_until(cond, seconds)
    if not ok and what:
        check(False, f"timed out after {seconds} s waiting for {what}")
    return ok


def test(tmp, procs, new_broker):
    b = new_broker(text="log:\n  level: warn\n").start()
    ctx = zmq.Context.instance()
    w = H.start_worker(procs, b, "worker", threads=1)
    sub = H.Subscriber(ctx, b, hwm=0)
    wait_for(lambda: H.stats(b).get("subscriptions", 0) >= 1, 30, "the subscription to reach the broker")
    prod = H.Client(ctx, b.ep["producers"])
    good_sent = []

    def good(i):
        item = {"id": f"good-{i}", "text": f"Minister Lena Ortiz said on day {i} that talks would resume."}
        h = prod.request([hdr("PUT", corr=10_000 + i), msgpack.packb(item)], 30)
        check(h is not None and h.get("cmd") == "ACK", f"good item {i} ACKed between hostile cases")
        good_sent.append(item["id"])

    def put_case(name, frames, codes, allow_silence=False):
        c = H.Client(ctx, b.ep["producers"])
        h = c.request(frames, 4 if allow_silence else 30)
        c.close()
        if h is None:
            check(allow_silence, f"{name}: no reply (connection dropped)" + ("" if allow_silence else " but a NAK was due"))
        else:
            ok = h.get("cmd") == "NAK" and (not codes or h.get("code") in codes)
            check(ok, f"{name}: {h.get('cmd')} {h.get('code')} ({h.get('reason', '')[:60]}) expected NAK {codes}")
        check(b.alive(), f"{name}: broker alive")

    item = lambda **kw: msgpack.packb(kw)  # noqa: E731
    cases = [
        ("malformed header bytes", [b"\xc1\xc1\xc1", item(text="x")], {"ESYNTAX", "ETRUNCATED", "ETYPE"}),
        ("header is an array", [msgpack.packb([1, "PUT"]), item(text="x")], {"ETYPE", "ESYNTAX"}),
        ("wrong protocol version", [msgpack.packb({"v": 2, "cmd": "PUT", "corr": 1}), item(text="x")], {"EVERSION"}),
        ("unknown command", [hdr("FROBNICATE", corr=1)], {"ECOMMAND"}),
        ("PUT without item frame", [hdr("PUT", corr=1)], {"EFRAMES"}),
        ("PUT with extra frames", [hdr("PUT", corr=1), item(text="x"), b"extra"], {"EFRAMES"}),
        ("item is not MessagePack", [hdr("PUT", corr=1), b"\xc1garbage"], set()),
        ("item is an array", [hdr("PUT", corr=1), msgpack.packb(["text"])], {"ETYPE"}),
        ("text has the wrong type", [hdr("PUT", corr=1), item(text=42)], {"ETYPE"}),
        ("text missing", [hdr("PUT", corr=1), item(title="no text")], {"EMISSING"}),
        ("text empty", [hdr("PUT", corr=1), item(text="")], {"EEMPTY"}),
        ("invalid UTF-8 in text", [hdr("PUT", corr=1), b"\x81\xa4text\xa3\xff\xfe\xfd"], {"EUTF8"}),
        ("NUL byte in text", [hdr("PUT", corr=1), item(text="a\x00b")], {"ENUL"}),
        ("meta nested 100 deep", [hdr("PUT", corr=1), item(text="x", meta=nested(100))], {"EDEPTH"}),
        ("array count far beyond the bytes", [hdr("PUT", corr=1), b"\x82\xa4text\xa1x\xa4meta\xdd\xff\xff\xff\xff"], {"ECOUNT", "ETRUNCATED"}),
        ("string length beyond the bytes", [hdr("PUT", corr=1), b"\x81\xa4text\xdb\x7f\xff\xff\xff"], {"ECOUNT", "ETRUNCATED", "ETOOBIG"}),
        ("trailing bytes after the item", [hdr("PUT", corr=1), item(text="x") + b"\x00"], {"ETRAILING"}),
        ("duplicate key", [hdr("PUT", corr=1), raw_map([("text", "a"), ("text", "b")])], {"EDUPKEY"}),
        ("non-string key", [hdr("PUT", corr=1), b"\x81\x01\xa1x"], {"EBADKEY", "ETYPE"}),
        ("id of 5,000 bytes", [hdr("PUT", corr=1), item(text="x", id="i" * 5000)], {"ETOOBIG"}),
        ("text over the 1 MiB limit", [hdr("PUT", corr=1), item(text="a " * 600_000)], {"ETOOBIG"}),
        ("header with trailing bytes", [hdr("PUT", corr=1) + b"\x00", item(text="x")], {"ETRAILING"}),
        ("corr of the wrong type", [msgpack.packb({"v": 1, "cmd": "PUT", "corr": "one"}), item(text="x")], {"ETYPE"}),
    ]
    for k, (name, frames, codes) in enumerate(cases):
        put_case(name, frames, codes)
        if k % 6 == 5:
            good(k)
    # 10 MB text: above max message size, libzmq drops the connection (or we NAK)
    put_case("10 MB text", [hdr("PUT", corr=1), item(text="b" * 10_000_000)], {"ETOOBIG"}, allow_silence=True)
    good(100)

    # texts that are valid but pathological: ACKed and annotated
    for name, text in (("100,000 quote marks", "\u201c\u201d " * 50_000), ("one 1 MB token", "x" * 1_000_000)):
        h = prod.request([hdr("PUT", corr=7), item(id=name, text=text)], 30)
        check(h is not None and h.get("cmd") == "ACK", f"{name}: ACKed")
        good_sent.append(name)

    # workers socket: garbage, DONE for an unknown or finished job, wrong direction
    fw = H.Client(ctx, b.ep["workers"])
    fw.send_raw([b"\x00\x01garbage"])
    h = (fw.recv(20) or (None,))[0]
    check(h is not None and h.get("cmd") == "ERROR", f"garbage on the workers socket: {h and h.get('code')}")
    h = fw.request([hdr("READY", credit=0, name="fake", threads=1, dictionaries="x")], 1)
    # A DONE for a job that is not (or no longer) in flight is what a slow
    # worker sends after its job was re-dispatched and finished elsewhere: the
    # broker drops the result and counts it (late_done), or answers ERROR.
    st0 = H.stats(b)
    late_before = st0.get("counters", {}).get("late_done", 0) + sum(st0.get("errors", {}).values())
    h = fw.request([hdr("DONE", job=987654321), msgpack.packb({"id": "z", "text": "z"})], 10)

    def late_now():
        st1 = H.stats(b)
        return st1.get("counters", {}).get("late_done", 0) + sum(st1.get("errors", {}).values())

    if not (h is not None and h.get("cmd") == "ERROR"):  # dropped silently: counted soon
        wait_for(lambda: late_now() > late_before, 30, None)
    late_after = late_now()
    check((h is not None and h.get("cmd") == "ERROR") or late_after > late_before,
          f"DONE for an unknown job: dropped and counted (late_done+errors {late_before} -> {late_after})")
    h = fw.request([hdr("ACK", corr=1, id="x", seq=1, dup=False)], 20)
    check(h is not None and h.get("cmd") == "ERROR", f"producer command on the workers socket: {h and h.get('code')}")
    fw.close()

    # replay socket: garbage and an absurd count
    rc = H.Client(ctx, b.ep["replay"])
    h = rc.request([b"\xff\xff"], 20)
    check(h is not None and h.get("cmd") == "ERROR", f"garbage on the replay socket: {h and h.get('code')}")
    rc.send("REPLAY", corr=2, **{"from": 1, "count": 4_000_000_000})
    n_results, end = 0, None
    while True:
        r = rc.recv(30)
        if r is None:
            break
        h = r[0]
        if h["cmd"] == "REPLAY_END":
            end = h
            break
        n_results += 1
    check(end is not None, f"REPLAY with count 4e9 is capped and ends ({n_results} results)")
    rc.close()

    # subscriber spamming subscriptions
    spam = ctx.socket(zmq.SUB)
    spam.setsockopt(zmq.LINGER, 0)
    spam.setsockopt(zmq.SNDHWM, 0)  # else libzmq sends only the first 1,000
    spam.connect(b.ep["subscribers"])
    for k in range(5000):
        spam.setsockopt(zmq.SUBSCRIBE, f"topic-{k}".encode())
    got_all = wait_for(lambda: H.stats(b).get("subscriptions", 0) >= 5001, 60, None)
    count = H.stats(b).get("subscriptions")
    spam.close()
    check(b.alive(), "subscriber spamming 5,000 subscriptions: broker alive")
    check(got_all, f"the broker counted the 5,000 subscriptions ({count})")

    # a producer flooding without reading ACKs
    flood = ctx.socket(zmq.DEALER)
    flood.setsockopt(zmq.LINGER, 0)
    flood.setsockopt(zmq.SNDHWM, 0)
    flood.connect(b.ep["producers"])
    for k in range(3000):
        flood.send_multipart([hdr("PUT", corr=k), item(id=f"flood-{k}", text=f"Flood item {k} said nothing.")])
    good(200)
    flood.close()
    check(b.alive(), "flooding producer: broker alive")

    # every good item published exactly once
    sub.gather(90, until=lambda s: set(good_sent) <= s.seen_ids)
    sub.gather(1.0)  # a moment more: a duplicate would show here
    ids = sub.ids()
    for gid in good_sent:
        check(ids.count(gid) == 1, f"{gid[:30]} published exactly once ({ids.count(gid)})")
    check(sub.dups == 0, f"no sequence number published twice ({sub.dups})")
    check(w.poll() is None, "worker alive after the matrix")
    st = H.stats(b)
    errs = st.get("errors", {})
    check(sum(errs.values()) >= len(cases), f"error counters count every case: {errs}")
    sub.close()
    prod.close()
    check.done("hostile matrix: all cases handled")


H.run_e2e(test, seconds=290)
