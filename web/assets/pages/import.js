/*
 * Page /importar: the Matrícula import, in three steps.
 *   1. Choose the file (.xls, .xlsx, .csv) and "Revisar": the file itself is
 *      the body of POST /api/v1/imports/matricula?mode=dry_run&filename=...;
 *      nothing is saved. The report shows the totals (nuevos, actualizados,
 *      sin cambios, rechazados, advertencias), the grades and sections that
 *      would be created, and the problems (fila, columna, valor, mensaje)
 *      50 at a time; "Descargar problemas (.xlsx)" posts the same file with
 *      &report=xlsx and saves the reply.
 *   2. "Importar": the same File object posted again with mode=commit, and
 *      skip_invalid=1 when "omitir las filas con errores" is checked. An
 *      all-or-nothing import with rejected rows answers 422 import_rejected
 *      with the report, which is shown.
 *   3. After the import: invite the representatives with an email as parent
 *      users (POST /api/v1/representatives/invitations {all: true}, 100 per
 *      request); each gets a mail with a link to choose a password, and the
 *      page shows the state of each mail (users.js mailState).
 * Uploads are not JSON, so this page calls fetch() itself (same cookie and
 * CSRF token as core/api.js).
 */
import { h, clear, breakable } from '../core/dom.js';
import { state } from '../core/state.js';
import { api, MSG_EXPIRED } from '../core/api.js';
import { messageArea, setBusy } from '../core/forms.js';
import { card, dataTable, tableOf } from '../core/ui.js';
import { setView } from '../core/shell.js';
import { pageHead, guard, checkbox, link, forgetLookups } from './records.js';
import { sessionEnded } from '../core/router.js';
import { mailState } from './users.js';

const MAX_BYTES = 32 * 1024 * 1024;
const PAGE = 50;
const FORMAT_LABELS = { xls: 'Excel 97-2003 (.xls)', xlsx: 'Excel (.xlsx)', csv: 'Texto separado por comas (.csv)' };

function num(n) { return (Number(n) || 0).toLocaleString('es-VE'); }
/* "1 fila" / "3 filas" */
function count(n, one, many) { return num(n) + ' ' + (Number(n) === 1 ? one : many); }

/* Posts the file; resolves {ok, status, json, blob}. Network failure: status 0. */
async function upload(file, params, wantBlob) {
  const qs = Object.keys(params).map((k) => encodeURIComponent(k) + '=' + encodeURIComponent(params[k])).join('&');
  const headers = { 'Accept': wantBlob ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'application/json',
    'Content-Type': 'application/octet-stream' };
  if (state.csrf) headers['X-CSRF-Token'] = state.csrf;
  let res;
  try {
    res = await fetch('/api/v1/imports/matricula?' + qs, { method: 'POST', body: file, headers: headers, credentials: 'same-origin', cache: 'no-store' });
  } catch (e) {
    return { ok: false, status: 0, json: null };
  }
  if (res.ok && wantBlob) return { ok: true, status: res.status, blob: await res.blob() };
  let json = null;
  try { json = JSON.parse(await res.text()); } catch (e) { json = null; }
  return { ok: res.ok, status: res.status, json: json };
}

function failureText(r) {
  if (r.status === 0) return 'No se pudo enviar el archivo. Revise su conexión a internet e inténtelo de nuevo.';
  if (r.status === 413) return 'El archivo es demasiado grande (el máximo es 32 MB).';
  const e = r.json && r.json.error;
  if (e && e.message) return e.message;
  if (r.status === 403) return 'No tiene permiso para importar la Matrícula.';
  return 'El servidor no pudo procesar el archivo. Inténtelo de nuevo en unos minutos.';
}

