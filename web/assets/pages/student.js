/*
 * Page /estudiantes/{id}: one student. Their datos (identification, birth,
 * contact, health, schooling), their section, their representatives (each a
 * link to the representative's page), the people authorized to pick them
 * up and their enrolment history. "Retirar" asks for the date and the reason,
 * then for a confirmation that says what will happen, and posts
 * /students/{id}/withdraw.
 */
import { h, clear } from '../core/dom.js';
import { api } from '../core/api.js';
import { messageArea, field, onSubmit, setBusy } from '../core/forms.js';
import { card, dataTable, tableOf } from '../core/ui.js';
import { setView, showFatal } from '../core/shell.js';
import {
  STATUS_LABELS, CONDITION_LABELS, REASON_LABELS, formatDate, todayIso, fullName, formatCedula,
  statusBadge, pageHead, link, guard, details, takeFlash, setFlash
} from './records.js';

function yesNo(v) { return v ? 'Sí' : 'No'; }

export async function show(ctx) {
  if (!guard('Estudiante', ctx.moveFocus)) return;
  const id = ctx.params.id;
  let s;
  try {
    s = await api('GET', '/api/v1/students/' + encodeURIComponent(id));
  } catch (err) {
    if (err.handled || !ctx.current()) return;
    showFatal('Estudiante', err.status === 404 ? 'No se encontró este estudiante. Puede que el enlace esté incompleto.' : err.message);
    return;
  }
  if (!ctx.current()) return;
  render(ctx, s);
}

