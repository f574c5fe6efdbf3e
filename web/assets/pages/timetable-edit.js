/*
 * Page /editar-horario/{id}: a timetable edited by hand (issue #15, the
 * grid). A week table per section, teacher or room (the user picks which),
 * drawn from GET /api/v1/timetables/{id}/grid with the bell schedule's
 * periods and breaks. A lesson is moved three ways, all ending in the same
 * POST .../moves:
 *   - the mouse: drag it onto a slot (a move) or onto another lesson (a
 *     swap); the slots where it fits light up while it is dragged (GET
 *     .../free-slots);
 *   - a tap or click: pick it up, then tap a slot or another lesson;
 *   - the keyboard: Enter or Space picks up the focused lesson, the arrows
 *     walk the grid, Enter drops it, Esc puts it back.
 * Every change is checked by the server at once: a clash is refused (409)
 * and its Spanish message shown, naming who clashes where; the slot is
 * marked. Locked lessons ("Fijada") stay where they are; the panel of the
 * picked-up lesson locks and unlocks it. "Reparar horario" runs the solver
 * again around the locked lessons (POST .../repair, in the background: the
 * page follows the timetable's job_state). An active or archived timetable
 * is not edited: the page offers to copy it into a new draft.
 */
import { h, clear, loadStylesheet } from '../core/dom.js';
import { api } from '../core/api.js';
import { messageArea, setBusy } from '../core/forms.js';
import { setView, showFatal } from '../core/shell.js';
import { navigate } from '../core/router.js';
import { guard, link, pageHead } from './records.js';
import { costText } from './timetables.js';

const DAYS = ['', 'Lunes', 'Martes', 'Miércoles', 'Jueves', 'Viernes', 'Sábado', 'Domingo'];
const STATUS = { draft: 'Borrador', active: 'Activo', archived: 'Archivado' };
const KINDS = [
  { value: 'section', label: 'Sección', key: 'section_id', name: 'section' },
  { value: 'teacher', label: 'Docente', key: 'staff_id', name: 'teacher' },
  { value: 'room', label: 'Aula', key: 'room_id', name: 'room' }
];
const TITLE = 'Editar horario';

function ordinal(n) { return n + '.ª'; }
function dayName(d) { return (DAYS[d] || '').toLowerCase(); }
function slotText(d, p) { return 'el ' + dayName(d) + ', ' + ordinal(p) + ' hora'; }


export async function show(ctx) {
  if (!guard(TITLE, ctx.moveFocus)) return;
  await loadStylesheet('/assets/pages/timetable-edit.css');
  let grid;
  try {
    grid = await loadGrid(ctx.params.id);
  } catch (err) {
    if (err.handled || !ctx.current()) return;
    showFatal(TITLE, err.status === 404 ? 'No se encontró este horario.' : err.message);
    return;
  }
  if (!ctx.current()) return;
  new Editor(ctx, grid).render();
}

function loadGrid(id) {
  return api('GET', '/api/v1/timetables/' + encodeURIComponent(id) + '/grid');
}

class Editor {
  constructor(ctx, grid) {
    this.ctx = ctx;
    this.grid = grid;
    this.kind = KINDS[0];
    this.target = null;        /* the section, teacher or room shown */
    this.selected = null;      /* the lesson picked up */
    this.free = new Set();     /* "day:period" where it fits */
    this.dragging = false;
    this.busy = false;
  }

  lesson(id) { return this.grid.lessons.find((l) => l.id === id) || null; }

  /* [{id, name}] of what the current kind may show. */
  choices(kind) {
    const seen = new Map();
    this.grid.lessons.forEach((l) => {
      const id = l[kind.key];
      if (id !== null && id !== undefined && !seen.has(id)) seen.set(id, l[kind.name]);
    });
    const list = Array.from(seen, ([id, name]) => ({ id: id, name: name }));
    if (kind.value !== 'section') list.sort((a, b) => a.name.localeCompare(b.name, 'es'));
    return list;
  }

