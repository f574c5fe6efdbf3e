/*
 * Page /estructura: the school's structure. Four cards:
 *   - Años escolares: each year with its three lapsos; create one, mark one
 *     as the current year, and promote the current year into a new one
 *     after a confirmation that says what will happen (sections move to the
 *     next grade with their students, the last grade graduates);
 *   - Grados y secciones: the sections of the current year (turno,
 *     capacidad, aula, students V/H), create/edit/delete, and adding a grade;
 *   - Materias and Aulas: list, create, edit, delete.
 * The three lists with a form share crudCard(): a table whose "Editar" fills
 * the form below it, and a form whose 422 marks every invalid field at once.
 */
import { h, clear } from '../core/dom.js';
import { api } from '../core/api.js';
import { messageArea, field, onSubmit, setBusy, clearInvalid } from '../core/forms.js';
import { card, dataTable, tableOf } from '../core/ui.js';
import { setView } from '../core/shell.js';
import { LEVEL_LABELS, SHIFT_LABELS, ROOM_KINDS, options, formatDate, pageHead, guard, checkbox, group, normalizeErrors, forgetLookups } from './records.js';

const LETTERS = 'ABCDEFGHIJ'.split('').map((l) => ({ value: l, label: l })).concat([{ value: 'Única', label: 'Única' }]);

/*
 * A card with a list and a form that adds or edits one item.
 * spec: {title, intro, noun ("la materia"), caption, listPath, columns
 * [{label}], row(item) -> cells, fields: [{name, label, opts, fromItem?,
 * toBody?}], createPath, itemPath(id), canDelete?(item), onChange?(),
 * confirmDelete(item)}
 */
function crudCard(spec) {
  const errors = messageArea('error');
  const status = messageArea('status');
  const wrap = dataTable(spec.caption, spec.columns.concat([{ label: 'Acciones', class: 'cell-actions' }]));
  tableOf(wrap).classList.add('table--records');
  const inputs = {};
  const wraps = spec.fields.map((fd) => {
    const x = field(Object.assign({ name: fd.name, label: fd.label }, fd.opts || {}));
    inputs[fd.name] = x.input;
    return x.wrap;
  });
  const defaults = {};
  spec.fields.forEach((fd) => { defaults[fd.name] = inputs[fd.name].value; });
  const formTitle = h('h3', { class: 'card__subtitle', text: 'Agregar ' + spec.noun });
  const submit = h('button', { type: 'submit', class: 'btn btn--primary', text: 'Agregar' });
  const cancel = h('button', { type: 'button', class: 'btn btn--ghost', text: 'Cancelar edición', hidden: true });
  const formErrors = messageArea('error');
  const form = h('form', { class: 'form', novalidate: true }, formTitle, formErrors,
    h('div', { class: 'form-grid' }, wraps), h('div', { class: 'form-actions' }, submit, cancel));
  let editing = null;
  let items = [];

  function reset() {
    editing = null;
    spec.fields.forEach((fd) => { inputs[fd.name].value = defaults[fd.name]; });
    formTitle.textContent = 'Agregar ' + spec.noun;
    submit.textContent = 'Agregar';
    cancel.hidden = true;
    clearInvalid(inputs);
    formErrors.clear();
  }
  function edit(item) {
    reset();
    editing = item;
    spec.fields.forEach((fd) => {
      const v = fd.fromItem ? fd.fromItem(item) : item[fd.name];
      inputs[fd.name].value = v === null || v === undefined ? '' : String(v);
    });
    formTitle.textContent = 'Editar ' + spec.noun + ': ' + (item.name || '');
    submit.textContent = 'Guardar cambios';
    cancel.hidden = false;
    const first = form.querySelector('input, select');
    if (first) first.focus();
  }
  cancel.addEventListener('click', reset);

  async function load() {
    try {
      const r = await api('GET', typeof spec.listPath === 'function' ? spec.listPath() : spec.listPath);
      items = (r && r.items) || [];
      const table = tableOf(wrap);
      table.clearRows();
      items.forEach((it) => {
        const e = h('button', { type: 'button', class: 'btn btn--ghost btn--small', text: 'Editar', 'aria-label': 'Editar ' + (it.name || '') });
        e.addEventListener('click', () => edit(it));
        const d = h('button', { type: 'button', class: 'btn btn--danger-ghost btn--small', text: 'Eliminar', 'aria-label': 'Eliminar ' + (it.name || '') });
        d.addEventListener('click', async () => {
          if (!window.confirm(spec.confirmDelete(it))) return;
          setBusy(d, true, 'Eliminando…');
          try {
            await api('DELETE', spec.itemPath(it.id));
            status.show('Se eliminó ' + spec.noun + ' ' + (it.name || '') + '.');
            if (editing && editing.id === it.id) reset();
            await reload();
          } catch (err) {
            setBusy(d, false);
            if (!err.handled) errors.show(err.message);
          }
        });
        table.addRow(spec.row(it).concat([h('span', { class: 'row-actions' }, e, spec.canDelete && !spec.canDelete(it) ? null : d)]));
      });
      if (!items.length) table.setMessage(spec.empty);
    } catch (err) {
      if (err.handled) return;
      tableOf(wrap).setMessage('No se pudo cargar la lista.');
      errors.show(err.message);
    }
  }
  async function reload() { await load(); if (spec.onChange) spec.onChange(); }

  onSubmit(form, {
    submit: submit, busy: 'Guardando…', errors: formErrors, status: status, inputs: inputs,
    required: spec.fields.filter((fd) => fd.opts && fd.opts.required).map((fd) => inputs[fd.name]),
    send: async () => {
      const body = {};
      spec.fields.forEach((fd) => {
        const raw = inputs[fd.name].value.trim();
        if (fd.createOnly && editing) return;
        body[fd.name] = fd.toBody ? fd.toBody(raw) : raw;
      });
      const saved = editing
        ? await api('PATCH', spec.itemPath(editing.id), body)
        : await api('POST', spec.createPath, body);
      status.show((editing ? 'Se guardaron los cambios de ' : 'Se agregó ') + spec.noun + ' ' + ((saved && saved.name) || '') + '.');
      reset();
      await reload();
    },
    failed: (err) => { normalizeErrors(err); return false; }
  });

  tableOf(wrap).setMessage('Cargando…');
  return {
    node: card(spec.title, spec.intro, [status, errors, wrap, form], 'card--wide'),
    load: load, inputs: inputs, items: () => items
  };
}

