// Admin screens (role admin): operators, teams, contact field definitions, scenarios (upload a JSON document,
// activate it for private chats or one group), the Telegram webhook's status. All sections are on one page; API errors
// go to admin-error (the webhook block shows its own).
import { api, request } from '../api.js';
import { h, select } from '../dom.js';
import { t, fmtDateTime } from '../i18n.js';
import { state, emit } from '../state.js';
import { confirmDialog } from './confirm.js';
import { toast } from './toast.js';

let page = null;
let errorBox = null;
let scenarios = null;        // list, or null while unknown
let scenariosError = '';
let groups = [];
let lastUpload = null;       // {scenario_id, version} of the last upload
let webhook = null;          // GET /api/admin/telegram, or null while unknown
let webhookError = '';       // why the status could not be read (Telegram down: 502 with a message)

function showError(e) {
  if (!errorBox) return;
  if (!e) { errorBox.hidden = true; errorBox.replaceChildren(); return; }
  const lines = [e.message + (e.field ? ` (${e.field})` : '')];
  // a scenario document answers every problem at once (error.problems, each saying where it is)
  const details = e.body?.problems || e.body?.details || e.body?.errors;
  if (Array.isArray(details)) for (const x of details) lines.push(typeof x === 'string' ? x : (x.message || JSON.stringify(x)));
  errorBox.replaceChildren(...lines.map((l) => h('div', {}, l)));
  errorBox.hidden = false;
}

/** Runs an admin call: clears the error first, shows it if the call fails, reloads the lists after success. */
async function run(btn, call, { reload = true, done } = {}) {
  if (btn) btn.disabled = true;
  showError(null);
  try {
    const r = await call();
    if (done) done(r);
    if (reload) await load();
    return r;
  } catch (e) {
    showError(e);
    return undefined;
  } finally {
    if (btn) btn.disabled = false;
  }
}

export async function load() {
  const [ops, teams, fields, sc, gr] = await Promise.allSettled([api.operators(), api.teams(), api.fields(), api.scenarios(), api.groups()]);
  if (ops.status === 'fulfilled') state.operators = ops.value.operators || [];
  if (teams.status === 'fulfilled') state.teams = teams.value.teams || [];
  if (fields.status === 'fulfilled') state.fieldDefs = fields.value.fields || [];
  if (sc.status === 'fulfilled') {
    const v = sc.value;
    scenarios = Array.isArray(v) ? v : (v?.scenarios || v?.items || []);
    scenariosError = '';
  } else {
    scenarios = null;
    scenariosError = sc.reason?.status === 404 ? t('admin.scenariosMissing') : sc.reason?.message;
  }
  if (gr.status === 'fulfilled') groups = gr.value.items || [];
  const failed = [ops, teams, fields].find((x) => x.status === 'rejected');
  if (failed) showError(failed.reason);
  emit('directory');
  render();
}

// ------------------------------------------------------------------ operators

function operatorForm() {
  const email = h('input', { type: 'email', testid: 'op-email', placeholder: t('admin.email'), 'aria-label': t('admin.email'), autocomplete: 'off' });
  const name = h('input', { testid: 'op-name', placeholder: t('admin.name'), 'aria-label': t('admin.name'), autocomplete: 'off' });
  const role = select({ testid: 'op-role', 'aria-label': t('admin.role') },
    [{ value: 'agent', label: t('role.agent') }, { value: 'admin', label: t('role.admin') }], 'agent');
  const password = h('input', { type: 'password', testid: 'op-password', placeholder: t('admin.password'), 'aria-label': t('admin.password'), autocomplete: 'new-password' });
  const teams = h('select', { testid: 'op-teams', multiple: true, 'aria-label': t('admin.teams') });
  const create = h('button', { type: 'submit', class: 'btn primary', testid: 'op-create' }, t('admin.createOperator'));
  const el = h('form', { class: 'admin-form', on: { submit: (e) => {
    e.preventDefault();
    run(create, () => api.createOperator({
      email: email.value.trim(), name: name.value.trim(), role: role.value, password: password.value,
      teams: [...teams.selectedOptions].map((o) => o.value),
    }), { done: () => { el.reset(); toast(t('admin.created'), 'info'); } });
  } } }, email, name, role, password, teams, create);
  /** Team choices change when teams are added; what was selected stays selected. */
  const update = () => {
    const chosen = new Set([...teams.selectedOptions].map((o) => o.value));
    teams.replaceChildren(...state.teams.map((tm) => h('option', { value: tm.id, selected: chosen.has(tm.id) }, tm.name)));
    teams.size = Math.min(4, Math.max(2, state.teams.length));
  };
  return { el, update };
}

