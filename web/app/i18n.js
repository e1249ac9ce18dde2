// Two languages, chosen by the operator (lang-switch), remembered in localStorage; the browser's language the
// first time (anything starting with "ru" → Russian).
import en from '../i18n/en.js';
import ru from '../i18n/ru.js';

const DICTS = { en, ru };
const KEY = 'tgdesk.lang';

function initial() {
  const saved = localStorage.getItem(KEY);
  if (saved && DICTS[saved]) return saved;
  return (navigator.language || '').toLowerCase().startsWith('ru') ? 'ru' : 'en';
}

let lang = initial();
document.documentElement.lang = lang;

export const languages = () => Object.keys(DICTS);
export const getLang = () => lang;

export function setLang(l) {
  if (!DICTS[l]) return;
  lang = l;
  localStorage.setItem(KEY, l);
  document.documentElement.lang = l;
}

/** Whether the current language (or English) has this key. */
export const has = (key) => DICTS[lang][key] != null || en[key] != null;

/** t('key', {name: 'Ann'}) → the string with {name} filled in (English, then the key itself, as fallbacks). */
export function t(key, params) {
  let s = DICTS[lang][key] ?? en[key] ?? key;
  if (params) s = s.replace(/\{(\w+)\}/g, (m, p) => (params[p] != null ? String(params[p]) : m));
  return s;
}

const fmtCache = new Map();
function fmt(opts) {
  const k = lang + JSON.stringify(opts);
  if (!fmtCache.has(k)) fmtCache.set(k, new Intl.DateTimeFormat(lang === 'ru' ? 'ru-RU' : 'en-GB', opts));
  return fmtCache.get(k);
}

export const fmtTime = (ms) => fmt({ hour: '2-digit', minute: '2-digit' }).format(ms);
export const fmtDateTime = (ms) => fmt({ day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' }).format(ms);

export function dayKey(ms) {
  const d = new Date(ms);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

/** "Today", "Yesterday" or the date, for day separators. */
export function fmtDay(ms) {
  const now = new Date();
  if (dayKey(ms) === dayKey(now.getTime())) return t('day.today');
  if (dayKey(ms) === dayKey(now.getTime() - 86400000)) return t('day.yesterday');
  const sameYear = new Date(ms).getFullYear() === now.getFullYear();
  return fmt(sameYear ? { weekday: 'short', day: 'numeric', month: 'long' } : { day: 'numeric', month: 'long', year: 'numeric' }).format(ms);
}

/** Short time for list rows: the time today, else the date. */
export function fmtShort(ms) {
  if (!ms) return '';
  if (dayKey(ms) === dayKey(Date.now())) return fmtTime(ms);
  return fmt({ day: 'numeric', month: 'short' }).format(ms);
}