function intOrRaw(v) { return v === '' ? 0 : (/^\d+$/.test(v) ? Number(v) : v); }
function idOrNull(v) { return v === '' ? null : Number(v); }

/* "2025-2026" -> "2026-2027"; dates a year later. */
function nextYearName(name) {
  const m = /^(\d{4})-(\d{4})$/.exec(name || '');
  return m ? (Number(m[1]) + 1) + '-' + (Number(m[2]) + 1) : '';
}
function plusYear(iso) {
  const m = /^(\d{4})(-\d{2}-\d{2})$/.exec(iso || '');
  return m ? (Number(m[1]) + 1) + m[2] : '';
}

function yearsCard(onYearsChanged) {
  const errors = messageArea('error');
  const status = messageArea('status');
  const wrap = dataTable('Años escolares', [{ label: 'Año escolar' }, { label: 'Inicio' }, { label: 'Fin' },
    { label: 'Lapsos' }, { label: 'Estado' }, { label: 'Acciones', class: 'cell-actions' }]);
  tableOf(wrap).classList.add('table--records');
  const promoteBox = h('div', { class: 'confirm-panel', hidden: true });
  let years = [];

  function lapsosText(y) {
    const l = (y.lapsos || []).slice().sort((a, b) => a.number - b.number);
    if (!l.length) return h('span', { class: 'muted', text: 'Sin lapsos' });
    return h('ul', { class: 'compact-list' }, l.map((x) => h('li', { text: x.number + '.º: ' + formatDate(x.starts_on) + ' – ' + formatDate(x.ends_on) })));
  }

  async function load() {
    try {
      const r = await api('GET', '/api/v1/years');
      years = (r && r.items) || [];
      const t = tableOf(wrap);
      t.clearRows();
      years.forEach((y) => {
        const acts = [];
        if (!y.is_current) {
          const b = h('button', { type: 'button', class: 'btn btn--ghost btn--small', text: 'Marcar como actual' });
          b.addEventListener('click', async () => {
            setBusy(b, true, 'Guardando…');
            try {
              await api('PATCH', '/api/v1/years/' + y.id, { is_current: true });
              status.show('El año escolar actual es ahora ' + y.name + '.');
              forgetLookups();
              await load();
              if (onYearsChanged) onYearsChanged();
            } catch (err) { setBusy(b, false); if (!err.handled) errors.show(err.message); }
          });
          acts.push(b);
        } else {
          const p = h('button', { type: 'button', class: 'btn btn--secondary btn--small', text: 'Promover a un nuevo año' });
          p.addEventListener('click', () => openPromote(y));
          acts.push(p);
        }
        t.addRow([h('strong', { text: y.name }), formatDate(y.starts_on), formatDate(y.ends_on), lapsosText(y),
          y.is_current ? h('span', { class: 'badge badge--active', text: 'Actual' }) : h('span', { class: 'badge badge--inactive', text: 'Anterior' }),
          h('span', { class: 'row-actions' }, acts)]);
      });
      if (!years.length) t.setMessage('Todavía no hay años escolares. Cree el primero abajo (por ejemplo, 2025-2026).');
    } catch (err) {
      if (err.handled) return;
      tableOf(wrap).setMessage('No se pudo cargar la lista.');
      errors.show(err.message);
    }
  }

  function openPromote(y) {
    clear(promoteBox);
    const errs = messageArea('error');
    const name = field({ name: 'name', label: 'Nombre del nuevo año escolar', value: nextYearName(y.name), maxlength: '20', required: true });
    const from = field({ name: 'starts_on', label: 'Inicio', type: 'date', value: plusYear(y.starts_on), required: true });
    const to = field({ name: 'ends_on', label: 'Fin', type: 'date', value: plusYear(y.ends_on), required: true });
    const inputs = { name: name.input, starts_on: from.input, ends_on: to.input };
    const understood = checkbox({ name: 'understood', label: 'Entiendo lo que va a pasar', wide: true });
    const go = h('button', { type: 'submit', class: 'btn btn--primary', text: 'Sí, promover' });
    const cancel = h('button', { type: 'button', class: 'btn btn--ghost', text: 'Cancelar' });
    const form = h('form', { class: 'form', novalidate: true },
      h('h3', { class: 'confirm-panel__title', text: 'Promover ' + y.name + ' a un nuevo año escolar' }),
      h('p', { text: 'Al confirmar:' }),
      h('ul', { class: 'list' },
        h('li', { text: 'Se crea el nuevo año escolar y pasa a ser el año actual.' }),
        h('li', { text: 'Cada sección pasa al grado siguiente con sus estudiantes activos (1er Año A → 2do Año A).' }),
        h('li', { text: 'Los estudiantes del último grado (5to Año de Media General, 6to Año de Media Técnica) quedan como «Graduado».' }),
        h('li', { text: 'La inscripción en ' + y.name + ' se cierra el ' + formatDate(y.ends_on) + ' y queda en el historial de cada estudiante.' })),
      errs,
      h('div', { class: 'form-grid' }, name.wrap, from.wrap, to.wrap, understood.wrap),
      h('div', { class: 'form-actions' }, go, cancel));
    cancel.addEventListener('click', () => { promoteBox.hidden = true; });
    onSubmit(form, {
      submit: go, busy: 'Promoviendo…', errors: errs, inputs: inputs,
      required: [name.input, from.input, to.input],
      check: () => {
        if (understood.input.checked) return true;
        errs.show('Marque «Entiendo lo que va a pasar» para continuar.');
        understood.input.focus();
        return false;
      },
      send: async () => {
        const r = await api('POST', '/api/v1/years/' + y.id + '/promote',
          { name: name.input.value.trim(), starts_on: from.input.value, ends_on: to.input.value });
        promoteBox.hidden = true;
        status.show('Se creó el año escolar ' + ((r.year && r.year.name) || name.input.value) + ', que ahora es el actual.', 'success', [
          'Secciones creadas: ' + (r.sections_created || 0),
          'Estudiantes promovidos: ' + (r.students_promoted || 0),
          'Estudiantes graduados: ' + (r.students_graduated || 0),
          'Estudiantes repitientes: ' + (r.students_repeating || 0)]);
        forgetLookups();
        await load();
        if (onYearsChanged) onYearsChanged();
      },
      failed: (err) => { normalizeErrors(err); return false; }
    });
    promoteBox.appendChild(form);
    promoteBox.hidden = false;
    name.input.focus();
  }

  /* Create a year. */
  const formErrors = messageArea('error');
  const ins = {};
  function f(n, opts) { const x = field(Object.assign({ name: n }, opts)); ins[n] = x.input; return x.wrap; }
  const cur = checkbox({ name: 'is_current', label: 'Es el año escolar actual', checked: false, wide: true });
  ins.is_current = cur.input;
  const submit = h('button', { type: 'submit', class: 'btn btn--primary', text: 'Crear año escolar' });
  const lapsoWraps = [];
  ['1.er lapso', '2.º lapso', '3.er lapso'].forEach((label, i) => {
    lapsoWraps.push(f('lapsos.' + i + '.starts_on', { label: label + ': inicio', type: 'date' }));
    lapsoWraps.push(f('lapsos.' + i + '.ends_on', { label: label + ': fin', type: 'date' }));
  });
  const form = h('form', { class: 'form', novalidate: true },
    h('h3', { class: 'card__subtitle', text: 'Crear un año escolar' }),
    formErrors,
    h('div', { class: 'form-grid' },
      f('name', { label: 'Nombre', placeholder: '2025-2026', hint: 'Dos años separados por un guion.', maxlength: '20', required: true }),
      h('div', { class: 'field-spacer' }),
      f('starts_on', { label: 'Inicio del año', type: 'date', required: true }),
      f('ends_on', { label: 'Fin del año', type: 'date', required: true })),
    h('details', { class: 'more-fields' },
      h('summary', { text: 'Fechas de los lapsos (opcional)' }),
      h('p', { class: 'muted', text: 'Si las deja vacías, el año se divide en tres lapsos iguales que puede ajustar después.' }),
      h('div', { class: 'form-grid' }, lapsoWraps)),
    h('div', { class: 'form-grid' }, cur.wrap),
    h('div', { class: 'form-actions' }, submit));
  onSubmit(form, {
    submit: submit, busy: 'Creando…', errors: formErrors, status: status, inputs: ins,
    required: [ins.name, ins.starts_on, ins.ends_on],
    send: async () => {
      const body = { name: ins.name.value.trim(), starts_on: ins.starts_on.value, ends_on: ins.ends_on.value, is_current: cur.input.checked };
      const lapsos = [0, 1, 2].map((i) => ({ number: i + 1, starts_on: ins['lapsos.' + i + '.starts_on'].value, ends_on: ins['lapsos.' + i + '.ends_on'].value }));
      if (lapsos.some((l) => l.starts_on || l.ends_on)) body.lapsos = lapsos;
      const y = await api('POST', '/api/v1/years', body);
      status.show('Se creó el año escolar ' + y.name + '.');
      Object.keys(ins).forEach((k) => { if (ins[k].type === 'checkbox') ins[k].checked = false; else ins[k].value = ''; });
      forgetLookups();
      await load();
      if (onYearsChanged) onYearsChanged();
    },
    failed: (err) => { normalizeErrors(err); return false; }
  });

  tableOf(wrap).setMessage('Cargando…');
  return {
    node: card('Años escolares', 'El año escolar va de septiembre a julio y tiene tres lapsos. Solo uno es el año actual.',
      [status, errors, wrap, promoteBox, form], 'card--wide'),
    load: load
  };
}

