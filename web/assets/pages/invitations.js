/*
 * Platform console, home section "Invitaciones": invites a school to
 * register itself (the one-time link is shown once, to copy and send) and
 * lists the invitations sent with their status. The invited school's side
 * is invitation.js.
 */
import { h, breakable } from '../core/dom.js';
import { formatInstant, schoolUrl, baseDomain } from '../core/state.js';
import { api } from '../core/api.js';
import { messageArea, field, onSubmit, revealOnce } from '../core/forms.js';
import { card, dataTable, tableOf, tableLoader } from '../core/ui.js';

const INVITATION_STATUS_LABELS = {
  pending: 'Pendiente',
  accepted: 'Aceptada',
  expired: 'Vencida'
};

export function section() {
  const errors = messageArea('error');
  const wrap = dataTable('Invitaciones enviadas', [
    { label: 'Escuela' }, { label: 'Contacto' }, { label: 'Estado' }, { label: 'Vence' }, { label: 'Plantel creado' }
  ]);
  const reveal = h('div', { class: 'token-reveal', hidden: true });

  const invitedName = field({ name: 'school_name', label: 'Nombre de la escuela', hint: 'Como la conoce la escuela; podrá corregirlo al registrarse.', maxlength: '200', required: true });
  const email = field({ name: 'contact_email', label: 'Correo de contacto', hint: 'La persona que registrará la escuela.', type: 'email', inputmode: 'email', autocapitalize: 'none', spellcheck: 'false', maxlength: '254', required: true });
  const inputs = { school_name: invitedName.input, contact_email: email.input };
  const submit = h('button', { type: 'submit', class: 'btn btn--primary', text: 'Crear invitación' });
  const formErrors = messageArea('error');
  const form = h('form', { class: 'form', novalidate: true, 'aria-label': 'Invitar a una escuela' },
    formErrors,
    h('div', { class: 'form-grid' }, invitedName.wrap, email.wrap),
    h('div', { class: 'form-actions' }, submit));

  function showLink(inv) {
    revealOnce(reveal, {
      value: inv.url,
      title: [h('strong', { text: 'Invitación creada para «' + inv.school_name + '». ' }),
        'BiScheduler todavía no envía correos: copie este enlace y envíelo usted mismo a ' + inv.contact_email + ' (por correo o mensajería).'],
      label: 'Enlace de invitación para ' + inv.school_name,
      hideText: 'Ya lo envié',
      note: 'El enlace sirve una sola vez y vence el ' + formatInstant(inv.expires_at) +
        ' (14 días). Se muestra solo ahora: cópielo antes de salir de esta página.',
      done: () => invitedName.input.focus()
    });
  }

  const list = tableLoader(wrap, errors, {
    path: () => '/api/v1/platform/invitations',
    row: (inv) => [
      inv.school_name,
      breakable(inv.contact_email),
      h('span', { class: 'badge badge--' + inv.status, text: INVITATION_STATUS_LABELS[inv.status] || inv.status }),
      inv.status === 'accepted' ? '—' : formatInstant(inv.expires_at),
      inv.school
        ? h('a', { href: schoolUrl('bischeduler-' + inv.school + '.' + baseDomain()), class: 'host-link', text: inv.school })
        : '—'
    ],
    empty: 'Todavía no hay invitaciones.',
    failed: 'No se pudo cargar la lista de invitaciones.'
  });

  onSubmit(form, {
    submit: submit, busy: 'Creando…', errors: formErrors, inputs: inputs,
    required: [invitedName.input, email.input],
    send: async () => {
      const inv = await api('POST', '/api/v1/platform/invitations',
        { school_name: invitedName.input.value.trim(), contact_email: email.input.value.trim() });
      invitedName.input.value = '';
      email.input.value = '';
      showLink(inv);
      await list.reload();
    }
  });

  tableOf(wrap).setMessage('Cargando invitaciones…');
  return {
    node: card('Invitaciones',
      'Invite a una escuela a unirse a la red: recibe un enlace para registrar sus datos y crear su primer administrador, y su plantel queda creado al instante.',
      [form, reveal, h('h3', { class: 'card__subtitle', text: 'Invitaciones enviadas' }), errors, wrap], 'card--wide'),
    load: list.load
  };
}
