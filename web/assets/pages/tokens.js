/*
 * Home section "Tokens de API", for every user but a support session: the
 * user's API tokens (created, last used), creating one (shown once, to
 * copy) and revoking one.
 */
import { h } from '../core/dom.js';
import { formatInstant } from '../core/state.js';
import { api } from '../core/api.js';
import { messageArea, field, onSubmit, setBusy, revealOnce } from '../core/forms.js';
import { card, dataTable, tableOf, tableLoader } from '../core/ui.js';

export function section() {
  const errors = messageArea('error');
  const status = messageArea('status');
  const wrap = dataTable('Tokens de API', [{ label: 'Nombre' }, { label: 'Creado' }, { label: 'Último uso' }, { label: 'Acciones', class: 'cell-actions' }]);
  const reveal = h('div', { class: 'token-reveal', hidden: true });

  const name = field({ name: 'name', label: 'Nombre del token', hint: 'Para recordar dónde lo usa. Por ejemplo: Respaldo nocturno.', maxlength: '100', required: true });
  const submit = h('button', { type: 'submit', class: 'btn btn--primary', text: 'Crear token' });
  const formErrors = messageArea('error');
  const form = h('form', { class: 'form form--inline', novalidate: true },
    formErrors,
    h('div', { class: 'form-row' }, name.wrap, h('div', { class: 'form-actions' }, submit)));

  function showToken(t) {
    revealOnce(reveal, {
      value: t.token,
      title: [h('strong', { text: 'Token «' + t.name + '» creado. ' }),
        'Cópielo ahora y guárdelo en un lugar seguro: no se volverá a mostrar.'],
      label: 'Token «' + t.name + '»',
      hideText: 'Ya lo guardé',
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
    if (!window.confirm('¿Revocar el token «' + t.name + '»? Los programas que lo usen dejarán de tener acceso.')) return;
    errors.clear();
    status.clear();
    setBusy(button, true, 'Revocando…');
    try {
      await api('DELETE', '/api/v1/auth/tokens/' + encodeURIComponent(t.id));
      status.show('Se revocó el token «' + t.name + '».');
      await list.reload();
    } catch (err) {
      setBusy(button, false);
      if (!err.handled) errors.show('No se pudo revocar el token: ' + err.message);
    }
  }

  const list = tableLoader(wrap, errors, {
    path: () => '/api/v1/auth/tokens',
    row: (t) => {
      const button = h('button', { type: 'button', class: 'btn btn--small btn--danger-ghost', 'aria-label': 'Revocar el token ' + t.name, text: 'Revocar' });
      button.addEventListener('click', () => revoke(t, button));
      return [t.name, formatInstant(t.created_at), t.last_used_at ? formatInstant(t.last_used_at) : 'Nunca', button];
    },
    empty: 'No tiene tokens de API.',
    failed: 'No se pudo cargar la lista de tokens.'
  });

  tableOf(wrap).setMessage('Cargando tokens…');
  return {
    node: card('Tokens de API',
      'Un token permite que un programa (por ejemplo, un script del personal de informática) use BiScheduler con su cuenta y sus permisos. Trátelo como una contraseña y revóquelo cuando ya no lo necesite.',
      [errors, status, reveal, wrap, form], 'card--wide'),
    load: list.load
  };
}
