/*
 * Building blocks shared by the pages: a titled card (one section of a
 * page), a data table whose rows become cards on small screens, and
 * tableLoader(), which fills such a table from a list of the API.
 */
import { h, clear, uid } from './dom.js';
import { api } from './api.js';

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

/*
 * Fills a dataTable from a GET that answers {items, next_cursor}.
 * opts: path(cursor) the URL (cursor null for the first page); row(item)
 * the cells of a row; empty (text, or a function giving it) and failed the
 * table's messages; more, if
 * given, the element shown while there is a next page; onItems(items,
 * first) runs before the rows are added; onReply(reply, first), if given,
 * gets the whole reply (e.g. its `total`). Errors go to the `errors` region.
 * Returns {load(alive), reload(), next()}: load starts over for a view
 * (alive as setView gives it), reload starts over after a change, next
 * appends the next page.
 */
export function tableLoader(wrap, errors, opts) {
  const table = tableOf(wrap);
  let cursor = null;
  let aliveRef = () => true;
  async function fetchPage(first) {
    const alive = aliveRef;
    try {
      const reply = await api('GET', opts.path(first ? null : cursor));
      if (!alive()) return;
      const items = (reply && reply.items) || [];
      if (first) table.clearRows();
      if (opts.onItems) opts.onItems(items, first);
      if (opts.onReply) opts.onReply(reply || {}, first);
      items.forEach((item) => table.addRow(opts.row(item)));
      if (first && !items.length) table.setMessage(typeof opts.empty === 'function' ? opts.empty() : opts.empty);
      cursor = (reply && reply.next_cursor) || null;
      if (opts.more) opts.more.hidden = !cursor;
    } catch (err) {
      if (!alive() || err.handled) return;
      if (first) table.setMessage(opts.failed);
      errors.show(err.message);
    }
  }
  return {
    load(alive) { aliveRef = alive; return fetchPage(true); },
    reload() { return fetchPage(true); },
    next() { return fetchPage(false); }
  };
}
