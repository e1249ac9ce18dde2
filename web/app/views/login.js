// The sign-in form. On success the token and the operator are saved (session survives a reload).
import { api, session } from '../api.js';
import { h, select } from '../dom.js';
import { t, getLang, setLang, languages } from '../i18n.js';

export function loginView({ expired, onSignedIn, onLang }) {
  const email = h('input', { type: 'email', testid: 'login-email', autocomplete: 'username', required: true, id: 'login-email' });
  const password = h('input', { type: 'password', testid: 'login-password', autocomplete: 'current-password', required: true, id: 'login-password' });
  const error = h('div', { class: 'form-error', testid: 'login-error', role: 'alert', hidden: !expired },
    expired ? t('login.expired') : '');
  const submit = h('button', { type: 'submit', class: 'btn primary wide', testid: 'login-submit' }, t('login.submit'));
  const lang = select({ testid: 'lang-switch', 'aria-label': t('top.lang'), on: { change: (e) => { setLang(e.target.value); onLang(); } } },
    languages().map((l) => ({ value: l, label: l.toUpperCase() })), getLang());

  const form = h('form', {
    class: 'login-card', on: {
      submit: async (e) => {
        e.preventDefault();
        error.hidden = true;
        submit.disabled = true;
        try {
          const r = await api.login(email.value.trim(), password.value);
          session.save(r.token, r.expires_at, r.operator);
          onSignedIn(r.operator);
        } catch (err) {
          error.textContent = err.status === 401 ? t('login.wrong') : err.status === 0 ? t('error.network') : err.message;
          error.hidden = false;
          submit.disabled = false;
          password.select();
        }
      },
    },
  },
  h('div', { class: 'login-head' }, h('div', { class: 'logo' }, 'tgdesk'), lang),
  h('p', { class: 'muted' }, t('login.intro')),
  h('label', { for: 'login-email' }, t('login.email')), email,
  h('label', { for: 'login-password' }, t('login.password')), password,
  error, submit);
  setTimeout(() => email.focus(), 0);
  return h('div', { class: 'login-page' }, form);
}
