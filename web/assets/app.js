/*
 * BiScheduler web app: entry module. It declares the pages (the router's
 * table), wires the shell (sign-out button, in-app links, back/forward),
 * learns the school of this host and the session, then shows the page of
 * the address bar.
 *
 * The app is plain ES modules served as they are: no framework, no bundler,
 * no build step. core/ holds the small shared core (dom, state, api, forms,
 * ui, shell, router); pages/ holds one module per page, loaded on first use
 * with import(). Everything runs under the strict Content-Security-Policy
 * the server sends (no inline code or styles, no eval); views are built
 * with DOM calls and text from the server is always set as text.
 * See "The web app" in docs/ARCHITECTURE.md.
 */
import { $ } from './core/dom.js';
import { state, isAdmin, canManageRecords } from './core/state.js';
import { api, onSessionEnded } from './core/api.js';
import { setBusy } from './core/forms.js';
import { applyBranding, setSession, showFatal, globalError } from './core/shell.js';
import { defineRoutes, currentRoute, navigate, route, sessionEnded } from './core/router.js';

/* The pages. The first is the fallback for any other path. */
defineRoutes([
  { name: 'home', path: '/', nav: 'Inicio', load: () => import('./pages/home.js') },
  /* Attendance (issue #16, part offline): a teacher's lists of the day, offline too. */
  { name: 'attendance', path: '/asistencia', nav: 'Asistencia', navIf: (u) => !!u && (u.role === 'teacher' || u.role === 'school_admin'), load: () => import('./pages/asistencia.js') },
  /* attendance (issue #16, part report): the Ministry's monthly report and chronic absence */
  { name: 'attendance-report', path: '/reportes/asistencia', nav: 'Informe de asistencia', navIf: canManageRecords, load: () => import('./pages/attendance-report.js') },
  /* School records (issue 13): students, staff, structure, import, export. */
  { name: 'students', path: '/estudiantes', nav: 'Estudiantes', navIf: canManageRecords, load: () => import('./pages/students.js') },
  { name: 'student-new', path: '/estudiantes/nuevo', under: 'students', load: () => import('./pages/student-form.js') },
  { name: 'student', path: '/estudiantes/:id', under: 'students', load: () => import('./pages/student.js') },
  { name: 'student-edit', path: '/estudiantes/:id/editar', under: 'students', load: () => import('./pages/student-form.js') },
  { name: 'representative', path: '/representantes/:id', under: 'students', load: () => import('./pages/representative.js') },
  { name: 'staff', path: '/personal', nav: 'Personal', navIf: canManageRecords, load: () => import('./pages/staff.js') },
  { name: 'structure', path: '/estructura', nav: 'Estructura', navIf: canManageRecords, load: () => import('./pages/structure.js') },
  { name: 'import', path: '/importar', nav: 'Importar', navIf: canManageRecords, load: () => import('./pages/import.js') },
  { name: 'export', path: '/exportar', nav: 'Exportar', navIf: canManageRecords, load: () => import('./pages/export.js') },
  /* Timetables (issue #15), for the school's office: set-up (bell schedules,
   * plan, assignments, preferences to approve), generate/activate/compare,
   * edit by hand, import a FET file or CSV folder, the active week, covers,
   * printouts and reports. Kept together so the menu reads as one area. */
  { name: 'tt-setup', path: '/preparacion', nav: 'Preparar horarios', navIf: canManageRecords, load: () => import('./pages/bells.js') },
  { name: 'tt-plan', path: '/preparacion/plan', under: 'tt-setup', load: () => import('./pages/plan.js') },
  { name: 'tt-prefs', path: '/preparacion/preferencias', under: 'tt-setup', load: () => import('./pages/pref-review.js') },
  { name: 'timetables', path: '/horarios', nav: 'Horarios', navIf: canManageRecords, load: () => import('./pages/timetables.js') },
  { name: 'timetable-edit', path: '/editar-horario/:id', under: 'timetables', load: () => import('./pages/timetable-edit.js') },
  { name: 'timetable-import', path: '/horarios/importar', nav: 'Importar horario', navIf: canManageRecords, load: () => import('./pages/timetable-import.js') },
  { name: 'active-timetable', path: '/horario-activo', nav: 'Consultar horario', navIf: canManageRecords, load: () => import('./pages/horario-activo.js') },
  { name: 'covers', path: '/suplencias', nav: 'Suplencias', navIf: canManageRecords, load: () => import('./pages/suplencias.js') },
  { name: 'tt-print', path: '/impresion', nav: 'Imprimir horarios', navIf: canManageRecords, load: () => import('./pages/tt-print.js') },
  /* Attendance (issue #16), part calendar: the school year's calendar (días hábiles). */
  { name: 'calendar', path: '/calendario', nav: 'Calendario escolar', navIf: canManageRecords, load: () => import('./pages/calendario.js') },
  /* Timetables (issue #15) for teachers (their week, preferences, calendar)
   * and parents (their children's week). */
  { name: 'my-timetable', path: '/mi-horario', nav: 'Mi horario', navIf: (u) => !!u && u.role === 'teacher', load: () => import('./pages/mi-horario.js') },
  { name: 'my-prefs', path: '/mis-preferencias', nav: 'Mis preferencias', navIf: (u) => !!u && u.role === 'teacher', load: () => import('./pages/my-preferences.js') },
  { name: 'my-calendar', path: '/mi-calendario', nav: 'Mi calendario', navIf: (u) => !!u && u.role === 'teacher', load: () => import('./pages/tt-print.js') },
  { name: 'child-timetable', path: '/horario-representado', nav: 'Horario de mi representado', navIf: (u) => !!u && u.role === 'parent', load: () => import('./pages/horario-representado.js') },
  /* attendance (issue #16, part take): a parent's view of their children's attendance */
  { name: 'child-attendance', path: '/asistencia-representado', nav: 'Asistencia de mi representado', navIf: (u) => !!u && u.role === 'parent', load: () => import('./pages/asistencia-representado.js') },
  /* Audit; people (issue 14): users and platform admins; a mailed link to choose a password. */
  { name: 'audit', path: '/auditoria', nav: 'Auditoría', navIf: isAdmin, load: () => import('./pages/audit.js') },
  { name: 'users', path: '/usuarios', nav: 'Usuarios', navIf: isAdmin, load: () => import('./pages/users.js') },
  { name: 'link', path: '/clave/:token', public: true, load: () => import('./pages/clave.js') },
  /* network (issue 14): the network's dashboard, for platform admins */
  { name: 'network', path: '/red', nav: 'Estadísticas', navIf: (u) => !!u && u.role === 'platform_admin', load: () => import('./pages/network.js') },
  { name: 'invitation', path: '/invitacion', public: true, load: () => import('./pages/invitation.js') },
  { name: 'support', path: '/soporte', public: true, load: () => import('./pages/support-signin.js') }
], () => import('./pages/signin.js'));

