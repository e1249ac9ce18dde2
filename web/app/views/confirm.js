// A confirmation dialog (confirm-dialog / confirm-ok / confirm-cancel) instead of window.confirm, so it is
// styled, translated and testable. Resolves true on OK, false on Cancel / Esc / a click outside.
import { h } from '../dom.js';
import { t } from '../i18n.js';

let openOne = null;

export function isConfirmOpen() { return !!openOne; }

export function confirmDialog(message, okLabel) {
  if (openOne) openOne.done(false);
  return new Promise((resolve) => {
    const prevFocus = document.activeElement;
    const done = (v) => {
      document.removeEventListener('keydown', onKey, true);
      overlay.remove();
      openOne = null;
      prevFocus?.focus?.();
      resolve(v);
    };
    const onKey = (e) => {
      if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); done(false); }
    };
    const ok = h('button', { class: 'btn danger', testid: 'confirm-ok', type: 'button', on: { click: () => done(true) } },
      okLabel || t('confirm.ok'));
    const cancel = h('button', { class: 'btn', testid: 'confirm-cancel', type: 'button', on: { click: () => done(false) } },
      t('confirm.cancel'));
    const box = h('div', { class: 'modal', role: 'dialog', 'aria-modal': 'true', testid: 'confirm-dialog' },
      h('p', { class: 'modal-text' }, message),
      h('div', { class: 'modal-actions' }, cancel, ok));
    const overlay = h('div', { class: 'overlay', on: { click: (e) => { if (e.target === overlay) done(false); } } }, box);
    document.body.appendChild(overlay);
    document.addEventListener('keydown', onKey, true);
    openOne = { done };
    ok.focus();
  });
}
