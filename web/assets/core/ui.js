/*
 * Building blocks shared by the pages: a titled card (one section of a
 * page) and a data table whose rows become cards on small screens.
 */
import { h, clear, uid } from './dom.js';

/* A <section> labelled by its <h2>, with an optional intro line. */
export function card(titleText, intro, children, extraClass) {
  const titleId = uid('t');
  return h('section', { class: 'card' + (extraClass ? ' ' + extraClass : ''), 'aria-labelledby': titleId },
    h('h2', { id: titleId, class: 'card__title', text: titleText }),
    intro ? h('p', { class: 'card__intro muted', text: intro }) : null,
    children);
}

/*
 * A table whose cells carry data-label, so small screens can show each row
 * as a card. Returns its wrapper; tableOf(wrapper) gives the table, with
 * addRow(cells, rowClass), setMessage(text) and clearRows().
 */
export function dataTable(caption, columns) {
  /* Explicit roles keep the table semantics when CSS turns rows into cards. */
  const tbody = h('tbody', { role: 'rowgroup' });
  const table = h('table', { class: 'table', role: 'table' },
    h('caption', { class: 'visually-hidden', text: caption }),
    h('thead', { role: 'rowgroup' }, h('tr', { role: 'row' }, columns.map((c) =>
      h('th', { scope: 'col', role: 'columnheader', class: c.class, text: c.label })))),
    tbody);
  table.tbody = tbody;
  table.columns = columns;
  table.addRow = function (cells, rowClass) {
    const tr = h('tr', { class: rowClass, role: 'row' });
    cells.forEach((cell, i) => {
      const col = columns[i];
      tr.appendChild(h('td', { 'data-label': col.label, class: col.class, role: 'cell' }, cell));
    });
    tbody.appendChild(tr);
    return tr;
  };
  table.setMessage = function (text) {
    clear(tbody);
    tbody.appendChild(h('tr', { class: 'table__message', role: 'row' },
      h('td', { colspan: String(columns.length), role: 'cell', text: text })));
  };
  table.clearRows = function () { clear(tbody); };
  return h('div', { class: 'table-wrap' }, table);
}

export function tableOf(wrap) { return wrap.firstChild; }
