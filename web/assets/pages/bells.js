/*
 * Page /preparacion: the school's bell schedules (horarios de timbres),
 * the first step of preparing the timetable. One card per schedule shows
 * its days, its periods and breaks with their times and the sections that
 * follow it, with buttons to edit it, put sections on it (a list of the
 * current year's sections to tick) or delete it. "Usar la plantilla
 * UEIPAB" creates the UEIPAB day in one click; the editor builds a day row
 * by row (hora de clase or receso, start and end), each new row starting
 * where the previous ends, and a 422 marks every wrong row at once.
 */
import { h, clear } from '../core/dom.js';
import { api } from '../core/api.js';
import { messageArea, field, onSubmit, setBusy, markInvalid } from '../core/forms.js';
import { card } from '../core/ui.js';
import { setView } from '../core/shell.js';
import { pageHead, guard, checkbox, normalizeErrors } from './records.js';
import { DAY_NAMES, daysText, addMinutes, setupTabs } from './setup-common.js';

export function show(ctx) {
  if (!guard('Preparar horarios', ctx.moveFocus)) return;
  const status = messageArea('status');
  const errors = messageArea('error');
  const list = h('div', { class: 'stack' });
  const missing = h('div');
  const editorBox = h('div', { hidden: true });
  let sections = [];

  const tmpl = h('button', { type: 'button', class: 'btn btn--primary', text: 'Usar la plantilla UEIPAB' });
  tmpl.addEventListener('click', async () => {
    setBusy(tmpl, true, 'Creando…');
    errors.clear();
    try {
      /* a second copy (another shift, say) gets the next free name */
      let s = null;
      for (let n = 1; !s; n++) {
        try {
          s = await api('POST', '/api/v1/bell-schedules', n === 1 ? { template: 'ueipab' } : { template: 'ueipab', name: 'Horario UEIPAB ' + n });
        } catch (err) {
          if (err.status !== 409 || n >= 9) throw err;
        }
      }
      status.show('Se creó «' + s.name + '»: 10 horas de 40 minutos de 07:00 a 14:20, con recesos de 09:40 a 10:00 y de 12:40 a 13:00. Ahora indique qué secciones lo siguen.');
      await load();
    } catch (err) {
      if (!err.handled) errors.show(err.message);
    } finally { setBusy(tmpl, false); }
  });
  const add = h('button', { type: 'button', class: 'btn btn--secondary', text: 'Crear un horario nuevo' });
  add.addEventListener('click', () => openEditor(null));

  function periodsTable(s) {
    const rows = s.periods.map((p) => h('tr', { class: p.kind === 'break' ? 'bell-break' : null },
      h('th', { scope: 'row', text: p.kind === 'break' ? 'Receso' : p.number + '.ª hora' }),
      h('td', { text: p.starts_at + ' – ' + p.ends_at })));
    return h('table', { class: 'table table--compact' },
      h('caption', { class: 'visually-hidden', text: 'Horas de ' + s.name }),
      h('thead', null, h('tr', null, h('th', { scope: 'col', text: 'Hora' }), h('th', { scope: 'col', text: 'De – a' }))),
      h('tbody', null, rows));
  }

  function scheduleCard(s) {
    const edit = h('button', { type: 'button', class: 'btn btn--ghost btn--small', text: 'Editar' });
    edit.addEventListener('click', () => openEditor(s));
    const apply = h('button', { type: 'button', class: 'btn btn--secondary btn--small', text: 'Elegir secciones' });
    const applyBox = h('div', { hidden: true });
    apply.addEventListener('click', () => openApply(s, applyBox));
    const del = h('button', { type: 'button', class: 'btn btn--danger-ghost btn--small', text: 'Eliminar' });
    del.addEventListener('click', async () => {
      if (!window.confirm('¿Eliminar el horario «' + s.name + '»? Sus secciones quedarán sin horario de timbres.')) return;
      setBusy(del, true, 'Eliminando…');
      try {
        await api('DELETE', '/api/v1/bell-schedules/' + s.id);
        status.show('Se eliminó el horario «' + s.name + '».');
        await load();
      } catch (err) { setBusy(del, false); if (!err.handled) errors.show(err.message); }
    });
    const secs = s.sections.length
      ? h('p', null, h('strong', { text: 'Secciones: ' }), s.sections.map((x) => x.name).join(', '))
      : h('p', { class: 'muted', text: 'Ninguna sección sigue este horario todavía.' });
    return card(s.name, s.class_periods + ' horas de clase, de ' + daysText(s.days) + '.',
      [periodsTable(s), secs, h('div', { class: 'row-actions' }, apply, edit, del), applyBox]);
  }

  async function loadSections() {
    const r = await api('GET', '/api/v1/sections');
    sections = (r && r.items) || [];
  }

  function openApply(s, box) {
    clear(box);
    const errs = messageArea('error');
    if (!sections.length) {
      box.appendChild(h('p', { class: 'muted', text: 'No hay secciones en el año escolar actual. Créelas en Estructura.' }));
      box.hidden = false;
      return;
    }
    const boxes = sections.map((sec) => {
      const other = sec.bell_schedule_id && sec.bell_schedule_id !== s.id ? ' (ahora: ' + sec.bell_schedule + ')' : '';
      const c = checkbox({ name: 'sec-' + sec.id, label: sec.name + other, checked: sec.bell_schedule_id === s.id });
      c.input.value = String(sec.id);
      return c;
    });
    const save = h('button', { type: 'submit', class: 'btn btn--primary', text: 'Guardar secciones' });
    const cancel = h('button', { type: 'button', class: 'btn btn--ghost', text: 'Cancelar' });
    cancel.addEventListener('click', () => { box.hidden = true; });
    const form = h('form', { class: 'form', novalidate: true },
      h('h3', { class: 'card__subtitle', text: 'Secciones que siguen «' + s.name + '»' }), errs,
      h('div', { class: 'form-grid' }, boxes.map((b) => b.wrap)),
      h('div', { class: 'form-actions' }, save, cancel));
    onSubmit(form, {
      submit: save, busy: 'Guardando…', errors: errs,
      send: async () => {
        const ids = boxes.filter((b) => b.input.checked).map((b) => Number(b.input.value));
        await api('POST', '/api/v1/bell-schedules/' + s.id + '/sections', { section_ids: ids });
        status.show('Se guardaron las secciones de «' + s.name + '».');
        await load();
      }
    });
    box.appendChild(form);
    box.hidden = false;
    if (boxes[0]) boxes[0].input.focus();
  }

  /* The editor: name, days, and the day's rows. */
  function openEditor(s) {
    clear(editorBox);
    status.clear();
    const errs = messageArea('error');
    const inputs = {};
    const name = field({ name: 'name', label: 'Nombre del horario', value: s ? s.name : '', maxlength: '100', required: true, placeholder: 'Media General, turno de la mañana' });
    inputs.name = name.input;
    const days = [1, 2, 3, 4, 5, 6, 7].map((d) => checkbox({ name: 'day-' + d, label: DAY_NAMES[d], checked: s ? s.days.indexOf(d) >= 0 : d <= 5 }));
    inputs.days = days[0].input;
    const rowsBox = h('ol', { class: 'bell-rows' });
    const rows = [];
    function addRow(kind, from, to) {
      const i = rows.length;
      const kindSel = field({ name: 'kind', label: 'Tipo', options: [{ value: 'class', label: 'Hora de clase' }, { value: 'break', label: 'Receso' }], value: kind });
      const start = field({ name: 'starts_at', label: 'Inicio', type: 'time', value: from });
      const end = field({ name: 'ends_at', label: 'Fin', type: 'time', value: to });
      const remove = h('button', { type: 'button', class: 'btn btn--danger-ghost btn--small', text: 'Quitar', 'aria-label': 'Quitar la fila ' + (i + 1) });
      const li = h('li', { class: 'bell-row form-row' }, kindSel.wrap, start.wrap, end.wrap, h('div', { class: 'form-actions' }, remove));
      const row = { kind: kindSel.input, start: start.input, end: end.input, li: li };
      remove.addEventListener('click', () => { rows.splice(rows.indexOf(row), 1); li.remove(); renumber(); });
      rows.push(row);
      rowsBox.appendChild(li);
      renumber();
      return row;
    }
    function renumber() {
      Object.keys(inputs).forEach((k) => { if (k.indexOf('periods.') === 0) delete inputs[k]; });
      rows.forEach((r, i) => {
        inputs['periods.' + i + '.kind'] = r.kind;
        inputs['periods.' + i + '.starts_at'] = r.start;
        inputs['periods.' + i + '.ends_at'] = r.end;
        r.start.fieldLabel = 'Fila ' + (i + 1) + ', inicio';
        r.end.fieldLabel = 'Fila ' + (i + 1) + ', fin';
        r.kind.fieldLabel = 'Fila ' + (i + 1) + ', tipo';
      });
    }
    if (s) s.periods.forEach((p) => addRow(p.kind, p.starts_at, p.ends_at));
    else addRow('class', '07:00', '07:40');
    const addClass = h('button', { type: 'button', class: 'btn btn--secondary btn--small', text: 'Agregar hora de clase' });
    const addBreak = h('button', { type: 'button', class: 'btn btn--ghost btn--small', text: 'Agregar receso' });
    [[addClass, 'class', 40], [addBreak, 'break', 20]].forEach(([b, kind, min]) => b.addEventListener('click', () => {
      const last = rows[rows.length - 1];
      const from = last ? last.end.value : '07:00';
      addRow(kind, from, addMinutes(from, min)).start.focus();
    }));
    const save = h('button', { type: 'submit', class: 'btn btn--primary', text: s ? 'Guardar cambios' : 'Crear horario' });
    const cancel = h('button', { type: 'button', class: 'btn btn--ghost', text: 'Cancelar' });
    cancel.addEventListener('click', () => { editorBox.hidden = true; });
    const form = h('form', { class: 'form', novalidate: true }, errs,
      h('div', { class: 'form-grid' }, name.wrap),
      h('fieldset', { class: 'fieldset' }, h('legend', { class: 'fieldset__legend', text: 'Días de clase' }),
        h('div', { class: 'form-grid form-grid--days' }, days.map((d) => d.wrap))),
      h('fieldset', { class: 'fieldset' }, h('legend', { class: 'fieldset__legend', text: 'Horas del día, en orden' }),
        h('p', { class: 'muted', text: 'Cada fila empieza donde termina la anterior; los recesos no cuentan como horas de clase.' }),
        rowsBox, h('div', { class: 'row-actions' }, addClass, addBreak)),
      h('div', { class: 'form-actions' }, save, cancel));
    onSubmit(form, {
      submit: save, busy: 'Guardando…', errors: errs, inputs: inputs, required: [name.input],
      check: () => {
        if (days.some((d) => d.input.checked)) return true;
        markInvalid(days[0].input, true, 'Marque al menos un día.');
        errs.show('Marque al menos un día de clase.');
        days[0].input.focus();
        return false;
      },
      send: async () => {
        const body = {
          name: name.input.value.trim(),
          days: days.map((d, i) => (d.input.checked ? i + 1 : 0)).filter((d) => d),
          periods: rows.map((r) => ({ kind: r.kind.value, starts_at: r.start.value, ends_at: r.end.value }))
        };
        const saved = s ? await api('PATCH', '/api/v1/bell-schedules/' + s.id, body)
          : await api('POST', '/api/v1/bell-schedules', body);
        editorBox.hidden = true;
        status.show((s ? 'Se guardaron los cambios de «' : 'Se creó el horario «') + saved.name + '».');
        await load();
      },
      failed: (err) => { normalizeErrors(err); return false; }
    });
    editorBox.appendChild(card(s ? 'Editar «' + s.name + '»' : 'Nuevo horario de timbres', null, [form], 'card--wide'));
    editorBox.hidden = false;
    name.input.focus();
  }

  async function load() {
    try {
      const r = await api('GET', '/api/v1/bell-schedules');
      await loadSections();
      const items = (r && r.items) || [];
      clear(list);
      if (!items.length) {
        list.appendChild(h('p', { class: 'muted', text: 'Todavía no hay horarios de timbres. Use la plantilla UEIPAB o cree uno.' }));
      }
      items.forEach((s) => list.appendChild(scheduleCard(s)));
      const without = sections.filter((s) => !s.bell_schedule_id);
      clear(missing);
      if (items.length && without.length) {
        missing.appendChild(h('p', { class: 'notice notice--info', text: 'Secciones sin horario de timbres: ' + without.map((s) => s.name).join(', ') + '.' }));
      }
    } catch (err) {
      if (!err.handled) errors.show(err.message);
    }
  }

  setView('Preparar horarios', [
    pageHead('Preparar horarios', 'Los horarios de timbres del plantel: las horas de clase y los recesos de cada día, y qué secciones siguen cada uno.', [tmpl, add]),
    setupTabs('/preparacion'),
    status, errors, missing, editorBox, list
  ], ctx.moveFocus);
  load();
}
