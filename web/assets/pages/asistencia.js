/*
 * Page /asistencia (issue #16): a teacher takes attendance, on a phone and
 * with no connection too. Two views of one page, chosen by the address:
 *
 *   /asistencia?fecha=D                the day's sections
 *                                      (GET /api/v1/attendance/sections?date=D):
 *                                      the teacher's in the active timetable,
 *                                      every section for the school's office;
 *   /asistencia?seccion=S&fecha=D[&bloque=B]
 *                                      a section's list (GET /api/v1/attendance):
 *                                      one big button per student cycling
 *                                      Presente → Ausente → Tarde → Justificado
 *                                      (with its reason); everyone is present
 *                                      until marked, so a full class takes one
 *                                      tap on "Guardar lista".
 *
 * Offline: the page registers the service worker (/sw.js), which keeps the
 * app's files and the last replies of these GETs; a list is saved first on
 * the device (attendance-queue.js, IndexedDB) and sent with
 * PUT /api/v1/attendance, now or when the connection returns. A banner says
 * plainly what is waiting ("2 listas esperando conexión" / "Todo enviado"),
 * and a list shown from a saved copy says so. When the worker first takes
 * over, and on every visit to a day's sections, the lists of that day's
 * sections are fetched once so any of them opens offline later.
 */
import { h, clear, uid, loadStylesheet } from '../core/dom.js';
import { state, formatInstant } from '../core/state.js';
import { api, query } from '../core/api.js';
import { messageArea, field, markInvalid } from '../core/forms.js';
import { setView } from '../core/shell.js';
import { navigate } from '../core/router.js';
import { pageHead, todayIso, formatDate, link, fullName } from './records.js';
import * as queue from './attendance-queue.js';

const TITLE = 'Asistencia';
const ORDER = ['present', 'absent', 'late', 'justified'];
const LABELS = { present: 'Presente', absent: 'Ausente', late: 'Tarde', justified: 'Justificado' };
const DAYS = ['Domingo', 'Lunes', 'Martes', 'Miércoles', 'Jueves', 'Viernes', 'Sábado'];
/* At most this many lists of a day are fetched ahead for use offline. */
const WARM_MAX = 15;
const MSG_OFFLINE_SAVED = 'Sin conexión. La lista quedó guardada en este teléfono y se enviará sola cuando vuelva la conexión.';

/* Teachers take their sections' attendance; the school's office any section's. */
export function canTakeAttendance(user) {
  return !!user && (user.role === 'teacher' || user.role === 'school_admin');
}

function isoDate(s) { return /^\d{4}-\d{2}-\d{2}$/.test(s || '') ? s : null; }

/* "Lunes 07/12/2026" */
export function dayLabel(iso) {
  const d = new Date(iso + 'T12:00:00Z');
  return (isNaN(d.getTime()) ? '' : DAYS[d.getUTCDay()] + ' ') + formatDate(iso);
}

/* The Monday-to-Friday day `dir` (-1 or 1) weekdays from iso. */
function weekday(iso, dir) {
  const d = new Date(iso + 'T12:00:00Z');
  do { d.setUTCDate(d.getUTCDate() + dir); } while (d.getUTCDay() === 0 || d.getUTCDay() === 6);
  return d.toISOString().slice(0, 10);
}

/* Now as ISO 8601 UTC to the second (the device's time of an edit). */
function nowUtc() { return new Date().toISOString().slice(0, 19) + 'Z'; }

function sectionsPath(date) { return '/api/v1/attendance/sections' + query({ date: date }); }
function listPath(sectionId, date, block) {
  return '/api/v1/attendance' + query({ section_id: sectionId, date: date, block: block ? block : null });
}
function pagePath(params) {
  return '/asistencia' + query({ seccion: params.section, fecha: params.date, bloque: params.block ? params.block : null });
}

function plural(n, one, many) { return n + ' ' + (n === 1 ? one : many); }