  render() {
    const g = this.grid;
    this.status = messageArea('status');
    this.errors = messageArea('error');
    this.kindSelect = h('select', { id: 'tt-kind', onchange: () => this.onKind() },
      KINDS.map((k) => h('option', { value: k.value, text: k.label })));
    this.targetSelect = h('select', { id: 'tt-target', onchange: () => this.onTarget() });
    this.gridBox = h('div', { class: 'tt-scroll' });
    this.panel = h('div', { class: 'tt-panel', hidden: true });
    this.clashBox = h('div');
    const head = pageHead(TITLE, this.introText(g), [this.repairBtn]);
    this.introEl = head.querySelector('.page-head__intro');
    this.repairBtn = h('button', { type: 'button', class: 'btn btn--secondary', text: 'Reparar horario',
      hidden: !g.editable, onclick: () => this.repair() });
    const notEditable = g.editable ? null : this.copyNotice();
    setView(TITLE + ': ' + g.name, [
      h('p', { class: 'breadcrumb' }, link('/horarios', '← Horarios')),
      head,
      notEditable,
      h('section', { class: 'card', 'aria-label': 'Cuadrícula del horario' },
        h('div', { class: 'tt-toolbar' },
          h('div', { class: 'field' }, h('label', { for: 'tt-kind', text: 'Ver por' }), this.kindSelect),
          h('div', { class: 'field' }, h('label', { for: 'tt-target', id: 'tt-target-label', text: 'Sección' }), this.targetSelect)),
        g.editable ? h('p', { class: 'tt-help', id: 'tt-help', text:
          'Arrastre una clase a una hora libre (se resaltan en verde) o sobre otra clase para intercambiarlas. ' +
          'También puede tocarla y luego tocar el destino; con el teclado: Enter para tomarla, flechas para moverse, ' +
          'Enter para soltarla y Esc para cancelar.' }) : null,
        this.errors, this.status, this.clashBox, this.gridBox, this.panel)
    ], this.ctx.moveFocus);
    this.fillTargets();
    this.draw();
    document.addEventListener('keydown', this.onEscape = (ev) => {
      if (ev.key === 'Escape' && this.selected !== null && this.ctx.current()) this.drop(true);
    });
  }

  /* Name, state and what the draft costs now (re-priced by every move). */
  introText(g) {
    return [g.name, STATUS[g.status] || g.status, g.cost ? costText(g) : null].filter(Boolean).join(' · ');
  }

  copyNotice() {
    const btn = h('button', { type: 'button', class: 'btn btn--primary', text: 'Crear una copia para editar' });
    const area = messageArea('error');
    btn.addEventListener('click', async () => {
      setBusy(btn, true, 'Copiando…');
      try {
        const copy = await api('POST', '/api/v1/timetables/' + this.grid.id + '/copy');
        navigate('/editar-horario/' + copy.id);
      } catch (err) {
        setBusy(btn, false);
        if (!err.handled) area.show(err.message);
      }
    });
    const why = this.grid.job_state === 'queued' || this.grid.job_state === 'running'
      ? 'Este horario se está generando: podrá editarlo cuando termine.'
      : 'Este horario está ' + (STATUS[this.grid.status] || '').toLowerCase() +
        ': no se modifica directamente. Cree una copia en borrador, edítela y actívela cuando esté lista.';
    return h('div', { class: 'notice notice--info' }, h('p', { class: 'notice__line', text: why }),
      this.grid.status === 'draft' ? null : h('p', { class: 'notice__line' }, btn), area);
  }

  fillTargets() {
    const list = this.choices(this.kind);
    clear(this.targetSelect);
    list.forEach((c) => this.targetSelect.appendChild(h('option', { value: String(c.id), text: c.name })));
    document.getElementById('tt-target-label').textContent = this.kind.label;
    if (!list.some((c) => c.id === this.target)) this.target = list.length ? list[0].id : null;
    if (this.target !== null) this.targetSelect.value = String(this.target);
  }

  /* Another week shown: what was picked up and said is about the old one. */
  forget() {
    if (this.selected !== null) this.drop(false);
    this.errors.clear();
    this.status.clear();
  }

  onKind() {
    this.forget();
    this.kind = KINDS.find((k) => k.value === this.kindSelect.value) || KINDS[0];
    this.target = null;
    this.fillTargets();
    this.draw();
  }

  onTarget() {
    this.forget();
    this.target = Number(this.targetSelect.value);
    this.draw();
  }

  shown() {
    return this.grid.lessons.filter((l) => l[this.kind.key] === this.target);
  }

