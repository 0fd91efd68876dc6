// One orchestration: its info, custom status, history per execution, cancel and raise-event.

import {api} from './api.js';
import {badge, confirmDialog, facts, fill, flash, formatTime, h, json, orchestrationHref, poll} from './dom.js';

const REFRESH_MS = 3000;

function compact(value) {
  if (value === null || value === undefined) return '';
  const text = JSON.stringify(value);
  return text.length > 240 ? `${text.slice(0, 240)}…` : text;
}

export function render(main, {id, execution: pinnedParam}) {
  let info = null;
  let pinned = pinnedParam ? Number(pinnedParam) : null; // null: follow the current execution
  let shownExecution = null;
  let shownEvents = -1;
  // The executions the engine still stores, oldest first (from the last history read). Past ones
  // may be purged, or replaced in place (an instance actor keeps only its current one), so the
  // navigator steps between these rather than to the number before or after.
  let stored = [];

  const infoBox = h('div', {id: 'orch-info'});
  const custom = h('pre', {id: 'orch-custom-status', class: 'json'});
  const output = h('pre', {id: 'orch-output', class: 'json'});
  const error = h('div', {id: 'orch-error'});
  const cancel = h('button', {type: 'button', id: 'orch-cancel', class: 'button danger write', disabled: true,
    onclick: () => cancelIt()}, 'Cancel orchestration');
  const raiseName = h('input', {id: 'raise-name', name: 'name', required: true, autocomplete: 'off', maxlength: 256});
  const raiseData = h('textarea', {id: 'raise-data', name: 'data', rows: 3, placeholder: '{"any": "JSON"} or empty for null'});
  const raiseError = h('p', {id: 'raise-error', class: 'error', role: 'alert', hidden: true});
  const raiseForm = h('form', {id: 'raise-form', class: 'stack', onsubmit: (e) => { e.preventDefault(); raise(); }},
    h('label', {class: 'field'}, 'Event name', raiseName),
    h('label', {class: 'field'}, 'Data (JSON)', raiseData),
    raiseError,
    h('button', {type: 'submit', id: 'raise-submit', class: 'button primary'}, 'Raise event'));
  const execInput = h('input', {type: 'number', id: 'exec-input', min: 1, class: 'narrow', 'aria-label': 'Execution number'});
  const execOf = h('span', {id: 'exec-of', class: 'muted'});
  const execPrev = h('button', {type: 'button', id: 'exec-prev', class: 'button subtle', onclick: () => show(previousExecution())}, '‹');
  const execNext = h('button', {type: 'button', id: 'exec-next', class: 'button subtle', onclick: () => show(nextExecution())}, '›');
  const execLatest = h('button', {type: 'button', id: 'exec-latest', class: 'button subtle', onclick: () => show(null)}, 'Current');
  execInput.addEventListener('change', () => show(Number(execInput.value)));
  const historyBody = h('tbody');
  const historyNote = h('p', {id: 'history-note', class: 'muted small'});
  const historyTable = h('table', {id: 'history-table', class: 'table compact'},
    h('thead', null, h('tr', null, ['#', 'Recorded', 'Event', 'Data'].map((t) => h('th', {scope: 'col'}, t)))),
    historyBody);

  fill(main,
    h('nav', {class: 'crumbs', 'aria-label': 'Breadcrumb'}, h('a', {href: '#/orchestrations'}, 'Orchestrations'), ' / ', id),
    h('div', {class: 'page-head'}, h('h1', {id: 'orch-id', class: 'mono wrap'}, id), cancel),
    h('div', {class: 'grid two'},
      h('section', {class: 'panel', 'aria-labelledby': 'orch-info-title'}, h('h2', {id: 'orch-info-title'}, 'Info'), infoBox),
      h('section', {class: 'panel', 'aria-labelledby': 'orch-status-title'},
        h('h2', {id: 'orch-status-title'}, 'Custom status'), custom,
        h('h2', null, 'Output'), output, error)),
    h('div', {class: 'grid wide-narrow'},
      h('section', {class: 'panel', id: 'history-panel', 'aria-labelledby': 'history-title'},
        h('h2', {id: 'history-title'}, 'History'),
        h('div', {class: 'exec-nav', role: 'group', 'aria-label': 'Execution'},
          'Execution ', execPrev, execInput, execNext, execOf, execLatest),
        historyNote, historyTable),
      h('section', {class: 'panel write', id: 'raise-panel', 'aria-labelledby': 'raise-title'},
        h('h2', {id: 'raise-title'}, 'Raise an event'), raiseForm)));

  function drawInfo() {
    fill(infoBox, facts([
      ['Name', info.name, 'orch-name-value'],
      ['Version', info.version],
      ['Status', badge(info.status, {id: 'orch-detail-status'})],
      ['Execution', String(info.execution_id), 'orch-execution'],
      ['Created', formatTime(info.created_at)],
      ['Last progress', formatTime(info.updated_at)],
      ['Completed', formatTime(info.completed_at)],
      info.parent_instance_id ? ['Parent', h('a', {href: orchestrationHref(info.parent_instance_id), class: 'mono'}, info.parent_instance_id)] : null,
    ]));
    custom.textContent = json(info.custom_status);
    output.textContent = json(info.output);
    fill(error, info.error ? [h('h2', null, 'Error'), h('p', {class: 'error'}, `${info.error.error_type}: ${info.error.message}`)] : null);
    cancel.disabled = info.status !== 'running';
  }

  async function loadHistory(force) {
    const want = pinned ?? info.execution_id;
    const current = want === info.execution_id;
    if (!force && want === shownExecution && !(current && info.status === 'running')) return;
    let hist;
    try {
      hist = await api.history(id, pinned);
    } catch (e) {
      if (e.status !== 404) throw e;
      shownExecution = want;
      fill(historyBody);
      historyNote.textContent = e.message;
      drawExecNav();
      return;
    }
    if (hist.execution_id === shownExecution && hist.events.length === shownEvents && !force) return;
    shownExecution = hist.execution_id;
    shownEvents = hist.events.length;
    stored = hist.executions ?? [];
    historyNote.textContent = `${hist.events.length} events in execution ${hist.execution_id}`
      + `${hist.execution_id === info.execution_id ? ' (current)' : ''}`;
    fill(historyBody, hist.events.map((e) => h('tr', null,
      h('td', null, String(e.sequence)),
      h('td', null, formatTime(e.recorded_at)),
      h('td', {class: 'mono'}, e.type),
      h('td', {class: 'mono small', title: JSON.stringify(e.data)}, compact(e.data)))));
    drawExecNav();
  }

  function previousExecution() {
    const before = stored.filter((n) => n < shownExecution);
    return before.length ? before[before.length - 1] : null;
  }

  function nextExecution() {
    // The current execution always exists, even if it started after the list was read.
    const after = stored.filter((n) => n > shownExecution && n < info.execution_id);
    if (after.length) return after[0];
    return shownExecution < info.execution_id ? info.execution_id : null;
  }

  function drawExecNav() {
    execInput.min = stored.length ? stored[0] : 1;
    execInput.max = info.execution_id;
    execInput.value = shownExecution;
    execOf.textContent = ` of ${info.execution_id}`;
    execPrev.disabled = previousExecution() === null;
    execNext.disabled = nextExecution() === null;
    execLatest.disabled = pinned === null;
  }

  function show(n) {
    if (n !== null && (!Number.isInteger(n) || n < 1 || n > info.execution_id
        || (stored.length && n !== info.execution_id && !stored.includes(n)))) {
      execInput.value = shownExecution;
      return;
    }
    pinned = n === info.execution_id ? null : n;
    const base = `#/orchestrations/${encodeURIComponent(id)}`;
    history.replaceState(null, '', pinned ? `${base}?execution=${pinned}` : base);
    loadHistory(true);
  }

  async function cancelIt() {
    const reason = h('input', {id: 'cancel-reason', autocomplete: 'off', maxlength: 1000, value: 'cancelled from the console'});
    const ok = await confirmDialog({
      title: 'Cancel this orchestration?',
      body: [h('p', null, `Cancel ${id}. It ends as cancelled; sub-orchestrations are cancelled too.`),
        h('label', {class: 'field'}, 'Reason', reason)],
      confirmLabel: 'Cancel orchestration',
      danger: true,
    });
    if (!ok) return;
    try {
      await api.cancelOrchestration(id, reason.value);
      flash('Cancellation requested', 'ok');
    } catch (e) {
      flash(`Cancel failed: ${e.message}`, 'error');
    }
    poller.now();
  }

  async function raise() {
    raiseError.hidden = true;
    const name = raiseName.value.trim();
    let data = null;
    let problem = name ? null : 'Give the event a name.';
    if (!problem && raiseData.value.trim()) {
      try {
        data = JSON.parse(raiseData.value);
      } catch (e) {
        problem = `Data is not valid JSON: ${e.message}`;
      }
    }
    if (!problem) {
      try {
        await api.raiseEvent(id, name, data);
        flash(`Event ${name} raised`, 'ok');
        poller.now();
        return;
      } catch (e) {
        problem = e.message;
      }
    }
    raiseError.textContent = problem;
    raiseError.hidden = false;
  }

  async function refresh() {
    try {
      info = await api.orchestration(id);
    } catch (e) {
      if (e.status !== 404) throw e;
      fill(infoBox, h('p', {class: 'error', id: 'orch-missing'}, e.message));
      poller.stop();
      return;
    }
    drawInfo();
    await loadHistory(false);
  }

  const poller = poll(refresh, REFRESH_MS);
  return {dispose: () => poller.stop()};
}
