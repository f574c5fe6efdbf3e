/*
 * Platform console, home section "Planteles de la red": the schools of the
 * network with their status and address, suspending and activating one,
 * and the form that registers a school. Other sections may listen to the
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
  const inputs = { code: code.input, name: name.input };
  const submit = h('button', { type: 'submit', class: 'btn btn--primary', text: 'Crear plantel' });
  const formErrors = messageArea('error');
  const form = h('form', { class: 'form', novalidate: true },
    h('h3', { class: 'card__subtitle', text: 'Registrar un plantel' }),
    formErrors,
    h('div', { class: 'form-grid' }, code.wrap, name.wrap),
    h('div', { class: 'form-actions' }, submit));

  onSubmit(form, {
    submit: submit, busy: 'Creando…', errors: formErrors, status: status, inputs: inputs,
    required: [code.input, name.input],
    send: async () => {
      const t = await api('POST', '/api/v1/platform/tenants',
        { code: code.input.value.trim().toLowerCase(), name: name.input.value.trim() });
      code.input.value = '';
      name.input.value = '';
      status.show('Se creó el plantel «' + t.name + '» (' + t.code + ').');
      await list.reload();
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
      actions
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
      [errors, status, wrap, form], 'card--wide'),
    load: list.load
  };
}
