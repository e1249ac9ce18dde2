// The inbox list (left column): filters, search, rows with unread badges, infinite scroll down, and live
// updates from dialog.* events (each carries the whole row; a row that stops matching the filter leaves).
import { api } from '../api.js';
import { h, select, debounce } from '../dom.js';
import { t, fmtShort } from '../i18n.js';
import { state, isAdmin, operatorName, teamName, go } from '../state.js';
import { getUnread, setUnread, addUnread, notify } from '../notify.js';

const PAGE = 30;
const rows = new Map();        // dialogId → row as GET /api/dialogs lists it (the current list)
const lastEvent = new Map();   // dialogId → the last event seq the list applied (events are replayed sometimes)
const filters = { status: 'open', owner: 'all', sort: 'activity_desc', q: '' };
let cursors = [];              // [{kind, cursor}] next pages, one per source (groups: kind group and channel)
let gen = 0;                   // bumps on every reload: answers of an older reload are dropped
let loading = false;
let loadingMore = false;
let error = '';
let els = null;                // DOM of the column (rebuilt on a language change)

const kinds = () => (state.section === 'groups' ? ['group', 'channel'] : ['private']);

function query(kind, cursor) {
  const q = { status: filters.status, kind, sort: filters.sort, limit: PAGE, cursor };
  const o = filters.owner;
  if (o === 'mine') q.assignee = 'me';
  else if (o === 'unassigned') q.assignee = 'unassigned';
  else if (o.startsWith('manager:')) q.assignee = o.slice(8);
  else if (o.startsWith('team:')) q.team = o.slice(5);
  // q= is the server-side search (contact name / username); rows are filtered here too, so it works either way.
  if (filters.q.trim()) q.q = filters.q.trim();
  return q;
}

/** The same rule as the API's q: title or username contains it; "@text" looks at usernames only. */
function textMatch(row) {
  const q = filters.q.trim().toLowerCase();
  if (!q) return true;
  if (q.startsWith('@')) return !!row.username && row.username.toLowerCase().includes(q.slice(1));
  return [row.title, row.username].some((s) => s && String(s).toLowerCase().includes(q));
}

/** Does a row belong in the list as filtered now? */
function matches(row) {
  const kindOk = state.section === 'groups' ? row.kind !== 'private' : row.kind === 'private';
  if (!kindOk || row.status !== filters.status) return false;
  const o = filters.owner;
  if (o === 'mine' && row.assignee !== state.me?.id) return false;
  if (o === 'unassigned' && (row.assignee || row.team)) return false;
  if (o.startsWith('manager:') && row.assignee !== o.slice(8)) return false;
  if (o.startsWith('team:') && row.team !== o.slice(5)) return false;
  return textMatch(row);
}

function compare(a, b) {
  const key = filters.sort.startsWith('created') ? 'opened_at' : 'last_activity_at';
  const d = (a[key] || 0) - (b[key] || 0);
  const r = d !== 0 ? d : String(a.dialog_id).localeCompare(String(b.dialog_id));
  return filters.sort.endsWith('_desc') ? -r : r;
}

export function visibleIds() {
  return [...rows.values()].filter(matches).sort(compare).map((r) => r.dialog_id);
}

export const getRow = (id) => rows.get(id);

/** The open dialog is being looked at: its new messages are read at once, not counted. */
const isWatched = (id) => state.openId === id && document.visibilityState === 'visible';

function putRow(r, prev = rows) {
  const old = prev.get(r.dialog_id);
  // An event may already have told us about a newer state than this (eventually consistent) page.
  if (old && (old.last_seq || 0) > (r.last_seq || 0)) { rows.set(r.dialog_id, old); return; }
  rows.set(r.dialog_id, { ...r });
  setUnread(r.dialog_id, isWatched(r.dialog_id) ? 0 : (r.unread || 0));
}

// ------------------------------------------------------------------ loading

export async function reload() {
  const g = ++gen;
  loading = true;
  error = '';
  cursors = [];
  render();
  const ks = kinds();
  const pages = await Promise.allSettled(ks.map((k) => api.dialogs(query(k))));
  if (g !== gen) return;
  const prev = new Map(rows);
  rows.clear();
  pages.forEach((p, i) => {
    if (p.status === 'fulfilled') {
      for (const r of p.value.items || []) putRow(r, prev);
      if (p.value.next_cursor) cursors.push({ kind: ks[i], cursor: p.value.next_cursor });
    } else if (i === 0 || p.reason?.status !== 400) {
      error = p.reason?.message || String(p.reason);
    }
  });
  loading = false;
  render();
  fillViewport();
}