function operatorsTable() {
  const rows = state.operators.map((o) => {
    const self = o.id === state.me?.id;
    const roleSel = select({ testid: 'op-row-role', disabled: self, 'aria-label': t('admin.role'),
      on: { change: (e) => run(e.target, () => api.updateOperator(o.id, { role: e.target.value })) } },
    [{ value: 'agent', label: t('role.agent') }, { value: 'admin', label: t('role.admin') }], o.role);
    const teamBoxes = state.teams.map((tm) => h('label', { class: 'chip' },
      h('input', { type: 'checkbox', testid: 'op-row-team', dataset: { teamId: tm.id }, checked: (o.teams || []).includes(tm.id), on: { change: (e) => {
        const set = new Set(o.teams || []);
        if (e.target.checked) set.add(tm.id); else set.delete(tm.id);
        run(null, () => api.updateOperator(o.id, { teams: [...set] }));
      } } }), ' ', tm.name));
    const toggle = o.disabled
      ? h('button', { type: 'button', class: 'btn small', testid: 'op-enable', on: { click: (e) => run(e.target, () => api.updateOperator(o.id, { disabled: false })) } }, t('admin.enable'))
      : h('button', { type: 'button', class: 'btn small danger', testid: 'op-disable', disabled: self, on: { click: async (e) => {
        const btn = e.currentTarget;
        if (await confirmDialog(t('admin.disableConfirm', { name: o.name || o.email }), t('admin.disable'))) run(btn, () => api.disableOperator(o.id));
      } } }, t('admin.disable'));
    return h('tr', { testid: 'op-row', dataset: { operatorId: o.id }, class: o.disabled ? 'disabled' : '' },
      h('td', {}, h('div', { class: 'strong' }, o.name), h('div', { class: 'muted small' }, o.email)),
      h('td', {}, roleSel),
      h('td', {}, teamBoxes.length ? teamBoxes : h('span', { class: 'muted' }, '—')),
      h('td', {}, o.disabled ? h('span', { class: 'tag danger' }, t('admin.disabled')) : h('span', { class: 'tag open' }, t('admin.active'))),
      h('td', {}, toggle));
  });
  return h('table', { class: 'admin-table' },
    h('thead', {}, h('tr', {}, [t('admin.name'), t('admin.role'), t('admin.teams'), t('admin.state'), ''].map((x) => h('th', {}, x)))),
    h('tbody', {}, rows));
}

// ------------------------------------------------------------------ teams

function teamForm() {
  const name = h('input', { testid: 'team-name', placeholder: t('admin.teamName'), 'aria-label': t('admin.teamName'), autocomplete: 'off' });
  const create = h('button', { type: 'submit', class: 'btn primary', testid: 'team-create' }, t('admin.createTeam'));
  const el = h('form', { class: 'admin-form', on: { submit: (e) => {
    e.preventDefault();
    run(create, () => api.createTeam({ name: name.value.trim() }), { done: () => el.reset() });
  } } }, name, create);
  return { el };
}

function teamsList() {
  const items = state.teams.map((tm) => h('li', { testid: 'team-row', dataset: { teamId: tm.id } },
    h('span', { class: 'strong' }, tm.name),
    h('span', { class: 'muted small' }, t('admin.members', { n: (tm.members || []).length })),
    h('button', { type: 'button', class: 'btn small danger', testid: 'team-delete', on: { click: async (e) => {
      const btn = e.currentTarget;
      if (await confirmDialog(t('admin.deleteTeamConfirm', { name: tm.name }), t('common.delete'))) run(btn, () => api.deleteTeam(tm.id));
    } } }, t('common.delete'))));
  return h('ul', { class: 'admin-list' }, items.length ? items : h('li', { class: 'muted' }, t('admin.noTeams')));
}

// ------------------------------------------------------------------ contact fields

function fieldForm() {
  const name = h('input', { testid: 'field-name', placeholder: t('admin.fieldName'), 'aria-label': t('admin.fieldName'), autocomplete: 'off' });
  const label = h('input', { testid: 'field-label', placeholder: t('admin.fieldLabel'), 'aria-label': t('admin.fieldLabel'), autocomplete: 'off' });
  const type = select({ testid: 'field-type', 'aria-label': t('admin.fieldType') },
    ['text', 'number', 'date', 'choice'].map((x) => ({ value: x, label: t('fieldType.' + x) })), 'text');
  const options = h('input', { testid: 'field-options', placeholder: t('admin.fieldOptions'), 'aria-label': t('admin.fieldOptions'), hidden: true });
  type.addEventListener('change', () => { options.hidden = type.value !== 'choice'; });
  const create = h('button', { type: 'submit', class: 'btn primary', testid: 'field-create' }, t('admin.createField'));
  const el = h('form', { class: 'admin-form', on: { submit: (e) => {
    e.preventDefault();
    const body = { name: name.value.trim(), label: label.value.trim(), type: type.value };
    if (type.value === 'choice') body.options = options.value.split(',').map((x) => x.trim()).filter(Boolean);
    run(create, () => api.createField(body), { done: () => { el.reset(); options.hidden = true; } });
  } } }, name, label, type, options, create);
  return { el };
}

