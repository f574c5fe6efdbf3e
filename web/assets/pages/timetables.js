/*
 * Page /horarios: the school's timetables (issue #15, part generate). The
 * list (active, drafts, archived) with each one's state and cost; "Generar
 * horario" with a time limit starts a generation in the background (the
 * server answers at once) and the page polls it, showing a progress bar
 * and a "Cancelar" button until it ends; each draft can be activated,
 * compared with the active one or discarded; "Ver informe" shows the cost
 * by rule and every unmet preference or rule in words. Set-up problems the
 * server finds before searching are listed as they come (Spanish).
 */
import { h, clear } from '../core/dom.js';
import { api } from '../core/api.js';
import { messageArea, field, setBusy, showApiError } from '../core/forms.js';
import { card, dataTable, tableOf } from '../core/ui.js';
import { setView } from '../core/shell.js';
import { formatInstant } from '../core/state.js';
import { pageHead, guard } from './records.js';

const DAYS = ['', 'lunes', 'martes', 'miércoles', 'jueves', 'viernes', 'sábado', 'domingo'];
const STATUS = { draft: 'Borrador', active: 'Activo', archived: 'Archivado' };
const STATUS_BADGE = { draft: 'pending', active: 'active', archived: 'inactive' };
const JOB = { queued: 'En cola', running: 'Generando…', failed: 'No se pudo generar', cancelled: 'Cancelado' };
const LIMITS = [
  { value: '10', label: '10 segundos' },
  { value: '30', label: '30 segundos' },
  { value: '60', label: '1 minuto' },
  { value: '120', label: '2 minutos' },
  { value: '300', label: '5 minutos' }
];

function ordinal(n) { return n + '.ª hora'; }

export function costText(t) {
  if (!t.cost) return '—';
  const parts = [];
  parts.push(t.cost.hard === 0 ? 'Sin choques' : (t.cost.hard + (t.cost.hard === 1 ? ' choque' : ' choques')));
  parts.push('penalización ' + t.cost.soft);
  return parts.join(' · ');
}

function busy(t) { return t.job_state === 'queued' || t.job_state === 'running'; }

function lessonText(l) {
  const where = l.day ? DAYS[l.day] + ', ' + ordinal(l.period) + (l.length > 1 ? ' (' + l.length + ' horas)' : '') : 'sin colocar';
  return l.section + ' · ' + l.subject + (l.teacher ? ' · ' + l.teacher : '') + ' — ' + where;
}

