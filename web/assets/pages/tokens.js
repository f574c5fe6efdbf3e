/*
 * Home section "Tokens de API", for every user but a support session: the
 * user's API tokens (created, last used), creating one (shown once, to
 * copy) and revoking one.
 */
import { h, append, clear, uid } from '../core/dom.js';
import { formatInstant } from '../core/state.js';
import { api } from '../core/api.js';
import { messageArea, field, requireFilled, showApiError, setBusy, copyControl } from '../core/forms.js';
import { card, dataTable, tableOf } from '../core/ui.js';

export function section() {
  const errors = messageArea('error');
  const status = messageArea('status');
  const wrap = dataTable('Tokens de API', [{ label: 'Nombre' }, { label: 'Creado' }, { label: 'Último uso' }, { label: 'Acciones', class: 'cell-actions' }]);
  const table = tableOf(wrap);
  const reveal = h('div', { class: 'token-reveal', hidden: true });
  let aliveRef = () => true;

  const name = field({ name: 'name', label: 'Nombre del token', hint: 'Para recordar dónde lo usa. Por ejemplo: Respaldo nocturno.', maxlength: '100', required: true });
  const submit = h('button', { type: 'submit', class: 'btn btn--primary', text: 'Crear token' });
  const formErrors = messageArea('error');
  const form = h('form', { class: 'form form--inline', novalidate: true },
    formErrors,
    h('div', { class: 'form-row' }, name.wrap, h('div', { class: 'form-actions' }, submit)));

  function showToken(t) {
    clear(reveal);
    const inputId = uid('token');
    const input = h('input', { id: inputId, type: 'text', class: 'token-reveal__value', readOnly: true, value: t.token, spellcheck: 'false', autocomplete: 'off' });
    const copy = copyControl(input, t.token);
    const hide = h('button', { type: 'button', class: 'btn btn--ghost', text: 'Ya lo guardé' });
    hide.addEventListener('click', () => { clear(reveal); reveal.hidden = true; name.input.focus(); });
    append(reveal, [
      h('p', { class: 'token-reveal__title' },
        h('strong', { text: 'Token «' + t.name + '» creado. ' }),
        'Cópielo ahora y guárdelo en un lugar seguro: no se volverá a mostrar.'),
      h('label', { for: inputId, class: 'visually-hidden', text: 'Token «' + t.name + '»' }),
      h('div', { class: 'token-reveal__row' }, input, copy.button, hide),
      copy.copied
    ]);
    reveal.hidden = false;
    input.focus();
    input.select();
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    formErrors.clear();
    status.clear();
    if (!requireFilled([name.input], formErrors)) return;
    setBusy(submit, true, 'Creando…');
    try {
      const t = await api('POST', '/api/v1/auth/tokens', { name: name.input.value.trim() });
      name.input.value = '';
      await load(aliveRef);
      showToken(t);
    } catch (err) {
      showApiError(err, formErrors, { name: name.input });
    } finally {
      setBusy(submit, false);
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
      await load(aliveRef);
    } catch (err) {
      setBusy(button, false);
      if (!err.handled) errors.show('No se pudo revocar el token: ' + err.message);
    }
  }

  async function load(alive) {
    aliveRef = alive;
    try {
      const reply = await api('GET', '/api/v1/auth/tokens');
      if (!alive()) return;
      const items = (reply && reply.items) || [];
      table.clearRows();
      if (!items.length) { table.setMessage('No tiene tokens de API.'); return; }
      items.forEach((t) => {
        const button = h('button', { type: 'button', class: 'btn btn--small btn--danger-ghost', 'aria-label': 'Revocar el token ' + t.name, text: 'Revocar' });
        button.addEventListener('click', () => revoke(t, button));
        table.addRow([t.name, formatInstant(t.created_at), t.last_used_at ? formatInstant(t.last_used_at) : 'Nunca', button]);
      });
    } catch (err) {
      if (!alive() || err.handled) return;
      table.setMessage('No se pudo cargar la lista de tokens.');
      errors.show(err.message);
    }
  }

  table.setMessage('Cargando tokens…');
  return {
    node: card('Tokens de API',
      'Un token permite que un programa (por ejemplo, un script del personal de informática) use BiScheduler con su cuenta y sus permisos. Trátelo como una contraseña y revóquelo cuando ya no lo necesite.',
      [errors, status, reveal, wrap, form], 'card--wide'),
    load: load
  };
}
