// Entry point: session, layout (top bar + list | dialog | panel, or the admin page), hash routing, the
// WebSocket wiring and keyboard shortcuts.
import { api, session, onUnauthorized } from './api.js';
import { h, icon, select } from './dom.js';
import { t, setLang, getLang, languages } from './i18n.js';
import { state, emit, isAdmin, go } from './state.js';
import { Realtime } from './realtime.js';
import { resetUnread, askPermission, notificationsSupported } from './notify.js';
import { loginView } from './views/login.js';
import * as inbox from './views/inbox.js';
import * as dialog from './views/dialog.js';
import { panelColumn } from './views/panel.js';
import { adminView } from './views/admin.js';
import { isConfirmOpen } from './views/confirm.js';

const app = document.getElementById('app');
let rt = null;              // the Realtime connection while signed in
let top = null;             // top bar element
let main = null;            // the area below it
let mainKind = null;        // 'inbox' | 'admin': what main holds now
let listSection = null;     // the section the inbox list was loaded for

// ------------------------------------------------------------------ session

function showLogin(expired) {
  mainKind = null;
  listSection = null;
  app.replaceChildren(loginView({
    expired,
    onSignedIn: () => { location.hash = '#/chats'; startSession(); },
    onLang: () => showLogin(false),
  }));
}

function startSession() {
  state.me = session.operator;
  rt = new Realtime({
    getTicket: api.ticket,
    onEvents,
    onState: (s) => { state.conn = s; renderConn(); },
    onReconnect: (again) => {
      dialog.catchUpCurrent();     // the open dialog: events after its cursor
      if (again) inbox.reload();   // the list: rows of dialogs we have no cursor for
    },
    onFatal: () => signOut(true),
  });
  renderShell();
  route();                          // GET /api/dialogs …
  api.me().then((me) => {           // … and GET /api/me in parallel: the first paint needs only these two
    state.me = me;
    session.setOperator(me);
    renderTop();
    inbox.renderFilters();
    if (state.section === 'admin' && me.role !== 'admin') go('chats');
  }).catch(() => {});
  loadDirectory();
  rt.start();
  // The token's lifetime is known: sign out when it ends rather than on the next click.
  clearTimeout(expiryTimer);
  const left = Date.parse(session.info.expires_at || '') - Date.now();
  if (Number.isFinite(left) && left < 2 ** 31) expiryTimer = setTimeout(() => signOut(true), Math.max(0, left));
}

let expiryTimer = null;

// Another tab signed out (or in as someone else): follow it.
window.addEventListener('storage', (e) => {
  if (e.key !== 'tgdesk.token') return;
  if (!e.newValue && rt) signOut(true);
  else if (e.newValue && !rt) startSession();
  else if (e.newValue && e.oldValue && e.newValue !== e.oldValue) location.reload();
});

/** Operators, teams and field definitions: names for rows, filter and assignment choices. Not needed to paint. */
async function loadDirectory() {
  const [ops, teams, fields] = await Promise.allSettled([api.operators(), api.teams(), api.fields()]);
  if (ops.status === 'fulfilled') state.operators = ops.value.operators || [];
  if (teams.status === 'fulfilled') state.teams = teams.value.teams || [];
  if (fields.status === 'fulfilled') state.fieldDefs = fields.value.fields || [];
  inbox.renderFilters();
  inbox.render();
  emit('directory');
}

let signingOut = false;
function signOut(expired) {
  if (signingOut) return;
  signingOut = true;
  clearTimeout(expiryTimer);
  rt?.stop();
  rt = null;
  session.clear();
  dialog.closeDialog();
  resetUnread();
  state.me = null;
  showLogin(expired);
  signingOut = false;
}

onUnauthorized(() => signOut(true));

// ------------------------------------------------------------------ realtime

function onEvents(events) {
  for (const ev of events) {
    if (ev.type === 'dialog.hidden') { dialog.gone(ev.dialog_id); continue; }
    inbox.applyEvent(ev);   // rows, unread, notifications
    dialog.receive(ev);     // the open dialog, through its cursor
  }
}

// ------------------------------------------------------------------ layout

function renderShell() {
  top = h('header', { class: 'topbar' });
  main = h('div', { class: 'main' });
  mainKind = null;
  app.replaceChildren(top, main);
  renderTop();
  renderMain();
}

function renderConn() {
  const el = document.querySelector('[data-testid="conn-status"]');
  if (!el) return;
  el.dataset.state = state.conn;
  el.title = t('conn.' + state.conn);
  el.lastChild.textContent = t('conn.' + state.conn);
}