export function show(ctx) {
  if (!guard('Importar Matrícula', ctx.moveFocus)) return;
  let file = null;
  let report = null;

  /* Step 1: the file. */
  const errors = messageArea('error');
  const fileInput = h('input', { type: 'file', id: 'matricula-file', name: 'file', accept: '.xls,.xlsx,.csv,application/vnd.ms-excel,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv', 'aria-describedby': 'matricula-file-hint' });
  const fileInfo = h('p', { class: 'file-info', 'aria-live': 'polite' });
  const review = h('button', { type: 'submit', class: 'btn btn--primary', text: 'Revisar archivo', disabled: true });
  const pick = h('form', { class: 'form', novalidate: true },
    h('div', { class: 'field' },
      h('label', { for: 'matricula-file', text: 'Archivo de la Matrícula' }),
      h('p', { class: 'field__hint', id: 'matricula-file-hint', text: 'El archivo del Ministerio (.xls o .xlsx), o un .csv. Hasta 32 MB. La primera revisión no guarda nada.' }),
      fileInput, fileInfo),
    errors,
    h('div', { class: 'form-actions' }, review));

  /* Step 2: the report and the commit. */
  const reportBox = h('div', { class: 'report stack__full', hidden: true });
  /* Step 3: the result and the invitations. */
  const resultBox = h('div', { class: 'stack__full', hidden: true });

  fileInput.addEventListener('change', () => {
    file = fileInput.files && fileInput.files[0] ? fileInput.files[0] : null;
    report = null;
    reportBox.hidden = true;
    resultBox.hidden = true;
    errors.clear();
    if (!file) { fileInfo.textContent = ''; review.disabled = true; return; }
    const kb = Math.max(1, Math.round(file.size / 1024));
    fileInfo.textContent = file.name + ' · ' + (kb >= 1024 ? (kb / 1024).toFixed(1).replace('.', ',') + ' MB' : kb + ' KB');
    if (file.size > MAX_BYTES) { errors.show('El archivo pesa más de 32 MB: no se puede importar.'); review.disabled = true; return; }
    if (!/\.(xls|xlsx|csv)$/i.test(file.name)) errors.show('El archivo no parece una hoja de cálculo (.xls, .xlsx o .csv). Puede intentarlo igual.', 'info');
    review.disabled = false;
  });

  pick.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!file) { errors.show('Elija primero el archivo de la Matrícula.'); fileInput.focus(); return; }
    errors.clear();
    resultBox.hidden = true;
    setBusy(review, true, 'Revisando… (puede tardar un poco)');
    const r = await upload(file, { mode: 'dry_run', filename: file.name });
    setBusy(review, false);
    if (r.status === 401) { sessionEnded(MSG_EXPIRED); return; }
    if (!r.ok || !r.json) { errors.show(failureText(r)); reportBox.hidden = true; return; }
    report = r.json;
    showReport(report, null);
  });

  function tiles(rep) {
    const items = [
      ['Filas leídas', rep.rows], ['Nuevos', rep.created], ['Actualizados', rep.updated],
      ['Sin cambios', rep.unchanged], ['Rechazados', rep.rejected], ['Advertencias', rep.warnings]];
    return h('dl', { class: 'tiles' }, items.map((t, i) => h('div', { class: 'tile' + (i === 4 && t[1] ? ' tile--bad' : (i === 5 && t[1] ? ' tile--warn' : '')) },
      h('dt', { text: t[0] }), h('dd', { text: num(t[1]) }))));
  }

  function problemsTable(rep) {
    const problems = rep.problems || [];
    const total = rep.problems_total || problems.length;
    const wrap = dataTable('Problemas encontrados', [{ label: 'Fila', class: 'cell-narrow' }, { label: 'Columna' },
      { label: 'Valor' }, { label: 'Mensaje' }, { label: 'Tipo' }]);
    const table = tableOf(wrap);
    const more = h('button', { type: 'button', class: 'btn btn--secondary', text: 'Mostrar más problemas' });
    const moreWrap = h('div', { class: 'more' }, more);
    const note = h('p', { class: 'muted', role: 'status' });
    let shown = 0;
    function page() {
      problems.slice(shown, shown + PAGE).forEach((p) => {
        table.addRow([String(p.row || ''), p.column || '', p.value ? breakable(p.value) : h('span', { class: 'muted', text: '(vacío)' }), p.message || '',
          p.severity === 'warning' ? h('span', { class: 'badge badge--suspended', text: 'Advertencia' }) : h('span', { class: 'badge badge--error', text: 'Error' })],
        p.severity === 'warning' ? 'row--warn' : 'row--error');
      });
      shown = Math.min(problems.length, shown + PAGE);
      moreWrap.hidden = shown >= problems.length;
      note.textContent = 'Se muestran ' + num(shown) + ' de ' + count(total, 'problema', 'problemas') +
        (total > problems.length ? ' (la lista en pantalla llega hasta ' + num(problems.length) + '; descargue el .xlsx para verlos todos).' : '.');
    }
    more.addEventListener('click', page);
    if (!problems.length) { table.setMessage('No se encontraron problemas.'); moreWrap.hidden = true; } else page();
    return [note, wrap, moreWrap];
  }

  function namesList(title, names) {
    if (!names || !names.length) return null;
    return h('div', { class: 'created-list' }, h('h4', { text: title }), h('p', { text: names.join(', ') }));
  }

  function showReport(rep, refusal) {
    clear(reportBox);
    const region = messageArea('status');
    const heading = h('h2', { class: 'card__title', tabindex: '-1', text: refusal ? 'No se importó nada' : 'Resultado de la revisión' });
    const parts = [heading];
    if (refusal) parts.push(h('p', { class: 'notice notice--error', text: refusal }));
    else parts.push(h('p', { class: 'muted', text: 'Archivo: ' + (file ? file.name : '') + (rep.format ? ' · ' + (FORMAT_LABELS[rep.format] || rep.format) : '') +
      (rep.layout ? ' · formato de ' + rep.layout + ' columnas' : '') + '. Todavía no se guardó nada.' }));
    parts.push(tiles(rep));
    parts.push(h('p', { class: 'muted', text: 'Representantes: ' + count(rep.representatives_created, 'nuevo', 'nuevos') + ', ' + count(rep.representatives_updated, 'actualizado', 'actualizados') + '.' }));
    parts.push(namesList('Grados que se crearán', rep.grades_created));
    parts.push(namesList('Secciones que se crearán (año escolar actual)', rep.sections_created));
    parts.push(h('h3', { class: 'card__subtitle', text: 'Problemas' }));
    parts.push(problemsTable(rep));

    const download = h('button', { type: 'button', class: 'btn btn--secondary', text: 'Descargar problemas (.xlsx)' });
    const dlStatus = messageArea('status');
    download.addEventListener('click', async () => {
      setBusy(download, true, 'Preparando…');
      const r = await upload(file, { mode: 'dry_run', filename: file.name, report: 'xlsx' }, true);
      setBusy(download, false);
      if (!r.ok) { dlStatus.show(failureText(r), 'error'); return; }
      const url = URL.createObjectURL(r.blob);
      const a = h('a', { href: url, download: 'problemas-' + file.name.replace(/\.[^.]*$/, '') + '.xlsx', hidden: true });
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
      dlStatus.show('Se descargó la lista de problemas.');
    });
    if ((rep.problems_total || (rep.problems || []).length) > 0) parts.push(h('div', { class: 'form-actions' }, download), dlStatus);

    /* The commit. */
    const skip = checkbox({ name: 'skip_invalid', label: 'Omitir las filas con errores (se importan solo las filas correctas)' });
    const go = h('button', { type: 'button', class: 'btn btn--primary' });
    const hint = h('p', { class: 'muted' });
    function updateGo() {
      const valid = (rep.created || 0) + (rep.updated || 0);
      if (rep.rejected && !skip.input.checked) {
        go.disabled = true;
        go.textContent = 'Importar';
        hint.textContent = 'Hay ' + count(rep.rejected, 'fila', 'filas') + ' con errores. Corrija el archivo y revíselo de nuevo, o marque «Omitir las filas con errores».';
      } else {
        go.disabled = false;
        go.textContent = valid ? 'Importar (' + count(rep.created, 'nuevo', 'nuevos') + ', ' + count(rep.updated, 'actualizado', 'actualizados') + ')' : 'Importar';
        hint.textContent = valid ? 'Se guardará lo que muestra esta revisión.' : 'No hay cambios que guardar: el archivo coincide con lo registrado.';
      }
    }
    skip.input.addEventListener('change', updateGo);
    go.addEventListener('click', () => commit(go, skip.input.checked));
    updateGo();
    parts.push(h('div', { class: 'commit' },
      h('h3', { class: 'card__subtitle', text: 'Importar' }),
      rep.rejected ? skip.wrap : null, hint, region, h('div', { class: 'form-actions' }, go)));

    reportBox.appendChild(h('section', { class: 'card card--wide', 'aria-label': 'Revisión del archivo' }, parts));
    reportBox.hidden = false;
    heading.focus();
  }

  async function commit(button, skipInvalid) {
    errors.clear();
    setBusy(button, true, 'Importando…');
    const params = { mode: 'commit', filename: file.name };
    if (skipInvalid) params.skip_invalid = '1';
    const r = await upload(file, params);
    setBusy(button, false);
    if (r.status === 401) { sessionEnded(MSG_EXPIRED); return; }
    const e = r.json && r.json.error;
    if (!r.ok && e && e.code === 'import_rejected' && e.report) {
      report = e.report;
      showReport(report, e.message || 'Hay filas con errores y no se importó nada.');
      return;
    }
    if (!r.ok || !r.json) { errors.show(failureText(r)); pick.scrollIntoView(); return; }
    forgetLookups();
    showResult(r.json);
  }

  /* Step 3 (also for a Matrícula imported earlier): invite the representatives. */
  const inviteBox = h('div');
  const invite = h('button', { type: 'button', class: 'btn btn--primary', text: 'Invitar a los representantes con correo' });
  const inviteErr = messageArea('error');
  invite.addEventListener('click', async () => {
    setBusy(invite, true, 'Invitando…');
    inviteErr.clear();
    try {
      const r = await api('POST', '/api/v1/representatives/invitations', { all: true });
      clear(inviteBox);
      showInvitations(inviteBox, r, true);
    } catch (err) {
      if (!err.handled) inviteErr.show(err.message);
    } finally { setBusy(invite, false); }
  });
  const inviteCard = card('Invitar a los representantes',
    'Cada representante con correo electrónico recibe por correo una invitación a su cuenta de representante, enlazada a sus representados: un enlace, válido 7 días, para elegir su contraseña. Quien ya tiene cuenta no se invita de nuevo.',
    [inviteErr, h('div', { class: 'form-actions' }, invite), inviteBox], 'card--wide');

  function showResult(rep) {
    reportBox.hidden = true;
    clear(resultBox);
    const heading = h('h2', { class: 'card__title', tabindex: '-1', text: 'Matrícula importada' });
    resultBox.appendChild(h('section', { class: 'card card--wide', 'aria-label': 'Resultado de la importación' }, [
      heading,
      h('p', { class: 'notice notice--success', text: 'Se guardó la Matrícula de ' + (file ? file.name : 'su archivo') + '.' }),
      tiles(rep),
      h('p', { class: 'muted', text: 'Representantes: ' + count(rep.representatives_created, 'nuevo', 'nuevos') + ', ' + count(rep.representatives_updated, 'actualizado', 'actualizados') + '.' }),
      namesList('Grados creados', rep.grades_created),
      namesList('Secciones creadas', rep.sections_created),
      h('p', { text: 'Ahora puede invitar a los representantes que tienen correo (abajo).' }),
      h('p', { class: 'form-actions' }, link('/estudiantes', 'Ver los estudiantes', 'btn btn--secondary'))
    ]));
    resultBox.hidden = false;
    heading.focus();
  }

  /*
   * The reply of an invitation round: each representative invited and the
   * state of their invitation mail. The API invites at most 100 per
   * request: "Invitar a los siguientes" asks for the next ones while a
   * round comes back full.
   */
  function showInvitations(box, r, again) {
    const items = (r && r.items) || [];
    const skipped = (r && r.skipped) || [];
    const round = h('div', { class: 'invite-round' });
    box.appendChild(round);
    if (!items.length) {
      round.appendChild(h('p', { class: 'notice notice--info', text: 'No quedan representantes con correo por invitar.' }));
    } else {
      round.appendChild(h('p', { class: 'notice notice--success', text: (items.length === 1 ? 'Se envió la invitación a 1 representante.' : 'Se enviaron invitaciones a ' + num(items.length) + ' representantes.') +
        ' Cada uno recibe un correo con un enlace para elegir su contraseña. El estado de cada invitación también se ve en Usuarios.' }));
      const wrap = dataTable('Representantes invitados', [{ label: 'Representante' }, { label: 'Correo' }, { label: 'Invitación' }]);
      items.forEach((it) => {
        tableOf(wrap).addRow([it.name || '', breakable(it.email || ''), mailState(it.mail) || h('span', { class: 'muted', text: 'Por enviar.' })]);
      });
      round.appendChild(wrap);
      round.appendChild(h('p', { class: 'form-actions' }, link('/usuarios', 'Ver los usuarios', 'btn btn--ghost')));
    }
    if (skipped.length) {
      const byReason = {};
      skipped.forEach((x) => { const k = x.reason || 'Sin motivo.'; byReason[k] = (byReason[k] || 0) + 1; });
      round.appendChild(h('details', { class: 'more-fields' },
        h('summary', { text: skipped.length === 1 ? '1 representante no se invitó' : num(skipped.length) + ' representantes no se invitaron' }),
        h('ul', { class: 'list' }, Object.keys(byReason).map((k) => h('li', { text: k + (byReason[k] > 1 ? ' (' + num(byReason[k]) + ')' : '') })))));
    }
    if (items.length >= 100 && again) {
      const next = h('button', { type: 'button', class: 'btn btn--secondary', text: 'Invitar a los siguientes' });
      const err = messageArea('error');
      next.addEventListener('click', async () => {
        setBusy(next, true, 'Invitando…');
        try {
          const more = await api('POST', '/api/v1/representatives/invitations', { all: true });
          next.parentNode.remove();
          showInvitations(box, more, again);
        } catch (e) {
          setBusy(next, false);
          if (!e.handled) err.show(e.message);
        }
      });
      round.appendChild(h('div', { class: 'form-actions' }, next, err));
    }
  }

  setView('Importar Matrícula', [
    pageHead('Importar Matrícula', 'Suba el archivo de la Matrícula del plantel: primero se revisa sin guardar nada, luego usted decide si importarlo.', null),
    h('ol', { class: 'steps' },
      h('li', { text: 'Elija el archivo y revíselo.' }),
      h('li', { text: 'Lea el resultado y corrija lo necesario.' }),
      h('li', { text: 'Importe e invite a los representantes.' })),
    h('div', { class: 'stack' },
      card('Archivo', null, pick, 'card--wide'),
      reportBox, resultBox, inviteCard)
  ], ctx.moveFocus);
}
