/*
 * Page /invitacion#TOKEN on the master host (the link of the invitation
 * mail): the contact of an invited school registers it without a session.
 * Only the name, code and state of the school and its first administrator
 * are required (marked); RIF, código DEA, municipality, phone and address
 * are grouped as "puede completarse después". The code is suggested from
 * the name as it is typed and its availability checked live (debounced,
 * through /api/v1/invitations/TOKEN/code); on sending, every invalid field
 * the server names is marked at once.
 * The token leaves the address bar at once, like a support link's; this tab
 * keeps it in sessionStorage so a reload does not lose the form's link.
 * The platform admin's side (creating the link) is invitations.js.
 */
import { h, uid } from '../core/dom.js';
import { formatInstant, baseDomain, schoolUrl } from '../core/state.js';
import { api } from '../core/api.js';
import { messageArea, field, markInvalid, onSubmit, addPasswordToggle } from '../core/forms.js';
import { setView } from '../core/shell.js';
import { profileFields, PROFILE_KEYS } from '../shared/school-profile.js';

const INVITATION_KEY = 'bis-invitation';
let invitationToken = null;

function takeInvitationToken() {
  const token = location.hash.replace(/^#/, '');
  if (location.hash) history.replaceState(null, '', location.pathname);
  if (token) {
    invitationToken = token;
    try { sessionStorage.setItem(INVITATION_KEY, token); } catch (e) { /* storage off: memory only */ }
  } else if (!invitationToken) {
    try { invitationToken = sessionStorage.getItem(INVITATION_KEY); } catch (e) { invitationToken = null; }
  }
}

function forgetInvitationToken() {
  invitationToken = null;
  try { sessionStorage.removeItem(INVITATION_KEY); } catch (e) { /* nothing stored */ }
}

function invitationInvalid(message, moveFocus) {
  setView('Invitación no válida', h('section', { class: 'card narrow' },
    h('p', { class: 'auth__school', text: 'Invitación a BiScheduler' }),
    h('h1', { tabindex: '-1', text: 'Esta invitación ya no es válida' }),
    h('p', { class: 'notice notice--error', role: 'alert', text: message }),
    h('p', { text: 'Cada invitación sirve una sola vez y vence a los 30 días. Si su plantel ya quedó registrado, ingrese desde su dirección web; si no, pida una nueva invitación a quien le envió esta.' }),
    h('p', null, h('a', { href: '/', 'data-route': '', class: 'btn btn--secondary', text: 'Ir a la página de inicio' }))), moveFocus);
}

export async function show(ctx) {
  takeInvitationToken();
  const moveFocus = ctx.moveFocus;
  const token = invitationToken;
  if (!token) {
    invitationInvalid('El enlace está incompleto: le falta el código de la invitación. Ábralo tal como lo recibió.', moveFocus);
    return;
  }
  const alive = setView('Invitación', h('p', { class: 'loading', text: 'Verificando la invitación…' }), false);
  try {
    const inv = await api('GET', '/api/v1/invitations/' + encodeURIComponent(token), undefined, { allow401: true });
    if (!alive()) return;
    invitationForm(inv, token, moveFocus);
  } catch (err) {
    if (!alive()) return;
    if (err.status === 404) {
      forgetInvitationToken();
      invitationInvalid(err.message, moveFocus);
      return;
    }
    setView('Invitación', h('section', { class: 'card narrow' },
      h('h1', { tabindex: '-1', text: 'No se pudo abrir la invitación' }),
      h('p', { class: 'notice notice--error', role: 'alert', text: err.message }),
      h('p', null, h('button', { type: 'button', class: 'btn btn--primary', onclick: () => show({ moveFocus: true, current: ctx.current }), text: 'Reintentar' }))), moveFocus);
  }
}

/* Marks a field as required: its wrap shows it, its input says it. */
function required(f) {
  f.input.setAttribute('aria-required', 'true');
  f.wrap.classList.add('field--required');
  /* Beside the label, not in it: the field's name stays its label. */
  const label = f.wrap.querySelector('label');
  const row = h('div', { class: 'field__labelrow' });
  label.replaceWith(row);
  row.append(label, h('span', { class: 'field__req', 'aria-hidden': 'true', text: 'obligatorio' }));
  return f;
}

/* Calls fn after `ms` of quiet; each call restarts the wait. */
function debounce(fn, ms) {
  let timer = null;
  return function () {
    clearTimeout(timer);
    timer = setTimeout(fn, ms);
  };
}

function invitationForm(inv, token, moveFocus) {
  const errors = messageArea('error');
  const titleId = uid('t');
  const base = baseDomain();
  const codePath = '/api/v1/invitations/' + encodeURIComponent(token) + '/code';
  const preview = h('strong', { class: 'host-preview' });
  const name = required(field({ name: 'name', label: 'Nombre del plantel', maxlength: '200', value: inv.school_name, wide: true }));
  const code = required(field({
    name: 'code', label: 'Código del plantel', autocapitalize: 'none', spellcheck: 'false', maxlength: '40', wide: true,
    hint: ['Se sugiere a partir del nombre; puede cambiarlo. Minúsculas, números y guiones (2 a 40). Forma la dirección web del plantel: ', preview]
  }));
  const availability = h('p', { class: 'field__status', role: 'status', 'aria-live': 'polite' });
  code.input.insertAdjacentElement('afterend', availability);
  const profile = profileFields('Elija un estado');
  required(profile.state);
  const adminName = required(field({ name: 'admin_name', label: 'Nombre completo', hint: 'Nombre y apellido.', autocomplete: 'name', maxlength: '200' }));
  const adminEmail = required(field({ name: 'admin_email', label: 'Correo electrónico', type: 'email', inputmode: 'email', autocomplete: 'email', autocapitalize: 'none', spellcheck: 'false', maxlength: '254', value: inv.contact_email, hint: 'Con él ingresará al sistema del plantel.' }));
  const adminPassword = required(field({ name: 'admin_password', label: 'Contraseña', type: 'password', autocomplete: 'new-password', hint: 'Al menos 10 caracteres. Nadie más la conocerá: guárdela en un lugar seguro.', maxlength: '256' }));
  addPasswordToggle(adminPassword.input);
  const submit = h('button', { type: 'submit', class: 'btn btn--primary', text: 'Registrar plantel' });
  const LATER_KEYS = PROFILE_KEYS.filter((k) => k !== 'state');

  function updatePreview() {
    const c = code.input.value.trim().toLowerCase();
    preview.textContent = 'bischeduler-' + (c || 'código') + '.' + base + (location.port ? ':' + location.port : '');
  }

  /* Live availability of the code, as it is typed (debounced); the
   * answer of an older request never replaces a newer one. While the form
   * is being sent, and once it is accepted, nothing is asked any more (the
   * link is used up then: a late check would only find it gone). */
  let sending = false;
  let checkSeq = 0;
  async function checkCode() {
    if (sending) return;
    const c = code.input.value.trim().toLowerCase();
    const seq = ++checkSeq;
    if (!c) { availability.textContent = ''; availability.className = 'field__status'; return; }
    try {
      const r = await api('GET', codePath + '?code=' + encodeURIComponent(c), undefined, { allow401: true });
      if (seq !== checkSeq) return;
      availability.textContent = r.available ? 'Disponible: ' + preview.textContent : r.message;
      availability.className = 'field__status ' + (r.available ? 'field__status--ok' : 'field__status--bad');
      markInvalid(code.input, !r.available);
    } catch (err) {
      if (seq === checkSeq) { availability.textContent = ''; availability.className = 'field__status'; }
    }
  }
  const checkSoon = debounce(checkCode, 350);

  /* The code follows the name until the person writes a code of their own. */
  let codeTyped = false;
  let suggestSeq = 0;
  async function suggestCode() {
    const n = name.input.value.trim();
    if (codeTyped || !n || sending) return;
    const seq = ++suggestSeq;
    try {
      const r = await api('GET', codePath + '?name=' + encodeURIComponent(n), undefined, { allow401: true });
      if (seq !== suggestSeq || codeTyped || !r.suggestion) return;
      code.input.value = r.suggestion;
      updatePreview();
      checkCode();
    } catch (err) { /* the person can type a code */ }
  }
  const suggestSoon = debounce(suggestCode, 300);
  code.input.addEventListener('input', () => {
    codeTyped = code.input.value.trim() !== '';
    updatePreview();
    checkSoon();
  });
  name.input.addEventListener('input', suggestSoon);
  updatePreview();
  suggestCode();

  const inputs = { code: code.input, name: name.input, admin_name: adminName.input, admin_email: adminEmail.input, admin_password: adminPassword.input };
  PROFILE_KEYS.forEach((k) => { inputs[k] = profile[k].input; });

  const form = h('form', { class: 'form', novalidate: true, 'aria-labelledby': titleId },
    errors,
    h('fieldset', { class: 'fieldset' },
      h('legend', { class: 'fieldset__legend', text: 'Datos del plantel' }),
      h('div', { class: 'form-grid' }, name.wrap, code.wrap, profile.state.wrap)),
    h('fieldset', { class: 'fieldset' },
      h('legend', { class: 'fieldset__legend', text: 'Primer administrador(a) del plantel' }),
      h('p', { class: 'muted', text: 'La persona que dirigirá el plantel en BiScheduler: podrá agregar al resto del personal.' }),
      h('div', { class: 'form-grid' }, adminName.wrap, adminEmail.wrap, adminPassword.wrap)),
    h('fieldset', { class: 'fieldset fieldset--later' },
      h('legend', { class: 'fieldset__legend', text: 'Puede completarse después' }),
      h('p', { class: 'muted', text: 'Si no tiene estos datos a mano, déjelos en blanco: podrá completarlos luego en la configuración del plantel.' }),
      h('div', { class: 'form-grid' }, LATER_KEYS.map((k) => profile[k].wrap))),
    h('div', { class: 'form-actions' }, submit));

  /* No check in the browser: the server names every invalid field at once
   * (required ones left empty included), and the form marks them all. */
  onSubmit(form, {
    submit: submit, busy: 'Registrando…', errors: errors, inputs: inputs,
    send: async () => {
      sending = true;
      checkSeq++; suggestSeq++; /* answers still on their way are dropped */
      const body = {
        code: code.input.value.trim().toLowerCase(),
        name: name.input.value.trim(),
        admin_name: adminName.input.value.trim(),
        admin_email: adminEmail.input.value.trim(),
        admin_password: adminPassword.input.value
      };
      PROFILE_KEYS.forEach((k) => { body[k] = profile[k].input.value.trim(); });
      let reply;
      try {
        reply = await api('POST', '/api/v1/invitations/' + encodeURIComponent(token) + '/accept', body, { allow401: true });
      } catch (err) {
        sending = false;
        throw err;
      }
      forgetInvitationToken();
      const later = LATER_KEYS.filter((k) => !body[k]).map((k) => profile[k].wrap.querySelector('label').textContent.trim());
      invitationDone(reply, later);
    },
    failed: (err) => {
      if (err.status !== 404) return false;
      /* Used, revoked or expired meanwhile: the form no longer applies. */
      forgetInvitationToken();
      invitationInvalid(err.message, true);
      return true;
    }
  });

  setView('Invitación', h('section', { class: 'card invite' },
    h('p', { class: 'auth__school', text: 'Invitación a BiScheduler' }),
    h('h1', { id: titleId, tabindex: '-1', text: inv.school_name }),
    h('p', { text: 'Le invitaron a registrar su plantel en BiScheduler. Complete los datos marcados como obligatorios: al terminar, el plantel tendrá su propia dirección web.' }),
    h('p', { class: 'muted invite__meta', text: 'Invitación para ' + inv.contact_email + '. Sirve una sola vez y vence el ' + (inv.expires_on || formatInstant(inv.expires_at)) + '.' }),
    form), moveFocus);
}

/* `later`: the labels of the optional fields left blank, to complete in the settings. */
function invitationDone(reply, later) {
  const school = reply.school || {};
  const url = schoolUrl(school.host || '');
  setView('Plantel registrado', h('section', { class: 'card narrow' },
    h('p', { class: 'auth__school', text: 'Invitación aceptada' }),
    h('h1', { tabindex: '-1', text: school.name + ' ya está en BiScheduler' }),
    h('div', { class: 'live', role: 'status' },
      h('p', { class: 'notice notice--success', text: 'Se registró el plantel y su primer administrador(a), ' + reply.admin_email + '.' })),
    h('p', { text: 'Esta es la dirección web del plantel. Guárdela en los favoritos de su navegador: desde allí ingresarán usted y su personal.' }),
    h('p', { class: 'address-box' }, h('a', { href: url, class: 'host-link', text: url })),
    h('p', { text: 'Ingrese con el correo ' + reply.admin_email + ' y la contraseña que acaba de elegir.' }),
    later && later.length
      ? h('p', { class: 'muted', text: 'Quedaron por completar: ' + later.join(', ') + '. Puede hacerlo cuando quiera desde la configuración del plantel.' })
      : null,
    h('p', null, h('a', { href: url, class: 'btn btn--primary', text: 'Ir a ' + school.name + ' e ingresar' }))), true);
}
