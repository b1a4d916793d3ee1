// The queue-worker console. Every value from the server is put in the page as text (textContent or
// text nodes), never as HTML: a message body holding markup shows as that markup.
(function () {
  'use strict';

  var PAGES = ['overview', 'workers', 'inflight', 'recent', 'poison', 'submit'];
  var state = { session: null, source: null, charts: {}, live: null, outcomes: -1, page: null };

  function $(id) { return document.getElementById(id); }

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) { e.className = className; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  function row(cells) {
    var tr = document.createElement('tr');
    cells.forEach(function (c) {
      if (c instanceof Node) { var td = el('td'); td.appendChild(c); tr.appendChild(td); }
      else if (c && typeof c === 'object') { tr.appendChild(el('td', c.cls, c.text)); }
      else { tr.appendChild(el('td', null, c === null || c === undefined ? '' : c)); }
    });
    return tr;
  }

  function replaceRows(tbody, rows) {
    while (tbody.firstChild) { tbody.removeChild(tbody.firstChild); }
    rows.forEach(function (r) { tbody.appendChild(r); });
  }

  function flash(text, isError) {
    var f = $('flash');
    f.textContent = text;
    f.className = 'flash' + (isError ? ' error' : '');
  }

  function api(path) {
    return fetch('/console/api/' + path, { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
      .then(answer);
  }

  function post(path, body) {
    return fetch('/console/api/' + path, {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-Queue-Worker-Console': '1' },
      body: JSON.stringify(body || {})
    }).then(answer);
  }

  function answer(r) {
    return r.json().catch(function () { return {}; }).then(function (j) {
      if (r.status === 401) { showLogin(); }
      if (!r.ok) { throw new Error(j.error || ('HTTP ' + r.status)); }
      return j;
    });
  }

  function fmtTime(iso) {
    if (!iso) { return ''; }
    var d = new Date(iso);
    return d.toLocaleString();
  }

  function fmtMs(ms) {
    if (ms === null || ms === undefined) { return ''; }
    if (ms < 1000) { return ms + ' ms'; }
    if (ms < 120000) { return (ms / 1000).toFixed(1) + ' s'; }
    return Math.round(ms / 60000) + ' min';
  }

  // ---- session and login -------------------------------------------------------------------

  function showLogin() {
    $('login').classList.remove('hidden');
    PAGES.forEach(function (p) { $('page-' + p).classList.add('hidden'); });
    stopStream();
  }

  function start() {
    api('session').then(function (s) {
      state.session = s;
      $('client-id').textContent = s.clientId;
      $('read-only').classList.toggle('hidden', !s.readOnly);
      document.body.classList.toggle('read-only', s.readOnly);
      Array.prototype.forEach.call(document.querySelectorAll('button.action'), function (b) {
        b.disabled = s.readOnly;
        if (s.readOnly) { b.title = 'read-only mode: the console changes nothing'; }
      });
      if (!s.authenticated) { showLogin(); return; }
      $('login').classList.add('hidden');
      route();
      startStream();
    }).catch(function (e) { flash('The console does not answer: ' + e.message, true); });
  }

  $('login-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    post('login', { token: $('login-token').value }).then(function () {
      $('login-token').value = '';
      $('flash').className = 'flash hidden';
      start();
    }).catch(function (e) { flash(e.message, true); });
  });

  // ---- live updates (server-sent events), paused while the tab is hidden ---------------------

  function startStream() {
    if (state.source || document.hidden) { return; }
    var source = new EventSource('/console/events');
    state.source = source;
    source.onopen = function () { setLive('live', 'on'); };
    source.onerror = function () { setLive('reconnecting', 'warn'); };
    source.onmessage = function (m) {
      state.live = JSON.parse(m.data);
      onLive();
    };
  }

  function stopStream() {
    if (state.source) { state.source.close(); state.source = null; }
  }

  function setLive(text, cls) {
    var b = $('live');
    b.textContent = text;
    b.className = 'badge ' + (cls || '');
  }

  document.addEventListener('visibilitychange', function () {
    if (document.hidden) { stopStream(); setLive('paused', ''); }
    else if (state.session && state.session.authenticated) { startStream(); refresh(); }
  });

  function onLive() {
    var l = state.live;
    if (state.page === 'overview') { renderCards(l); if (l.figures) { renderFigures(l.figures); } }
    if (state.page === 'inflight') { renderInFlight(l.inFlight); }
    if (state.page === 'recent' && l.outcomesSeen !== state.outcomes) { state.outcomes = l.outcomesSeen; loadRecent(); }
  }

  // ---- routing ------------------------------------------------------------------------------

  function route() {
    var page = (location.hash || '#overview').substring(1);
    if (PAGES.indexOf(page) < 0) { page = 'overview'; }
    state.page = page;
    PAGES.forEach(function (p) { $('page-' + p).classList.toggle('hidden', p !== page); });
    Array.prototype.forEach.call(document.querySelectorAll('#nav a'), function (a) {
      a.classList.toggle('active', a.getAttribute('data-page') === page);
    });
    refresh();
  }

  window.addEventListener('hashchange', route);

  function refresh() {
    switch (state.page) {
      case 'overview': loadOverview(); break;
      case 'workers': loadWorkers(); break;
      case 'inflight': api('inflight').then(function (j) { renderInFlight(j.tasks); }).catch(showError); break;
      case 'recent': loadRecent(); break;
      case 'poison': loadPoison(); break;
      default: break;
    }
  }

  function showError(e) { flash(e.message, true); }

  // ---- overview -----------------------------------------------------------------------------

  function loadOverview() {
    api('overview').then(function (o) {
      $('started-at').textContent = fmtTime(o.startedAt);
      $('version').textContent = o.version;
      var items = o.configuration.map(function (line) { return el('li', null, line); });
      replaceRows($('configuration'), items);
      renderCards(o);
      renderFigures(o.figures);
    }).catch(showError);
  }

  function chart(id, series, data, yRange) {
    var target = $(id);
    var existing = state.charts[id];
    target.setAttribute('data-points', String(data[0].length));
    var last = data[1].length ? data[1][data[1].length - 1] : '';
    target.setAttribute('data-last', last === null ? '' : String(last));
    if (typeof uPlot === 'undefined') { return; }
    if (existing) { existing.setData(data); return; }
    var width = Math.max(target.clientWidth || 440, 300);
    var opts = {
      width: width, height: 190,
      scales: { x: { time: true }, y: yRange ? { range: yRange } : { auto: true } },
      series: [{}].concat(series.map(function (s) {
        return { label: s[0], stroke: s[1], width: 2, spanGaps: false, points: { show: true, size: 5, fill: s[1] } };
      })),
      legend: { live: false }
    };
    state.charts[id] = new uPlot(opts, data, target);
  }

  function renderCards(o) {
    $('card-depth').textContent = o.depth < 0 ? '–' : String(o.depth);
    $('card-poison').textContent = o.poisonDepth < 0 ? '–' : String(o.poisonDepth);
    $('card-inflight').textContent = String(o.inFlight.length);
  }

  function renderFigures(f) {
    var m = f.minutes;
    var total = 0;
    for (var i = 0; i < m.t.length; i++) { total += m.completed[i] + m.poisoned[i]; }
    $('card-hour').textContent = String(total);
    var p95 = m.p95.filter(function (v) { return v !== null; });
    $('card-p95').textContent = p95.length ? fmtMs(p95[p95.length - 1]) : '–';
    chart('chart-depth', [['queue', '#1f6feb'], ['poison', '#cf222e']], [f.depth.t, f.depth.queue, f.depth.poison]);
    chart('chart-latency', [['p50', '#1a7f37'], ['p95', '#9a6700']], [m.t, m.p50, m.p95]);
    chart('chart-errors', [['error rate %', '#cf222e']], [m.t, m.errorRate], [0, 100]);
    chart('chart-webhooks', [['delivered %', '#1a7f37']], [m.t, m.webhookRate], [0, 100]);
    chart('chart-outcomes', [['completed', '#1a7f37'], ['retried', '#9a6700'], ['poisoned', '#cf222e']],
      [m.t, m.completed, m.retried, m.poisoned]);
  }

  // ---- workers ------------------------------------------------------------------------------

  function loadWorkers() {
    api('workers').then(function (j) {
      $('workers-note').textContent = 'Heartbeats in ' + j.storage + '; a worker not seen for '
        + j.staleAfterSeconds + ' s is no longer listed.';
      replaceRows($('workers-rows'), j.workers.map(function (w) {
        return row([w.host + (w.self ? ' (this one)' : ''), { cls: 'mono', text: w.workerId }, w.version,
          fmtTime(w.startedAt), w.concurrency, w.inFlight, fmtTime(w.lastSeen)]);
      }));
    }).catch(showError);
  }

  // ---- in flight ----------------------------------------------------------------------------

  function renderInFlight(tasks) {
    $('inflight-empty').classList.toggle('hidden', tasks.length > 0);
    replaceRows($('inflight-rows'), tasks.map(function (t) {
      var cell = el('span');
      if (t.progress !== null && t.progress !== undefined) {
        var bar = el('progress');
        bar.max = 1;
        bar.value = t.progress;
        cell.appendChild(bar);
        cell.appendChild(document.createTextNode(' ' + Math.round(t.progress * 100) + ' %' + (t.message ? ' ' + t.message : '')));
      } else {
        cell.textContent = 'no progress reported';
      }
      return row([{ cls: 'mono', text: t.taskId }, t.type, t.filename, t.attempt, fmtMs(t.elapsedMs), cell,
        fmtTime(t.leaseAtLeastUntil)]);
    }));
  }

  // ---- recent -------------------------------------------------------------------------------

  function loadRecent() {
    var q = 'recent?limit=500&status=' + encodeURIComponent($('recent-status').value)
      + '&type=' + encodeURIComponent($('recent-type').value.trim())
      + '&q=' + encodeURIComponent($('recent-text').value.trim());
    api(q).then(function (j) {
      $('recent-note').textContent = j.outcomes.length + ' shown of ' + j.kept + ' kept (up to ' + j.capacity + ', across restarts).';
      replaceRows($('recent-rows'), j.outcomes.map(function (o) {
        return row([fmtTime(o.at), { cls: 'status-' + o.status, text: o.status }, o.type, { cls: 'mono', text: o.taskId },
          o.filename, o.attempt, fmtMs(o.durationMs), o.error || o.result || '']);
      }));
    }).catch(showError);
  }

  $('recent-filter').addEventListener('submit', function (ev) { ev.preventDefault(); loadRecent(); });

  // ---- poison -------------------------------------------------------------------------------

  function loadPoison() {
    var text = $('poison-text').value.trim();
    $('poison-note').textContent = 'Searching…';
    api('poison?limit=1000&q=' + encodeURIComponent(text)).then(function (j) {
      var readOnly = state.session.readOnly || !j.actions;
      $('poison-note').textContent = 'About ' + j.depth + ' on the poison queue; ' + j.messages.length + ' shown'
        + (j.matched !== undefined ? ' of ' + j.matched + ' matching (' + j.scanned + ' scanned)' : '')
        + (j.actions ? '' : '; this queue provider offers no poison actions') + '.';
      $('poison-requeue-all').disabled = readOnly;
      $('poison-delete-all').disabled = readOnly;
      replaceRows($('poison-rows'), j.messages.map(function (m) {
        var actions = el('span');
        var requeue = el('button', 'action', 'Requeue');
        var del = el('button', 'action danger', 'Delete');
        requeue.disabled = readOnly || !m.envelope;
        del.disabled = readOnly;
        requeue.addEventListener('click', function () { actOne('requeue', m); });
        del.addEventListener('click', function () { actOne('delete', m); });
        actions.appendChild(requeue);
        actions.appendChild(document.createTextNode(' '));
        actions.appendChild(del);
        return row([fmtTime(m.failedAt || m.insertedAt), { cls: 'mono', text: m.taskId }, m.taskType, m.errorType,
          m.reason, m.attempts, { cls: 'body', text: m.body }, actions]);
      }));
    }).catch(function (e) { $('poison-note').textContent = ''; showError(e); });
  }

  function actOne(what, m) {
    if (!window.confirm(what === 'requeue' ? 'Requeue task ' + (m.taskId || m.messageId) + ' to the task queue?'
      : 'Delete poison message ' + m.messageId + ' for good?')) { return; }
    post('poison/' + what, { messageId: m.messageId }).then(function (j) {
      flash((what === 'requeue' ? 'Requeued ' : 'Deleted ') + j.count + ' message' + (j.count === 1 ? '' : 's') + '.');
      loadPoison();
    }).catch(showError);
  }

  function actMatching(what) {
    var text = $('poison-text').value.trim();
    var scope = text ? 'every poison message matching "' + text + '"' : 'EVERY poison message';
    if (!window.confirm((what === 'requeue' ? 'Requeue ' : 'Delete ') + scope + '?')) { return; }
    post('poison/' + what + '-matching', { q: text }).then(function (j) {
      flash((what === 'requeue' ? 'Requeued ' : 'Deleted ') + j.count + ' message' + (j.count === 1 ? '' : 's') + '.');
      loadPoison();
    }).catch(showError);
  }

  $('poison-filter').addEventListener('submit', function (ev) { ev.preventDefault(); loadPoison(); });
  $('poison-requeue-all').addEventListener('click', function () { actMatching('requeue'); });
  $('poison-delete-all').addEventListener('click', function () { actMatching('delete'); });

  // ---- submit -------------------------------------------------------------------------------

  $('submit-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    post('submit', { type: $('submit-type').value.trim(), payload: $('submit-payload').value,
      webhookUrl: $('submit-webhook').value.trim() }).then(function (j) {
      $('submit-result').textContent = 'Queued task ' + j.taskId + ' on ' + j.queue + '.';
      $('submit-result').setAttribute('data-task-id', j.taskId);
    }).catch(function (e) { $('submit-result').textContent = 'Not submitted: ' + e.message; });
  });

  start();
}());
