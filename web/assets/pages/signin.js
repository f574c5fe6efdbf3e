/*
 * Page: sign-in ("Iniciar sesión"), shown on any page that needs a session
 * when there is none, with an optional notice (session ended, signed out,
 * support link refused). After signing in, the router shows the page of
 * the address bar.
 */
import { h } from '../core/dom.js';
import { schoolName } from '../core/state.js';
import { api } from '../core/api.js';
import { messageArea, markInvalid, onSubmit, addPasswordToggle } from '../core/forms.js';
import { setView, setSession } from '../core/shell.js';
import { route } from '../core/router.js';

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
      h('p', { class: 'auth__school', text: schoolName() }),
      h('h1', { id: 'signin-title', class: 'auth__title', tabindex: '-1', text: 'Iniciar sesión' }),
      h('p', { class: 'muted', text: 'Ingrese con el correo electrónico y la contraseña de su cuenta en el plantel.' }),
      noticeNode,
      errors,
      form),
    h('p', { class: 'auth__help muted', text: '¿Olvidó su contraseña? Pida a la dirección de su plantel que le asigne una nueva.' })
  ), false);
}