function fieldsList() {
  const items = state.fieldDefs.map((f) => h('li', { testid: 'field-row', dataset: { name: f.name } },
    h('span', { class: 'strong' }, f.label),
    h('code', {}, f.name),
    h('span', { class: 'muted small' }, t('fieldType.' + f.type) + (f.options?.length ? ': ' + f.options.join(', ') : '')),
    h('button', { type: 'button', class: 'btn small danger', testid: 'field-delete', on: { click: async (e) => {
      const btn = e.currentTarget;
      if (await confirmDialog(t('admin.deleteFieldConfirm', { name: f.label }), t('common.delete'))) run(btn, () => api.deleteField(f.name));
    } } }, t('common.delete'))));
  return h('ul', { class: 'admin-list' }, items.length ? items : h('li', { class: 'muted' }, t('admin.noFields')));
}

// ------------------------------------------------------------------ scenarios

function scenarioId(s) { return s.scenario_id ?? s.id; }

function when(v) {
  const ms = typeof v === 'number' ? v : Date.parse(v ?? '');
  return Number.isFinite(ms) ? fmtDateTime(ms) : '';
}

/** Where a scenario runs: private_chats {version} and groups [{chat_id, version}] (GET /api/scenarios). */
function activeText(s) {
  const where = [];
  if (s.private_chats) where.push(`${t('admin.privateChats')} (v${s.private_chats.version})`);
  for (const g of s.groups || []) {
    const title = groups.find((x) => x.chat_id === g.chat_id)?.title || String(g.chat_id);
    where.push(`${title} (v${g.version})`);
  }
  return where.length ? t('admin.activeFor') + ' ' + where.join(', ') : t('admin.notActive');
}

function scenarioForm() {
  const file = h('input', { type: 'file', testid: 'scenario-file', accept: 'application/json,.json', 'aria-label': t('admin.scenarioFile') });
  const upload = h('button', { type: 'submit', class: 'btn primary', testid: 'scenario-upload' }, t('admin.upload'));
  const el = h('form', { class: 'admin-form', on: { submit: async (e) => {
    e.preventDefault();
    showError(null);
    const f = file.files?.[0];
    if (!f) { showError(new Error(t('admin.chooseFile'))); return; }
    const text = await f.text();
    try { JSON.parse(text); } catch (x) { showError(new Error(t('admin.notJson') + ': ' + x.message)); return; }
    run(upload, () => api.uploadScenario(text), { done: (r) => {
      lastUpload = r;
      el.reset();
      toast(t(r?.created === false ? 'admin.unchanged' : 'admin.uploaded', { id: r?.scenario_id, version: r?.version }), 'info');
    } });
  } } }, file, upload);
  return { el };
}

function scenariosList() {
  const targetOpts = [{ value: '', label: t('admin.privateChats') },
    ...groups.map((g) => ({ value: String(g.chat_id), label: g.title || String(g.chat_id), group: t('nav.groups') }))];
  let items;
  if (scenarios === null) items = h('li', { class: 'muted' }, scenariosError || t('common.loading'));
  else if (!scenarios.length) items = h('li', { class: 'muted' }, t('admin.noScenarios'));
  else {
    items = scenarios.map((s) => {
      const id = scenarioId(s);
      const target = select({ 'aria-label': t('admin.target'), testid: 'scenario-target' }, targetOpts, '');
      return h('li', { testid: 'scenario-row', dataset: { scenarioId: id } },
        h('div', {},
          h('span', { class: 'strong' }, s.name || s.title || id),
          ' ', h('code', {}, id + (s.latest_version != null ? '@' + s.latest_version : '')),
          h('div', { class: 'muted small' }, [activeText(s), when(s.updated_at ?? s.created_at)].filter(Boolean).join(' · '))),
        h('div', { class: 'field-row' }, target,
          h('button', { type: 'button', class: 'btn small', testid: 'scenario-activate', dataset: { scenarioId: id }, on: { click: (e) => {
            const body = target.value ? { chat_id: Number(target.value) } : {};
            run(e.currentTarget, () => api.activateScenario(id, body), {
              done: (r) => toast(t('admin.activated', { id, version: r?.version ?? '' }), 'info'),
            });
          } } }, t('admin.activate'))));
    });
  }
  return h('div', {},
    lastUpload ? h('div', { class: 'muted small', testid: 'scenario-uploaded' },
      t(lastUpload.created === false ? 'admin.unchanged' : 'admin.uploaded', { id: lastUpload.scenario_id, version: lastUpload.version })) : null,
    h('ul', { class: 'admin-list' }, items));
}

