// Shared application state and a tiny event bus between the views. Views own their own details (the list
// rows, the open dialog's entries); what several of them need lives here.

export const state = {
  me: null,              // the signed-in operator {id, email, name, role, teams}
  operators: [],         // GET /api/operators
  teams: [],             // GET /api/teams
  fieldDefs: [],         // GET /api/contact-fields
  section: 'chats',      // 'chats' | 'groups' | 'admin'
  openId: null,          // the dialog shown in the middle column
  conn: 'offline',       // WebSocket state for conn-status
};

const listeners = new Map();
export function on(name, fn) {
  if (!listeners.has(name)) listeners.set(name, new Set());
  listeners.get(name).add(fn);
  return () => listeners.get(name).delete(fn);
}
export function emit(name, data) {
  for (const fn of listeners.get(name) || []) {
    try { fn(data); } catch (e) { console.error(e); }
  }
}

export const isAdmin = () => state.me?.role === 'admin';

export function operatorName(id) {
  if (!id) return '';
  const o = state.operators.find((x) => x.id === id);
  return o ? (o.name || o.email) : (state.me?.id === id ? state.me.name : id);
}

export function teamName(id) {
  if (!id) return '';
  const tm = state.teams.find((x) => x.id === id);
  return tm ? tm.name : id;
}

/** Private dialogs are "chats"; groups, supergroups and channels are "group chats". */
export const sectionOfKind = (kind) => (kind === 'private' ? 'chats' : 'groups');

/** Navigate: the hash is the route (#/chats, #/chats/<dialogId>, #/groups/<id>, #/admin). */
export function go(section, dialogId) {
  const h = '#/' + section + (dialogId ? '/' + encodeURIComponent(dialogId) : '');
  if (location.hash !== h) location.hash = h;
}
