/*
 * Page /auditoria: the audit log of this school (or of the platform, for
 * the platform admin), newest first, with filters (action, user, dates)
 * and paging ("Más"). Roles other than the admins get a short explanation.
 */
import { h, breakable } from '../core/dom.js';
import { state, isAdmin, schoolName, roleLabel, formatInstant } from '../core/state.js';
import { api, query } from '../core/api.js';
import { messageArea, field, markInvalid, clearInvalid, showApiError, setBusy } from '../core/forms.js';
import { dataTable, tableOf } from '../core/ui.js';
import { setView } from '../core/shell.js';

const ACTION_LABELS = {
  login: 'Inicio de sesión',
  login_failed: 'Intento de inicio de sesión fallido',
  logout: 'Cierre de sesión',
  support_access: 'Acceso de soporte',
  create: 'Creación',
  update: 'Modificación',
  'delete': 'Eliminación',
  suspend: 'Suspensión',
  activate: 'Activación',
  deactivate: 'Desactivación',
  token_create: 'Creación de token de API',
  token_revoke: 'Revocación de token de API',
  accept: 'Aceptación de invitación',
  /* school records (issue 13) */
  withdraw: 'Retiro',
  promote: 'Promoción de año escolar',
  'import': 'Importación',
  /* people (issue 14) */
  invite: 'Invitación de usuario',
  send_link: 'Envío de enlace por correo',
  link_used: 'Contraseña elegida con un enlace',
  password_reset_refused: 'Pedido de contraseña no atendido'
};

const ENTITY_LABELS = {
  session: 'Sesión',
  user: 'Usuario',
  users: 'Usuario',
  tenant: 'Plantel',
  tenants: 'Plantel',
  school: 'Plantel',
  settings: 'Configuración',
  token: 'Token de API',
  api_token: 'Token de API',
  tokens: 'Token de API',
  invitation: 'Invitación',
  /* school records (issue 13) */
  student: 'Estudiante',
  representative: 'Representante',
  staff: 'Personal',
  school_year: 'Año escolar',
  grade: 'Grado',
  section: 'Sección',
  subject: 'Materia',
  room: 'Aula',
  matricula: 'Matrícula',
  /* people (issue 14) */
  user_password: 'Contraseña de usuario'
};

