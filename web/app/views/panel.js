// The right panel of an open dialog: contact (name, username, fields editable), assignment (manager, team),
// the dialog's files, block/unblock with a confirmation.
import { api } from '../api.js';
import { h, icon, select, formatSize, debounce } from '../dom.js';
import { t, fmtDateTime } from '../i18n.js';
import { state, on, isAdmin, operatorName, teamName } from '../state.js';
import { download } from '../files.js';
import { confirmDialog } from './confirm.js';
import { toast } from './toast.js';
import * as dialog from './dialog.js';
import { MEDIA_ICON } from './entry.js';

let col = null;
let d = null;            // the open dialog (dialog.js state)
let contact = null;      // GET …/contact
let files = null;        // GET …/files → files[]
let contactError = '';
let boxes = null;        // {contact, assign, files}: re-rendered separately (a new message must not wipe a field being typed)

on('dialog-open', (nd) => {
  d = nd;
  contact = null;
  files = null;
  contactError = '';
  render();
  if (d) { loadContact(d); loadFiles(d); }
});
on('dialog-row', (nd) => { if (nd === d) renderAssign(); });
on('contact-changed', (nd) => { if (nd === d) loadContact(d); });
const filesSoon = debounce((nd) => { if (nd === d) loadFiles(nd); }, 500);
on('files-changed', filesSoon);
on('directory', () => { renderAssign(); }); // operators/teams/field definitions arrived or changed

async function loadContact(forD) {
  try {
    const c = await api.contact(forD.id);
    if (forD !== d) return;
    contact = c;
    contactError = '';
  } catch (e) {
    if (forD !== d) return;
    contactError = e.message;
  }
  renderContact();
}

async function loadFiles(forD) {
  try {
    const r = await api.files(forD.id);
    if (forD !== d) return;
    files = r.files || [];
  } catch (e) {
    if (forD !== d) return;
    files = [];
  }
  renderFiles();
}

export function panelColumn() {
  col = h('aside', { class: 'col col-panel' });
  render();
  return col;
}

function section(title, ...children) {
  return h('section', { class: 'panel-section' }, h('h3', {}, title), children);
}

function assignmentSection() {
  const row = d.row || {};
  const me = state.me || {};
  const admin = isAdmin();
  // agents may assign only themselves and their own teams (the API answers 403 otherwise)
  const mgrOpts = [{ value: '', label: t('panel.nobody') }];
  for (const o of state.operators) {
    if ((admin && !o.disabled) || o.id === me.id || o.id === row.assignee) mgrOpts.push({ value: o.id, label: o.name || o.email });
  }
  if (!state.operators.some((o) => o.id === me.id)) mgrOpts.push({ value: me.id, label: me.name || me.email });
  if (row.assignee && !mgrOpts.some((o) => o.value === row.assignee)) mgrOpts.push({ value: row.assignee, label: operatorName(row.assignee) });
  const teamOpts = [{ value: '', label: t('panel.noTeam') }];
  for (const tm of state.teams) {
    if (admin || (me.teams || []).includes(tm.id) || tm.id === row.team) teamOpts.push({ value: tm.id, label: tm.name });
  }
  if (row.team && !teamOpts.some((o) => o.value === row.team)) teamOpts.push({ value: row.team, label: teamName(row.team) });

  const change = (field) => async (e) => {
    const el = e.target;
    el.disabled = true;
    try {
      await dialog.assign({ [field]: el.value || null });
    } catch (err) {
      toast(err.message);
      renderAssign();
    } finally {
      el.disabled = false;
    }
  };
  const summary = [row.assignee ? operatorName(row.assignee) : t('panel.noManager'), row.team ? teamName(row.team) : t('panel.noTeam')].join(' · ');
  return section(t('panel.assignment'),
    h('div', { class: 'assignees', testid: 'assignees' }, summary),
    h('label', { class: 'field-label' }, t('panel.manager'),
      select({ testid: 'assign-manager', on: { change: change('manager') } }, mgrOpts, row.assignee || '')),
    h('label', { class: 'field-label' }, t('panel.team'),
      select({ testid: 'assign-team', on: { change: change('team') } }, teamOpts, row.team || '')));
}

function fieldEditor(f) {
  let input;
  const value = f.value ?? '';
  if (f.type === 'choice') {
    input = select({ testid: 'contact-field-input' }, [{ value: '', label: '—' }, ...(f.options || []).map((o) => ({ value: o, label: o }))], value);
  } else {
    input = h('input', {
      testid: 'contact-field-input', value,
      type: f.type === 'date' ? 'date' : 'text', inputmode: f.type === 'number' ? 'decimal' : null,
    });
  }
  const msg = h('div', { class: 'field-msg', hidden: true });
  const save = h('button', { type: 'button', class: 'btn small', testid: 'contact-field-save' }, t('common.save'));
  const submit = async () => {
    save.disabled = true;
    msg.hidden = true;
    const forD = d;
    try {
      const c = await api.setFields(forD.id, { [f.name]: input.value === '' ? null : input.value });
      if (forD !== d) return;
      contact = c;
      renderContact();
      toast(t('panel.saved', { label: f.label }), 'info');
    } catch (e) {
      msg.textContent = e.message;
      msg.className = 'field-msg error';
      msg.hidden = false;
      save.disabled = false;
    }
  };
  save.addEventListener('click', submit);
  input.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); submit(); } });
  const id = 'cf-' + f.name;
  input.id = id;
  return h('div', { class: 'contact-field', testid: 'contact-field', dataset: { name: f.name } },
    h('label', { for: id }, f.label || f.name),
    h('div', { class: 'field-row' }, input, save), msg);
}

