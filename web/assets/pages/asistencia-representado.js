/*
 * Page /asistencia-representado (parents): "Asistencia de mi representado",
 * one tab per child (GET /api/v1/me/children), each showing a month of the
 * child's attendance (GET /api/v1/me/children/{id}/attendance?month=):
 * the month's totals in words, then every school day up to today with
 * what was recorded (asistió, faltó, llegó tarde, falta justificada with its
 * reason, or not recorded: a day the teacher did not take is never shown as
 * an absence) and the days without classes of that month (holidays,
 * breaks). Buttons move to the previous and next month. Tabs follow the
 * WAI-ARIA tabs pattern like /horario-representado.
 */
import { h, clear } from '../core/dom.js';
import { api } from '../core/api.js';
import { messageArea } from '../core/forms.js';
import { setView } from '../core/shell.js';
import { state } from '../core/state.js';
import { pageHead, link, todayIso } from './records.js';
import { childrenTabs } from '../shared/children-tabs.js';

const TITLE = 'Asistencia de mi representado';
const MONTHS = ['enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto',
  'septiembre', 'octubre', 'noviembre', 'diciembre'];
const WEEKDAYS = ['domingo', 'lunes', 'martes', 'miércoles', 'jueves', 'viernes', 'sábado'];
const STATUS = {
  present: { text: 'Asistió', tone: 'active' },
  absent: { text: 'Faltó', tone: 'suspended' },
  late: { text: 'Llegó tarde', tone: 'pending' },
  justified: { text: 'Falta justificada', tone: 'inactive' },
  none: { text: 'Sin registrar', tone: 'expired' }
};

function monthLabel(m) {
  const [y, mo] = m.split('-').map(Number);
  return MONTHS[mo - 1] + ' de ' + y;
}

function shiftMonth(m, delta) {
  let [y, mo] = m.split('-').map(Number);
  mo += delta;
  while (mo < 1) { mo += 12; y -= 1; }
  while (mo > 12) { mo -= 12; y += 1; }
  return y + '-' + String(mo).padStart(2, '0');
}

function dayLabel(iso) {
  const [y, m, d] = iso.split('-').map(Number);
  const wd = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  return WEEKDAYS[wd] + ' ' + d + ' de ' + MONTHS[m - 1];
}

function plural(n, one, many) { return n + ' ' + (n === 1 ? one : many); }

/* The month's totals as a sentence a parent reads at a glance. */
function summary(t, counted) {
  const parts = [
    plural(t.present + t.late, 'día asistido', 'días asistidos') +
      (t.late ? ' (' + plural(t.late, 'con llegada tarde', 'con llegada tarde') + ')' : ''),
    plural(t.absent, 'falta', 'faltas'),
    plural(t.justified, 'falta justificada', 'faltas justificadas')
  ];
  const missing = counted - t.taken;
  if (missing > 0) parts.push(plural(missing, 'día sin registrar', 'días sin registrar'));
  return parts.join(' · ');
}

function monthView(data, today) {
  const rows = [];
  let counted = 0;
  for (const d of data.days) {
    if (d.date > today) break;
    const [y, m, dd] = d.date.split('-').map(Number);
    const wd = new Date(Date.UTC(y, m - 1, dd)).getUTCDay();
    if (wd === 0 || wd === 6) continue;            // weekends: never school days
    let badge;
    let note = '';
    if (!d.school_day) {
      badge = h('span', { class: 'muted', text: 'Sin clases' });
    } else {
      counted += 1;
      const s = STATUS[d.status || 'none'];
      badge = h('span', { class: 'badge badge--' + s.tone, text: s.text });
      if (d.status === 'justified' && d.reason) note = d.reason;
    }
    rows.push(h('tr', null,
      h('th', { scope: 'row', text: dayLabel(d.date) }),
      h('td', { 'data-label': 'Asistencia' }, h('span', null, badge, note ? h('span', { class: 'muted', text: ' ' + note }) : null))));
  }
  const t = data.totals;
  const table = rows.length
    ? h('table', { class: 'table table--attendance' },
      h('caption', { class: 'visually-hidden', text: 'Asistencia de ' + monthLabel(data.month) }),
      h('thead', null, h('tr', null, h('th', { scope: 'col', text: 'Día' }), h('th', { scope: 'col', text: 'Asistencia' }))),
      h('tbody', null, rows))
    : h('p', { class: 'tt-empty', text: 'Aún no hay días de clase en este mes.' });
  return [
    rows.length ? h('p', { text: summary(t, counted) }) : null,
    table
  ];
}

export function show(ctx) {
  if (!state.user || state.user.role !== 'parent') {
    setView(TITLE, h('section', { class: 'card narrow' },
      h('h1', { tabindex: '-1', text: TITLE }),
      h('p', { text: 'Esta página es para los representantes.' }),
      h('p', null, link('/', 'Volver al inicio', 'btn btn--secondary'))), ctx.moveFocus);
    return;
  }
  const errors = messageArea('error');
  const box = h('div', null, h('p', { class: 'muted', text: 'Cargando…' }));
  const alive = setView(TITLE, [
    pageHead(TITLE, 'Los días de clase de cada mes y lo que registró el plantel. Un día sin registrar no es una falta.', null),
    errors, h('section', { class: 'card card--wide' }, box)
  ], ctx.moveFocus);
  const today = todayIso();
  const thisMonth = today.slice(0, 7);

  function showChild(child, panel, month) {
    clear(panel);
    panel.appendChild(h('p', { class: 'muted', text: 'Cargando la asistencia…' }));
    api('GET', '/api/v1/me/children/' + child.id + '/attendance?month=' + month).then((data) => {
      if (!alive()) return;
      clear(panel);
      const prev = h('button', { type: 'button', class: 'btn btn--secondary', text: '‹ Mes anterior' });
      const next = h('button', { type: 'button', class: 'btn btn--secondary', text: 'Mes siguiente ›' });
      if (month >= thisMonth) next.disabled = true;
      prev.addEventListener('click', () => showChild(child, panel, shiftMonth(month, -1)));
      next.addEventListener('click', () => showChild(child, panel, shiftMonth(month, 1)));
      const heading = h('h2', { text: monthLabel(month).replace(/^./, (c) => c.toUpperCase()) });
      panel.appendChild(h('div', { class: 'attendance-month' }, heading, h('div', { class: 'row-actions' }, prev, next)));
      const st = data.student || {};
      panel.appendChild(h('p', { class: 'muted', text: (st.first_names || '') + ' ' + (st.last_names || '') + (st.section ? ' · ' + st.section : '') }));
      for (const n of monthView(data, today)) if (n) panel.appendChild(n);
    }).catch((err) => {
      if (!alive() || err.handled) return;
      clear(panel);
      panel.appendChild(h('p', { class: 'tt-empty', text: err.message }));
    });
  }

  childrenTabs(box, errors, alive, (kid, panel) => showChild(kid, panel, thisMonth));
}