export function show(ctx) {
  const moveFocus = ctx.moveFocus;
  if (!isAdmin(state.user)) {
    setView('Auditoría', h('section', { class: 'card narrow' },
      h('h1', { tabindex: '-1', text: 'Auditoría' }),
      h('p', { text: 'Su rol no tiene acceso a la auditoría. Solo la dirección del plantel y la administración de la plataforma pueden consultarla.' }),
      h('p', null, h('a', { href: '/', 'data-route': '', class: 'btn btn--secondary', text: 'Volver al inicio' }))), moveFocus);
    return;
  }

  const errors = messageArea('error');
  const status = messageArea('status');
  const actionOptions = [{ value: '', label: 'Todas' }].concat(Object.keys(ACTION_LABELS).map((a) => ({ value: a, label: ACTION_LABELS[a] })));
  const action = field({ name: 'action', label: 'Acción', options: actionOptions, value: '' });
  const actor = field({ name: 'actor', label: 'Usuario (correo)', type: 'email', inputmode: 'email', autocapitalize: 'none', spellcheck: 'false' });
  const from = field({ name: 'from', label: 'Desde', type: 'date' });
  const to = field({ name: 'to', label: 'Hasta', type: 'date' });
  const inputs = { action: action.input, actor: actor.input, from: from.input, to: to.input };
  const apply = h('button', { type: 'submit', class: 'btn btn--primary', text: 'Filtrar' });
  const reset = h('button', { type: 'button', class: 'btn btn--ghost', text: 'Limpiar filtros' });
  const filters = h('form', { class: 'filters', novalidate: true, role: 'search', 'aria-label': 'Filtros de la auditoría' },
    h('div', { class: 'filters__grid' }, action.wrap, actor.wrap, from.wrap, to.wrap),
    h('div', { class: 'form-actions' }, apply, reset));

  const wrap = dataTable('Registro de auditoría', [
    { label: 'Fecha y hora' }, { label: 'Usuario' }, { label: 'Rol' }, { label: 'Acción' },
    { label: 'Entidad' }, { label: 'ID' }, { label: 'IP' }
  ]);
  const table = tableOf(wrap);
  table.classList.add('table--audit');
  const more = h('button', { type: 'button', class: 'btn btn--secondary', text: 'Más' });
  const moreWrap = h('div', { class: 'more', hidden: true }, more);
  let cursor = null;
  let shown = 0;
  let current = {};

  const platform = state.user.role === 'platform_admin';
  const alive = setView('Auditoría', [
    h('div', { class: 'page-head' },
      h('h1', { tabindex: '-1', text: 'Auditoría' }),
      h('p', { class: 'muted', text: platform
        ? 'Acciones registradas en la plataforma, de la más reciente a la más antigua. Las fechas usan la hora de ' + schoolName() + '.'
        : 'Acciones registradas en ' + schoolName() + ', de la más reciente a la más antigua, en la hora del plantel.' })),
    h('section', { class: 'card card--wide', 'aria-label': 'Registro de auditoría' },
      filters, errors, status, wrap, moreWrap)
  ], moveFocus);

  function row(item) {
    const act = ACTION_LABELS[item.action] || item.action || '';
    table.addRow([
      h('time', { datetime: item.at || '', text: formatInstant(item.at, true) }),
      item.actor ? breakable(item.actor) : '—',
      item.role ? breakable(roleLabel(item.role) + (item.support ? ' (soporte)' : '')) : '—',
      h('span', { class: 'action action--' + String(item.action || '').replace(/[^a-z_]/g, ''), title: item.action || '', text: act }),
      ENTITY_LABELS[item.entity] || item.entity || '—',
      item.entity_id === null || item.entity_id === undefined || item.entity_id === '' ? '—' : String(item.entity_id),
      item.ip || '—'
    ]);
  }

  async function fetchPage(resetRows) {
    const params = Object.assign({ limit: 50 }, current);
    if (!resetRows) params.cursor = cursor;
    try {
      const reply = await api('GET', '/api/v1/audit' + query(params));
      if (!alive()) return;
      const items = (reply && reply.items) || [];
      if (resetRows) { table.clearRows(); shown = 0; }
      items.forEach(row);
      shown += items.length;
      if (resetRows && !items.length) table.setMessage('No hay registros con estos filtros.');
      cursor = reply && reply.next_cursor;
      moreWrap.hidden = !cursor;
      status.show(shown === 0 ? '' : (shown === 1 ? 'Se muestra 1 registro.' : 'Se muestran ' + shown + ' registros.') +
        (cursor ? ' Hay más: use el botón «Más».' : ''), 'quiet');
    } catch (err) {
      if (!alive() || err.handled) return;
      if (resetRows) table.setMessage('No se pudo cargar el registro.');
      showApiError(err, errors, inputs);
    }
  }

  filters.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    errors.clear();
    clearInvalid(inputs);
    if (from.input.value && to.input.value && from.input.value > to.input.value) {
      markInvalid(to.input, true);
      errors.show('La fecha «Hasta» no puede ser anterior a la fecha «Desde».');
      to.input.focus();
      return;
    }
    current = { action: action.input.value, actor: actor.input.value.trim(), from: from.input.value, to: to.input.value };
    setBusy(apply, true, 'Filtrando…');
    table.setMessage('Cargando…');
    await fetchPage(true);
    setBusy(apply, false);
  });

  reset.addEventListener('click', async () => {
    action.input.value = '';
    actor.input.value = '';
    from.input.value = '';
    to.input.value = '';
    errors.clear();
    current = {};
    table.setMessage('Cargando…');
    await fetchPage(true);
  });

  more.addEventListener('click', async () => {
    setBusy(more, true, 'Cargando…');
    await fetchPage(false);
    setBusy(more, false);
  });

  table.setMessage('Cargando registro…');
  fetchPage(true);
}
