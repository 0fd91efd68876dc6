// Small DOM helpers. Every text from the server goes in as a text node, never as HTML.

import {ApiError} from './api.js';

const SVG_NS = 'http://www.w3.org/2000/svg';

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

function applyProps(el, props) {
  for (const [k, v] of Object.entries(props || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.setAttribute('class', Array.isArray(v) ? v.filter(Boolean).join(' ') : v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'value' || k === 'checked' || k === 'disabled' || k === 'selected') el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
}

/** An HTML element: h('a', {href: '#/x', class: 'link'}, 'text', child, ...). */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  applyProps(el, props);
  return append(el, children);
}

/** An SVG element. */
export function s(tag, props, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  applyProps(el, props);
  return append(el, children);
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

export function byId(id) {
  return document.getElementById(id);
}

/** A coloured label for a state, health or diagnosis value. */
export function badge(value, props = {}) {
  const v = value || 'none';
  return h('span', {...props, class: ['badge', `b-${v.replace(/[^a-z_]/g, '')}`, props.class]}, v);
}

export function link(href, text, props = {}) {
  return h('a', {...props, href}, text);
}

export function instanceHref(name) {
  return `#/instances/${encodeURIComponent(name)}`;
}

export function orchestrationHref(id) {
  return `#/orchestrations/${encodeURIComponent(id)}`;
}

/** Seconds since an ISO time, or null. */
export function ageSeconds(iso, now = Date.now()) {
  if (!iso) return null;
  return Math.max(0, (now - Date.parse(iso)) / 1000);
}

export function formatAge(seconds) {
  if (seconds === null || seconds === undefined) return 'never';
  if (seconds < 60) return `${Math.floor(seconds)}s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${Math.floor(seconds % 60)}s ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m ago`;
  return `${Math.floor(seconds / 86400)}d ago`;
}

export function formatTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return d.toLocaleString(undefined, {
    year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false,
  });
}

export function formatMs(ms) {
  if (ms === null || ms === undefined) return '—';
  if (ms === 0) return '0 ms';
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

export function json(value) {
  return value === null || value === undefined ? '—' : JSON.stringify(value, null, 2);
}

/** A definition list from [label, value] pairs; values may be nodes. */
export function facts(pairs, props = {}) {
  return h('dl', {...props, class: ['facts', props.class]},
    pairs.filter(Boolean).map(([k, v, id]) => [h('dt', null, k), h('dd', {id}, v ?? '—')]));
}

/** Shows a message at the top of the page for a while. */
let flashTimer = null;
export function flash(message, kind = 'info') {
  const el = byId('flash');
  el.className = `flash ${kind}`;
  el.textContent = message;
  el.hidden = false;
  clearTimeout(flashTimer);
  flashTimer = setTimeout(() => { el.hidden = true; }, kind === 'error' ? 12000 : 6000);
}

/**
 * A modal confirmation. Resolves true when confirmed. `body` is text or nodes; `danger` colours
 * the confirm button; `validate` may return an error text to keep the dialog open.
 */
export function confirmDialog({title, body, confirmLabel = 'Confirm', danger = false, validate}) {
  const dialog = byId('confirm-dialog');
  fill(byId('confirm-title'), title);
  const bodyEl = byId('confirm-body');
  fill(bodyEl, body);
  const ok = byId('confirm-ok');
  const cancel = byId('confirm-cancel');
  ok.textContent = confirmLabel;
  ok.className = danger ? 'button danger' : 'button primary';
  ok.disabled = false;
  const error = h('p', {class: 'error', id: 'confirm-error', role: 'alert', hidden: true});
  bodyEl.append(error);
  return new Promise((resolve) => {
    const done = (result) => {
      ok.removeEventListener('click', onOk);
      cancel.removeEventListener('click', onCancel);
      dialog.removeEventListener('cancel', onCancel);
      if (dialog.open) dialog.close();
      resolve(result);
    };
    const onOk = (e) => {
      e.preventDefault();
      const problem = validate ? validate() : null;
      if (problem) {
        error.textContent = problem;
        error.hidden = false;
        return;
      }
      done(true);
    };
    const onCancel = (e) => {
      e.preventDefault();
      done(false);
    };
    ok.addEventListener('click', onOk);
    cancel.addEventListener('click', onCancel);
    dialog.addEventListener('cancel', onCancel);
    dialog.showModal();
    cancel.focus();
  });
}

/** Copies text to the clipboard; falls back to a selection for non-secure contexts. */
export async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // fall through
    }
  }
  const ta = h('textarea', {class: 'offscreen', 'aria-hidden': 'true'});
  ta.value = text;
  document.body.append(ta);
  ta.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  ta.remove();
  return ok;
}

/**
 * Calls `fn` now and then every `ms` after each call ends (never two at once), until stopped.
 * Returns {stop, now}; `now()` runs it at once.
 */
export function poll(fn, ms) {
  let timer = null;
  let stopped = false;
  let running = false;
  let again = false;
  const run = async () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    clearTimeout(timer);
    try {
      await fn();
    } catch (e) {
      // An API error is the server's answer, shown elsewhere; anything else is a bug in the page.
      if (!stopped) (e instanceof ApiError ? console.warn : console.error)('refresh failed', e);
    } finally {
      running = false;
      if (!stopped) {
        if (again) {
          again = false;
          timer = setTimeout(run, 0);
        } else {
          timer = setTimeout(run, ms);
        }
      }
    }
  };
  run();
  return {
    stop() { stopped = true; clearTimeout(timer); },
    now: run,
  };
}
