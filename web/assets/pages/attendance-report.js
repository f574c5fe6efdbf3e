/*
 * Page /reportes/asistencia (issue #16, part report): the monthly
 * attendance report the school sends the Ministry, for school admins.
 * A month picker (this month and the eleven before it), the table per
 * grade as GET /api/v1/reports/attendance-monthly answers it (sections,
 * V, H, total, días hábiles, the attendance sum with its V/H split,
 * promedio, porcentaje, days not taken), its .xlsx and PDF downloads, a
 * plot of each school day's attendance by grade (inline SVG drawn here
 * from the report's `daily` list: present over the students whose section
 * was taken that day; a day no section of the grade took is a gap, never
 * a zero), the month's enrolment movement, and the students at risk of
 * chronic absence over the last 30 days (GET /api/v1/reports/
 * chronic-absence) with their representatives' phones and emails to call.
 */
import { h, clear } from '../core/dom.js';
import { api, query } from '../core/api.js';
import { messageArea, field } from '../core/forms.js';
import { card, dataTable, tableOf } from '../core/ui.js';
import { setView } from '../core/shell.js';
import { state } from '../core/state.js';
import { pageHead } from './records.js';

const MONTHS = ['enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto',
  'septiembre', 'octubre', 'noviembre', 'diciembre'];
const COLORS = ['#1f5fa8', '#c0392b', '#2e8b57', '#8e44ad', '#d35400', '#16a085', '#7f6000', '#c2185b',
  '#34495e', '#6d8b00', '#0097a7', '#9c640c', '#5d4037', '#455a64', '#ad1457', '#283593', '#00695c'];
const SVG = 'http://www.w3.org/2000/svg';

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

function lastMonths(current) {
  let y = Number(current.slice(0, 4)), m = Number(current.slice(5, 7));
  const out = [];
  for (let i = 0; i < 12; i++) {
    out.push({ value: y + '-' + String(m).padStart(2, '0'), label: MONTHS[m - 1] + ' de ' + y });
    if (--m === 0) { m = 12; y--; }
  }
  return out;
}

function num(v, digits) {
  if (v === null || v === undefined) return '—';
  return Number(v).toLocaleString('es-VE', { minimumFractionDigits: digits || 0, maximumFractionDigits: digits || 0 });
}

function dayLabel(iso) {
  return String(Number(iso.slice(8, 10)));
}

function svg(tag, attrs, text) {
  const el = document.createElementNS(SVG, tag);
  Object.keys(attrs || {}).forEach((k) => el.setAttribute(k, String(attrs[k])));
  if (text !== undefined) el.textContent = text;
  return el;
}

