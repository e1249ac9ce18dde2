// The open dialog (middle column): header with actions, the history (infinite scroll upward, day separators),
// the composer, and the per-dialog cursor of docs/realtime.md:
//   open:  GET …/events (no after) → cursor = last_seq, THEN load the history; events that arrive meanwhile wait;
//   event: seq == cursor+1 → apply; seq <= cursor → a repeat, ignore; seq > cursor+1 → GET …/events?after=cursor;
//   reconnect → catch up from the cursor; reset → reload the dialog; 404 → the operator may not see it any more.
import { api } from '../api.js';
import { h, icon, uuid, debounce } from '../dom.js';
import { t, fmtDay, dayKey } from '../i18n.js';
import { state, go, emit } from '../state.js';
import * as inbox from './inbox.js';
import { renderEntry } from './entry.js';
import { composerView } from './composer.js';
import { toast } from './toast.js';
import { releaseDialog } from '../files.js';

const PAGE = 50;
let cur = null;        // the open dialog (see newDialog)
let column = null;     // the middle column element

function newDialog(id) {
  return {
    id,
    row: inbox.getRow(id) || null,   // the dialog row (header, assignment) — from the list until loaded
    contact: null,
    cursor: null,                     // last applied event seq; null while loading
    buffer: [],                       // events that arrived before the cursor was known
    chain: Promise.resolve(),         // events are applied one at a time, in order
    entries: new Map(),               // seq → entry
    temps: [],                        // optimistic sends not yet reconciled with their entries
    nextBefore: undefined,            // history paging: undefined = not loaded, null = reached the start
    loadingOlder: false,
    loaded: false,
    error: '',
    readSent: 0,
    els: null,
    cache: new Map(),                 // entry key → {entry, el}: unchanged entries keep their element (and photo)
    composer: null,
  };
}

export const currentId = () => cur?.id || null;
export const current = () => cur;

// ------------------------------------------------------------------ open / close

export async function openDialog(id) {
  if (cur?.id === id) return;
  closeDialog();
  const d = newDialog(id);
  cur = d;
  state.openId = id;
  inbox.markRowRead(id);
  emit('dialog-open', d);
  render();
  try {
    const ev = await api.events(id);            // the cursor first …
    if (cur !== d) return;
    d.cursor = ev.last_seq || 0;
    const [detail, page] = await Promise.all([api.dialog(id), api.history(id, undefined, PAGE)]); // … then the state
    if (cur !== d) return;
    d.row = detail.dialog;
    d.contact = detail.contact || null;
    addPage(d, page);
    d.loaded = true;
    render();
    emit('dialog-row', d);
    const waiting = d.buffer;
    d.buffer = null;
    for (const e of waiting) enqueue(d, e);
    scheduleRead();
    fillHistory(d);
  } catch (e) {
    if (cur !== d) return;
    if (e.status === 404) { gone(id); return; }
    d.error = e.message;
    render();
  }
}

export function closeDialog() {
  if (!cur) return;
  releaseDialog(cur.id);
  cur = null;
  state.openId = null;
  emit('dialog-open', null);
  render();
}

/** The operator may no longer see this dialog (dialog.hidden, 404). */
export function gone(id) {
  inbox.removeDialog(id);
  if (cur?.id === id) {
    closeDialog();
    go(state.section);
    toast(t('dialog.gone'), 'info');
  }
}

function reloadCurrent(d) {
  if (cur !== d) return;
  const id = d.id;
  cur = null;
  openDialog(id);
}

// ------------------------------------------------------------------ events and the cursor

/** A pushed event (inbox.applyEvent has already seen it). */
export function receive(ev) {
  const d = cur;
  if (!d || ev.dialog_id !== d.id) return;
  if (d.buffer) { d.buffer.push(ev); return; }
  enqueue(d, ev);
}

function enqueue(d, ev) {
  d.chain = d.chain.then(() => processEvent(d, ev)).catch((e) => console.error('event', e));
}

async function processEvent(d, ev) {
  if (cur !== d || ev.seq == null) return;
  if (ev.seq <= d.cursor) return;                       // a repeat
  if (ev.seq === d.cursor + 1) { await apply(d, ev); d.cursor = ev.seq; d.retries = 0; return; }
  await catchUp(d);                                     // a gap: something was missed
  if (cur !== d || ev.seq <= d.cursor) return;          // the catch-up brought it (the usual case)
  if (ev.seq === d.cursor + 1) { await apply(d, ev); d.cursor = ev.seq; return; }
  // The journal did not show the missing events yet: do not jump the cursor over them (that would lose them
  // for good); ask again shortly. Events carry whole states, so applying this one later loses nothing.
  if ((d.retries = (d.retries || 0) + 1) <= 5) setTimeout(() => enqueue(d, ev), 1000 * d.retries);
}