function renderTop() {
  if (!top) return;
  const nav = (section, testid, label) => h('a', {
    href: '#/' + section, testid, class: 'nav' + (state.section === section ? ' active' : ''),
    'aria-current': state.section === section ? 'page' : null,
  }, label);
  const lang = select({ testid: 'lang-switch', 'aria-label': t('top.lang'), on: { change: (e) => { setLang(e.target.value); renderShell(); } } },
    languages().map((l) => ({ value: l, label: l.toUpperCase() })), getLang());
  const bell = notificationsSupported() ? h('button', {
    type: 'button', class: 'icon-btn', title: t('top.notifications.' + Notification.permission),
    on: { click: async () => { await askPermission(); renderTop(); } },
  }, icon(Notification.permission === 'granted' ? 'bell' : 'bell-off')) : null;
  const help = h('div', { class: 'help' },
    h('button', { type: 'button', class: 'icon-btn', 'aria-label': t('help.title'), title: t('help.title') }, icon('help')),
    h('div', { class: 'help-pop', role: 'tooltip' },
      h('strong', {}, t('help.title')),
      h('dl', {}, ['next', 'prev', 'search', 'composer', 'note', 'send', 'newline', 'esc'].map((k) => [
        h('dt', {}, h('kbd', {}, t('help.key.' + k))), h('dd', {}, t('help.' + k))]))));
  const me = state.me || {};
  top.replaceChildren(
    h('div', { class: 'logo' }, 'tgdesk'),
    h('nav', { class: 'navs' },
      nav('chats', 'nav-chats', t('nav.chats')),
      nav('groups', 'nav-groups', t('nav.groups')),
      isAdmin() ? nav('admin', 'nav-admin', t('nav.admin')) : null),
    h('div', { class: 'spacer' }),
    h('span', { class: 'conn', testid: 'conn-status', dataset: { state: state.conn } }, h('span', { class: 'dot' }), h('span', {}, '')),
    bell, help, lang,
    h('span', { class: 'me', title: me.email || '' }, me.name || me.email || '', me.role ? h('span', { class: 'muted small' }, ' · ' + t('role.' + me.role)) : null),
    h('button', { type: 'button', class: 'btn small', testid: 'logout', on: { click: () => signOut(false) } }, t('top.logout')));
  renderConn();
}

function renderMain() {
  if (state.section === 'admin') {
    mainKind = 'admin';
    main.replaceChildren(adminView());
  } else {
    mainKind = 'inbox';
    main.replaceChildren(h('div', { class: 'layout' }, inbox.inboxColumn(), dialog.dialogColumn(), panelColumn()));
  }
}

// ------------------------------------------------------------------ routing: #/chats[/id], #/groups[/id], #/admin

function route() {
  if (!session.token) return;
  const m = location.hash.match(/^#\/(chats|groups|admin)(?:\/([^/]+))?$/);
  const section = m ? m[1] : 'chats';
  const id = m && m[2] ? decodeURIComponent(m[2]) : null;
  if (!m) { go('chats'); return; }
  if (section === 'admin' && state.me && state.me.role !== 'admin') { go('chats'); return; }
  state.section = section;
  renderTop();
  const want = section === 'admin' ? 'admin' : 'inbox';
  if (want !== mainKind) renderMain();
  if (section === 'admin') { dialog.closeDialog(); listSection = null; return; }
  if (listSection !== section) {
    listSection = section;
    inbox.renderFilters();
    inbox.reload();
  }
  if (id) dialog.openDialog(id); else dialog.closeDialog();
  inbox.render();
}

window.addEventListener('hashchange', route);

// ------------------------------------------------------------------ keyboard

const typing = (el) => el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);

document.addEventListener('keydown', (e) => {
  if (!rt || isConfirmOpen()) return;
  // e.code, not e.key: Alt+C must work with a Russian layout too
  if (e.altKey && !e.ctrlKey && !e.metaKey && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
    if (state.section === 'admin') return;
    e.preventDefault();
    const id = inbox.neighbor(e.key === 'ArrowDown' ? 1 : -1);
    if (id) go(state.section, id);
  } else if ((e.ctrlKey || e.metaKey) && e.code === 'KeyK') {
    e.preventDefault();
    inbox.focusSearch();
  } else if (e.key === '/' && !typing(e.target) && !e.altKey && !e.ctrlKey) {
    e.preventDefault();
    inbox.focusSearch();
  } else if (e.altKey && e.code === 'KeyC') {
    e.preventDefault();
    dialog.focusComposer();
  } else if (e.altKey && e.code === 'KeyN') {
    e.preventDefault();
    dialog.toggleNote();
  } else if (e.key === 'Escape') {
    if (typing(e.target)) e.target.blur();
    else if (state.openId) go(state.section);
  }
});

// ------------------------------------------------------------------ start

if (session.token && !session.expired) startSession();
else { const had = !!session.token; session.clear(); showLogin(had); }
