// Safe DOM building. Every piece of data ends up in the page through textContent or setAttribute, never as
// markup: h() has no way to inject HTML, refuses inline event-handler attributes ("on…") and only lets
// safe URL schemes into href/src. Views build everything with it.

const SAFE_URL = /^(https?:|blob:|mailto:|tg:|#)/i;

/**
 * h('div', {class: 'x', testid: 'row', dataset: {dialogId: id}, on: {click: fn}}, 'text', child, [more])
 * props: class, testid, text, dataset, on, style-less; value/checked/disabled/hidden/selected/multiple are set
 * as properties; anything else is an attribute.
 */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  if (props) {
    for (const [k, v] of Object.entries(props)) {
      if (v == null || v === false) continue;
      switch (k) {
        case 'class': el.className = v; break;
        case 'testid': el.setAttribute('data-testid', v); break;
        case 'text': el.textContent = String(v); break;
        case 'dataset': for (const [dk, dv] of Object.entries(v)) if (dv != null) el.dataset[dk] = String(dv); break;
        case 'on': for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn); break;
        case 'value': case 'checked': case 'disabled': case 'hidden': case 'selected': case 'multiple':
          el[k] = v; break;
        default:
          if (/^on/i.test(k) || k === 'style' || k === 'srcdoc') throw new Error('h(): attribute not allowed: ' + k);
          if ((k === 'href' || k === 'src') && !SAFE_URL.test(String(v))) continue;
          el.setAttribute(k, v === true ? '' : String(v));
      }
    }
  }
  append(el, children);
  return el;
}

/** Appends strings (as text nodes), nodes and nested arrays; skips null/undefined/false. */
export function append(el, children) {
  for (const c of children) {
    if (c == null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
  return el;
}

/** A <select> with options [{value, label, group?}] (groups become <optgroup>s), value preselected. */
export function select(props, options, value) {
  const el = h('select', props);
  const groups = new Map();
  for (const o of options) {
    const opt = h('option', { value: o.value }, o.label);
    if (o.group) {
      if (!groups.has(o.group)) { const g = h('optgroup', { label: o.group }); groups.set(o.group, g); el.appendChild(g); }
      groups.get(o.group).appendChild(opt);
    } else el.appendChild(opt);
  }
  if (value != null) el.value = value;
  return el;
}

/** A decorative icon (styles.css .i-<name>): CSS-masked SVG, so it renders the same everywhere, offline. */
export function icon(name, cls = '') {
  return h('span', { class: `i i-${name} ${cls}`.trim(), 'aria-hidden': 'true' });
}

/** Debounce: fn runs once, ms after the last call. */
export function debounce(fn, ms) {
  let t = null;
  const d = (...args) => { clearTimeout(t); t = setTimeout(() => fn(...args), ms); };
  d.cancel = () => clearTimeout(t);
  return d;
}

/** A random id for client_id (crypto.randomUUID needs a secure context; 127.0.0.1 is one, but be safe). */
export function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
  const x = [...b].map((v) => v.toString(16).padStart(2, '0')).join('');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** Outgoing text in "html" format shown as plain text: tags dropped, the few entities Telegram uses decoded. */
export function htmlToText(s) {
  return String(s).replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

export function formatSize(n) {
  if (n == null) return '';
  if (n < 1024) return n + ' B';
  if (n < 1024 * 1024) return (n / 1024).toFixed(n < 10240 ? 1 : 0) + ' KB';
  return (n / 1024 / 1024).toFixed(1) + ' MB';
}
