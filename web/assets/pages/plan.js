/*
 * Page /preparacion/plan: the plan de estudio and the teaching
 * assignments. Two cards:
 *   - Plan de estudio: pick a grade; its subjects with their weekly hours
 *     and how they split into blocks ("2+2+2": three lessons of two hours
 *     in a row), added, changed or removed; the server checks that the
 *     blocks add up to the hours;
 *   - Asignaciones: pick a section; who teaches each subject there (a
 *     teacher, or "Cualquier docente calificado" for the solver to choose)
 *     and, when the section differs from its grade's plan, its own hours
 *     and blocks. The total of weekly hours is shown against the section's
 *     bell schedule, so an over-full week is seen before generating.
 */
import { h, clear } from '../core/dom.js';
import { api, query } from '../core/api.js';
import { messageArea, field, onSubmit, setBusy } from '../core/forms.js';
import { card, dataTable, tableOf } from '../core/ui.js';
import { setView } from '../core/shell.js';
import { pageHead, guard, normalizeErrors, fullName } from './records.js';
import { setupTabs } from './setup-common.js';

const ANY = 'Cualquier docente calificado';

function numOrNull(v) { return v === '' ? null : (/^\d+$/.test(v) ? Number(v) : v); }

export function show(ctx) {
  if (!guard('Preparar horarios', ctx.moveFocus)) return;
  let grades = [];
  let sections = [];
  let subjects = [];
  let staff = [];
  let schedules = [];

  /* ---- plan de estudio ---- */
  const pStatus = messageArea('status');
  const pErrors = messageArea('error');
  const gradeSel = field({ name: 'grade', label: 'Grado', options: [] });
  const pTotal = h('p', { class: 'muted' });
  const pWrap = dataTable('Plan de estudio del grado', [{ label: 'Materia' }, { label: 'Horas semanales' }, { label: 'Bloques' }, { label: 'Acciones', class: 'cell-actions' }]);
  const pIn = {
    subject_id: field({ name: 'subject_id', label: 'Materia', options: [], required: true }),
    periods_per_week: field({ name: 'periods_per_week', label: 'Horas semanales', type: 'number', inputmode: 'numeric', value: '4', required: true }),
    blocks: field({ name: 'blocks', label: 'Bloques (opcional)', placeholder: '2+2', hint: 'Horas seguidas de cada clase, separadas por «+». Vacío: de dos en dos.' })
  };
  const pInputs = { subject_id: pIn.subject_id.input, periods_per_week: pIn.periods_per_week.input, blocks: pIn.blocks.input };
  const pSubmit = h('button', { type: 'submit', class: 'btn btn--primary', text: 'Agregar al plan' });
  const pCancel = h('button', { type: 'button', class: 'btn btn--ghost', text: 'Cancelar edición', hidden: true });
  const pFormErrors = messageArea('error');
  const pTitle = h('h3', { class: 'card__subtitle', text: 'Agregar una materia al plan del grado' });
  const pForm = h('form', { class: 'form', novalidate: true }, pTitle, pFormErrors,
    h('div', { class: 'form-grid' }, pIn.subject_id.wrap, pIn.periods_per_week.wrap, pIn.blocks.wrap),
    h('div', { class: 'form-actions' }, pSubmit, pCancel));
  let pEditing = null;
  function pReset() {
    pEditing = null;
    pIn.subject_id.input.disabled = false;
    pIn.periods_per_week.input.value = '4';
    pIn.blocks.input.value = '';
    pTitle.textContent = 'Agregar una materia al plan del grado';
    pSubmit.textContent = 'Agregar al plan';
    pCancel.hidden = true;
  }
  pCancel.addEventListener('click', pReset);

  async function loadPlan() {
    const t = tableOf(pWrap);
    if (!gradeSel.input.value) { t.setMessage('Cree primero los grados en Estructura.'); return; }
    try {
      const r = await api('GET', '/api/v1/study-plan' + query({ grade_id: gradeSel.input.value }));
      const items = (r && r.items) || [];
      t.clearRows();
      items.forEach((p) => {
        const e = h('button', { type: 'button', class: 'btn btn--ghost btn--small', text: 'Editar', 'aria-label': 'Editar ' + p.subject });
        e.addEventListener('click', () => {
          pEditing = p;
          pIn.subject_id.input.value = String(p.subject_id);
          pIn.subject_id.input.disabled = true;
          pIn.periods_per_week.input.value = String(p.periods_per_week);
          pIn.blocks.input.value = p.blocks;
          pTitle.textContent = 'Editar ' + p.subject + ' en ' + p.grade;
          pSubmit.textContent = 'Guardar cambios';
          pCancel.hidden = false;
          pIn.periods_per_week.input.focus();
        });
        const d = h('button', { type: 'button', class: 'btn btn--danger-ghost btn--small', text: 'Quitar', 'aria-label': 'Quitar ' + p.subject });
        d.addEventListener('click', async () => {
          if (!window.confirm('¿Quitar ' + p.subject + ' del plan de ' + p.grade + '?')) return;
          setBusy(d, true, 'Quitando…');
          try {
            await api('DELETE', '/api/v1/study-plan/' + p.id);
            pStatus.show('Se quitó ' + p.subject + ' del plan de ' + p.grade + '.');
            await loadPlan();
          } catch (err) { setBusy(d, false); if (!err.handled) pErrors.show(err.message); }
        });
        t.addRow([h('strong', { text: p.subject }), String(p.periods_per_week), p.blocks, h('span', { class: 'row-actions' }, e, d)]);
      });
      const total = items.reduce((a, p) => a + p.periods_per_week, 0);
      if (!items.length) t.setMessage('El plan de este grado está vacío. Agregue sus materias abajo.');
      pTotal.textContent = items.length ? 'Total del grado: ' + total + ' horas semanales.' : '';
    } catch (err) {
      if (!err.handled) pErrors.show(err.message);
    }
  }
  gradeSel.input.addEventListener('change', () => { pReset(); loadPlan(); });
  onSubmit(pForm, {
    submit: pSubmit, busy: 'Guardando…', errors: pFormErrors, status: pStatus, inputs: pInputs,
    required: [pIn.subject_id.input, pIn.periods_per_week.input],
    send: async () => {
      const body = { periods_per_week: numOrNull(pIn.periods_per_week.input.value.trim()) };
      const blocks = pIn.blocks.input.value.trim();
      if (blocks) body.blocks = blocks;
      let saved;
      if (pEditing) {
        saved = await api('PATCH', '/api/v1/study-plan/' + pEditing.id, body);
      } else {
        body.grade_id = Number(gradeSel.input.value);
        body.subject_id = Number(pIn.subject_id.input.value);
        saved = await api('POST', '/api/v1/study-plan', body);
      }
      pStatus.show(saved.subject + ' en ' + saved.grade + ': ' + saved.periods_per_week + ' horas semanales (' + saved.blocks + ').');
      pReset();
      await loadPlan();
    },
    failed: (err) => { normalizeErrors(err); return false; }
  });

  /* ---- asignaciones ---- */
  const aStatus = messageArea('status');
  const aErrors = messageArea('error');
  const sectionSel = field({ name: 'section', label: 'Sección', options: [] });
  const aSummary = h('p', { class: 'muted' });
  const aWrap = dataTable('Asignaciones de la sección', [{ label: 'Materia' }, { label: 'Docente' }, { label: 'Horas' }, { label: 'Bloques' }, { label: 'Acciones', class: 'cell-actions' }]);
  const aIn = {
    subject_id: field({ name: 'subject_id', label: 'Materia', options: [], required: true }),
    staff_id: field({ name: 'staff_id', label: 'Docente', options: [] }),
    periods_per_week: field({ name: 'periods_per_week', label: 'Horas semanales (opcional)', type: 'number', inputmode: 'numeric', hint: 'Vacío: las del plan de estudio.' }),
    blocks: field({ name: 'blocks', label: 'Bloques (opcional)', placeholder: '2+2', hint: 'Vacío: los del plan.' })
  };
  const aInputs = { subject_id: aIn.subject_id.input, staff_id: aIn.staff_id.input, periods_per_week: aIn.periods_per_week.input, blocks: aIn.blocks.input };
  const aSubmit = h('button', { type: 'submit', class: 'btn btn--primary', text: 'Asignar' });
  const aCancel = h('button', { type: 'button', class: 'btn btn--ghost', text: 'Cancelar edición', hidden: true });
  const aFormErrors = messageArea('error');
  const aTitle = h('h3', { class: 'card__subtitle', text: 'Asignar una materia de la sección' });
  const aForm = h('form', { class: 'form', novalidate: true }, aTitle, aFormErrors,
    h('div', { class: 'form-grid' }, aIn.subject_id.wrap, aIn.staff_id.wrap, aIn.periods_per_week.wrap, aIn.blocks.wrap),
    h('div', { class: 'form-actions' }, aSubmit, aCancel));
  let aEditing = null;
  function aReset() {
    aEditing = null;
    aIn.subject_id.input.disabled = false;
    aIn.staff_id.input.value = '';
    aIn.periods_per_week.input.value = '';
    aIn.blocks.input.value = '';
    aTitle.textContent = 'Asignar una materia de la sección';
    aSubmit.textContent = 'Asignar';
    aCancel.hidden = true;
  }
  aCancel.addEventListener('click', aReset);

  function hoursText(a) {
    if (a.periods_per_week) return String(a.periods_per_week);
    if (a.plan_periods_per_week) return a.plan_periods_per_week + ' (del plan)';
    return h('span', { class: 'badge badge--error', text: 'Sin horas: falta en el plan' });
  }

  async function loadAssignments() {
    const t = tableOf(aWrap);
    if (!sectionSel.input.value) { t.setMessage('No hay secciones en el año escolar actual. Créelas en Estructura.'); return; }
    try {
      const r = await api('GET', '/api/v1/assignments' + query({ section_id: sectionSel.input.value }));
      const items = (r && r.items) || [];
      t.clearRows();
      items.forEach((a) => {
        const e = h('button', { type: 'button', class: 'btn btn--ghost btn--small', text: 'Editar', 'aria-label': 'Editar ' + a.subject });
        e.addEventListener('click', () => {
          aEditing = a;
          aIn.subject_id.input.value = String(a.subject_id);
          aIn.subject_id.input.disabled = true;
          aIn.staff_id.input.value = a.staff_id ? String(a.staff_id) : '';
          aIn.periods_per_week.input.value = a.periods_per_week ? String(a.periods_per_week) : '';
          aIn.blocks.input.value = a.blocks || '';
          aTitle.textContent = 'Editar ' + a.subject + ' en ' + a.section;
          aSubmit.textContent = 'Guardar cambios';
          aCancel.hidden = false;
          aIn.staff_id.input.focus();
        });
        const d = h('button', { type: 'button', class: 'btn btn--danger-ghost btn--small', text: 'Quitar', 'aria-label': 'Quitar ' + a.subject });
        d.addEventListener('click', async () => {
          if (!window.confirm('¿Quitar la asignación de ' + a.subject + ' en ' + a.section + '?')) return;
          setBusy(d, true, 'Quitando…');
          try {
            await api('DELETE', '/api/v1/assignments/' + a.id);
            aStatus.show('Se quitó ' + a.subject + ' de ' + a.section + '.');
            await loadAssignments();
          } catch (err) { setBusy(d, false); if (!err.handled) aErrors.show(err.message); }
        });
        t.addRow([h('strong', { text: a.subject }), a.teacher || h('em', { text: ANY }), hoursText(a),
          a.blocks || a.plan_blocks || '', h('span', { class: 'row-actions' }, e, d)]);
      });
      if (!items.length) t.setMessage('Esta sección no tiene materias asignadas todavía.');
      const total = items.reduce((n, a) => n + (a.periods_per_week || a.plan_periods_per_week || 0), 0);
      const sec = sections.find((s) => String(s.id) === sectionSel.input.value);
      const sched = sec && schedules.find((b) => b.id === sec.bell_schedule_id);
      const week = sched ? sched.class_periods * sched.days.length : 0;
      aSummary.textContent = 'Total: ' + total + ' horas semanales' +
        (sched ? ' de ' + week + ' disponibles en «' + sched.name + '».' + (total > week ? ' ¡La semana no alcanza!' : '')
          : '. Esta sección aún no tiene horario de timbres (pestaña Timbres).');
    } catch (err) {
      if (!err.handled) aErrors.show(err.message);
    }
  }
  sectionSel.input.addEventListener('change', () => { aReset(); loadAssignments(); });
  onSubmit(aForm, {
    submit: aSubmit, busy: 'Guardando…', errors: aFormErrors, status: aStatus, inputs: aInputs,
    required: [aIn.subject_id.input],
    send: async () => {
      const body = {
        staff_id: aIn.staff_id.input.value ? Number(aIn.staff_id.input.value) : null,
        periods_per_week: numOrNull(aIn.periods_per_week.input.value.trim()),
        blocks: aIn.blocks.input.value.trim() || null
      };
      if (body.periods_per_week === null && body.blocks !== null) delete body.periods_per_week;
      if (body.blocks === null && body.periods_per_week !== null) delete body.blocks;
      let saved;
      if (aEditing) {
        saved = await api('PATCH', '/api/v1/assignments/' + aEditing.id, body);
      } else {
        body.section_id = Number(sectionSel.input.value);
        body.subject_id = Number(aIn.subject_id.input.value);
        saved = await api('POST', '/api/v1/assignments', body);
      }
      aStatus.show(saved.subject + ' en ' + saved.section + ': ' + (saved.teacher || ANY.toLowerCase()) + '.');
      aReset();
      await loadAssignments();
    },
    failed: (err) => { normalizeErrors(err); return false; }
  });

  function fill(sel, items, first) {
    clear(sel);
    if (first) sel.appendChild(h('option', { value: '', text: first }));
    items.forEach((it) => sel.appendChild(h('option', { value: String(it.value), text: it.label })));
  }

  async function loadAll() {
    try {
      const [g, s, su, st, b] = await Promise.all([api('GET', '/api/v1/grades'), api('GET', '/api/v1/sections'),
        api('GET', '/api/v1/subjects'), api('GET', '/api/v1/staff'), api('GET', '/api/v1/bell-schedules')]);
      grades = g.items || [];
      sections = s.items || [];
      subjects = su.items || [];
      staff = (st.items || []).filter((x) => x.active !== false);
      schedules = b.items || [];
      fill(gradeSel.input, grades.map((x) => ({ value: x.id, label: x.name })));
      fill(sectionSel.input, sections.map((x) => ({ value: x.id, label: x.name })));
      const subj = subjects.map((x) => ({ value: x.id, label: x.name + (x.code ? ' (' + x.code + ')' : '') }));
      fill(pIn.subject_id.input, subj, 'Elija la materia…');
      fill(aIn.subject_id.input, subj, 'Elija la materia…');
      fill(aIn.staff_id.input, staff.map((x) => ({ value: x.id, label: fullName(x) })), ANY);
      await Promise.all([loadPlan(), loadAssignments()]);
    } catch (err) {
      if (!err.handled) pErrors.show(err.message);
    }
  }

  tableOf(pWrap).setMessage('Cargando…');
  tableOf(aWrap).setMessage('Cargando…');
  setView('Preparar horarios', [
    pageHead('Preparar horarios', 'Cuántas horas semanales tiene cada materia en cada grado, y quién la dicta en cada sección.', null),
    setupTabs('/preparacion/plan'),
    h('div', { class: 'stack' },
      card('Plan de estudio', 'Las horas semanales de cada materia en un grado y cómo se reparten en bloques de horas seguidas.',
        [pStatus, pErrors, h('div', { class: 'form-row tt-filter' }, gradeSel.wrap), pWrap, pTotal, pForm], 'card--wide'),
      card('Asignaciones', 'Quién dicta cada materia en cada sección. «' + ANY + '»: el generador elige entre los docentes que pueden dictarla, repartiendo la carga.',
        [aStatus, aErrors, h('div', { class: 'form-row tt-filter' }, sectionSel.wrap), aSummary, aWrap, aForm], 'card--wide'))
  ], ctx.moveFocus);
  loadAll();
}