function contactSection() {
  const row = d.row || {};
  const c = contact;
  const isPrivate = (c?.kind || row.kind) === 'private';
  const name = isPrivate
    ? ([c?.first_name, c?.last_name].filter(Boolean).join(' ') || d.contact?.first_name || row.title || '')
    : (row.title || String(row.chat_id || ''));
  const username = c?.username || row.username;
  const badges = [];
  if (c?.blocked) badges.push(h('span', { class: 'tag danger' }, t('panel.blocked')));
  if (c?.bot_blocked) badges.push(h('span', { class: 'tag danger' }, t('panel.botBlocked')));
  const facts = [];
  if (c?.language_code) facts.push(h('div', {}, t('panel.language') + ': ', c.language_code));
  if (row.chat_id) facts.push(h('div', { class: 'muted' }, (isPrivate ? t('panel.userId') : t('panel.chatId')) + ': ', String(c?.user_id ?? row.chat_id)));

  const out = [
    h('div', { class: 'contact-head' },
      h('div', { class: 'avatar big' + (isPrivate ? '' : ' group') }, (name[0] || '?').toUpperCase()),
      h('div', {},
        h('div', { class: 'contact-name', testid: 'contact-name' }, name),
        h('div', { class: 'contact-username muted', testid: 'contact-username' }, username ? '@' + username : ''))),
    badges.length ? h('div', { class: 'badges' }, badges) : null,
    facts,
  ];
  if (contactError) out.push(h('div', { class: 'form-error' }, contactError));
  if (isPrivate && c) {
    const fields = (c.fields || []).map(fieldEditor);
    const others = Object.entries(c.other_fields || {}).map(([k, v]) =>
      h('div', { class: 'other-field' }, h('span', { class: 'muted' }, k + ': '), String(v)));
    out.push(h('div', { class: 'fields' },
      h('h4', {}, t('panel.fields')),
      fields.length ? fields : h('div', { class: 'muted' }, isAdmin() ? t('panel.noFieldsAdmin') : t('panel.noFields')),
      others));
    out.push(h('div', { class: 'block-row' },
      h('button', { type: 'button', class: 'btn danger', testid: 'btn-block', hidden: !!c.blocked, on: { click: () => blockToggle(true, name) } }, t('panel.block')),
      h('button', { type: 'button', class: 'btn', testid: 'btn-unblock', hidden: !c.blocked, on: { click: () => blockToggle(false, name) } }, t('panel.unblock'))));
  }
  return h('section', { class: 'panel-section', testid: 'contact-panel' }, out);
}

async function blockToggle(block, name) {
  const forD = d;
  const ok = await confirmDialog(t(block ? 'panel.blockConfirm' : 'panel.unblockConfirm', { name }),
    block ? t('panel.block') : t('panel.unblock'));
  if (!ok || forD !== d) return;
  try {
    const c = await (block ? api.block(forD.id) : api.unblock(forD.id));
    if (forD !== d) return;
    contact = c;
    renderContact();
  } catch (e) {
    toast(e.message);
  }
}


function filesSection() {
  const list = h('ul', { class: 'files-list', testid: 'files-list' });
  if (files === null) list.appendChild(h('li', { class: 'muted' }, t('common.loading')));
  else if (!files.length) list.appendChild(h('li', { class: 'muted' }, t('panel.noFiles')));
  for (const f of files || []) {
    const name = f.file_name || t('media.' + f.kind);
    list.appendChild(h('li', {
      class: 'file-item', testid: 'file-item', dataset: { seq: f.seq, index: f.index }, tabindex: 0, title: t('media.download'),
      on: {
        click: () => download(d.id, f.seq, f.index, f.file_name || `${f.kind}-${f.seq}`).catch((e) => toast(e.message)),
        keydown: (e) => { if (e.key === 'Enter') e.currentTarget.click(); },
      },
    },
    icon(MEDIA_ICON[f.kind] || 'file'),
    h('span', { class: 'file-main' },
      h('span', { class: 'file-name' }, name),
      h('span', { class: 'muted small' }, [f.direction === 'in' ? '↓' : '↑', formatSize(f.size), f.at ? fmtDateTime(f.at) : ''].filter(Boolean).join(' · ')))));
  }
  return section(t('panel.files'), list);
}

export function render() {
  if (!col) return;
  if (!d) { boxes = null; col.replaceChildren(); col.classList.add('empty'); return; }
  col.classList.remove('empty');
  boxes = { contact: h('div'), assign: h('div'), files: h('div') };
  col.replaceChildren(boxes.contact, boxes.assign, boxes.files);
  renderContact();
  renderAssign();
  renderFiles();
}

function renderContact() { if (boxes && d) boxes.contact.replaceChildren(contactSection()); }
function renderAssign() { if (boxes && d) boxes.assign.replaceChildren(assignmentSection()); }
function renderFiles() { if (boxes && d) boxes.files.replaceChildren(filesSection()); }