onSessionEnded(sessionEnded);

async function logout() {
  const button = $('logout-button');
  setBusy(button, true, 'Cerrando…');
  try {
    await api('POST', '/api/v1/auth/logout', undefined, { allow401: true });
  } catch (err) {
    if (err.status === 0) {
      setBusy(button, false);
      globalError('No se pudo cerrar la sesión: ' + err.message);
      return;
    }
    /* Any other failure (e.g. an expired session) leaves no session behind either. */
  }
  setBusy(button, false);
  if (location.pathname !== '/') history.replaceState(null, '', '/');
  await sessionEnded('Su sesión se cerró correctamente.');
  const title = $('signin-title');
  if (title) title.focus();
}

async function boot() {
  $('logout-button').addEventListener('click', logout);
  document.addEventListener('click', (ev) => {
    const a = ev.target.closest && ev.target.closest('a[data-route]');
    if (!a || ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
    ev.preventDefault();
    navigate(a.getAttribute('href'));
  });
  $('brand-link').setAttribute('data-route', '');
  window.addEventListener('popstate', () => { route(true); });
  /* Another invitation link pasted into a tab already on /invitacion only changes the hash. */
  window.addEventListener('hashchange', () => {
    if (currentRoute() === 'invitation' && location.hash) route(true);
  });

  try {
    const b = await api('GET', '/api/v1/branding', undefined, { allow401: true });
    state.branding = (b && b.school) || null;
    state.look = (b && b.branding) || null;
    state.publicSettings = (b && b.settings) || null;
    applyBranding();
  } catch (err) {
    showFatal('No se pudo abrir el plantel', err.message);
    return;
  }

  /* A support link signs in by itself, whatever session this browser has. */
  if (currentRoute() !== 'support') {
    try {
      setSession(await api('GET', '/api/v1/auth/me', undefined, { allow401: true }));
    } catch (err) {
      if (err.status !== 401) { showFatal('No se pudo abrir BiScheduler', err.message); return; }
    }
  }
  await route(false);
}

boot();
