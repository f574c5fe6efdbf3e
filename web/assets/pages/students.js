/*
 * Page /estudiantes: the school's students, 50 at a time ("Más"), with a
 * search by name or cédula and filters by grado, sección and estatus. The
 * filters live in the address (?q=&grado=&seccion=&estatus=), so coming back
 * from a student's page shows the same list. Gender shows as V/H, the way
 * the Matrícula writes it.
 */
import { h } from '../core/dom.js';
import { api, query } from '../core/api.js';
import { messageArea, field, setBusy } from '../core/forms.js';
import { card, dataTable, tableOf, tableLoader } from '../core/ui.js';
import { setView } from '../core/shell.js';
import { STATUS_LABELS, options, fullName, formatCedula, statusBadge, pageHead, link, guard, lookups, takeFlash } from './records.js';

export function show(ctx) {
  if (!guard('Estudiantes', ctx.moveFocus)) return;
  const params = new URLSearchParams(location.search);
  const errors = messageArea('error');
  const status = messageArea('status');

  const q = field({ name: 'q', label: 'Buscar por nombre o cédula', type: 'search', inputmode: 'search', value: params.get('q') || '', maxlength: '100' });
  const grade = field({ name: 'grade_id', label: 'Grado', options: [{ value: '', label: 'Todos' }] });
  const section = field({ name: 'section_id', label: 'Sección', options: [{ value: '', label: 'Todas' }] });
  const st = field({ name: 'status', label: 'Estatus', options: options(STATUS_LABELS, 'Todos'), value: params.get('estatus') || '' });
  const searchBtn = h('button', { type: 'submit', class: 'btn btn--primary', text: 'Buscar' });
  const clearBtn = h('button', { type: 'button', class: 'btn btn--ghost', text: 'Limpiar' });
  const filters = h('form', { class: 'filters', role: 'search', novalidate: true },
    h('div', { class: 'filters__grid filters__grid--records' }, q.wrap, grade.wrap, section.wrap, st.wrap),
    h('div', { class: 'form-actions' }, searchBtn, clearBtn));

  const count = h('p', { class: 'list-count', role: 'status', 'aria-live': 'polite' });
  const wrap = dataTable('Estudiantes', [
    { label: 'Estudiante' }, { label: 'Cédula' }, { label: 'Sexo', class: 'cell-narrow' },
    { label: 'Sección' }, { label: 'Estatus' }]);
  tableOf(wrap).classList.add('table--compact');
  const more = h('button', { type: 'button', class: 'btn btn--secondary', text: 'Mostrar más' });
  const moreWrap = h('div', { class: 'more', hidden: true }, more);
  let shown = 0;
  let total = null;

  function updateCount() {
    if (total === null) { count.textContent = ''; return; }
    count.textContent = total === 0 ? '' : (total === 1 ? '1 estudiante.' : 'Mostrando ' + shown + ' de ' + total + ' estudiantes.');
  }

  const list = tableLoader(wrap, errors, {
    path: (cursor) => '/api/v1/students' + query({
      q: q.input.value.trim(), grade_id: grade.input.value, section_id: section.input.value,
      status: st.input.value, limit: 50, cursor: cursor
    }),
    row: (s) => [
      link('/estudiantes/' + s.id, fullName(s), 'row-link'),
      h('span', { class: 'nowrap', text: formatCedula(s.cedula) }),
      h('abbr', { title: s.gender === 'H' ? 'Hembra' : 'Varón', text: s.gender || '' }),
      s.section || h('span', { class: 'muted', text: 'Sin sección' }),
      statusBadge(s.status)
    ],
    onItems: (items, first) => { shown = (first ? 0 : shown) + items.length; },
    onReply: (reply) => { total = typeof reply.total === 'number' ? reply.total : null; updateCount(); },
    more: moreWrap,
    empty: () => (q.input.value.trim() || grade.input.value || section.input.value || st.input.value
      ? 'No hay estudiantes que coincidan con la búsqueda.'
      : 'Todavía no hay estudiantes registrados. Importe la Matrícula del plantel con «Importar Matrícula», o registre uno con «Nuevo estudiante».'),
    failed: 'No se pudo cargar la lista de estudiantes.'
  });

  let allSections = [];
  function fillSections() {
    const g = grade.input.value;
    const keep = section.input.value;
    while (section.input.options.length > 1) section.input.remove(1);
    allSections.filter((s) => !g || String(s.grade_id) === g).forEach((s) => {
      section.input.appendChild(h('option', { value: String(s.id), text: s.name }));
    });
    section.input.value = Array.prototype.some.call(section.input.options, (o) => o.value === keep) ? keep : '';
  }

  function remember() {
    const qs = query({ q: q.input.value.trim(), grado: grade.input.value, seccion: section.input.value, estatus: st.input.value });
    history.replaceState(null, '', '/estudiantes' + qs);
  }

  async function search() {
    errors.clear();
    remember();
    setBusy(searchBtn, true, 'Buscando…');
    tableOf(wrap).setMessage('Buscando…');
    await list.reload();
    setBusy(searchBtn, false);
  }

  filters.addEventListener('submit', (ev) => { ev.preventDefault(); search(); });
  grade.input.addEventListener('change', () => { fillSections(); search(); });
  section.input.addEventListener('change', search);
  st.input.addEventListener('change', search);
  clearBtn.addEventListener('click', () => {
    q.input.value = ''; grade.input.value = ''; st.input.value = ''; fillSections(); search();
  });
  more.addEventListener('click', async () => {
    setBusy(more, true, 'Cargando…');
    await list.next();
    setBusy(more, false);
  });

  tableOf(wrap).setMessage('Cargando estudiantes…');
  const alive = setView('Estudiantes', [
    pageHead('Estudiantes', 'Busque por nombre o cédula, o filtre por grado, sección y estatus.', [
      link('/estudiantes/nuevo', 'Nuevo estudiante', 'btn btn--primary'),
      link('/importar', 'Importar Matrícula', 'btn btn--secondary')
    ]),
    status, errors,
    card('Lista de estudiantes', null, [filters, count, wrap, moreWrap], 'card--wide')
  ], ctx.moveFocus);
  takeFlash(status);

  lookups().then((lk) => {
    if (!alive()) return;
    lk.grades.forEach((g) => grade.input.appendChild(h('option', { value: String(g.id), text: g.name })));
    grade.input.value = params.get('grado') || '';
    allSections = lk.sections;
    section.input.value = '';
    fillSections();
    section.input.value = params.get('seccion') || '';
    if (section.input.value !== (params.get('seccion') || '')) section.input.value = '';
    list.load(alive);
  }).catch((err) => {
    if (!alive() || err.handled) return;
    errors.show('No se pudieron cargar los grados y secciones: ' + err.message);
    list.load(alive);
  });
}
