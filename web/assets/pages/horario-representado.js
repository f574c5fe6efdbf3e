/*
 * Page /horario-representado (parents): "Horario de mi representado", one
 * tab per child (GET /api/v1/me/children), each showing the week of the
 * child's section in the active timetable
 * (GET /api/v1/me/children/{id}/timetable). Tabs follow the WAI-ARIA tabs
 * pattern: arrows move between them, the panel follows the selected one.
 */
import { h, clear } from '../core/dom.js';
import { api } from '../core/api.js';
import { messageArea } from '../core/forms.js';
import { setView } from '../core/shell.js';
import { state } from '../core/state.js';
import { pageHead, link } from './records.js';
import { weekView, viewError, NOT_PUBLISHED } from './timetable-view.js';
import { childrenTabs } from '../shared/children-tabs.js';

const SHOW = { section: false, teacher: true, room: true };

export function show(ctx) {
  const title = 'Horario de mi representado';
  if (!state.user || state.user.role !== 'parent') {
    setView(title, h('section', { class: 'card narrow' },
      h('h1', { tabindex: '-1', text: title }),
      h('p', { text: 'Esta página es para los representantes.' }),
      h('p', null, link('/', 'Volver al inicio', 'btn btn--secondary'))), ctx.moveFocus);
    return;
  }
  const errors = messageArea('error');
  const box = h('div', null, h('p', { class: 'muted', text: 'Cargando…' }));
  const alive = setView(title, [
    pageHead(title, 'Las clases de la semana de cada uno de sus representados.', null),
    errors, h('section', { class: 'card card--wide' }, box)
  ], ctx.moveFocus);

  function showChild(child, panel) {
    clear(panel);
    panel.appendChild(h('p', { class: 'muted', text: 'Cargando el horario…' }));
    api('GET', '/api/v1/me/children/' + child.id + '/timetable').then((w) => {
      if (!alive()) return;
      clear(panel);
      if (!child.section_id) {
        panel.appendChild(h('p', { class: 'tt-empty', text: child.first_names + ' no está inscrito(a) en una sección este año.' }));
        return;
      }
      if (!w.timetable) {
        panel.appendChild(h('p', { class: 'tt-empty', text: NOT_PUBLISHED }));
        return;
      }
      panel.appendChild(h('p', { class: 'muted', text: w.view.name + ' · ' + w.timetable.name }));
      panel.appendChild(weekView(w, SHOW, 'Horario de ' + child.first_names));
    }).catch((err) => {
      if (!alive() || err.handled) return;
      clear(panel);
      panel.appendChild(h('p', { class: 'tt-empty', text: viewError(err) }));
    });
  }

  childrenTabs(box, errors, alive, showChild);
}