/** After a reconnect: everything after the cursor, over REST. */
export function catchUpCurrent() {
  const d = cur;
  if (!d || d.buffer) return; // still opening: the open itself reads from the cursor
  d.chain = d.chain.then(() => catchUp(d)).catch((e) => console.error('catch-up', e));
}

async function catchUp(d) {
  for (let guard = 0; guard < 50 && cur === d; guard++) {
    let r;
    try {
      r = await api.events(d.id, d.cursor);
    } catch (e) {
      if (e.status === 404) gone(d.id);
      return;
    }
    if (cur !== d) return;
    if (r.reset) { reloadCurrent(d); return; }        // events after the cursor are gone (7 days): start over
    for (const ev of r.items || []) {
      if (ev.seq <= d.cursor) continue;
      inbox.applyEvent(ev, { live: false });
      await apply(d, ev);
      d.cursor = ev.seq;
    }
    if (!r.more || !(r.items || []).length) return;
  }
}

async function apply(d, ev) {
  switch (ev.type) {
    case 'message.created':
    case 'message.updated': {
      let e = ev.entry;
      if (ev.truncated || !e || !e.type) e = await fetchEntry(d, e?.seq);
      if (!e || cur !== d) return;
      upsertEntry(d, e);
      if (e.direction === 'in') scheduleRead();
      if (e.media?.length) emit('files-changed', d);
      return;
    }
    case 'dialog.opened': case 'dialog.updated': case 'dialog.closed': case 'dialog.reopened':
      if (ev.dialog) { d.row = { ...d.row, ...ev.dialog }; renderHeader(d); emit('dialog-row', d); }
      return;
    case 'contact.updated':
      emit('contact-changed', d);
      return;
    default:
  }
}

/** A truncated event: the entry comes over REST (the last page when even its seq was cut). */
async function fetchEntry(d, seq) {
  try {
    const page = await api.history(d.id, seq != null ? seq + 1 : undefined, seq != null ? 1 : 20);
    if (cur !== d) return null;
    const items = page.items || [];
    if (seq == null) { for (const e of items) upsertEntry(d, e, false); renderHistory(d); return null; }
    return items.find((x) => x.seq === seq) || null;
  } catch { return null; }
}

// ------------------------------------------------------------------ entries

function addPage(d, page) {
  for (const e of page.items || []) if (!d.entries.has(e.seq)) d.entries.set(e.seq, e);
  d.nextBefore = page.next_before ?? null;
}

function upsertEntry(d, e, rerender = true) {
  d.entries.set(e.seq, e);
  // reconcile optimistic sends: by the seqs the POST answered, else (answer not back yet) by author and text
  const mine = !e.author?.operator_id || e.author.operator_id === state.me?.id;
  const i = d.temps.findIndex((tp) => (tp.seqs && tp.seqs.includes(e.seq))
    || (!tp.seqs && tp.status === 'sending' && mine && sameContent(tp, e)));
  if (i >= 0) {
    const tp = d.temps[i];
    if (!tp.seqs) tp.claimed = (tp.claimed || 0) + 1;
    d.temps.splice(i, 1);
  }
  if (rerender) renderHistory(d);
}

function sameContent(tp, e) {
  if (tp.type === 'note') return e.type === 'note' && e.text === tp.text;
  if (e.direction !== 'out') return false;
  if (tp.pendingFile) return (e.media || []).some((m) => m.file_name === tp.pendingFile);
  return e.text != null && (e.text === tp.text || tp.text.startsWith(e.text));
}

const maxSeq = (d) => Math.max(0, ...d.entries.keys());

// ------------------------------------------------------------------ sending (optimistic)

function addTemp(d, temp) {
  d.temps.push({ pending: true, tempId: uuid(), at: Date.now(), status: 'sending', author: { kind: 'operator', operator_id: state.me?.id, name: state.me?.name }, ...temp });
  renderHistory(d, 'bottom');
  return d.temps[d.temps.length - 1];
}

function settleTemp(d, temp, seqs) {
  if (cur !== d) return;
  temp.seqs = seqs;
  // entries that already arrived through events replace the temp right away
  if (seqs.some((s) => d.entries.has(s)) || temp.claimed) d.temps = d.temps.filter((x) => x !== temp);
  renderHistory(d);
}

