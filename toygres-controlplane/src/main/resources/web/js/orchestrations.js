// Orchestrations: the engine's instances, filtered and paged with the API's cursor.

import {api} from './api.js';
import {badge, fill, flash, formatTime, h, orchestrationHref} from './dom.js';

const PAGE = 25;
const STATUSES = ['', 'running', 'completed', 'failed', 'cancelled'];

export function render(main, params) {
  const cursors = [null]; // cursors[i] loads page i
  let page = 0;
  const status = h('select', {id: 'orch-status', name: 'status'},
    STATUSES.map((v) => h('option', {value: v, selected: v === (params.status || '')}, v || 'any status')));
  const name = h('input', {id: 'orch-name', name: 'name', placeholder: 'e.g. toygres.create-instance',
    value: params.name || '', list: 'orch-names', autocomplete: 'off'});
  const prefix = h('input', {id: 'orch-prefix', name: 'prefix', placeholder: 'e.g. actor-', value: params.prefix || '', autocomplete: 'off'});
  const names = h('datalist', {id: 'orch-names'},
    ['toygres.create-instance', 'toygres.delete-instance', 'toygres.stop-instance', 'toygres.start-instance',
      'toygres.restart-instance', 'toygres.instance-actor', 'toygres.actor-supervisor', 'toygres.pruner']
      .map((n) => h('option', {value: n})));
  const body = h('tbody');
  const table = h('table', {id: 'orch-table', class: 'table'},
    h('thead', null, h('tr', null, ['Id', 'Name', 'Version', 'Status', 'Execution', 'Created', 'Last progress', 'Completed']
      .map((t) => h('th', {scope: 'col'}, t)))), body);
  const empty = h('p', {id: 'orch-empty', class: 'empty', hidden: true}, 'No orchestrations match.');
  const prev = h('button', {type: 'button', id: 'orch-prev', class: 'button subtle', disabled: true,
    onclick: () => load(page - 1)}, '‹ Previous');
  const next = h('button', {type: 'button', id: 'orch-next', class: 'button subtle', disabled: true,
    onclick: () => load(page + 1)}, 'Next ›');
  const pageLabel = h('span', {id: 'orch-page', class: 'muted'});

  const form = h('form', {id: 'orch-filter', class: 'filters-form', role: 'search',
    onsubmit: (e) => {
      e.preventDefault();
      const q = new URLSearchParams();
      if (status.value) q.set('status', status.value);
      if (name.value.trim()) q.set('name', name.value.trim());
      if (prefix.value.trim()) q.set('prefix', prefix.value.trim());
      const target = `#/orchestrations${q.toString() ? `?${q}` : ''}`;
      if (location.hash === target) load(0); else location.hash = target;
    }},
  h('label', {class: 'field inline'}, 'Status', status),
  h('label', {class: 'field inline'}, 'Name', name, names),
  h('label', {class: 'field inline'}, 'Id prefix', prefix),
  h('button', {type: 'submit', id: 'orch-apply', class: 'button primary'}, 'Apply'));

  fill(main, h('div', {class: 'page-head'}, h('h1', null, 'Orchestrations')), form, table, empty,
    h('div', {class: 'pager'}, prev, pageLabel, next));

  async function load(n) {
    let result;
    try {
      result = await api.orchestrations({status: params.status, name: params.name, prefix: params.prefix,
        limit: PAGE, cursor: cursors[n]});
    } catch (e) {
      flash(`Cannot list orchestrations: ${e.message}`, 'error');
      return;
    }
    page = n;
    cursors[n + 1] = result.next_cursor;
    fill(body, result.items.map((o) => h('tr', {dataset: {id: o.instance_id, status: o.status}},
      h('td', {class: 'mono'}, h('a', {href: orchestrationHref(o.instance_id)}, o.instance_id)),
      h('td', null, o.name),
      h('td', null, o.version),
      h('td', null, badge(o.status)),
      h('td', null, String(o.execution_id)),
      h('td', null, formatTime(o.created_at)),
      h('td', null, formatTime(o.updated_at)),
      h('td', null, formatTime(o.completed_at)))));
    table.hidden = result.items.length === 0;
    empty.hidden = result.items.length > 0;
    prev.disabled = page === 0;
    next.disabled = !result.next_cursor;
    pageLabel.textContent = `page ${page + 1} · ${result.items.length} shown`;
  }

  load(0);
  return {dispose() {}};
}