  /* The bell schedule to draw: the one most of the shown lessons follow. */
  schedule(lessons) {
    const count = new Map();
    lessons.forEach((l) => { if (l.schedule_id) count.set(l.schedule_id, (count.get(l.schedule_id) || 0) + 1); });
    let best = null;
    count.forEach((n, id) => { if (best === null || n > count.get(best)) best = id; });
    const found = this.grid.schedules.find((s) => s.id === best) || this.grid.schedules[0];
    if (found) return found;
    let last = 8;
    this.grid.lessons.forEach((l) => { if (l.period) last = Math.max(last, l.period + l.length - 1); });
    const rows = [];
    for (let p = 1; p <= last; p++) rows.push({ number: p, is_break: false, starts_at: '', ends_at: '' });
    return { id: 0, days: [1, 2, 3, 4, 5], periods: last, rows: rows };
  }

  draw() {
    const lessons = this.shown();
    const sch = this.schedule(lessons);
    this.days = sch.days;
    this.periods = sch.rows.filter((r) => !r.is_break).map((r) => r.number);
    const clashIds = new Set();
    (this.grid.clashes || []).forEach((c) => { clashIds.add(c.lesson_id); if (c.other_lesson_id) clashIds.add(c.other_lesson_id); });
    this.drawClashes();
    const caption = 'Horario de ' + (this.kind.value === 'section' ? '' : (this.kind.value === 'teacher' ? 'prof. ' : 'el aula ')) +
      (this.targetSelect.selectedOptions[0] ? this.targetSelect.selectedOptions[0].textContent : '');
    const tbody = h('tbody');
    sch.rows.forEach((row) => {
      if (row.is_break) {
        tbody.appendChild(h('tr', { class: 'tt-break' },
          h('th', { scope: 'row', class: 'tt-time' }, h('span', { class: 'visually-hidden', text: 'Receso' })),
          h('td', { colspan: String(this.days.length), text: 'RECESO ' + row.starts_at + '–' + row.ends_at })));
        return;
      }
      const p = row.number;
      const tr = h('tr', null, h('th', { scope: 'row', class: 'tt-time' }, ordinal(p),
        row.starts_at ? h('span', { class: 'tt-time__range', text: row.starts_at + '–' + row.ends_at }) : null));
      this.days.forEach((d) => {
        const td = h('td', { class: 'tt-slot', tabindex: '-1', 'data-day': String(d), 'data-period': String(p) });
        const here = lessons.filter((l) => l.day === d && l.period <= p && p < l.period + l.length);
        const parts = here.map((l) => (l.period === p ? this.lessonButton(l, clashIds.has(l.id)) : this.continuation(l)));
        if (parts.length > 1) td.appendChild(h('div', { class: 'tt-stack' }, parts));
        else parts.forEach((n) => td.appendChild(n));
        if (!here.length) td.setAttribute('aria-label', DAYS[d] + ', ' + ordinal(p) + ' hora: libre');
        this.wireSlot(td, d, p);
        tr.appendChild(td);
      });
      tbody.appendChild(tr);
    });
    const table = h('table', { class: 'tt-grid' },
      h('caption', { class: 'visually-hidden', text: caption }),
      h('thead', null, h('tr', null, h('th', { scope: 'col', class: 'tt-time', text: 'Hora' }),
        this.days.map((d) => h('th', { scope: 'col' },
          h('span', { class: 'tt-day--long', text: DAYS[d] }),
          h('span', { class: 'tt-day--short', 'aria-hidden': 'true', text: DAYS[d].slice(0, 3) }))))),
      tbody);
    table.addEventListener('keydown', (ev) => this.onKey(ev));
    clear(this.gridBox);
    this.gridBox.appendChild(table);
    this.table = table;
    if (!lessons.length) this.status.show('No hay clases para mostrar aquí.', 'info');
    /* the first slot is reachable with Tab when no lesson is */
    const first = table.querySelector('.tt-lesson[data-lesson]') || table.querySelector('td.tt-slot');
    if (first) first.setAttribute('tabindex', '0');
    this.paintFree();
  }

  drawClashes() {
    clear(this.clashBox);
    const list = this.grid.clashes || [];
    if (!list.length) return;
    this.clashBox.appendChild(h('div', { class: 'notice notice--error' },
      h('p', { class: 'notice__line', text: list.length === 1 ? 'Este horario tiene un choque:' : 'Este horario tiene ' + list.length + ' choques:' }),
      h('ul', { class: 'notice__list' }, list.slice(0, 20).map((c) => h('li', { text: c.message })))));
  }

