/*
 * Page /mi-horario (teachers): "Mi horario", the signed-in teacher's week
 * in the active timetable (GET /api/v1/me/timetable) with the covers they
 * were given for the coming weeks, and a day of their choice with the
 * classes they cover that day (GET /api/v1/me/timetable?date=).
 */
import { h, clear } from '../core/dom.js';
import { api, query } from '../core/api.js';
import { messageArea, field } from '../core/forms.js';
import { card } from '../core/ui.js';
import { setView } from '../core/shell.js';
import { state } from '../core/state.js';
import { pageHead, todayIso, formatDate, link } from './records.js';
import { weekView, dayView, viewError, lessonTime, DAY_NAMES, NOT_PUBLISHED } from './timetable-view.js';

const SHOW = { section: true, teacher: false, room: true };
const UNLINKED = 'Su cuenta aún no está vinculada a un docente del plantel: pida a la dirección que la vincule en Personal.';

export function show(ctx) {
  const title = 'Mi horario';
  if (!state.user || state.user.role !== 'teacher') {
    setView(title, h('section', { class: 'card narrow' },
      h('h1', { tabindex: '-1', text: title }),
      h('p', { text: 'Esta página es para los docentes del plantel.' }),
      h('p', null, link('/', 'Volver al inicio', 'btn btn--secondary'))), ctx.moveFocus);
    return;
  }
  const errors = messageArea('error');
  const weekBox = h('div', { class: 'tt-box', 'aria-live': 'polite' }, h('p', { class: 'muted', text: 'Cargando su horario…' }));
  const dayBox = h('div', { class: 'tt-box', 'aria-live': 'polite' });
  const coversBox = h('div', { class: 'tt-box' }, h('p', { class: 'muted', text: 'Cargando…' }));
  const date = field({ name: 'date', label: 'Fecha', type: 'date', value: todayIso() });
  const dayTitle = h('p', { class: 'tt-day__heading' });
  const form = h('form', { class: 'form-row', novalidate: true }, date.wrap,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn--secondary', text: 'Ver el día' })));
  const sub = h('p', { class: 'muted page-head__intro' });

  const alive = setView(title, [
    pageHead(title, 'Sus clases de la semana en el horario vigente del plantel.', null),
    errors,
    h('div', { class: 'stack' },
      card('Suplencias asignadas', 'Clases de otros docentes que usted cubre en las próximas semanas.', coversBox, 'card--wide'),
      card('Semana', null, [sub, weekBox], 'card--wide'),
      card('Un día', 'Sus clases de una fecha, con las suplencias que le asignaron.', [form, dayTitle, dayBox], 'card--wide'))
  ], ctx.moveFocus);

  async function loadWeek() {
    try {
      const w = await api('GET', '/api/v1/me/timetable');
      if (!alive()) return;
      clear(weekBox);
      clear(coversBox);
      if (!w.view || !w.timetable) {
        const why = !w.view ? UNLINKED : NOT_PUBLISHED;
        weekBox.appendChild(h('p', { class: 'tt-empty', text: why }));
        coversBox.appendChild(h('p', { class: 'muted', text: 'No tiene suplencias asignadas.' }));
        return;
      }
      sub.textContent = w.view.name + ' · ' + w.timetable.name;
      weekBox.appendChild(weekView(w, SHOW, 'Mi horario de la semana'));
      clear(coversBox);
      const covers = w.covers || [];
      coversBox.appendChild(covers.length
        ? h('ul', { class: 'tt-list' }, covers.map((c) => h('li', { class: 'tt-list__item' },
          h('span', { class: 'tt-list__time' }, h('strong', null, DAY_NAMES[c.day] + ' ', h('span', { class: 'nowrap', text: formatDate(c.date) })), h('br'), lessonTime(c.lesson)),
          h('div', { class: 'tt-lesson' },
            h('span', { class: 'tt-lesson__subject', text: c.lesson.subject }),
            h('span', { class: 'tt-lesson__line', text: c.lesson.section + ' · en lugar de ' + (c.lesson.teacher || 'su docente') }),
            c.lesson.room ? h('span', { class: 'tt-lesson__line muted', text: c.lesson.room }) : null))))
        : h('p', { class: 'muted', text: 'No tiene suplencias asignadas.' }));
    } catch (err) {
      if (!alive() || err.handled) return;
      clear(coversBox);
      clear(weekBox);
      weekBox.appendChild(h('p', { class: 'tt-empty', text: viewError(err) }));
    }
  }
  async function loadDay() {
    const d = date.input.value;
    if (!d) { errors.show('Indique una fecha.'); return; }
    errors.clear();
    try {
      const day = await api('GET', '/api/v1/me/timetable' + query({ date: d }));
      if (!alive()) return;
      clear(dayBox);
      dayTitle.textContent = day.date ? DAY_NAMES[day.day] + ' ' + formatDate(day.date) : '';
      if (!day.view || !day.timetable) {
        dayBox.appendChild(h('p', { class: 'tt-empty', text: !day.view ? UNLINKED : NOT_PUBLISHED }));
        return;
      }
      dayBox.appendChild(dayView(day, SHOW));
    } catch (err) {
      if (!alive() || err.handled) return;
      clear(dayBox);
      dayBox.appendChild(h('p', { class: 'tt-empty', text: viewError(err) }));
    }
  }
  form.addEventListener('submit', (ev) => { ev.preventDefault(); loadDay(); });
  loadWeek();
  loadDay();
}
