/*
 * Platform console, home section "Invitaciones": invites a school to
 * register itself (BiScheduler mails the one-time link to its contact) and
 * lists the invitations with their status, the state of their mail (in
 * queue, sent, or not sent with the mail server's reply) and their expiry
 * (30 days). A pending or expired invitation can be resent (a new link:
 * the old one stops working) or revoked (after a confirmation). The
 * invited school's side is invitation.js.
 */
import { h, breakable } from '../core/dom.js';
import { formatInstant, schoolUrl, baseDomain } from '../core/state.js';
import { api } from '../core/api.js';
import { messageArea, field, onSubmit, setBusy } from '../core/forms.js';
import { card, dataTable, tableOf, tableLoader } from '../core/ui.js';

const INVITATION_STATUS_LABELS = {
  pending: 'Pendiente',
  accepted: 'Aceptada',
  revoked: 'Revocada',
  expired: 'Vencida'
};

const MAIL_STATE_LABELS = {
  queued: 'Por enviar',
  sent: 'Enviado',
  failed: 'No se pudo enviar'
};

/*
 * The state of an invitation's mail as a badge, with a plain Spanish line
 * under it; the mail server's own reply (often English and technical) is
 * folded under "Ver la respuesta del servidor" for whoever must fix it.
 * A revoked invitation's mail that had not left is simply "No se envió".
 */
export function mailCell(mail, inv) {
  if (!mail) return '—';
  const note = (text) => h('span', { class: 'mail-error', text: text });
  if (inv && inv.status === 'revoked' && mail.state !== 'sent') {
    return h('span', { class: 'badge badge--expired', text: 'No se envió' });
  }
  const badge = h('span', { class: 'badge badge--' + mail.state, text: MAIL_STATE_LABELS[mail.state] || mail.state });
  /* one block: on a phone the cell's parts stack instead of squeezing the badge */
  const cell = (...parts) => h('div', { class: 'mail-cell' }, ...parts);
  if (mail.state === 'sent') return mail.sent_at ? cell(badge, note(formatInstant(mail.sent_at))) : badge;
  if (!mail.error) return badge;
  return cell(badge,
    note(mail.state === 'failed'
      ? 'El servidor de correo no lo aceptó. Revise la dirección y reenvíe.'
      : 'Falló un intento; se reintentará solo.'),
    h('details', { class: 'mail-reply' },
      h('summary', { text: 'Ver la respuesta del servidor' }),
      h('span', { class: 'mail-error', text: mail.error })));
}

export function section() {
  const errors = messageArea('error');
  const status = messageArea('status');
  const wrap = dataTable('Invitaciones enviadas', [
    { label: 'Plantel' }, { label: 'Contacto' }, { label: 'Estado' }, { label: 'Correo' }, { label: 'Vence' },
    { label: 'Plantel creado' }, { label: 'Acciones', class: 'cell-actions' }
  ]);

  const invitedName = field({ name: 'school_name', label: 'Plantel invitado', hint: 'Su nombre, como lo conoce la comunidad; podrá corregirlo al registrarse.', maxlength: '200', required: true });
  const email = field({ name: 'contact_email', label: 'Correo de contacto', hint: 'La persona que registrará el plantel: recibirá la invitación por correo.', type: 'email', inputmode: 'email', autocapitalize: 'none', spellcheck: 'false', maxlength: '254', required: true });
  const inputs = { school_name: invitedName.input, contact_email: email.input };
  const submit = h('button', { type: 'submit', class: 'btn btn--primary', text: 'Enviar invitación' });
  const formErrors = messageArea('error');
  const form = h('form', { class: 'form', novalidate: true, 'aria-label': 'Invitar a un plantel' },
    formErrors,
    h('div', { class: 'form-grid' }, invitedName.wrap, email.wrap),
    h('div', { class: 'form-actions' }, submit));

  async function act(inv, action, button) {
    if (action === 'revoke' &&
        !window.confirm('¿Revocar la invitación de «' + inv.school_name + '»? Su enlace dejará de funcionar de inmediato.')) return;
    errors.clear();
    status.clear();
    setBusy(button, true, action === 'revoke' ? 'Revocando…' : 'Reenviando…');
    try {
      const updated = await api('POST', '/api/v1/platform/invitations/' + inv.id + '/' + action);
      status.show(action === 'revoke'
        ? 'Se revocó la invitación de «' + updated.school_name + '»: su enlace ya no funciona.'
        : 'Se reenvió la invitación a ' + updated.contact_email + ' con un enlace nuevo, que vence el ' +
          formatInstant(updated.expires_at) + '. El enlace anterior ya no funciona.');
      await list.reload();
    } catch (err) {
      setBusy(button, false);
      if (!err.handled) errors.show(err.message);
    }
  }

  function actions(inv) {
    if (inv.status !== 'pending' && inv.status !== 'expired') return '—';
    const resend = h('button', { type: 'button', class: 'btn btn--small btn--secondary', 'aria-label': 'Reenviar la invitación de ' + inv.school_name, text: 'Reenviar' });
    const revoke = h('button', { type: 'button', class: 'btn btn--small btn--danger-ghost', 'aria-label': 'Revocar la invitación de ' + inv.school_name, text: 'Revocar' });
    resend.addEventListener('click', () => act(inv, 'resend', resend));
    revoke.addEventListener('click', () => act(inv, 'revoke', revoke));
    return h('div', { class: 'row-actions' }, resend, revoke);
  }

  const list = tableLoader(wrap, errors, {
    path: () => '/api/v1/platform/invitations',
    row: (inv) => [
      inv.school_name,
      breakable(inv.contact_email),
      h('span', { class: 'badge badge--' + inv.status, text: INVITATION_STATUS_LABELS[inv.status] || inv.status }),
      mailCell(inv.mail, inv),
      inv.status === 'accepted' || inv.status === 'revoked' ? '—' : formatInstant(inv.expires_at),
      inv.school
        ? h('a', { href: schoolUrl('bischeduler-' + inv.school + '.' + baseDomain()), class: 'host-link', text: inv.school })
        : '—',
      actions(inv)
    ],
    empty: 'Todavía no hay invitaciones.',
    failed: 'No se pudo cargar la lista de invitaciones.'
  });

  onSubmit(form, {
    submit: submit, busy: 'Enviando…', errors: formErrors, status: status, inputs: inputs,
    required: [invitedName.input, email.input],
    send: async () => {
      const inv = await api('POST', '/api/v1/platform/invitations',
        { school_name: invitedName.input.value.trim(), contact_email: email.input.value.trim() });
      invitedName.input.value = '';
      email.input.value = '';
      status.show('Invitación creada para «' + inv.school_name + '»: se envía por correo a ' + inv.contact_email +
        '. El enlace sirve una sola vez y vence el ' + formatInstant(inv.expires_at) + ' (30 días).');
      await list.reload();
    }
  });

  tableOf(wrap).setMessage('Cargando invitaciones…');
  return {
    node: card('Invitaciones',
      'Invite a un plantel a unirse a la red: su contacto recibe por correo un enlace para registrar sus datos y crear su primer administrador(a), y el plantel queda creado al instante.',
      [form, status, h('h3', { class: 'card__subtitle', text: 'Invitaciones enviadas' }), errors, wrap], 'card--wide'),
    load: list.load
  };
}