  lessonLines(l) {
    const lines = [];
    if (this.kind.value !== 'section') lines.push(l.section);
    if (this.kind.value !== 'teacher' && l.teacher) lines.push(l.teacher);
    if (this.kind.value !== 'room' && l.room) lines.push(l.room);
    return lines;
  }

  lessonButton(l, clash) {
    const label = [l.subject, l.section, l.teacher, l.room, slotText(l.day, l.period),
      l.length > 1 ? l.length + ' horas' : null, l.locked ? 'fijada' : null].filter(Boolean).join(', ');
    const cls = 'tt-lesson' + (l.locked ? ' tt-lesson--locked' : '') + (clash ? ' tt-lesson--clash' : '') +
      (this.selected === l.id ? ' tt-lesson--selected' : '');
    const btn = h('button', { type: 'button', class: cls, tabindex: '-1', 'data-lesson': String(l.id),
      'aria-label': label, title: label, 'aria-pressed': this.selected === l.id ? 'true' : 'false',
      draggable: this.grid.editable && !l.locked ? 'true' : 'false' },
    h('span', { class: 'tt-lesson__subject', text: l.subject }),
    this.lessonLines(l).map((t) => h('span', { class: 'tt-lesson__line', text: t })),
    l.locked ? h('span', { class: 'tt-lock', text: 'Fijada' }) : null);
    btn.addEventListener('click', (ev) => { ev.stopPropagation(); this.onLesson(l); });
    btn.addEventListener('dragstart', (ev) => {
      if (!this.grid.editable || l.locked) { ev.preventDefault(); return; }
      ev.dataTransfer.setData('text/plain', String(l.id));
      ev.dataTransfer.effectAllowed = 'move';
      this.dragging = true;
      if (this.selected !== l.id) this.pick(l);
    });
    btn.addEventListener('dragend', () => { this.dragging = false; this.clearMarks('tt-slot--over'); });
    return btn;
  }

  continuation(l) {
    const el = h('div', { class: 'tt-lesson tt-lesson--cont' + (this.selected === l.id ? ' tt-lesson--selected' : ''),
      'aria-hidden': 'true', 'data-cont': String(l.id), text: '↳ ' + l.subject });
    el.addEventListener('click', (ev) => { ev.stopPropagation(); this.onLesson(l); });
    return el;
  }

  wireSlot(td, d, p) {
    td.addEventListener('click', () => this.onSlot(d, p, td));
    td.addEventListener('dragover', (ev) => {
      if (!this.dragging) return;
      ev.preventDefault();
      ev.dataTransfer.dropEffect = 'move';
      td.classList.add('tt-slot--over');
    });
    td.addEventListener('dragleave', () => td.classList.remove('tt-slot--over'));
    td.addEventListener('drop', (ev) => {
      ev.preventDefault();
      this.dragging = false;
      this.clearMarks('tt-slot--over');
      const onto = ev.target.closest && ev.target.closest('[data-lesson], [data-cont]');
      const other = onto ? Number(onto.getAttribute('data-lesson') || onto.getAttribute('data-cont')) : null;
      if (other !== null && other !== this.selected) this.swap(this.lesson(other), td);
      else if (other === null) this.move(d, p, td);
    });
  }

  /* ---- picking up and putting down ---- */

  onLesson(l) {
    if (this.busy) return;
    if (this.selected === null) this.pick(l);
    else if (this.selected === l.id) this.drop(true);
    else this.swap(l, this.cellOf(l));
  }

  onSlot(d, p, td) {
    if (this.busy || this.selected === null) return;
    this.move(d, p, td);
  }

  async pick(l) {
    this.selected = l.id;
    this.free = new Set();
    this.errors.clear();
    this.markSelected();
    this.showPanel(l);
    if (!this.grid.editable) return;
    if (l.locked) {
      this.status.show(l.subject + ' está fijada en su lugar: quite la fijación para moverla.', 'info');
      return;
    }
    this.status.show('Tomó ' + l.subject + ' de ' + l.section + '. Elija una hora libre (en verde) o otra clase para intercambiarlas; Esc cancela.', 'info');
    try {
      const r = await api('GET', '/api/v1/timetables/' + this.grid.id + '/free-slots?lesson_id=' + l.id);
      if (this.selected !== l.id || !this.ctx.current()) return;
      this.free = new Set(r.slots.map((s) => s.day + ':' + s.period));
      this.paintFree();
    } catch (err) {
      if (!err.handled) this.errors.show(err.message);
    }
  }