/*
 * A GET that may be answered by the service worker's saved copy. Resolves
 * with {data, copy}: copy is null for a live reply, else the time the copy
 * was received ('' when unknown). Failures go through api(), so they carry
 * its Spanish messages (and a 401 ends the session as everywhere).
 */
async function getKept(path) {
  let res = null;
  try {
    res = await fetch(path, { headers: { Accept: 'application/json' }, credentials: 'same-origin', cache: 'no-store' });
  } catch (e) { res = null; }
  if (!res || !res.ok) return { data: await api('GET', path), copy: null };
  const data = await res.json();
  const copy = res.headers.get('X-Bis-Offline') ? (res.headers.get('X-Bis-Saved-At') || '') : null;
  return { data: data, copy: copy };
}

/* Registers the service worker; fn() runs when it first takes over this tab. */
function registerWorker(fn) {
  if (!('serviceWorker' in navigator) || !window.isSecureContext) return;
  if (!navigator.serviceWorker.controller) {
    navigator.serviceWorker.addEventListener('controllerchange', fn, { once: true });
  }
  navigator.serviceWorker.register('/sw.js').catch(() => undefined);
}

function workerControls() { return !!(navigator.serviceWorker && navigator.serviceWorker.controller); }

const plainGet = (path) => fetch(path, { headers: { Accept: 'application/json' }, credentials: 'same-origin', cache: 'no-store' });

/*
 * Fetches what the app needs to open (the school's look, the session), a
 * day's sections and their lists, so that the worker keeps them.
 */
async function warm(date, items) {
  if (!workerControls() || navigator.onLine === false) return;
  try {
    await Promise.all([plainGet('/api/v1/branding'), plainGet('/api/v1/auth/me')]);
    const list = items || (await getKept(sectionsPath(date))).data.items || [];
    if (list.length > WARM_MAX) return;
    for (const s of list) {
      await plainGet(listPath(s.id, date, 0));
    }
  } catch (e) { /* only a head start for offline use */ }
}

/*
 * The banner of what waits on this device: "2 listas esperando conexión",
 * lists the server refused (with a way to discard them), "Todo enviado".
 * {el, refresh()}; it follows the queue and the connection while alive().
 */
function queueBanner(alive) {
  const el = h('div', { class: 'att-banner', role: 'status', 'aria-live': 'polite' });
  let busy = false;
  async function refresh() {
    if (!alive()) return;
    let items = [];
    try { items = await queue.waiting(); } catch (e) { items = []; }
    if (!alive()) return;
    const offline = navigator.onLine === false;
    const waiting = items.filter((i) => !i.failed);
    const failed = items.filter((i) => i.failed);
    clear(el);
    if (waiting.length) {
      el.appendChild(h('div', { class: 'notice notice--warn att-banner__box' },
        h('p', { class: 'att-banner__title', text: plural(waiting.length, 'lista esperando conexión', 'listas esperando conexión') }),
        h('ul', { class: 'att-banner__list' }, waiting.map((i) => h('li', null,
          (i.section_name || 'Sección') + ', ' + dayLabel(i.date) + (i.block ? ', bloque ' + i.block : '')))),
        h('p', { class: 'att-banner__hint', text: offline
          ? 'Están guardadas en este teléfono y se enviarán solas cuando vuelva la conexión.'
          : 'Se envían solas; si tarda, pulse «Enviar ahora».' }),
        offline ? null : h('button', { type: 'button', class: 'btn btn--secondary btn--small', text: 'Enviar ahora', onclick: sendNow })));
    }
    failed.forEach((i) => {
      el.appendChild(h('div', { class: 'notice notice--error att-banner__box' },
        h('p', { class: 'att-banner__title', text: 'El servidor no aceptó la lista de ' + (i.section_name || 'una sección') + ' del ' + dayLabel(i.date) + '.' }),
        h('p', { text: i.failed }),
        h('button', { type: 'button', class: 'btn btn--danger-ghost btn--small', text: 'Descartar esa lista',
          onclick: () => { queue.discard(i.key); } })));
    });
    if (!waiting.length && !failed.length) {
      el.appendChild(h('p', { class: 'notice ' + (offline ? 'notice--warn' : 'notice--success') + ' att-banner__box',
        text: offline
          ? 'Sin conexión. Puede pasar la lista: se guardará en este teléfono y se enviará al volver la conexión.'
          : 'Todo enviado.' }));
    }
  }
  async function sendNow() {
    if (busy) return;
    busy = true;
    try { await queue.sendWaiting(); } finally { busy = false; refresh(); }
  }
  const off = queue.onChange(() => { if (!alive()) { off(); return; } refresh(); });
  const onNet = () => { if (!alive()) { window.removeEventListener('online', onNet); window.removeEventListener('offline', onNet); return; } refresh(); };
  window.addEventListener('online', onNet);
  window.addEventListener('offline', onNet);
  return { el: el, refresh: refresh };
}

