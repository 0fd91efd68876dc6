// One instance: connection, actor, health-check history, events, and its lifecycle buttons.

import {api, request} from './api.js';
import {
  ageSeconds, badge, confirmDialog, copyText, facts, fill, flash, formatAge, formatMs, formatTime,
  h, orchestrationHref, poll,
} from './dom.js';
import {historyChart} from './charts.js';
import {settings} from './settings.js';

const REFRESH_MS = 3000;
const LOG_LINES = 100;
const WINDOWS = [
  {id: '50', label: 'Last 50 checks', limit: 50},
  {id: '200', label: 'Last 200', limit: 200},
  {id: '1000', label: 'Last 1000', limit: 1000},
  {id: '15m', label: '15 min', limit: 1000, span: 15 * 60},
  {id: '1h', label: '1 hour', limit: 1000, span: 60 * 60},
];

function panel(title, id, ...children) {
  return h('section', {class: 'panel', id, 'aria-labelledby': `${id}-title`},
    h('h2', {id: `${id}-title`}, title), ...children);
}

function percentile(values, p) {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

export function render(main, {name}) {
  let inst = null;
  let win = WINDOWS[0];
  let chartAt = 0;
  let gone = false;

  const title = h('h1', {id: 'instance-name'}, name);
  const badges = h('span', {class: 'badges'});
  const lifecycle = h('div', {class: 'actions', role: 'group', 'aria-label': 'Instance actions'});
  const connection = h('div', {id: 'connection-body'});
  const actor = h('div', {id: 'actor-body'});
  const actorButtons = h('div', {class: 'actions', role: 'group', 'aria-label': 'Actor actions'});
  const windowButtons = h('div', {class: 'segmented', role: 'group', 'aria-label': 'Chart window'});
  const chartBox = h('div', {class: 'chart-box'});
  const chartStats = h('p', {id: 'chart-stats', class: 'muted small'});
  const checkMembers = h('p', {id: 'health-members', class: 'small', hidden: true});
  const events = h('ol', {id: 'events', class: 'timeline'});
  const details = h('div', {id: 'details-body'});
  const members = h('div', {id: 'members-body'});
  const archive = h('div', {id: 'archive-body'});
  const logs = h('div', {id: 'logs-body'});
  const goneNote = h('p', {id: 'instance-gone', class: 'empty', hidden: true});

  fill(main,
    h('nav', {class: 'crumbs', 'aria-label': 'Breadcrumb'}, h('a', {href: '#/fleet'}, 'Fleet'), ' / ', name),
    h('div', {class: 'page-head'}, h('div', {class: 'title-row'}, title, badges), lifecycle),
    goneNote,
    h('div', {class: 'grid two'},
      panel('Connection', 'connection', connection),
      panel('Actor', 'actor-panel', actor, actorButtons)),
    panel('Members', 'members-panel', members),
    panel('WAL archive', 'archive-panel', archive),
    panel('Health-check history', 'health-panel',
      h('div', {class: 'panel-tools'}, windowButtons,
        h('span', {class: 'legend'}, h('span', {class: 'swatch ok'}), ' response time ',
          h('span', {class: 'swatch bad'}), ' unhealthy check ',
          h('span', {class: 'swatch unknown'}), ' not probed (stopped)')),
      chartBox, chartStats, checkMembers),
    h('div', {class: 'grid two'},
      panel('Events', 'events-panel', events),
      panel('Details', 'details', details)),
    panel('PostgreSQL log', 'logs-panel',
      h('p', {class: 'muted small'}, `The last ${LOG_LINES} lines of each server's log, refreshed with the page`
        + ` (all of it: toygres logs ${name} --follow).`), logs));

  for (const w of WINDOWS) {
    windowButtons.append(h('button', {type: 'button', id: `window-${w.id}`, class: 'seg',
      'aria-pressed': String(w === win),
      onclick: () => {
        win = w;
        for (const b of windowButtons.children) b.setAttribute('aria-pressed', String(b.id === `window-${w.id}`));
        chartAt = 0;
        poller.now();
      }}, w.label));
  }

  function button(id, label, onclick, {kind = 'subtle', disabled = false} = {}) {
    return h('button', {type: 'button', id, class: `button ${kind}`, disabled, onclick}, label);
  }

  async function lifecycleAction(op) {
    const verbs = {stop: 'Stop', start: 'Start', restart: 'Restart'};
    const ok = await confirmDialog({
      title: `${verbs[op]} ${name}?`,
      body: h('p', null, op === 'start' ? `Start the PostgreSQL server of ${name}.`
        : `${verbs[op]} the PostgreSQL server of ${name}. Its clients are disconnected.`),
      confirmLabel: verbs[op],
      danger: op !== 'start',
    });
    if (!ok) return;
    try {
      const r = await api.lifecycle(name, op);
      flash(`${verbs[op]} requested (orchestration ${r.orchestration_id})`, 'ok');
    } catch (e) {
      flash(`${verbs[op]} failed: ${e.message}`, 'error');
    }
    poller.now();
  }

  async function scale() {
    const current = Math.max(0, (inst?.members || []).length - 1);
    const replicas = h('input', {id: 'confirm-replicas', type: 'number', min: '0', max: '5', step: '1',
      value: String(current), 'aria-label': 'Standbys'});
    const ok = await confirmDialog({
      title: `Scale ${name}?`,
      body: [h('p', null, `${name} has ${current} standby${current === 1 ? '' : 's'}. A new standby is a`
        + ' copy of the primary; a removed one loses its data and its replication slot.'),
        h('label', {class: 'field'}, 'Standbys (0 to 5)', replicas)],
      confirmLabel: 'Scale',
      validate: () => (/^[0-5]$/.test(replicas.value.trim()) ? null : 'A number of standbys from 0 to 5.'),
    });
    if (!ok) return;
    const n = Number(replicas.value.trim());
    try {
      const r = await api.scale(name, n);
      flash(`Scale to ${n} standby${n === 1 ? '' : 's'} requested (orchestration ${r.orchestration_id})`, 'ok');
    } catch (e) {
      flash(`Scale failed: ${e.message}`, 'error');
    }
    poller.now();
  }

  async function switchover() {
    const ok = await confirmDialog({
      title: `Switch over ${name}?`,
      body: h('p', null, `The most advanced standby of ${name} becomes its primary, and the primary`
        + ' becomes a standby of it. The primary stops cleanly first, so no acknowledged write is lost;'
        + ' clients are disconnected and reconnect through the same connection string.'),
      confirmLabel: 'Switch over',
      danger: true,
    });
    if (!ok) return;
    try {
      const r = await api.switchover(name);
      flash(`Switchover requested (orchestration ${r.orchestration_id})`, 'ok');
    } catch (e) {
      flash(`Switchover failed: ${e.message}`, 'error');
    }
    poller.now();
  }

  async function deleteInstance() {
    const typed = h('input', {id: 'confirm-delete-name', autocomplete: 'off', 'aria-label': 'Instance name'});
    const ok = await confirmDialog({
      title: `Delete ${name}?`,
      body: [h('p', null, 'The server and all its data are removed. This cannot be undone.'),
        h('label', {class: 'field'}, `Type ${name} to confirm`, typed)],
      confirmLabel: 'Delete',
      danger: true,
      validate: () => (typed.value === name ? null : `Type "${name}" exactly to delete it.`),
    });
    if (!ok) return;
    try {
      const r = await api.deleteInstance(name);
      flash(`Deleting ${name} (orchestration ${r.orchestration_id})`, 'ok');
    } catch (e) {
      flash(`Delete failed: ${e.message}`, 'error');
    }
    poller.now();
  }

  async function actorAction(op) {
    const text = {
      start: ['Start actor', `Start a new actor for ${name} and turn monitoring on.`],
      restart: ['Restart actor', `Cancel the actor of ${name} (if it runs) and start a fresh one with a new id.`],
      cancel: ['Cancel actor', `Cancel the actor of ${name} and turn monitoring off. It is not repaired automatically.`],
    }[op];
    const ok = await confirmDialog({title: `${text[0]}?`, body: h('p', null, text[1]), confirmLabel: text[0],
      danger: op === 'cancel'});
    if (!ok) return;
    try {
      const r = await api.actor(name, op);
      flash(op === 'restart' ? `Actor restarted: ${r.actor_id} (was ${r.previous_actor_id || 'none'})`
        : `Actor ${r.status}: ${r.actor_id}`, 'ok');
    } catch (e) {
      flash(`${text[0]} failed: ${e.message}`, 'error');
    }
    poller.now();
  }

  // Keyed by the server's names in allowed_actions.
  const btn = {
    stop: button('btn-stop', 'Stop', () => lifecycleAction('stop')),
    start: button('btn-start', 'Start', () => lifecycleAction('start')),
    restart: button('btn-restart', 'Restart', () => lifecycleAction('restart')),
    scale: button('btn-scale', 'Scale', scale),
    switchover: button('btn-switchover', 'Switchover', switchover),
    delete: button('btn-delete', 'Delete', deleteInstance, {kind: 'danger'}),
    'actor.start': button('actor-start', 'Start', () => actorAction('start')),
    'actor.restart': button('actor-restart', 'Restart', () => actorAction('restart'), {kind: 'primary'}),
    'actor.cancel': button('actor-cancel', 'Cancel', () => actorAction('cancel'), {kind: 'danger'}),
  };
  // Hidden for viewer tokens (see session.js), and shown only when the server allows them.
  Object.values(btn).forEach((b) => { b.hidden = true; b.classList.add('write'); });

  /** Shows exactly the buttons of the actions the server allows now (a race still gets its 409). */
  function showAllowed(allowed) {
    for (const [action, b] of Object.entries(btn)) b.hidden = !allowed.includes(action);
  }
  const copyBtn = button('copy-conn', 'Copy', async () => {
    const ok = await copyText(inst.connection_string);
    copyBtn.textContent = ok ? 'Copied' : 'Copy failed';
    setTimeout(() => { copyBtn.textContent = 'Copy'; }, 2000);
  });
  copyBtn.title = 'Copy the connection string (password masked)';
  lifecycle.append(btn.stop, btn.start, btn.restart, btn.scale, btn.switchover, btn.delete);
  actorButtons.append(btn['actor.start'], btn['actor.restart'], btn['actor.cancel']);

  function drawInstance() {
    const i = inst;
    fill(badges, badge(i.state, {id: 'instance-state'}), ' ', badge(i.health_status || 'unknown', {id: 'instance-health'}));
    showAllowed(i.allowed_actions || []);

    const conn = i.connection_string;
    const user = conn ? conn.replace(/^postgresql:\/\/([^:]*):.*$/, '$1') : null;
    copyBtn.disabled = !conn;
    fill(connection,
      facts([
        ['Host', i.data_plane?.host || i.host, 'conn-host'],
        ['Port', i.data_plane?.port != null ? String(i.data_plane.port) : null, 'conn-port'],
        ['User', user, 'conn-user'],
        ['Password', h('span', {class: 'masked', id: 'conn-password', title: 'never shown by the API'}, '••••••••')],
      ]),
      h('div', {class: 'copy-row'},
        h('code', {id: 'conn-string', class: 'mono'}, conn || 'no connection yet'), copyBtn),
      i.read_only_connection_string ? h('p', {class: 'small'}, 'Read-only (prefers a standby): ',
        h('code', {id: 'conn-string-ro', class: 'mono'}, i.read_only_connection_string)) : null,
      h('p', {class: 'muted small'}, 'The password is never sent back by the server: replace **** with yours.'));

    drawMembers(i.members || []);
    drawArchive(i.archive || {status: 'none'});

    const a = i.actor || {};
    const age = ageSeconds(i.last_health_check);
    fill(actor,
      facts([
        ['Actor id', a.id ? h('a', {href: orchestrationHref(a.id), class: 'mono'}, a.id) : 'none', 'actor-id'],
        ['Engine status', a.status || '—', 'actor-status'],
        ['Diagnosis', badge(a.diagnosis), 'actor-diagnosis'],
        ['Reason', a.reason, 'actor-reason'],
        ['Monitoring', i.monitoring_enabled ? 'on' : 'off (cancelled)', 'actor-monitoring'],
        ['Last check', h('span', {class: age !== null && age > settings.staleAfterSeconds ? 'stale' : null,
          title: formatTime(i.last_health_check)}, formatAge(age)), 'actor-last-check'],
        ['Consecutive failures', String(i.consecutive_failures), 'actor-failures'],
      ]));

    fill(details, facts([
      ['Kubernetes name', i.k8s_name],
      ['PostgreSQL', i.postgres_version],
      ['Storage', `${i.storage_size_gb} GB`],
      ['Data plane', i.data_plane?.kind],
      ['Server pid', i.data_plane?.pid != null ? String(i.data_plane.pid) : 'not running', 'server-pid'],
      ['Data directory', i.data_plane?.data_dir ? h('code', null, i.data_plane.data_dir) : null],
      ['Created', formatTime(i.created_at)],
      ['Started', formatTime(i.started_at)],
      ['Stopped', formatTime(i.stopped_at)],
      ['Create orchestration', i.create_orchestration_id
        ? h('a', {href: orchestrationHref(i.create_orchestration_id), class: 'mono'}, i.create_orchestration_id) : null],
      i.delete_orchestration_id ? ['Delete orchestration',
        h('a', {href: orchestrationHref(i.delete_orchestration_id), class: 'mono'}, i.delete_orchestration_id)] : null,
    ]));
  }

  /** The primary and its streaming standbys, with health, lag and timeline read live. */
  function drawMembers(list) {
    if (list.length < 2) {
      fill(members, h('p', {class: 'muted small', id: 'members-none'},
        'No standbys. Add some with: toygres scale ', name, ' --replicas N'));
      return;
    }
    const lag = (m) => (m.lag_bytes == null ? '—'
      : `${m.lag_bytes} B${m.lag_seconds != null ? ` · ${formatMs(m.lag_seconds * 1000)}` : ''}`);
    fill(members, h('table', {class: 'table compact', id: 'members-table'},
      h('thead', null, h('tr', null, ['Role', 'Name', 'Address', 'Pid', 'Health', 'Lag', 'Timeline']
        .map((t) => h('th', {scope: 'col'}, t)))),
      h('tbody', null, list.map((m) => h('tr', {dataset: {role: m.role}},
        h('td', null, m.role),
        h('td', {class: 'mono'}, m.name || ''),
        h('td', {class: 'mono'}, `${m.host}:${m.port}`),
        h('td', {class: 'mono'}, m.pid != null ? String(m.pid) : 'not running'),
        h('td', null, badge(m.health)),
        h('td', null, m.role === 'primary' ? '—' : lag(m)),
        h('td', null, m.timeline != null ? String(m.timeline) : '—'))))));
  }

  /** The primary's WAL archiving as the last health check read it (docs/backups.md). */
  function drawArchive(a) {
    const wal = (file, at) => (file
      ? h('span', null, h('code', {class: 'mono'}, file), ' ', h('span', {class: 'muted', title: formatTime(at)},
        formatAge(ageSeconds(at))))
      : 'none');
    const lag = a.lag_segments == null ? '—'
      : `${a.lag_segments} finished segment${a.lag_segments === 1 ? '' : 's'} waiting`;
    fill(archive,
      facts([
        ['Status', badge(a.status, {id: 'archive-status'}), 'archive-status-row'],
        ['Last archived', wal(a.last_archived_wal, a.last_archived_at), 'archive-last'],
        ['Lag', lag, 'archive-lag'],
        ['Failed attempts', a.failed_count == null ? '—' : String(a.failed_count), 'archive-failures'],
        a.last_failed_wal ? ['Last failure', wal(a.last_failed_wal, a.last_failed_at), 'archive-last-failed'] : null,
        ['Current WAL file', a.current_wal ? h('code', {class: 'mono'}, a.current_wal) : '—', 'archive-current'],
        ['Read', a.checked_at ? formatTime(a.checked_at) : 'not yet', 'archive-checked'],
      ]),
      a.status === 'none' ? h('p', {class: 'muted small', id: 'archive-none'},
        'Nothing archived yet: the first WAL segment is archived when it is finished (at most a minute after writes begin).')
        : null);
  }

  function drawEvents(list) {
    fill(events, list.length ? list.map((e) => h('li', {class: `ev ev-${e.event_type}`},
      h('time', {datetime: e.created_at}, formatTime(e.created_at)),
      h('span', {class: 'ev-type'}, e.event_type),
      e.old_state || e.new_state ? h('span', {class: 'ev-states'}, `${e.old_state || '∅'} → ${e.new_state || '∅'}`) : null,
      h('span', {class: 'ev-message'}, e.message || ''))) : h('li', {class: 'muted'}, 'No events.'));
  }

  /** What one check saw of each server: "primary ok · standby 1 ok, lag 0 B, timeline 1". */
  function seenMembers(list) {
    return list.map((m) => {
      const who = m.role === 'primary' ? 'primary' : `standby ${m.ordinal}`;
      const parts = [`${who} ${m.health === 'healthy' ? 'ok' : m.health}`];
      if (m.role !== 'primary' && m.lag_bytes != null) parts.push(`lag ${m.lag_bytes} B`);
      if (m.timeline != null) parts.push(`timeline ${m.timeline}`);
      return parts.join(', ');
    }).join(' · ');
  }

  /** The members the newest check saw, and how many checks in the window saw one not healthy. */
  function drawCheckMembers(shown) {
    const withMembers = shown.filter((c) => Array.isArray(c.members));
    checkMembers.hidden = !withMembers.length;
    if (!withMembers.length) return;
    const newest = withMembers.reduce((a, b) => (Date.parse(a.checked_at) >= Date.parse(b.checked_at) ? a : b));
    const degraded = withMembers.filter((c) => c.members.some((m) => m.health !== 'healthy')).length;
    fill(checkMembers, 'Members at the newest check (', h('time', {datetime: newest.checked_at},
      formatTime(newest.checked_at)), '): ', h('span', {id: 'health-members-seen'}, seenMembers(newest.members)),
    degraded ? h('span', {class: 'muted'}, ` · ${degraded} check${degraded === 1 ? '' : 's'} in this window saw a`
      + ' member not healthy') : null);
  }

  function drawChart(checks) {
    let shown = checks;
    let opts = {};
    let note = '';
    if (win.span) {
      const to = Date.now();
      const from = to - win.span * 1000;
      shown = checks.filter((c) => Date.parse(c.checked_at) >= from);
      opts = {from, to};
      if (checks.length >= win.limit && shown.length === checks.length) {
        note = ` (the newest ${win.limit} checks; older ones in this window are not shown)`;
      }
    }
    const ms = shown.map((c) => c.response_time_ms).filter((v) => v != null);
    const bad = shown.filter((c) => c.status === 'unhealthy').length;
    fill(chartBox, historyChart(shown, opts));
    drawCheckMembers(shown);
    chartStats.textContent = shown.length
      ? `${shown.length} checks, ${bad} unhealthy · median ${formatMs(percentile(ms, 0.5))}`
        + ` · p95 ${formatMs(percentile(ms, 0.95))} · max ${formatMs(ms.length ? Math.max(...ms) : null)}${note}`
      : 'No checks in this window.';
  }

  /** Each server's last lines, the newest at the bottom, scrolled there unless the reader scrolled up. */
  function drawLogs(answer) {
    if (answer.error) {
      fill(logs, h('p', {class: 'muted', id: 'logs-error'}, `The log cannot be read: ${answer.error}`));
      return;
    }
    const list = answer.members || [];
    if (!list.length) {
      fill(logs, h('p', {class: 'muted', id: 'logs-none'}, 'No server yet: nothing logged.'));
      return;
    }
    const keep = new Map([...logs.querySelectorAll('pre.log-tail')].map((pre) =>
      [pre.id, pre.scrollHeight - pre.scrollTop - pre.clientHeight > 8 ? pre.scrollTop : null]));
    fill(logs, ...list.map((m) => h('div', {class: 'log-member', 'data-role': m.role, 'data-ordinal': String(m.ordinal)},
      h('h3', {class: 'small'}, `${m.member} (${m.role})`),
      h('pre', {class: 'log-tail', id: `log-${m.ordinal}`, tabindex: '0', 'aria-label': `Log of ${m.member}`},
        m.lines.length ? m.lines.join('\n') : '(empty)'))));
    for (const pre of logs.querySelectorAll('pre.log-tail')) {
      const at = keep.get(pre.id);
      pre.scrollTop = at == null ? pre.scrollHeight : at;
    }
  }

  async function refresh() {
    if (gone) return;
    try {
      inst = await api.instance(name);
    } catch (e) {
      if (e.status !== 404) throw e;
      gone = true;
      goneNote.hidden = false;
      fill(goneNote, `Instance ${name} does not exist (or has been deleted). `, h('a', {href: '#/fleet'}, 'Back to the fleet'), '.');
      showAllowed([]);
      return;
    }
    drawInstance();
    const chartEvery = win.limit > 200 ? 15000 : REFRESH_MS;
    const wantChart = Date.now() - chartAt >= chartEvery - 100;
    const [evs, checks, tail] = await Promise.all([
      api.events(name, 30),
      wantChart ? api.healthChecks(name, win.limit) : Promise.resolve(null),
      // A log that cannot be read says so in its panel; the rest of the page still refreshes.
      request('GET', `/api/instances/${encodeURIComponent(name)}/logs?tail=${LOG_LINES}`)
        .catch((e) => ({error: e.message})),
    ]);
    drawEvents(evs);
    drawLogs(tail);
    if (checks) {
      chartAt = Date.now();
      drawChart(checks);
    }
  }

  const poller = poll(refresh, REFRESH_MS);
  return {dispose: () => poller.stop()};
}
