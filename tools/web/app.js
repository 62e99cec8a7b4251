/* app.js: the wiretag live view (served by `wiretag web`, no build step).

   Data: Server-Sent Events from /events: "item" events carry
   {seq, received_ms, item} where item is the annotated item of
   ARCHITECTURE.md; "health" events carry the broker's STATS.

   Safety: news text only ever reaches the DOM through textContent, the
   title attribute or SVG text nodes; no innerHTML anywhere. Links are made
   only from http(s) URLs. The server's Content-Security-Policy forbids
   inline scripts besides.

   Spans are byte offsets into the UTF-8 text; JavaScript strings index
   UTF-16 code units, so every span goes through byteIndex() first. */
'use strict';

(function () {
  const MAX_ITEMS = 2000;
  const HOUR_MS = 3600 * 1000;
  const FILTERS = ['actor', 'country', 'topic', 'speaker', 'quotes'];
  const records = new Map(); // seq -> {seq, received_ms, item, node}
  const $ = (id) => document.getElementById(id);
  const stream = $('stream');
  const form = $('filters');
  let filter = readFilter();
  let chartTimer = 0;

  /* ---------------------------------------------------------- helpers */

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function svg(tag, attrs, text) {
    const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (const k in attrs) e.setAttribute(k, String(attrs[k]));
    if (text !== undefined) e.textContent = String(text);
    return e;
  }

  function lower(s) { return typeof s === 'string' ? s.toLowerCase() : ''; }
  function str(s) { return typeof s === 'string' ? s : ''; }
  function arr(a) { return Array.isArray(a) ? a : []; }

  /* A table from UTF-8 byte offset to UTF-16 index for text. Offsets inside
     a character map to its start; offsets past the end are refused. */
  function byteIndex(text) {
    const map = [];
    let b = 0;
    for (let i = 0; i < text.length;) {
      const cp = text.codePointAt(i);
      const u16 = cp > 0xffff ? 2 : 1;
      const u8 = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      for (let k = 0; k < u8; k++) map[b + k] = i;
      b += u8;
      i += u16;
    }
    map[b] = text.length;
    return function (start, end) {
      if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > b || start >= end)
        return null;
      const s = map[start], e = map[end];
      return e > s ? [s, e] : null;
    };
  }

  function safeUrl(u) {
    try {
      const url = new URL(u);
      return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  function actorTitle(a) {
    const parts = ['actor ' + str(a.id), 'type: ' + (a.type || '?')];
    if (a.name) parts.unshift(a.name);
    if (a.country) parts.push('country: ' + a.country);
    if (a.code) parts.push('CAMEO: ' + a.code);
    if (a.role) parts.push('role: ' + a.role);
    return parts.join('\n');
  }

  function speakerName(it, q) {
    const sp = q && q.speaker;
    if (!sp) return '';
    if (sp.actor) {
      const a = arr(it.actors).find((x) => x.id === sp.actor);
      if (a && a.name) return a.name;
    }
    return str(sp.text) || str(sp.actor);
  }

  /* ---------------------------------------------------------- filters */

  function readFilter() {
    const p = new URLSearchParams(location.search);
    const f = {};
    for (const k of FILTERS) f[k] = p.get(k) || '';
    f.quotes = f.quotes === '1' || f.quotes === 'true';
    return f;
  }

  function writeFilter() {
    const p = new URLSearchParams();
    for (const k of FILTERS) {
      if (k === 'quotes') { if (filter.quotes) p.set('quotes', '1'); }
      else if (filter[k]) p.set(k, filter[k]);
    }
    const q = p.toString();
    history.replaceState(null, '', q ? '?' + q : location.pathname);
  }

  function syncForm() {
    for (const k of FILTERS) {
      const input = form.elements[k];
      if (k === 'quotes') input.checked = filter.quotes;
      else input.value = filter[k];
    }
  }

  function matches(it) {
    const f = filter;
    const actors = arr(it.actors), issues = arr(it.issues), quotes = arr(it.quotes);
    if (f.actor) {
      const w = lower(f.actor);
      if (!actors.some((a) => lower(a.id) === w || lower(a.name).includes(w))) return false;
    }
    if (f.country) {
      const w = lower(f.country);
      if (!actors.some((a) => lower(a.country) === w)) return false;
    }
    if (f.topic) {
      const w = lower(f.topic);
      if (!issues.some((i) => lower(i.topic) === w || lower(i.id) === w)) return false;
    }
    if (f.quotes && quotes.length === 0) return false;
    if (f.speaker) {
      const w = lower(f.speaker);
      const ok = quotes.some((q) => q.speaker && (lower(q.speaker.actor) === w ||
        lower(speakerName(it, q)).includes(w) || lower(q.speaker.text).includes(w)));
      if (!ok) return false;
    }
    return true;
  }

  function applyFilter() {
    let shown = 0;
    for (const r of records.values()) {
      const ok = matches(r.item);
      r.node.hidden = !ok;
      if (ok) shown++;
    }
    $('n-shown').textContent = String(shown);
    document.body.dataset.shown = String(shown);
  }

  function setFilter(k, v) {
    filter[k] = v;
    syncForm();
    writeFilter();
    applyFilter();
  }

  form.addEventListener('input', function () {
    for (const k of FILTERS)
      filter[k] = k === 'quotes' ? form.elements[k].checked : form.elements[k].value.trim();
    writeFilter();
    applyFilter();
  });
  form.addEventListener('submit', (e) => e.preventDefault());
  $('clear').addEventListener('click', function () {
    for (const k of FILTERS) filter[k] = k === 'quotes' ? false : '';
    syncForm();
    writeFilter();
    applyFilter();
  });

  /* ---------------------------------------------------------- one item */

  /* The text split at every span boundary; each piece is wrapped in one
     <span> carrying the classes of every annotation covering it. */
  function renderText(rec) {
    const it = rec.item;
    const text = str(it.text);
    const conv = byteIndex(text);
    const spans = [];
    const seen = new Set();
    arr(it.actors).forEach(function (a) {
      arr(a.mentions).forEach(function (m) {
        const r = conv(m.start, m.end);
        if (r) spans.push({ s: r[0], e: r[1], kind: 'actor', a: a });
      });
    });
    arr(it.issues).forEach(function (is) {
      arr(is.mentions).forEach(function (m) {
        const r = conv(m.start, m.end);
        const key = r && r[0] + ':' + r[1] + ':' + is.id;
        if (r && !seen.has(key)) {
          seen.add(key);
          spans.push({ s: r[0], e: r[1], kind: 'issue', is: is });
        }
      });
    });
    arr(it.quotes).forEach(function (q, qi) {
      const r = conv(q.start, q.end);
      if (r) spans.push({ s: r[0], e: r[1], kind: 'quote', q: q, qi: qi });
      const sp = q.speaker && conv(q.speaker.start, q.speaker.end);
      if (sp) spans.push({ s: sp[0], e: sp[1], kind: 'speaker', q: q, qi: qi });
    });
    const cuts = new Set([0, text.length]);
    for (const sp of spans) { cuts.add(sp.s); cuts.add(sp.e); }
    const points = Array.from(cuts).sort((x, y) => x - y);
    const p = el('p', 'text');
    const speakerIds = {};
    for (let i = 0; i + 1 < points.length; i++) {
      const s = points[i], e = points[i + 1];
      const piece = text.slice(s, e);
      const cover = spans.filter((sp) => sp.s <= s && sp.e >= e);
      if (cover.length === 0) {
        p.appendChild(document.createTextNode(piece));
        continue;
      }
      const span = el('span', 'ann', piece);
      const titles = [];
      for (const c of cover) {
        span.classList.add(c.kind);
        if (c.kind === 'actor') {
          span.classList.add('t-' + str(c.a.type));
          span.dataset.actor = str(c.a.id);
          titles.push(actorTitle(c.a));
        } else if (c.kind === 'issue') {
          span.dataset.issue = str(c.is.id);
          titles.push('issue ' + str(c.is.id) + ': ' + str(c.is.label) + '\ntopic: ' + str(c.is.topic));
        } else if (c.kind === 'quote') {
          span.dataset.quote = String(c.qi);
          const who = speakerName(it, c.q);
          titles.push(str(c.q.kind) + ' quote' + (who ? ' by ' + who : ', speaker not found'));
        } else if (c.kind === 'speaker') {
          span.dataset.speakerOf = String(c.qi);
          const id = 'sp-' + rec.seq + '-' + c.qi;
          if (!speakerIds[c.qi]) { span.id = id; speakerIds[c.qi] = id; }
          titles.push('speaker of quote ' + (c.qi + 1) + (c.q.speaker.actor ? ' (' + c.q.speaker.actor + ')' : ''));
        }
      }
      span.title = titles.join('\n\n');
      p.appendChild(span);
    }
    /* a quote points at its speaker, for assistive tech and hover */
    p.querySelectorAll('span.quote').forEach(function (q) {
      const id = speakerIds[q.dataset.quote];
      if (id) q.setAttribute('aria-describedby', id);
    });
    p.addEventListener('mouseover', function (ev) {
      const q = ev.target.closest && ev.target.closest('span.quote');
      p.querySelectorAll('.linked').forEach((x) => x.classList.remove('linked'));
      if (q) p.querySelectorAll('span.speaker[data-speaker-of="' + CSS.escape(q.dataset.quote) + '"]')
        .forEach((x) => x.classList.add('linked'));
    });
    return p;
  }

  function renderItem(rec) {
    const it = rec.item;
    const art = el('article', 'item');
    art.id = 'item-' + rec.seq;
    art.dataset.seq = String(rec.seq);
    art.dataset.id = str(it.id);
    const head = el('header');
    head.appendChild(el('span', 'seq', '#' + rec.seq));
    if (it.published) head.appendChild(el('time', 'published', it.published));
    if (it.source) head.appendChild(el('span', 'source', it.source));
    head.appendChild(el('span', 'id', str(it.id)));
    const url = it.url && safeUrl(it.url);
    if (url) {
      const a = el('a', 'url', 'link');
      a.href = url;
      a.rel = 'noopener noreferrer';
      a.target = '_blank';
      head.appendChild(a);
    }
    art.appendChild(head);
    if (it.title) art.appendChild(el('h3', 'title', it.title));
    art.appendChild(renderText(rec));

    const chips = el('div', 'chips');
    arr(it.actors).forEach(function (a) {
      const c = el('button', 'chip actor-chip', a.name || a.id);
      c.type = 'button';
      c.title = actorTitle(a);
      c.addEventListener('click', () => setFilter('actor', str(a.id)));
      chips.appendChild(c);
    });
    arr(it.issues).forEach(function (is) {
      const c = el('button', 'chip issue-chip', is.label || is.id);
      c.type = 'button';
      c.title = 'issue ' + str(is.id) + '\ntopic: ' + str(is.topic) + '\nscore: ' + is.score;
      c.addEventListener('click', () => setFilter('topic', str(is.topic)));
      chips.appendChild(c);
    });
    art.appendChild(chips);

    const quotes = arr(it.quotes);
    if (quotes.length) {
      const ol = el('ol', 'quotes');
      quotes.forEach(function (q, qi) {
        const li = el('li', 'quote');
        li.dataset.quote = String(qi);
        li.appendChild(el('q', 'quote-text', q.text));
        li.appendChild(document.createTextNode(' — '));
        const who = speakerName(it, q);
        if (who) {
          const a = el('a', 'speaker', who);
          const p = new URLSearchParams({ speaker: q.speaker.actor || who });
          a.href = '?' + p.toString();
          a.dataset.speaker = str(q.speaker.actor);
          a.addEventListener('click', function (ev) {
            ev.preventDefault();
            setFilter('speaker', q.speaker.actor || who);
          });
          li.appendChild(a);
        } else {
          li.appendChild(el('span', 'nospeaker', 'speaker not found'));
        }
        li.appendChild(el('span', 'kind', ' (' + str(q.kind) + (q.cue ? ', "' + q.cue + '"' : '') + ')'));
        ol.appendChild(li);
      });
      art.appendChild(ol);
    }
    return art;
  }

  /* ---------------------------------------------------------- the stream */

  const known = { actor: new Map(), country: new Set(), topic: new Set(), speaker: new Set() };

  function learn(it) {
    let changed = false;
    for (const a of arr(it.actors)) {
      if (a.id && !known.actor.has(a.id)) { known.actor.set(a.id, a.name || a.id); changed = true; }
      if (a.country && !known.country.has(a.country)) { known.country.add(a.country); changed = true; }
    }
    for (const i of arr(it.issues))
      if (i.topic && !known.topic.has(i.topic)) { known.topic.add(i.topic); changed = true; }
    for (const q of arr(it.quotes)) {
      const w = q.speaker && (q.speaker.actor || q.speaker.text);
      if (w && known.speaker.size < 500 && !known.speaker.has(w)) { known.speaker.add(w); changed = true; }
    }
    return changed;
  }

  function fillList(id, values) {
    const dl = $(id);
    dl.textContent = '';
    for (const v of values) {
      const o = document.createElement('option');
      o.value = Array.isArray(v) ? v[0] : v;
      if (Array.isArray(v)) o.label = v[1];
      dl.appendChild(o);
    }
  }

  function refreshLists() {
    fillList('dl-actor', Array.from(known.actor.entries()).sort((x, y) => x[1].localeCompare(y[1])));
    fillList('dl-country', Array.from(known.country).sort());
    fillList('dl-topic', Array.from(known.topic).sort());
    fillList('dl-speaker', Array.from(known.speaker).sort());
  }

  let quotesTotal = 0;

  function addRecord(rec) {
    if (!rec || typeof rec.seq !== 'number' || !rec.item || records.has(rec.seq)) return;
    rec.node = renderItem(rec);
    records.set(rec.seq, rec);
    quotesTotal += arr(rec.item.quotes).length;
    /* newest (highest seq) first */
    let before = null;
    for (const child of stream.children) {
      if (child.dataset.seq && Number(child.dataset.seq) < rec.seq) { before = child; break; }
    }
    stream.insertBefore(rec.node, before);
    rec.node.hidden = !matches(rec.item);
    $('empty').hidden = true;
    if (records.size > MAX_ITEMS) {
      const oldest = Math.min.apply(null, Array.from(records.keys()));
      records.get(oldest).node.remove();
      records.delete(oldest);
    }
    if (learn(rec.item)) scheduleLists();
    $('n-received').textContent = String(records.size);
    $('n-quotes').textContent = String(quotesTotal);
    let shown = 0;
    for (const r of records.values()) if (!r.node.hidden) shown++;
    $('n-shown').textContent = String(shown);
    document.body.dataset.items = String(records.size);
    document.body.dataset.shown = String(shown);
    scheduleCharts();
  }

  let listTimer = 0;
  function scheduleLists() {
    if (!listTimer) listTimer = setTimeout(function () { listTimer = 0; refreshLists(); }, 500);
  }
  function scheduleCharts() {
    if (!chartTimer) chartTimer = setTimeout(function () { chartTimer = 0; drawCharts(); }, 300);
  }

  /* ---------------------------------------------------------- charts */

  function drawRate(now) {
    const g = $('chart-rate');
    g.textContent = '';
    const buckets = new Array(60).fill(0);
    for (const r of records.values()) {
      const age = now - r.received_ms;
      if (age >= 0 && age < HOUR_MS) buckets[59 - Math.floor(age / 60000)]++;
    }
    const max = Math.max(1, Math.max.apply(null, buckets));
    g.appendChild(svg('line', { class: 'axis', x1: 0, y1: 50, x2: 240, y2: 50 }));
    buckets.forEach(function (n, i) {
      if (!n) return;
      const h = Math.max(1, Math.round((n / max) * 46));
      g.appendChild(svg('rect', { class: 'bar', x: i * 4, y: 50 - h, width: 3, height: h },
        undefined)).appendChild(svg('title', {}, n + ' item(s), ' + (59 - i) + ' min ago'));
    });
    g.appendChild(svg('text', { x: 0, y: 59 }, '-60 min'));
    g.appendChild(svg('text', { x: 240, y: 59, 'text-anchor': 'end' }, 'now · max ' + max + '/min'));
  }

  function drawBars(id, counts) {
    const g = $(id);
    g.textContent = '';
    const top = Array.from(counts.entries()).sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0])).slice(0, 8);
    if (!top.length) { g.appendChild(svg('text', { x: 0, y: 12 }, 'nothing in the last hour')); return; }
    const max = top[0][1];
    top.forEach(function (kv, i) {
      const y = i * 20;
      const w = Math.max(2, Math.round((kv[1] / max) * 110));
      g.appendChild(svg('text', { x: 0, y: y + 13 }, kv[0].length > 22 ? kv[0].slice(0, 21) + '…' : kv[0]));
      g.appendChild(svg('rect', { class: 'bar', x: 120, y: y + 4, width: w, height: 12 }));
      g.appendChild(svg('text', { x: 124 + w, y: y + 14 }, kv[1]));
    });
  }

  function drawCharts() {
    const now = Date.now();
    drawRate(now);
    const actors = new Map(), issues = new Map();
    for (const r of records.values()) {
      if (now - r.received_ms >= HOUR_MS) continue;
      const names = new Set(arr(r.item.actors).map((a) => a.name || a.id));
      for (const n of names) actors.set(n, (actors.get(n) || 0) + 1);
      const labels = new Set(arr(r.item.issues).map((i) => i.label || i.id));
      for (const n of labels) issues.set(n, (issues.get(n) || 0) + 1);
    }
    drawBars('chart-actors', actors);
    drawBars('chart-issues', issues);
  }

  /* ---------------------------------------------------------- health */

  function showHealth(h) {
    const dl = $('health');
    dl.textContent = '';
    const s = h && h.stats;
    function add(label, value, bad) {
      const d = el('div', bad ? 'bad' : '');
      d.appendChild(el('dt', '', label));
      d.appendChild(el('dd', '', value));
      dl.appendChild(d);
    }
    if (!h || !h.ok || !s) {
      add('broker', 'not answering', true);
      dl.dataset.ok = '0';
      return;
    }
    dl.dataset.ok = '1';
    add('queue', s.queue_depth, false);
    add('in flight', s.in_flight, false);
    add('workers', s.workers_count, s.workers_count === 0);
    add('dead letters', s.dead_letters, s.dead_letters > 0);
    if (s.rates) add('done/s', Number(s.rates.done_per_s || 0).toFixed(1), false);
    add('results', s.last_rseq, false);
  }

  /* ---------------------------------------------------------- connection */

  function connect() {
    const es = new EventSource('/events');
    const conn = $('conn');
    es.onopen = function () { conn.textContent = 'live'; conn.className = 'conn conn-live'; };
    es.onerror = function () { conn.textContent = 'reconnecting'; conn.className = 'conn conn-down'; };
    es.addEventListener('item', function (ev) {
      let rec;
      try { rec = JSON.parse(ev.data); } catch (e) { return; }
      addRecord(rec);
    });
    es.addEventListener('health', function (ev) {
      try { showHealth(JSON.parse(ev.data)); } catch (e) { /* ignore */ }
    });
  }

  syncForm();
  drawCharts();
  setInterval(drawCharts, 10000);
  connect();
})();
