/*
 * Page /mis-preferencias: a teacher's own availability and preferences.
 * A week grid (days across, the school's class periods down, with their
 * times) where each cell is a choice from "Sin preferencia" to "Prefiero"
 * ("No puedo" marks the teacher unavailable then), a row for whole days,
 * and the subjects and rooms with the same choice (the teacher's own
 * subjects first, the others folded away). "Guardar" sends the whole set;
 * what the school admin already approved and the teacher left as it was
 * stays approved, anything new or changed waits for approval, and each
 * preference shows its state.
 */
import { h, clear } from '../core/dom.js';
import { api } from '../core/api.js';
import { messageArea, setBusy } from '../core/forms.js';
import { card } from '../core/ui.js';
import { setView } from '../core/shell.js';
import { pageHead, normalizeErrors } from './records.js';
import { LEVELS, DAY_SHORT, statusBadge } from './setup-common.js';

function key(p) {
  return [p.kind, p.day || 0, p.period || 0, p.subject_id || 0, p.room_id || 0].join('/');
}

export function show(ctx) {
  const status = messageArea('status');
  const errors = messageArea('error');
  const body = h('div', { class: 'stack' });
  const save = h('button', { type: 'button', class: 'btn btn--primary', text: 'Guardar mis preferencias' });
  let selects = [];
  let saved = {};

  function choice(label, pref) {
    const sel = h('select', { 'aria-label': label });
    LEVELS.forEach((l) => sel.appendChild(h('option', { value: l.value, text: l.short === '—' ? '—' : l.short })));
    const was = saved[key(pref)];
    sel.value = was ? was.level : 'neutral';
    const paint = () => { sel.parentNode && (sel.parentNode.className = 'pref--' + sel.value); };
    sel.addEventListener('change', paint);
    sel.pref = pref;
    sel.paint = paint;
    selects.push(sel);
    return sel;
  }

  function stateOf(pref) {
    const was = saved[key(pref)];
    return was ? statusBadge(was.status) : null;
  }

  function listChoices(title, items, kind, idKey) {
    return h('ul', { class: 'pref-list compact-list', 'aria-label': title }, items.map((it) => {
      const pref = { kind: kind, [idKey]: it.id };
      return h('li', { class: 'pref-item' }, h('label', null, h('strong', { text: it.name }), ' ', choice(it.name, pref)), ' ', stateOf(pref));
    }));
  }

  function render(me) {
    clear(body);
    selects = [];
    saved = {};
    (me.items || []).forEach((p) => { saved[key(p)] = p; });
    const days = me.grid.days;
    const periods = me.grid.periods;
    const head = h('tr', null, h('th', { scope: 'col', text: 'Hora' }), days.map((d) => h('th', { scope: 'col', 'data-day': String(d.day), text: DAY_SHORT[d.day], title: d.name })));
    const dayRow = h('tr', null, h('th', { scope: 'row', text: 'Todo el día' }), days.map((d) => {
      const pref = { kind: 'day', day: d.day };
      return h('td', { 'data-day': String(d.day) }, choice('Todo el ' + d.name, pref), stateOf(pref));
    }));
    const rows = periods.map((p) => h('tr', null,
      h('th', { scope: 'row', text: p.period + '.ª ' + p.starts_at + '–' + p.ends_at }),
      days.map((d) => {
        const pref = { kind: 'time', day: d.day, period: p.period };
        return h('td', { 'data-day': String(d.day) }, choice(d.name + ', ' + p.period + '.ª hora (' + p.starts_at + ')', pref), stateOf(pref));
      })));
    const table = h('table', { class: 'pref-grid', 'data-show': days.length ? String(days[0].day) : '' },
      h('caption', { class: 'visually-hidden', text: 'Mis horas y días' }), h('thead', null, head), h('tbody', null, dayRow, rows));
    /* on a phone one day at a time, chosen here (hidden on wider screens) */
    const pick = h('select', { id: 'pref-day-pick' }, days.map((d) => h('option', { value: String(d.day), text: d.name })));
    pick.addEventListener('change', () => { table.dataset.show = pick.value; });
    const grid = h('div', null,
      h('div', { class: 'field pref-day-pick' }, h('label', { for: 'pref-day-pick', text: 'Día que está viendo' }), pick),
      h('div', { class: 'pref-grid-wrap' }, table));
    const mine = me.subjects.filter((s) => s.qualified);
    const others = me.subjects.filter((s) => !s.qualified);
    body.appendChild(card('Horas y días', periods.length
      ? '«No puedo»: no está disponible a esa hora o ese día. Las demás opciones son preferencias que el generador intenta cumplir.'
      : 'El plantel aún no definió su horario de timbres: por ahora puede indicar días completos.', [grid], 'card--wide'));
    body.appendChild(card('Materias', 'Las materias que prefiere dictar, o que prefiere no dictar.', [
      mine.length ? listChoices('Mis materias', mine, 'subject', 'subject_id') : h('p', { class: 'muted', text: 'La dirección aún no le asignó materias.' }),
      others.length ? h('details', { class: 'more-fields' }, h('summary', { text: 'Otras materias (' + others.length + ')' }),
        listChoices('Otras materias', others, 'subject', 'subject_id')) : null]));
    if (me.rooms.length) {
      body.appendChild(card('Aulas', 'Los espacios donde prefiere dar clase.', [
        h('details', { class: 'more-fields' }, h('summary', { text: 'Ver las aulas (' + me.rooms.length + ')' }),
          listChoices('Aulas', me.rooms, 'room', 'room_id'))]));
    }
    const pending = (me.items || []).filter((p) => p.status === 'pending').length;
    if (pending) status.show('Tiene ' + pending + ' preferencias esperando la aprobación de la dirección.', 'info');
    selects.forEach((s) => s.paint());
  }

  save.addEventListener('click', async () => {
    errors.clear();
    status.clear();
    setBusy(save, true, 'Guardando…');
    try {
      const prefs = selects.filter((s) => s.value !== 'neutral').map((s) => Object.assign({}, s.pref, { level: s.value }));
      const me = await api('PUT', '/api/v1/me/preferences', { preferences: prefs });
      render(me);
      const pending = (me.items || []).filter((p) => p.status === 'pending').length;
      status.show('Se guardaron sus preferencias.' + (pending ? ' ' + pending + ' esperan la aprobación de la dirección.' : ''));
    } catch (err) {
      normalizeErrors(err);
      if (!err.handled) errors.show(err.message);
    } finally { setBusy(save, false); }
  });

  setView('Mis preferencias', [
    pageHead('Mis preferencias', 'Indique en qué horas y días puede dar clase y qué prefiere. La dirección las revisa antes de generar el horario.', null),
    status, errors, body, h('div', { class: 'form-actions' }, save)
  ], ctx.moveFocus);

  (async () => {
    try {
      const me = await api('GET', '/api/v1/me/preferences');
      if (!me.staff) {
        save.hidden = true;
        errors.show(me.message);
        return;
      }
      render(me);
    } catch (err) {
      if (err.handled) return;
      save.hidden = true;
      errors.show(err.status === 404 ? err.message : 'No se pudieron cargar sus preferencias: ' + err.message);
    }
  })();
}
