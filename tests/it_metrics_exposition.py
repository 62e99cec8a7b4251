"""it_metrics_exposition.py: GET /metrics of wiretag-broker and
wiretag-worker, read with a strict parser of the Prometheus text format.

A broker (--metrics on 127.0.0.1, port 0, address from the ready file) and
one worker (--metrics 127.0.0.1:0, address from its log) whose name holds a
double quote, a backslash and a newline (label escaping); N items through
`wiretag feed`, one PUT with an empty text (NAK EEMPTY). Then:
- every line parses, families have HELP and TYPE, counters end in _total,
  histograms are cumulative;
- the counters say N accepted, N done, one NAK by code, N latency and N
  annotate observations (the worker's annotate_us reached the broker), the
  worker's series carry its escaped name;
- the worker says N jobs, N done, N annotate observations, N of them
  annotated on its main thread (--threads 1, small items: no hand-over);
- 404 for other paths, 405 for POST; a bad --metrics address is refused at
  start with exit 2; without --metrics the broker listens on no HTTP port.
"""
import json
import os
import re
import signal
import subprocess
import urllib.request

import harness as H
import harness.metrics as M

N = 12
NAME = 'evil"worker\\one\nline'


def test(tmp, procs, new_broker):
    b = new_broker({"metrics": "127.0.0.1:0"}).start()
    H.check("metrics" in b.ep, "ready file lacks metrics: %r" % b.ep)
    burl = "http://%s/metrics" % b.ep["metrics"]
    args = [H.binary("wiretag-worker"), "--broker", b.ep["workers"], "--threads", "1",
            "--name", NAME, "--metrics", "127.0.0.1:0"]
    worker = procs.start(args, "worker")
    wurl = "http://%s/metrics" % M.worker_metrics_address(procs, "worker")

    status, ctype, text = M.get(burl)
    H.check(status == 200 and ctype.startswith("text/plain; version=0.0.4"),
            "broker /metrics: %s %s" % (status, ctype))
    M.parse(text)

    items = os.path.join(tmp, "items.jsonl")
    H.write_items(items, N, prefix="m")
    H.feed(procs, b, [items])
    ctx = H.zmq.Context.instance()
    prod = H.Producer(ctx, b)
    h = prod.put({"id": "empty", "text": ""})
    H.check(h["cmd"] == "NAK" and h["code"] == "EEMPTY", "empty item: %r" % h)
    prod.close()
    H.wait_for(lambda: H.stats(b)["counters"]["published"] == N, 60, "%d results" % N)

    fams = M.parse(M.get(burl)[2])
    want = {
        "wiretag_broker_items_accepted_total": N,
        "wiretag_broker_items_acked_total": N,
        "wiretag_broker_items_done_total": N,
        "wiretag_broker_results_published_total": N,
        "wiretag_broker_put_requests_total": N + 1,
        "wiretag_broker_item_latency_seconds_count": N,
        "wiretag_broker_annotate_seconds_count": N,
        "wiretag_broker_workers": 1,
        "wiretag_broker_queue_depth": 0,
        "wiretag_broker_in_flight": 0,
        "wiretag_broker_last_item_seq": N,
        "wiretag_broker_retained_last_result_seq": N,
    }
    for name, v in want.items():
        H.check(M.value(fams, name) == v, "%s = %s, expected %s" % (name, M.value(fams, name), v))
    H.check(M.value(fams, "wiretag_broker_items_nacked_total", code="EEMPTY") == 1,
            "nacked{code=EEMPTY} = %s" % M.value(fams, "wiretag_broker_items_nacked_total", code="EEMPTY"))
    H.check(M.value(fams, "wiretag_broker_worker_done_total", worker=NAME) == N,
            "worker_done_total{worker=%r}: %r" % (NAME, fams["wiretag_broker_worker_done_total"]))
    H.check(M.value(fams, "wiretag_broker_worker_state", worker=NAME, state="ready") == 1,
            "worker state: %r" % fams["wiretag_broker_worker_state"])
    H.check(M.value(fams, "wiretag_broker_journal_map_bytes") > 0, "journal map bytes")
    H.check(M.value(fams, "wiretag_broker_annotate_seconds_sum") > 0, "annotate sum is 0")

    status, ctype, text = M.get(wurl)
    H.check(status == 200 and ctype.startswith("text/plain; version=0.0.4"),
            "worker /metrics: %s %s" % (status, ctype))
    wf = M.parse(text)
    for name, v in {"wiretag_worker_jobs_received_total": N, "wiretag_worker_items_done_total": N,
                    "wiretag_worker_items_inline_total": N,
                    "wiretag_worker_annotate_seconds_count": N, "wiretag_worker_threads": 1,
                    "wiretag_worker_threads_busy": 0, "wiretag_worker_brokers_connected": 1}.items():
        H.check(M.value(wf, name) == v, "%s = %s, expected %s" % (name, M.value(wf, name), v))
    H.check(M.value(wf, "wiretag_worker_info", name=NAME) == 1, "worker info: %r" % wf["wiretag_worker_info"])

    # other paths and methods
    H.check(M.get(burl.replace("/metrics", "/nope"))[0] == 404, "no 404")
    req = urllib.request.Request(burl, data=b"x", method="POST")
    try:
        urllib.request.urlopen(req, timeout=5)
        H.fail("POST /metrics was served")
    except urllib.error.HTTPError as e:
        H.check(e.code == 405, "POST: %d" % e.code)

    # a dictionary reload (SIGHUP) is counted
    worker.send_signal(signal.SIGHUP)
    H.wait_for(lambda: M.value(M.parse(M.get(wurl)[2]), "wiretag_worker_reloads_total", result="ok") == 1,
               60, "reloads_total{result=ok} == 1")

    # clean stops with the HTTP servers up: exit 0 (and no leak under ASan)
    worker.send_signal(signal.SIGTERM)
    H.check(worker.wait(20) == 0, "worker exit %s:\n%s" % (worker.returncode, procs.log("worker")))
    H.check(b.stop() == 0, "broker exit status:\n%s" % b.tail())

    # a bad address is refused before anything starts
    r = subprocess.run([H.binary("wiretag-broker"), "--metrics", "127.0.0.1:http",
                        "--journal", os.path.join(tmp, "j2")], capture_output=True, text=True, timeout=10)
    H.check(r.returncode == 2 and "HOST:PORT" in r.stderr, "bad --metrics: %d %s" % (r.returncode, r.stderr))
    r = subprocess.run([H.binary("wiretag-worker"), "--metrics", "127.0.0.1:99999"],
                       capture_output=True, text=True, timeout=30)
    H.check(r.returncode != 0 and "HOST:PORT" in r.stderr, "worker bad --metrics: %d %s" % (r.returncode, r.stderr))
    # off by default
    b2 = new_broker().start()
    H.check("metrics" not in b2.ep, "metrics on by default: %r" % b2.ep)
    # the example Grafana dashboard only uses metrics that exist
    with open(os.path.join(os.environ.get("WT_SOURCE", "."), "examples", "grafana-dashboard.json")) as f:
        dash = json.load(f)
    exprs = [t["expr"] for p in dash["panels"] for t in p["targets"]]
    names = set(re.findall(r"\bwiretag_[a-z_]+", " ".join(exprs)))
    H.check(len(names) > 10, "dashboard uses %r" % names)
    for n in names:
        fam = re.sub(r"_(bucket|sum|count)$", "", n)
        H.check(fam in fams or fam in wf, "dashboard uses %s, which neither endpoint has" % n)
    print("broker and worker /metrics OK (%d families, %d families)" % (len(fams), len(wf)))


H.run_e2e(test)
