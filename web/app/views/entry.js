// One history entry as a DOM element (data-testid="entry"). Client messages on the left, the bot's (scenario)
// and operators' on the right, notes yellow, events/service messages as a centred line. All text goes in as text.
import { h, icon, htmlToText, formatSize } from '../dom.js';
import { t, fmtTime, fmtDateTime, has } from '../i18n.js';
import { operatorName } from '../state.js';
import { lazyImage, download } from '../files.js';

const THUMB = 240; // px, the longer side of a photo thumbnail
export const MEDIA_ICON = { photo: 'image', document: 'file', voice: 'mic', video: 'video', video_note: 'video', audio: 'music', animation: 'image' };

function authorLabel(e, ctx) {
  const a = e.author || {};
  switch (a.kind) {
    case 'client': return a.name || ctx.contactName || t('author.client');
    case 'scenario': return t('author.bot') + (a.ref ? ' · ' + a.ref.split('/')[0] : '');
    case 'operator': return a.name || operatorName(a.operator_id) || t('author.operator');
    case 'system': return t('author.system');
    default: return e.direction === 'in' ? (ctx.contactName || t('author.client')) : t('author.bot');
  }
}

/** A <select>-free status line: queued/sending → "sending", sent, failed + Telegram's reason. */
function statusLine(status, failure) {
  if (!status) return null;
  const label = status === 'queued' || status === 'sending' ? t('status.sending') : status === 'sent' ? t('status.sent')
    : status === 'failed' ? t('status.failed') : status;
  return h('div', { class: 'entry-status-line' },
    h('span', { class: 'entry-status s-' + status, testid: 'entry-status' }, label),
    status === 'failed' ? h('span', { class: 'entry-failure', testid: 'entry-failure' },
      (failure && (failure.description || failure.kind)) || t('status.failedUnknown')) : null);
}

function mediaItem(m, e, ctx) {
  const name = m.file_name || (t('media.' + m.kind) !== 'media.' + m.kind ? t('media.' + m.kind) : m.kind || t('media.file'));
  if (m.kind === 'sticker') {
    return h('div', { class: 'media sticker', testid: 'entry-media', dataset: { kind: m.kind } },
      h('span', { class: 'sticker-emoji', title: t('media.sticker') }, m.emoji || t('media.sticker')));
  }
  if (m.kind === 'photo') {
    // the thumbnail's box is known before the bytes arrive, so the history does not jump when photos load
    const scale = m.width && m.height ? Math.min(1, THUMB / Math.max(m.width, m.height)) : 0;
    const img = h('img', { class: 'thumb', alt: name, loading: 'lazy',
      width: scale ? Math.round(m.width * scale) : THUMB, height: scale ? Math.round(m.height * scale) : Math.round(THUMB * 0.75) });
    const box = h('div', { class: 'media photo', testid: 'entry-media', dataset: { kind: m.kind } }, img);
    img.addEventListener('click', () => download(ctx.dialogId, e.seq, m.index, m.file_name || `photo-${e.seq}.jpg`).catch(() => {}));
    lazyImage(img, ctx.dialogId, e.seq, m.index, (err) => {
      img.classList.add('broken'); // stays in the DOM (it is the photo's element), hidden by CSS
      box.appendChild(h('span', { class: 'media-error' }, t('media.unavailable') + ' (' + err.message + ')'));
    });
    return box;
  }
  const meta = [m.duration_seconds ? `${Math.floor(m.duration_seconds / 60)}:${String(m.duration_seconds % 60).padStart(2, '0')}` : null,
    formatSize(m.file_size)].filter(Boolean).join(' · ');
  const err = h('span', { class: 'media-error', hidden: true });
  const link = h('a', {
    class: 'download', testid: 'entry-download', href: '#', title: t('media.download'),
    on: { click: (ev) => {
      ev.preventDefault();
      err.hidden = true;
      download(ctx.dialogId, e.seq, m.index, m.file_name || `${m.kind || 'file'}-${e.seq}`)
        .catch((x) => { err.textContent = t('media.unavailable') + ' (' + x.message + ')'; err.hidden = false; });
    } },
  }, icon(MEDIA_ICON[m.kind] || 'clip'),
  h('span', { class: 'media-name' }, name),
  meta ? h('span', { class: 'media-meta' }, meta) : null);
  return h('div', { class: 'media file', testid: 'entry-media', dataset: { kind: m.kind } }, link, err);
}

function locationEl(loc) {
  const lat = Number(loc.latitude), lon = Number(loc.longitude);
  const label = [loc.title, loc.address].filter(Boolean).join(', ');
  const ok = Number.isFinite(lat) && Number.isFinite(lon);
  return h('div', { class: 'extra location' }, icon('pin'), ' ', label ? label + ' · ' : '',
    ok ? h('a', { href: `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=16/${lat}/${lon}`, target: '_blank', rel: 'noopener noreferrer' },
      `${lat.toFixed(5)}, ${lon.toFixed(5)}`) : t('media.location'));
}

