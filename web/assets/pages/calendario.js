/*
 * Page /calendario (school admins): "Calendario escolar" (issue #16, part
 * calendar). The school year month by month (GET /api/v1/calendar): each
 * month a small calendar with its non-school days coloured by kind and
 * named, and a list of them with a button to remove each (DELETE
 * /api/v1/calendar/days/{id}); the year's count of días hábiles against the
 * 200 the law requires, with a warning under 200; a form to add a break, a
 * closure or a holiday as a range of dates (POST /api/v1/calendar/days);
 * and a button that re-adds the national holidays that are missing (POST
 * /api/v1/calendar/holidays). Every write answers the calendar as it now
 * stands, and the page redraws from it. Its stylesheet sits beside it.
 */
import { h, clear, loadStylesheet } from '../core/dom.js';
import { api, query } from '../core/api.js';
import { messageArea, field, onSubmit, setBusy } from '../core/forms.js';
import { card } from '../core/ui.js';
import { setView } from '../core/shell.js';
import { pageHead, guard, formatDate, link, todayIso } from './records.js';

const TITLE = 'Calendario escolar';
const MONTHS = ['enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto',
  'septiembre', 'octubre', 'noviembre', 'diciembre'];
const WEEKDAYS = ['Lu', 'Ma', 'Mi', 'Ju', 'Vi', 'Sá', 'Do'];
const WEEKDAY_NAMES = ['lunes', 'martes', 'miércoles', 'jueves', 'viernes', 'sábado', 'domingo'];
const KIND_LABELS = { vacaciones: 'Vacaciones', cierre: 'Cierre del plantel', feriado: 'Feriado', otro: 'Otro motivo' };


/* Dates as UTC noon, so no time zone moves a day. */
function toDate(iso) { return new Date(iso + 'T12:00:00Z'); }
function isoOf(d) { return d.toISOString().slice(0, 10); }
function weekdayIndex(iso) { return (toDate(iso).getUTCDay() + 6) % 7; } /* 0 Monday */
function capital(s) { return s.charAt(0).toUpperCase() + s.slice(1); }
function monthTitle(ym) { return capital(MONTHS[Number(ym.slice(5, 7)) - 1]) + ' ' + ym.slice(0, 4); }
function longDate(iso) {
  return WEEKDAY_NAMES[weekdayIndex(iso)] + ' ' + Number(iso.slice(8, 10)) + ' de ' + MONTHS[Number(iso.slice(5, 7)) - 1];
}
function plural(n, one, many) { return n + ' ' + (n === 1 ? one : many); }

