/*
 * Page /exportar: downloads. The school's Matrícula as .xlsx (the
 * government's 130-column layout, which the import reads back) and the
 * enrolment statistics per grade and section with V/H counts, as .xlsx and
 * as a printable PDF. Each is a plain link to the export API (the session
 * cookie goes with it) with the chosen school year; the file's name is
 * the server's (Content-Disposition).
 */
import { h } from '../core/dom.js';
import { api, query } from '../core/api.js';
import { messageArea, field } from '../core/forms.js';
import { card } from '../core/ui.js';
import { setView } from '../core/shell.js';
import { pageHead, guard } from './records.js';

export function show(ctx) {
  if (!guard('Exportar', ctx.moveFocus)) return;
  const errors = messageArea('error');
  const year = field({ name: 'year_id', label: 'Año escolar', options: [{ value: '', label: 'Año escolar actual' }] });

  const links = [];
  function dl(path, text, note) {
    const a = h('a', { class: 'btn btn--secondary download', href: path, download: '', text: text });
    a.basePath = path;
    links.push(a);
    return h('li', { class: 'download-item' }, a, h('p', { class: 'muted', text: note }));
  }
  const matricula = h('ul', { class: 'downloads' },
    dl('/api/v1/exports/matricula.xlsx', 'Descargar Matrícula (.xlsx)',
      'Todos los estudiantes con sus representantes, en el formato de 130 columnas de la Matrícula oficial.'));
  const stats = h('ul', { class: 'downloads' },
    dl('/api/v1/exports/enrolment.xlsx', 'Estadística de matrícula (.xlsx)',
      'Estudiantes por grado y sección: varones (V), hembras (H) y total.'),
    dl('/api/v1/exports/enrolment.pdf', 'Estadística de matrícula (PDF)',
      'La misma estadística lista para imprimir, con el nombre del plantel.'));

  function update() {
    const y = year.input.value;
    links.forEach((a) => { a.setAttribute('href', a.basePath + query({ year_id: y })); });
  }
  year.input.addEventListener('change', update);

  const alive = setView('Exportar', [
    pageHead('Exportar', 'Descargue la Matrícula y la estadística de matrícula del plantel.', null),
    errors,
    h('div', { class: 'stack' },
      card('Año escolar', null, h('div', { class: 'form-grid' }, year.wrap), 'card--wide'),
      card('Matrícula', 'El archivo que pide el Ministerio; también sirve como respaldo, porque se puede volver a importar.', matricula),
      card('Estadística de matrícula', 'Para la cartelera o los reportes de la zona educativa.', stats))
  ], ctx.moveFocus);

  api('GET', '/api/v1/years').then((r) => {
    if (!alive()) return;
    ((r && r.items) || []).forEach((y) => {
      if (!y.is_current) year.input.appendChild(h('option', { value: String(y.id), text: y.name }));
      else year.input.options[0].textContent = 'Año escolar actual (' + y.name + ')';
    });
  }).catch((err) => { if (alive() && !err.handled) errors.show('No se pudieron cargar los años escolares: ' + err.message); });
  update();
}
