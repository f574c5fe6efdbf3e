/*
 * Platform console, home section "Planteles de la red": the schools of the
 * network with their status, figures (students, teachers, users, last
 * activity, space, as the background refresher last stored them) and
 * address; suspending, deactivating and activating one, downloading its
 * copy, deleting it (only after a copy downloaded in the last 24 hours and
 * the code typed); the form that registers a school with its first
 * administrator (who receives a set-password link by mail, on the new
 * school's address); "Invitar director(a)" invites another administrator to
 * any school, the main one included, the same way. Other sections may listen to the
 * list as it loads (onList), as the support section does for its choices.
 */
import { h, clear } from '../core/dom.js';
import { state, schoolUrl, formatInstant } from '../core/state.js';
import { api } from '../core/api.js';
import { messageArea, field, markInvalid, onSubmit, setBusy } from '../core/forms.js';
import { card, dataTable, tableOf, tableLoader } from '../core/ui.js';
import { count, size } from './network.js';

export const STATUS_LABELS = {
  active: 'Activo',
  suspended: 'Suspendido',
  inactive: 'Inactivo'
};

export function section() {
  const status = messageArea('status');
  const errors = messageArea('error');
  const wrap = dataTable('Planteles de la red', [
    { label: 'Código' }, { label: 'Nombre' }, { label: 'Estado' }, { label: 'Cifras' }, { label: 'Dirección web' }, { label: 'Acciones', class: 'cell-actions' }
  ]);
  const asOf = h('p', { class: 'muted' });
  const listeners = [];

  const code = field({ name: 'code', label: 'Código', hint: 'Minúsculas, números y guiones (2 a 40). Forma la dirección web del plantel.', autocapitalize: 'none', spellcheck: 'false', maxlength: '40', required: true });
  const name = field({ name: 'name', label: 'Nombre del plantel', hint: 'Por ejemplo: Unidad Educativa Los Próceres.', maxlength: '200', required: true });
  const adminName = field({ name: 'admin_name', label: 'Nombre del director(a)', hint: 'Su primer administrador(a): nombre y apellido.', autocomplete: 'off', maxlength: '200', required: true });
  const adminEmail = field({ name: 'admin_email', label: 'Correo del director(a)', hint: 'Recibirá un enlace para elegir su contraseña.', type: 'email', inputmode: 'email', autocapitalize: 'none', spellcheck: 'false', maxlength: '254', required: true });
  const inputs = { code: code.input, name: name.input, admin_name: adminName.input, admin_email: adminEmail.input };
  const submit = h('button', { type: 'submit', class: 'btn btn--primary', text: 'Crear plantel' });
  const formErrors = messageArea('error');
  const form = h('form', { class: 'form', novalidate: true },
    h('h3', { class: 'card__subtitle', text: 'Registrar un plantel' }),
    formErrors,
    h('div', { class: 'form-grid' }, code.wrap, name.wrap, adminName.wrap, adminEmail.wrap),
    h('div', { class: 'form-actions' }, submit));

  onSubmit(form, {
    submit: submit, busy: 'Creando…', errors: formErrors, status: status, inputs: inputs,
    required: [code.input, name.input, adminName.input, adminEmail.input],
    send: async () => {
      const t = await api('POST', '/api/v1/platform/tenants', {
        code: code.input.value.trim().toLowerCase(), name: name.input.value.trim(),
        admin_name: adminName.input.value.trim(), admin_email: adminEmail.input.value.trim()
      });
      [code, name, adminName, adminEmail].forEach((f) => { f.input.value = ''; });
      if (t.admin) {
        status.show('Se creó el plantel «' + t.name + '» (' + t.code + '). ' + t.admin.name + ' recibirá por correo, en ' +
          t.admin.email + ', un enlace para elegir su contraseña e ingresar.');
      } else {
        status.show('Se creó el plantel «' + t.name + '» (' + t.code + '). ' + (t.admin_error || ''), 'error');
      }
      await list.reload();
    }
  });

  /* "Invitar director(a)": another administrator for a school of the list. */
  const invited = { code: null, name: '' };
  const directorTitle = h('h3', { class: 'card__subtitle', tabindex: '-1' });
  const directorName = field({ name: 'admin_name', label: 'Nombre completo', hint: 'Nombre y apellido.', autocomplete: 'off', maxlength: '200', required: true });
  const directorEmail = field({ name: 'admin_email', label: 'Correo electrónico', hint: 'Recibirá un enlace para elegir su contraseña, válido por 7 días.', type: 'email', inputmode: 'email', autocapitalize: 'none', spellcheck: 'false', maxlength: '254', required: true });
  const directorSubmit = h('button', { type: 'submit', class: 'btn btn--primary', text: 'Invitar' });
  const directorCancel = h('button', { type: 'button', class: 'btn btn--secondary', text: 'Cancelar' });
  const directorErrors = messageArea('error');
  const directorForm = h('form', { class: 'form', novalidate: true, hidden: true },
    directorTitle, directorErrors,
    h('div', { class: 'form-grid' }, directorName.wrap, directorEmail.wrap),
    h('div', { class: 'form-actions' }, directorSubmit, directorCancel));
  directorCancel.addEventListener('click', () => { directorForm.hidden = true; });

  function openDirectorForm(t) {
    invited.code = t.code;
    invited.name = t.name;
    directorTitle.textContent = 'Invitar director(a) a «' + t.name + '»';
    directorErrors.clear();
    directorName.input.value = '';
    directorEmail.input.value = '';
    directorForm.hidden = false;
    directorName.input.focus();
  }

  onSubmit(directorForm, {
    submit: directorSubmit, busy: 'Enviando…', errors: directorErrors, status: status,
    inputs: { admin_name: directorName.input, admin_email: directorEmail.input },
    required: [directorName.input, directorEmail.input],
    send: async () => {
      const a = await api('POST', '/api/v1/platform/tenants/' + encodeURIComponent(invited.code) + '/admins',
        { admin_name: directorName.input.value.trim(), admin_email: directorEmail.input.value.trim() });
      directorForm.hidden = true;
      status.show('Se invitó a ' + a.name + ' como director(a) de «' + invited.name + '»: recibirá por correo, en ' +
        a.email + ', un enlace para elegir su contraseña.');
    }
  });

  async function changeStatus(t, action, button) {
    const verb = { suspend: 'suspender', activate: 'activar', deactivate: 'desactivar' }[action];
    if (action === 'suspend' &&
        !window.confirm('¿Suspender el plantel «' + t.name + '»? Sus usuarios no podrán ingresar hasta que lo active de nuevo.')) return;
    if (action === 'deactivate' &&
        !window.confirm('¿Desactivar el plantel «' + t.name + '»? Se cierran sus sesiones y nadie podrá ingresar hasta que lo active de nuevo.')) return;
    errors.clear();
    status.clear();
    setBusy(button, true, { suspend: 'Suspendiendo…', activate: 'Activando…', deactivate: 'Desactivando…' }[action]);
    try {
      const updated = await api('POST', '/api/v1/platform/tenants/' + encodeURIComponent(t.code) + '/' + action);
      status.show('El plantel «' + updated.name + '» quedó ' + (STATUS_LABELS[updated.status] || updated.status).toLowerCase() + '.');
      await list.reload();
    } catch (err) {
      setBusy(button, false);
      if (!err.handled) errors.show('No se pudo ' + verb + ' el plantel: ' + err.message);
    }
  }

  function hostLink(host) {
    if (!host) return '';
    return h('a', { href: schoolUrl(host), class: 'host-link', text: host });
  }

  /* network: the figures the background refresher stored, as of their time */
  function figures(t) {
    const f = t.figures;
    if (!f) return h('span', { class: 'muted', text: 'Aún sin datos' });
    const item = (label, value) => [h('dt', { text: label }), h('dd', { text: value })];
    return h('dl', { class: 'tenant-figures' },
      item('Estudiantes', count(f.students)),
      item('Docentes', count(f.teachers)),
      item('Usuarios', count(f.users)),
      item('Última actividad', f.last_activity ? formatInstant(f.last_activity) : 'ninguna'),
      item('Espacio', size(f.storage_bytes)));
  }

  /* An archive downloaded in the last 24 hours allows a deletion. */
  function freshExport(t) {
    return !!t.exported_at && Date.now() - new Date(t.exported_at).getTime() < 24 * 3600 * 1000;
  }

  function exportLink(t, size) {
    const a = h('a', {
      class: (size || 'btn btn--small') + ' btn--secondary', download: '',
      href: '/api/v1/platform/tenants/' + encodeURIComponent(t.code) + '/export',
      'aria-label': 'Descargar la copia de ' + t.name, text: 'Descargar copia'
    });
    /* the list shows the download once the server recorded it */
    a.addEventListener('click', () => {
      status.show('Descargando la copia de «' + t.name + '»…');
      window.setTimeout(async () => {
        await list.reload();
        status.show('Se descargó la copia de «' + t.name + '». Guárdela en un lugar seguro.');
      }, 1500);
    });
    return a;
  }

  /*
   * Deleting a school: a panel under the list (not a browser prompt), which
   * first asks for the copy when none was downloaded in the last 24 hours,
   * then for the school's code typed as confirmation.
   */
  const removal = h('div', { class: 'removal', hidden: true, tabindex: '-1' });
  let removing = null;   /* the code of the school the panel is about */

  function closeRemoval() {
    removing = null;
    removal.hidden = true;
    clear(removal);
  }

  function openRemoval(t) {
    removing = t.code;
    clear(removal);
    const cancel = h('button', { type: 'button', class: 'btn btn--secondary', text: 'Cancelar' });
    cancel.addEventListener('click', closeRemoval);
    removal.appendChild(h('h3', { class: 'card__subtitle', text: 'Eliminar el plantel «' + t.name + '»' }));
    if (!freshExport(t)) {
      removal.append(
        h('p', { text: 'Antes de eliminarlo, descargue su copia: es lo único que quedará de sus datos. ' +
          'La copia sirve para eliminar el plantel durante 24 horas.' }),
        h('div', { class: 'form-actions' }, exportLink(t, 'btn'), cancel));
    } else {
      const panelErrors = messageArea('error');
      const typed = field({ name: 'confirm', label: 'Para confirmar, escriba el código del plantel: ' + t.code,
        autocapitalize: 'none', spellcheck: 'false', maxlength: '40' });
      const go = h('button', { type: 'submit', class: 'btn btn--danger', text: 'Eliminar definitivamente' });
      const form = h('form', { class: 'form', novalidate: true },
        h('p', { text: 'Se borrarán todos sus datos de BiScheduler: estudiantes, personal, usuarios y auditoría. ' +
          'No se puede deshacer. Conserve la copia descargada el ' + formatInstant(t.exported_at) + '.' }),
        panelErrors, typed.wrap, h('div', { class: 'form-actions' }, go, cancel));
      form.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        panelErrors.clear();
        if (typed.input.value.trim() !== t.code) {
          markInvalid(typed.input, true, 'El código escrito no coincide con «' + t.code + '».');
          typed.input.focus();
          return;
        }
        markInvalid(typed.input, false);
        setBusy(go, true, 'Eliminando…');
        try {
          await api('DELETE', '/api/v1/platform/tenants/' + encodeURIComponent(t.code), { confirm: t.code });
          closeRemoval();
          status.show('Se eliminó el plantel «' + t.name + '».');
          await list.reload();
        } catch (err) {
          setBusy(go, false);
          if (!err.handled) panelErrors.show('No se pudo eliminar el plantel: ' + err.message);
        }
      });
      removal.appendChild(form);
      removal.hidden = false;
      removal.scrollIntoView({ block: 'nearest' });
      typed.input.focus();
      return;
    }
    removal.hidden = false;
    removal.scrollIntoView({ block: 'nearest' });
    removal.focus();
  }

  function row(t) {
    const invite = h('button', { type: 'button', class: 'btn btn--small btn--secondary', 'aria-label': 'Invitar director(a) a ' + t.name, text: 'Invitar director(a)' });
    invite.addEventListener('click', () => openDirectorForm(t));
    let actions;
    if (t.code !== (state.branding && state.branding.code)) {
      const action = t.status === 'active' ? 'suspend' : 'activate';
      const button = h('button', {
        type: 'button',
        class: 'btn btn--small ' + (action === 'suspend' ? 'btn--danger-ghost' : 'btn--secondary'),
        'aria-label': (action === 'suspend' ? 'Suspender ' : 'Activar ') + t.name,
        text: action === 'suspend' ? 'Suspender' : 'Activar'
      });
      button.addEventListener('click', () => changeStatus(t, action, button));
      const extra = [];
      if (t.status === 'active') {
        const off = h('button', { type: 'button', class: 'btn btn--small btn--ghost', 'aria-label': 'Desactivar ' + t.name, text: 'Desactivar' });
        off.addEventListener('click', () => changeStatus(t, 'deactivate', off));
        extra.push(off);
      }
      const del = h('button', { type: 'button', class: 'btn btn--small btn--danger-ghost', 'aria-label': 'Eliminar ' + t.name, text: 'Eliminar' });
      del.addEventListener('click', () => openRemoval(t));
      actions = h('div', { class: 'link-cell' }, button, extra, exportLink(t), del,
        t.exported_at ? h('span', { class: 'muted', text: 'Copia: ' + formatInstant(t.exported_at) }) : null);
    } else {
      actions = h('span', { class: 'muted', text: 'Plantel principal' });
    }
    return [
      h('code', { text: t.code }),
      t.name,
      h('span', { class: 'badge badge--' + t.status, text: STATUS_LABELS[t.status] || t.status }),
      figures(t),
      hostLink(t.host),
      h('div', { class: 'row-actions' }, invite, actions)
    ];
  }

  const list = tableLoader(wrap, errors, {
    path: () => '/api/v1/platform/tenants',
    row: row,
    onItems: (items) => {
      /* the deletion panel follows the list (a copy just downloaded, a school gone) */
      const open = removing && items.find((t) => t.code === removing);
      if (open) openRemoval(open); else if (removing) closeRemoval();
      const times = items.map((t) => t.figures && t.figures.computed_at).filter(Boolean).sort();
      asOf.textContent = times.length
        ? 'Cifras al ' + formatInstant(times[times.length - 1]) + ' (se actualizan solas cada cierto tiempo).'
        : 'Cifras: aún sin datos (se calculan en segundo plano).';
      listeners.forEach((fn) => fn(items));
    },
    empty: 'Todavía no hay planteles registrados.',
    failed: 'No se pudo cargar la lista de planteles.'
  });

  tableOf(wrap).setMessage('Cargando planteles…');
  return {
    onList: (fn) => { listeners.push(fn); },
    node: card('Planteles de la red', 'Los planteles que usan BiScheduler. «Suspender» corta el acceso por un tiempo (por ejemplo, por un pago pendiente); ' +
      '«Desactivar» es para un plantel que deja la red. En ambos casos sus usuarios salen y no pueden ingresar hasta que lo active de nuevo.',
      [errors, status, asOf, wrap, removal, directorForm, form], 'card--wide'),
    load: list.load
  };
}
