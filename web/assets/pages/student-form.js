/*
 * Pages /estudiantes/nuevo and /estudiantes/{id}/editar: the student form.
 * Fields are grouped as the Matrícula groups them (identificación,
 * nacimiento, contacto, salud, escolaridad), then representatives (1 to 3)
 * and authorized pick-up persons (0 to 2) as sub-forms added and removed
 * with buttons. One submit sends everything; a 422 marks every invalid field
 * at once, sub-form fields included (the API names them
 * "representatives[0].cedula" or "representatives.0.cedula"). Warnings of a
 * saved student (e.g. the cédula escolar's year) are shown on its page, not
 * blocking the save.
 *
 * Editing: a representative already linked is shown by name (their own data
 * are edited on their page); only how they relate to this student changes
 * here. A new section in the edit is a move: the date of the move is asked.
 */
import { h } from '../core/dom.js';
import { api } from '../core/api.js';
import { messageArea, field, onSubmit, requireFilled } from '../core/forms.js';
import { setView, showFatal } from '../core/shell.js';
import { navigate } from '../core/router.js';
import {
  STATUS_LABELS, CONDITION_LABELS, BLOOD_TYPES, RELATIONSHIPS, options, todayIso, fullName, formatCedula,
  pageHead, link, guard, checkbox, group, normalizeErrors, lookups, setFlash, warningItems
} from './records.js';

const MAX_REPS = 3;
const MAX_AUTH = 2;

export async function show(ctx) {
  const editing = !!(ctx.params && ctx.params.id);
  const title = editing ? 'Editar estudiante' : 'Nuevo estudiante';
  if (!guard(title, ctx.moveFocus)) return;
  let student = null;
  let lk = { grades: [], sections: [] };
  let lookupError = null;
  try {
    const jobs = [lookups(true).catch((e) => { lookupError = e; return lk; })];
    if (editing) jobs.push(api('GET', '/api/v1/students/' + encodeURIComponent(ctx.params.id)));
    const got = await Promise.all(jobs);
    lk = got[0];
    student = got[1] || null;
  } catch (err) {
    if (err.handled || !ctx.current()) return;
    showFatal(title, err.status === 404 ? 'No se encontró este estudiante.' : err.message);
    return;
  }
  if (!ctx.current()) return;
  build(ctx, title, student, lk, lookupError);
}

/* An asterisk after the label of each required input under `node` (once). */
function stars(node) {
  node.querySelectorAll('[aria-required="true"]').forEach((i) => {
    const label = node.querySelector('label[for="' + i.id + '"]');
    if (label) label.classList.add('label--req');
  });
}

