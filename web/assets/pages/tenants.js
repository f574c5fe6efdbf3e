/*
 * Platform console, home section "Planteles de la red": the schools of the
 * network with their status and address, suspending and activating one,
 * and the form that registers a school with its first administrator (who
 * receives a set-password link by mail, on the new school's address).
 * "Invitar director(a)" invites another administrator to any school, the
 * main one included, the same way. Other sections may listen to the
 * list as it loads (onList), as the support section does for its choices.
 */
import { h } from '../core/dom.js';
import { state, schoolUrl } from '../core/state.js';
import { api } from '../core/api.js';
import { messageArea, field, onSubmit, setBusy } from '../core/forms.js';
import { card, dataTable, tableOf, tableLoader } from '../core/ui.js';

export const STATUS_LABELS = {
  active: 'Activo',
  suspended: 'Suspendido',
  inactive: 'Inactivo'
};

export function section() {
  const status = messageArea('status');
  const errors = messageArea('error');
  const wrap = dataTable('Planteles de la red', [
    { label: 'Código' }, { label: 'Nombre' }, { label: 'Estado' }, { label: 'Dirección web' }, { label: 'Acciones', class: 'cell-actions' }
  ]);
  const listeners = [];

  const code = field({ name: 'code', label: 'Código', hint: 'Minúsculas, números y guiones (2 a 40). Forma la dirección web del plantel.', autocapitalize: 'none', spellcheck: 'false', maxlength: '40', required: true });
  const name = field({ name: 'name', label: 'Nombre del plantel', hint: 'Por ejemplo: Unidad Educativa Los Próceres.', maxlength: '200', required: true });
  const adminName = field({ name: 'admin_name', label: 'Nombre del director(a)', hint: 'Su primer administrador(a): nombre y apellido.', autocomplete: 'off', maxlength: '200', required: true });
  const adminEmail = field({ name: 'admin_email', label: 'Correo del director(a)', hint: 'Recibirá un enlace para elegir su contraseña.', type: 'email', inputmode: 'email', autocapitalize: 'none', spellcheck: 'false', maxlength: '254', required: true });
  const inputs = { code: code.input, name: name.input, admin_name: adminName.input, admin_email: adminEmail.input };
  const submit = h('button', { type: 'submit', class: 'btn btn--primary', text: 'Crear plantel' });
  const formErrors = messageArea('error');
  const form = h('form', { class: 'form', novalidate: true },
    h('h3', { class: 'card__subtitle', text: 'Registrar un plantel' }),
    formErrors,
    h('div', { class: 'form-grid' }, code.wrap, name.wrap, adminName.wrap, adminEmail.wrap),
    h('div', { class: 'form-actions' }, submit));

  onSubmit(form, {
    submit: submit, busy: 'Creando…', errors: formErrors, status: status, inputs: inputs,
    required: [code.input, name.input, adminName.input, adminEmail.input],
    send: async () => {
      const t = await api('POST', '/api/v1/platform/tenants', {
        code: code.input.value.trim().toLowerCase(), name: name.input.value.trim(),
        admin_name: adminName.input.value.trim(), admin_email: adminEmail.input.value.trim()
      });
      [code, name, adminName, adminEmail].forEach((f) => { f.input.value = ''; });
      if (t.admin) {
        status.show('Se creó el plantel «' + t.name + '» (' + t.code + '). ' + t.admin.name + ' recibirá por correo, en ' +
          t.admin.email + ', un enlace para elegir su contraseña e ingresar.');
      } else {
        status.show('Se creó el plantel «' + t.name + '» (' + t.code + '). ' + (t.admin_error || ''), 'error');
      }
      await list.reload();
    }
  });

  /* "Invitar director(a)": another administrator for a school of the list. */
  const invited = { code: null, name: '' };
  const directorTitle = h('h3', { class: 'card__subtitle', tabindex: '-1' });
  const directorName = field({ name: 'admin_name', label: 'Nombre completo', hint: 'Nombre y apellido.', autocomplete: 'off', maxlength: '200', required: true });
  const directorEmail = field({ name: 'admin_email', label: 'Correo electrónico', hint: 'Recibirá un enlace para elegir su contraseña, válido por 7 días.', type: 'email', inputmode: 'email', autocapitalize: 'none', spellcheck: 'false', maxlength: '254', required: true });
  const directorSubmit = h('button', { type: 'submit', class: 'btn btn--primary', text: 'Invitar' });
  const directorCancel = h('button', { type: 'button', class: 'btn btn--secondary', text: 'Cancelar' });
  const directorErrors = messageArea('error');
  const directorForm = h('form', { class: 'form', novalidate: true, hidden: true },
    directorTitle, directorErrors,
    h('div', { class: 'form-grid' }, directorName.wrap, directorEmail.wrap),
    h('div', { class: 'form-actions' }, directorSubmit, directorCancel));
  directorCancel.addEventListener('click', () => { directorForm.hidden = true; });

  function openDirectorForm(t) {
    invited.code = t.code;
    invited.name = t.name;
    directorTitle.textContent = 'Invitar director(a) a «' + t.name + '»';
    directorErrors.clear();
    directorName.input.value = '';
    directorEmail.input.value = '';
    directorForm.hidden = false;
    directorName.input.focus();
  }

  onSubmit(directorForm, {
    submit: directorSubmit, busy: 'Enviando…', errors: directorErrors, status: status,
    inputs: { admin_name: directorName.input, admin_email: directorEmail.input },
    required: [directorName.input, directorEmail.input],
    send: async () => {
      const a = await api('POST', '/api/v1/platform/tenants/' + encodeURIComponent(invited.code) + '/admins',
        { admin_name: directorName.input.value.trim(), admin_email: directorEmail.input.value.trim() });
      directorForm.hidden = true;
      status.show('Se invitó a ' + a.name + ' como director(a) de «' + invited.name + '»: recibirá por correo, en ' +
        a.email + ', un enlace para elegir su contraseña.');
    }
  });

  async function changeStatus(t, action, button) {
    const verb = action === 'suspend' ? 'suspender' : 'activar';
    if (action === 'suspend' &&
        !window.confirm('¿Suspender el plantel «' + t.name + '»? Sus usuarios no podrán ingresar hasta que lo active de nuevo.')) return;
    errors.clear();
    status.clear();
    setBusy(button, true, action === 'suspend' ? 'Suspendiendo…' : 'Activando…');
    try {
      const updated = await api('POST', '/api/v1/platform/tenants/' + encodeURIComponent(t.code) + '/' + action);
      status.show('El plantel «' + updated.name + '» quedó ' + (STATUS_LABELS[updated.status] || updated.status).toLowerCase() + '.');
      await list.reload();
    } catch (err) {
      setBusy(button, false);
      if (!err.handled) errors.show('No se pudo ' + verb + ' el plantel: ' + err.message);
    }
  }

  function hostLink(host) {
    if (!host) return '';
    return h('a', { href: schoolUrl(host), class: 'host-link', text: host });
  }

  function row(t) {
    const invite = h('button', { type: 'button', class: 'btn btn--small btn--secondary', 'aria-label': 'Invitar director(a) a ' + t.name, text: 'Invitar director(a)' });
    invite.addEventListener('click', () => openDirectorForm(t));
    let actions;
    if (t.code !== (state.branding && state.branding.code)) {
      const action = t.status === 'active' ? 'suspend' : 'activate';
      const button = h('button', {
        type: 'button',
        class: 'btn btn--small ' + (action === 'suspend' ? 'btn--danger-ghost' : 'btn--secondary'),
        'aria-label': (action === 'suspend' ? 'Suspender ' : 'Activar ') + t.name,
        text: action === 'suspend' ? 'Suspender' : 'Activar'
      });
      button.addEventListener('click', () => changeStatus(t, action, button));
      actions = button;
    } else {
      actions = h('span', { class: 'muted', text: 'Plantel principal' });
    }
    return [
      h('code', { text: t.code }),
      t.name,
      h('span', { class: 'badge badge--' + t.status, text: STATUS_LABELS[t.status] || t.status }),
      hostLink(t.host),
      h('div', { class: 'row-actions' }, invite, actions)
    ];
  }

  const list = tableLoader(wrap, errors, {
    path: () => '/api/v1/platform/tenants',
    row: row,
    onItems: (items) => listeners.forEach((fn) => fn(items)),
    empty: 'Todavía no hay planteles registrados.',
    failed: 'No se pudo cargar la lista de planteles.'
  });

  tableOf(wrap).setMessage('Cargando planteles…');
  return {
    onList: (fn) => { listeners.push(fn); },
    node: card('Planteles de la red', 'Los planteles que usan BiScheduler. Los usuarios de un plantel suspendido no pueden ingresar hasta que se active de nuevo.',
      [errors, status, wrap, directorForm, form], 'card--wide'),
    load: list.load
  };
}
