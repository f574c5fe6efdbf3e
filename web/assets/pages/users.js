/*
 * Page /usuarios: the people who may sign in, for the admins who manage
 * them. A school admin manages the school's users (/api/v1/users: school
 * admins, teachers, parents); the platform admin, on the master host, the
 * platform admins (/api/v1/platform/users). One module serves both: the
 * `people()` description below says which list, roles and words apply.
 *
 * - "Invitar a una persona": email, name, role (and cargo in a school). The
 *   server creates the account without a password and mails a link (7
 *   days) to choose one; nobody types a password for someone else.
 * - The list: name and cargo, email, role, state (invited, active,
 *   disabled) with the state of the last mail sent to the person (queued,
 *   sent, failed with the mail server's reply), and the actions that make
 *   sense for each row: edit (name, role, cargo), send the invitation
 *   again (still invited), send a link to change the password (active),
 *   disable (after a confirmation that says their sessions end at once)
 *   or enable again. An admin does not disable or demote themselves.
 * - One panel above the list holds the edit form or the confirmation of
 *   the row being acted on, so a 360 px screen never shows two forms.
 *
 * section() is the short card of the school admin's home page that leads
 * here.
 */
import { h, clear, breakable } from '../core/dom.js';
import { state, ROLE_LABELS, roleLabel, formatInstant, isAdmin } from '../core/state.js';
import { api, query } from '../core/api.js';
import { messageArea, field, onSubmit, setBusy } from '../core/forms.js';
import { card, dataTable, tableOf, tableLoader } from '../core/ui.js';
import { setView } from '../core/shell.js';

/* The cargos the API accepts for a school user (src/school/staff.c). */
const CARGOS = ['Director(a)', 'Subdirector(a)', 'Secretario(a)', 'Coordinador(a)', 'Docente', 'Administrativo', 'Obrero', 'Otro'];

function people() {
  if (state.user && state.user.role === 'platform_admin') {
    return {
      platform: true,
      path: '/api/v1/platform/users',
      roles: ['platform_admin'],
      title: 'Administradores de la plataforma',
      intro: 'Las personas que administran BiScheduler para toda la red de planteles. Cada una recibe por correo un enlace para elegir su contraseña.',
      listTitle: 'Administradores',
      empty: 'Todavía no hay otros administradores.'
    };
  }
  return {
    platform: false,
    path: '/api/v1/users',
    roles: ['school_admin', 'teacher', 'parent'],
    title: 'Usuarios del plantel',
    intro: 'Las personas que pueden ingresar a BiScheduler en este plantel. Cada una recibe por correo un enlace para elegir su contraseña.',
    listTitle: 'Usuarios',
    empty: 'Todavía no hay usuarios.'
  };
}

const STATE_BADGES = {
  invited: ['pending', 'Invitación pendiente'],
  active: ['active', 'Activo'],
  disabled: ['inactive', 'Desactivado']
};

/* What a person sees of the last mail about a user (also the import page's invitations). */
export function mailState(m) {
  if (!m) return null;
  let text;
  let cls = 'mail-state muted';
  if (m.state === 'sent') text = 'Correo enviado el ' + formatInstant(m.sent_at || m.created_at) + '.';
  else if (m.state === 'failed') {
    text = 'El correo no se pudo enviar' + (m.error ? ': ' + m.error : '.');
    cls = 'mail-state mail-state--failed';
  } else text = 'Correo por enviar (en cola desde el ' + formatInstant(m.created_at) + ').';
  return h('span', { class: cls, text: text });
}

function stateCell(u) {
  const b = STATE_BADGES[u.state] || STATE_BADGES.active;
  return h('div', { class: 'user-state' }, h('span', { class: 'badge badge--' + b[0], text: b[1] }), mailState(u.mail));
}

function nameCell(u) {
  return h('div', null, h('span', { class: 'user-name', text: u.name || u.email }),
    u.cargo ? h('span', { class: 'user-cargo muted', text: u.cargo }) : null);
}

