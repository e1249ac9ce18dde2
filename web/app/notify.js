// Unread counts for the title badge "(N) tgdesk", and desktop notifications (permission asked only on a click).
import { t } from './i18n.js';

const unread = new Map(); // dialogId → unread client messages
const BASE_TITLE = 'tgdesk';

function updateTitle() {
  let n = 0;
  for (const v of unread.values()) n += v;
  document.title = n > 0 ? `(${n}) ${BASE_TITLE}` : BASE_TITLE;
}

export const getUnread = (id) => unread.get(id) || 0;
export function setUnread(id, n) {
  if (n > 0) unread.set(id, n); else unread.delete(id);
  updateTitle();
}
export function addUnread(id, k = 1) { setUnread(id, getUnread(id) + k); }
export function clearUnread(id) { setUnread(id, 0); }
export function resetUnread() { unread.clear(); updateTitle(); }

export const notificationsSupported = () => 'Notification' in window;
export const notificationsGranted = () => notificationsSupported() && Notification.permission === 'granted';

/** Called from a click handler only: browsers ignore (or penalise) permission prompts without a user gesture. */
export async function askPermission() {
  if (!notificationsSupported()) return 'unsupported';
  if (Notification.permission === 'default') return Notification.requestPermission();
  return Notification.permission;
}

/** A desktop notification (text only: the Notification API renders no markup); click → open the dialog. */
export function notify(tag, title, body, onClick) {
  if (!notificationsGranted()) return;
  try {
    const n = new Notification(title || t('app.name'), { body: body || '', tag: 'tgdesk-' + tag, silent: false });
    n.onclick = () => { window.focus(); onClick?.(); n.close(); };
  } catch { /* some browsers only allow notifications from a service worker */ }
}
