/*
 * Drawing a week or a day of the active timetable (issue #15, part
 * `portal`), shared by "Mi horario", "Horario de mi representado",
 * "Consultar horario" and "Suplencias".
 *
 * weekView(week, show) draws the reply of the week views (docs/API.md,
 * WEEK): on wide screens a grid with the day's rows (`slots`: periods and
 * RECESO) down and the school days across, a lesson filling the rows its
 * times cover; on narrow screens (CSS) the same lessons as one list per
 * day, so a phone never scrolls sideways. dayView(day, show) draws a DAY:
 * the lessons in time order with who covers them. `show` says what a cell
 * names besides the subject: 'section' and 'teacher' and 'room' (booleans).
 */
import { h } from '../core/dom.js';

export const DAY_NAMES = ['', 'Lunes', 'Martes', 'Miércoles', 'Jueves', 'Viernes', 'Sábado', 'Domingo'];

/* "07:00 a 08:20", or "3.ª hora" when the bell schedule does not say. */
export function lessonTime(l) {
  if (l.starts_at && l.ends_at) return l.starts_at + ' a ' + l.ends_at;
  if (l.length > 1) return 'Horas ' + l.period + ' a ' + (l.period + l.length - 1);
  return l.period + '.ª hora';
}

function covers(l, slot) {
  if (slot.starts_at && l.starts_at) return l.starts_at <= slot.starts_at && slot.ends_at <= l.ends_at;
  return !slot.is_break && slot.number >= l.period && slot.number < l.period + l.length;
}

function lessonCard(l, show, extra) {
  const lines = [h('span', { class: 'tt-lesson__subject', text: l.subject })];
  if (show.section) lines.push(h('span', { class: 'tt-lesson__line', text: l.section }));
  if (show.teacher) lines.push(h('span', { class: 'tt-lesson__line', text: l.teacher || 'Sin docente asignado' }));
  if (show.room && l.room) lines.push(h('span', { class: 'tt-lesson__line muted', text: l.room }));
  return h('div', { class: 'tt-lesson' }, lines, extra || null);
}

/* The grid (wide screens) and the lists by day (narrow screens). */
export function weekView(week, show, caption) {
  const days = week.days || [];
  const slots = week.slots || [];
  const lessons = week.lessons || [];
  if (!lessons.length) {
    return h('p', { class: 'tt-empty muted', text: 'No hay clases en este horario.' });
  }
  const table = h('table', { class: 'tt-grid' },
    h('caption', { class: 'visually-hidden', text: caption || 'Horario de la semana' }),
    h('thead', null, h('tr', null,
      h('th', { scope: 'col', class: 'tt-grid__time', text: 'Hora' }),
      days.map((d) => h('th', { scope: 'col', text: DAY_NAMES[d] })))));
  const body = h('tbody');
  /* a lesson is drawn once, in its first row, spanning the rows it covers */
  const drawn = new Set();
  slots.forEach((slot, i) => {
    const time = slot.starts_at ? slot.starts_at + '–' + slot.ends_at : slot.number + '.ª';
    const tr = h('tr', { class: slot.is_break ? 'tt-grid__break' : null },
      h('th', { scope: 'row', class: 'tt-grid__time' }, h('span', { class: 'nowrap', text: time })));
    if (slot.is_break) {
      tr.appendChild(h('td', { colspan: String(days.length), class: 'tt-grid__receso', text: 'RECESO' }));
      body.appendChild(tr);
      return;
    }
    days.forEach((d) => {
      const here = lessons.filter((l) => l.day === d && covers(l, slot));
      if (here.length && here.every((l) => drawn.has(l.id))) return; /* under a rowspan */
      if (!here.length) { tr.appendChild(h('td', { class: 'tt-grid__free' })); return; }
      let span = 1;
      /* rows below covered by the same lessons, breaks never spanned */
      for (let k = i + 1; k < slots.length; k++) {
        if (slots[k].is_break) break;
        const next = lessons.filter((l) => l.day === d && covers(l, slots[k]));
        if (next.length !== here.length || !next.every((l) => here.indexOf(l) >= 0)) break;
        span += 1;
      }
      here.forEach((l) => drawn.add(l.id));
      tr.appendChild(h('td', { rowspan: span > 1 ? String(span) : null, class: 'tt-grid__cell' },
        here.map((l) => lessonCard(l, show))));
    });
    body.appendChild(tr);
  });
  table.appendChild(body);
  const byDay = h('div', { class: 'tt-days' }, days.map((d) => {
    const mine = lessons.filter((l) => l.day === d).sort(byTime);
    return h('section', { class: 'tt-day', 'aria-label': DAY_NAMES[d] },
      h('h3', { class: 'tt-day__title', text: DAY_NAMES[d] }),
      mine.length ? h('ul', { class: 'tt-list' }, mine.map((l) => h('li', { class: 'tt-list__item' },
        h('span', { class: 'tt-list__time', text: lessonTime(l) }), lessonCard(l, show))))
        : h('p', { class: 'muted', text: 'Sin clases.' }));
  }));
  return h('div', { class: 'tt-week' }, h('div', { class: 'tt-grid-wrap' }, table), byDay);
}

export function byTime(a, b) {
  const x = a.starts_at || String(a.period).padStart(5, '0');
  const y = b.starts_at || String(b.period).padStart(5, '0');
  return x < y ? -1 : x > y ? 1 : 0;
}

/* A day: its lessons in time order, each with who covers it. */
export function dayView(day, show) {
  const lessons = (day.lessons || []).slice().sort(byTime);
  if (!lessons.length) return h('p', { class: 'tt-empty muted', text: 'No hay clases ese día.' });
  return h('ul', { class: 'tt-list tt-list--day' }, lessons.map((l) => {
    const notes = [];
    if (l.covering) notes.push(h('span', { class: 'badge badge--pending', text: 'Usted cubre esta clase' }));
    else if (l.cover) notes.push(h('span', { class: 'badge badge--active', text: 'Suplente: ' + l.cover.teacher }));
    else if (l.teacher_absent) notes.push(h('span', { class: 'badge badge--error', text: 'Docente ausente, sin suplente' }));
    return h('li', { class: 'tt-list__item' },
      h('span', { class: 'tt-list__time', text: lessonTime(l) }),
      lessonCard(l, show, notes.length ? h('span', { class: 'tt-lesson__notes' }, notes) : null));
  }));
}

export const NOT_PUBLISHED = 'El plantel aún no ha publicado un horario. Cuando la dirección active uno, aparecerá aquí.';

/* The Spanish message for a failed view: no active timetable, or the API's own. */
export function viewError(err) {
  if (err && err.code === 'no_active_timetable') return NOT_PUBLISHED;
  return (err && err.message) || 'No se pudo cargar el horario.';
}
