/*
 * Page /personal: the school's staff (teachers, director, secretary,
 * coordinators), searchable, and one form that adds a person or, after
 * "Editar" on a row, changes one: cédula, names, contact, cargo, the
 * subjects a teacher can teach (checkboxes from /api/v1/subjects) and the
 * maximum weekly periods. A 422 marks every invalid field at once.
 */
import { h, clear } from '../core/dom.js';
import { api, query } from '../core/api.js';
import { messageArea, field, onSubmit, setBusy, clearInvalid } from '../core/forms.js';
import { card, dataTable, tableOf, tableLoader } from '../core/ui.js';
import { setView } from '../core/shell.js';
import { LEVEL_LABELS, fullName, formatCedula, pageHead, guard, checkbox, group, normalizeErrors } from './records.js';

/* The placeholder cédula of a teacher imported with a timetable. */
const noCedula = (c) => /^Sin cédula/.test(c || '');

const CARGOS = ['Director(a)', 'Subdirector(a)', 'Secretario(a)', 'Coordinador(a)', 'Docente', 'Orientador(a)', 'Administrativo(a)', 'Obrero(a)'];

export function show(ctx) {
  if (!guard('Personal', ctx.moveFocus)) return;
  const errors = messageArea('error');
  const status = messageArea('status');

  const q = field({ name: 'q', label: 'Buscar por nombre o cédula', type: 'search', maxlength: '100' });
  const searchBtn = h('button', { type: 'submit', class: 'btn btn--primary', text: 'Buscar' });
  const filters = h('form', { class: 'form-row filters', role: 'search', novalidate: true }, q.wrap, h('div', { class: 'form-actions' }, searchBtn));
  const wrap = dataTable('Personal', [{ label: 'Nombre' }, { label: 'Cédula' }, { label: 'Cargo' }, { label: 'Materias' },
    { label: 'Horas máx.' }, { label: 'Estado' }, { label: 'Acciones', class: 'cell-actions' }]);
  tableOf(wrap).classList.add('table--records');
  const more = h('button', { type: 'button', class: 'btn btn--secondary', text: 'Mostrar más' });
  const moreWrap = h('div', { class: 'more', hidden: true }, more);
  const list = tableLoader(wrap, errors, {
    path: (cursor) => '/api/v1/staff' + query({ q: q.input.value.trim(), limit: 50, cursor: cursor }),
    row: (p) => {
      const edit = h('button', { type: 'button', class: 'btn btn--ghost btn--small', text: 'Editar', 'aria-label': 'Editar a ' + fullName(p) });
      edit.addEventListener('click', () => startEdit(p));
      /* a teacher brought in by the timetable import has no cédula yet
       * (stored as "Sin cédula (CODE)", school/timetable_import.h) */
      const cedula = noCedula(p.cedula) ? h('span', { class: 'badge badge--suspended', text: 'Sin cédula' })
        : h('span', { class: 'nowrap', text: formatCedula(p.cedula) });
      return [fullName(p), cedula, p.cargo || '',
        (p.subjects || []).map((x) => x.name).join(', '),
        String(p.max_weekly_periods || 0),
        p.active === false || p.active === 0 ? h('span', { class: 'badge badge--inactive', text: 'Inactivo' }) : h('span', { class: 'badge badge--active', text: 'Activo' }),
        edit];
    },
    more: moreWrap,
    empty: 'Todavía no hay personal registrado.',
    failed: 'No se pudo cargar la lista del personal.'
  });
  filters.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    setBusy(searchBtn, true, 'Buscando…');
    await list.reload();
    setBusy(searchBtn, false);
  });
  more.addEventListener('click', async () => { setBusy(more, true, 'Cargando…'); await list.next(); setBusy(more, false); });

  /* The form (add or edit). */
  const formErrors = messageArea('error');
  const inputs = {};
  function f(name, opts) { const x = field(Object.assign({ name: name }, opts)); inputs[name] = x.input; return x.wrap; }
  const cargoList = 'cargo-list';
  const subjectsBox = h('div', { class: 'checks', role: 'group', 'aria-labelledby': 'subjects-label' });
  const subjectsError = h('p', { class: 'field__error', id: 'subject-ids-error' });
  const subjectsAnchor = h('input', { type: 'hidden' });
  const active = checkbox({ name: 'active', label: 'Activo (trabaja actualmente en el plantel)', checked: true });
  inputs.active = active.input;
  const formTitle = h('h2', { class: 'card__title', text: 'Agregar personal' });
  const submit = h('button', { type: 'submit', class: 'btn btn--primary', text: 'Agregar' });
  const cancel = h('button', { type: 'button', class: 'btn btn--ghost', text: 'Cancelar edición', hidden: true });
  const form = h('form', { class: 'form', novalidate: true },
    formTitle, formErrors,
    group('Identificación y contacto', [
      f('cedula', { label: 'Cédula', hint: 'V-12345678 o E-81234567.', maxlength: '20', required: true }),
      f('cargo', { label: 'Cargo', list: cargoList, maxlength: '60', value: 'Docente', required: true }),
      f('first_names', { label: 'Nombres', maxlength: '100', required: true }),
      f('last_names', { label: 'Apellidos', maxlength: '100', required: true }),
      f('email', { label: 'Correo electrónico', type: 'email', inputmode: 'email', autocapitalize: 'none', spellcheck: 'false', maxlength: '200' }),
      f('phone', { label: 'Teléfono', type: 'tel', inputmode: 'tel', maxlength: '30' })]),
    group('Docencia', [
      f('max_weekly_periods', { label: 'Máximo de horas semanales', hint: 'Horas de clase por semana (0 a 80); 0 si no da clases.', type: 'number', inputmode: 'numeric', value: '0' }),
      active.wrap,
      h('div', { class: 'field field--wide' },
        h('p', { class: 'field__label', id: 'subjects-label', text: 'Materias que puede dictar' }),
        subjectsBox, subjectsAnchor, subjectsError)]),
    h('datalist', { id: cargoList }, CARGOS.map((c) => h('option', { value: c }))),
    h('div', { class: 'form-actions' }, submit, cancel));
  subjectsAnchor.fieldLabel = 'Materias que puede dictar';
  subjectsAnchor.fieldError = subjectsError;
  inputs.subject_ids = subjectsAnchor;
  inputs.max_weekly_periods.setAttribute('min', '0');
  inputs.max_weekly_periods.setAttribute('max', '80');

  let subjectChecks = [];
  let editing = null;
  function fillSubjects(items) {
    clear(subjectsBox);
    subjectChecks = items.map((s) => {
      const c = checkbox({ name: 'subject', label: s.name + (s.level ? ' (' + (LEVEL_LABELS[s.level] || s.level) + ')' : '') });
      c.input.value = String(s.id);
      subjectsBox.appendChild(c.wrap);
      return c.input;
    });
    if (!items.length) subjectsBox.appendChild(h('p', { class: 'muted', text: 'No hay materias registradas: agréguelas en Estructura.' }));
  }
  function reset() {
    editing = null;
    ['cedula', 'first_names', 'last_names', 'email', 'phone'].forEach((k) => { inputs[k].value = ''; });
    inputs.cargo.value = 'Docente';
    inputs.max_weekly_periods.value = '0';
    active.input.checked = true;
    subjectChecks.forEach((c) => { c.checked = false; });
    formTitle.textContent = 'Agregar personal';
    submit.textContent = 'Agregar';
    cancel.hidden = true;
    clearInvalid(inputs);
    formErrors.clear();
  }
  function startEdit(p) {
    reset();
    editing = p;
    ['first_names', 'last_names', 'email', 'phone', 'cargo'].forEach((k) => { inputs[k].value = p[k] || ''; });
    inputs.cedula.value = noCedula(p.cedula) ? '' : formatCedula(p.cedula);
    inputs.max_weekly_periods.value = String(p.max_weekly_periods || 0);
    active.input.checked = !(p.active === false || p.active === 0);
    const ids = (p.subject_ids || (p.subjects || []).map((x) => x.id)).map(String);
    subjectChecks.forEach((c) => { c.checked = ids.indexOf(c.value) >= 0; });
    formTitle.textContent = 'Editar: ' + fullName(p);
    submit.textContent = 'Guardar cambios';
    cancel.hidden = false;
    inputs.cedula.focus();
    form.scrollIntoView();
  }
  cancel.addEventListener('click', reset);

  onSubmit(form, {
    submit: submit, busy: 'Guardando…', errors: formErrors, status: status, inputs: inputs,
    required: [inputs.cedula, inputs.first_names, inputs.last_names, inputs.cargo],
    send: async () => {
      const body = {};
      ['cedula', 'first_names', 'last_names', 'email', 'phone', 'cargo'].forEach((k) => { body[k] = inputs[k].value.trim(); });
      const n = inputs.max_weekly_periods.value.trim();
      body.max_weekly_periods = n === '' ? 0 : (/^\d+$/.test(n) ? Number(n) : n);
      body.active = active.input.checked;
      body.subject_ids = subjectChecks.filter((c) => c.checked).map((c) => Number(c.value));
      const p = editing
        ? await api('PATCH', '/api/v1/staff/' + editing.id, body)
        : await api('POST', '/api/v1/staff', body);
      status.show((editing ? 'Se guardaron los cambios de ' : 'Se agregó a ') + fullName(p) + '.');
      reset();
      await list.reload();
    },
    failed: (err) => { normalizeErrors(err); return false; }
  });

  tableOf(wrap).setMessage('Cargando personal…');
  const alive = setView('Personal', [
    pageHead('Personal', 'Docentes, directivos y personal administrativo del plantel.', null),
    status, errors,
    h('div', { class: 'stack' },
      card('Lista del personal', null, [filters, wrap, moreWrap], 'card--wide'),
      h('section', { class: 'card card--wide', 'aria-label': 'Agregar o editar personal' }, form))
  ], ctx.moveFocus);
  list.load(alive);
  api('GET', '/api/v1/subjects').then((r) => { if (alive()) fillSubjects((r && r.items) || []); })
    .catch((err) => { if (alive() && !err.handled) { fillSubjects([]); errors.show('No se pudieron cargar las materias: ' + err.message); } });
}
