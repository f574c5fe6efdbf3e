/*
 * Page /horario-activo (school admins): "Consultar horario", the active
 * timetable by section, teacher or room: the week
 * (GET /api/v1/timetables/active/week) or one date with its covers
 * (GET /api/v1/timetables/active/day). The lists to pick from come from
 * /api/v1/sections, /api/v1/staff and /api/v1/rooms.
 */
import { h, clear } from '../core/dom.js';
import { api, query } from '../core/api.js';
import { messageArea, field } from '../core/forms.js';
import { setView } from '../core/shell.js';
import { pageHead, guard, todayIso, formatDate, fullName } from './records.js';
import { weekView, dayView, viewError, DAY_NAMES, NOT_PUBLISHED } from './timetable-view.js';

const KINDS = [
  { value: 'section', label: 'Sección', key: 'section_id', path: '/api/v1/sections', show: { section: false, teacher: true, room: true } },
  { value: 'teacher', label: 'Docente', key: 'staff_id', path: '/api/v1/staff', show: { section: true, teacher: false, room: true } },
  { value: 'room', label: 'Aula', key: 'room_id', path: '/api/v1/rooms', show: { section: true, teacher: true, room: false } }
];

export function show(ctx) {
  const title = 'Consultar horario';
  if (!guard(title, ctx.moveFocus)) return;
  const errors = messageArea('error');
  const kind = field({ name: 'kind', label: 'Ver por', options: KINDS.map((k) => ({ value: k.value, label: k.label })), value: 'section' });
  const target = field({ name: 'target', label: 'Sección', options: [] });
  const mode = field({ name: 'mode', label: 'Mostrar', options: [{ value: 'week', label: 'La semana' }, { value: 'day', label: 'Un día, con suplencias' }], value: 'week' });
  const date = field({ name: 'date', label: 'Fecha', type: 'date', value: todayIso() });
  date.wrap.hidden = true;
  const submit = h('button', { type: 'submit', class: 'btn btn--primary', text: 'Ver horario' });
  const form = h('form', { class: 'form-row filters', novalidate: true }, kind.wrap, target.wrap, mode.wrap, date.wrap,
    h('div', { class: 'form-actions' }, submit));
  const heading = h('h2', { class: 'card__title', text: 'Horario' });
  const box = h('div', { class: 'tt-box', 'aria-live': 'polite' }, h('p', { class: 'muted', text: 'Elija qué desea ver.' }));
  const alive = setView(title, [
    pageHead(title, 'El horario vigente del plantel por sección, docente o aula.', null),
    errors,
    h('section', { class: 'card card--wide' }, form, heading, box)
  ], ctx.moveFocus);

  const lists = {};
  function current() { return KINDS.find((k) => k.value === kind.input.value) || KINDS[0]; }
  async function fillTargets() {
    const k = current();
    target.wrap.querySelector('label').textContent = k.label;
    target.input.fieldLabel = k.label;
    if (!lists[k.value]) {
      try {
        const r = await api('GET', k.path);
        let items = (r && r.items) || [];
        if (k.value === 'section') {
          /* the current year's sections only */
          const years = ((await api('GET', '/api/v1/years')) || {}).items || [];
          const now = years.find((y) => y.is_current);
          if (now) items = items.filter((x) => x.year_id === now.id);
        }
        lists[k.value] = items.filter((x) => x.active !== false)
          .map((x) => ({ value: String(x.id), label: k.value === 'teacher' ? fullName(x) : x.name }));
      } catch (err) {
        if (!alive() || err.handled) return;
        errors.show('No se pudo cargar la lista: ' + err.message);
        lists[k.value] = [];
      }
    }
    if (!alive()) return;
    clear(target.input);
    lists[k.value].forEach((o) => target.input.appendChild(h('option', { value: o.value }, o.label)));
    if (!lists[k.value].length) target.input.appendChild(h('option', { value: '' }, 'No hay registros'));
  }
  kind.input.addEventListener('change', fillTargets);
  mode.input.addEventListener('change', () => { date.wrap.hidden = mode.input.value !== 'day'; });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    errors.clear();
    const k = current();
    if (!target.input.value) { errors.show('Elija ' + k.label.toLowerCase() + '.'); return; }
    const params = {};
    params[k.key] = target.input.value;
    const day = mode.input.value === 'day';
    if (day) params.date = date.input.value;
    clear(box);
    box.appendChild(h('p', { class: 'muted', text: 'Cargando…' }));
    try {
      const r = await api('GET', '/api/v1/timetables/active/' + (day ? 'day' : 'week') + query(params));
      if (!alive()) return;
      clear(box);
      heading.textContent = r.view.name + (day ? ' · ' + DAY_NAMES[r.day] + ' ' + formatDate(r.date) : ' · semana');
      if (!r.timetable) {
        box.appendChild(h('p', { class: 'tt-empty', text: NOT_PUBLISHED }));
        return;
      }
      box.appendChild(h('p', { class: 'muted', text: r.timetable.name }));
      box.appendChild(day ? dayView(r, k.show) : weekView(r, k.show, 'Horario de ' + r.view.name));
    } catch (err) {
      if (!alive() || err.handled) return;
      clear(box);
      box.appendChild(h('p', { class: 'tt-empty', text: viewError(err) }));
    }
  });
  fillTargets();
}
