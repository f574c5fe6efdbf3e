/*
 * Page /red (platform admins, master host): the network's dashboard. The
 * figures the server's background refresher recorded (never computed while
 * the page loads): tiles of the latest day, two plots drawn by the server
 * as SVG (active schools and students over the recorded days; each an
 * <img>, so it scales to the card's width, 360 px phones included), the
 * network's attendance rate of the last 30 days (issue #16), and the
 * month's usage for billing with its CSV download. A figure from fewer than
 * 3 schools is never shown ("insuficiente").
 */
import { h } from '../core/dom.js';
import { state, formatInstant } from '../core/state.js';
import { api, query } from '../core/api.js';
import { messageArea, field } from '../core/forms.js';
import { card } from '../core/ui.js';
import { setView } from '../core/shell.js';

/* 1234567 -> "1.234.567" */
export function count(n) {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
}

/* Bytes as a person reads them: "12,5 MB". */
export function size(bytes) {
  if (bytes === null || bytes === undefined) return '—';
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let v = bytes, i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return (i === 0 ? String(v) : v.toFixed(v < 10 ? 1 : 0).replace('.', ',')) + ' ' + units[i];
}

function tile(label, value, note) {
  const missing = value === null || value === undefined;
  return h('div', { class: 'tile' + (missing ? ' tile--muted' : '') },
    h('dt', { text: label }),
    h('dd', { text: missing ? (note || 'insuficiente') : value }));
}

function plot(name, alt) {
  return h('figure', { class: 'plot' },
    h('img', { class: 'plot__img', src: '/api/v1/platform/statistics/charts/' + name, alt: alt, width: '320', height: '216' }));
}

const MONTHS = ['enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto',
  'septiembre', 'octubre', 'noviembre', 'diciembre'];

/* This month and the eleven before it, newest first: {value: "2026-12", label: "diciembre de 2026"}. */
function lastMonths(current) {
  let y = Number(current.slice(0, 4)), m = Number(current.slice(5, 7));
  const out = [];
  for (let i = 0; i < 12; i++) {
    out.push({ value: y + '-' + String(m).padStart(2, '0'), label: MONTHS[m - 1] + ' de ' + y });
    if (--m === 0) { m = 12; y--; }
  }
  return out;
}

function thisMonth() {
  const tz = state.branding && state.branding.timezone;
  try {
    const p = {};
    new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit' })
      .formatToParts(new Date()).forEach((x) => { p[x.type] = x.value; });
    if (p.year && p.month) return p.year + '-' + p.month;
  } catch (e) { /* below */ }
  return new Date().toISOString().slice(0, 7);
}