function contactCardEl(c) {
  const name = [c.first_name, c.last_name].filter(Boolean).join(' ');
  return h('div', { class: 'extra contact-card' }, icon('user'), ' ', name || t('media.contact'), c.phone_number ? ' · ' + c.phone_number : '');
}

/** The inline keyboard an outgoing message carried, as inert chips (text only; URLs shown as a tooltip). */
function buttonsEl(rows) {
  return h('div', { class: 'sent-buttons', testid: 'entry-buttons' },
    ...rows.map((row) => h('div', { class: 'sent-buttons-row' },
      ...(Array.isArray(row) ? row : []).map((b) => h('span', { class: 'sent-button', title: b.url || b.callback_data || '' }, b.text || '')))));
}

/** An event line in the UI's language (the stored preview is English); unknown events keep the preview. */
function systemText(e) {
  if (e.type === 'event' && e.event) {
    const by = e.by || {};
    const special = `event.${e.event}.${by.id}`; // e.g. closed by autoclose / by the scenario
    if (has(special)) return t(special);
    if (has(`event.${e.event}`)) return t(`event.${e.event}`, { name: by.name || t('event.someone') });
  }
  return e.preview || e.text || e.service || e.type;
}

/**
 * e: a history entry as the API shows it, or a pending (optimistic) one {pending: true, tempId, ...}.
 * ctx: {dialogId, contactName, onRetry(temp), onDismiss(temp)}
 */
export function renderEntry(e, ctx) {
  const system = e.type === 'event' || e.type === 'membership' || e.direction === 'system' || (e.service && !e.text);
  const attrs = {
    testid: 'entry',
    dataset: { seq: e.seq ?? '', direction: e.direction, type: e.type, status: e.status || '' },
  };
  if (e.pending) attrs.dataset.pending = e.tempId;

  if (system) {
    return h('div', { ...attrs, class: 'entry system' },
      h('span', { class: 'entry-text', testid: 'entry-text' }, systemText(e)),
      h('span', { class: 'time', title: fmtDateTime(e.at) }, fmtTime(e.at)));
  }

  const note = e.type === 'note' || e.direction === 'internal';
  const side = note ? 'internal' : e.direction === 'in' ? 'in' : 'out';
  const kindClass = e.author?.kind === 'scenario' ? ' by-bot' : e.author?.kind === 'operator' ? ' by-operator' : '';
  let text = e.text ?? e.caption ?? null;
  if (text != null && e.format === 'html') text = htmlToText(text);

  const body = [];
  for (const m of e.media || []) body.push(mediaItem(m, e, ctx));
  if (e.pendingFile) {
    body.push(h('div', { class: 'media file', testid: 'entry-media' }, icon('clip'),
      h('span', { class: 'media-name' }, e.pendingFile)));
  }
  if (text != null && text !== '') body.push(h('div', { class: 'entry-text', testid: 'entry-text' }, text));
  if (e.type === 'callback') {
    body.push(h('div', { class: 'entry-text callback', testid: 'entry-text' }, icon('button'), ' ' + t('entry.pressed') + ' ', h('code', {}, e.button || '')));
  }
  if (Array.isArray(e.buttons) && e.buttons.length) body.push(buttonsEl(e.buttons));
  if (e.location) body.push(locationEl(e.location));
  if (e.contact) body.push(contactCardEl(e.contact));
  if (!body.length) body.push(h('div', { class: 'entry-text muted', testid: 'entry-text' }, e.preview || e.service || t('entry.empty')));

  const meta = h('div', { class: 'entry-meta' },
    note ? h('span', { class: 'note-label' }, t('entry.note')) : null,
    h('span', { class: 'author' }, authorLabel(e, ctx)),
    h('span', { class: 'time', title: fmtDateTime(e.at) }, fmtTime(e.at)),
    e.edited ? h('span', { class: 'edited', testid: 'entry-edited', title: e.edited_at ? fmtDateTime(e.edited_at * 1000) : '' }, t('entry.edited')) : null);

  const bubble = h('div', { class: 'bubble' }, meta, body, statusLine(e.status, e.failure));
  if (e.pending && e.status === 'failed') {
    bubble.appendChild(h('div', { class: 'pending-actions' },
      e.retryable ? h('button', { class: 'link', type: 'button', on: { click: () => ctx.onRetry(e) } }, t('entry.retry')) : null,
      h('button', { class: 'link', type: 'button', on: { click: () => ctx.onDismiss(e) } }, t('entry.dismiss'))));
  }
  return h('div', { ...attrs, class: `entry ${side}${kindClass}${e.status === 'failed' ? ' failed' : ''}` }, bubble);
}