function failTemp(d, temp, err) {
  if (cur !== d) return;
  temp.status = 'failed';
  temp.failure = { description: err.message };
  renderHistory(d);
}

async function postText(d, temp) {
  try {
    const r = temp.type === 'note'
      ? await api.note(d.id, temp.text)
      : await api.send(d.id, { text: temp.text, client_id: temp.clientId, buttons: temp.buttons });
    settleTemp(d, temp, r.seqs || (r.seq != null ? [r.seq] : []));
  } catch (e) {
    failTemp(d, temp, e);
  }
}

function sendText(text, { note, buttons }) {
  const d = cur;
  if (!d) return;
  const temp = addTemp(d, note
    ? { type: 'note', direction: 'internal', text }
    : { type: 'message', direction: 'out', text, clientId: uuid(), buttons, retryable: true });
  postText(d, temp);
}

async function sendFile(file, caption) {
  const d = cur;
  if (!d) return;
  if (file.size > 5 * 1024 * 1024) { toast(t('composer.tooLarge')); return; }
  const temp = addTemp(d, { type: 'message', direction: 'out', pendingFile: file.name, text: caption });
  try {
    const r = await api.sendFile(d.id, file, caption);
    settleTemp(d, temp, r.seqs || []);
  } catch (e) {
    failTemp(d, temp, e);
  }
}

function retryTemp(temp) {
  const d = cur;
  if (!d) return;
  temp.status = 'sending';
  temp.failure = null;
  renderHistory(d);
  postText(d, temp); // same client_id: the API answers the first attempt's entries if it had gone through
}

function dismissTemp(temp) {
  const d = cur;
  if (!d) return;
  d.temps = d.temps.filter((x) => x !== temp);
  renderHistory(d);
}

// ------------------------------------------------------------------ read marks

/** Marks the dialog read up to its last entry while it is open and the page is visible. */
export const scheduleRead = debounce(() => {
  const d = cur;
  if (!d || !d.loaded || document.visibilityState !== 'visible') return;
  inbox.markRowRead(d.id);
  const seq = maxSeq(d);
  if (seq <= d.readSent) return;
  d.readSent = seq;
  api.markRead(d.id, seq).catch(() => { d.readSent = 0; });
}, 300);

document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible') scheduleRead(); });

// ------------------------------------------------------------------ actions

async function act(d, btn, call) {
  btn.disabled = true;
  try {
    const r = await call();
    if (cur !== d || !r) return;
    // takeover/giveback answer {handler, manager, team}; close/reopen the dialog's state
    const row = { ...d.row };
    if (r.dialog_id && r.status) {
      Object.assign(row, { status: r.status, handler: r.handler, assignee: r.assignee, team: r.team });
    } else {
      if (r.handler) row.handler = r.handler;
      if ('manager' in r) row.assignee = r.manager || undefined;
      if ('team' in r) row.team = r.team || undefined;
    }
    d.row = row;
    inbox.updateRow(row);
    renderHeader(d);
    emit('dialog-row', d);
  } catch (e) {
    toast(e.message);
  } finally {
    btn.disabled = false;
  }
}

/** Used by the panel's assignment selects. */
export async function assign(body) {
  const d = cur;
  if (!d) return;
  const r = await api.assign(d.id, body);
  if (cur !== d) return;
  d.row = { ...d.row, assignee: r.manager || undefined, team: r.team || undefined };
  inbox.updateRow(d.row);
  emit('dialog-row', d);
}

// ------------------------------------------------------------------ rendering

function titleOf(d) {
  const r = d.row || {};
  return r.title || (r.username ? '@' + r.username : r.chat_id ? String(r.chat_id) : t('dialog.loading'));
}

function renderHeader(d) {
  if (!d.els || cur !== d) return;
  const r = d.row || {};
  const closed = r.status === 'closed';
  const byOperator = r.handler === 'operator';
  const btn = (testid, label, cls, call, show) => h('button', {
    type: 'button', class: 'btn ' + cls, testid, hidden: !show,
    on: { click: (e) => act(d, e.currentTarget, call) },
  }, label);
  const sub = [];
  if (r.username) sub.push(h('span', {}, '@' + r.username));
  if (r.kind && r.kind !== 'private') sub.push(h('span', { class: 'tag' }, t('kind.' + r.kind)));
  if (r.status) sub.push(h('span', { class: 'tag ' + (closed ? 'closed' : 'open') }, t('status.' + r.status)));
  if (r.status) sub.push(h('span', { class: 'tag ' + (byOperator ? 'op' : '') }, byOperator ? t('handler.operator') : t('handler.bot')));
  d.els.head.replaceChildren(
    h('div', { class: 'head-main' },
      h('h2', { class: 'dialog-title', testid: 'dialog-title' }, titleOf(d)),
      h('div', { class: 'head-sub' }, sub)),
    h('div', { class: 'head-actions' },
      btn('btn-takeover', t('action.takeover'), 'primary', () => api.takeover(d.id), d.loaded && !closed && !byOperator),
      btn('btn-giveback', t('action.giveback'), '', () => api.giveback(d.id), d.loaded && !closed && byOperator),
      btn('btn-close', t('action.close'), '', () => api.close(d.id), d.loaded && !closed),
      btn('btn-reopen', t('action.reopen'), '', () => api.reopen(d.id), d.loaded && closed)));
}

