/*
 * Page /impresion (issue #15, part exports): the active timetable going
 * out. For the school's admins: downloads of the active timetable (PDF
 * per section or per teacher, the HORARIO grid in Excel, CSV), the carga
 * horaria (periods per teacher and subject against each maximum, also as
 * CSV), teacher satisfaction (how much of each teacher's approved
 * preferences the timetable meets) and calendar subscriptions (a secret
 * address per teacher or section that a calendar program follows; shown
 * once, revocable). Page /mi-calendario is the same module for a teacher:
 * the subscriptions of their own week only.
 */
import { h, clear } from '../core/dom.js';
import { api } from '../core/api.js';
import { messageArea, field, revealOnce, setBusy } from '../core/forms.js';
import { card, dataTable, tableOf } from '../core/ui.js';
import { setView } from '../core/shell.js';
import { state, canManageRecords, formatInstant } from '../core/state.js';
import { pageHead, fullName } from './records.js';

const KIND_LABELS = { teacher: 'Docente', section: 'Sección' };

function downloads() {
  const section = field({ name: 'section_id', label: 'Secciones', options: [{ value: '', label: 'Todas las secciones' }] });
  const teacher = field({ name: 'staff_id', label: 'Docentes', options: [{ value: '', label: 'Todos los docentes' }] });
  const links = [];
  function dl(format, by, text, note) {
    const a = h('a', { class: 'btn btn--secondary download', href: '', download: '', text: text });
    a.format = format;
    a.by = by;
    links.push(a);
    return h('li', { class: 'download-item' }, a, h('p', { class: 'muted', text: note }));
  }
  function update() {
    links.forEach((a) => {
      let q = '?format=' + a.format + (a.by ? '&by=' + a.by : '');
      if (a.by === 'section' && section.input.value) q += '&section_id=' + section.input.value;
      if (a.by === 'teacher' && teacher.input.value) q += '&staff_id=' + teacher.input.value;
      a.setAttribute('href', '/api/v1/timetables/active/export' + q);
    });
  }
  section.input.addEventListener('change', update);
  teacher.input.addEventListener('change', update);
  const node = h('div', null,
    h('div', { class: 'form-grid' }, section.wrap, teacher.wrap),
    h('ul', { class: 'downloads' },
      dl('pdf', 'section', 'Horario por sección (PDF)', 'Una página por sección, con el nombre y el logo del plantel, lista para imprimir o publicar en la cartelera.'),
      dl('pdf', 'teacher', 'Horario por docente (PDF)', 'Una página por docente, con sus secciones y aulas.'),
      dl('xlsx', 'section', 'HORARIO por sección (Excel)', 'La cuadrícula de siempre: una hoja por sección, con los recesos.'),
      dl('xlsx', 'teacher', 'HORARIO por docente (Excel)', 'Una hoja por docente.'),
      dl('csv', null, 'Clases del horario (CSV)', 'Sección, día, hora, duración, materia, docente y aula de cada clase, para otros programas.')));
  update();
  function fill(select, items) {
    items.forEach((o) => select.input.appendChild(h('option', { value: String(o.value), text: o.label })));
  }
  return {
    node: node,
    links: links,
    setSections: (items) => fill(section, items),
    setTeachers: (items) => fill(teacher, items)
  };
}

function loadTable(wrap, report) {
  const table = tableOf(wrap);
  table.clearRows();
  const teachers = report.teachers || [];
  if (!teachers.length) table.setMessage('No hay docentes registrados.');
  teachers.forEach((t) => {
    const subjects = (t.subjects || []).map((s) => s.subject + ': ' + s.periods).join(' · ') || 'Sin clases';
    const max = t.max_weekly_periods ? String(t.max_weekly_periods) : 'Sin máximo';
    const state_ = t.over ? h('span', { class: 'badge badge--warn', text: 'Excede el máximo' })
      : h('span', { class: 'badge', text: 'Dentro del máximo' });
    const total = String(t.total) + (t.unplaced ? ' (' + t.unplaced + ' sin colocar)' : '');
    table.addRow([t.teacher, subjects, total, max, state_], t.over ? 'row--warn' : null);
  });
}

function satisfactionTable(wrap, report) {
  const table = tableOf(wrap);
  table.clearRows();
  const teachers = report.teachers || [];
  if (!teachers.length) table.setMessage('Ningún docente tiene preferencias aprobadas todavía.');
  teachers.forEach((t) => {
    const list = h('ul', { class: 'plain-list' }, (t.details || []).map((d) => h('li', { text: d.label })));
    table.addRow([t.teacher, t.score.toLocaleString('es-VE') + ' %', t.met + ' de ' + t.preferences, list]);
  });
}

