/*
 * School console, home section "Imagen del plantel": the school's logo
 * (upload with a preview, or removal), its two colours, its motto and the
 * contacts shown to families (PATCH /api/v1/branding, PUT/DELETE
 * /api/v1/branding/logo), and whether the sign-in page shows them (the
 * public setting show_contacts_on_signin, PATCH /api/v1/settings). A saved
 * change shows at once in the header: the shell re-applies the look
 * (core/shell.js applyBranding).
 */
import { h, nowrap, uid } from '../core/dom.js';
import { state } from '../core/state.js';
import { api, ApiError } from '../core/api.js';
import { messageArea, field, onSubmit, setBusy, showApiError } from '../core/forms.js';
import { card } from '../core/ui.js';
import { applyBranding, buttonColor, textOn } from '../core/shell.js';

const MAX_BYTES = 1024 * 1024;

/* PUT of the raw image (api() sends JSON only). */
async function uploadLogo(file) {
  const headers = { 'Accept': 'application/json', 'Content-Type': file.type };
  if (state.csrf) headers['X-CSRF-Token'] = state.csrf;
  let res;
  try {
    res = await fetch('/api/v1/branding/logo', { method: 'PUT', headers: headers, body: file, credentials: 'same-origin', cache: 'no-store' });
  } catch (e) {
    throw new ApiError(0, 'network', 'No se pudo conectar con el servidor. Revise su conexión e intente de nuevo.');
  }
  let data = null;
  try { data = await res.json(); } catch (e) { data = null; }
  if (!res.ok) {
    const e = (data && data.error) || {};
    throw new ApiError(res.status, e.code || 'http_' + res.status,
      e.message || (res.status === 413 ? 'El archivo es demasiado grande: el logo puede pesar hasta 1 MB.' : 'No se pudo subir el logo.'),
      e.field, e.errors);
  }
  return data;
}

function colorField(name, label, hint) {
  const f = field({ name: name, label: label, type: 'color', hint: hint });
  f.input.classList.add('color-input');
  const code = h('span', { class: 'color-code' });
  f.input.addEventListener('input', () => show());
  function show() { code.textContent = f.input.value; }
  const wrap = f.input.parentNode;
  const next = f.input.nextSibling;
  wrap.insertBefore(h('div', { class: 'color-row' }, f.input, code), next);
  f.show = show;
  return f;
}

