// REST client for /api (same origin). The bearer token lives in localStorage so a reload keeps the session;
// any 401 on an authenticated call clears it and hands control back to the login screen.

const TOKEN_KEY = 'tgdesk.token';
const SESSION_KEY = 'tgdesk.session'; // {expires_at, operator}
const BASE = '/api';

export class ApiError extends Error {
  constructor(status, code, message, field, body) {
    super(message || code || ('HTTP ' + status));
    this.status = status;
    this.code = code;
    this.field = field;
    this.body = body || null; // the whole error object (scenario validation may carry details)
  }
}

let unauthorizedHandler = () => {};
export function onUnauthorized(fn) { unauthorizedHandler = fn; }

export const session = {
  get token() { return localStorage.getItem(TOKEN_KEY); },
  get info() { try { return JSON.parse(localStorage.getItem(SESSION_KEY)) || {}; } catch { return {}; } },
  get operator() { return this.info.operator || null; },
  /** True when we know the token has expired (no need to ask the server). */
  get expired() { const e = Date.parse(this.info.expires_at || ''); return Number.isFinite(e) && e <= Date.now(); },
  save(token, expiresAt, operator) {
    localStorage.setItem(TOKEN_KEY, token);
    localStorage.setItem(SESSION_KEY, JSON.stringify({ expires_at: expiresAt, operator }));
  },
  setOperator(operator) {
    const i = this.info;
    localStorage.setItem(SESSION_KEY, JSON.stringify({ ...i, operator }));
  },
  clear() { localStorage.removeItem(TOKEN_KEY); localStorage.removeItem(SESSION_KEY); },
};

/**
 * request('GET', '/dialogs', {query: {...}}) → parsed JSON (null for 204).
 * opts: query, json (a body to JSON-encode), body + contentType (raw), as: 'json' | 'blob', auth (default true).
 */
export async function request(method, path, opts = {}) {
  const { query, json, body, contentType, as = 'json', auth = true } = opts;
  let url = BASE + path;
  if (query) {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v != null && v !== '') qs.set(k, String(v));
    const s = qs.toString();
    if (s) url += '?' + s;
  }
  const headers = {};
  const token = session.token;
  if (auth && token) headers.authorization = 'Bearer ' + token;
  let payload = body;
  if (json !== undefined) { headers['content-type'] = 'application/json'; payload = JSON.stringify(json); }
  else if (contentType) headers['content-type'] = contentType;

  let res;
  try {
    res = await fetch(url, { method, headers, body: payload, cache: 'no-store' });
  } catch (e) {
    throw new ApiError(0, 'network', e.message || 'network error');
  }
  if (res.status === 401 && auth) {
    session.clear();
    unauthorizedHandler();
    throw new ApiError(401, 'unauthorized', 'signed out');
  }
  if (!res.ok) {
    let err = {};
    try {
      const b = await res.json();
      err = typeof b.error === 'object' && b.error ? b.error : { ...b, message: b.message || b.error };
    } catch { /* not JSON */ }
    throw new ApiError(res.status, err.code, err.message || res.statusText, err.field, err);
  }
  if (res.status === 204) return null;
  if (as === 'blob') return res.blob();
  const text = await res.text();
  return text ? JSON.parse(text) : null;
}

const enc = encodeURIComponent;
const D = (id) => '/dialogs/' + enc(id);

export const api = {
  login: (email, password) => request('POST', '/auth/login', { json: { email, password }, auth: false }),
  me: () => request('GET', '/me'),

  dialogs: (query) => request('GET', '/dialogs', { query }),
  dialog: (id) => request('GET', D(id)),
  history: (id, before, limit) => request('GET', D(id) + '/history', { query: { before, limit } }),
  events: (id, after) => request('GET', D(id) + '/events', { query: { after, limit: after != null ? 500 : undefined } }),
  markRead: (id, seq) => request('POST', D(id) + '/read', { json: { seq } }),

  send: (id, body) => request('POST', D(id) + '/messages', { json: body }),
  sendFile: (id, file, caption) => request('POST', D(id) + '/files', {
    query: { name: file.name, caption }, body: file, contentType: file.type || 'application/octet-stream' }),
  note: (id, text) => request('POST', D(id) + '/notes', { json: { text } }),
  takeover: (id) => request('POST', D(id) + '/takeover'),
  giveback: (id) => request('POST', D(id) + '/giveback'),
  close: (id) => request('POST', D(id) + '/close'),
  reopen: (id) => request('POST', D(id) + '/reopen'),
  assign: (id, body) => request('PUT', D(id) + '/assignment', { json: body }),

  contact: (id) => request('GET', D(id) + '/contact'),
  setFields: (id, values) => request('PUT', D(id) + '/contact/fields', { json: values }),
  block: (id) => request('POST', D(id) + '/contact/block'),
  unblock: (id) => request('POST', D(id) + '/contact/unblock'),
  files: (id) => request('GET', D(id) + '/files'),
  fileBlob: (id, seq, index) => request('GET', `${D(id)}/files/${enc(seq)}/${enc(index)}`, { as: 'blob' }),

  operators: () => request('GET', '/operators'),
  createOperator: (body) => request('POST', '/operators', { json: body }),
  updateOperator: (id, body) => request('PUT', '/operators/' + enc(id), { json: body }),
  disableOperator: (id) => request('DELETE', '/operators/' + enc(id)),
  teams: () => request('GET', '/teams'),
  createTeam: (body) => request('POST', '/teams', { json: body }),
  deleteTeam: (id) => request('DELETE', '/teams/' + enc(id)),
  fields: () => request('GET', '/contact-fields'),
  createField: (body) => request('POST', '/contact-fields', { json: body }),
  deleteField: (name) => request('DELETE', '/contact-fields/' + enc(name)),

  groups: () => request('GET', '/groups', { query: { limit: 100 } }),

  // Scenario admin endpoints (being added by the backend; see the README of web/).
  scenarios: () => request('GET', '/scenarios'),
  uploadScenario: (text) => request('POST', '/scenarios', { body: text, contentType: 'application/json' }),
  activateScenario: (id, body) => request('POST', '/scenarios/' + enc(id) + '/activate', { json: body }),

  ticket: () => request('POST', '/realtime/tickets'),
};
