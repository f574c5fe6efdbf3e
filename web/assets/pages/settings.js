/*
 * School console, home section "Datos del plantel": the school's name, time
 * zone (chosen from the list GET /api/v1/settings gives, shown by its
 * Spanish label), profile and typed options (passing grade, school days,
 * attendance per block),
 * read from and saved to /api/v1/settings.
 * A saved name shows at once in the header and the page title. The
 * school's look (logo, colours, motto, contacts) is the section of
 * branding.js, shown right after this one.
 */
import { h } from '../core/dom.js';
import { state, schoolName } from '../core/state.js';
import { api } from '../core/api.js';
import { messageArea, field, onSubmit } from '../core/forms.js';
import { card } from '../core/ui.js';
import { applyBranding } from '../core/shell.js';
import { profileFields, PROFILE_KEYS } from '../shared/school-profile.js';
import { section as brandingSection } from './branding.js';

const DAYS = [[1, 'Lunes'], [2, 'Martes'], [3, 'Miércoles'], [4, 'Jueves'], [5, 'Viernes'], [6, 'Sábado'], [7, 'Domingo']];

export function section() {
  const errors = messageArea('error');
  const status = messageArea('status');
  const name = field({ name: 'name', label: 'Nombre del plantel', hint: 'Aparece en el encabezado de cada página.', maxlength: '200', required: true });
  const tz = field({ name: 'timezone', label: 'Zona horaria', hint: 'La hora con la que el plantel ve fechas y horas.',
    options: [{ value: 'America/Caracas', label: 'Caracas (UTC−4)' }], value: 'America/Caracas', required: true });
  const profile = profileFields('Sin indicar');
  const grade = field({ name: 'passing_grade', label: 'Nota mínima aprobatoria', type: 'number', inputmode: 'numeric',
    hint: 'Del 1 al 20 (en Venezuela, normalmente 10).' });
  grade.input.setAttribute('min', '1');
  grade.input.setAttribute('max', '20');
  const dayBoxes = DAYS.map((d) => h('input', { type: 'checkbox', name: 'school_days', value: String(d[0]) }));
  const days = h('fieldset', { class: 'field field--wide days' },
    h('legend', { class: 'field__label', text: 'Días de clase' }),
    h('div', { class: 'days__list' }, DAYS.map((d, i) => h('label', { class: 'days__item' }, dayBoxes[i], ' ' + d[1]))));
  const daysError = h('p', { class: 'field__error' });
  days.appendChild(daysError);
  dayBoxes[0].fieldLabel = 'Días de clase';
  dayBoxes[0].fieldError = daysError;
  /* attendance (issue #16): taken per block of class periods instead of once a day */
  const perBlock = h('input', { type: 'checkbox', name: 'attendance_per_block', id: 'attendance-per-block' });
  const perBlockWrap = h('div', { class: 'field field--wide' },
    h('label', { class: 'days__item', for: 'attendance-per-block' }, perBlock, ' Tomar la asistencia por bloques de horas'),
    h('p', { class: 'field__hint', text: 'Cada docente registra la asistencia de cada bloque de clases entre recesos; el día queda como falta solo si el estudiante faltó a todos los bloques registrados.' }));
  const submit = h('button', { type: 'submit', class: 'btn btn--primary', text: 'Guardar cambios', disabled: true });
  const form = h('form', { class: 'form', novalidate: true },
    errors, status,
    h('div', { class: 'form-grid' }, name.wrap, tz.wrap),
    h('h3', { class: 'card__subtitle', text: 'Identificación y contacto' }),
    h('p', { class: 'muted', text: 'Opcionales. Deje un campo vacío para borrarlo.' }),
    h('div', { class: 'form-grid' }, PROFILE_KEYS.map((k) => profile[k].wrap)),
    h('h3', { class: 'card__subtitle', text: 'Año escolar' }),
    h('div', { class: 'form-grid' }, grade.wrap, days, perBlockWrap),
    h('div', { class: 'form-actions' }, submit));

  const inputs = { name: name.input, timezone: tz.input, passing_grade: grade.input, school_days: dayBoxes[0] };
  PROFILE_KEYS.forEach((k) => { inputs[k] = profile[k].input; });

  function fill(s) {
    name.input.value = s.name || '';
    const select = tz.input;
    while (select.firstChild) select.removeChild(select.firstChild);
    const choices = (s.timezone_choices || []).slice();
    if (s.timezone && !choices.some((c) => c.value === s.timezone)) {
      choices.unshift({ value: s.timezone, label: (s.timezone_label || s.timezone) + ' (fuera de la lista: elija otra)' });
    }
    choices.forEach((c) => select.appendChild(h('option', { value: c.value, selected: c.value === s.timezone }, c.label)));
    select.value = s.timezone || 'America/Caracas';
    PROFILE_KEYS.forEach((k) => { profile[k].input.value = s[k] || ''; });
    grade.input.value = s.passing_grade != null ? String(s.passing_grade) : '';
    const on = s.school_days || [];
    dayBoxes.forEach((b) => { b.checked = on.indexOf(Number(b.value)) >= 0; });
    perBlock.checked = s.attendance_per_block === true;
  }

  onSubmit(form, {
    submit: submit, busy: 'Guardando…', errors: errors, status: status, inputs: inputs,
    required: [name.input, tz.input],
    send: async () => {
      const body = { name: name.input.value.trim(), timezone: tz.input.value };
      PROFILE_KEYS.forEach((k) => { body[k] = profile[k].input.value.trim(); });
      const g = grade.input.value.trim();
      body.passing_grade = /^[0-9]+$/.test(g) ? Number(g) : g;
      body.school_days = dayBoxes.filter((b) => b.checked).map((b) => Number(b.value));
      body.attendance_per_block = perBlock.checked;
      const s = await api('PATCH', '/api/v1/settings', body);
      fill(s);
      if (state.branding) { state.branding.name = s.name; state.branding.timezone = s.timezone; }
      applyBranding();
      document.title = 'Inicio · ' + schoolName();
      status.show('Cambios guardados.');
    }
  });

  async function load(alive) {
    try {
      const s = await api('GET', '/api/v1/settings');
      if (!alive()) return;
      fill(s);
      submit.disabled = false;
    } catch (err) {
      if (alive() && !err.handled) errors.show('No se pudieron cargar los datos del plantel: ' + err.message);
    }
  }

  const look = brandingSection();
  return {
    node: h('div', { class: 'stack stack__full' },
      card('Datos del plantel', 'El nombre, la identificación y los datos de contacto del plantel, tal como aparecerán en sus documentos.',
        form, 'card--wide'),
      look.node),
    load: (alive) => { look.load(alive); return load(alive); }
  };
}