/* The plot of each school day's attendance % by grade. */
function plot(report) {
  /* a phone gets a narrower drawing, so its text stays readable */
  const narrow = window.matchMedia('(max-width: 47.99rem)').matches;
  const W = narrow ? 340 : 640, H = narrow ? 240 : 260, L = 40, R = 12, T = 12, B = 34;
  const days = report.daily || [];
  const grades = report.grades || [];
  const series = grades.map((g, i) => ({
    grade: g.grade, color: COLORS[i % COLORS.length],
    points: days.map((d, k) => {
      const c = (d.grades || []).find((x) => x.grade_id === g.grade_id);
      return c && c.taken > 0 ? { k: k, pct: 100 * c.present / c.taken } : null;
    })
  }));
  const values = [];
  series.forEach((s) => s.points.forEach((p) => { if (p) values.push(p.pct); }));
  const wrap = h('figure', { class: 'plot attendance-plot' });
  if (!days.length || !values.length) {
    wrap.appendChild(h('p', { class: 'muted', text: days.length ? 'Aún no hay asistencia registrada en este mes.' : 'Este mes no tiene días hábiles.' }));
    return wrap;
  }
  /* the scale starts at a round ten below the lowest day, so small drops show */
  const low = Math.max(0, Math.min(80, Math.floor(Math.min(...values) / 10) * 10));
  const x = (k) => L + (days.length === 1 ? (W - L - R) / 2 : k * (W - L - R) / (days.length - 1));
  const y = (pct) => T + (100 - pct) * (H - T - B) / (100 - low);
  const root = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, class: 'attendance-plot__svg', role: 'img',
    'aria-label': 'Asistencia diaria por grado, en porcentaje, de ' + report.month_label });
  root.appendChild(svg('title', {}, 'Asistencia diaria por grado (%)'));
  for (let v = low; v <= 100; v += 10) {
    root.appendChild(svg('line', { x1: L, x2: W - R, y1: y(v), y2: y(v), stroke: '#d0d5dd', 'stroke-width': 1 }));
    root.appendChild(svg('text', { x: L - 6, y: y(v) + 4, 'text-anchor': 'end', 'font-size': 11, fill: '#555' }, v + ' %'));
  }
  const step = Math.ceil(days.length / (narrow ? 6 : 12));
  days.forEach((d, k) => {
    const lastK = days.length - 1;
    if (k === lastK || (k % step === 0 && lastK - k >= step * 0.6)) {
      root.appendChild(svg('text', { x: x(k), y: H - B + 16, 'text-anchor': 'middle', 'font-size': 11, fill: '#555' }, dayLabel(d.date)));
    }
  });
  root.appendChild(svg('text', { x: (L + W - R) / 2, y: H - 4, 'text-anchor': 'middle', 'font-size': 11, fill: '#555' }, 'Días hábiles de ' + report.month_label));
  /* the school's own line: present over taken, all grades together */
  series.push({
    grade: 'Todo el plantel', color: '#111', school: true,
    points: days.map((d, k) => {
      let present = 0, taken = 0;
      (d.grades || []).forEach((c) => { present += c.present; taken += c.taken; });
      return taken > 0 ? { k: k, pct: 100 * present / taken } : null;
    })
  });
  const groups = [];
  series.forEach((s) => {
    const g = svg('g', { class: 'plot-series' });
    groups.push(g);
    let path = '';
    let open = false;
    s.points.forEach((p) => {
      if (!p) { open = false; return; }
      path += (open ? ' L' : ' M') + x(p.k).toFixed(1) + ' ' + y(p.pct).toFixed(1);
      open = true;
    });
    if (path) {
      g.appendChild(svg('path', { d: path.trim(), fill: 'none', stroke: s.color, 'stroke-width': s.school ? 3 : 1.5,
        'stroke-dasharray': s.school ? '6 3' : 'none' }));
    }
    s.points.forEach((p) => {
      if (!p) return;
      const dot = svg('circle', { cx: x(p.k), cy: y(p.pct), r: s.school ? 3 : 2.5, fill: s.color });
      dot.appendChild(svg('title', {}, s.grade + ', día ' + dayLabel(days[p.k].date) + ': ' + num(p.pct, 1) + ' %'));
      g.appendChild(dot);
    });
    root.appendChild(g);
  });
  wrap.appendChild(root);
  /* the legend: a button per line; pressing one brings it forward and
   * fades the others, pressing it again shows them all */
  let chosen = -1;
  const buttons = series.map((s, i) => {
    const swatch = svg('svg', { width: 14, height: 14, viewBox: '0 0 14 14', 'aria-hidden': 'true' });
    swatch.appendChild(svg('rect', { x: 1, y: 1, width: 12, height: 12, rx: 2, fill: s.color }));
    const b = h('button', { type: 'button', class: 'plot-legend__item', 'aria-pressed': 'false' }, swatch, s.grade);
    b.addEventListener('click', () => {
      chosen = chosen === i ? -1 : i;
      buttons.forEach((x, k) => x.setAttribute('aria-pressed', String(k === chosen)));
      groups.forEach((g, k) => {
        g.setAttribute('opacity', chosen < 0 || k === chosen ? '1' : '0.12');
        if (k === chosen) root.appendChild(g);
      });
    });
    return b;
  });
  wrap.appendChild(h('div', { class: 'plot-legend', role: 'group', 'aria-label': 'Destacar un grado en el gráfico' }, buttons));
  wrap.appendChild(h('figcaption', { class: 'muted', text: 'Porcentaje de estudiantes presentes entre los de las secciones que registraron asistencia ese día; la línea punteada es todo el plantel. Toque un grado para destacarlo. Un día sin registro queda en blanco.' }));
  return wrap;
}

