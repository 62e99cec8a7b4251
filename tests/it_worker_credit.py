"""it_worker_credit.py: the credit a worker asks for in READY (issue 17).

worker.credit 0 (the default) is 2 x threads, at least 4: with 2, a
single-thread worker had one item running and one waiting, and waited a
whole broker round trip for the next one after every item (its rate was
2 / round trip, not the engine's). An explicit --credit / worker.credit is
taken as it is. A fake broker (a ROUTER) reads each worker's READY.
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import binary, check, unpack, zmq  # noqa: E402


def ready_of(ctx, args):
    """The READY of a worker started with args, read by a fresh fake broker."""
    fake = ctx.socket(zmq.ROUTER)
    fake.setsockopt(zmq.LINGER, 0)
    port = fake.bind_to_random_port("tcp://127.0.0.1")
    w = subprocess.Popen([binary("wiretag-worker"), "--broker", "tcp://127.0.0.1:%d" % port] + args,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        check(fake.poll(60000), "the worker (%s) never sent READY" % " ".join(args))
        hdr = unpack(fake.recv_multipart()[1])
        check(hdr["cmd"] == "READY", "first message %r" % hdr)
        return hdr
    finally:
        w.terminate()
        w.communicate(timeout=30)
        fake.close(0)


def main():
    ctx = zmq.Context.instance()
    tmp = tempfile.mkdtemp(prefix="wt-it-credit-")
    cfg = os.path.join(tmp, "worker.yaml")
    with open(cfg, "w") as f:
        f.write("worker:\n  credit: 3\n")
    cases = [(["--threads", "1"], 4, 1), (["--threads", "3"], 6, 3),
             (["--threads", "1", "--credit", "1"], 1, 1), (["-c", cfg, "--threads", "2"], 3, 2)]
    for args, credit, threads in cases:
        h = ready_of(ctx, args)
        check(h.get("credit") == credit and h.get("threads") == threads,
              "%s: READY credit %r threads %r, want %d and %d" % (" ".join(args), h.get("credit"),
                                                                  h.get("threads"), credit, threads))
        print("%-28s READY credit %d" % (" ".join(args), credit))
    os.unlink(cfg)
    os.rmdir(tmp)
    print("PASS")


main()