function feedsCard(errors, isAdmin) {
  const revealed = h('div', { class: 'token-reveal', hidden: true, role: 'region', 'aria-label': 'Nueva suscripción' });
  const list = dataTable('Suscripciones de calendario', [
    { label: 'Calendario' }, { label: 'Tipo' }, { label: 'Creada' }, { label: 'Acciones', class: 'col-actions' }]);
  const kind = field({ name: 'kind', label: 'Calendario de', options: [{ value: 'teacher', label: 'Un docente' }, { value: 'section', label: 'Una sección' }] });
  const target = field({ name: 'target_id', label: 'Docente o sección', options: [] });
  const staff = [];
  const sections = [];
  function fillTargets() {
    clear(target.input);
    const items = kind.input.value === 'section' ? sections : staff;
    items.forEach((o) => target.input.appendChild(h('option', { value: String(o.value), text: o.label })));
  }
  kind.input.addEventListener('change', fillTargets);
  const create = h('button', { type: 'submit', class: 'btn', text: isAdmin ? 'Crear suscripción' : 'Crear mi suscripción' });
  const form = h('form', { class: 'form-grid', novalidate: true },
    isAdmin ? kind.wrap : null, isAdmin ? target.wrap : null, h('div', { class: 'form-actions' }, create));

  async function reload(alive) {
    try {
      const r = await api('GET', '/api/v1/calendar-feeds');
      if (!alive()) return;
      const t = tableOf(list);
      t.clearRows();
      const items = (r && r.items) || [];
      if (!items.length) t.setMessage('No hay suscripciones activas.');
      items.forEach((f) => {
        const revoke = h('button', { type: 'button', class: 'btn btn--ghost', text: 'Revocar' });
        revoke.addEventListener('click', async () => {
          if (!window.confirm('¿Revocar la suscripción de ' + f.target + '? Los calendarios que la siguen dejarán de actualizarse.')) return;
          setBusy(revoke, true, 'Revocando…');
          try {
            await api('DELETE', '/api/v1/calendar-feeds/' + f.id);
            reload(alive);
          } catch (err) {
            setBusy(revoke, false);
            if (!err.handled) errors.show('No se pudo revocar: ' + err.message);
          }
        });
        t.addRow([f.target, KIND_LABELS[f.kind] || f.kind, formatInstant(f.created_at), revoke]);
      });
    } catch (err) {
      if (alive() && !err.handled) errors.show('No se pudieron cargar las suscripciones: ' + err.message);
    }
  }

  let aliveRef = () => true;
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    errors.clear();
    const body = isAdmin ? { kind: kind.input.value, target_id: Number(target.input.value) } : { kind: 'teacher' };
    if (isAdmin && !target.input.value) {
      errors.show('Elija el docente o la sección.');
      return;
    }
    setBusy(create, true, 'Creando…');
    try {
      const feed = await api('POST', '/api/v1/calendar-feeds', body);
      setBusy(create, false);
      revealOnce(revealed, {
        title: 'Dirección del calendario de ' + feed.target,
        label: 'Dirección de suscripción',
        value: feed.url,
        hideText: 'Listo, ya la copié',
        note: 'Cópiela ahora: por seguridad no se vuelve a mostrar. En Google Calendar, Outlook o el calendario del teléfono elija "Agregar calendario desde una dirección (URL)" y péguela. Si alguien más la obtiene, revóquela y cree otra.'
      });
      reload(aliveRef);
    } catch (err) {
      setBusy(create, false);
      if (!err.handled) errors.show(err.status === 404 && !isAdmin
        ? 'Su usuario no está vinculado a un registro de personal docente. Pida a la dirección que lo vincule.'
        : 'No se pudo crear la suscripción: ' + err.message);
    }
  });

  const node = card(isAdmin ? 'Suscripciones de calendario' : 'Suscripción de calendario',
    isAdmin ? 'Una dirección secreta por docente o sección: el calendario del teléfono o de la computadora muestra la semana del horario activo y se actualiza solo.'
      : 'Una dirección secreta con su semana de clases: el calendario del teléfono o de la computadora la muestra y se actualiza solo cuando cambia el horario.',
    [form, revealed, list], 'card--wide');

  async function load(alive) {
    aliveRef = alive;
    reload(alive);
    if (!isAdmin) return;
    try {
      const [st, sec] = await Promise.all([api('GET', '/api/v1/staff?limit=200'), api('GET', '/api/v1/sections')]);
      if (!alive()) return;
      ((st && st.items) || []).filter((p) => p.active !== false).forEach((p) => staff.push({ value: p.id, label: fullName(p) }));
      ((sec && sec.items) || []).forEach((s) => sections.push({ value: s.id, label: s.name }));
      fillTargets();
    } catch (err) {
      if (alive() && !err.handled) errors.show('No se pudieron cargar los docentes y las secciones: ' + err.message);
    }
  }
  return { node: node, load: load };
}

