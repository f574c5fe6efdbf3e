/*
 * Page: the home page ("Inicio") of each role, made of sections (cards).
 * The sections with their own data are modules of their own (tenants,
 * invitations, support, settings, users, tokens), loaded only for the roles
 * that see them; each exports section(built) returning {node, load?(alive)},
 * where `built` holds the sections built before it (support reads the
 * schools list of tenants). The short welcome and audit cards live here.
 *
 *   platform admin: schools, invitations, support access, audit
 *   school admin:   school records (links), school data, audit, users
 *   teacher/parent: welcome
 *   everyone but a support session: API tokens
 */
import { h } from '../core/dom.js';
import { state, schoolName, roleLabel } from '../core/state.js';
import { card } from '../core/ui.js';
import { setView, showFatal } from '../core/shell.js';

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
  if (user.role === 'school_admin') names.push('records', 'settings', 'audit', 'users');
  if (user.role === 'teacher' || user.role === 'parent') names.push('welcome');
  if (!user.support) names.push('tokens');
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
    h('div', { class: 'page-head' },
      h('h1', { tabindex: '-1', text: 'Hola, ' + (user.name || user.email) }),
      h('dl', { class: 'identity' },
        h('div', null, h('dt', { text: 'Plantel' }), h('dd', { text: schoolName() })),
        h('div', null, h('dt', { text: 'Usuario' }), h('dd', { text: user.name || user.email })),
        h('div', null, h('dt', { text: 'Rol' }), h('dd', { text: roleLabel(user.role) + (user.support ? ' (acceso de soporte)' : '') })))),
    h('div', { class: 'stack' }, sections.map((s) => s.node))
  ], ctx.moveFocus);
  sections.forEach((s) => { if (s.load) s.load(alive); });
}

function welcomeSection(role) {
  const items = role === 'teacher'
    ? ['Su horario semanal de clases, con secciones y aulas.',
       'La asistencia diaria de sus secciones, para registrarla desde aquí.']
    : ['El horario de clases de sus representados.',
       'La asistencia diaria de sus representados.'];
  return {
    node: card('Bienvenida', null, [
      h('p', { text: 'Esta es su página de inicio en ' + schoolName() + '. A medida que el plantel active nuevas funciones, aparecerán aquí:' }),
      h('ul', { class: 'list' }, items.map((t) => h('li', { text: t }))),
      h('p', { class: 'muted', text: 'Por ahora no hay horarios ni registros de asistencia publicados para su cuenta.' })
    ], 'card--wide')
  };
}

/* The school's records (issue 13): where a new school starts (the Matrícula import). */
function recordsCard() {
  const go = (href, text, cls) => h('a', { href: href, 'data-route': '', class: cls, text: text });
  return {
    node: card('Registros del plantel', 'Estudiantes, representantes, personal, grados y secciones. Para empezar, importe la Matrícula del plantel (.xls, .xlsx o .csv).',
      h('p', { class: 'card__action form-actions' },
        go('/importar', 'Importar Matrícula', 'btn btn--primary'),
        go('/estudiantes', 'Estudiantes', 'btn btn--secondary'),
        go('/estructura', 'Estructura', 'btn btn--ghost'),
        go('/personal', 'Personal', 'btn btn--ghost'),
        go('/exportar', 'Exportar', 'btn btn--ghost')),
      'card--wide')
  };
}

function auditTeaser(wide) {
  return {
    node: card('Auditoría', 'Consulte quién inició sesión y qué cambios se hicieron, con fecha, hora y dirección IP.',
      h('p', { class: 'card__action' }, h('a', { href: '/auditoria', 'data-route': '', class: 'btn btn--secondary', text: 'Ver auditoría' })),
      wide ? 'card--wide card--row' : null)
  };
}
