// Files of a dialog come from GET /api/dialogs/{id}/files/{seq}/{index} with the bearer token, into blob: URLs.
// The browser never sees Telegram's file URLs or the bot token (the API fetches them server-side).
import { api } from './api.js';

const cache = new Map(); // "dialog/seq/index" → Promise<blob URL>

export function fileUrl(dialogId, seq, index) {
  const key = `${dialogId}/${seq}/${index}`;
  if (!cache.has(key)) {
    const p = api.fileBlob(dialogId, seq, index).then((b) => URL.createObjectURL(b));
    p.catch(() => cache.delete(key)); // a failed fetch may be retried later
    cache.set(key, p);
  }
  return cache.get(key);
}

/** Downloads a file: fetched with the token, then saved through a temporary <a download>. */
export async function download(dialogId, seq, index, name) {
  const url = await fileUrl(dialogId, seq, index);
  const a = document.createElement('a');
  a.href = url;
  a.download = name || 'file';
  document.body.appendChild(a);
  a.click();
  a.remove();
}

/** Frees the blob URLs of a dialog (when another one opens). */
export function releaseDialog(dialogId) {
  for (const [key, p] of cache) {
    if (key.startsWith(dialogId + '/')) {
      p.then((u) => URL.revokeObjectURL(u), () => {});
      cache.delete(key);
    }
  }
}

// Photos load when they scroll into view (a long history does not fetch every picture at once).
const io = 'IntersectionObserver' in window ? new IntersectionObserver((items) => {
  for (const it of items) {
    if (!it.isIntersecting) continue;
    io.unobserve(it.target);
    it.target.__load?.();
  }
}, { rootMargin: '200px' }) : null;

export function lazyImage(img, dialogId, seq, index, onError) {
  img.__load = () => fileUrl(dialogId, seq, index).then((u) => { img.src = u; }, (e) => onError?.(e));
  if (io) io.observe(img); else img.__load();
}
