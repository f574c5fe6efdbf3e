/*
 * Page /representantes/{id}: a representative (one person per cédula) with
 * all of their children in this school (each a link to the student), their
 * data, and "Editar datos", which opens the form in place (PATCH; a 422
 * marks every invalid field at once).
 */
import { h } from '../core/dom.js';
import { api } from '../core/api.js';
import { messageArea, field, onSubmit } from '../core/forms.js';
import { card, dataTable, tableOf } from '../core/ui.js';
import { setView, showFatal } from '../core/shell.js';
import { formatDate, fullName, formatCedula, pageHead, link, guard, details, group, normalizeErrors, takeFlash, setFlash } from './records.js';

const GROUPS = [
  ['Identificación', [
    ['cedula', 'Cédula', { maxlength: '20', required: true }],
    ['first_names', 'Nombres', { maxlength: '100', required: true }],
    ['last_names', 'Apellidos', { maxlength: '100', required: true }],
    ['gender', 'Sexo', { options: [{ value: '', label: 'Sin indicar' }, { value: 'V', label: 'Varón (V)' }, { value: 'H', label: 'Hembra (H)' }] }],
    ['birth_date', 'Fecha de nacimiento', { type: 'date' }],
    ['nationality', 'Nacionalidad', { maxlength: '60' }],
    ['marital_status', 'Estado civil', { maxlength: '40' }],
    ['blood_type', 'Tipo de sangre', { maxlength: '5' }]]],
  ['Contacto', [
    ['mobile_phone', 'Teléfono celular', { type: 'tel', inputmode: 'tel', maxlength: '30' }],
    ['home_phone', 'Teléfono de habitación', { type: 'tel', inputmode: 'tel', maxlength: '30' }],
    ['office_phone', 'Teléfono de oficina', { type: 'tel', inputmode: 'tel', maxlength: '30' }],
    ['email', 'Correo electrónico', { type: 'email', inputmode: 'email', autocapitalize: 'none', spellcheck: 'false', maxlength: '200' }],
    ['address', 'Dirección', { maxlength: '300', wide: true }],
    ['parish', 'Parroquia', { maxlength: '100' }],
    ['municipality', 'Municipio', { maxlength: '100' }],
    ['city', 'Ciudad', { maxlength: '100' }],
    ['state', 'Estado', { maxlength: '100' }]]],
  ['Trabajo', [
    ['profession', 'Profesión', { maxlength: '100' }],
    ['occupation', 'Ocupación', { maxlength: '100' }],
    ['company', 'Empresa', { maxlength: '100' }],
    ['monthly_income', 'Ingreso mensual', { maxlength: '40' }],
    ['office_address', 'Dirección de oficina', { maxlength: '300', wide: true }]]]
];

export async function show(ctx) {
  if (!guard('Representante', ctx.moveFocus)) return;
  let r;
  try {
    r = await api('GET', '/api/v1/representatives/' + encodeURIComponent(ctx.params.id));
  } catch (err) {
    if (err.handled || !ctx.current()) return;
    showFatal('Representante', err.status === 404 ? 'No se encontró este representante.' : err.message);
    return;
  }
  if (!ctx.current()) return;
  render(ctx, r);
}

function render(ctx, r) {
  const status = messageArea('status');
  const name = [r.first_names, r.last_names].filter(Boolean).join(' ');
  const kids = dataTable('Representados', [{ label: 'Estudiante' }, { label: 'Sección' }, { label: 'Parentesco' }]);
  (r.children || []).forEach((c) => tableOf(kids).addRow([
    link('/estudiantes/' + c.id, fullName(c), 'row-link'), c.section || 'Sin sección', c.relationship || '']));
  if (!(r.children || []).length) tableOf(kids).setMessage('No tiene representados en este plantel.');

  const view = h('div', null, GROUPS.map((g) => [
    h('h3', { class: 'details__title', text: g[0] }),
    details(g[1].map((fd) => [fd[1], fd[0] === 'birth_date' ? formatDate(r[fd[0]]) : (fd[0] === 'cedula' ? formatCedula(r.cedula) : r[fd[0]])]))
  ]));

  const editBtn = h('button', { type: 'button', class: 'btn btn--primary', text: 'Editar datos' });
  const formBox = h('div', { hidden: true });
  formBox.appendChild(editForm(r, () => { formBox.hidden = true; view.hidden = false; editBtn.hidden = false; editBtn.focus(); }));
  editBtn.addEventListener('click', () => {
    formBox.hidden = false; view.hidden = true; editBtn.hidden = true;
    const first = formBox.querySelector('input'); if (first) first.focus();
  });

  setView(name || 'Representante', [
    h('p', { class: 'breadcrumb' }, link('/estudiantes', '← Estudiantes')),
    pageHead(name || 'Representante', null, [editBtn]),
    h('dl', { class: 'identity' },
      h('div', null, h('dt', { text: 'Cédula' }), h('dd', { text: formatCedula(r.cedula) })),
      r.mobile_phone ? h('div', null, h('dt', { text: 'Celular' }), h('dd', null, h('a', { href: 'tel:' + r.mobile_phone, text: r.mobile_phone }))) : null,
      h('div', null, h('dt', { text: 'Cuenta de representante' }), h('dd', { text: r.user_id ? 'Invitado(a)' : 'Sin cuenta' }))),
    status,
    h('div', { class: 'stack' },
      card('Representados', 'Todos los estudiantes de este plantel que tienen a esta persona como representante.', kids, 'card--wide'),
      card('Datos del representante', null, [view, formBox], 'card--wide'))
  ], ctx.moveFocus);
  takeFlash(status);

  function editForm(rep, done) {
    const errors = messageArea('error');
    const inputs = {};
    const groups = GROUPS.map((g) => group(g[0], g[1].map((fd) => {
      const x = field(Object.assign({ name: fd[0], label: fd[1], value: fd[0] === 'cedula' ? formatCedula(rep.cedula) : (rep[fd[0]] || '') }, fd[2]));
      inputs[fd[0]] = x.input;
      return x.wrap;
    })));
    const initial = {};
    Object.keys(inputs).forEach((k) => { initial[k] = inputs[k].value.trim(); });
    const submit = h('button', { type: 'submit', class: 'btn btn--primary', text: 'Guardar cambios' });
    const cancel = h('button', { type: 'button', class: 'btn btn--ghost', text: 'Cancelar' });
    cancel.addEventListener('click', done);
    const form = h('form', { class: 'form', novalidate: true }, groups, errors, h('div', { class: 'form-actions' }, submit, cancel));
    onSubmit(form, {
      submit: submit, busy: 'Guardando…', errors: errors, inputs: inputs,
      required: [inputs.cedula, inputs.first_names, inputs.last_names],
      send: async () => {
        /* Only what changed: a small request, and an audit entry of just that. */
        const body = {};
        Object.keys(inputs).forEach((k) => { if (inputs[k].value.trim() !== initial[k]) body[k] = inputs[k].value.trim(); });
        if (!Object.keys(body).length) { done(); return; }
        const saved = await api('PATCH', '/api/v1/representatives/' + rep.id, body);
        setFlash('Se guardaron los cambios.');
        render(ctx, Object.assign({}, rep, saved, { children: saved.children || rep.children }));
      },
      failed: (err) => { normalizeErrors(err); return false; }
    });
    return form;
  }
}
