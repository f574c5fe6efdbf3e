/*
 * Page /clave/TOKEN: the page of a mailed link (an invitation, 7 days, or a
 * password reset, 1 hour; src/auth/links.h). Without a session it asks the
 * server what the link is (GET /api/v1/auth/links/TOKEN), then shows the
 * person's name and email and asks for the password twice; POST
 * /api/v1/auth/links/TOKEN sets it (the link is then used, and every other
 * session and API token of the account ends). The page then signs the
 * person in with the email and the password just chosen and opens their
 * home page.
 *
 * A link that cannot be used gets a page of its own with a title that says
 * why (unknown, expired, already used, replaced by a newer one, account
 * disabled, a link of another school opened here) and the server's Spanish
 * message, which tells what to do next.
 */
import { h } from '../core/dom.js';
import { schoolName } from '../core/state.js';
import { api } from '../core/api.js';
import { messageArea, field, markInvalid, onSubmit, addPasswordToggle } from '../core/forms.js';
import { setView, setSession } from '../core/shell.js';
import { navigate, showSignIn } from '../core/router.js';

const TITLES = {
  link_unknown: 'Este enlace no es válido',
  link_expired: 'Este enlace venció',
  link_used: 'Este enlace ya se usó',
  link_replaced: 'Este enlace fue reemplazado',
  link_disabled: 'Esta cuenta está desactivada',
  link_other_school: 'Este enlace es de otro plantel'
};

function isLinkError(err) { return !!TITLES[err.code]; }

function invalidView(err, moveFocus) {
  setView('Enlace no válido', h('section', { class: 'card narrow' },
    h('p', { class: 'auth__school', text: schoolName() }),
    h('h1', { tabindex: '-1', text: TITLES[err.code] }),
    h('p', { class: 'notice notice--error', role: 'alert', text: err.message }),
    err.code === 'link_other_school' ? null
      : h('p', { class: 'muted', text: 'Si ya tiene contraseña, ingrese con su correo. Si no la recuerda, use «¿Olvidó su contraseña?» en la página de entrada y le llegará un enlace nuevo.' }),
    h('p', null, h('a', { href: '/', 'data-route': '', class: 'btn btn--primary', text: 'Ir a la página de entrada' }))), moveFocus);
}

export async function show(ctx) {
  const token = (ctx.params && ctx.params.token) || '';
  const alive = setView('Elegir contraseña', h('p', { class: 'loading', text: 'Verificando el enlace…' }), false);
  let link;
  try {
    link = await api('GET', '/api/v1/auth/links/' + encodeURIComponent(token), undefined, { allow401: true });
  } catch (err) {
    if (!alive()) return;
    if (isLinkError(err)) { invalidView(err, ctx.moveFocus); return; }
    setView('Elegir contraseña', h('section', { class: 'card narrow' },
      h('h1', { tabindex: '-1', text: 'No se pudo abrir el enlace' }),
      h('p', { class: 'notice notice--error', role: 'alert', text: err.message }),
      h('p', null, h('button', { type: 'button', class: 'btn btn--primary', onclick: () => show(ctx), text: 'Reintentar' }))), ctx.moveFocus);
    return;
  }
  if (!alive()) return;
  passwordForm(link, token, ctx.moveFocus);
}

function passwordForm(link, token, moveFocus) {
  const invitation = link.purpose === 'invitation';
  const min = link.password_min || 10;
  const errors = messageArea('error');
  /* The email as a username field, so the browser offers to save the password with it. */
  const user = h('input', { type: 'email', name: 'username', autocomplete: 'username', value: link.email, readOnly: true, class: 'visually-hidden', tabindex: '-1', 'aria-hidden': 'true' });
  const password = field({ name: 'password', label: invitation ? 'Contraseña' : 'Contraseña nueva', type: 'password', autocomplete: 'new-password', maxlength: '256', hint: 'Al menos ' + min + ' caracteres. Puede ser una frase fácil de recordar para usted.', required: true });
  const again = field({ name: 'again', label: 'Repita la contraseña', type: 'password', autocomplete: 'new-password', maxlength: '256', required: true });
  /* "Mostrar" shows both fields, so the person can compare what they typed. */
  addPasswordToggle(password.input).querySelector('button').addEventListener('click', () => {
    again.input.type = password.input.type;
  });
  const submit = h('button', { type: 'submit', class: 'btn btn--primary btn--block', text: invitation ? 'Guardar contraseña e ingresar' : 'Cambiar contraseña e ingresar' });
  const form = h('form', { class: 'form', novalidate: true },
    errors, user, password.wrap, again.wrap, submit);

  onSubmit(form, {
    submit: submit, busy: 'Guardando…', errors: errors, inputs: { password: password.input },
    required: [password.input, again.input],
    check: () => {
      if (password.input.value.length < min) {
        const msg = 'La contraseña debe tener al menos ' + min + ' caracteres.';
        markInvalid(password.input, true, msg);
        errors.show(msg);
        password.input.focus();
        return false;
      }
      if (password.input.value !== again.input.value) {
        const msg = 'Las dos contraseñas no coinciden. Escríbala de nuevo.';
        markInvalid(again.input, true, msg);
        errors.show(msg);
        again.input.value = '';
        again.input.focus();
        return false;
      }
      return true;
    },
    send: async () => {
      const pw = password.input.value;
      const done = await api('POST', '/api/v1/auth/links/' + encodeURIComponent(token), { password: pw }, { allow401: true });
      history.replaceState(null, '', '/');
      const notice = invitation ? 'Su contraseña quedó guardada. Ingrese con su correo y la contraseña que eligió.'
        : 'Su contraseña cambió. Ingrese con la contraseña nueva.';
      try {
        setSession(await api('POST', '/api/v1/auth/login', { email: done.email || link.email, password: pw }, { allow401: true }));
      } catch (err) {
        /* Saved but not signed in (e.g. too many attempts): the sign-in page says what to do. */
        await showSignIn(notice, 'success');
        return;
      }
      await navigate('/');
    },
    failed: (err) => {
      if (!isLinkError(err)) return false;
      invalidView(err, true);
      return true;
    }
  });

  const where = link.platform ? 'BiScheduler' : ((link.school && link.school.name) || schoolName());
  setView(invitation ? 'Elegir contraseña' : 'Cambiar contraseña', h('section', { class: 'auth' },
    h('div', { class: 'card auth__card' },
      h('p', { class: 'auth__school', text: where }),
      h('h1', { tabindex: '-1', class: 'auth__title', text: invitation ? 'Bienvenido(a), ' + (link.name || link.email) : 'Elija una contraseña nueva' }),
      h('p', { text: invitation
        ? 'Le invitaron a ' + where + ' como ' + link.role_label + '. Elija la contraseña con la que ingresará.'
        : 'Escriba la contraseña nueva de su cuenta. Al guardarla se cierran las sesiones abiertas en otros equipos.' }),
      h('p', { class: 'muted' }, 'Su correo: ', h('strong', { text: link.email })),
      form)), moveFocus);
}