// ------------------------------------------------------------------ Telegram webhook

/** Reads the webhook's status (one getWebhookInfo at Telegram); only on opening the page and on Refresh. */
async function loadWebhook(btn) {
  if (btn) btn.disabled = true;
  try {
    webhook = await request('GET', '/admin/telegram');
    webhookError = '';
  } catch (e) {
    webhook = null;
    webhookError = e.message || String(e.status || '');
  } finally {
    if (btn) btn.disabled = false;
  }
  renderWebhook();
}

function webhookBlock() {
  const refresh = h('button', { type: 'button', class: 'btn small', testid: 'webhook-refresh',
    on: { click: (e) => loadWebhook(e.currentTarget) } }, t('admin.webhookRefresh'));
  if (!webhook) {
    return h('div', {},
      h('p', { class: 'muted small', testid: 'webhook-status' }, webhookError ? t('admin.webhookUnavailable', { message: webhookError }) : t('common.loading')),
      refresh);
  }
  const w = webhook;
  const err = w.last_error_message || w.last_error_date
    ? h('div', { testid: 'webhook-error', class: 'small' }, h('span', { class: 'tag danger' }, t('admin.webhookLastError')), ' ',
      w.last_error_date ? h('span', { class: 'muted' }, fmtDateTime(w.last_error_date * 1000) + ': ') : null,
      w.last_error_message || '')
    : h('div', { testid: 'webhook-error', class: 'muted small', dataset: { none: 'true' } }, t('admin.webhookNoErrors'));
  return h('div', {},
    h('div', { testid: 'webhook-url' },
      h('span', { class: w.url_set ? 'tag open' : 'tag danger' }, t(w.url_set ? 'admin.webhookSet' : 'admin.webhookNotSet')),
      ' ', w.url_set ? h('code', {}, w.url || '') : h('span', { class: 'muted small' }, t('admin.webhookNotSetHint'))),
    h('div', { testid: 'webhook-pending', class: 'small' }, t('admin.webhookPending', { n: w.pending_update_count ?? 0 })),
    err,
    Array.isArray(w.allowed_updates) ? h('div', { class: 'muted small' }, t('admin.webhookUpdates', { list: w.allowed_updates.join(', ') })) : null,
    refresh);
}

function renderWebhook() {
  if (parts?.webhook) parts.webhook.replaceChildren(webhookBlock());
}

// ------------------------------------------------------------------

let parts = null; // the sections' forms (built once per view: a reload of the lists must not wipe what is typed) and list boxes

export function adminView() {
  errorBox = h('div', { class: 'admin-error', testid: 'admin-error', role: 'alert', hidden: true });
  const op = operatorForm();
  parts = {
    op, team: teamForm(), field: fieldForm(), scenario: scenarioForm(),
    ops: h('div'), teams: h('div'), fields: h('div'), scenarios: h('div'), webhook: h('div'),
  };
  const sectionEl = (key, cls, form, box, hint) => h('section', { class: 'admin-section' + cls, testid: 'admin-' + key, id: 'admin-' + key },
    h('h2', {}, t('admin.' + key)), hint ? h('p', { class: 'muted small' }, hint) : null, form, box);
  page = h('main', { class: 'admin-page' },
    h('nav', { class: 'admin-tabs' },
      ['operators', 'teams', 'fields', 'scenarios', 'webhook'].map((x) => h('a', { href: '#/admin', on: { click: (e) => {
        e.preventDefault();
        document.getElementById('admin-' + x)?.scrollIntoView({ behavior: 'smooth', block: 'start' });
      } } }, t('admin.' + x)))),
    errorBox,
    h('div', { class: 'admin-grid' },
      sectionEl('operators', ' wide', parts.op.el, parts.ops),
      sectionEl('teams', '', parts.team.el, parts.teams),
      sectionEl('fields', '', parts.field.el, parts.fields),
      sectionEl('scenarios', '', parts.scenario.el, parts.scenarios, t('admin.scenariosHint')),
      sectionEl('webhook', '', null, parts.webhook, t('admin.webhookHint'))));
  render();
  renderWebhook();
  load();
  loadWebhook();
  return page;
}

function render() {
  if (!parts) return;
  parts.op.update();
  parts.ops.replaceChildren(operatorsTable());
  parts.teams.replaceChildren(teamsList());
  parts.fields.replaceChildren(fieldsList());
  parts.scenarios.replaceChildren(scenariosList());
}
