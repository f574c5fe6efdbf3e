/*
 * Page: the home page ("Inicio") of each role, made of sections (cards),
 * in the order of what the person comes to do, the first one filling a
 * phone's first screen. The header already shows the school, the user's
 * name and role, so the page only greets. The sections with their own
 * data are modules of their own (tenants, invitations, support, settings,
 * users, tokens), loaded only for the roles that see them; each exports
 * section(built) returning {node, load?(alive)}, where `built` holds the
 * sections built before it (support reads the schools list of tenants).
 * The school admin's "Estudiantes" card, the welcome and audit cards live
 * here.
 *
 *   platform admin: schools, invitations, support access, audit, advanced
 *   school admin:   students (search, count, import), users, audit,
 *                   school data, advanced
 *   teacher: today's attendance lists; parent: their children (both read
 *            from the API; nothing is faked)
 *   advanced (API tokens for programs): admins only, folded
 */
import { h } from '../core/dom.js';
import { state, schoolName } from '../core/state.js';
import { api, query } from '../core/api.js';
import { field } from '../core/forms.js';
import { card } from '../core/ui.js';
import { setView, showFatal } from '../core/shell.js';
import { navigate } from '../core/router.js';

const MODULES = {
  tenants: () => import('./tenants.js'),
  invitations: () => import('./invitations.js'),
  support: () => import('./support.js'),
  settings: () => import('./settings.js'),
  users: () => import('./users.js'),
  tokens: () => import('./tokens.js')
};

function plan(user) {
  const names = [];
  if (user.role === 'platform_admin') names.push('tenants', 'invitations', 'support', 'audit');
  if (user.role === 'school_admin') names.push('records', 'users', 'audit', 'settings');
  if (user.role === 'teacher' || user.role === 'parent') names.push('welcome');
  /* Access for programs (API tokens) is an advanced matter of the admins. */
  if (!user.support && (user.role === 'platform_admin' || user.role === 'school_admin')) names.push('tokens');
  return names;
}

export async function show(ctx) {
  const user = state.user;
  const names = plan(user);
  let mods;
  try {
    mods = await Promise.all(names.map((n) => (MODULES[n] ? MODULES[n]() : null)));
  } catch (e) {
    if (ctx.current()) {
      showFatal('No se pudo abrir la página',
        'No se pudo cargar esta página. Revise su conexión a internet y vuelva a intentarlo.');
    }
    return;
  }
  if (!ctx.current()) return;

  const built = {};
  const sections = names.map((n, i) => {
    if (mods[i]) built[n] = mods[i].section(built);
    else if (n === 'audit') built[n] = auditTeaser(user.role === 'school_admin');
    else if (n === 'records') built[n] = recordsCard();
    else built[n] = welcomeSection(user.role);
    return built[n];
  });

  const alive = setView('Inicio', [
    h('div', { class: 'page-head page-head--home' },
      h('h1', { tabindex: '-1', text: 'Hola, ' + (user.name || user.email) }),
      user.support ? h('p', { class: 'notice notice--info', text: 'Está en ' + schoolName() + ' con un acceso de soporte de la plataforma: lo que haga queda registrado a su nombre.' }) : null),
    h('div', { class: 'stack' }, sections.map((s) => s.node))
  ], ctx.moveFocus);
  sections.forEach((s) => { if (s.load) s.load(alive); });
}

/*
 * Teachers: today's lists to take (their sections in the active
 * timetable, each marked taken or not, one tap from its list) and their
 * own pages. Parents: each child with their timetable and attendance.
 * What the account does not hold yet is said plainly.
 */