async function loadMore() {
  if (loadingMore || loading || !cursors.length) return;
  const g = gen;
  loadingMore = true;
  const cs = cursors;
  cursors = [];
  const pages = await Promise.allSettled(cs.map((c) => api.dialogs(query(c.kind, c.cursor))));
  loadingMore = false;
  if (g !== gen) return;
  let ok = true;
  pages.forEach((p, i) => {
    if (p.status === 'fulfilled') {
      for (const r of p.value.items || []) if (!rows.has(r.dialog_id)) putRow(r);
      if (p.value.next_cursor) cursors.push({ kind: cs[i].kind, cursor: p.value.next_cursor });
    } else {
      ok = false;
      error = p.reason?.message || String(p.reason);
    }
  });
  render();
  if (ok) fillViewport();
}

/** A page may come back short (even empty) with a cursor: keep loading until the list can scroll. */
function fillViewport() {
  if (!els || !cursors.length) return;
  const l = els.list;
  if (l.scrollHeight <= l.clientHeight + 40) loadMore();
}

// ------------------------------------------------------------------ live updates

/** Applies a pushed (or caught-up) event to the list: dialog.* rows, unread counts, notifications. */
export function applyEvent(ev, { live = true } = {}) {
  const id = ev.dialog_id;
  if (!id) return;
  if (ev.seq != null) {
    if (ev.seq <= (lastEvent.get(id) || 0)) return; // a repeat
    lastEvent.set(id, ev.seq);
  }
  if (ev.type.startsWith('dialog.') && ev.dialog) {
    const row = { ...ev.dialog };
    if (matches(row)) rows.set(id, row); // unread in events is always 0: the count stays in notify.js
    else rows.delete(id);
    scheduleRender();
  } else if (ev.type === 'message.created' && ev.entry) {
    const e = ev.entry;
    if (e.direction === 'in' && e.type === 'message' && !isWatched(id)) {
      addUnread(id);
      scheduleRender();
      if (live) {
        const r = rows.get(id);
        const who = e.author?.name || r?.title || t('dialog.untitled');
        const title = r && r.kind !== 'private' && r.title ? `${who} · ${r.title}` : who;
        notify(id, title, e.preview || e.text || e.caption || '', () => go(r && r.kind !== 'private' ? 'groups' : 'chats', id));
      }
    }
  }
}

/** A row changed by this operator's own action (the event confirms it a moment later). */
export function updateRow(row) {
  if (!row?.dialog_id) return;
  if (matches(row)) rows.set(row.dialog_id, { ...rows.get(row.dialog_id), ...row });
  else rows.delete(row.dialog_id);
  scheduleRender();
}

/** dialog.hidden, or a 404: the operator may no longer see it. */
export function removeDialog(id) {
  rows.delete(id);
  setUnread(id, 0);
  scheduleRender();
}

export function markRowRead(id) {
  setUnread(id, 0);
  scheduleRender();
}

let renderQueued = false;
function scheduleRender() {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => { renderQueued = false; render(); });
}

/** Next / previous dialog in the list (Alt+ArrowDown / Alt+ArrowUp). */
export function neighbor(delta) {
  const ids = visibleIds();
  if (!ids.length) return null;
  const i = ids.indexOf(state.openId);
  if (i < 0) return ids[delta > 0 ? 0 : ids.length - 1];
  return ids[Math.max(0, Math.min(ids.length - 1, i + delta))];
}

export function focusSearch() {
  els?.search.focus();
  els?.search.select();
}

// ------------------------------------------------------------------ rendering

function ownerOptions() {
  const opts = [
    { value: 'all', label: t('owner.all') },
    { value: 'mine', label: t('owner.mine') },
    { value: 'unassigned', label: t('owner.unassigned') },
  ];
  if (isAdmin()) {
    for (const o of state.operators) {
      if (!o.disabled) opts.push({ value: 'manager:' + o.id, label: o.name || o.email, group: t('owner.managers') });
    }
    for (const tm of state.teams) opts.push({ value: 'team:' + tm.id, label: tm.name, group: t('owner.teams') });
  } else {
    // agents may filter only within what they can see: themselves and their own teams
    if (state.me) opts.push({ value: 'manager:' + state.me.id, label: state.me.name || state.me.email, group: t('owner.managers') });
    for (const id of state.me?.teams || []) opts.push({ value: 'team:' + id, label: teamName(id), group: t('owner.teams') });
  }
  return opts;
}

function sortOptions() {
  const opts = [
    { value: 'activity_desc', label: t('sort.activity_desc') },
    { value: 'activity_asc', label: t('sort.activity_asc') },
  ];
  // the API serves creation order for admins without a manager/team filter only
  if (isAdmin() && filters.owner === 'all') {
    opts.push({ value: 'created_desc', label: t('sort.created_desc') }, { value: 'created_asc', label: t('sort.created_asc') });
  }
  return opts;
}