export function show(ctx) {
  const isAdmin = canManageRecords(state.user);
  const errors = messageArea('error');
  const feeds = feedsCard(errors, isAdmin);
  if (!isAdmin) {
    const alive = setView('Mi calendario', [
      pageHead('Mi calendario', 'Lleve su horario de clases en el calendario de su teléfono.', null),
      errors, h('div', { class: 'stack' }, feeds.node)], ctx.moveFocus);
    feeds.load(alive);
    return;
  }
  const status = h('p', { class: 'muted', role: 'status', text: 'Cargando el horario activo…' });
  const dls = downloads();
  const files = card('Descargar el horario activo', 'Elija una sección o un docente para imprimir solo su horario.', [status, dls.node], 'card--wide');
  const loadWrap = dataTable('Carga horaria', [
    { label: 'Docente' }, { label: 'Materias (horas)' }, { label: 'Total semanal' }, { label: 'Máximo' }, { label: 'Estado' }]);
  const loadCsv = h('a', { class: 'btn btn--secondary', href: '/api/v1/reports/teaching-load?format=csv', download: '', text: 'Descargar carga horaria (CSV)' });
  const avg = h('p', { class: 'figure', text: '' });
  const satWrap = dataTable('Satisfacción docente', [
    { label: 'Docente' }, { label: 'Satisfacción' }, { label: 'Preferencias cumplidas' }, { label: 'Detalle' }]);
  const reports = [
    card('Carga horaria', 'Horas semanales de cada docente por materia, frente a su máximo.', [loadWrap, h('p', null, loadCsv)], 'card--wide'),
    card('Satisfacción docente', 'Cuánto respeta el horario activo las preferencias aprobadas de cada docente (hora 40 %, día 30 %, materia 20 %, aula 10 %).', [avg, satWrap], 'card--wide')];

  const alive = setView('Imprimir horarios', [
    pageHead('Imprimir horarios', 'Descargue el horario activo, revise la carga horaria y comparta los horarios en calendarios.', null),
    errors,
    h('div', { class: 'stack' }, files, ...reports, feeds.node)
  ], ctx.moveFocus);
  feeds.load(alive);
  api('GET', '/api/v1/sections').then((r) => {
    if (alive()) dls.setSections(((r && r.items) || []).map((x) => ({ value: x.id, label: x.name })));
  }).catch((err) => { if (alive() && !err.handled) errors.show('No se pudieron cargar las secciones: ' + err.message); });

  Promise.all([api('GET', '/api/v1/reports/teaching-load'), api('GET', '/api/v1/reports/teacher-satisfaction')])
    .then(([load, sat]) => {
      if (!alive()) return;
      status.textContent = 'Horario activo: ' + load.timetable.name + '.';
      dls.setTeachers((load.teachers || []).filter((t) => t.total > 0).map((t) => ({ value: t.staff_id, label: t.teacher })));
      loadTable(loadWrap, load);
      avg.textContent = sat.average === null ? 'Aún no hay preferencias aprobadas que medir.'
        : 'Promedio del plantel: ' + sat.average.toLocaleString('es-VE') + ' %';
      satisfactionTable(satWrap, sat);
    })
    .catch((err) => {
      if (!alive()) return;
      if (err.status === 404) {
        status.textContent = 'El plantel aún no tiene un horario activo: cuando active uno, podrá descargarlo e imprimirlo aquí.';
        dls.links.forEach((a) => { a.removeAttribute('href'); a.setAttribute('aria-disabled', 'true'); a.classList.add('is-disabled'); });
        reports.forEach((c) => { c.hidden = true; });
      } else if (!err.handled) {
        errors.show('No se pudieron cargar los reportes: ' + err.message);
      }
    });
}
