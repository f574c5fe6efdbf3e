/*
 * Page: sign-in ("Iniciar sesión"), shown on any page that needs a session
 * when there is none, with an optional notice (session ended, signed out,
 * support link refused). After signing in, the router shows the page of
 * the address bar. "¿Olvidó su contraseña?" asks for a reset link by mail.
 */
import { h } from '../core/dom.js';
import { schoolName, state } from '../core/state.js';
import { api } from '../core/api.js';
import { messageArea, field, markInvalid, onSubmit, addPasswordToggle } from '../core/forms.js';
import { setView, setSession } from '../core/shell.js';
import { route } from '../core/router.js';

/* branding: the school's logo and motto above the form. */
function brandingTop() {
  const look = state.look;
  if (!look || (!look.logo_url && !look.motto)) return null;
  return h('div', { class: 'auth__brand' },
    look.logo_url ? h('img', { class: 'auth__logo', src: look.logo_url, alt: '' }) : null,
    look.motto ? h('p', { class: 'auth__motto', text: look.motto }) : null);
}

/* branding: the school's phone and email, when the school shows them. */
function brandingContacts() {
  const look = state.look;
  const show = !state.publicSettings || state.publicSettings.show_contacts_on_signin !== false;
  if (!look || !show || (!look.phone && !look.email)) return null;
  return h('p', { class: 'auth__contacts muted' }, 'Contacto del plantel: ',
    look.phone ? h('a', { href: 'tel:' + look.phone, text: look.phone }) : null,
    look.phone && look.email ? ' · ' : null,
    look.email ? h('a', { href: 'mailto:' + look.email, text: look.email }) : null);
}

export function show(ctx) {
  const notice = ctx.notice;
  const errors = messageArea('error');
  const email = h('input', {
    id: 'login-email', name: 'email', type: 'email', autocomplete: 'username',
    inputmode: 'email', autocapitalize: 'none', spellcheck: 'false', 'aria-required': 'true'
  });
  const password = h('input', {
    id: 'login-password', name: 'password', type: 'password',
    autocomplete: 'current-password', 'aria-required': 'true'
  });
  email.fieldLabel = 'Correo electrónico';
  password.fieldLabel = 'Contraseña';
  const submit = h('button', { type: 'submit', class: 'btn btn--primary btn--block', text: 'Ingresar' });

  const form = h('form', { class: 'form', novalidate: true, 'aria-labelledby': 'signin-title' },
    h('div', { class: 'field' },
      h('label', { for: 'login-email', text: 'Correo electrónico' }), email),
    h('div', { class: 'field' },
      h('label', { for: 'login-password', text: 'Contraseña' }),
      addPasswordToggle(password)),
    submit);

  onSubmit(form, {
    submit: submit, busy: 'Ingresando…', errors: errors, inputs: { email: email, password: password },
    required: [email, password],
    send: async () => {
      const reply = await api('POST', '/api/v1/auth/login',
        { email: email.value.trim(), password: password.value }, { allow401: true });
      setSession(reply);
      await route(true);
    },
    failed: (err) => {
      if (err.status !== 401) return false;
      /* Wrong email or password: the server does not say which. */
      errors.show(err.message);
      markInvalid(password, true);
      password.value = '';
      password.focus();
      return true;
    }
  });

  const noticeNode = notice ? h('div', { class: 'live', role: 'status' },
    h('p', { class: 'notice notice--' + (ctx.tone || 'info'), text: notice })) : null;

  setView('Ingresar', h('section', { class: 'auth' },
    h('div', { class: 'card auth__card' },
      brandingTop(),
      h('p', { class: 'auth__school', text: schoolName() }),
      h('h1', { id: 'signin-title', class: 'auth__title', tabindex: '-1', text: 'Iniciar sesión' }),
      h('p', { class: 'muted', text: 'Ingrese con el correo electrónico y la contraseña de su cuenta en el plantel.' }),
      noticeNode,
      errors,
      form,
      brandingContacts()),
    forgotPassword(email)
  ), false);
}

/*
 * "¿Olvidó su contraseña?": a button that opens a one-field form (the email
 * typed above, if any). POST /api/v1/auth/password-reset answers the same
 * whether or not the email has an account here, and so does this page.
 */
function forgotPassword(signinEmail) {
  const box = h('div', { class: 'card auth__card forgot', hidden: true });
  const open = h('button', { type: 'button', class: 'btn btn--link', 'aria-expanded': 'false', text: '¿Olvidó su contraseña?' });
  const errors = messageArea('error');
  const status = messageArea('status');
  const email = field({ name: 'email', label: 'Correo electrónico de su cuenta', type: 'email', inputmode: 'email', autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false', maxlength: '254', required: true });
  const submit = h('button', { type: 'submit', class: 'btn btn--primary btn--block', text: 'Enviarme un enlace' });
  const form = h('form', { class: 'form', novalidate: true },
    h('h2', { class: 'card__title', text: 'Elegir una contraseña nueva' }),
    h('p', { class: 'muted', text: 'Escriba el correo de su cuenta. Le enviaremos un enlace para elegir una contraseña nueva; vale 1 hora.' }),
    errors, status, email.wrap, submit);
  open.addEventListener('click', () => {
    const show = box.hidden;
    box.hidden = !show;
    open.setAttribute('aria-expanded', show ? 'true' : 'false');
    if (show) {
      if (!email.input.value) email.input.value = signinEmail.value.trim();
      email.input.focus();
    }
  });
  onSubmit(form, {
    submit: submit, busy: 'Enviando…', errors: errors, status: status, inputs: { email: email.input },
    required: [email.input],
    send: async () => {
      const r = await api('POST', '/api/v1/auth/password-reset', { email: email.input.value.trim() }, { allow401: true });
      status.show(r.message);
    }
  });
  box.appendChild(form);
  return h('div', { class: 'auth__help' }, h('p', null, open), box);
}
