/*
 * Page /horarios/importar (issue #15, part import): bring in the timetable
 * the school already has, in two steps.
 *   1. Choose the file (a FET file .fet, or the CSV folder as a .zip) and
 *      "Revisar": the file itself is the body of
 *      POST /api/v1/imports/timetable?mode=dry_run&filename=...; nothing is
 *      saved. The report shows what would be created and what already
 *      exists (sections, subjects, teachers, rooms), the bell schedule, the
 *      teaching assignments, the timetable that becomes a draft, and the
 *      warnings. A refused file shows every reason (error.problems).
 *   2. "Importar": the same File posted again with mode=commit; the result
 *      says what was saved and links to the timetables and the staff (the
 *      teachers created have no cédula yet).
 * Uploads are not JSON, so this page calls fetch() itself (same cookie and
 * CSRF token as core/api.js).
 */
import { h, clear } from '../core/dom.js';
import { state } from '../core/state.js';
import { MSG_EXPIRED } from '../core/api.js';
import { messageArea, setBusy } from '../core/forms.js';
import { card } from '../core/ui.js';
import { setView } from '../core/shell.js';
import { pageHead, guard, link, forgetLookups } from './records.js';
import { sessionEnded } from '../core/router.js';

const MAX_BYTES = 8 * 1024 * 1024;

function num(n) { return (Number(n) || 0).toLocaleString('es-VE'); }
function count(n, one, many) { return num(n) + ' ' + (Number(n) === 1 ? one : many); }

/* Posts the file; resolves {ok, status, json}. Network failure: status 0. */
async function upload(file, params) {
  const qs = Object.keys(params).map((k) => encodeURIComponent(k) + '=' + encodeURIComponent(params[k])).join('&');
  const headers = { 'Accept': 'application/json', 'Content-Type': 'application/octet-stream' };
  if (state.csrf) headers['X-CSRF-Token'] = state.csrf;
  let res;
  try {
    res = await fetch('/api/v1/imports/timetable?' + qs, { method: 'POST', body: file, headers: headers, credentials: 'same-origin', cache: 'no-store' });
  } catch (e) {
    return { ok: false, status: 0, json: null };
  }
  let json = null;
  try { json = JSON.parse(await res.text()); } catch (e) { json = null; }
  return { ok: res.ok, status: res.status, json: json };
}

/* What went wrong: {text, problems} */
function failure(r) {
  if (r.status === 0) return { text: 'No se pudo enviar el archivo. Revise su conexión a internet e inténtelo de nuevo.' };
  if (r.status === 413) return { text: 'El archivo es demasiado grande (el máximo es 8 MB).' };
  const e = r.json && r.json.error;
  if (e && e.problems && e.problems.length > 1) return { text: 'El archivo no se puede importar:', problems: e.problems };
  if (e && e.message) return { text: e.message };
  if (r.status === 403) return { text: 'No tiene permiso para importar horarios.' };
  return { text: 'El servidor no pudo procesar el archivo. Inténtelo de nuevo en unos minutos.' };
}