export function section() {
  /* the logo */
  const logoErrors = messageArea('error');
  const logoStatus = messageArea('status');
  const current = h('img', { class: 'logo-preview__img', alt: 'Logo actual del plantel', hidden: true });
  const none = h('p', { class: 'muted logo-preview__none', text: 'El plantel todavía no tiene logo.' });
  const chosen = h('img', { class: 'logo-preview__img', alt: 'Vista previa del logo elegido', hidden: true });
  const chosenNone = h('p', { class: 'muted logo-preview__none', text: 'Elija una imagen para verla aquí antes de subirla.' });
  const file = field({ name: 'logo', label: 'Elegir una imagen', type: 'file',
    hint: ['PNG o JPEG de hasta 1 MB. Se guarda reducida a ', nowrap('512 × 512'), ' píxeles, sin los datos ocultos del archivo.'] });
  file.input.setAttribute('accept', 'image/png,image/jpeg');
  /* The browser's own file button speaks the browser's language ("Choose
   * File"): it is hidden, and a Spanish button opens it; the chosen file's
   * name shows beside it. */
  file.input.classList.add('visually-hidden');
  file.input.setAttribute('tabindex', '-1');
  const pick = h('button', { type: 'button', class: 'btn btn--secondary', text: 'Elegir imagen…',
    'aria-describedby': file.input.getAttribute('aria-describedby') });
  const fileName = h('span', { class: 'muted file-pick__name', text: 'Ningún archivo elegido.' });
  pick.addEventListener('click', () => file.input.click());
  file.input.parentNode.insertBefore(h('div', { class: 'file-pick' }, pick, fileName), file.input.nextSibling);
  const upload = h('button', { type: 'submit', class: 'btn btn--primary', text: 'Subir logo', disabled: true });
  const remove = h('button', { type: 'button', class: 'btn btn--secondary', text: 'Quitar logo', hidden: true });
  const logoForm = h('form', { class: 'form', novalidate: true },
    logoErrors, logoStatus,
    h('div', { class: 'logo-preview' },
      h('div', { class: 'logo-preview__box' }, h('p', { class: 'logo-preview__label', text: 'Actual' }), current, none),
      h('div', { class: 'logo-preview__box' }, h('p', { class: 'logo-preview__label', text: 'Nuevo' }), chosen, chosenNone)),
    file.wrap,
    h('div', { class: 'form-actions' }, upload, remove));

  function showCurrent(look) {
    const url = look && look.logo_url;
    current.hidden = !url;
    none.hidden = !!url;
    remove.hidden = !url;
    if (url) current.setAttribute('src', url); else current.removeAttribute('src');
  }

  file.input.addEventListener('change', () => {
    logoErrors.clear();
    logoStatus.clear();
    const f = file.input.files && file.input.files[0];
    chosen.hidden = true;
    chosenNone.hidden = false;
    fileName.textContent = f ? f.name : 'Ningún archivo elegido.';
    upload.disabled = !f;
    if (!f) return;
    if (f.type !== 'image/png' && f.type !== 'image/jpeg') {
      logoErrors.show('Elija una imagen PNG o JPEG.');
      upload.disabled = true;
      return;
    }
    if (f.size > MAX_BYTES) {
      logoErrors.show('El archivo es demasiado grande: el logo puede pesar hasta 1 MB.');
      upload.disabled = true;
      return;
    }
    const reader = new FileReader();
    reader.onload = () => { chosen.setAttribute('src', reader.result); chosen.hidden = false; chosenNone.hidden = true; };
    reader.readAsDataURL(f);
  });

  onSubmit(logoForm, {
    submit: upload, busy: 'Subiendo…', errors: logoErrors, status: logoStatus, inputs: { logo: file.input },
    send: async () => {
      const f = file.input.files && file.input.files[0];
      if (!f) { logoErrors.show('Elija una imagen PNG o JPEG.'); return; }
      const look = await uploadLogo(f);
      state.look = look;
      applyBranding();
      showCurrent(look);
      file.input.value = '';
      chosen.hidden = true;
      chosenNone.hidden = false;
      fileName.textContent = 'Ningún archivo elegido.';
      upload.disabled = true;
      logoStatus.show('Logo guardado.');
    }
  });

  remove.addEventListener('click', async () => {
    logoErrors.clear();
    logoStatus.clear();
    setBusy(remove, true, 'Quitando…');
    try {
      const look = await api('DELETE', '/api/v1/branding/logo');
      state.look = look;
      applyBranding();
      showCurrent(look);
      logoStatus.show('Logo quitado.');
    } catch (err) {
      showApiError(err, logoErrors, {});
    } finally {
      setBusy(remove, false);
      remove.hidden = !(state.look && state.look.logo_url);
    }
  });

  /* colours, motto, contacts */
  const errors = messageArea('error');
  const status = messageArea('status');
  const primary = colorField('primary_color', 'Color principal', 'Botones, enlaces y encabezado.');
  const secondary = colorField('secondary_color', 'Color secundario', 'Detalles del encabezado.');
  const sample = h('p', { class: 'brand-sample' },
    h('span', { class: 'brand-sample__button', text: 'Así se ve un botón' }));
  const motto = field({ name: 'motto', label: 'Lema', maxlength: '200', wide: true });
  const phone = field({ name: 'phone', label: 'Teléfono de contacto', type: 'tel', inputmode: 'tel', maxlength: '20',
    hint: ['El que ven las familias. Por ejemplo: ', nowrap('0212-5551234'), '.'] });
  const email = field({ name: 'email', label: 'Correo de contacto', type: 'email', maxlength: '254', autocapitalize: 'none', spellcheck: 'false',
    hint: 'Donde las familias pueden escribir al plantel.' });
  const address = field({ name: 'address', label: 'Dirección en correos y documentos', maxlength: '400', wide: true,
    hint: 'Como aparecerá en los correos y documentos.' });
  /* whether the sign-in page shows the phone and email: a public setting
   * (PATCH /api/v1/settings), kept beside the contacts it is about */
  const showContacts = h('input', { type: 'checkbox', name: 'show_contacts_on_signin', id: uid('sc') });
  const showContactsError = h('p', { class: 'field__error' });
  showContacts.fieldLabel = 'Mostrar el contacto en la página de inicio de sesión';
  showContacts.fieldError = showContactsError;
  const showContactsWrap = h('div', { class: 'field field--wide' },
    h('label', { class: 'days__item', for: showContacts.id }, showContacts,
      ' Mostrar el teléfono y el correo de contacto en la página de inicio de sesión'),
    showContactsError);
  const submit = h('button', { type: 'submit', class: 'btn btn--primary', text: 'Guardar imagen del plantel', disabled: true });
  const form = h('form', { class: 'form', novalidate: true },
    errors, status,
    h('div', { class: 'form-grid' }, primary.wrap, secondary.wrap),
    sample,
    h('div', { class: 'form-grid' }, motto.wrap, phone.wrap, email.wrap, address.wrap, showContactsWrap),
    h('div', { class: 'form-actions' }, submit));
  const inputs = { primary_color: primary.input, secondary_color: secondary.input, motto: motto.input,
    phone: phone.input, email: email.input, address: address.input };

  /* The sample button in the chosen colour as buttons will wear it
   * (darkened if white text would not read on it), set through the CSSOM,
   * which the CSP allows, not a style attribute. */
  function preview() {
    const b = sample.firstChild;
    b.style.setProperty('--sample-bg', buttonColor(primary.input.value));
    b.style.setProperty('--sample-fg', textOn(primary.input.value));
  }
  primary.input.addEventListener('input', preview);

  function fill(look) {
    primary.input.value = look.primary_color;
    secondary.input.value = look.secondary_color;
    primary.show();
    secondary.show();
    motto.input.value = look.motto || '';
    phone.input.value = look.phone || '';
    email.input.value = look.email || '';
    address.input.value = look.address || '';
    showContacts.checked = !state.publicSettings || state.publicSettings.show_contacts_on_signin !== false;
    preview();
    showCurrent(look);
  }

  onSubmit(form, {
    submit: submit, busy: 'Guardando…', errors: errors, status: status,
    inputs: Object.assign({ show_contacts_on_signin: showContacts }, inputs),
    send: async () => {
      const body = {};
      Object.keys(inputs).forEach((k) => { body[k] = inputs[k].value.trim(); });
      const look = await api('PATCH', '/api/v1/branding', body);
      const shown = !state.publicSettings || state.publicSettings.show_contacts_on_signin !== false;
      if (showContacts.checked !== shown) {
        const s = await api('PATCH', '/api/v1/settings', { show_contacts_on_signin: showContacts.checked });
        state.publicSettings = Object.assign({}, state.publicSettings, { show_contacts_on_signin: s.show_contacts_on_signin });
      }
      state.look = look;
      applyBranding();
      fill(look);
      status.show('Cambios guardados.');
    }
  });

  function load() {
    const look = state.look;
    if (look) {
      fill(look);
      submit.disabled = false;
    }
  }

  return {
    node: card('Imagen del plantel', 'El logo, los colores y los datos de contacto que ven las familias y el personal en esta página, en los correos y en los documentos.',
      [h('h3', { class: 'card__subtitle', text: 'Logo' }), logoForm,
        h('h3', { class: 'card__subtitle', text: 'Colores, lema y contacto' }), form], 'card--wide'),
    load: load
  };
}