export function show(ctx) {
  const errors = messageArea('error');
  const tiles = h('dl', { class: 'tiles' });
  const asOf = h('p', { class: 'muted', text: 'Cargando cifras…' });
  /* attendance (issue #16, part report): the network's rate, from 3 schools */
  const attendance = h('div', null, h('p', { class: 'muted', text: 'Cargando…' }));

  const current = thisMonth();
  const month = field({ name: 'month', label: 'Mes', options: lastMonths(current), value: current });
  const csv = h('a', { class: 'btn btn--secondary download', download: '', text: 'Descargar uso del mes (CSV)' });
  const usageBody = h('tbody');
  const usageTable = h('div', { class: 'table-wrap' },
    h('table', { class: 'table', role: 'table' },
      h('caption', { class: 'visually-hidden', text: 'Uso por plantel' }),
      h('thead', null, h('tr', null, ['Plantel', 'Estudiantes', 'Usuarios', 'Activos en el mes', 'Almacenamiento']
        .map((t) => h('th', { scope: 'col', text: t })))),
      usageBody));

  async function loadUsage(alive) {
    const m = month.input.value || current;
    csv.setAttribute('href', '/api/v1/platform/usage.csv' + query({ month: m }));
    try {
      const r = await api('GET', '/api/v1/platform/usage' + query({ month: m }));
      if (alive && !alive()) return;
      usageBody.textContent = '';
      const items = (r && r.items) || [];
      if (!items.length) {
        usageBody.appendChild(h('tr', { class: 'table__message' },
          h('td', { colspan: '5', text: 'No hay mediciones de ese mes.' })));
      }
      items.forEach((u) => {
        const cells = [[u.name, 'Plantel'], [count(u.students), 'Estudiantes'], [count(u.users), 'Usuarios'],
          [count(u.monthly_active_users), 'Activos en el mes'], [size(u.storage_bytes), 'Almacenamiento']];
        usageBody.appendChild(h('tr', null, cells.map((c) => h('td', { 'data-label': c[1], text: c[0] }))));
      });
    } catch (err) {
      if (!err.handled) errors.show('No se pudo cargar el uso del mes: ' + err.message);
    }
  }
  month.input.addEventListener('change', () => loadUsage(null));

  const alive = setView('Estadísticas de la red', [
    h('div', { class: 'page-head' },
      h('h1', { tabindex: '-1', text: 'Estadísticas de la red' }),
      h('p', { class: 'muted page-head__intro', text: 'Cifras de todos los planteles juntos, sin nombres de personas. Una cifra que saldría de menos de 3 planteles no se muestra.' })),
    errors,
    h('div', { class: 'stack' },
      card('Cifras de la red', null, [asOf, tiles], 'card--wide'),
      card('Planteles activos', 'Cantidad de planteles activos en cada día registrado.', plot('schools.svg', 'Gráfico de planteles activos por día')),
      card('Estudiantes', 'Estudiantes activos de toda la red en cada día registrado.', plot('students.svg', 'Gráfico de estudiantes activos por día')),
      card('Asistencia', 'Porcentaje de estudiantes presentes en los últimos 30 días: el promedio de los planteles que registran asistencia.', attendance, 'card--wide'),
      card('Uso por plantel', 'Para la facturación: estudiantes, usuarios, usuarios que ingresaron en el mes y espacio ocupado, según la última medición del mes.',
        [h('div', { class: 'form-grid' }, month.wrap), h('p', { class: 'form-actions' }, csv), usageTable], 'card--wide'))
  ], ctx.moveFocus);

  api('GET', '/api/v1/platform/statistics').then((s) => {
    if (!alive()) return;
    attendance.textContent = '';
    attendance.appendChild(s.attendance_rate_pct === null || s.attendance_rate_pct === undefined
      ? h('p', { class: 'muted', text: 'La tasa de asistencia de la red se muestra cuando al menos 3 planteles registran asistencia. Por ahora no hay registros de asistencia suficientes.' })
      : h('dl', { class: 'tiles' }, tile('Asistencia, últimos 30 días', s.attendance_rate_pct + ' %')));
    if (!s.computed_at) {
      asOf.textContent = 'Aún sin datos: las cifras se calculan en segundo plano poco después de iniciar el servidor. Vuelva en unos minutos.';
      return;
    }
    asOf.textContent = 'Cifras al ' + formatInstant(s.computed_at) + '.' +
      (s.insufficient ? ' Hay menos de 3 planteles medidos: las cifras de sus datos se muestran como «insuficiente».' : '');
    const n = (v) => (v === null || v === undefined ? null : count(v));
    const users = s.users || {};
    const total = [users.school_admin, users.teacher, users.parent];
    [tile('Planteles', count(s.schools.total)),
     tile('Activos', count(s.schools.active)),
     tile('Estudiantes', n(s.students)),
     tile('Docentes', n(s.teachers)),
     tile('Usuarios', total.some((v) => v === null || v === undefined) ? null : count(total.reduce((a, b) => a + b, 0))),
     tile('Ingresaron este mes', n(s.monthly_active_users))].forEach((t) => tiles.appendChild(t));
  }).catch((err) => { if (alive() && !err.handled) errors.show('No se pudieron cargar las cifras: ' + err.message); });
  loadUsage(alive);
}