export function show(ctx) {
  if (!guard('Horarios', ctx.moveFocus)) return;
  const errors = messageArea('error');
  const status = messageArea('status');
  let alive = () => false;
  let timer = null;

  /* --- Generate ---------------------------------------------------- */
  const name = field({ name: 'name', label: 'Nombre (opcional)', maxlength: 100, placeholder: 'Horario generado' });
  const limit = field({ name: 'time_limit', label: 'Tiempo máximo de búsqueda', options: LIMITS, value: '30',
    hint: 'La búsqueda termina antes si ya no puede mejorar el horario.' });
  const submit = h('button', { type: 'submit', class: 'btn', text: 'Generar horario' });
  const form = h('form', { class: 'form-grid', novalidate: true }, name.wrap, limit.wrap,
    h('div', { class: 'form-actions' }, submit));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    errors.clear();
    status.clear();
    setBusy(submit, true, 'Revisando…');
    try {
      const body = { generate: true, time_limit: Number(limit.input.value) };
      if (name.input.value.trim()) body.name = name.input.value.trim();
      const t = await api('POST', '/api/v1/timetables', body);
      if (!alive()) return;
      name.input.value = '';
      status.show('Se está generando «' + t.name + '». Puede seguir trabajando: el avance se muestra abajo.');
      await reload();
    } catch (err) {
      if (!alive()) return;
      if (err.code === 'timetable_setup' && err.body && err.body.error && err.body.error.problems) {
        errors.show(err.message, 'error', err.body.error.problems);
      } else {
        showApiError(err, errors, { name: name.input, time_limit: limit.input });
      }
    } finally {
      setBusy(submit, false);
    }
  });

  /* --- Progress of a running generation ---------------------------- */
  const progressBox = h('div', { class: 'stack' });

  function progressView(t) {
    const p = t.progress || {};
    const pct = t.job_state === 'queued' ? 0 : Math.max(0, Math.min(100, p.percent || 0));
    const bar = h('progress', { max: '100', value: String(pct), 'aria-label': 'Avance de «' + t.name + '»' });
    const line = t.job_state === 'queued' ? 'En cola: empezará en cuanto el generador esté libre.'
      : 'Buscando… ' + pct + ' %' + (p.iterations ? ' · choques: ' + p.hard + ' · penalización: ' + p.soft : '');
    const cancel = h('button', { type: 'button', class: 'btn btn--danger-ghost', text: 'Cancelar' });
    cancel.addEventListener('click', async () => {
      setBusy(cancel, true, 'Cancelando…');
      try {
        await api('POST', '/api/v1/timetables/' + t.id + '/cancel');
        if (alive()) status.show('Se canceló la generación de «' + t.name + '». Se conserva el mejor horario hallado hasta ahora.');
        await reload();
      } catch (err) {
        if (alive()) showApiError(err, errors, {});
        setBusy(cancel, false);
      }
    });
    return h('div', { class: 'tt-progress' },
      h('p', null, h('strong', { text: t.name })),
      bar, h('p', { class: 'muted', role: 'status', text: line }), cancel);
  }

  /* --- Report and comparison --------------------------------------- */
  const detail = h('div', { class: 'stack tt-detail' });

  function byRuleTable(rows, caption) {
    const wrap = dataTable(caption, [{ label: 'Regla' }, { label: 'Casos', class: 'num' }, { label: 'Choques', class: 'num' }, { label: 'Penalización', class: 'num' }]);
    const tb = tableOf(wrap);
    if (!rows || !rows.length) tb.setMessage('Nada que señalar: se cumplen todas las reglas y preferencias.');
    else rows.forEach((r) => tb.addRow([r.label, String(r.count), String(r.hard), String(r.soft)]));
    return wrap;
  }

  async function showReport(t) {
    errors.clear();
    try {
      const full = await api('GET', '/api/v1/timetables/' + t.id);
      if (!alive()) return;
      const rep = full.report || {};
      const list = h('ul', { class: 'tt-violations' });
      const all = rep.violations || [];
      const shown = 50;
      all.slice(0, shown).forEach((v) => list.appendChild(h('li', { class: v.hard ? 'tt-hard' : null, text: v.text })));
      const more = all.length > shown ? h('button', { type: 'button', class: 'btn btn--secondary', text: 'Mostrar las ' + all.length + ' observaciones' }) : null;
      if (more) more.addEventListener('click', () => { clear(list); all.forEach((v) => list.appendChild(h('li', { class: v.hard ? 'tt-hard' : null, text: v.text }))); more.remove(); });
      const notes = (rep.notes || []).map((n) => h('li', { text: n }));
      const placed = full.lessons.filter((l) => l.day).length;
      clear(detail);
      detail.appendChild(card('Informe de «' + full.name + '»', costText(full) + ' · ' + placed + ' de ' + full.lessons.length + ' clases colocadas' +
        (rep.seconds !== undefined ? ' · ' + rep.seconds.toFixed(1) + ' s de búsqueda' : ''),
      [full.error ? h('p', { class: 'notice notice--error', text: full.error }) : null,
        byRuleTable(rep.by_rule, 'Costo por regla'),
        notes.length ? h('div', null, h('h3', { text: 'Avisos' }), h('ul', null, notes)) : null,
        all.length ? h('div', null, h('h3', { text: 'Preferencias y reglas no cumplidas' }), list, more) : null], 'card--wide'));
      detail.querySelector('h2').focus && detail.scrollIntoView({ block: 'start' });
    } catch (err) {
      if (alive()) showApiError(err, errors, {});
    }
  }

  async function showCompare(t) {
    errors.clear();
    try {
      const c = await api('GET', '/api/v1/timetables/' + t.id + '/compare');
      if (!alive()) return;
      const side = (s, title) => h('div', null, h('h3', { text: title + ': «' + s.name + '»' }),
        h('p', { text: costText(s) }), byRuleTable(s.by_rule, 'Costo por regla de ' + s.name));
      const moved = h('ul', { class: 'tt-violations' }, c.only_in_timetable.slice(0, 40).map((l) => h('li', { text: lessonText(l) })));
      clear(detail);
      detail.appendChild(card('Comparación con el horario activo',
        c.lessons_moved === 0 ? 'Las clases están en los mismos lugares.' : c.lessons_moved + ' clases cambian de lugar respecto al horario activo.',
        [h('div', { class: 'tt-compare' }, side(c.timetable, 'Borrador'), side(c.active, 'Activo')),
          c.lessons_moved ? h('div', null, h('h3', { text: 'Dónde quedan en el borrador' }), moved,
            c.lessons_moved > 40 ? h('p', { class: 'muted', text: 'Y ' + (c.lessons_moved - 40) + ' más.' }) : null) : null], 'card--wide'));
    } catch (err) {
      if (alive()) showApiError(err, errors, {});
    }
  }

  /* --- The list ----------------------------------------------------- */
  const tableWrap = dataTable('Horarios del plantel', [
    { label: 'Nombre' }, { label: 'Estado' }, { label: 'Resultado' }, { label: 'Creado' }, { label: 'Acciones' }]);
  const table = tableOf(tableWrap);

  function actionButton(text, cls, fn) {
    const b = h('button', { type: 'button', class: 'btn ' + cls, text: text });
    b.addEventListener('click', async () => {
      errors.clear();
      status.clear();
      setBusy(b, true, text + '…');
      try { await fn(); } catch (err) { if (alive()) showApiError(err, errors, {}); }
      if (b.isConnected) setBusy(b, false);
    });
    return b;
  }

  function rowOf(t, hasActive) {
    const state = h('div', { class: 'tt-state' },
      h('span', { class: 'badge badge--' + STATUS_BADGE[t.status], text: STATUS[t.status] || t.status }),
      JOB[t.job_state] ? h('span', { class: 'badge badge--' + (t.job_state === 'failed' ? 'failed' : 'queued'), text: JOB[t.job_state] }) : null);
    const actions = [];
    if (!busy(t) && t.lesson_count > 0) actions.push(actionButton('Ver informe', 'btn--secondary', () => showReport(t)));
    /* grid (issue #15): a draft is edited by hand; another is opened to copy it into one */
    if (!busy(t) && t.lesson_count > 0) {
      actions.push(h('a', { href: '/editar-horario/' + t.id, 'data-route': '', class: 'btn btn--secondary',
        text: t.status === 'draft' ? 'Editar a mano' : 'Ver en la cuadrícula' }));
    }
    if (t.status === 'draft' && !busy(t)) {
      if (t.cost && t.cost.hard === 0 && t.lesson_count > 0) {
        actions.push(actionButton('Activar', '', async () => {
          if (!window.confirm('¿Activar «' + t.name + '»? Docentes y representantes verán este horario' +
            (hasActive ? '; el horario activo pasará a archivado.' : '.'))) return;
          await api('POST', '/api/v1/timetables/' + t.id + '/activate');
          if (alive()) status.show('«' + t.name + '» es ahora el horario activo.');
          await reload();
        }));
      }
      if (hasActive && t.lesson_count > 0) actions.push(actionButton('Comparar con el activo', 'btn--secondary', () => showCompare(t)));
      actions.push(actionButton('Descartar', 'btn--danger-ghost', async () => {
        if (!window.confirm('¿Descartar el borrador «' + t.name + '»? Se eliminará con todas sus clases.')) return;
        await api('DELETE', '/api/v1/timetables/' + t.id);
        if (alive()) { clear(detail); status.show('Se descartó «' + t.name + '».'); }
        await reload();
      }));
    }
    table.addRow([h('span', { text: t.name }), state, h('span', { text: busy(t) ? '—' : costText(t) }),
      h('span', { text: formatInstant(t.created_at) }), h('div', { class: 'row-actions' }, actions)]);
  }

  async function reload() {
    if (timer) { clearTimeout(timer); timer = null; }
    let items;
    try {
      items = (await api('GET', '/api/v1/timetables')).items || [];
    } catch (err) {
      if (alive()) { table.setMessage('No se pudo cargar la lista.'); showApiError(err, errors, {}); }
      return;
    }
    if (!alive()) return;
    table.clearRows();
    const hasActive = items.some((t) => t.status === 'active');
    if (!items.length) table.setMessage('El plantel aún no tiene horarios. Genere el primero arriba.');
    items.forEach((t) => rowOf(t, hasActive));
    const running = items.filter(busy);
    clear(progressBox);
    running.forEach((t) => progressBox.appendChild(progressView(t)));
    if (running.length) timer = setTimeout(() => { if (alive()) reload(); }, 700);
  }

  alive = setView('Horarios', [
    pageHead('Horarios', 'Genere el horario del plantel a partir de su configuración, revise el resultado y actívelo para que lo vean docentes y representantes.', null),
    errors, status,
    h('div', { class: 'stack' },
      card('Generar un horario', 'Usa los horarios de timbre, el plan de estudio, las asignaciones docentes y las preferencias aprobadas.',
        [form, progressBox], 'card--wide'),
      card('Horarios del plantel', null, tableWrap, 'card--wide'),
      detail)
  ], ctx.moveFocus);
  table.setMessage('Cargando…');
  reload();
}
