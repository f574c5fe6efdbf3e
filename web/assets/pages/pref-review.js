/*
 * Page /preparacion/preferencias: the teachers' preferences a school admin
 * approves or rejects. Pending ones are shown by default, grouped by
 * teacher, each with what it is about in words ("El lunes, 1.ª hora:
 * No puedo"), and Aprobar / Rechazar buttons, plus "Aprobar todas" per
 * teacher. Only approved preferences reach the timetable generator; a
 * filter shows approved, rejected or all of them.
 */
import { h, clear } from '../core/dom.js';
import { api, query } from '../core/api.js';
import { messageArea, field, setBusy } from '../core/forms.js';
import { card } from '../core/ui.js';
import { setView } from '../core/shell.js';
import { pageHead, guard } from './records.js';
import { setupTabs, statusBadge, LEVELS } from './setup-common.js';

const FILTERS = [
  { value: 'pending', label: 'Pendientes' },
  { value: 'approved', label: 'Aprobadas' },
  { value: 'rejected', label: 'Rechazadas' },
  { value: '', label: 'Todas' }
];

function levelWords(level) {
  const l = LEVELS.find((x) => x.value === level);
  return l ? l.label : level;
}

export function show(ctx) {
  if (!guard('Preparar horarios', ctx.moveFocus)) return;
  const status = messageArea('status');
  const errors = messageArea('error');
  const filter = field({ name: 'status', label: 'Mostrar', options: FILTERS, value: 'pending' });
  const list = h('div', { class: 'stack' });

  async function decide(ids, approve, button) {
    setBusy(button, true, approve ? 'Aprobando…' : 'Rechazando…');
    try {
      for (const id of ids) await api('POST', '/api/v1/preferences/' + id + (approve ? '/approve' : '/reject'));
      status.show(ids.length === 1 ? (approve ? 'Se aprobó la preferencia.' : 'Se rechazó la preferencia.')
        : 'Se aprobaron ' + ids.length + ' preferencias.');
      await load();
    } catch (err) {
      setBusy(button, false);
      if (!err.handled) errors.show(err.message);
    }
  }

  async function load() {
    try {
      const r = await api('GET', '/api/v1/preferences' + query({ status: filter.input.value }));
      const items = (r && r.items) || [];
      clear(list);
      if (!items.length) {
        list.appendChild(h('p', { class: 'muted', text: filter.input.value === 'pending'
          ? 'No hay preferencias pendientes. Los docentes las indican en «Mis preferencias».'
          : 'No hay preferencias que mostrar.' }));
        return;
      }
      const byTeacher = [];
      items.forEach((p) => {
        let g = byTeacher.find((x) => x.staff_id === p.staff_id);
        if (!g) { g = { staff_id: p.staff_id, teacher: p.teacher, items: [] }; byTeacher.push(g); }
        g.items.push(p);
      });
      byTeacher.forEach((g) => {
        const rows = g.items.map((p) => {
          const acts = [];
          if (p.status !== 'approved') {
            const a = h('button', { type: 'button', class: 'btn btn--primary btn--small', text: 'Aprobar', 'aria-label': 'Aprobar: ' + p.description });
            a.addEventListener('click', () => decide([p.id], true, a));
            acts.push(a);
          }
          if (p.status !== 'rejected') {
            const x = h('button', { type: 'button', class: 'btn btn--danger-ghost btn--small', text: 'Rechazar', 'aria-label': 'Rechazar: ' + p.description });
            x.addEventListener('click', () => decide([p.id], false, x));
            acts.push(x);
          }
          return h('li', { class: 'pref-item' },
            h('p', null, h('strong', { text: p.description + ': ' }), levelWords(p.level), ' ', statusBadge(p.status)),
            h('div', { class: 'row-actions' }, acts));
        });
        const pending = g.items.filter((p) => p.status === 'pending').map((p) => p.id);
        const all = h('button', { type: 'button', class: 'btn btn--secondary btn--small', text: 'Aprobar todas (' + pending.length + ')' });
        all.addEventListener('click', () => decide(pending, true, all));
        list.appendChild(card(g.teacher, null, [h('ul', { class: 'pref-list compact-list' }, rows),
          pending.length > 1 ? h('div', { class: 'row-actions' }, all) : null]));
      });
    } catch (err) {
      if (!err.handled) errors.show(err.message);
    }
  }
  filter.input.addEventListener('change', () => { status.clear(); load(); });

  setView('Preparar horarios', [
    pageHead('Preparar horarios', 'Las preferencias y la disponibilidad que indicaron los docentes. Solo las aprobadas se tienen en cuenta al generar el horario; «No puedo» aprobado en una hora o un día significa que el docente no está disponible.', null),
    setupTabs('/preparacion/preferencias'),
    h('div', { class: 'form-row tt-filter' }, filter.wrap),
    status, errors, list
  ], ctx.moveFocus);
  load();
}