/* The note shown when a reply is the worker's saved copy. */
function copyNote(copy) {
  const when = copy ? formatInstant(copy) : '';
  return h('p', { class: 'notice notice--warn', text: 'Sin conexión: se muestra lo recibido' + (when ? ' el ' + when : ' la última vez') + '.' });
}

export async function show(ctx) {
  if (!canTakeAttendance(state.user)) {
    setView(TITLE, h('section', { class: 'card narrow' },
      h('h1', { tabindex: '-1', text: TITLE }),
      h('p', { text: 'Esta página es para los docentes y la dirección del plantel.' }),
      h('p', null, link('/', 'Volver al inicio', 'btn btn--secondary'))), ctx.moveFocus);
    return;
  }
  await loadStylesheet('/assets/pages/asistencia.css');
  if (!ctx.current()) return;
  const params = new URLSearchParams(location.search);
  const date = isoDate(params.get('fecha')) || todayIso();
  const section = /^\d{1,12}$/.test(params.get('seccion') || '') ? params.get('seccion') : null;
  const block = /^\d{1,2}$/.test(params.get('bloque') || '') ? Number(params.get('bloque')) : 0;
  queue.startSending();
  registerWorker(() => {
    /* the worker keeps what this tab fetches from now on: fetch the day again */
    warm(date, null);
    if (section) plainGet(listPath(section, date, block)).catch(() => undefined);
  });
  if (section) showList(ctx, Number(section), date, block);
  else showSections(ctx, date);
}

/* ---------- the day's sections */

function showSections(ctx, date) {
  const errors = messageArea('error');
  const dateField = field({ name: 'fecha', label: 'Fecha', type: 'date', value: date });
  const form = h('form', { class: 'form-row att-day', novalidate: true }, dateField.wrap,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn--secondary', text: 'Ver el día' })));
  /* the weekday before and after (the API says whether it is a school day) */
  const steps = h('p', { class: 'att-steps' },
    link(pagePath({ date: weekday(date, -1) }), '‹ Día anterior', 'btn btn--ghost btn--small'),
    link(pagePath({ date: weekday(date, 1) }), 'Día siguiente ›', 'btn btn--ghost btn--small'));
  const dayNote = h('div', { class: 'att-day__note' });
  const box = h('div', { class: 'att-sections', 'aria-live': 'polite' }, h('p', { class: 'muted', text: 'Cargando sus secciones…' }));
  const heading = h('h2', { class: 'card__title', id: uid('t'), text: dayLabel(date) });
  let banner = null;
  const alive = setView(TITLE, [
    pageHead(TITLE, 'Pase la lista de sus secciones. Todos figuran presentes hasta que marque lo contrario; sin conexión, la lista se guarda en este teléfono y se envía después.', null),
    h('div', { class: 'att-banner-slot' }),
    errors,
    h('section', { class: 'card card--wide', 'aria-labelledby': heading.id }, heading, form, steps, dayNote, box)
  ], ctx.moveFocus);
  banner = queueBanner(alive);
  document.querySelector('.att-banner-slot').appendChild(banner.el);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const d = isoDate(dateField.input.value);
    markInvalid(dateField.input, !d, d ? '' : 'Indique una fecha.');
    if (d) navigate(pagePath({ date: d }));
  });
  const offHandler = queue.onChange(() => { if (!alive()) { offHandler(); return; } load(); });

  async function load() {
    let reply;
    try {
      reply = await getKept(sectionsPath(date));
    } catch (err) {
      if (!alive() || err.handled) return;
      clear(box);
      box.appendChild(h('p', { class: 'att-empty', text: err.status === 0
        ? 'Sin conexión, y este teléfono no guardó las secciones de ese día. Vuelva a intentarlo con conexión.'
        : err.message }));
      return;
    }
    if (!alive()) return;
    const data = reply.data || {};
    const items = data.items || [];
    let pending = [];
    try { pending = await queue.waiting(); } catch (e) { pending = []; }
    if (!alive()) return;
    clear(dayNote);
    if (reply.copy !== null) dayNote.appendChild(copyNote(reply.copy));
    if (data.school_day === false) {
      dayNote.appendChild(h('p', { class: 'notice notice--info', text: 'El ' + dayLabel(date) + ' no es día hábil' + (data.why ? ': ' + data.why : '') + '. No se pasa la lista ese día.' }));
    }
    clear(box);
    if (!items.length) {
      box.appendChild(h('p', { class: 'att-empty', text: state.user.role === 'teacher'
        ? 'No tiene secciones en el horario vigente para este día. Si debería tenerlas, avise a la dirección.'
        : 'El año escolar no tiene secciones.' }));
      return;
    }
    box.appendChild(h('ul', { class: 'att-sections__list' }, items.map((s) => sectionItem(s, date, pending))));
    if (reply.copy === null) warm(date, items);
  }
  load();
  banner.refresh();
  queue.sendWaiting().then(() => banner.refresh(), () => undefined);
}

