"""it_web_chromium.py: `wiretag web` checked in a real browser.

A live broker + worker + `wiretag web` (all on 127.0.0.1, ephemeral ports)
and Debian's Chromium, headless, driven over the DevTools protocol
(python3-websocket). Items of our own writing: one with multi-byte text
before its actors (byte spans -> UTF-16), one with a quote and its speaker,
one whose title, text and url hold <script>, "><img onerror=...> and a
javascript: URL; a PUT with broken UTF-8 is refused by the broker (NAK
EUTF8) and must not disturb the view. Checks, on the DOM, after waiting for
the items to be there:
- actor names highlighted exactly (the span text is the name), hover title
  with id, type, country and CAMEO code;
- the quote listed with its speaker, and the quote span in the text points
  (aria-describedby) at the speaker's span;
- the hostile strings appear as text, no element was injected, no script
  ran, no javascript: link was made;
- an item fed after the page loaded arrives live (SSE);
- a filter typed in the form is reflected in the URL and hides the others;
  a filter given in the URL applies on load;
- the broker health panel shows the workers.
A screenshot is saved as web-view.png in the build directory. Skips (77)
only when Chromium or python3-websocket is missing (scripts/deps.sh test
installs both) or Chromium cannot start here.
"""
import base64
import json
import os
import re
import shutil
import signal
import time
import urllib.request

import harness as H

try:
    import websocket  # python3-websocket
except ImportError:
    websocket = None

ITEMS = [
    {"id": "w-merkel", "text": "Ünïcödé 🙂 — Angela Merkel said Germany would cut taxes on fuel."},
    {"id": "w-quote",
     "text": "\"We will build more schools in every region,\" Emmanuel Macron said on Tuesday in Paris."},
    {"id": "w-xss", "title": "\"><img src=x onerror=\"window.__pwned=2\">",
     "url": "javascript:window.__pwned=3",
     "text": "<script>window.__pwned=1</script> France and Japan signed a trade deal. "
             "\"><img src=x onerror=\"window.__pwned=4\"> was in the text."},
]
LATE = {"id": "w-late", "text": "Angela Merkel met farmers in Bavaria to discuss fuel taxes."}


