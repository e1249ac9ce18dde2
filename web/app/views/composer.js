// The reply box: text (Enter sends, Shift+Enter new line), note mode, a file, inline buttons ("text|callback"
// per line; a URL instead of callback data makes a link button). Drafts are kept per dialog in localStorage.
import { h, icon } from '../dom.js';
import { t } from '../i18n.js';

const draftKey = (id) => 'tgdesk.draft.' + id;

function loadDraft(id) {
  try { return JSON.parse(localStorage.getItem(draftKey(id))) || {}; } catch { return {}; }
}
function saveDraft(id, d) {
  if (!d.text && !d.buttons) localStorage.removeItem(draftKey(id));
  else localStorage.setItem(draftKey(id), JSON.stringify(d));
}

/** "Yes|yes" lines → [[{text, data}]] rows (one button per line); throws with a readable message. */
export function parseButtons(src) {
  const rows = [];
  for (const raw of src.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const i = line.indexOf('|');
    if (i < 0) throw new Error(t('composer.buttonsFormat'));
    const text = line.slice(0, i).trim();
    const value = line.slice(i + 1).trim();
    if (!text || !value) throw new Error(t('composer.buttonsFormat'));
    if (text.length > 64) throw new Error(t('composer.buttonTooLong', { text }));
    if (/^(https?:\/\/|tg:\/\/)/i.test(value)) rows.push([{ text, url: value }]);
    else {
      if (new TextEncoder().encode(value).length > 64) throw new Error(t('composer.dataTooLong', { text }));
      rows.push([{ text, data: value }]);
    }
  }
  if (rows.length > 10) throw new Error(t('composer.tooManyButtons'));
  return rows;
}

/**
 * composerView(dialogId, {onText(text, {note, buttons}) → bool accepted, onFile(file, caption)})
 * Returns {el, focus(), toggleNote()}.
 */
export function composerView(dialogId, { onText, onFile }) {
  const draft = loadDraft(dialogId);
  const input = h('textarea', {
    testid: 'composer-input', class: 'composer-input', rows: 3, placeholder: t('composer.placeholder'),
    'aria-label': t('composer.placeholder'), value: draft.text || '',
  });
  const mode = h('input', { type: 'checkbox', testid: 'composer-mode', checked: !!draft.note });
  const buttons = h('textarea', {
    testid: 'composer-buttons', class: 'composer-buttons', rows: 1, placeholder: t('composer.buttons'),
    'aria-label': t('composer.buttons'), value: draft.buttons || '',
  });
  const attach = h('input', { type: 'file', testid: 'composer-attach', class: 'visually-hidden', id: 'composer-attach' });
  const send = h('button', { type: 'button', class: 'btn primary', testid: 'composer-send' }, t('composer.send'));
  const error = h('div', { class: 'form-error', role: 'alert', hidden: true });
  const el = h('div', { class: 'composer' },
    h('div', { class: 'composer-tools' },
      h('label', { class: 'toggle', title: t('composer.noteHint') }, mode, ' ', t('composer.note')),
      h('label', { class: 'btn small', for: 'composer-attach', title: t('composer.attachHint') }, icon('clip'), ' ', t('composer.attach')),
      attach,
      h('span', { class: 'hint' }, t('composer.enterHint'))),
    input, buttons, error,
    h('div', { class: 'composer-actions' }, send));

  const keep = () => saveDraft(dialogId, { text: input.value, note: mode.checked, buttons: buttons.value });
  const applyMode = () => {
    el.classList.toggle('note-mode', mode.checked);
    buttons.disabled = mode.checked;
    input.placeholder = mode.checked ? t('composer.notePlaceholder') : t('composer.placeholder');
    send.textContent = mode.checked ? t('composer.addNote') : t('composer.send');
  };
  applyMode();

  const submit = () => {
    const text = input.value.trim();
    if (!text) return;
    let rows;
    error.hidden = true;
    try {
      rows = !mode.checked && buttons.value.trim() ? parseButtons(buttons.value) : undefined;
    } catch (e) {
      error.textContent = e.message;
      error.hidden = false;
      return;
    }
    onText(text, { note: mode.checked, buttons: rows });
    input.value = '';
    if (rows) buttons.value = '';
    keep();
    input.focus();
  };

  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && !e.altKey && !e.ctrlKey && !e.metaKey) {
      e.preventDefault();
      submit();
    }
  });
  input.addEventListener('input', keep);
  buttons.addEventListener('input', keep);
  mode.addEventListener('change', () => { applyMode(); keep(); });
  send.addEventListener('click', submit);
  attach.addEventListener('change', () => {
    const file = attach.files?.[0];
    if (!file) return;
    if (mode.checked) { // notes are text only; a file would go to the client
      error.textContent = t('composer.noFileInNote');
      error.hidden = false;
      attach.value = '';
      return;
    }
    error.hidden = true;
    // a file goes at once; text typed in the box becomes its caption
    const caption = input.value.trim();
    onFile(file, caption || undefined);
    if (caption) { input.value = ''; keep(); }
    attach.value = '';
  });

  return {
    el,
    focus: () => input.focus(),
    toggleNote: () => { mode.checked = !mode.checked; applyMode(); keep(); },
  };
}