export function show(ctx) {
  if (!guard('Estructura', ctx.moveFocus)) return;
  let grades = [];
  let rooms = [];

  const subjects = crudCard({
    title: 'Materias', intro: 'Las materias que se dictan, con su código corto y su nivel.', noun: 'la materia', caption: 'Materias',
    listPath: '/api/v1/subjects', createPath: '/api/v1/subjects', itemPath: (id) => '/api/v1/subjects/' + id,
    columns: [{ label: 'Materia' }, { label: 'Código' }, { label: 'Nivel' }, { label: 'Necesita' }],
    row: (s) => [s.name, h('code', { text: s.code || '' }), LEVEL_LABELS[s.level] || s.level || '',
      s.room_kind ? ROOM_KINDS[s.room_kind] || s.room_kind : h('span', { class: 'muted', text: 'Cualquier aula' })],
    fields: [
      { name: 'name', label: 'Nombre de la materia', opts: { maxlength: '100', required: true, placeholder: 'Matemática' } },
      { name: 'code', label: 'Código', opts: { maxlength: '12', required: true, placeholder: 'MAT', autocapitalize: 'characters', hint: 'Corto, para los horarios.' } },
      { name: 'level', label: 'Nivel', opts: { options: options(LEVEL_LABELS), value: 'media_general' } },
      /* setup (#15): the room type the timetable must give it */
      { name: 'room_kind', label: 'Tipo de espacio que necesita', opts: { options: [{ value: '', label: 'Cualquier aula' }].concat(options(ROOM_KINDS)), value: '', hint: 'Por ejemplo, laboratorio para Química o cancha para Educación Física.' },
        toBody: (v) => (v === '' ? null : v) }],
    empty: 'Todavía no hay materias.',
    confirmDelete: (s) => '¿Eliminar la materia ' + s.name + '? Se quitará también de las materias que puede dictar cada docente.'
  });

  const roomsCard = crudCard({
    title: 'Aulas y espacios', intro: 'Aulas, laboratorios, canchas y otros espacios donde se dan clases.', noun: 'el espacio', caption: 'Aulas',
    listPath: '/api/v1/rooms', createPath: '/api/v1/rooms', itemPath: (id) => '/api/v1/rooms/' + id,
    columns: [{ label: 'Nombre' }, { label: 'Tipo' }, { label: 'Capacidad' }],
    row: (r) => [r.name, ROOM_KINDS[r.kind] || r.kind || '', String(r.capacity || 0)],
    fields: [
      { name: 'name', label: 'Nombre del espacio', opts: { maxlength: '60', required: true, placeholder: 'Aula 1' } },
      { name: 'kind', label: 'Tipo', opts: { options: options(ROOM_KINDS), value: 'aula' } },
      { name: 'capacity', label: 'Capacidad (personas)', opts: { type: 'number', inputmode: 'numeric', value: '30' }, toBody: intOrRaw }],
    empty: 'Todavía no hay aulas.',
    confirmDelete: (r) => '¿Eliminar ' + r.name + '? Las secciones que lo usaban quedarán sin aula asignada.',
    onChange: () => { rooms = roomsCard.items(); fillRooms(); }
  });

  const sections = crudCard({
    title: 'Grados y secciones', intro: 'Las secciones del año escolar actual. La cantidad de estudiantes se actualiza al inscribir o importar.', noun: 'la sección', caption: 'Secciones',
    listPath: '/api/v1/sections', createPath: '/api/v1/sections', itemPath: (id) => '/api/v1/sections/' + id,
    columns: [{ label: 'Sección' }, { label: 'Turno' }, { label: 'Capacidad' }, { label: 'Aula' }, { label: 'Estudiantes (V/H)' }],
    row: (s) => [h('strong', { text: s.name }), SHIFT_LABELS[s.shift] || s.shift || '', String(s.capacity || 0), s.room || '',
      (s.students || 0) + ' (' + (s.boys || 0) + ' V / ' + (s.girls || 0) + ' H)'],
    fields: [
      { name: 'grade_id', label: 'Grado', opts: { options: [{ value: '', label: 'Elija el grado…' }], required: true }, toBody: idOrNull, createOnly: false },
      { name: 'letter', label: 'Sección (letra)', opts: { options: LETTERS, value: 'A' } },
      { name: 'shift', label: 'Turno', opts: { options: options(SHIFT_LABELS), value: 'manana' } },
      { name: 'capacity', label: 'Capacidad (estudiantes)', opts: { type: 'number', inputmode: 'numeric', value: '35' }, toBody: intOrRaw },
      { name: 'room_id', label: 'Aula', opts: { options: [{ value: '', label: 'Sin aula' }] }, toBody: idOrNull }],
    empty: 'No hay secciones en el año escolar actual. Agréguelas abajo, o importe la Matrícula: las crea por usted.',
    confirmDelete: (s) => '¿Eliminar la sección ' + s.name + '? Solo se puede si nunca tuvo estudiantes.',
    canDelete: (s) => !s.students,
    onChange: () => forgetLookups()
  });

  function fillRooms() {
    const sel = sections.inputs.room_id;
    const keep = sel.value;
    while (sel.options.length > 1) sel.remove(1);
    rooms.forEach((r) => sel.appendChild(h('option', { value: String(r.id), text: r.name })));
    sel.value = keep;
  }
  function fillGrades() {
    const sel = sections.inputs.grade_id;
    const keep = sel.value;
    while (sel.options.length > 1) sel.remove(1);
    const byLevel = {};
    grades.forEach((g) => { (byLevel[g.level] = byLevel[g.level] || []).push(g); });
    Object.keys(byLevel).forEach((lv) => {
      sel.appendChild(h('optgroup', { label: LEVEL_LABELS[lv] || lv }, byLevel[lv].map((g) => h('option', { value: String(g.id), text: g.name }))));
    });
    sel.value = keep;
  }

  /* Add a grade (levels and numbers per DOMAIN.md). */
  const gErrors = messageArea('error');
  const gStatus = messageArea('status');
  const level = field({ name: 'level', label: 'Nivel', options: options(LEVEL_LABELS), value: 'media_general' });
  const number = field({ name: 'number', label: 'Número', options: [1, 2, 3, 4, 5, 6].map((n) => ({ value: String(n), label: String(n) })), value: '1' });
  const gSubmit = h('button', { type: 'submit', class: 'btn btn--secondary', text: 'Agregar grado' });
  const gForm = h('form', { class: 'form form-row', novalidate: true }, level.wrap, number.wrap, h('div', { class: 'form-actions' }, gSubmit));
  onSubmit(gForm, {
    submit: gSubmit, busy: 'Agregando…', errors: gErrors, status: gStatus, inputs: { level: level.input, number: number.input },
    send: async () => {
      const g = await api('POST', '/api/v1/grades', { level: level.input.value, number: Number(number.input.value) });
      gStatus.show('Se agregó el grado ' + (g.name || '') + '.');
      await loadGrades();
    }
  });
  async function loadGrades() {
    try {
      const r = await api('GET', '/api/v1/grades');
      grades = (r && r.items) || [];
      fillGrades();
    } catch (err) { if (!err.handled) gErrors.show(err.message); }
  }
  sections.node.appendChild(h('div', { class: 'subsection' },
    h('h3', { class: 'card__subtitle', text: 'Agregar un grado' }),
    h('p', { class: 'muted', text: 'Solo si falta: Inicial 1.º a 3.er Grupo, Primaria 1.º a 6.º Grado, Media General 1.º a 5.º Año, Media Técnica hasta 6.º Año.' }),
    gErrors, gStatus, gForm));

  const years = yearsCard(() => sections.load());

  setView('Estructura', [
    pageHead('Estructura del plantel', 'Años escolares, grados y secciones, materias y aulas.', null),
    h('nav', { class: 'toc', 'aria-label': 'Secciones de esta página' }, h('ul', null,
      [['Años escolares', years], ['Grados y secciones', sections], ['Materias', subjects], ['Aulas', roomsCard]].map((p) => {
        const target = p[1].node;
        target.id = target.id || 'est-' + p[0].toLowerCase().replace(/[^a-z]+/g, '-');
        return h('li', null, h('a', { href: '#' + target.id, text: p[0] }));
      }))),
    h('div', { class: 'stack' }, years.node, sections.node, subjects.node, roomsCard.node)
  ], ctx.moveFocus);
  years.load();
  loadGrades();
  sections.load();
  subjects.load();
  roomsCard.load().then(() => { rooms = roomsCard.items(); fillRooms(); });
}