function reportTable() {
  const wrap = dataTable('Resumen mensual de asistencia por grado', [
    { label: 'Grado' }, { label: 'Secciones', class: 'num' }, { label: 'V', class: 'num' }, { label: 'H', class: 'num' },
    { label: 'Total', class: 'num' }, { label: 'Días hábiles', class: 'num' }, { label: 'Asistencia V', class: 'num' },
    { label: 'Asistencia H', class: 'num' }, { label: 'Sumatoria', class: 'num' }, { label: 'Promedio', class: 'num' },
    { label: 'Porcentaje', class: 'num' }, { label: 'Días sin registro', class: 'num' }]);
  tableOf(wrap).classList.add('table--report');
  return wrap;
}

function lineCells(g, days) {
  return [g.grade, num(g.sections), num(g.v), num(g.h), num(g.total), num(days), num(g.attendance_sum_v),
    num(g.attendance_sum_h), num(g.attendance_sum), num(g.average, 2),
    g.percent === null ? '—' : num(g.percent, 1) + ' %',
    g.days_not_taken ? h('span', { class: 'badge badge--warn', text: String(g.days_not_taken) }) : '0'];
}

function movementTable(m) {
  const wrap = dataTable('Movimiento de matrícula del mes', [
    { label: 'Matrícula' }, { label: 'V', class: 'num' }, { label: 'H', class: 'num' }, { label: 'Total', class: 'num' }]);
  const t = tableOf(wrap);
  [['Inicial', m.initial], ['Ingresos', m.ingresos], ['Egresos', m.egresos], ['Final', m.final]].forEach(([label, x]) => {
    t.addRow([label, num(x.v), num(x.h), num(x.total)], label === 'Final' ? 'row--total' : null);
  });
  return wrap;
}

function contacts(reps) {
  if (!reps || !reps.length) return h('span', { class: 'muted', text: 'Sin representantes registrados' });
  return h('ul', { class: 'plain-list' }, reps.map((r) => h('li', null,
    h('strong', { text: r.name }), r.relationship ? ' (' + r.relationship + ')' : '',
    r.phone ? [' · ', h('a', { href: 'tel:' + r.phone.replace(/[^0-9+]/g, ''), text: r.phone })] : '',
    r.email ? [' · ', h('a', { href: 'mailto:' + r.email, text: r.email })] : '')));
}

