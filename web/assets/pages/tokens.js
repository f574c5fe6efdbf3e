/*
 * Home section "Avanzado: acceso para programas", for the admins only (not
 * a support session): the user's API tokens, called here "claves de acceso
 * para programas" (created, last used), creating one (shown once, to copy)
 * and revoking one. Folded (<details>) until opened: most people never
 * need it. The API itself still lets any signed-in user hold tokens with
 * their own permissions (docs/API.md, /api/v1/auth/tokens).
 */
import { h, uid } from '../core/dom.js';
import { formatInstant } from '../core/state.js';
import { api } from '../core/api.js';
import { messageArea, field, onSubmit, setBusy, revealOnce } from '../core/forms.js';
import { dataTable, tableOf, tableLoader } from '../core/ui.js';

export function section() {
  const errors = messageArea('error');
  const status = messageArea('status');
  const wrap = dataTable('Claves de acceso para programas', [{ label: 'Nombre' }, { label: 'Creada' }, { label: 'Último uso' }, { label: 'Acciones', class: 'cell-actions' }]);
  const reveal = h('div', { class: 'token-reveal', hidden: true });

  const name = field({ name: 'name', label: 'Nombre de la clave', hint: 'Para recordar dónde se usa. Por ejemplo: Respaldo nocturno.', maxlength: '100', required: true });
  const submit = h('button', { type: 'submit', class: 'btn btn--primary', text: 'Crear clave' });
  const formErrors = messageArea('error');
  const form = h('form', { class: 'form form--inline', novalidate: true },
    formErrors,
    h('div', { class: 'form-row' }, name.wrap, h('div', { class: 'form-actions' }, submit)));

  function showToken(t) {
    revealOnce(reveal, {
      value: t.token,
      title: [h('strong', { text: 'Clave «' + t.name + '» creada. ' }),
        'Cópiela ahora y guárdela en un lugar seguro: no se volverá a mostrar.'],
      label: 'Clave «' + t.name + '»',
      hideText: 'Ya la guardé',
      done: () => name.input.focus()
    });
  }

  onSubmit(form, {
    submit: submit, busy: 'Creando…', errors: formErrors, status: status, inputs: { name: name.input },
    required: [name.input],
    send: async () => {
      const t = await api('POST', '/api/v1/auth/tokens', { name: name.input.value.trim() });
      name.input.value = '';
      await list.reload();
      showToken(t);
    }
  });

  async function revoke(t, button) {
    if (!window.confirm('¿Revocar la clave «' + t.name + '»? Los programas que la usen dejarán de tener acceso.')) return;
    errors.clear();
    status.clear();
    setBusy(button, true, 'Revocando…');
    try {
      await api('DELETE', '/api/v1/auth/tokens/' + encodeURIComponent(t.id));
      status.show('Se revocó la clave «' + t.name + '».');
      await list.reload();
    } catch (err) {
      setBusy(button, false);
      if (!err.handled) errors.show('No se pudo revocar la clave: ' + err.message);
    }
  }

  const list = tableLoader(wrap, errors, {
    path: () => '/api/v1/auth/tokens',
    row: (t) => {
      const button = h('button', { type: 'button', class: 'btn btn--small btn--danger-ghost', 'aria-label': 'Revocar la clave ' + t.name, text: 'Revocar' });
      button.addEventListener('click', () => revoke(t, button));
      return [t.name, formatInstant(t.created_at), t.last_used_at ? formatInstant(t.last_used_at) : 'Nunca', button];
    },
    empty: 'No tiene claves de acceso para programas.',
    failed: 'No se pudo cargar la lista de claves.'
  });

  const titleId = uid('t');
  let loaded = false;
  let aliveRef = () => true;
  const details = h('details', { class: 'card card--wide advanced', 'aria-labelledby': titleId },
    h('summary', null,
      h('span', { id: titleId, class: 'advanced__title', text: 'Avanzado: acceso para programas' }),
      h('span', { class: 'muted', text: 'Solo si el personal de informática lo necesita.' })),
    h('p', { class: 'card__intro muted', text: 'Una clave de acceso permite que un programa del personal de informática use BiScheduler con su cuenta y sus permisos. Trátela como una contraseña y revóquela cuando ya no la necesite.' }),
    errors, status, reveal, wrap, form);
  /* The list loads the first time the section is opened. */
  details.addEventListener('toggle', () => {
    if (details.open && !loaded) { loaded = true; tableOf(wrap).setMessage('Cargando…'); list.load(aliveRef); }
  });
  return {
    node: details,
    load(alive) { aliveRef = alive; }
  };
}