export function show(ctx) {
  if (!isAdmin(state.user)) {
    setView('Usuarios', h('section', { class: 'card narrow' },
      h('h1', { tabindex: '-1', text: 'Usuarios' }),
      h('p', { text: 'Su rol no administra usuarios. Si necesita una cuenta para otra persona, pídala a la dirección del plantel.' }),
      h('p', null, h('a', { href: '/', 'data-route': '', class: 'btn btn--secondary', text: 'Volver al inicio' }))), ctx.moveFocus);
    return;
  }
  const P = people();
  const me = state.user.id;
  const errors = messageArea('error');
  const status = messageArea('status');

  /* ---- The list ---- */
  const wrap = dataTable(P.title, [{ label: 'Nombre' }, { label: 'Correo electrónico' }, { label: 'Rol' },
    { label: 'Estado' }, { label: 'Acciones', class: 'cell-actions' }]);
  tableOf(wrap).classList.add('table--records', 'table--users');
  const more = h('button', { type: 'button', class: 'btn btn--secondary', text: 'Más' });
  const moreWrap = h('div', { class: 'more', hidden: true }, more);
  const list = tableLoader(wrap, errors, {
    path: (cursor) => P.path + query({ limit: 50, cursor: cursor }),
    row: (u) => [nameCell(u), breakable(u.email), breakable(u.role_label || roleLabel(u.role)), stateCell(u), actions(u)],
    onItems: (items, first) => { if (first) watchMail(items); },
    more: moreWrap,
    empty: P.empty,
    failed: 'No se pudo cargar la lista de usuarios.'
  });
  /* While a mail is still queued, the list asks again a few times so its state changes under the admin's eyes. */
  let mailPolls = 0;
  let alive = () => true;
  function watchMail(items) {
    if (!items.some((u) => u.mail && u.mail.state === 'queued')) { mailPolls = 0; return; }
    if (mailPolls >= 5) return;
    mailPolls += 1;
    setTimeout(() => { if (alive()) list.reload(); }, 3000);
  }
  more.addEventListener('click', async () => {
    setBusy(more, true, 'Cargando…');
    await list.next();
    setBusy(more, false);
  });

  /* ---- The panel: editing or confirming one row's action ---- */
  const panel = h('section', { class: 'card card--wide user-panel', 'aria-label': 'Usuario seleccionado', hidden: true });
  function closePanel() { clear(panel); panel.hidden = true; }
  function openPanel(nodes, focus) {
    clear(panel);
    nodes.forEach((n) => { if (n) panel.appendChild(n); });
    panel.hidden = false;
    panel.scrollIntoView({ block: 'nearest' });
    if (focus) focus.focus();
  }
  function who(u) { return u.name || u.email; }

  function button(text, label, cls, onClick) {
    const b = h('button', { type: 'button', class: 'btn btn--small ' + (cls || 'btn--ghost'), text: text, 'aria-label': label });
    b.addEventListener('click', () => onClick(b));
    return b;
  }

  /* A one-click action on a user (mail a link, enable): busy button, then the list again. */
  async function act(b, run, done) {
    errors.clear();
    status.clear();
    setBusy(b, true, 'Enviando…');
    try {
      const u = await run();
      closePanel();
      status.show(done(u));
      mailPolls = 0;
      await list.reload();
    } catch (err) {
      if (!err.handled) errors.show(err.message);
    } finally {
      setBusy(b, false);
    }
  }

  function actions(u) {
    const out = [button('Editar', 'Editar a ' + who(u), 'btn--secondary', () => startEdit(u))];
    if (u.state === 'invited') {
      out.push(button('Reenviar invitación', 'Reenviar la invitación a ' + who(u), null, (b) => act(b,
        () => api('POST', P.path + '/' + u.id + '/invitation'),
        () => 'Se envió de nuevo la invitación a ' + who(u) + ' (' + u.email + '). El enlace anterior ya no sirve; el nuevo vale 7 días.')));
    } else if (u.state === 'active') {
      out.push(button('Enviar enlace de contraseña', 'Enviar a ' + who(u) + ' un enlace para cambiar la contraseña', null, (b) => act(b,
        () => api('POST', P.path + '/' + u.id + '/password-reset'),
        () => 'Se envió a ' + u.email + ' un enlace para elegir una contraseña nueva. Vale 1 hora.')));
    }
    if (u.id !== me) {
      if (u.state === 'disabled') {
        out.push(button('Activar', 'Activar a ' + who(u), null, (b) => act(b,
          () => api('PATCH', P.path + '/' + u.id, { disabled: false }),
          () => 'Se activó a ' + who(u) + ': puede ingresar de nuevo.')));
      } else {
        out.push(button('Desactivar', 'Desactivar a ' + who(u), 'btn--danger-ghost', () => confirmDisable(u)));
      }
    }
    return h('div', { class: 'row-actions' }, out);
  }

  function confirmDisable(u) {
    errors.clear();
    status.clear();
    const yes = h('button', { type: 'button', class: 'btn btn--danger', text: 'Sí, desactivar' });
    const no = h('button', { type: 'button', class: 'btn btn--ghost', text: 'Cancelar' });
    no.addEventListener('click', closePanel);
    yes.addEventListener('click', () => act(yes,
      () => api('PATCH', P.path + '/' + u.id, { disabled: true }),
      () => 'Se desactivó a ' + who(u) + '. Ya no puede ingresar y sus sesiones abiertas se cerraron.'));
    openPanel([
      h('h2', { class: 'card__title', text: '¿Desactivar a ' + who(u) + '?' }),
      h('p', { text: who(u) + ' (' + u.email + ') no podrá ingresar más. Si tiene una sesión abierta, se cierra en este momento. Podrá activarlo de nuevo cuando lo necesite.' }),
      h('div', { class: 'form-actions' }, yes, no)], no);
  }

  function startEdit(u) {
    errors.clear();
    status.clear();
    const formErrors = messageArea('error');
    const name = field({ name: 'name', label: 'Nombre completo', maxlength: '200', value: u.name || '', required: true });
    const inputs = { name: name.input };
    const grid = [name.wrap];
    const self = u.id === me;
    if (!P.platform) {
      const role = field({
        name: 'role', label: 'Rol', value: u.role,
        hint: self ? 'No puede quitarse a sí mismo el rol de administrador(a).' : null,
        options: P.roles.map((r) => ({ value: r, label: ROLE_LABELS[r] }))
      });
      if (self) role.input.disabled = true;
      const cargo = field({
        name: 'cargo', label: 'Cargo (opcional)', value: u.cargo || '',
        options: [{ value: '', label: 'Sin cargo' }].concat(CARGOS.map((c) => ({ value: c, label: c })))
      });
      inputs.role = role.input;
      inputs.cargo = cargo.input;
      grid.push(role.wrap, cargo.wrap);
    }
    const save = h('button', { type: 'submit', class: 'btn btn--primary', text: 'Guardar cambios' });
    const cancel = h('button', { type: 'button', class: 'btn btn--ghost', text: 'Cancelar' });
    cancel.addEventListener('click', closePanel);
    const form = h('form', { class: 'form', novalidate: true },
      h('h2', { class: 'card__title', text: 'Editar a ' + who(u) }),
      h('p', { class: 'muted', text: 'Correo electrónico: ' + u.email + ' (no se puede cambiar).' }),
      formErrors,
      h('div', { class: 'form-grid' }, grid),
      h('div', { class: 'form-actions' }, save, cancel));
    onSubmit(form, {
      submit: save, busy: 'Guardando…', errors: formErrors, inputs: inputs, required: [name.input],
      send: async () => {
        const body = { name: name.input.value.trim() };
        if (inputs.role && !inputs.role.disabled) body.role = inputs.role.value;
        if (inputs.cargo) body.cargo = inputs.cargo.value;
        const v = await api('PATCH', P.path + '/' + u.id, body);
        closePanel();
        status.show('Se guardaron los cambios de ' + who(v) + '.');
        mailPolls = 0;
      await list.reload();
      }
    });
    openPanel([form], name.input);
  }

  /* ---- The invitation form ---- */
  const inviteErrors = messageArea('error');
  const email = field({ name: 'email', label: 'Correo electrónico', type: 'email', inputmode: 'email', autocapitalize: 'none', spellcheck: 'false', maxlength: '254', hint: 'Allí llegará el enlace para elegir la contraseña.', required: true });
  const name = field({ name: 'name', label: 'Nombre completo', autocomplete: 'off', maxlength: '200', required: true });
  const inputs = { email: email.input, name: name.input };
  const grid = [email.wrap, name.wrap];
  let role = null;
  let cargo = null;
  if (!P.platform) {
    role = field({ name: 'role', label: 'Rol', value: 'teacher', options: P.roles.map((r) => ({ value: r, label: ROLE_LABELS[r] })), required: true });
    cargo = field({ name: 'cargo', label: 'Cargo (opcional)', value: '', options: [{ value: '', label: 'Sin cargo' }].concat(CARGOS.map((c) => ({ value: c, label: c }))) });
    inputs.role = role.input;
    inputs.cargo = cargo.input;
    grid.push(role.wrap, cargo.wrap);
  }
  const submit = h('button', { type: 'submit', class: 'btn btn--primary', text: 'Enviar invitación' });
  const inviteStatus = messageArea('status');
  const form = h('form', { class: 'form', novalidate: true },
    inviteErrors, inviteStatus,
    h('div', { class: 'form-grid' }, grid),
    h('div', { class: 'form-actions' }, submit));
  onSubmit(form, {
    submit: submit, busy: 'Enviando…', errors: inviteErrors, status: inviteStatus, inputs: inputs,
    required: [email.input, name.input],
    send: async () => {
      const body = { email: email.input.value.trim(), name: name.input.value.trim(), role: role ? role.input.value : 'platform_admin' };
      if (cargo && cargo.input.value) body.cargo = cargo.input.value;
      const u = await api('POST', P.path, body);
      email.input.value = '';
      name.input.value = '';
      if (cargo) cargo.input.value = '';
      inviteStatus.show('Se envió la invitación a ' + who(u) + ' (' + u.email + ') como ' + (u.role_label || roleLabel(u.role)) +
        '. El enlace vale 7 días; su estado aparece en la lista.');
      mailPolls = 0;
      await list.reload();
    }
  });

  tableOf(wrap).setMessage('Cargando usuarios…');
  alive = setView(P.title, [
    h('div', { class: 'page-head' },
      h('h1', { tabindex: '-1', text: P.title }),
      h('p', { class: 'muted page-head__intro', text: P.intro })),
    h('div', { class: 'stack' },
      card('Invitar a una persona', 'Escriba su correo y su nombre: le llegará un mensaje con un enlace para elegir su contraseña.', [form], 'card--wide'),
      panel,
      card(P.listTitle, null, [status, errors, wrap, moreWrap], 'card--wide'))
  ], ctx.moveFocus);
  list.load(alive);
}

/* The school admin's home card: where the users are managed. */
export function section() {
  return {
    node: card('Usuarios', 'Invite a docentes, representantes y otros administradores por correo; edite, desactive o envíe un enlace para cambiar la contraseña.',
      h('p', { class: 'card__action' }, h('a', { href: '/usuarios', 'data-route': '', class: 'btn btn--secondary', text: 'Administrar usuarios' })),
      'card--wide card--row')
  };
}