class Tab:
    """One page over the DevTools protocol."""

    def __init__(self, ws_url):
        self.ws = websocket.create_connection(ws_url, timeout=30, suppress_origin=True)
        self.n = 0

    def call(self, method, **params):
        self.n += 1
        self.ws.send(json.dumps({"id": self.n, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.n:
                H.check("error" not in msg, "%s: %r" % (method, msg.get("error")))
                return msg.get("result", {})

    def js(self, expr):
        r = self.call("Runtime.evaluate", expression=expr, returnByValue=True, awaitPromise=True)
        H.check("exceptionDetails" not in r, "JS %s: %r" % (expr[:60], r.get("exceptionDetails")))
        return r["result"].get("value")

    def wait(self, expr, seconds, what):
        end = time.time() + seconds
        while time.time() < end:
            if self.js(expr):
                return
            time.sleep(0.1)
        H.fail("timed out waiting for %s (%s)" % (what, expr))

    def goto(self, url):
        self.call("Page.navigate", url=url)
        self.wait("document.readyState === 'complete' && location.href === %s" % json.dumps(url), 30,
                  "page %s" % url)


def start_chromium(procs, tmp):
    chrome = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chrome:
        H.skip("chromium not installed (sh scripts/deps.sh test installs Debian's chromium)")
    if websocket is None:
        H.skip("python3-websocket not installed (sh scripts/deps.sh test installs it)")
    profile = os.path.join(tmp, "chromium-profile")
    os.makedirs(profile)
    args = [chrome, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--no-first-run", "--disable-extensions", "--user-data-dir=" + profile,
            "--remote-debugging-port=0", "--remote-allow-origins=*", "about:blank"]
    p = procs.start(args, "chromium")
    portfile = os.path.join(profile, "DevToolsActivePort")
    end = time.time() + 60
    while time.time() < end and not os.path.exists(portfile):
        if p.poll() is not None:
            H.skip("chromium cannot start here (exit %s):\n%s" % (p.returncode, procs.log("chromium")))
        time.sleep(0.1)
    if not os.path.exists(portfile):
        H.skip("chromium did not open its DevTools port in 60 s:\n%s" % procs.log("chromium"))
    time.sleep(0.05)
    port = open(portfile).read().split()[0]
    with urllib.request.urlopen("http://127.0.0.1:%s/json/list" % port, timeout=10) as r:
        pages = [t for t in json.load(r) if t.get("type") == "page"]
    H.check(pages, "chromium has no page")
    return Tab(pages[0]["webSocketDebuggerUrl"])


def test(tmp, procs, new_broker):
    b = new_broker().start()
    H.start_worker(procs, b, "w1")
    items = os.path.join(tmp, "items.jsonl")
    with open(items, "w") as f:
        for it in ITEMS:
            f.write(json.dumps(it, ensure_ascii=False) + "\n")
    H.feed(procs, b, [items])
    # broken UTF-8 is refused at the door
    prod = H.Producer(H.zmq.Context.instance(), b)
    raw = H.msgpack.packb({"id": "w-bad-utf8", "text": b"caf\xc3 \xff\xfe Angela Merkel"},
                                 use_bin_type=False)  # a MessagePack str with invalid UTF-8
    prod.send("PUT", raw, corr=1)
    r = prod.recv(10)
    H.check(r is not None and r[0]["cmd"] == "NAK" and r[0]["code"] == "EUTF8", "broken UTF-8: %r" % (r,))
    prod.close()
    H.wait_for(lambda: H.stats(b)["counters"]["published"] == len(ITEMS), 60, "results")

    web = procs.start([H.binary("wiretag"), "web", "--broker", b.ep["subscribers"], "--replay",
                       b.ep["replay"], "--listen", "127.0.0.1:0"], "web")
    addr = []

    def listening():
        m = re.search(r"open (http://127\.0\.0\.1:\d+/)", procs.log("web"))
        if m:
            addr.append(m.group(1))
        return bool(addr) or web.poll() is not None
    H.wait_for(listening, 20, "wiretag web to listen")
    H.check(addr, "wiretag web exited: %s" % procs.log("web"))
    url = addr[0]

    tab = start_chromium(procs, tmp)
    tab.call("Page.enable")
    tab.call("Emulation.setDeviceMetricsOverride", width=1280, height=1000, deviceScaleFactor=1,
             mobile=False)
    tab.goto(url)
    tab.wait("document.body.dataset.items === '%d'" % len(ITEMS), 60, "the replayed items")

    # live: one more item after the page is open
    late = os.path.join(tmp, "late.jsonl")
    with open(late, "w") as f:
        f.write(json.dumps(LATE) + "\n")
    H.feed(procs, b, [late], name="feed-late")
    tab.wait("document.body.dataset.items === '%d'" % (len(ITEMS) + 1), 60, "the live item")
    tab.wait("document.querySelector('#health').dataset.ok === '1'", 30, "broker health")
    # Angela Merkel is in two items: the chart has counted the live one too
    tab.wait("document.querySelector('#chart-actors').textContent.startsWith('Angela Merkel2')", 30,
             "the top actors chart")

    dom = tab.js("""(() => {
      const arts = Array.from(document.querySelectorAll('article.item'));
      const one = (id) => document.querySelector('article.item[data-id="' + id + '"]');
      const spans = (a, cls) => Array.from(a.querySelectorAll('.text span.' + cls)).map(s => s.textContent);
      const m = one('w-merkel'), q = one('w-quote'), x = one('w-xss');
      const qspan = q.querySelector('.text span.quote[aria-describedby]');
      const target = qspan && document.getElementById(qspan.getAttribute('aria-describedby'));
      const merkel = m.querySelector('.text span.actor[data-actor="angela_merkel"]');
      return {
        order: arts.map(a => a.dataset.id),
        merkel_actors: spans(m, 'actor'),
        merkel_title: merkel ? merkel.title : null,
        quote_actors: spans(q, 'actor'),
        quotes: Array.from(q.querySelectorAll('li.quote')).map(li => [
          li.querySelector('q').textContent, (li.querySelector('a.speaker') || {}).textContent]),
        quote_speaker: target ? target.textContent : null,
        xss_title: x.querySelector('h3').textContent,
        xss_text: x.querySelector('.text').textContent,
        xss_actors: spans(x, 'actor'),
        links: Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href')),
        scripts: document.querySelectorAll('script').length,
        imgs: document.querySelectorAll('img').length,
        pwned: window.__pwned === undefined ? null : window.__pwned,
        health: document.querySelector('#health').textContent,
        bars: document.querySelectorAll('#chart-actors rect').length,
      };
    })()""")
    print(json.dumps(dom, ensure_ascii=False, indent=1))
    H.check(dom["order"] == ["w-late", "w-xss", "w-quote", "w-merkel"], "order: %r" % dom["order"])
    H.check(dom["merkel_actors"] == ["Angela Merkel", "Germany"], "spans: %r" % dom["merkel_actors"])
    for want in ("Angela Merkel", "actor angela_merkel", "type: person", "country: DEU", "CAMEO: DEU"):
        H.check(want in (dom["merkel_title"] or ""), "hover lacks %r: %r" % (want, dom["merkel_title"]))
    H.check(dom["quote_actors"] == ["Emmanuel Macron"], "quote item actors: %r" % dom["quote_actors"])
    H.check(dom["quotes"] == [["We will build more schools in every region", "Emmanuel Macron"]],
            "quotes: %r" % dom["quotes"])
    H.check(dom["quote_speaker"] == "Emmanuel Macron", "quote -> speaker: %r" % dom["quote_speaker"])
    H.check(dom["xss_title"] == ITEMS[2]["title"], "title: %r" % dom["xss_title"])
    H.check(dom["xss_text"] == ITEMS[2]["text"], "text: %r" % dom["xss_text"])
    H.check(dom["xss_actors"] == ["France", "Japan"], "xss actors: %r" % dom["xss_actors"])
    H.check(dom["scripts"] == 1 and dom["imgs"] == 0 and dom["pwned"] is None,
            "injected: scripts=%s imgs=%s pwned=%r" % (dom["scripts"], dom["imgs"], dom["pwned"]))
    H.check(not any(h.lower().startswith("javascript") for h in dom["links"]), "links: %r" % dom["links"])
    H.check("workers" in dom["health"] and "1" in dom["health"], "health: %r" % dom["health"])
    H.check(dom["bars"] >= 3, "top actors chart has %d bars" % dom["bars"])
    shot = tab.call("Page.captureScreenshot", format="png")
    out = os.path.join(os.environ.get("WT_BUILD", tmp), "web-view.png")
    with open(out, "wb") as f:
        f.write(base64.b64decode(shot["data"]))
    print("screenshot:", out)

    # a filter typed in the form: in the URL, the others hidden
    tab.js("""(() => { const i = document.querySelector('input[name=country]');
               i.value = 'FRA'; i.dispatchEvent(new Event('input', {bubbles: true})); })()""")
    state = tab.js("""({search: location.search, shown: document.body.dataset.shown,
      visible: Array.from(document.querySelectorAll('article.item')).filter(a => !a.hidden)
               .map(a => a.dataset.id)})""")
    H.check(state["search"] == "?country=FRA", "URL after filter: %r" % state["search"])
    H.check(sorted(state["visible"]) == ["w-quote", "w-xss"], "FRA filter shows %r" % state["visible"])

    # a filter in the URL applies on load
    tab.goto(url + "?speaker=angela_merkel&quotes=1")
    tab.wait("document.body.dataset.items === '%d'" % (len(ITEMS) + 1), 60, "items after reload")
    state = tab.js("""({speaker: document.querySelector('input[name=speaker]').value,
      quotes: document.querySelector('input[name=quotes]').checked,
      visible: Array.from(document.querySelectorAll('article.item')).filter(a => !a.hidden)
               .map(a => a.dataset.id)})""")
    H.check(state["speaker"] == "angela_merkel" and state["quotes"], "form from URL: %r" % state)
    H.check(state["visible"] == ["w-merkel"], "speaker filter shows %r" % state["visible"])
    # a clean stop with the browser still connected (its stream suspended):
    # exit 0, and under ASan no leak
    web.send_signal(signal.SIGTERM)
    H.check(web.wait(20) == 0, "wiretag web exit %s:\n%s" % (web.returncode, procs.log("web")))
    tab.ws.close()


H.run_e2e(test)