const reloadSoon = debounce(() => reload(), 300);

/** Builds the left column (filters + list); keeps filters and rows across rebuilds. */
export function inboxColumn() {
  const search = h('input', {
    type: 'search', testid: 'search', class: 'search', placeholder: t('inbox.search'), value: filters.q, maxlength: 100,
    'aria-label': t('inbox.search'),
    on: { input: (e) => { filters.q = e.target.value; render(); reloadSoon(); } },
  });
  const status = select({ testid: 'filter-status', 'aria-label': t('inbox.status'), on: { change: (e) => { filters.status = e.target.value; reload(); } } },
    [{ value: 'open', label: t('status.open') }, { value: 'closed', label: t('status.closed') }], filters.status);
  const owner = h('select', { testid: 'filter-owner', 'aria-label': t('inbox.owner'), on: { change: (e) => {
    filters.owner = e.target.value;
    if (!sortOptions().some((o) => o.value === filters.sort)) filters.sort = 'activity_desc';
    renderFilters();
    reload();
  } } });
  const sort = h('select', { testid: 'sort', 'aria-label': t('inbox.sort'), on: { change: (e) => { filters.sort = e.target.value; reload(); } } });
  const list = h('ul', { class: 'dialog-list', testid: 'dialog-list', role: 'listbox', 'aria-label': t('inbox.list') });
  list.addEventListener('scroll', () => {
    if (list.scrollTop + list.clientHeight > list.scrollHeight - 150) loadMore();
  }, { passive: true });
  const heading = h('span', {});
  els = { search, status, owner, sort, list, heading };
  renderFilters();
  render();
  return h('section', { class: 'col col-list' },
    h('div', { class: 'col-title' }, heading, sort),
    h('div', { class: 'filters' }, search, h('div', { class: 'filter-row' }, status, owner)),
    list);
}

/** Refreshes the owner/sort choices (operators and teams arrive after the first paint). */
export function renderFilters() {
  if (!els) return;
  const fill = (sel, opts, value) => {
    const fresh = select({}, opts, value);
    sel.replaceChildren(...fresh.childNodes);
    sel.value = value;
    if (sel.value !== value) sel.value = opts[0]?.value; // the chosen one is gone (e.g. an operator was disabled)
  };
  fill(els.owner, ownerOptions(), filters.owner);
  filters.owner = els.owner.value;
  fill(els.sort, sortOptions(), filters.sort);
  filters.sort = els.sort.value;
  els.heading.textContent = state.section === 'groups' ? t('nav.groups') : t('nav.chats');
}

function rowEl(r) {
  const unread = getUnread(r.dialog_id);
  const title = r.title || (r.username ? '@' + r.username : String(r.chat_id));
  const tags = [];
  if (r.handler === 'operator') tags.push(h('span', { class: 'tag op' }, t('row.operator')));
  if (r.assignee) tags.push(h('span', { class: 'tag' }, operatorName(r.assignee)));
  if (r.team) tags.push(h('span', { class: 'tag team' }, teamName(r.team)));
  if (r.kind === 'channel') tags.push(h('span', { class: 'tag' }, t('row.channel')));
  const el = h('li', {
    class: 'row' + (r.dialog_id === state.openId ? ' active' : '') + (unread ? ' unread' : ''),
    testid: 'dialog-row', role: 'option', 'aria-selected': String(r.dialog_id === state.openId),
    dataset: { dialogId: r.dialog_id, chatId: r.chat_id },
    on: { click: () => go(state.section, r.dialog_id) },
  },
  h('div', { class: 'avatar' + (r.kind !== 'private' ? ' group' : '') }, (title.replace(/^@/, '')[0] || '?').toUpperCase()),
  h('div', { class: 'row-main' },
    h('div', { class: 'row-top' },
      h('span', { class: 'row-title', testid: 'row-title' }, title),
      h('span', { class: 'row-time' }, fmtShort(r.last_activity_at))),
    h('div', { class: 'row-bottom' },
      h('span', { class: 'row-preview', testid: 'row-preview' }, r.last_preview || ''),
      unread > 0 ? h('span', { class: 'badge', testid: 'row-unread' }, String(unread)) : null),
    tags.length ? h('div', { class: 'row-tags' }, tags) : null));
  return el;
}

export function render() {
  if (!els) return;
  const items = [...rows.values()].filter(matches).sort(compare);
  const children = items.map(rowEl);
  if (!items.length && !loading) children.push(h('li', { class: 'list-empty' }, error || t('inbox.empty')));
  else if (error) children.push(h('li', { class: 'list-error' }, error));
  if (loading || loadingMore) children.push(h('li', { class: 'list-loading' }, t('common.loading')));
  els.list.replaceChildren(...children);
}
