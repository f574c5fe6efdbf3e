/*
 * School console, home section "Datos del plantel": the school's name, time
 * zone and profile, read from and saved to /api/v1/settings. A saved name
 * shows at once in the header and the page title.
 */
import { h, uid } from '../core/dom.js';
import { state, schoolName } from '../core/state.js';
import { api } from '../core/api.js';
import { messageArea, field, onSubmit } from '../core/forms.js';
import { card } from '../core/ui.js';
import { applyBranding } from '../core/shell.js';
import { profileFields, PROFILE_KEYS } from '../shared/school-profile.js';

const TIMEZONES = [
  'America/Caracas', 'America/Bogota', 'America/Lima', 'America/Panama',
  'America/Santo_Domingo', 'America/Puerto_Rico', 'America/Guayaquil',
  'America/La_Paz', 'America/Santiago', 'America/Argentina/Buenos_Aires',
  'America/Montevideo', 'America/Asuncion', 'America/Sao_Paulo',
  'America/Mexico_City', 'America/New_York', 'Europe/Madrid', 'UTC'
];

export function section() {
  const errors = messageArea('error');
  const status = messageArea('status');
  const listId = uid('tz');
  const name = field({ name: 'name', label: 'Nombre del plantel', hint: 'Aparece en el encabezado de cada página.', maxlength: '200', required: true });
  const tz = field({ name: 'timezone', label: 'Zona horaria', hint: 'Venezuela: America/Caracas.', list: listId, autocapitalize: 'none', spellcheck: 'false', required: true });
  const profile = profileFields('Sin indicar');
  const datalist = h('datalist', { id: listId }, TIMEZONES.map((z) => h('option', { value: z })));
  const submit = h('button', { type: 'submit', class: 'btn btn--primary', text: 'Guardar cambios', disabled: true });
  const form = h('form', { class: 'form', novalidate: true },
    errors, status,
    h('div', { class: 'form-grid' }, name.wrap, tz.wrap),
    h('h3', { class: 'card__subtitle', text: 'Identificación y contacto' }),
    h('p', { class: 'muted', text: 'Opcionales. Deje un campo vacío para borrarlo.' }),
    h('div', { class: 'form-grid' }, PROFILE_KEYS.map((k) => profile[k].wrap)),
    datalist,
    h('div', { class: 'form-actions' }, submit));

  const inputs = { name: name.input, timezone: tz.input };
  PROFILE_KEYS.forEach((k) => { inputs[k] = profile[k].input; });

  function fill(s) {
    name.input.value = s.name || '';
    tz.input.value = s.timezone || '';
    PROFILE_KEYS.forEach((k) => { profile[k].input.value = s[k] || ''; });
  }

  onSubmit(form, {
    submit: submit, busy: 'Guardando…', errors: errors, status: status, inputs: inputs,
    required: [name.input, tz.input],
    send: async () => {
      const body = { name: name.input.value.trim(), timezone: tz.input.value.trim() };
      PROFILE_KEYS.forEach((k) => { body[k] = profile[k].input.value.trim(); });
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

  return {
    node: card('Datos del plantel', 'El nombre, la identificación y los datos de contacto del plantel, tal como aparecerán en sus documentos.',
      form, 'card--wide'),
    load: load
  };
}