export function show(ctx) {
  const errors = messageArea('error');
  const current = thisMonth();
  const month = field({ name: 'month', label: 'Mes', options: lastMonths(current), value: current });
  const xlsx = h('a', { class: 'btn btn--secondary download', download: '', text: 'Descargar planilla (Excel)' });
  const pdf = h('a', { class: 'btn btn--secondary download', download: '', text: 'Descargar para imprimir (PDF)' });
  const summary = h('p', { class: 'muted', role: 'status', text: 'Cargando el resumen…' });
  const tableWrap = reportTable();
  const plotWrap = h('div');
  const moveWrap = h('div');
  const chronicStatus = h('p', { class: 'muted', role: 'status', text: 'Cargando…' });
  const chronicWrap = dataTable('Estudiantes con inasistencia frecuente', [
    { label: 'Estudiante' }, { label: 'Sección' }, { label: 'Asistencia', class: 'num' },
    { label: 'Días registrados', class: 'num' }, { label: 'Riesgo' }, { label: 'A quién llamar' }]);

  async function loadMonth(alive) {
    const m = month.input.value || current;
    xlsx.setAttribute('href', '/api/v1/reports/attendance-monthly' + query({ month: m, format: 'xlsx' }));
    pdf.setAttribute('href', '/api/v1/reports/attendance-monthly' + query({ month: m, format: 'pdf' }));
    summary.textContent = 'Cargando el resumen…';
    try {
      const r = await api('GET', '/api/v1/reports/attendance-monthly' + query({ month: m }));
      if (alive && !alive()) return;
      const t = tableOf(tableWrap);
      t.clearRows();
      if (!r.year) {
        summary.textContent = 'Ningún año escolar del plantel abarca ' + r.month_label + '.';
      } else {
        const missing = r.totals.days_not_taken;
        summary.textContent = 'Año escolar ' + r.year.name + ' · Días hábiles: ' + r.school_days +
          (missing ? ' · ' + missing + (missing === 1 ? ' día hábil con alguna sección sin registro.' : ' días hábiles con alguna sección sin registro.')
            : ' · Todas las secciones registraron asistencia.');
      }
      if (!r.grades.length) {
        t.setMessage('No hubo estudiantes inscritos en ' + r.month_label + '.');
      } else {
        r.grades.forEach((g) => t.addRow(lineCells(g, r.school_days)));
        t.addRow(lineCells(Object.assign({}, r.totals, { grade: 'Total' }), r.school_days), 'row--total');
      }
      clear(plotWrap);
      plotWrap.appendChild(plot(r));
      clear(moveWrap);
      moveWrap.appendChild(movementTable(r.movement));
    } catch (err) {
      summary.textContent = '';
      if (!err.handled) errors.show('No se pudo cargar el resumen: ' + err.message);
    }
  }

  async function loadChronic(alive) {
    try {
      const r = await api('GET', '/api/v1/reports/chronic-absence');
      if (!alive()) return;
      const t = tableOf(chronicWrap);
      t.clearRows();
      chronicStatus.textContent = 'Del ' + r.from.split('-').reverse().join('/') + ' al ' + r.as_of.split('-').reverse().join('/') +
        ': estudiantes con al menos ' + r.min_recorded_days + ' días registrados y menos de 80 % de asistencia.';
      if (!r.items.length) t.setMessage('Ningún estudiante está en riesgo por inasistencia.');
      r.items.forEach((s) => {
        const level = s.level === 'critico'
          ? h('span', { class: 'badge badge--danger', text: 'Crítico' })
          : h('span', { class: 'badge badge--warn', text: 'Alto' });
        t.addRow([s.names, s.section, num(s.percent, 1) + ' %', num(s.recorded_days), level, contacts(s.representatives)],
          s.level === 'critico' ? 'row--warn' : null);
      });
    } catch (err) {
      chronicStatus.textContent = '';
      if (alive() && !err.handled) errors.show('No se pudo cargar la lista de inasistencia frecuente: ' + err.message);
    }
  }

  month.input.addEventListener('change', () => loadMonth(null));
  const alive = setView('Informe de asistencia', [
    pageHead('Informe de asistencia', 'El resumen mensual por grado que el plantel envía al Ministerio, y los estudiantes que faltan con frecuencia.', null),
    errors,
    h('div', { class: 'stack' },
      card('Resumen del mes', 'Matrícula del último día hábil del mes. Un día sin registro no se cuenta como inasistencia: aparece en «Días sin registro».',
        [h('div', { class: 'form-grid' }, month.wrap), summary,
          h('p', { class: 'form-actions' }, xlsx, ' ', pdf), tableWrap], 'card--wide'),
      card('Asistencia diaria por grado', null, plotWrap, 'card--wide'),
      card('Movimiento de matrícula', 'Inicial + ingresos − egresos = final. Un cambio de sección no es ingreso ni egreso.', moveWrap, 'card--wide'),
      card('Inasistencia frecuente (últimos 30 días)', 'Llame a los representantes: riesgo alto por debajo de 80 % de asistencia, crítico por debajo de 70 %.',
        [chronicStatus, chronicWrap], 'card--wide'))
  ], ctx.moveFocus);
  loadMonth(alive);
  loadChronic(alive);
}
