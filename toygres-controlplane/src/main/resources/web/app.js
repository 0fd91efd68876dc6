// The Toygres console: hash routes, the login, and the pages. No build step: plain ES modules.

import {api, onUnauthorized} from './js/api.js';
import {byId, fill, flash, h} from './js/dom.js';
import {loadSettings} from './js/settings.js';
import {session, setSession} from './js/session.js';
import * as fleet from './js/fleet.js';
import * as instance from './js/instance.js';
import * as doctor from './js/doctor.js';
import * as orchestrations from './js/orchestrations.js';
import * as orchestration from './js/orchestration.js';
import * as create from './js/create.js';
import * as system from './js/system.js';

const main = byId('main');
let current = null; // the page on screen: {dispose()}
let loggedIn = false;
let returnTo = '#/fleet';

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, query] = raw.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const params = Object.fromEntries(new URLSearchParams(query || ''));
  return {parts, params};
}

function route() {
  const {parts, params} = parseHash();
  const [first, second] = parts;
  if (first === 'instances' && second) return {page: instance, nav: 'fleet', title: second, params: {name: second}};
  if (first === 'orchestrations' && second) return {page: orchestration, nav: 'orchestrations', title: second, params: {...params, id: second}};
  switch (first) {
    case 'doctor': return {page: doctor, nav: 'doctor', title: 'Doctor', params};
    case 'orchestrations': return {page: orchestrations, nav: 'orchestrations', title: 'Orchestrations', params};
    case 'system': return {page: system, nav: 'system', title: 'System', params};
    case 'create': return {page: create, nav: 'create', title: 'Create instance', params};
    default: return {page: fleet, nav: 'fleet', title: 'Fleet', params};
  }
}

function dispose() {
  if (current) current.dispose();
  current = null;
  const dialog = byId('confirm-dialog');
  if (dialog.open) byId('confirm-cancel').click();
}

function showPage() {
  dispose();
  if (!loggedIn) {
    showLogin();
    return;
  }
  if (location.hash === '' || location.hash === '#/' || location.hash === '#/login') {
    history.replaceState(null, '', '#/fleet');
  }
  const r = route();
  byId('topbar').hidden = false;
  document.body.dataset.page = r.nav;
  for (const a of byId('nav').querySelectorAll('a')) {
    if (a.id === `nav-${r.nav}`) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  document.title = `${r.title} · Toygres`;
  current = r.page.render(main, r.params);
}

function showWhoami() {
  fill(byId('whoami'), h('span', {id: 'whoami-name', class: 'mono'}, session.tokenName || '?'), ' ',
    h('span', {id: 'whoami-role', class: `role r-${session.role || 'none'}`}, session.role || '?'));
}

function showLogin(message) {
  dispose();
  loggedIn = false;
  setSession(null);
  byId('topbar').hidden = true;
  document.body.dataset.page = 'login';
  document.title = 'Log in · Toygres';
  if (location.hash && location.hash !== '#/login') returnTo = location.hash;
  const token = h('input', {id: 'login-token', name: 'token', type: 'password', autocomplete: 'current-password',
    required: true, 'aria-describedby': 'login-hint'});
  const error = h('p', {id: 'login-error', class: 'error', role: 'alert', hidden: !message}, message || '');
  const submit = h('button', {type: 'submit', id: 'login-submit', class: 'button primary wide'}, 'Log in');
  const form = h('form', {id: 'login-form', class: 'login-card stack', onsubmit: async (e) => {
    e.preventDefault();
    error.hidden = true;
    if (!token.value.trim()) {
      error.textContent = 'Enter an API token.';
      error.hidden = false;
      return;
    }
    submit.disabled = true;
    try {
      await enter(await api.login(token.value.trim()));
    } catch (err) {
      error.textContent = err.status === 401 ? 'That is not a valid API token.' : `Login failed: ${err.message}`;
      error.hidden = false;
      submit.disabled = false;
      token.select();
    }
  }},
  h('h1', null, 'Toygres console'),
  h('label', {for: 'login-token'}, 'API token'), token,
  h('p', {id: 'login-hint', class: 'muted small'},
    'Any API token: one made with ', h('code', null, 'toygres tokens create'), ', or the admin token, printed by ',
    h('code', null, 'toygres server'), ' on its first start and kept in ',
    h('code', null, '<data-dir>/admin-token'), ' (or set with TOYGRES_ADMIN_TOKEN).'),
  error, submit);
  fill(main, h('div', {class: 'login-wrap'}, form));
  history.replaceState(null, '', '#/login');
  token.focus();
}

async function enter(who) {
  await loadSettings();
  setSession(who);
  showWhoami();
  loggedIn = true;
  const target = returnTo && returnTo !== '#/login' ? returnTo : '#/fleet';
  returnTo = '#/fleet';
  if (location.hash === target) showPage(); else location.hash = target;
}

onUnauthorized((message) => {
  if (!loggedIn) return;
  showLogin(`Your session has ended (${message}). Log in again.`);
});

byId('logout').addEventListener('click', async () => {
  try {
    await api.logout();
  } catch (e) {
    flash(`Logout: ${e.message}`, 'error');
  }
  returnTo = '#/fleet';
  showLogin('You are logged out.');
  byId('login-error').className = 'notice';
});

window.addEventListener('hashchange', () => {
  if (location.hash === '#/login' && !loggedIn) return;
  showPage();
});

(async () => {
  try {
    await enter(await api.session());
  } catch {
    showLogin();
  }
})();