function render(ctx, s) {
  const status = messageArea('status');
  const errors = messageArea('error');
  const name = [s.first_names, s.last_names].filter(Boolean).join(' ');
  const sec = s.section || null;

  const actions = [link('/estudiantes/' + s.id + '/editar', 'Editar datos', 'btn btn--primary')];
  const withdrawBox = h('div', { class: 'withdraw', hidden: true });
  if (s.status === 'activo') {
    const open = h('button', { type: 'button', class: 'btn btn--danger-ghost', text: 'Retirar del plantel' });
    open.addEventListener('click', () => { withdrawBox.hidden = false; const f = withdrawBox.querySelector('input'); if (f) f.focus(); });
    actions.push(open);
    withdrawBox.appendChild(withdrawForm(s, name, withdrawBox));
  }

  const identity = h('dl', { class: 'identity' },
    h('div', null, h('dt', { text: s.cedula_escolar ? 'Cédula escolar' : 'Cédula' }), h('dd', { text: formatCedula(s.cedula) })),
    h('div', null, h('dt', { text: 'Sección' }), h('dd', { text: sec ? sec.name + (sec.year ? ' · ' + sec.year : '') : 'Sin sección' })),
    h('div', null, h('dt', { text: 'Estatus' }), h('dd', null, statusBadge(s.status))),
    h('div', null, h('dt', { text: 'Sexo' }), h('dd', { text: s.gender === 'H' ? 'Hembra (H)' : 'Varón (V)' })));

  const datos = card('Datos del estudiante', null, [
    h('h3', { class: 'details__title', text: 'Identificación y nacimiento' }),
    details([
      ['Nombres', s.first_names], ['Apellidos', s.last_names],
      [s.cedula_escolar ? 'Cédula escolar' : 'Cédula de identidad', formatCedula(s.cedula)],
      ['Nacionalidad', s.nationality],
      ['Fecha de nacimiento', formatDate(s.birth_date)],
      ['Lugar de nacimiento', [s.birth_city, s.birth_municipality, s.birth_parish, s.birth_state].filter(Boolean).join(', ')]
    ]),
    h('h3', { class: 'details__title', text: 'Contacto' }),
    details([
      ['Dirección', [s.address, s.parish, s.municipality, s.city, s.state, s.postal_code, s.country].filter(Boolean).join(', ')],
      ['Teléfono', s.phone], ['Correo electrónico', s.email]
    ], 'Sin datos de contacto.'),
    h('h3', { class: 'details__title', text: 'Salud' }),
    details([['Tipo de sangre', s.blood_type], ['Alergias', s.allergies], ['Condiciones médicas', s.medical_conditions]], 'Sin datos de salud.'),
    h('h3', { class: 'details__title', text: 'Escolaridad' }),
    details([
      ['Sección', sec ? sec.name : 'Sin sección'], ['Año escolar', sec && sec.year],
      ['Estatus', STATUS_LABELS[s.status] || s.status],
      ['Condición', CONDITION_LABELS[s.academic_condition] || s.academic_condition],
      ['Grupo familiar', s.family_group], ['Condición de pago', s.payment_condition]
    ])
  ], 'card--wide');

  const reps = dataTable('Representantes', [
    { label: 'Representante' }, { label: 'Cédula' }, { label: 'Parentesco' }, { label: 'Teléfono' },
    { label: 'Correo' }, { label: 'Principal' }, { label: 'Puede retirar' }]);
  (s.representatives || []).forEach((r) => tableOf(reps).addRow([
    link('/representantes/' + r.id, fullName(r), 'row-link'),
    h('span', { class: 'nowrap', text: formatCedula(r.cedula) }),
    r.relationship || '', r.mobile_phone ? h('a', { href: 'tel:' + r.mobile_phone, class: 'nowrap', text: r.mobile_phone }) : '',
    r.email || '', yesNo(r.is_primary), yesNo(r.may_pick_up)]));
  if (!(s.representatives || []).length) tableOf(reps).setMessage('No tiene representantes registrados.');

  const auth = dataTable('Autorizados para retirar', [{ label: 'Nombre' }, { label: 'Cédula' }, { label: 'Teléfono' }]);
  (s.authorized || []).forEach((a) => tableOf(auth).addRow([fullName(a), formatCedula(a.cedula), a.phone || '']));
  if (!(s.authorized || []).length) tableOf(auth).setMessage('No hay otras personas autorizadas.');

  const hist = dataTable('Historial de inscripción', [
    { label: 'Sección' }, { label: 'Año escolar' }, { label: 'Desde' }, { label: 'Hasta' }, { label: 'Motivo' }]);
  (s.history || []).forEach((e) => tableOf(hist).addRow([
    e.section || '', e.year || '',
    [formatDate(e.starts_on), e.start_reason ? h('span', { class: 'muted', text: ' (' + (REASON_LABELS[e.start_reason] || e.start_reason) + ')' }) : null],
    e.ends_on ? formatDate(e.ends_on) : 'Actual',
    e.end_reason ? (REASON_LABELS[e.end_reason] || e.end_reason) : '']));
  if (!(s.history || []).length) tableOf(hist).setMessage('Sin inscripciones registradas.');

  setView(name || 'Estudiante', [
    h('p', { class: 'breadcrumb' }, link('/estudiantes', '← Estudiantes')),
    pageHead(name || 'Estudiante', null, actions),
    identity,
    status, errors, withdrawBox,
    h('div', { class: 'stack' },
      datos,
      card('Representantes', 'Hasta tres por estudiante. Abra un representante para ver a todos sus representados.', reps, 'card--wide'),
      card('Autorizados para retirar', 'Otras personas que pueden retirar al estudiante del plantel.', auth),
      card('Historial de inscripción', null, hist))
  ], ctx.moveFocus);
  takeFlash(status);

  function withdrawForm(st, who, box) {
    const errs = messageArea('error');
    const date = field({ name: 'date', label: 'Fecha de retiro', type: 'date', value: todayIso(), required: true });
    const reason = field({ name: 'reason', label: 'Motivo', hint: 'Por ejemplo: cambio de domicilio, traslado a otro plantel.', maxlength: '200' });
    const confirmBox = h('div', { class: 'confirm', hidden: true });
    const next = h('button', { type: 'submit', class: 'btn btn--danger-ghost', text: 'Continuar' });
    const cancel = h('button', { type: 'button', class: 'btn btn--ghost', text: 'Cancelar' });
    cancel.addEventListener('click', () => { box.hidden = true; confirmBox.hidden = true; errs.clear(); });
    const form = h('form', { class: 'form', novalidate: true },
      h('h2', { class: 'card__title', text: 'Retirar a ' + who }),
      errs,
      h('div', { class: 'form-grid' }, date.wrap, reason.wrap),
      h('div', { class: 'form-actions' }, next, cancel),
      confirmBox);
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      errs.clear();
      if (!date.input.value) { errs.show('Indique la fecha de retiro.'); date.input.focus(); return; }
      clear(confirmBox);
      const yes = h('button', { type: 'button', class: 'btn btn--danger', text: 'Sí, retirar' });
      const no = h('button', { type: 'button', class: 'btn btn--ghost', text: 'No, volver' });
      confirmBox.appendChild(h('p', { class: 'confirm__text', text:
        '¿Retirar a ' + who + (st.section ? ' de ' + st.section.name : '') + ' a partir del ' + formatDate(date.input.value) +
        '? Su estatus pasará a «Retirado» y su inscripción se cerrará en esa fecha; queda en el historial y sus datos se conservan.' }));
      confirmBox.appendChild(h('div', { class: 'form-actions' }, yes, no));
      confirmBox.hidden = false;
      yes.focus();
      no.addEventListener('click', () => { confirmBox.hidden = true; next.focus(); });
      yes.addEventListener('click', async () => {
        setBusy(yes, true, 'Retirando…');
        try {
          const body = { date: date.input.value };
          if (reason.input.value.trim()) body.reason = reason.input.value.trim();
          const updated = await api('POST', '/api/v1/students/' + st.id + '/withdraw', body);
          setFlash('Se registró el retiro de ' + who + ' el ' + formatDate(date.input.value) + '.');
          render(ctx, updated && updated.id ? updated : st);
        } catch (err) {
          setBusy(yes, false);
          if (err.handled) return;
          confirmBox.hidden = true;
          const msgs = (err.errors || []).map((e) => e.message);
          errs.show(err.message, 'error', msgs.length > 1 ? msgs : null);
          date.input.focus();
        }
      });
    });
    return h('section', { class: 'card card--danger' }, form);
  }
}