function blockNumber(b) { return typeof b === 'number' ? b : Number((b && (b.block || b.number)) || 0); }
/* The API's label ("Bloque 1 (07:00 a 08:20)"), else one made of its parts. */
function blockLabel(b) {
  if (b && b.label) return b.label;
  const times = b && b.starts_at && b.ends_at ? ' (' + b.starts_at + ' a ' + b.ends_at + ')' : '';
  return 'Bloque ' + blockNumber(b) + times;
}

function stateBadge(taken, waiting, failed) {
  if (failed) return h('span', { class: 'badge badge--suspended', text: 'No aceptada' });
  if (waiting) return h('span', { class: 'badge badge--suspended', text: 'Esperando conexión' });
  return taken ? h('span', { class: 'badge badge--active', text: 'Lista tomada' })
    : h('span', { class: 'badge badge--inactive', text: 'Sin tomar' });
}

function sectionItem(s, date, pending) {
  const mine = (block) => pending.find((p) => p.section_id === s.id && p.date === date && (p.block || 0) === block);
  const blocks = Array.isArray(s.blocks) ? s.blocks : [];
  const p0 = mine(0);
  const inner = [
    h('span', { class: 'att-section__name', text: s.name }),
    h('span', { class: 'att-section__meta' },
      h('span', { class: 'muted', text: plural(s.students || 0, 'estudiante', 'estudiantes') }),
      stateBadge(!!s.taken, !!p0, !!(p0 && p0.failed)))];
  if (!blocks.length) {
    return h('li', { class: 'att-sections__item' },
      h('a', { class: 'att-section', href: pagePath({ section: s.id, date: date }), 'data-route': '' }, inner));
  }
  /* per block: the day's record follows from the blocks, each block is a list */
  return h('li', { class: 'att-sections__item' }, h('div', { class: 'att-section att-section--blocks' }, inner),
    h('ul', { class: 'att-blocks', 'aria-label': 'Bloques de ' + s.name }, blocks.map((b) => {
      const n = blockNumber(b);
      const p = mine(n);
      return h('li', null, h('a', { class: 'att-block', href: pagePath({ section: s.id, date: date, block: n }), 'data-route': '' },
        h('span', { text: blockLabel(b) }), stateBadge(!!(b && b.taken), !!p, !!(p && p.failed))));
    })));
}

/* ---------- a section's list */