function entryKey(e) { return e.pending ? 'p:' + e.tempId + ':' + e.status : 's:' + e.seq; }

/** Rebuilds the history list, reusing elements of unchanged entries. mode: 'older' keeps the view, 'bottom' scrolls down. */
function renderHistory(d, mode) {
  if (!d.els || cur !== d) return;
  const box = d.els.history;
  const nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 120;
  const fromBottom = box.scrollHeight - box.scrollTop;
  const ctx = { dialogId: d.id, contactName: d.row?.title, onRetry: retryTemp, onDismiss: dismissTemp };
  const list = [...d.entries.values()].sort((a, b) => a.seq - b.seq).concat(d.temps);
  const nodes = [];
  if (d.nextBefore === null && d.loaded) nodes.push(h('div', { class: 'history-start' }, t('dialog.start')));
  else if (d.loaded) nodes.push(h('div', { class: 'history-start' }, d.loadingOlder ? t('common.loading') : ''));
  let lastDay = null;
  const fresh = new Map();
  for (const e of list) {
    const day = dayKey(e.at);
    if (day !== lastDay) {
      nodes.push(h('div', { class: 'day-separator', testid: 'day-separator' }, h('span', {}, fmtDay(e.at))));
      lastDay = day;
    }
    const key = entryKey(e);
    let c = d.cache.get(key);
    if (!c || c.entry !== e) c = { entry: e, el: renderEntry(e, ctx) };
    fresh.set(key, c);
    nodes.push(c.el);
  }
  d.cache = fresh;
  if (!d.loaded) nodes.push(h('div', { class: 'history-loading' }, d.error || t('common.loading')));
  box.replaceChildren(...nodes);
  if (mode === 'older') box.scrollTop = box.scrollHeight - fromBottom;
  else if (mode === 'bottom' || nearBottom) box.scrollTop = box.scrollHeight;
}

async function loadOlder(d) {
  if (d.loadingOlder || d.nextBefore == null || !d.loaded) return;
  d.loadingOlder = true;
  try {
    const page = await api.history(d.id, d.nextBefore, PAGE);
    if (cur !== d) return;
    addPage(d, page);
  } catch (e) {
    toast(e.message);
  } finally {
    d.loadingOlder = false;
  }
  renderHistory(d, 'older');
  fillHistory(d);
}

/** Keeps loading older pages until the history can scroll (so the scroll-up trigger can fire). */
function fillHistory(d) {
  const box = d.els?.history;
  if (box && d.nextBefore != null && box.scrollHeight <= box.clientHeight + 50) loadOlder(d);
}

export function focusComposer() { cur?.composer?.focus(); }
export function toggleNote() { cur?.composer?.toggleNote(); }

/** Builds (or rebuilds, e.g. on a language change) the middle column. */
export function dialogColumn() {
  column = h('section', { class: 'col col-dialog' });
  render();
  return column;
}

function render() {
  if (!column) return;
  const d = cur;
  if (!d) {
    column.removeAttribute('data-testid');
    column.removeAttribute('data-dialog-id');
    column.replaceChildren(h('div', { class: 'empty-state' }, icon('chat', 'big'), h('p', {}, t('dialog.none'))));
    return;
  }
  column.setAttribute('data-testid', 'dialog-view');
  column.setAttribute('data-dialog-id', d.id);
  const head = h('header', { class: 'dialog-head' });
  const history = h('div', { class: 'history', testid: 'history', role: 'log' });
  history.addEventListener('scroll', () => { if (history.scrollTop < 200) loadOlder(d); }, { passive: true });
  d.composer = composerView(d.id, { onText: sendText, onFile: sendFile });
  d.els = { head, history };
  d.cache = new Map();
  column.replaceChildren(head, history, d.composer.el);
  renderHeader(d);
  renderHistory(d, 'bottom');
}
