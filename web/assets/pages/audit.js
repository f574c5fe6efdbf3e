/*
 * Page /auditoria: the audit log of this school (or of the platform, for
 * the platform admin), newest first, with filters (action, person, dates)
 * and paging ("Más"). Each row says who (today's name of the person), what
 * in words ("Modificó estudiante" and the student's name) and, for a
 * change, each changed field as before → after; the server writes all of
 * it in Spanish (src/auth/audit_labels.c). The action filter offers only
 * the kinds of rows this log holds (GET /api/v1/audit/actions): a school's
 * own actions on its host, platform actions on the console's. Roles other
 * than the admins get a short explanation.
 */
import { h, breakable } from '../core/dom.js';
import { state, isAdmin, schoolName, roleLabel, formatInstant } from '../core/state.js';
import { api, query } from '../core/api.js';
import { messageArea, field, markInvalid, clearInvalid, showApiError, setBusy } from '../core/forms.js';
import { dataTable, tableOf } from '../core/ui.js';
import { setView } from '../core/shell.js';

/* Who acted, as a person reads it: today's name, else the server's administration (the command line) or the email. */
function actorText(item) {
  if (item.actor_name) return item.actor_name;
  if (item.role === 'operator') return 'Administración del servidor';
  return item.actor || '—';
}

/* What a row changed: "Campo: antes → después" per changed field. */
function changesCell(item) {
  const list = item.changes || [];
  if (!list.length) {
    return item.before && item.after ? h('span', { class: 'muted', text: 'Sin cambios' }) : '—';
  }
  return h('ul', { class: 'changes' }, list.map((c) => h('li', null,
    h('span', { class: 'changes__field', text: c.label + ': ' }),
    h('span', { class: 'changes__before', text: c.before === null || c.before === undefined ? '(vacío)' : String(c.before) }),
    h('span', { class: 'changes__arrow', text: ' → ' }),
    h('span', { class: 'changes__after', text: c.after === null || c.after === undefined ? '(vacío)' : String(c.after) }))));
}

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
  const action = field({ name: 'action', label: 'Acción', options: [{ value: '', label: 'Todas' }], value: '' });
  const actor = field({ name: 'actor', label: 'Persona (correo electrónico)', type: 'email', inputmode: 'email', autocapitalize: 'none', spellcheck: 'false' });
  const from = field({ name: 'from', label: 'Desde', type: 'date' });
  const to = field({ name: 'to', label: 'Hasta', type: 'date' });
  const inputs = { action: action.input, actor: actor.input, from: from.input, to: to.input };
  const apply = h('button', { type: 'submit', class: 'btn btn--primary', text: 'Filtrar' });
  const reset = h('button', { type: 'button', class: 'btn btn--ghost', text: 'Limpiar filtros' });
  const filters = h('form', { class: 'filters', novalidate: true, role: 'search', 'aria-label': 'Filtros de la auditoría' },
    h('div', { class: 'filters__grid filters__grid--audit' }, action.wrap, actor.wrap, from.wrap, to.wrap),
    h('div', { class: 'form-actions' }, apply, reset));

  const wrap = dataTable('Registro de auditoría', [
    { label: 'Fecha y hora' }, { label: 'Persona' }, { label: 'Acción' }, { label: 'Cambios' }, { label: 'Dirección IP' }
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
    const role = item.role && item.role !== 'operator' ? roleLabel(item.role) + (item.support ? ' (soporte de la plataforma)' : '') : '';
    const tr = table.addRow([
      h('time', { datetime: item.at || '', text: formatInstant(item.at, true) }),
      h('span', { class: 'who' },
        h('span', { class: 'who__name' }, breakable(actorText(item))),
        role ? h('span', { class: 'who__role muted' }, breakable(role)) : null),
      h('span', { class: 'what' },
        h('span', { class: 'action action--' + String(item.action || '').replace(/[^a-z_]/g, ''), text: item.label || 'Acción registrada' }),
        item.entity_label ? h('span', { class: 'what__thing', text: item.entity_label }) : null),
      changesCell(item),
      item.ip && item.ip !== 'local' ? item.ip : '—'
    ]);
    /* Small screens leave out the empty lines of a row's card. */
    Array.prototype.forEach.call(tr.children, (td) => { if (td.textContent === '—') td.classList.add('cell-empty'); });
  }

  /* The filter offers the kinds of rows this log holds. */
  async function loadActions() {
    try {
      const reply = await api('GET', '/api/v1/audit/actions');
      if (!alive()) return;
      ((reply && reply.items) || []).forEach((a) => {
        action.input.appendChild(h('option', { value: a.action + '|' + a.entity, text: a.label }));
      });
    } catch (err) {
      if (!alive() || err.handled) return;
      showApiError(err, errors, inputs);
    }
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
    const kind = action.input.value.split('|');
    current = { action: kind[0] || '', entity: kind[1] || '', actor: actor.input.value.trim(), from: from.input.value, to: to.input.value };
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
  loadActions();
  fetchPage(true);
}