  /* Puts the lesson back (Esc, or picked again). */
  drop(refocus) {
    const id = this.selected;
    this.selected = null;
    this.free = new Set();
    this.panel.hidden = true;
    this.status.clear();
    this.markSelected();
    this.paintFree();
    if (refocus && id !== null) this.focusLesson(id);
  }

  markSelected() {
    if (!this.table) return;
    this.table.querySelectorAll('[data-lesson], [data-cont]').forEach((el) => {
      const id = Number(el.getAttribute('data-lesson') || el.getAttribute('data-cont'));
      el.classList.toggle('tt-lesson--selected', id === this.selected);
      if (el.hasAttribute('data-lesson')) el.setAttribute('aria-pressed', id === this.selected ? 'true' : 'false');
    });
  }

  paintFree() {
    if (!this.table) return;
    this.table.querySelectorAll('td.tt-slot').forEach((td) => {
      const key = td.getAttribute('data-day') + ':' + td.getAttribute('data-period');
      td.classList.toggle('tt-slot--free', this.free.has(key));
    });
  }

  clearMarks(cls) {
    if (this.table) this.table.querySelectorAll('.' + cls).forEach((el) => el.classList.remove(cls));
  }

  cellOf(l) {
    return this.table && this.table.querySelector('td[data-day="' + l.day + '"][data-period="' + l.period + '"]');
  }

  focusLesson(id) {
    const btn = this.table && this.table.querySelector('[data-lesson="' + id + '"]');
    if (btn) { this.roving(btn); btn.focus(); }
  }

  roving(el) {
    this.table.querySelectorAll('[tabindex="0"]').forEach((x) => x.setAttribute('tabindex', '-1'));
    el.setAttribute('tabindex', '0');
  }

  /* ---- the server's word ---- */

  async move(d, p, td) {
    const l = this.lesson(this.selected);
    if (!l || !this.grid.editable) return;
    await this.send({ lesson_id: l.id, day: d, period: p }, td,
      () => 'Listo: ' + l.subject + ' de ' + l.section + ' pasó al ' + dayName(d) + ', ' + ordinal(p) + ' hora.', l.id);
  }

  async swap(other, td) {
    const l = this.lesson(this.selected);
    if (!l || !other || !this.grid.editable) return;
    await this.send({ swap: [l.id, other.id] }, td,
      () => 'Listo: ' + l.subject + ' y ' + other.subject + ' intercambiaron sus horas.', l.id);
  }

  async send(body, td, done, focusId) {
    this.busy = true;
    this.errors.clear();
    this.clearMarks('tt-slot--refused');
    try {
      await api('POST', '/api/v1/timetables/' + this.grid.id + '/moves', body);
    } catch (err) {
      this.busy = false;
      if (err.handled || !this.ctx.current()) return;
      if (td) {
        td.classList.add('tt-slot--refused');
        setTimeout(() => td.classList.remove('tt-slot--refused'), 4000);
      }
      this.errors.show(err.status === 409 ? 'No se puede: ' + err.message : err.message);
      return;
    }
    const text = done();
    await this.reload();
    this.busy = false;
    this.selected = null;
    this.free = new Set();
    this.panel.hidden = true;
    this.draw();
    this.status.show(text, 'success');
    this.focusLesson(focusId);
  }

  async reload() {
    try {
      this.grid = await loadGrid(this.grid.id);
      if (this.introEl) this.introEl.textContent = this.introText(this.grid);
    } catch (err) {
      if (!err.handled) this.errors.show(err.message);
    }
  }

  /* ---- the picked-up lesson's panel: details and lock ---- */