function build(ctx, title, st, lk, lookupError) {
  const s = st || {};
  const errors = messageArea('error');
  const inputs = {};
  function f(name, opts) {
    const x = field(Object.assign({ name: name, value: s[name] === undefined || s[name] === null ? '' : String(s[name]) }, opts));
    inputs[name] = x.input;
    return x.wrap;
  }

  /* Identificación */
  const kind = field({ name: 'cedula_escolar', label: 'Tipo de documento', value: s.cedula_escolar ? '1' : '0',
    options: [{ value: '0', label: 'Cédula de identidad' }, { value: '1', label: 'Cédula escolar (sin cédula propia)' }] });
  inputs.cedula_escolar = kind.input;
  const ident = group('Identificación', [
    f('cedula', { label: 'Cédula', hint: 'V-12345678, E-81234567, o la cédula escolar.', inputmode: 'text', maxlength: '20', required: true, value: s.cedula ? formatCedula(s.cedula) : '' }),
    kind.wrap,
    f('first_names', { label: 'Nombres', maxlength: '100', required: true, autocapitalize: 'words' }),
    f('last_names', { label: 'Apellidos', maxlength: '100', required: true, autocapitalize: 'words' }),
    f('gender', { label: 'Sexo', required: true, options: [{ value: '', label: 'Elija…' }, { value: 'V', label: 'Varón (V)' }, { value: 'H', label: 'Hembra (H)' }] }),
    f('nationality', { label: 'Nacionalidad', maxlength: '60', hint: 'Por ejemplo: Venezolana.' })
  ]);
  const birth = group('Nacimiento', [
    f('birth_date', { label: 'Fecha de nacimiento', type: 'date', required: true }),
    f('birth_city', { label: 'Ciudad de nacimiento', maxlength: '100' }),
    f('birth_municipality', { label: 'Municipio de nacimiento', maxlength: '100' }),
    f('birth_parish', { label: 'Parroquia de nacimiento', maxlength: '100' }),
    f('birth_state', { label: 'Estado de nacimiento', maxlength: '100' })
  ]);
  const contact = group('Contacto y dirección', [
    f('address', { label: 'Dirección', maxlength: '300', wide: true }),
    f('parish', { label: 'Parroquia', maxlength: '100' }),
    f('municipality', { label: 'Municipio', maxlength: '100' }),
    f('city', { label: 'Ciudad', maxlength: '100' }),
    f('state', { label: 'Estado', maxlength: '100' }),
    f('postal_code', { label: 'Código postal', maxlength: '10', inputmode: 'numeric' }),
    f('country', { label: 'País', maxlength: '60' }),
    f('phone', { label: 'Teléfono', type: 'tel', inputmode: 'tel', maxlength: '30', hint: 'Por ejemplo: 0414-1234567.' }),
    f('email', { label: 'Correo electrónico', type: 'email', inputmode: 'email', autocapitalize: 'none', spellcheck: 'false', maxlength: '200' })
  ]);
  const health = group('Salud', [
    f('blood_type', { label: 'Tipo de sangre', options: [{ value: '', label: 'Sin indicar' }].concat(BLOOD_TYPES.map((b) => ({ value: b, label: b }))) }),
    f('allergies', { label: 'Alergias', maxlength: '300' }),
    f('medical_conditions', { label: 'Condiciones médicas', maxlength: '300', wide: true })
  ]);

  /* Escolaridad */
  const currentSection = s.section ? String(s.section.id) : (s.section_id ? String(s.section_id) : '');
  /* No "Sin sección" once enrolled: leaving the school is "Retirar", on the student's page. */
  const secOptions = (st && currentSection ? [] : [{ value: '', label: st ? 'Sin sección' : 'Elija la sección…' }]).concat(lk.sections.map((x) => ({ value: String(x.id), label: x.name + (x.shift === 'tarde' ? ' (tarde)' : '') })));
  /* A section of another year (a graduate's) stays shown as it is. */
  if (currentSection && !lk.sections.some((x) => String(x.id) === currentSection)) {
    secOptions.push({ value: currentSection, label: (s.section && s.section.name ? s.section.name : 'Sección ' + currentSection) + (s.section && s.section.year ? ' (' + s.section.year + ')' : '') });
  }
  const dateName = st ? 'moved_on' : 'enrolled_on';
  const enrolDate = field({ name: dateName, label: st ? 'Fecha del cambio de sección' : 'Fecha de inscripción', type: 'date', value: todayIso(),
    hint: st ? 'El cambio queda en el historial del estudiante.' : 'Si la deja vacía, se usa la fecha de hoy.' });
  inputs[dateName] = enrolDate.input;
  const school = group('Escolaridad', [
    f('section_id', { label: 'Sección', value: currentSection, options: secOptions, required: !st,
      hint: lk.sections.length ? null : 'No hay secciones en el año escolar actual: créelas en Estructura.' }),
    enrolDate.wrap,
    f('academic_condition', { label: 'Condición', value: s.academic_condition || 'regular', options: options(CONDITION_LABELS) }),
    st ? f('status', { label: 'Estatus', value: s.status || 'activo', options: options(STATUS_LABELS), hint: 'Para un retiro use «Retirar del plantel» en la página del estudiante.' }) : null,
    f('family_group', { label: 'Grupo familiar', maxlength: '100' }),
    f('payment_condition', { label: 'Condición de pago', maxlength: '100' })
  ]);
  if (st) {
    enrolDate.wrap.hidden = true;
    inputs.section_id.addEventListener('change', () => { enrolDate.wrap.hidden = inputs.section_id.value === currentSection; });
  }

  /* Representatives 1-3 */
  const relListId = 'rel-list';
  const repBox = h('div', { class: 'subforms' });
  const reps = [];
  const addRep = h('button', { type: 'button', class: 'btn btn--secondary', text: 'Agregar otro representante' });
  function renumber(list, box, noun, addBtn, max) {
    list.forEach((r, i) => {
      r.index = i;
      r.legend.textContent = noun + ' ' + (i + 1);
      Object.keys(r.inputs).forEach((k) => { inputs[r.prefix + '.' + i + '.' + k] = r.inputs[k]; });
    });
    addBtn.hidden = list.length >= max;
  }
  function clearPrefixed(prefix) {
    Object.keys(inputs).forEach((k) => { if (k.indexOf(prefix + '.') === 0) delete inputs[k]; });
  }
  function repForm(r) {
    const item = { prefix: 'representatives', inputs: {}, existing: r && r.id ? r : null };
    function rf(name, opts) {
      const x = field(Object.assign({ name: name, value: r && r[name] ? String(r[name]) : '' }, opts));
      item.inputs[name] = x.input;
      return x.wrap;
    }
    item.legend = h('legend', { class: 'fieldset__legend' });
    const primary = checkbox({ name: 'is_primary', label: 'Contacto principal', checked: r ? !!r.is_primary : reps.length === 0 });
    const pick = checkbox({ name: 'may_pick_up', label: 'Puede retirar al estudiante', checked: r ? r.may_pick_up !== false && r.may_pick_up !== 0 : true });
    item.inputs.is_primary = primary.input;
    item.inputs.may_pick_up = pick.input;
    primary.input.addEventListener('change', () => {
      if (primary.input.checked) reps.forEach((o) => { if (o !== item) o.inputs.is_primary.checked = false; });
    });
    const remove = h('button', { type: 'button', class: 'btn btn--ghost btn--small', text: 'Quitar este representante' });
    let body;
    if (item.existing) {
      body = [
        h('p', { class: 'field--wide subform__who' }, link('/representantes/' + r.id, fullName(r), null), ' · ', formatCedula(r.cedula)),
        rf('relationship', { label: 'Parentesco', list: relListId, maxlength: '40' }),
        primary.wrap, pick.wrap
      ];
    } else {
      body = [
        rf('cedula', { label: 'Cédula del representante', hint: 'V-12345678 o E-81234567.', maxlength: '20', required: true }),
        rf('relationship', { label: 'Parentesco', list: relListId, maxlength: '40', placeholder: 'Madre, Padre, Abuela…' }),
        rf('first_names', { label: 'Nombres del representante', maxlength: '100', required: true }),
        rf('last_names', { label: 'Apellidos del representante', maxlength: '100', required: true }),
        rf('mobile_phone', { label: 'Teléfono celular', type: 'tel', inputmode: 'tel', maxlength: '30' }),
        rf('home_phone', { label: 'Teléfono de habitación', type: 'tel', inputmode: 'tel', maxlength: '30' }),
        rf('email', { label: 'Correo electrónico del representante', type: 'email', inputmode: 'email', autocapitalize: 'none', spellcheck: 'false', maxlength: '200' }),
        rf('occupation', { label: 'Ocupación', maxlength: '100' }),
        rf('address', { label: 'Dirección del representante', maxlength: '300', wide: true, hint: 'Déjela vacía si es la misma del estudiante.' }),
        primary.wrap, pick.wrap
      ];
    }
    item.node = h('fieldset', { class: 'fieldset subform' }, item.legend,
      h('div', { class: 'form-grid' }, body),
      h('div', { class: 'subform__actions' }, remove));
    remove.addEventListener('click', () => {
      const i = reps.indexOf(item);
      reps.splice(i, 1);
      item.node.remove();
      clearPrefixed('representatives');
      renumber(reps, repBox, 'Representante', addRep, MAX_REPS);
      addRep.focus();
    });
    return item;
  }
  function pushRep(r) {
    const item = repForm(r);
    reps.push(item);
    repBox.appendChild(item.node);
    stars(item.node);
    renumber(reps, repBox, 'Representante', addRep, MAX_REPS);
    return item;
  }
  (s.representatives || []).forEach((r) => pushRep(r));
  if (!st) pushRep(null);
  addRep.addEventListener('click', () => { const it = pushRep(null); const first = it.node.querySelector('input'); if (first) first.focus(); });

  /* Authorized pick-ups 0-2 */
  const authBox = h('div', { class: 'subforms' });
  const auths = [];
  const addAuth = h('button', { type: 'button', class: 'btn btn--secondary', text: 'Agregar persona autorizada' });
  function pushAuth(a) {
    const item = { prefix: 'authorized', inputs: {} };
    function af(name, opts) {
      const x = field(Object.assign({ name: name, value: a && a[name] ? String(a[name]) : '' }, opts));
      item.inputs[name] = x.input;
      return x.wrap;
    }
    item.legend = h('legend', { class: 'fieldset__legend' });
    const remove = h('button', { type: 'button', class: 'btn btn--ghost btn--small', text: 'Quitar esta persona' });
    item.node = h('fieldset', { class: 'fieldset subform' }, item.legend,
      h('div', { class: 'form-grid' },
        af('first_names', { label: 'Nombres de la persona autorizada', maxlength: '100', required: true }),
        af('last_names', { label: 'Apellidos de la persona autorizada', maxlength: '100', required: true }),
        af('cedula', { label: 'Cédula de la persona autorizada', maxlength: '20', value: a && a.cedula ? formatCedula(a.cedula) : '' }),
        af('phone', { label: 'Teléfono de la persona autorizada', type: 'tel', inputmode: 'tel', maxlength: '30' })),
      h('div', { class: 'subform__actions' }, remove));
    remove.addEventListener('click', () => {
      auths.splice(auths.indexOf(item), 1);
      item.node.remove();
      clearPrefixed('authorized');
      renumber(auths, authBox, 'Persona autorizada', addAuth, MAX_AUTH);
      addAuth.focus();
    });
    auths.push(item);
    authBox.appendChild(item.node);
    stars(item.node);
    renumber(auths, authBox, 'Persona autorizada', addAuth, MAX_AUTH);
    return item;
  }
  (s.authorized || []).forEach((a) => pushAuth(a));
  addAuth.addEventListener('click', () => { const it = pushAuth(null); it.node.querySelector('input').focus(); });

  const submit = h('button', { type: 'submit', class: 'btn btn--primary', text: st ? 'Guardar cambios' : 'Registrar estudiante' });
  const cancelHref = st ? '/estudiantes/' + st.id : '/estudiantes';
  const form = h('form', { class: 'form card card--form', novalidate: true },
    h('p', { class: 'muted', text: 'Los campos marcados con * son obligatorios.' }),
    ident, birth, contact, health, school,
    h('fieldset', { class: 'fieldset' },
      h('legend', { class: 'fieldset__legend', text: 'Representantes' }),
      h('p', { class: 'muted field--wide', text: 'Hasta tres. Si el representante ya está registrado (por ejemplo, de un hermano), escriba su misma cédula: se enlaza a sus datos.' }),
      repBox, h('div', { class: 'form-actions' }, addRep)),
    h('fieldset', { class: 'fieldset' },
      h('legend', { class: 'fieldset__legend', text: 'Autorizados para retirar' }),
      h('p', { class: 'muted field--wide', text: 'Hasta dos personas, además de los representantes.' }),
      authBox, h('div', { class: 'form-actions' }, addAuth)),
    h('datalist', { id: relListId }, RELATIONSHIPS.map((r) => h('option', { value: r }))),
    errors,
    h('div', { class: 'form-actions form-actions--end' }, submit, link(cancelHref, 'Cancelar', 'btn btn--ghost')));

  stars(form);

  function val(i) { return i.type === 'checkbox' ? i.checked : String(i.value).trim(); }
  /* An edit sends only the fields that changed (a small request, an audit of just that). */
  const initial = {};
  Object.keys(inputs).forEach((k) => { initial[k] = val(inputs[k]); });

  function body() {
    const b = {};
    ['cedula', 'first_names', 'last_names', 'gender', 'nationality', 'birth_date', 'birth_city', 'birth_municipality',
      'birth_parish', 'birth_state', 'address', 'parish', 'municipality', 'city', 'state', 'postal_code', 'country',
      'phone', 'email', 'blood_type', 'allergies', 'medical_conditions', 'academic_condition', 'family_group',
      'payment_condition'].forEach((k) => {
      const v = val(inputs[k]);
      if (!st && v === '') return;
      if (st && v === initial[k]) return;
      b[k] = v;
    });
    if (!st || inputs.cedula_escolar.value !== initial.cedula_escolar) b.cedula_escolar = inputs.cedula_escolar.value === '1';
    if (st && inputs.status.value !== initial.status) b.status = inputs.status.value;
    const sec = inputs.section_id.value;
    if (!st) {
      if (sec) b.section_id = Number(sec);
      if (inputs.enrolled_on.value) b.enrolled_on = inputs.enrolled_on.value;
    } else if (sec !== currentSection) {
      b.section_id = sec ? Number(sec) : null;
      if (inputs.moved_on.value) b.moved_on = inputs.moved_on.value;
    }
    b.representatives = reps.map((r, i) => {
      const o = { position: i + 1 };
      if (r.existing) o.id = r.existing.id;
      Object.keys(r.inputs).forEach((k) => {
        const v = val(r.inputs[k]);
        if (v !== '' || typeof v === 'boolean') o[k] = v;
      });
      return o;
    });
    b.authorized = auths.map((a, i) => {
      const o = { position: i + 1 };
      Object.keys(a.inputs).forEach((k) => { const v = val(a.inputs[k]); if (v !== '') o[k] = v; });
      return o;
    });
    return b;
  }

  const labelsByName = {};
  onSubmit(form, {
    submit: submit, busy: 'Guardando…', errors: errors, inputs: inputs,
    check: () => requireFilled(Object.keys(inputs).map((k) => inputs[k]).filter((i) => i.getAttribute('aria-required') === 'true'), errors),
    send: async () => {
      const reply = st
        ? await api('PATCH', '/api/v1/students/' + st.id, body())
        : await api('POST', '/api/v1/students', body());
      Object.keys(inputs).forEach((k) => { if (inputs[k].fieldLabel) labelsByName[k] = inputs[k].fieldLabel; });
      const warnings = warningItems(reply, labelsByName);
      const who = [reply.first_names, reply.last_names].filter(Boolean).join(' ');
      if (warnings.length) setFlash((st ? 'Se guardaron los cambios de ' : 'Se registró a ') + who + ', con estas advertencias (revíselas):', 'info', warnings);
      else setFlash(st ? 'Se guardaron los cambios de ' + who + '.' : 'Se registró a ' + who + '.');
      await navigate('/estudiantes/' + reply.id);
    },
    failed: (err) => { normalizeErrors(err); return false; }
  });

  const views = [
    h('p', { class: 'breadcrumb' }, st ? link('/estudiantes/' + st.id, '← ' + fullName(st)) : link('/estudiantes', '← Estudiantes')),
    pageHead(st ? 'Editar: ' + [s.first_names, s.last_names].join(' ') : title,
      st ? null : 'Registre un estudiante que no vino en la Matrícula importada.', null),
    lookupError ? h('p', { class: 'notice notice--error', text: 'No se pudieron cargar las secciones: ' + lookupError.message }) : null,
    form
  ];
  setView(title, views, ctx.moveFocus);
}
