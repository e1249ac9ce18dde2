// A short message at the bottom of the screen for errors of actions that have no better place.
import { h } from '../dom.js';

let box = null;
export function toast(message, kind = 'error') {
  if (!box || !box.isConnected) {
    box = h('div', { class: 'toasts', role: 'status', 'aria-live': 'polite' });
    document.body.appendChild(box);
  }
  const el = h('div', { class: 'toast ' + kind }, message);
  box.appendChild(el);
  setTimeout(() => el.remove(), kind === 'error' ? 6000 : 3000);
}