function welcomeSection(role) {
  const go = (href, text, cls) => h('a', { href: href, 'data-route': '', class: cls || 'btn btn--ghost', text: text });
  const status = h('p', { class: 'muted', role: 'status', text: 'Cargando…' });
  const list = h('ul', { class: 'home-today' });
  if (role === 'teacher') {
    return {
      node: card('Asistencia de hoy', null, [
        status, list,
        h('p', { class: 'card__action form-actions' }, go('/asistencia', 'Pasar asistencia', 'btn btn--primary'),
          go('/mi-horario', 'Mi horario'), go('/mis-preferencias', 'Mis preferencias'))
      ], 'card--wide'),
      load(alive) {
        api('GET', '/api/v1/attendance/sections').then((r) => {
          if (!alive()) return;
          const items = (r && r.items) || [];
          if (!r.school_day) {
            status.textContent = 'Hoy no se pasa lista. ' + (r.why || '');
          } else if (!items.length) {
            status.textContent = 'Aún no tiene secciones en el horario activo del plantel. Cuando la dirección lo publique, aquí verá las listas de cada día.';
          } else {
            const pending = items.filter((it) => !it.taken).length;
            status.textContent = pending
              ? 'Le falta pasar lista en ' + pending + (pending === 1 ? ' sección.' : ' secciones.')
              : 'Ya pasó lista en todas sus secciones de hoy.';
            items.forEach((it) => list.appendChild(h('li', null,
              h('a', { href: '/asistencia' + query({ seccion: it.id, fecha: r.date }), 'data-route': '', text: it.name }),
              ' · ', h('span', { class: it.taken ? 'badge badge--active' : 'badge badge--suspended', text: it.taken ? 'Lista tomada' : 'Sin tomar' }))));
          }
        }).catch((err) => {
          if (!alive() || err.handled) return;
          status.textContent = err.message;
        });
      }
    };
  }
  return {
    node: card('Sus representados', null, [status, list], 'card--wide'),
    load(alive) {
      api('GET', '/api/v1/me/children').then((r) => {
        if (!alive()) return;
        const kids = (r && r.items) || [];
        status.textContent = kids.length
          ? 'El horario de clases y la asistencia de cada uno, según los registra el plantel.'
          : 'Su cuenta aún no está vinculada a ningún estudiante. Consulte con la secretaría del plantel.';
        kids.forEach((k) => list.appendChild(h('li', null,
          h('strong', { text: k.first_names + ' ' + k.last_names }),
          k.section ? ' · ' + k.section : '', ' · ',
          h('a', { href: '/horario-representado', 'data-route': '', text: 'Horario' }), ' · ',
          h('a', { href: '/asistencia-representado', 'data-route': '', text: 'Asistencia' }))));
      }).catch((err) => {
        if (!alive() || err.handled) return;
        status.textContent = err.message;
      });
    }
  };
}

/*
 * The school admin's first card: find a student (the most frequent task),
 * how many are enrolled, and the next steps (a new student, the Matrícula
 * import, lists to download). The other records pages are in the menu.
 */
function recordsCard() {
  const go = (href, text, cls) => h('a', { href: href, 'data-route': '', class: cls, text: text });
  const count = h('p', { class: 'card__intro muted', role: 'status', text: 'Estudiantes, representantes, personal, grados y secciones del plantel.' });
  const q = field({ name: 'q', label: 'Buscar estudiante por nombre o cédula', type: 'search', inputmode: 'search', maxlength: '100' });
  const form = h('form', { class: 'home-search', role: 'search', 'aria-label': 'Buscar estudiante', novalidate: true,
    onsubmit: (ev) => { ev.preventDefault(); navigate('/estudiantes' + query({ q: q.input.value.trim() })); } },
    q.wrap, h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn--primary', text: 'Buscar' })));
  return {
    node: card('Estudiantes', null, [
      count,
      form,
      h('p', { class: 'card__action form-actions' },
        go('/estudiantes/nuevo', 'Inscribir estudiante', 'btn btn--secondary'),
        go('/importar', 'Importar Matrícula', 'btn btn--ghost'),
        go('/exportar', 'Descargar listados', 'btn btn--ghost'))
    ], 'card--wide'),
    async load(alive) {
      try {
        const reply = await api('GET', '/api/v1/students' + query({ limit: 1, status: 'activo' }));
        if (!alive() || !reply || typeof reply.total !== 'number') return;
        count.textContent = reply.total === 0
          ? 'Aún no hay estudiantes. Para empezar, importe la Matrícula del plantel (.xls, .xlsx o .csv).'
          : (reply.total === 1 ? '1 estudiante activo' : reply.total.toLocaleString('es-VE') + ' estudiantes activos') + ' en ' + schoolName() + '.';
      } catch (err) { /* the card works without its count */ }
    }
  };
}

function auditTeaser(wide) {
  return {
    node: card('Auditoría', 'Consulte quién inició sesión y qué cambios se hicieron, con fecha, hora y dirección IP.',
      h('p', { class: 'card__action' }, h('a', { href: '/auditoria', 'data-route': '', class: 'btn btn--secondary', text: 'Ver auditoría' })),
      wide ? 'card--wide card--row' : null)
  };
}
