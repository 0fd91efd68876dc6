// Doctor: every actor diagnosed, filters per diagnosis, and recovery with a dry-run preview.

import {api} from './api.js';
import {
  ageSeconds, badge, confirmDialog, fill, flash, formatAge, formatTime, h, instanceHref,
  orchestrationHref, poll,
} from './dom.js';
import {DIAGNOSES} from './fleet.js';

const REFRESH_MS = 4000;
const REPAIRABLE = ['stale', 'zombie', 'missing', 'dead', 'orphaned'];

function resultsTable(results, id) {
  return h('table', {class: 'table compact', id},
    h('thead', null, h('tr', null, ['Instance', 'Diagnosis', 'Action', 'New actor', 'Previous actor', 'Detail']
      .map((t) => h('th', {scope: 'col'}, t)))),
    h('tbody', null, results.map((r) => h('tr', {dataset: {instance: r.instance_name || ''}},
      h('td', null, r.instance_name ? h('a', {href: instanceHref(r.instance_name)}, r.instance_name) : '—'),
      h('td', null, badge(r.diagnosis)),
      h('td', {class: 'action'}, r.action),
      h('td', {class: 'mono'}, r.actor_id || '—'),
      h('td', {class: 'mono'}, r.previous_actor_id || '—'),
      h('td', null, r.detail || '')))));
}

export function render(main) {
  const selected = new Set();
  let findings = [];
  const filters = h('div', {id: 'doctor-filters', class: 'filters', role: 'group', 'aria-label': 'Filter by diagnosis'});
  const body = h('tbody');
  const table = h('table', {id: 'doctor-table', class: 'table'},
    h('thead', null, h('tr', null,
      ['Instance', 'State', 'Actor', 'Engine status', 'Last check', 'Actor progress', 'Diagnosis', 'Reason']
        .map((t) => h('th', {scope: 'col'}, t)))),
    body);
  const empty = h('p', {id: 'doctor-empty', class: 'empty', hidden: true});
  const status = h('span', {id: 'doctor-updated', class: 'muted'}, 'loading…');
  const recoverSelected = h('button', {type: 'button', id: 'recover-selected', class: 'button primary write',
    disabled: true, onclick: () => recover([...selected])}, 'Recover selected');
  const recoverAll = h('button', {type: 'button', id: 'recover-all', class: 'button write',
    onclick: () => recover([])}, 'Recover all');
  const results = h('section', {id: 'recover-results', class: 'panel', hidden: true, 'aria-live': 'polite'});

  fill(main,
    h('div', {class: 'page-head'}, h('h1', null, 'Actor doctor'), status),
    h('p', {class: 'muted small'},
      'Every running or stopped instance gets one diagnosis from the CMS and the engine together. ',
      '"Recover selected" repairs the diagnoses ticked below; "Recover all" repairs stale, zombie, missing and dead ',
      'actors and ends orphans (cancelled ones stay as they are). Both show a dry run first.'),
    h('div', {class: 'toolbar'}, filters, h('div', {class: 'actions'}, recoverSelected, recoverAll)),
    table, empty, results);

  function drawFilters() {
    const counts = {};
    for (const f of findings) counts[f.diagnosis] = (counts[f.diagnosis] || 0) + 1;
    fill(filters, DIAGNOSES.map((d) => {
      const box = h('input', {type: 'checkbox', id: `filter-${d}`, value: d, checked: selected.has(d),
        onchange: () => {
          if (box.checked) selected.add(d); else selected.delete(d);
          draw();
        }});
      return h('label', {class: ['chip', `c-${d}`, counts[d] ? null : 'zero'], for: `filter-${d}`},
        box, ` ${d} `, h('span', {class: 'chip-count', id: `filter-count-${d}`}, String(counts[d] || 0)));
    }));
  }

  function draw() {
    drawFilters();
    const shown = selected.size ? findings.filter((f) => selected.has(f.diagnosis)) : findings;
    fill(body, shown.map((f) => h('tr', {id: f.instance_name && f.diagnosis !== 'orphaned' ? `doctor-row-${f.instance_name}` : null,
      dataset: {diagnosis: f.diagnosis, instance: f.instance_name || ''}},
    h('td', null, f.instance_name ? h('a', {href: instanceHref(f.instance_name)}, f.instance_name) : h('span', {class: 'muted'}, '(none)')),
    h('td', null, f.state ? badge(f.state) : '—'),
    h('td', {class: 'mono'}, f.actor_id ? h('a', {href: orchestrationHref(f.actor_id)}, f.actor_id) : '—'),
    h('td', null, f.actor_status || '—'),
    h('td', {title: formatTime(f.last_health_check)}, formatAge(ageSeconds(f.last_health_check))),
    h('td', {title: formatTime(f.actor_progress_at)}, f.actor_progress_at ? formatAge(ageSeconds(f.actor_progress_at)) : '—'),
    h('td', {class: 'diagnosis'}, badge(f.diagnosis)),
    h('td', {class: 'reason'}, f.reason || ''))));
    table.hidden = shown.length === 0;
    empty.hidden = shown.length > 0;
    empty.textContent = findings.length ? 'No actor has the selected diagnoses.' : 'No instances to diagnose.';
    recoverSelected.disabled = selected.size === 0;
    recoverSelected.textContent = selected.size ? `Recover selected (${[...selected].join(', ')})` : 'Recover selected';
  }

  async function recover(diagnoses) {
    const label = diagnoses.length ? diagnoses.join(', ') : `all (${REPAIRABLE.join(', ')})`;
    let preview;
    try {
      preview = await api.recover(diagnoses, true);
    } catch (e) {
      flash(`Dry run failed: ${e.message}`, 'error');
      return;
    }
    const n = preview.results.length;
    const ok = await confirmDialog({
      title: `Recover ${label}?`,
      body: [h('p', {id: 'preview-summary'}, n
        ? `Dry run: ${n} action${n === 1 ? '' : 's'} would be taken.`
        : 'Dry run: nothing to do.'),
      n ? resultsTable(preview.results, 'preview-table') : null],
      confirmLabel: n ? `Recover (${n})` : 'Run anyway',
    });
    if (!ok) return;
    try {
      const done = await api.recover(diagnoses, false);
      fill(results, h('h2', null, 'Recovery results'),
        h('p', {id: 'recover-summary'}, `${done.results.length} action${done.results.length === 1 ? '' : 's'} taken for ${label}.`),
        done.results.length ? resultsTable(done.results, 'recover-table') : null);
      results.hidden = false;
      flash(`Recovered ${done.results.length} actor${done.results.length === 1 ? '' : 's'}`, 'ok');
    } catch (e) {
      flash(`Recovery failed: ${e.message}`, 'error');
    }
    poller.now();
  }

  async function refresh() {
    findings = await api.actors();
    findings.sort((a, b) => (a.instance_name || '~').localeCompare(b.instance_name || '~'));
    draw();
    status.textContent = `updated ${new Date().toLocaleTimeString(undefined, {hour12: false})} · every ${REFRESH_MS / 1000} s`;
  }

  const poller = poll(refresh, REFRESH_MS);
  return {dispose: () => poller.stop()};
}
