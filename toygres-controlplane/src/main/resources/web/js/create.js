// Create instance: a form checked here and by the server, then the create orchestration's progress.

import {api} from './api.js';
import {badge, fill, h, instanceHref, orchestrationHref, poll} from './dom.js';
import {canWrite, session} from './session.js';

const NAME = /^[a-z]([a-z0-9-]*[a-z0-9])?$/;
const STEPS = [
  ['provisioning', 'Provisioning the server'],
  ['waiting', 'Waiting for connections'],
  ['starting actor', 'Starting the instance actor'],
  ['running', 'Running'],
  ['healthy', 'First healthy check'],
];

function check({name, password, version, storage}) {
  const errors = {};
  if (!name) errors.name = 'A name is required.';
  else if (name.length > 40) errors.name = `At most 40 characters (this one has ${name.length}).`;
  else if (!NAME.test(name)) errors.name = 'Use lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen.';
  if (!password) errors.password = 'A password is required.';
  else if (password.length < 8) errors.password = 'At least 8 characters.';
  else if (password.length > 128) errors.password = 'At most 128 characters.';
  else if (/[\x00-\x1f\x7f]/.test(password)) errors.password = 'No control characters.';
  if (version && !/^\d{1,3}(\.\d{1,3})?$/.test(version)) errors.version = 'A major version such as 17 or 18.';
  if (storage !== '' && !(Number.isInteger(Number(storage)) && Number(storage) >= 1 && Number(storage) <= 1024)) {
    errors.storage = 'A whole number of GB from 1 to 1024.';
  }
  return errors;
}

function field(label, id, input, hint) {
  return h('div', {class: 'field'},
    h('label', {for: id}, label), input,
    hint ? h('p', {class: 'hint', id: `${id}-hint`}, hint) : null,
    h('p', {class: 'field-error', id: `${id}-error`, role: 'alert', hidden: true}));
}

