"""it_metrics_prometheus.py: a real Prometheus (Debian's `prometheus`)
scrapes a running wiretag-broker and wiretag-worker, and PromQL through its
HTTP API returns the expected counters after N items.

Everything on 127.0.0.1 with ephemeral ports: the broker's /metrics address
comes from its ready file, the worker's from its log, Prometheus's own
from its "Listening on" log line. The scrape config is written here (scrape
every 200 ms). We wait on observable state: the PromQL answer, with a
generous bound. Skips (77) when prometheus is not installed
(scripts/deps.sh test installs it).
"""
import json
import os
import re
import shutil
import urllib.parse

import harness as H
import harness.metrics as M

N = 30


def promql(base, query):
    url = "%s/api/v1/query?%s" % (base, urllib.parse.urlencode({"query": query}))
    status, _, body = M.get(url)
    if status != 200:
        return None
    d = json.loads(body)
    if d.get("status") != "success" or not d["data"]["result"]:
        return None
    return float(d["data"]["result"][0]["value"][1])


def test(tmp, procs, new_broker):
    prom = shutil.which("prometheus")
    if not prom:
        H.skip("prometheus not installed (sh scripts/deps.sh test installs Debian's prometheus)")
    b = new_broker({"metrics": "127.0.0.1:0"}).start()
    args = [H.binary("wiretag-worker"), "--broker", b.ep["workers"], "--threads", "2",
            "--name", "w1", "--metrics", "127.0.0.1:0"]
    procs.start(args, "worker")
    waddr = M.worker_metrics_address(procs, "worker")

    conf = os.path.join(tmp, "prometheus.yml")
    with open(conf, "w") as f:
        f.write("global:\n  scrape_interval: 200ms\n  scrape_timeout: 150ms\n"
                "scrape_configs:\n"
                "  - job_name: wiretag-broker\n    static_configs:\n      - targets: ['%s']\n"
                "  - job_name: wiretag-worker\n    static_configs:\n      - targets: ['%s']\n"
                % (b.ep["metrics"], waddr))
    procs.start([prom, "--config.file=" + conf, "--storage.tsdb.path=" + os.path.join(tmp, "tsdb"),
                 "--web.listen-address=127.0.0.1:0", "--log.level=info"], "prometheus")
    addr = []

    def listening():
        m = re.search(r'msg="Listening on" address=(127\.0\.0\.1:\d+)', procs.log("prometheus", 200))
        if m:
            addr.append(m.group(1))
        return bool(addr)
    H.wait_for(listening, 60, "prometheus to listen")
    base = "http://" + addr[0]

    # both targets up before the items, so that the counters are seen growing
    H.wait_for(lambda: promql(base, 'sum(up{job=~"wiretag-.*"})') == 2, 60, "both targets up")
    H.check(promql(base, "wiretag_broker_items_done_total") == 0, "done before any item")

    items = os.path.join(tmp, "items.jsonl")
    H.write_items(items, N, prefix="p")
    H.feed(procs, b, [items])

    def settled():
        return (promql(base, "wiretag_broker_items_done_total") == N and
                promql(base, "wiretag_worker_items_done_total") == N)
    H.wait_for(settled, 60, "PromQL to report %d done on broker and worker" % N)
    for q, want in [("wiretag_broker_items_accepted_total", N),
                    ("wiretag_broker_results_published_total", N),
                    ("wiretag_broker_item_latency_seconds_count", N),
                    ("wiretag_broker_annotate_seconds_count", N),
                    ('wiretag_broker_worker_done_total{worker="w1"}', N),
                    ("wiretag_worker_annotate_seconds_count", N),
                    ("wiretag_broker_queue_depth", 0)]:
        H.wait_for(lambda: promql(base, q) == want, 30, "%s == %s (is %s)" % (q, want, promql(base, q)))
    p99 = promql(base, "histogram_quantile(0.99, wiretag_broker_item_latency_seconds_bucket)")
    H.check(p99 is not None and 0 <= p99 < 60, "p99 latency %r" % p99)
    print("prometheus at %s: done=%d on broker and worker; p99 PUT->result latency <= %.3f s" %
          (base, N, p99))


H.run_e2e(test)
