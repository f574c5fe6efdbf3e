/*
 * School console, home section "Usuarios": the people who may sign in to
 * this school (paged with "Más") and the form that adds one with a role and
 * an initial password.
 */
import { h, breakable } from '../core/dom.js';
import { ROLE_LABELS, roleLabel } from '../core/state.js';
import { api, query } from '../core/api.js';
import { messageArea, field, onSubmit, setBusy } from '../core/forms.js';
import { card, dataTable, tableOf, tableLoader } from '../core/ui.js';

/* Roles a school admin may give to the users of the school. */
const SCHOOL_ROLES = ['school_admin', 'teacher', 'parent'];

export function section() {
  const errors = messageArea('error');
  const status = messageArea('status');
  const wrap = dataTable('Usuarios del plantel', [{ label: 'Nombre' }, { label: 'Correo electrónico' }, { label: 'Rol' }]);
  const more = h('button', { type: 'button', class: 'btn btn--secondary', text: 'Más' });
  const moreWrap = h('div', { class: 'more', hidden: true }, more);
  const list = tableLoader(wrap, errors, {
    path: (cursor) => '/api/v1/users' + query({ limit: 50, cursor: cursor }),
    row: (u) => [u.name || '', breakable(u.email), breakable(roleLabel(u.role))],
    more: moreWrap,
    empty: 'Todavía no hay usuarios.',
    failed: 'No se pudo cargar la lista de usuarios.'
  });

  const email = field({ name: 'email', label: 'Correo electrónico', type: 'email', inputmode: 'email', autocapitalize: 'none', spellcheck: 'false', required: true });
  const name = field({ name: 'name', label: 'Nombre completo', autocomplete: 'off', maxlength: '200', required: true });
  const role = field({
    name: 'role', label: 'Rol', value: 'teacher',
    options: SCHOOL_ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }))
  });
  const password = field({ name: 'password', label: 'Contraseña inicial', type: 'password', autocomplete: 'new-password', hint: 'Al menos 10 caracteres. Entréguela a la persona de forma segura.', required: true });
  const inputs = { email: email.input, name: name.input, role: role.input, password: password.input };
  const formErrors = messageArea('error');
  const submit = h('button', { type: 'submit', class: 'btn btn--primary', text: 'Agregar usuario' });
  const form = h('form', { class: 'form', novalidate: true },
    h('h3', { class: 'card__subtitle', text: 'Agregar un usuario' }),
    formErrors,
    h('div', { class: 'form-grid' }, email.wrap, name.wrap, role.wrap, password.wrap),
    h('div', { class: 'form-actions' }, submit));

  onSubmit(form, {
    submit: submit, busy: 'Agregando…', errors: formErrors, status: status, inputs: inputs,
    required: [email.input, name.input, password.input],
    send: async () => {
      const u = await api('POST', '/api/v1/users', {
        email: email.input.value.trim(), name: name.input.value.trim(),
        role: role.input.value, password: password.input.value
      });
      email.input.value = '';
      name.input.value = '';
      password.input.value = '';
      status.show('Se agregó a ' + (u.name || u.email) + ' como ' + roleLabel(u.role) + '.');
      await list.reload();
    }
  });

  more.addEventListener('click', async () => {
    setBusy(more, true, 'Cargando…');
    await list.next();
    setBusy(more, false);
  });

  tableOf(wrap).setMessage('Cargando usuarios…');
  return {
    node: card('Usuarios', 'Las personas que pueden ingresar a BiScheduler en este plantel.',
      [errors, status, wrap, moreWrap, form], 'card--wide'),
    load: list.load
  };
}