  showPanel(l) {
    clear(this.panel);
    const where = l.day ? slotText(l.day, l.period) + (l.length > 1 ? ' (' + l.length + ' horas)' : '') : 'sin ubicar';
    const lockBtn = h('button', { type: 'button', class: 'btn btn--secondary btn--small',
      text: l.locked ? 'Quitar fijación' : 'Fijar en su lugar' });
    lockBtn.addEventListener('click', () => this.lock(l, !l.locked, lockBtn));
    const cancel = h('button', { type: 'button', class: 'btn btn--ghost btn--small', text: 'Cancelar (Esc)' });
    cancel.addEventListener('click', () => this.drop(true));
    this.panel.appendChild(h('h2', { class: 'tt-panel__title', text: l.subject + ' · ' + l.section }));
    this.panel.appendChild(h('p', { class: 'notice__line',
      text: [l.teacher ? 'Prof. ' + l.teacher : 'Sin docente', l.room || 'Sin aula', where].join(' · ') }));
    if (l.locked) this.panel.appendChild(h('p', { class: 'notice__line muted', text: 'Fijada: no se mueve a mano ni al reparar el horario.' }));
    this.panel.appendChild(h('div', { class: 'tt-panel__actions' }, this.grid.editable ? lockBtn : null, cancel));
    this.panel.hidden = false;
  }

  async lock(l, locked, btn) {
    setBusy(btn, true, 'Guardando…');
    try {
      await api('PATCH', '/api/v1/timetables/' + this.grid.id + '/lessons/' + l.id, { locked: locked });
    } catch (err) {
      setBusy(btn, false);
      if (!err.handled) this.errors.show(err.message);
      return;
    }
    await this.reload();
    this.selected = null;
    this.free = new Set();
    this.panel.hidden = true;
    this.draw();
    this.status.show(l.subject + ' de ' + l.section + (locked ? ' quedó fijada en su lugar.' : ' ya no está fijada.'), 'success');
    this.focusLesson(l.id);
  }

  /* ---- repair: the solver again, around the locked lessons ---- */

  async repair() {
    const btn = this.repairBtn;
    setBusy(btn, true, 'Reparando…');
    this.errors.clear();
    try {
      await api('POST', '/api/v1/timetables/' + this.grid.id + '/repair', { time_limit: 10 });
    } catch (err) {
      setBusy(btn, false);
      if (!err.handled) this.errors.show(err.message);
      return;
    }
    this.status.show('Reparando el horario: las clases fijadas no se mueven. Tarda unos segundos…', 'info');
    for (;;) {
      await new Promise((r) => setTimeout(r, 1000));
      if (!this.ctx.current()) return;
      await this.reload();
      if (this.grid.job_state !== 'queued' && this.grid.job_state !== 'running') break;
    }
    setBusy(btn, false);
    this.selected = null;
    this.free = new Set();
    this.panel.hidden = true;
    this.draw();
    const n = (this.grid.clashes || []).length;
    if (this.grid.job_state === 'done') {
      this.status.show(n ? 'Reparación terminada, pero quedan ' + n + ' choques.' : 'Reparación terminada: el horario no tiene choques.', n ? 'info' : 'success');
    } else {
      this.errors.show(this.grid.job_state === 'failed' ? 'No se pudo reparar el horario.' : 'La reparación se canceló.');
    }
  }

  /* ---- the keyboard ---- */

  onKey(ev) {
    const cell = ev.target.closest && ev.target.closest('td.tt-slot');
    if (!cell) return;
    const d = Number(cell.getAttribute('data-day'));
    const p = Number(cell.getAttribute('data-period'));
    const di = this.days.indexOf(d);
    const pi = this.periods.indexOf(p);
    let next = null;
    if (ev.key === 'ArrowRight') next = [this.days[Math.min(di + 1, this.days.length - 1)], p];
    else if (ev.key === 'ArrowLeft') next = [this.days[Math.max(di - 1, 0)], p];
    else if (ev.key === 'ArrowDown') next = [d, this.periods[Math.min(pi + 1, this.periods.length - 1)]];
    else if (ev.key === 'ArrowUp') next = [d, this.periods[Math.max(pi - 1, 0)]];
    else if ((ev.key === 'Enter' || ev.key === ' ') && ev.target === cell) {
      ev.preventDefault();
      this.onSlot(d, p, cell);
      return;
    } else return;
    ev.preventDefault();
    const td = this.table.querySelector('td[data-day="' + next[0] + '"][data-period="' + next[1] + '"]');
    if (!td) return;
    this.clearMarks('tt-slot--target');
    const btn = td.querySelector('[data-lesson]');
    const target = btn || td;
    if (this.selected !== null) td.classList.add('tt-slot--target');
    this.roving(target);
    target.focus();
  }
}
