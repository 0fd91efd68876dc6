// The same HTTP API the CLI uses, authenticated by the console's session cookie. Every request
// that changes something carries X-Requested-By, which the server requires of cookie requests.

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

let unauthorized = () => {};

/** Called with the server's message whenever the session turns out to be gone (401). */
export function onUnauthorized(fn) {
  unauthorized = fn;
}

export async function request(method, path, body) {
  const headers = {Accept: 'application/json'};
  if (method !== 'GET' && method !== 'HEAD') headers['X-Requested-By'] = 'toygres-ui';
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      cache: 'no-store',
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(0, `the server cannot be reached (${e.message})`);
  }
  const text = await res.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = text;
    }
  }
  if (!res.ok) {
    const message = data && typeof data === 'object' && data.error ? data.error : `HTTP ${res.status}`;
    if (res.status === 401 && path !== '/ui/login') unauthorized(message);
    throw new ApiError(res.status, message);
  }
  return data;
}

const enc = encodeURIComponent;

export const api = {
  login: (token) => request('POST', '/ui/login', {token}),
  logout: () => request('POST', '/ui/logout'),
  session: () => request('GET', '/ui/session'),
  config: () => request('GET', '/ui/config'),

  instances: () => request('GET', '/api/instances'),
  instance: (name) => request('GET', `/api/instances/${enc(name)}`),
  createInstance: (body) => request('POST', '/api/instances', body),
  deleteInstance: (name) => request('DELETE', `/api/instances/${enc(name)}`),
  lifecycle: (name, op) => request('POST', `/api/instances/${enc(name)}/${op}`),
  scale: (name, replicas) => request('POST', `/api/instances/${enc(name)}/scale`, {replicas}),
  switchover: (name) => request('POST', `/api/instances/${enc(name)}/switchover`),
  healthChecks: (name, limit) => request('GET', `/api/instances/${enc(name)}/health-checks?limit=${limit}`),
  events: (name, limit) => request('GET', `/api/instances/${enc(name)}/events?limit=${limit}`),
  actor: (name, op) => request('POST', `/api/instances/${enc(name)}/actor/${op}`),

  actors: (diagnoses) =>
    request('GET', diagnoses && diagnoses.length ? `/api/actors?diagnosis=${enc(diagnoses.join(','))}` : '/api/actors'),
  recover: (diagnoses, dryRun) =>
    request('POST', '/api/actors/recover', diagnoses && diagnoses.length
      ? {diagnoses, dry_run: dryRun} : {dry_run: dryRun}),

  orchestrations: (query) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
    return request('GET', `/api/orchestrations?${q}`);
  },
  orchestration: (id) => request('GET', `/api/orchestrations/${enc(id)}`),
  history: (id, execution) =>
    request('GET', `/api/orchestrations/${enc(id)}/history${execution ? `?execution=${execution}` : ''}`),
  cancelOrchestration: (id, reason) => request('POST', `/api/orchestrations/${enc(id)}/cancel`, {reason}),
  raiseEvent: (id, name, data) => request('POST', `/api/orchestrations/${enc(id)}/events`, {name, data}),
};