export function render(main) {
  if (!canWrite()) {
    fill(main, h('h1', null, 'Create instance'),
      h('p', {id: 'create-refused', class: 'notice'},
        `The token ${session.tokenName} (${session.role}) may only read: it cannot create instances. `,
        'Log in with an operator or admin token to create one.'));
    return {dispose() {}};
  }
  let poller = null;
  const name = h('input', {id: 'create-name', name: 'name', autocomplete: 'off', maxlength: 63,
    'aria-describedby': 'create-name-hint create-name-error'});
  const password = h('input', {id: 'create-password', name: 'password', type: 'password', autocomplete: 'new-password',
    'aria-describedby': 'create-password-hint create-password-error'});
  const reveal = h('input', {type: 'checkbox', id: 'create-reveal'});
  reveal.addEventListener('change', () => { password.type = reveal.checked ? 'text' : 'password'; });
  const version = h('input', {id: 'create-version', name: 'postgres_version', placeholder: 'default', list: 'pg-versions',
    inputmode: 'numeric', autocomplete: 'off', 'aria-describedby': 'create-version-hint create-version-error'});
  const storage = h('input', {id: 'create-storage', name: 'storage_size_gb', type: 'number', min: 1, max: 1024, value: '1',
    'aria-describedby': 'create-storage-error'});
  const submit = h('button', {type: 'submit', id: 'create-submit', class: 'button primary'}, 'Create instance');
  const serverError = h('div', {id: 'create-error', class: 'error-box', role: 'alert', hidden: true});
  const progress = h('section', {id: 'create-progress', class: 'panel', hidden: true, 'aria-live': 'polite'});
  const inputs = {name, password, version, storage};

  const form = h('form', {id: 'create-form', class: 'stack', novalidate: true, onsubmit: (e) => { e.preventDefault(); create(); }},
    field('Name', 'create-name', name, 'Lower-case letters, digits and hyphens; up to 40 characters.'),
    field('Password', 'create-password', password, 'For the postgres user; 8 to 128 characters. Never shown again.'),
    h('label', {class: 'toggle'}, reveal, ' show password'),
    field('PostgreSQL version', 'create-version', version, 'Leave empty for the newest available.'),
    h('datalist', {id: 'pg-versions'}, h('option', {value: '18'}), h('option', {value: '17'})),
    field('Storage (GB)', 'create-storage', storage),
    h('div', {class: 'actions'}, submit));

  fill(main, h('div', {class: 'page-head'}, h('h1', null, 'Create an instance')),
    h('div', {class: 'grid create-grid'},
      h('section', {class: 'panel', 'aria-label': 'New instance'}, form, serverError),
      progress));

  function showErrors(errors) {
    for (const [k, input] of Object.entries(inputs)) {
      const el = document.getElementById(`${input.id}-error`);
      el.textContent = errors[k] || '';
      el.hidden = !errors[k];
      input.setAttribute('aria-invalid', errors[k] ? 'true' : 'false');
    }
  }

  async function create() {
    serverError.hidden = true;
    const values = {name: name.value.trim(), password: password.value, version: version.value.trim(), storage: storage.value.trim()};
    const errors = check(values);
    showErrors(errors);
    if (Object.keys(errors).length) {
      inputs[Object.keys(errors)[0]].focus();
      return;
    }
    const body = {name: values.name, password: values.password};
    if (values.version) body.postgres_version = values.version;
    if (values.storage) body.storage_size_gb = Number(values.storage);
    submit.disabled = true;
    try {
      const r = await api.createInstance(body);
      password.value = '';
      follow(r);
    } catch (e) {
      fill(serverError, h('strong', null, `The server refused (${e.status || 'no answer'}): `), e.message);
      serverError.hidden = false;
      submit.disabled = false;
    }
  }

  function follow({instance_name: inst, orchestration_id: orch}) {
    if (poller) poller.stop();
    const steps = h('ol', {id: 'create-steps', class: 'steps'});
    const statusText = h('span', {id: 'create-status', class: 'mono'}, 'starting…');
    const outcome = h('div', {id: 'create-outcome'});
    fill(progress, h('h2', null, `Creating ${inst}`),
      h('p', {class: 'small'}, 'Orchestration ', h('a', {href: orchestrationHref(orch), id: 'create-orchestration', class: 'mono'}, orch)),
      steps, h('p', {class: 'small'}, h('span', {class: 'muted'}, 'Custom status: '), statusText), outcome);
    progress.hidden = false;
    let at = 0; // index of the step in progress; STEPS.length when all are done
    let failed = false;

    function drawSteps() {
      fill(steps, STEPS.map(([key, label], i) => h('li', {
        class: [i < at ? 'done' : i > at ? 'todo' : failed ? 'failed' : 'current'],
        dataset: {step: key}}, label)));
    }

    drawSteps();
    poller = poll(async () => {
      const [o, i] = await Promise.all([
        api.orchestration(orch),
        api.instance(inst).catch((e) => (e.status === 404 ? null : Promise.reject(e))),
      ]);
      const cs = typeof o.custom_status === 'string' ? o.custom_status : o.custom_status == null ? '' : JSON.stringify(o.custom_status);
      STEPS.forEach(([key], n) => { if (cs.startsWith(key)) at = Math.max(at, n); });
      if (cs === 'running' || (i && i.state === 'running')) at = Math.max(at, 4);
      if (i && i.state === 'running' && i.health_status === 'healthy') at = STEPS.length;
      statusText.textContent = `${cs || '(none yet)'} · orchestration ${o.status}${i ? ` · instance ${i.state}, ${i.health_status || 'unknown'}` : ''}`;
      failed = o.status === 'failed' || o.status === 'cancelled' || (i && i.state === 'failed');
      drawSteps();
      if (failed) {
        fill(outcome, h('p', {class: 'error', id: 'create-failed'},
          `Creation failed${o.error ? `: ${o.error.message}` : ''}. `),
        h('a', {href: instanceHref(inst)}, 'See the instance and its events'));
        poller.stop();
        submit.disabled = false;
      } else if (at === STEPS.length) {
        fill(outcome, h('p', {class: 'ok', id: 'create-done'}, badge('healthy'), ` ${inst} is running and healthy. `,
          h('a', {href: instanceHref(inst), id: 'create-open'}, 'Open the instance')));
        poller.stop();
        submit.disabled = false;
      }
    }, 1000);
  }

  return {dispose: () => poller && poller.stop()};
}
