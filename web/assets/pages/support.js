/*
 * Platform console, home section "Acceso de soporte": generates a one-time
 * link into an active guest school, with a reason that goes to both audit
 * logs. The school's choices come from the tenants section's list. The
 * link's own page, on the school's host, is support-signin.js.
 */
import { h, append, clear } from '../core/dom.js';
import { formatInstant } from '../core/state.js';
import { api } from '../core/api.js';
import { messageArea, field, onSubmit } from '../core/forms.js';
import { card } from '../core/ui.js';

export function section(built) {
  const errors = messageArea('error');
  const result = h('div', { class: 'live', role: 'status', 'aria-live': 'polite' });
  const school = field({ name: 'school', label: 'Plantel', options: [{ value: '', label: 'Cargando planteles…' }] });
  const reason = field({ name: 'reason', label: 'Motivo', hint: 'Queda en la auditoría del plantel y de la plataforma.', maxlength: '500', required: true });
  const submit = h('button', { type: 'submit', class: 'btn btn--primary', text: 'Generar enlace' });
  const form = h('form', { class: 'form', novalidate: true },
    errors,
    h('div', { class: 'form-grid' }, school.wrap, reason.wrap),
    h('div', { class: 'form-actions' }, submit),
    result);

  if (built.tenants) {
    built.tenants.onList((items) => {
      const selected = school.input.value;
      clear(school.input);
      const guests = items.filter((t) => t.plan_type !== 'master' && t.status === 'active');
      if (!guests.length) school.input.appendChild(h('option', { value: '', text: 'No hay planteles activos' }));
      guests.forEach((t) => {
        school.input.appendChild(h('option', { value: t.code, selected: t.code === selected, text: t.name + ' (' + t.code + ')' }));
      });
    });
  }

  form.addEventListener('submit', () => clear(result));
  onSubmit(form, {
    submit: submit, busy: 'Generando…', errors: errors, inputs: { school: school.input, reason: reason.input },
    required: [reason.input],
    check: () => {
      if (school.input.value) return true;
      errors.show('Elija un plantel activo.');
      school.input.focus();
      return false;
    },
    send: async () => {
      const code = school.input.value;
      const name = school.input.options[school.input.selectedIndex].text;
      const t = await api('POST', '/api/v1/platform/tenants/' + encodeURIComponent(code) + '/support-access',
        { reason: reason.input.value.trim() });
      reason.input.value = '';
      append(result, h('div', { class: 'notice notice--success' },
        h('p', { class: 'notice__line', text: 'Enlace de soporte para ' + name + '. Sirve una sola vez y vence el ' + formatInstant(t.expires_at) + '.' }),
        h('p', { class: 'notice__line' },
          h('a', { href: t.url, target: '_blank', rel: 'noopener noreferrer', class: 'support-link', text: 'Entrar a ' + name + ' como soporte' }),
          ' (se abre en otra pestaña)')));
    }
  });

  return {
    node: card('Acceso de soporte',
      'Para ayudar a un plantel, entre a su sistema con permisos de dirección mediante un enlace de un solo uso. Cada acceso queda registrado.',
      form)
  };
}
