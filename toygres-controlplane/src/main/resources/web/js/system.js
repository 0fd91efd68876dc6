// System: the control plane's own health (GET /api/system): readiness and its components, the
// singletons, the actors per diagnosis, the engine's queues and this server, refreshed in place.
// When /api/system fails, the public /health/ready still tells readiness and the components.

import {request} from './api.js';
import {badge, facts, fill, formatAge, formatTime, h, poll} from './dom.js';
import {DIAGNOSES} from './fleet.js';

const REFRESH_MS = 4000;

function panel(title, id, ...children) {
  return h('section', {class: 'panel', id, 'aria-labelledby': `${id}-title`},
    h('h2', {id: `${id}-title`}, title), ...children);
}

function healthBadge(healthy, id) {
  return badge(healthy ? 'healthy' : 'unhealthy', {id, dataset: {healthy: String(healthy)}});
}

function table(id, headers, rows) {
  return h('table', {id, class: 'table compact'},
    h('thead', null, h('tr', null, headers.map((t) => h('th', {scope: 'col'}, t)))),
    h('tbody', null, rows));
}

function seconds(value) {
  if (value === null || value === undefined) return '—';
  return value < 10 ? `${value.toFixed(1)} s` : `${Math.round(value)} s`;
}

function now() {
  return new Date().toLocaleTimeString(undefined, {hour12: false});
}

function uptime(s) {
  if (s < 60) return `${Math.floor(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${Math.floor(s % 60)}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`;
}

/** /health/ready answers 503 with the same report while not ready: read it either way. */
async function readiness() {
  const res = await fetch('/health/ready', {cache: 'no-store', headers: {Accept: 'application/json'}});
  return res.json();
}

export function render(main) {
  const status = h('span', {id: 'system-updated', class: 'muted'}, 'loading…');
  const error = h('div', {id: 'system-error', class: 'error-box', role: 'alert', hidden: true});
  const summary = h('div', {id: 'system-summary'});
  const readinessBody = h('div', {id: 'readiness-body'});
  const singletons = h('div', {id: 'singletons-body'});
  const queues = h('div', {id: 'queues-body'});
  const actors = h('div', {id: 'actors-body'});
  const server = h('div', {id: 'server-body'});

  fill(main,
    h('div', {class: 'page-head'}, h('h1', null, 'System'), status),
    h('p', {class: 'muted small'},
      'The control plane itself: whether this server accepts work, the loops it watches, the supervisor, ',
      'the pruner and the backup scheduler, and the engine\'s work queues. Anything not healthy is shown in red.'),
    error, summary,
    panel('Readiness', 'readiness-panel', readinessBody),
    h('div', {class: 'grid two'},
      panel('Singletons', 'singletons-panel', singletons),
      panel('Engine queues', 'queues-panel', queues)),
    h('div', {class: 'grid two'},
      panel('Actors', 'actors-panel', actors),
      panel('This server', 'server-panel', server)));

  function drawReadiness(r) {
    fill(readinessBody,
      facts([
        ['Status', badge(r.status, {id: 'system-status'})],
        ['Ready', healthBadge(r.ready, 'system-ready'), 'system-ready-cell'],
        ['Live', healthBadge(r.live, 'system-live')],
        ['Checked', formatTime(r.checked_at)],
      ]),
      table('components-table', ['Component', 'State', 'Healthy', 'Last progress', 'Detail'],
        (r.components || []).map((c) => h('tr', {id: `component-${c.name}`, dataset: {healthy: String(c.healthy)}},
          h('td', {class: 'mono'}, c.name),
          h('td', null, c.state),
          h('td', null, healthBadge(c.healthy)),
          h('td', {title: formatTime(c.last_progress)}, formatAge(c.age_seconds)),
          h('td', {class: 'reason'}, c.detail || '')))));
  }

  function drawSummary(s) {
    if (s.healthy) {
      fill(summary, h('p', {id: 'system-healthy', class: 'notice', dataset: {healthy: 'true'}},
        'Everything the control plane watches is healthy.'));
      return;
    }
    fill(summary, h('div', {id: 'system-healthy', class: 'error-box', dataset: {healthy: 'false'}},
      h('strong', null, 'Not healthy:'),
      h('ul', {id: 'system-problems'}, s.problems.map((p) => h('li', null, p)))));
  }

  function draw(s) {
    drawSummary(s);
    drawReadiness(s);
    fill(singletons, table('singletons-table', ['Singleton', 'Status', 'Healthy', 'Last progress', 'Reason'],
      s.singletons.map((g) => h('tr', {id: `singleton-${g.name}`, dataset: {healthy: String(g.healthy), status: g.status}},
        h('td', {class: 'mono'}, g.name),
        h('td', {class: 'status'}, badge(g.status)),
        h('td', null, healthBadge(g.healthy)),
        h('td', {title: formatTime(g.last_progress)}, g.age_seconds === null ? 'never' : formatAge(Math.max(0, g.age_seconds))),
        h('td', {class: 'reason'}, g.reason || '')))));
    fill(queues, table('queues-table', ['Queue', 'Ready', 'Oldest ready', 'Healthy'],
      s.queues.map((q) => h('tr', {id: `queue-${q.queue}`, dataset: {healthy: String(q.healthy), ready: q.ready}},
        h('td', {class: 'mono'}, q.queue),
        h('td', {class: 'ready'}, String(q.ready)),
        h('td', {class: 'oldest'}, q.ready ? seconds(q.oldest_ready_seconds) : '—'),
        h('td', null, healthBadge(q.healthy))))),
    h('p', {class: 'muted small'}, 'Ready: work waiting for a dispatcher. Older than a minute is a backlog.'));
    fill(actors, h('div', {class: 'counts', id: 'system-actors', role: 'group', 'aria-label': 'Actors by diagnosis'},
      DIAGNOSES.map((d) => h('span', {class: ['count', `c-${d}`, s.actors[d] ? null : 'zero'], id: `system-actors-${d}`,
        dataset: {count: s.actors[d] || 0}}, h('strong', null, String(s.actors[d] || 0)), ' ', d))),
    h('p', {class: 'small'}, h('a', {href: '#/doctor'}, 'Open the doctor')));
    fill(server, facts([
      ['Process id', String(s.server.pid), 'server-pid'],
      ['API started', formatTime(s.server.started_at)],
      ['Uptime', uptime(s.server.uptime_seconds), 'server-uptime'],
      ['Java', s.server.java_version],
    ]));
  }

  let lastReading = null;

  async function refresh() {
    let s;
    try {
      s = await request('GET', '/api/system');
    } catch (e) {
      fill(error, h('strong', null, 'The system API cannot be reached: '), e.message, '. ',
        h('span', {class: 'small'}, lastReading
          ? `The singletons, queues, actors and server below are the last reading, from ${lastReading}.`
          : 'Nothing has been read yet.'));
      error.hidden = false;
      fill(summary);
      status.textContent = `failed ${now()} · trying every ${REFRESH_MS / 1000} s`;
      try {
        drawReadiness(await readiness());
      } catch {
        fill(readinessBody, h('p', {id: 'readiness-unreachable', class: 'error'},
          'No answer from /health/ready either: this server is down or out of reach.'));
      }
      throw e;
    }
    error.hidden = true;
    draw(s);
    lastReading = now();
    status.textContent = `updated ${lastReading} · every ${REFRESH_MS / 1000} s`;
  }

  const poller = poll(refresh, REFRESH_MS);
  return {dispose: () => poller.stop()};
}