function showList(ctx, sectionId, date, block) {
  const errors = messageArea('error');
  const result = messageArea('status');
  const titleId = uid('t');
  const title = h('h1', { tabindex: '-1', id: titleId, text: 'Lista de asistencia' });
  const sub = h('p', { class: 'muted page-head__intro', text: dayLabel(date) + (block ? ' · bloque ' + block : '') });
  const info = h('div', { class: 'att-info' });
  const rosterBox = h('div', { class: 'att-roster-box' }, h('p', { class: 'muted', text: 'Cargando la lista…' }));
  const counts = h('p', { class: 'att-counts', 'aria-live': 'polite' });
  const allPresent = h('button', { type: 'button', class: 'btn btn--secondary', text: 'Todos presentes' });
  const save = h('button', { type: 'button', class: 'btn btn--primary att-save__button', text: 'Guardar lista' });
  /* the save bar stays in view: what a save did is said there too */
  const bar = h('div', { class: 'att-save', hidden: true }, h('div', { class: 'att-save__messages' }, errors, result), counts, save);
  const tools = h('div', { class: 'att-tools', hidden: true },
    h('p', { class: 'att-tools__hint muted', text: 'Toque el estado de un estudiante para cambiarlo: Presente, Ausente, Tarde o Justificado.' }),
    allPresent);
  const alive = setView(TITLE, h('div', { class: 'att-page' },
    h('p', { class: 'att-back' }, link(pagePath({ date: date }), '← Todas las secciones del día', null)),
    h('div', { class: 'page-head' }, title, sub),
    h('div', { class: 'att-banner-slot' }),
    info,
    h('section', { class: 'card card--wide att-card', 'aria-labelledby': titleId },
      tools, rosterBox, bar)), ctx.moveFocus);
  const banner = queueBanner(alive);
  document.querySelector('.att-banner-slot').appendChild(banner.el);

  let students = [];
  let marks = {};          /* student id -> {status, reason} */
  let rows = {};           /* student id -> {button, reason field} */
  let lastEdit = null;     /* when the list was last changed on this device */
  let sectionName = '';
  let editable = false;
  let dirty = false;       /* changed on the page since shown or saved */
  let saidWaiting = false; /* the save bar says the list waits on the device */

  function tally() {
    const c = { present: 0, absent: 0, late: 0, justified: 0 };
    students.forEach((s) => { c[marks[s.id].status] += 1; });
    return c;
  }
  function showCounts() {
    const c = tally();
    counts.textContent = plural(c.present, 'presente', 'presentes') + ' · ' + plural(c.absent, 'ausente', 'ausentes') +
      ' · ' + c.late + ' tarde · ' + plural(c.justified, 'justificado', 'justificados');
  }
  function paint(id) {
    const m = marks[id];
    const row = rows[id];
    if (!row) return;
    row.button.textContent = LABELS[m.status];
    row.button.className = 'att-status att-status--' + m.status;
    row.button.setAttribute('aria-label', row.name + ': ' + LABELS[m.status]);
    row.reason.wrap.hidden = m.status !== 'justified';
    if (m.status !== 'justified') markInvalid(row.reason.input, false);
  }
  function edited() { lastEdit = nowUtc(); dirty = true; result.clear(); showCounts(); }

  function render(data, pendingItem, copy) {
    sectionName = (data.section && data.section.name) || sectionName || 'Sección';
    title.textContent = sectionName;
    document.title = TITLE + ' · ' + sectionName + ' · ' + ((state.branding && state.branding.name) || 'BiScheduler');
    editable = data.school_day !== false;
    students = (data.students || []).slice();
    marks = {};
    students.forEach((s) => { marks[s.id] = { status: ORDER.indexOf(s.status) >= 0 ? s.status : 'present', reason: s.reason || '' }; });
    lastEdit = null;
    dirty = false;
    clear(info);
    /* a copy is said so, unless the list shown is the one waiting on the device */
    if (copy !== null && copy !== undefined && !pendingItem) info.appendChild(copyNote(copy));
    if (data.school_day === false) {
      info.appendChild(h('p', { class: 'notice notice--info', text: 'El ' + dayLabel(date) + ' no es día hábil' + (data.why ? ': ' + data.why : '') + '. No se pasa la lista ese día.' }));
    } else if (pendingItem) {
      students.forEach((s) => { marks[s.id] = { status: 'present', reason: '' }; });
      (pendingItem.marks || []).forEach((m) => { if (marks[m.student_id]) marks[m.student_id] = { status: m.status, reason: m.reason || '' }; });
      lastEdit = pendingItem.client_time;
      info.appendChild(h('p', { class: 'notice ' + (pendingItem.failed ? 'notice--error' : 'notice--warn'), text: pendingItem.failed
        ? 'El servidor no aceptó los cambios guardados en este teléfono: ' + pendingItem.failed + ' Corríjalos y guarde de nuevo.'
        : 'Esta lista tiene cambios guardados en este teléfono que aún no se enviaron (' + formatInstant(pendingItem.client_time) + ').' }));
    } else if (data.taken) {
      info.appendChild(h('p', { class: 'notice notice--quiet att-taken', text: 'Lista tomada' +
        (data.taken_by ? ' por ' + data.taken_by : '') + (data.taken_at ? ' el ' + formatInstant(data.taken_at) : '') + '.' }));
    } else {
      info.appendChild(h('p', { class: 'notice notice--quiet att-taken', text: 'Aún no se ha pasado la lista de este día: todos figuran presentes.' }));
    }
    clear(rosterBox);
    rows = {};
    if (!students.length) {
      rosterBox.appendChild(h('p', { class: 'att-empty', text: 'Esta sección no tiene estudiantes inscritos ese día.' }));
      bar.hidden = true;
      tools.hidden = true;
      return;
    }
    rosterBox.appendChild(h('ol', { class: 'att-roster' }, students.map((s) => {
      const name = fullName(s);
      const button = h('button', { type: 'button', class: 'att-status', disabled: !editable });
      const reason = field({ name: 'reason-' + s.id, label: 'Motivo de la ausencia justificada', maxlength: '200', value: marks[s.id].reason });
      reason.wrap.classList.add('att-row__reason');
      reason.input.setAttribute('aria-label', 'Motivo de la ausencia justificada de ' + name);
      reason.input.readOnly = !editable;
      rows[s.id] = { button: button, reason: reason, name: name };
      button.addEventListener('click', () => {
        const m = marks[s.id];
        m.status = ORDER[(ORDER.indexOf(m.status) + 1) % ORDER.length];
        paint(s.id);
        edited();
        if (m.status === 'justified' && !m.reason) reason.input.focus();
      });
      reason.input.addEventListener('input', () => { marks[s.id].reason = reason.input.value; edited(); });
      const li = h('li', { class: 'att-row' },
        h('div', { class: 'att-row__main' }, h('span', { class: 'att-row__name', text: name }), button),
        reason.wrap);
      return li;
    })));
    students.forEach((s) => paint(s.id));
    showCounts();
    bar.hidden = !editable;
    tools.hidden = !editable;
  }

  allPresent.addEventListener('click', () => {
    students.forEach((s) => { marks[s.id] = { status: 'present', reason: '' }; rows[s.id].reason.input.value = ''; paint(s.id); });
    edited();
  });

  async function load(keepMessage) {
    let pendingItem = null;
    try { pendingItem = await queue.find(sectionId, date, block); } catch (e) { pendingItem = null; }
    let reply = null;
    try {
      reply = await getKept(listPath(sectionId, date, block));
    } catch (err) {
      if (!alive() || err.handled) return;
      if (pendingItem && pendingItem.students && err.status === 0) {
        /* offline and no copy of the list: the one saved with the marks */
        reply = { data: { section: { name: pendingItem.section_name }, students: pendingItem.students, school_day: true }, copy: '' };
      } else {
        clear(rosterBox);
        rosterBox.appendChild(h('p', { class: 'att-empty', text: err.status === 0
          ? 'Sin conexión, y este teléfono no guardó la lista de esta sección para ese día. Ábrala una vez con conexión para tenerla sin conexión.'
          : err.message }));
        return;
      }
    }
    if (!alive()) return;
    if (!keepMessage) result.clear();
    render(reply.data || {}, pendingItem, reply.copy);
  }

  save.addEventListener('click', async () => {
    errors.clear();
    result.clear();
    const missing = students.filter((s) => marks[s.id].status === 'justified' && !marks[s.id].reason.trim());
    students.forEach((s) => markInvalid(rows[s.id].reason.input, false));
    if (missing.length) {
      missing.forEach((s) => markInvalid(rows[s.id].reason.input, true, 'Escriba el motivo.'));
      errors.show(missing.length === 1
        ? 'Falta el motivo de la ausencia justificada de ' + rows[missing[0].id].name + '.'
        : 'Falta el motivo de ' + missing.length + ' ausencias justificadas.');
      rows[missing[0].id].reason.input.focus();
      return;
    }
    const list = {
      section_id: sectionId,
      section_name: sectionName,
      date: date,
      block: block,
      client_time: lastEdit || nowUtc(),
      marks: students.filter((s) => marks[s.id].status !== 'present').map((s) => {
        const m = { student_id: s.id, status: marks[s.id].status };
        if (m.status === 'justified') m.reason = marks[s.id].reason.trim();
        return m;
      }),
      students: students.map((s) => ({ id: s.id, first_names: s.first_names, last_names: s.last_names, gender: s.gender }))
    };
    const c = tally();
    const summary = plural(c.present, 'presente', 'presentes') + ', ' + plural(c.absent, 'ausente', 'ausentes') +
      ', ' + c.late + ' tarde y ' + plural(c.justified, 'justificado', 'justificados');
    save.disabled = true;
    save.textContent = 'Guardando…';
    let item = null;
    try {
      item = await queue.keep(list);
      dirty = false;   /* kept on the device: a send in the background may show the server's list */
    } catch (e) { item = null; }
    let r;
    try {
      r = await queue.sendOne(item || Object.assign({ key: '' }, list), true);
    } finally {
      save.disabled = false;
      save.textContent = 'Guardar lista';
    }
    if (!alive()) return;
    if (r.outcome === 'sent') {
      await load(true);
      if (!alive()) return;
      if (r.reply && r.reply.applied === false) {
        result.show('Ya había una lista más reciente de esta sección para ese día' +
          (r.reply.taken_by ? ' (de ' + r.reply.taken_by + ')' : '') + '; se conservó esa y se muestra aquí.', 'info');
      } else {
        result.show('Lista guardada: ' + summary + '.', 'success');
      }
    } else if (r.outcome === 'waiting') {
      if (r.error && r.error.handled) return;
      if (!item) { errors.show(r.error ? r.error.message : 'No se pudo guardar la lista.'); return; }
      await load(true);   /* the list as kept on the device, said so above it */
      if (!alive()) return;
      saidWaiting = true;
      result.show(r.error && r.error.status === 0 ? MSG_OFFLINE_SAVED
        : 'El servidor no respondió. La lista quedó guardada en este teléfono y se enviará más tarde.', 'warn');
    } else {
      const err = r.error;
      const items = (err.errors || []).map((e) => e.message).filter((m, i, a) => a.indexOf(m) === i);
      errors.show(err.message, 'error', items.length > 1 || (items.length === 1 && items[0] !== err.message) ? items : null);
    }
  });

  /* a list sent in the background (or discarded): show the server's */
  const off = queue.onChange(async () => {
    if (!alive()) { off(); return; }
    if (dirty) return;
    await load(true);
    /* sent since: the save bar's "quedó guardada en este teléfono" is over */
    if (saidWaiting && alive() && !(await queue.find(sectionId, date, block).catch(() => null))) {
      saidWaiting = false;
      result.clear();
    }
  });

  load(false);
  banner.refresh();
  queue.sendWaiting().then(() => banner.refresh(), () => undefined);
}