export function show(ctx) {
  if (!guard('Importar un horario', ctx.moveFocus)) return;
  let file = null;

  const errors = messageArea('error');
  const problemList = h('ul', { class: 'list problems', hidden: true });
  const fileInput = h('input', { type: 'file', id: 'horario-file', name: 'file', accept: '.fet,.zip,application/zip,application/xml,text/xml', 'aria-describedby': 'horario-file-hint' });
  const fileInfo = h('p', { class: 'file-info', 'aria-live': 'polite' });
  const review = h('button', { type: 'submit', class: 'btn btn--primary', text: 'Revisar archivo', disabled: true });
  const pick = h('form', { class: 'form', novalidate: true },
    h('div', { class: 'field' },
      h('label', { for: 'horario-file', text: 'Archivo del horario' }),
      h('p', { class: 'field__hint', id: 'horario-file-hint', text: 'Un archivo de FET (.fet), o la carpeta del horario comprimida en un .zip (periods.csv, sections.csv, subjects.csv, teachers.csv, lessons.csv y, si lo tiene, solution.csv). Hasta 8 MB. La revisión no guarda nada.' }),
      fileInput, fileInfo),
    errors, problemList,
    h('div', { class: 'form-actions' }, review));

  const reportBox = h('div', { class: 'report stack__full', hidden: true });
  const resultBox = h('div', { class: 'stack__full', hidden: true });

  function clearErrors() {
    errors.clear();
    clear(problemList);
    problemList.hidden = true;
  }

  function showFailure(r) {
    const f = failure(r);
    errors.show(f.text);
    clear(problemList);
    (f.problems || []).forEach((p) => problemList.appendChild(h('li', { text: p })));
    problemList.hidden = !(f.problems && f.problems.length);
  }

  fileInput.addEventListener('change', () => {
    file = fileInput.files && fileInput.files[0] ? fileInput.files[0] : null;
    reportBox.hidden = true;
    resultBox.hidden = true;
    clearErrors();
    if (!file) { fileInfo.textContent = ''; review.disabled = true; return; }
    const kb = Math.max(1, Math.round(file.size / 1024));
    fileInfo.textContent = file.name + ' · ' + (kb >= 1024 ? (kb / 1024).toFixed(1).replace('.', ',') + ' MB' : kb + ' KB');
    if (file.size > MAX_BYTES) { errors.show('El archivo pesa más de 8 MB: no se puede importar.'); review.disabled = true; return; }
    if (!/\.(fet|zip)$/i.test(file.name)) errors.show('El archivo no parece un horario de FET (.fet) ni un .zip. Puede intentarlo igual.', 'info');
    review.disabled = false;
  });

  pick.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!file) { errors.show('Elija primero el archivo del horario.'); fileInput.focus(); return; }
    clearErrors();
    resultBox.hidden = true;
    setBusy(review, true, 'Revisando…');
    const r = await upload(file, { mode: 'dry_run', filename: file.name });
    setBusy(review, false);
    if (r.status === 401) { sessionEnded(MSG_EXPIRED); return; }
    if (!r.ok || !r.json) { showFailure(r); reportBox.hidden = true; return; }
    showReport(r.json);
  });

  function tiles(rep) {
    const g = (k) => rep[k] || { created: [], matched: [] };
    const items = [
      ['Secciones nuevas', g('sections').created], ['Secciones ya registradas', g('sections').matched],
      ['Materias nuevas', g('subjects').created], ['Docentes nuevos', g('teachers').created],
      ['Docentes ya registrados', g('teachers').matched], ['Aulas nuevas', g('rooms').created]];
    return h('dl', { class: 'tiles' }, items.map((t) => h('div', { class: 'tile' },
      h('dt', { text: t[0] }), h('dd', { text: num(t[1].length) }))));
  }

  function namesList(title, items) {
    if (!items || !items.length) return null;
    return h('details', { class: 'more-fields' },
      h('summary', { text: title + ' (' + num(items.length) + ')' }),
      h('p', { text: items.map((x) => (typeof x === 'string' ? x : x.name)).join(', ') }));
  }

  function timetableText(rep, done) {
    const t = rep.timetable;
    if (!t) return 'El archivo no trae un horario: ' + (done ? 'se importó' : 'se importará') + ' solo la configuración. Luego puede generar el horario.';
    const unplaced = t.lessons - t.placed;
    return (done ? 'El horario del archivo quedó como borrador' : 'El horario del archivo se guardará como borrador') +
      ' «' + t.name + '»: ' + count(t.lessons, 'clase', 'clases') +
      (unplaced ? ', ' + count(unplaced, 'sin ubicar', 'sin ubicar') : ', todas ubicadas') +
      (t.hard ? '; tiene ' + count(t.hard, 'choque', 'choques') + ' por resolver.' : '; sin choques.');
  }

  function details(rep, done) {
    const a = rep.assignments || {};
    const bell = rep.bell_schedule || {};
    const parts = [
      tiles(rep),
      h('p', { text: 'Horario de timbres: «' + (bell.name || '') + '» (' + (bell.created ? (done ? 'nuevo' : 'se creará') : 'ya registrado') + ').' }),
      h('p', { text: 'Asignaciones docentes: ' + count(a.created, 'nueva', 'nuevas') + ', ' + count(a.matched, 'ya registrada', 'ya registradas') + '.' }),
      h('p', { class: 'notice notice--info', text: timetableText(rep, done) }),
      namesList(done ? 'Grados creados' : 'Grados que se crearán', rep.grades_created),
      namesList(done ? 'Secciones creadas' : 'Secciones que se crearán', rep.sections && rep.sections.created),
      namesList(done ? 'Docentes creados' : 'Docentes que se crearán', rep.teachers && rep.teachers.created),
      namesList(done ? 'Materias creadas' : 'Materias que se crearán', rep.subjects && rep.subjects.created)
    ];
    const warnings = rep.warnings || [];
    if (warnings.length) {
      parts.push(h('h3', { class: 'card__subtitle', text: 'Advertencias' }));
      parts.push(h('ul', { class: 'list' }, warnings.map((w) => h('li', { text: w }))));
    }
    return parts;
  }

  function showReport(rep) {
    clear(reportBox);
    const heading = h('h2', { class: 'card__title', tabindex: '-1', text: 'Resultado de la revisión' });
    const region = messageArea('status');
    const go = h('button', { type: 'button', class: 'btn btn--primary', text: 'Importar' });
    go.addEventListener('click', () => commit(go, region));
    reportBox.appendChild(h('section', { class: 'card card--wide', 'aria-label': 'Revisión del archivo' }, [
      heading,
      h('p', { class: 'muted', text: 'Archivo: ' + (file ? file.name : '') + ' · ' + (rep.source === 'fet' ? 'horario de FET' : 'carpeta CSV') +
        (rep.year && rep.year.name ? ' · año escolar ' + rep.year.name : '') + '. Todavía no se guardó nada.' }),
      ...details(rep, false),
      h('div', { class: 'commit' },
        h('h3', { class: 'card__subtitle', text: 'Importar' }),
        h('p', { class: 'muted', text: 'Se guardará lo que muestra esta revisión. Lo que ya está registrado no se duplica.' }),
        region, h('div', { class: 'form-actions' }, go))
    ]));
    reportBox.hidden = false;
    heading.focus();
  }

  async function commit(button, region) {
    region.clear();
    setBusy(button, true, 'Importando…');
    const r = await upload(file, { mode: 'commit', filename: file.name });
    setBusy(button, false);
    if (r.status === 401) { sessionEnded(MSG_EXPIRED); return; }
    if (!r.ok || !r.json) {
      const f = failure(r);
      region.show(f.text + (f.problems ? ' ' + f.problems.join(' ') : ''), 'error');
      return;
    }
    forgetLookups();
    showResult(r.json);
  }

  function showResult(rep) {
    reportBox.hidden = true;
    clear(resultBox);
    const heading = h('h2', { class: 'card__title', tabindex: '-1', text: 'Horario importado' });
    const newTeachers = rep.teachers && rep.teachers.created.length;
    resultBox.appendChild(h('section', { class: 'card card--wide', 'aria-label': 'Resultado de la importación' }, [
      heading,
      h('p', { class: 'notice notice--success', text: 'Se guardó el horario de ' + (file ? file.name : 'su archivo') + '.' }),
      ...details(rep, true),
      newTeachers ? h('p', { text: 'Los docentes nuevos no traen cédula en el archivo: complétela en Personal («Sin cédula» en la lista).' }) : null,
      h('p', { class: 'form-actions' },
        link('/horarios', 'Ver los horarios', 'btn btn--secondary'),
        newTeachers ? link('/personal', 'Completar el personal', 'btn btn--ghost') : null)
    ]));
    resultBox.hidden = false;
    heading.focus();
  }

  setView('Importar un horario', [
    pageHead('Importar un horario', 'Traiga el horario que el plantel ya usa, de FET o de una carpeta de archivos CSV: secciones, materias, docentes, aulas, horario de timbres y asignaciones, y el horario mismo como borrador. Primero se revisa sin guardar nada.', null),
    h('ol', { class: 'steps' },
      h('li', { text: 'Elija el archivo y revíselo.' }),
      h('li', { text: 'Lea el resultado y las advertencias.' }),
      h('li', { text: 'Importe: el horario queda como borrador para revisarlo y activarlo.' })),
    h('div', { class: 'stack' },
      card('Archivo', null, pick, 'card--wide'),
      reportBox, resultBox)
  ], ctx.moveFocus);
}
