// Fleet: every instance at a glance, refreshed in place every few seconds.

import {api} from './api.js';
import {ageSeconds, badge, fill, formatAge, formatTime, h, instanceHref, poll} from './dom.js';
import {sparkline} from './charts.js';
import {seconds, settings} from './settings.js';

const REFRESH_MS = 3000;
const HEALTH = ['healthy', 'unhealthy', 'unknown'];
export const DIAGNOSES = ['healthy', 'stale', 'zombie', 'missing', 'dead', 'cancelled', 'orphaned'];

function countChips(title, id, keys, counts) {
  return h('div', {class: 'counts', id, role: 'group', 'aria-label': title},
    h('span', {class: 'counts-title'}, title),
    keys.map((k) => h('span', {class: ['count', `c-${k}`, counts[k] ? null : 'zero'], id: `${id}-${k}`,
      dataset: {count: counts[k] || 0}},
    h('strong', null, String(counts[k] || 0)), ' ', k)));
}

function tally(values) {
  const out = {};
  for (const v of values) if (v) out[v] = (out[v] || 0) + 1;
  return out;
}

export function render(main) {
  let instances = [];
  let diagnosis = new Map();
  let orphans = [];
  const status = h('span', {id: 'fleet-updated', class: 'muted'}, 'loading…');
  const pause = h('input', {type: 'checkbox', id: 'fleet-pause'});
  const counts = h('div', {id: 'fleet-counts', class: 'counts-row'});
  const body = h('tbody');
  const table = h('table', {id: 'fleet-table', class: 'table'},
    h('thead', null, h('tr', null,
      ['Instance', 'State', 'Health', 'Last check', 'Actor', 'Response time (last 30)', 'Version', 'Endpoint']
        .map((t) => h('th', {scope: 'col'}, t)))),
    body);
  const empty = h('p', {id: 'fleet-empty', class: 'empty', hidden: true},
    'No instances yet. ', h('span', {class: 'write'}, h('a', {href: '#/create'}, 'Create one'), '.'));
  fill(main,
    h('div', {class: 'page-head'},
      h('h1', null, 'Fleet'),
      h('div', {class: 'head-tools'}, status,
        h('label', {class: 'toggle'}, pause, ' pause auto-refresh'))),
    h('p', {class: 'muted small'},
      `Health is probed every ${seconds(settings.healthIntervalSeconds)}; a last check older than `
      + `${seconds(settings.staleAfterSeconds)} is shown in amber.`),
    counts, table, empty);

  function row(inst) {
    const age = ageSeconds(inst.last_health_check);
    const monitored = inst.state === 'running' || inst.state === 'stopped';
    const stale = monitored && (age === null ? inst.state === 'running' : age > settings.staleAfterSeconds);
    const d = diagnosis.get(inst.name);
    return h('tr', {id: `row-${inst.name}`, dataset: {name: inst.name}},
      h('td', null, h('a', {href: instanceHref(inst.name), class: 'name'}, inst.name)),
      h('td', {class: 'state'}, badge(inst.state)),
      h('td', {class: 'health', dataset: {health: inst.health_status || 'unknown'}}, badge(inst.health_status || 'unknown')),
      h('td', {class: ['age', stale ? 'stale' : null], title: formatTime(inst.last_health_check),
        dataset: {age: age === null ? '' : Math.floor(age)}}, formatAge(age)),
      h('td', {class: 'diagnosis', dataset: {diagnosis: d ? d.diagnosis : ''}, title: d ? d.reason : ''},
        d ? badge(d.diagnosis) : h('span', {class: 'muted'}, '—')),
      // The list carries each instance's last 30 checks, newest first: no request per instance.
      h('td', {class: 'spark'}, sparkline(inst.recent_checks || [])),
      h('td', null, inst.postgres_version || '—'),
      h('td', {class: 'mono'}, inst.host && inst.port ? `${inst.host}:${inst.port}` : '—'));
  }

  function draw() {
    const healthCounts = tally(instances.map((i) => i.health_status || 'unknown'));
    const diagCounts = tally([...diagnosis.values()].map((d) => d.diagnosis).concat(orphans));
    fill(counts,
      h('div', {class: 'count-total'}, h('strong', {id: 'fleet-total'}, String(instances.length)),
        instances.length === 1 ? ' instance' : ' instances'),
      countChips('Health', 'count-health', HEALTH, healthCounts),
      countChips('Actors', 'count-diagnosis', DIAGNOSES, diagCounts));
    fill(body, instances.map(row));
    empty.hidden = instances.length > 0;
    table.hidden = instances.length === 0;
  }

  async function refresh() {
    if (pause.checked) return;
    const [list, findings] = await Promise.all([api.instances(), api.actors()]);
    instances = list.sort((a, b) => a.name.localeCompare(b.name));
    diagnosis = new Map(findings.filter((f) => f.diagnosis !== 'orphaned' && f.instance_name)
      .map((f) => [f.instance_name, f]));
    orphans = findings.filter((f) => f.diagnosis === 'orphaned').map(() => 'orphaned');
    draw();
    status.textContent = `updated ${new Date().toLocaleTimeString(undefined, {hour12: false})} · every ${REFRESH_MS / 1000} s`;
  }

  const poller = poll(refresh, REFRESH_MS);
  pause.addEventListener('change', () => { if (!pause.checked) poller.now(); });
  return {dispose: () => poller.stop()};
}
