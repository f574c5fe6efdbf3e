/*
 * Page /suplencias (school admins): "Suplencias". Mark a teacher absent for
 * a day or a range (POST /api/v1/absences), see the absences, and for one
 * of them the classes it leaves with who could cover each
 * (GET /api/v1/absences/{id}/cover: teachers free at that time who can
 * teach the subject first, then any free teacher, least loaded first);
 * assign a cover (PUT /api/v1/covers) or remove it. A teacher who is not
 * free is refused by the server with the reason, shown next to the class.
 */
import { h, clear } from '../core/dom.js';
import { api, query } from '../core/api.js';
import { messageArea, field, onSubmit, setBusy } from '../core/forms.js';
import { card, dataTable, tableOf } from '../core/ui.js';
import { setView } from '../core/shell.js';
import { pageHead, guard, todayIso, formatDate, fullName, normalizeErrors } from './records.js';
import { lessonTime, DAY_NAMES } from './timetable-view.js';

export function show(ctx) {
  const title = 'Suplencias';
  if (!guard(title, ctx.moveFocus)) return;
  const errors = messageArea('error');
  const status = messageArea('status');

  /* Registering an absence. */
  const formErrors = messageArea('error');
  const inputs = {};
  function f(name, opts) { const x = field(Object.assign({ name: name }, opts)); inputs[name] = x.input; return x.wrap; }
  const submit = h('button', { type: 'submit', class: 'btn btn--primary', text: 'Registrar ausencia' });
  const form = h('form', { class: 'form', novalidate: true }, formErrors,
    h('div', { class: 'form-grid' },
      f('staff_id', { label: 'Docente', options: [{ value: '', label: 'Cargando…' }], required: true }),
      f('reason', { label: 'Motivo (opcional)', maxlength: '200', placeholder: 'Reposo médico, diligencia…' }),
      f('starts_on', { label: 'Desde', type: 'date', value: todayIso(), required: true }),
      f('ends_on', { label: 'Hasta', type: 'date', hint: 'Déjelo igual a «Desde» si falta un solo día.', value: todayIso() })),
    h('div', { class: 'form-actions' }, submit));

  /* The absences. */
  const wrap = dataTable('Ausencias', [{ label: 'Docente' }, { label: 'Fechas' }, { label: 'Motivo' }, { label: 'Acciones', class: 'cell-actions' }]);
  const table = tableOf(wrap);
  table.setMessage('Cargando ausencias…');

  /* The classes of one absence. */
  const coverTitle = h('h2', { class: 'card__title', tabindex: '-1', text: 'Clases por cubrir' });
  const coverBox = h('div', { 'aria-live': 'polite' }, h('p', { class: 'muted', text: 'Elija una ausencia para ver sus clases y quién puede cubrirlas.' }));

  const alive = setView(title, [
    pageHead(title, 'Registre las ausencias del personal docente y asigne quién cubre sus clases.', null),
    status, errors,
    h('div', { class: 'stack' },
      card('Registrar una ausencia', null, form, 'card--wide'),
      card('Ausencias desde hace un mes', null, wrap, 'card--wide'),
      h('section', { class: 'card card--wide', 'aria-label': 'Clases por cubrir' }, coverTitle, coverBox))
  ], ctx.moveFocus);

  function monthAgo() {
    const d = new Date(todayIso() + 'T12:00:00');
    d.setDate(d.getDate() - 31);
    return d.toISOString().slice(0, 10);
  }
  function range(a) {
    return a.starts_on === a.ends_on ? formatDate(a.starts_on) : formatDate(a.starts_on) + ' al ' + formatDate(a.ends_on);
  }

  async function loadAbsences() {
    try {
      const r = await api('GET', '/api/v1/absences' + query({ from: monthAgo() }));
      if (!alive()) return;
      table.clearRows();
      const items = (r && r.items) || [];
      if (!items.length) table.setMessage('No hay ausencias registradas en el último mes.');
      items.forEach((a) => {
        const see = h('button', { type: 'button', class: 'btn btn--secondary btn--small', text: 'Ver clases', 'aria-label': 'Ver las clases de ' + a.teacher + ' por cubrir' });
        const del = h('button', { type: 'button', class: 'btn btn--ghost btn--small', text: 'Eliminar', 'aria-label': 'Eliminar la ausencia de ' + a.teacher });
        see.addEventListener('click', () => loadCover(a.id, true));
        del.addEventListener('click', async () => {
          if (!window.confirm('¿Eliminar la ausencia de ' + a.teacher + ' (' + range(a) + ')? Sus suplencias de esas fechas también se eliminan.')) return;
          setBusy(del, true, 'Eliminando…');
          try {
            await api('DELETE', '/api/v1/absences/' + a.id);
            status.show('Se eliminó la ausencia de ' + a.teacher + '.');
            clear(coverBox);
            await loadAbsences();
          } catch (err) {
            setBusy(del, false);
            if (!err.handled) errors.show(err.message);
          }
        });
        table.addRow([a.teacher, h('span', { class: 'nowrap', text: range(a) }), a.reason || '—', h('span', null, see, ' ', del)]);
      });
    } catch (err) {
      if (!alive() || err.handled) return;
      table.setMessage('No se pudieron cargar las ausencias.');
      errors.show(err.message);
    }
  }

  function suggestionLabel(s) {
    const load = s.load_day === 0 ? 'sin clases ese día' : s.load_day + (s.load_day === 1 ? ' hora de clase ese día' : ' horas de clase ese día');
    return s.name + ' — ' + (s.qualified ? 'dicta la materia' : 'no dicta la materia') + ', ' + load;
  }

  function coverItem(item, absenceId) {
    const l = item.lesson;
    const note = messageArea('error');
    const current = item.cover
      ? h('p', { class: 'tt-cover__current' }, h('span', { class: 'badge badge--active', text: 'Suplente: ' + item.cover.teacher }))
      : h('p', { class: 'tt-cover__current' }, h('span', { class: 'badge badge--error', text: 'Sin suplente' }));
    const id = 'sug-' + l.id + '-' + item.date;
    const select = h('select', { id: id, name: 'staff_id' },
      item.suggestions.length
        ? item.suggestions.map((s) => h('option', { value: String(s.staff_id) }, suggestionLabel(s)))
        : h('option', { value: '' }, 'Nadie está libre a esa hora'));
    const assign = h('button', { type: 'button', class: 'btn btn--primary btn--small', text: item.cover ? 'Cambiar suplente' : 'Asignar suplente', disabled: !item.suggestions.length });
    assign.addEventListener('click', async () => {
      note.clear();
      setBusy(assign, true, 'Asignando…');
      try {
        const c = await api('PUT', '/api/v1/covers', { lesson_id: l.id, date: item.date, staff_id: Number(select.value) });
        status.show(c.teacher + ' cubre ' + c.subject + ' de ' + c.section + ' el ' + formatDate(c.date) + '.');
        await loadCover(absenceId, false);
      } catch (err) {
        setBusy(assign, false);
        if (!err.handled) note.show(err.message);
      }
    });
    const actions = [h('label', { for: id, class: 'tt-cover__label', text: 'Quién puede cubrirla' }), select, h('div', { class: 'form-actions' }, assign)];
    if (item.cover) {
      const remove = h('button', { type: 'button', class: 'btn btn--ghost btn--small', text: 'Quitar suplente' });
      remove.addEventListener('click', async () => {
        setBusy(remove, true, 'Quitando…');
        try {
          await api('DELETE', '/api/v1/covers/' + item.cover.id);
          status.show('Se quitó la suplencia de ' + item.cover.teacher + '.');
          await loadCover(absenceId, false);
        } catch (err) {
          setBusy(remove, false);
          if (!err.handled) note.show(err.message);
        }
      });
      actions[2].appendChild(remove);
    }
    return h('li', { class: 'tt-cover' },
      h('p', { class: 'tt-cover__when' }, h('strong', { text: DAY_NAMES[item.day] + ' ' + formatDate(item.date) }), ' · ' + lessonTime(l)),
      h('p', { class: 'tt-cover__what', text: l.subject + ' · ' + l.section + (l.room ? ' · ' + l.room : '') }),
      current, note, h('div', { class: 'tt-cover__assign' }, actions));
  }

  async function loadCover(id, focus) {
    errors.clear();
    try {
      const r = await api('GET', '/api/v1/absences/' + id + '/cover');
      if (!alive()) return;
      clear(coverBox);
      const a = r.absence;
      coverTitle.textContent = 'Clases de ' + a.teacher + ' (' + range(a) + ')';
      if (!r.timetable) coverBox.appendChild(h('p', { class: 'tt-empty', text: 'El plantel aún no tiene un horario activo: no hay clases que cubrir.' }));
      else if (!r.lessons.length) coverBox.appendChild(h('p', { class: 'tt-empty', text: 'No tiene clases en esas fechas.' }));
      else coverBox.appendChild(h('ul', { class: 'tt-covers' }, r.lessons.map((x) => coverItem(x, id))));
      if (focus) coverTitle.focus();
    } catch (err) {
      if (!alive() || err.handled) return;
      clear(coverBox);
      coverBox.appendChild(h('p', { class: 'tt-empty', text: err.code === 'no_active_timetable'
        ? 'El plantel aún no tiene un horario activo: no hay clases que cubrir.' : err.message }));
    }
  }

  onSubmit(form, {
    submit: submit, busy: 'Registrando…', errors: formErrors, status: status, inputs: inputs,
    required: [inputs.staff_id, inputs.starts_on],
    send: async () => {
      const body = { staff_id: Number(inputs.staff_id.value), starts_on: inputs.starts_on.value, reason: inputs.reason.value.trim() };
      if (inputs.ends_on.value) body.ends_on = inputs.ends_on.value;
      const a = await api('POST', '/api/v1/absences', body);
      status.show('Se registró la ausencia de ' + a.teacher + ' (' + range(a) + ').');
      inputs.reason.value = '';
      await loadAbsences();
      await loadCover(a.id, true);
    },
    failed: (err) => { normalizeErrors(err); return false; }
  });

  api('GET', '/api/v1/staff').then((r) => {
    if (!alive()) return;
    const sel = inputs.staff_id;
    clear(sel);
    sel.appendChild(h('option', { value: '' }, 'Elija un docente'));
    ((r && r.items) || []).filter((p) => p.active !== false).forEach((p) => sel.appendChild(h('option', { value: String(p.id) }, fullName(p))));
  }).catch((err) => { if (alive() && !err.handled) errors.show('No se pudo cargar el personal: ' + err.message); });
  loadAbsences();
}