export async function show(ctx) {
  if (!guard(TITLE, ctx.moveFocus)) return;
  await loadStylesheet('/assets/pages/calendario.css');
  if (!ctx.current()) return;
  const errors = messageArea('error');
  const status = messageArea('status');

  const yearSelect = h('select', { id: 'cal-year', name: 'year_id' }, h('option', { value: '', text: 'Año escolar actual' }));
  const yearPicker = h('div', { class: 'field cal-year' }, h('label', { for: 'cal-year', text: 'Año escolar' }), yearSelect);
  const summary = h('div', { class: 'cal-summary', 'aria-live': 'polite' }, h('p', { class: 'muted', text: 'Cargando el calendario…' }));
  const months = h('div', { class: 'cal-months' });

  /* Adding days */
  const formErrors = messageArea('error');
  const inputs = {};
  function f(name, opts) { const x = field(Object.assign({ name: name }, opts)); inputs[name] = x.input; return x.wrap; }
  const submit = h('button', { type: 'submit', class: 'btn btn--primary', text: 'Agregar al calendario' });
  const form = h('form', { class: 'form', novalidate: true }, formErrors,
    h('div', { class: 'form-grid' },
      f('name', { label: 'Nombre', maxlength: '100', required: true, placeholder: 'Vacaciones de Navidad, elecciones…' }),
      f('kind', { label: 'Tipo', options: Object.keys(KIND_LABELS).map((k) => ({ value: k, label: KIND_LABELS[k] })), value: 'vacaciones' }),
      f('from', { label: 'Desde', type: 'date', required: true }),
      f('to', { label: 'Hasta', type: 'date' })),
    h('p', { class: 'cal-form-note muted', text: 'Deje «Hasta» vacío si es un solo día. Los sábados y domingos no se cuentan.' }),
    h('div', { class: 'form-actions' }, submit));

  const restore = h('button', { type: 'button', class: 'btn btn--secondary', text: 'Restablecer feriados nacionales' });

  const alive = setView(TITLE, [
    pageHead(TITLE, 'Los días sin clases del año escolar: feriados, vacaciones y cierres. Los días hábiles de la asistencia y del informe mensual salen de este calendario.', [restore]),
    status, errors,
    h('div', { class: 'stack' },
      card('Resumen del año', null, [yearPicker, summary], 'card--wide'),
      card('Agregar vacaciones, un cierre o un feriado', 'Marque un día o un rango de fechas en que no habrá clases.', form, 'card--wide'),
      h('section', { class: 'card card--wide', 'aria-label': 'Meses del año escolar' },
        h('h2', { class: 'card__title', text: 'Mes a mes' }), legend(), months))
  ], ctx.moveFocus);

  let current = null; /* the calendar shown */

  function legend() {
    return h('ul', { class: 'cal-legend', 'aria-label': 'Colores del calendario' },
      h('li', null, h('span', { class: 'cal-swatch cal-day--school', 'aria-hidden': 'true' }), 'Día hábil'),
      ['feriado', 'vacaciones', 'cierre', 'otro'].map((k) =>
        h('li', null, h('span', { class: 'cal-swatch cal-day--' + k, 'aria-hidden': 'true' }), KIND_LABELS[k])),
      h('li', null, h('span', { class: 'cal-swatch cal-day--weekend', 'aria-hidden': 'true' }), 'Sábado o domingo'));
  }

  function drawSummary(cal) {
    clear(summary);
    const y = cal.year;
    const short = cal.required - cal.school_days;
    summary.appendChild(h('p', { class: 'cal-count' + (short > 0 ? ' cal-count--short' : '') },
      h('span', { class: 'cal-count__label', text: 'Días hábiles: ' }),
      h('strong', { text: cal.school_days + ' de ' + cal.required + ' requeridos' })));
    summary.appendChild(h('p', { class: 'muted', text: 'Año escolar ' + y.name + ', del ' + formatDate(y.starts_on) + ' al ' + formatDate(y.ends_on) + ': ' +
      plural(cal.weekdays, 'día de lunes a viernes', 'días de lunes a viernes') + ', ' +
      plural(cal.weekdays - cal.school_days, 'sin clases', 'sin clases') + '.' }));
    if (!cal.days.some((d) => d.kind === 'feriado')) {
      /* a year made before the calendar existed has none */
      summary.appendChild(h('p', { class: 'notice notice--info',
        text: 'Este año no tiene feriados nacionales en el calendario. Pulse «Restablecer feriados nacionales» para agregarlos.' }));
    }
    if (short > 0) {
      summary.appendChild(h('p', { class: 'notice cal-notice--warn', role: 'note',
        text: 'Faltan ' + plural(short, 'día hábil', 'días hábiles') + ' para los ' + cal.required + ' que exige la ley. Revise las vacaciones y los cierres, o las fechas del año escolar en Estructura.' }));
    } else {
      summary.appendChild(h('p', { class: 'notice notice--success', text: 'El año cumple los ' + cal.required + ' días hábiles que exige la ley.' }));
    }
  }

  /* Removes the days (one request each; the last reply is the calendar). */
  async function removeDays(button, days, what) {
    if (!window.confirm('¿Quitar ' + what + '? ' + (days.length === 1 ? 'Ese día vuelve' : 'Esos días vuelven') + ' a ser ' + (days.length === 1 ? 'día hábil.' : 'días hábiles.'))) return;
    errors.clear();
    status.clear();
    setBusy(button, true, 'Quitando…');
    try {
      let cal = null;
      for (const day of days) cal = await api('DELETE', '/api/v1/calendar/days/' + day.id);
      if (!alive()) return;
      draw(cal);
      status.show('Se quitó ' + what + '. Días hábiles: ' + cal.school_days + '.');
    } catch (err) {
      setBusy(button, false);
      if (!err.handled) errors.show(err.message);
      if (alive()) load(current ? current.year.id : null);
    }
  }

  /* A coloured day of the small calendar: a button that removes it. */
  function dayButton(day, iso) {
    const b = h('button', { type: 'button', class: 'cal-day__btn', text: String(Number(iso.slice(8, 10))),
      'aria-label': 'Quitar ' + day.name + ' del ' + formatDate(iso),
      title: day.name + ' (' + KIND_LABELS[day.kind].toLowerCase() + '). Pulse para quitarlo.' });
    b.addEventListener('click', () => removeDays(b, [day], '«' + day.name + '» del ' + formatDate(iso)));
    return b;
  }

  /* The month's non-school days as runs: consecutive days (weekends between
   * them do not break a run) of the same kind and name. */
  function runsOf(days) {
    const runs = [];
    days.forEach((d) => {
      const last = runs[runs.length - 1];
      if (last && last.kind === d.kind && last.name === d.name) {
        let gap = true;
        for (let x = isoOf(new Date(toDate(last.to).getTime() + 86400000)); x < d.date; x = isoOf(new Date(toDate(x).getTime() + 86400000))) {
          if (weekdayIndex(x) < 5) { gap = false; break; }
        }
        if (gap) { last.to = d.date; last.days.push(d); return; }
      }
      runs.push({ kind: d.kind, name: d.name, from: d.date, to: d.date, days: [d] });
    });
    return runs;
  }

  function runItem(run) {
    const one = run.from === run.to;
    const mon = MONTHS[Number(run.from.slice(5, 7)) - 1].slice(0, 3);
    const when = one ? Number(run.from.slice(8, 10)) + ' ' + mon
      : Number(run.from.slice(8, 10)) + ' al ' + Number(run.to.slice(8, 10)) + ' ' + mon;
    const what = '«' + run.name + '» ' + (one ? 'del ' + formatDate(run.from) : 'del ' + formatDate(run.from) + ' al ' + formatDate(run.to));
    const b = h('button', { type: 'button', class: 'btn btn--ghost btn--small', text: 'Quitar',
      'aria-label': 'Quitar ' + run.name + ' (' + (one ? formatDate(run.from) : formatDate(run.from) + ' al ' + formatDate(run.to)) + ')' });
    b.addEventListener('click', () => removeDays(b, run.days, what));
    return h('li', { class: 'cal-list__item' },
      h('span', { class: 'cal-list__text' },
        h('strong', { class: 'cal-list__when', text: when }), ' ', run.name, ' ',
        h('span', { class: 'cal-kind cal-day--' + run.kind, text: KIND_LABELS[run.kind] + (run.days.length > 1 ? ' · ' + run.days.length + ' días' : '') })),
      b);
  }

  function monthCard(m, byDate, cal) {
    const first = m.month + '-01';
    const d0 = toDate(first);
    const next = new Date(Date.UTC(d0.getUTCFullYear(), d0.getUTCMonth() + 1, 1, 12));
    const last = isoOf(new Date(next.getTime() - 86400000));
    const today = todayIso();
    const rows = [];
    let week = [];
    for (let i = 0; i < weekdayIndex(first); i++) week.push(h('td', { class: 'cal-day cal-day--blank', role: 'presentation' }));
    const listed = [];
    for (let d = toDate(first); isoOf(d) <= last; d = new Date(d.getTime() + 86400000)) {
      const iso = isoOf(d);
      const w = weekdayIndex(iso);
      const day = byDate[iso];
      let cls = 'cal-day';
      let what = '';
      if (iso < cal.year.starts_on || iso > cal.year.ends_on) { cls += ' cal-day--outside'; what = 'fuera del año escolar'; }
      else if (day) { cls += ' cal-day--' + day.kind; what = day.name + ' (' + KIND_LABELS[day.kind].toLowerCase() + ')'; listed.push(day); }
      else if (w >= 5) { cls += ' cal-day--weekend'; what = 'sin clases'; }
      else { cls += ' cal-day--school'; what = 'día hábil'; }
      if (iso === today) cls += ' cal-day--today';
      week.push(day && !cls.includes('outside')
        ? h('td', { class: cls }, dayButton(day, iso))
        : h('td', { class: cls, title: what ? capital(what) : null },
          h('span', { 'aria-hidden': 'true', text: String(d.getUTCDate()) }),
          h('span', { class: 'visually-hidden', text: longDate(iso) + ': ' + what })));
      if (w === 6) { rows.push(h('tr', null, week)); week = []; }
    }
    if (week.length) {
      while (week.length < 7) week.push(h('td', { class: 'cal-day cal-day--blank', role: 'presentation' }));
      rows.push(h('tr', null, week));
    }
    const title = monthTitle(m.month);
    const table = h('table', { class: 'cal-grid' },
      h('caption', { class: 'visually-hidden', text: title }),
      h('thead', null, h('tr', null, WEEKDAYS.map((x, i) => h('th', { scope: 'col', abbr: WEEKDAY_NAMES[i], text: x })))),
      h('tbody', null, rows));
    const list = listed.length
      ? h('ul', { class: 'cal-list', 'aria-label': 'Días sin clases de ' + title }, runsOf(listed).map(runItem))
      : h('p', { class: 'cal-list__none muted', text: 'Sin feriados ni vacaciones este mes.' });
    return h('section', { class: 'cal-month', 'aria-label': title },
      h('h3', { class: 'cal-month__title' }, title,
        h('span', { class: 'cal-month__count', text: plural(m.school_days, 'día hábil', 'días hábiles') })),
      table, list);
  }

  function draw(cal) {
    current = cal;
    drawSummary(cal);
    const byDate = {};
    cal.days.forEach((d) => { byDate[d.date] = d; });
    clear(months);
    cal.months.forEach((m) => months.appendChild(monthCard(m, byDate, cal)));
    inputs.from.min = inputs.to.min = cal.year.starts_on;
    inputs.from.max = inputs.to.max = cal.year.ends_on;
  }

  function noYear() {
    clear(summary);
    clear(months);
    summary.appendChild(h('p', { text: 'El plantel aún no tiene un año escolar. Créelo en Estructura y el calendario se llenará con los feriados nacionales.' }));
    summary.appendChild(h('p', null, link('/estructura', 'Ir a Estructura', 'btn btn--secondary')));
    restore.disabled = true;
    submit.disabled = true;
  }

  async function load(yearId) {
    errors.clear();
    try {
      const cal = await api('GET', '/api/v1/calendar' + query({ year_id: yearId || undefined }));
      if (!alive()) return;
      restore.disabled = false;
      submit.disabled = false;
      draw(cal);
    } catch (err) {
      if (!alive() || err.handled) return;
      if (err.status === 404) { noYear(); return; }
      clear(summary);
      summary.appendChild(h('p', { class: 'muted', text: 'No se pudo cargar el calendario.' }));
      errors.show(err.message);
    }
  }

  async function loadYears() {
    try {
      const r = await api('GET', '/api/v1/years');
      if (!alive()) return;
      (r.items || []).forEach((y) => {
        yearSelect.appendChild(h('option', { value: String(y.id), text: y.name + (y.is_current ? ' (actual)' : '') }));
      });
      if ((r.items || []).length < 2) yearPicker.hidden = true;
    } catch (err) {
      yearPicker.hidden = true; /* the current year is shown anyway */
    }
  }

  yearSelect.addEventListener('change', () => { status.clear(); load(yearSelect.value); });

  onSubmit(form, {
    submit: submit, busy: 'Agregando…', errors: formErrors, status: status, inputs: inputs,
    required: [inputs.name, inputs.from],
    send: async () => {
      const body = { from: inputs.from.value, kind: inputs.kind.value, name: inputs.name.value.trim() };
      if (inputs.to.value) body.to = inputs.to.value;
      if (current) body.year_id = current.year.id;
      const r = await api('POST', '/api/v1/calendar/days', body);
      if (!alive()) return;
      draw(r.calendar);
      status.show(r.added
        ? (r.added === 1 ? 'Se marcó 1 día' : 'Se marcaron ' + r.added + ' días') + ' como «' + body.name + '». Días hábiles: ' + r.calendar.school_days + '.'
        : 'Esas fechas ya estaban marcadas así: no cambió nada.');
      form.reset();
      inputs.kind.value = 'vacaciones';
    }
  });

  restore.addEventListener('click', async () => {
    errors.clear();
    status.clear();
    setBusy(restore, true, 'Restableciendo…');
    try {
      const r = await api('POST', '/api/v1/calendar/holidays', current ? { year_id: current.year.id } : {});
      if (!alive()) return;
      draw(r.calendar);
      status.show(r.added
        ? (r.added === 1 ? 'Se agregó 1 feriado nacional que faltaba' : 'Se agregaron ' + r.added + ' feriados nacionales que faltaban') + '. Días hábiles: ' + r.calendar.school_days + '.'
        : 'No faltaba ningún feriado nacional.');
    } catch (err) {
      if (!err.handled) errors.show(err.message);
    } finally {
      setBusy(restore, false);
    }
  });

  await Promise.all([loadYears(), load(null)]);
}
