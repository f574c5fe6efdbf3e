/*
 * The layout around every page (the shell of index.html): the header with
 * the school's name, the navigation and the signed-in user, the global
 * alert, and <main>, whose content setView() replaces. The navigation's
 * links come from the router's table (routes with a `nav` label).
 */
import { $, h, append, clear } from './dom.js';
import { state, schoolName, roleLabel } from './state.js';
import { navEntries, currentSection } from './router.js';

export function applyBranding() {
  const name = schoolName();
  $('school-name').textContent = name;
  $('footer-school').textContent = name;
}

/* Keeps the signed-in user and CSRF token of a sign-in or /auth/me reply. */
export function setSession(reply) {
  state.user = reply.user;
  state.csrf = reply.csrf_token || state.csrf;
  renderNav();
}

export function renderNav() {
  const nav = $('site-nav');
  const user = state.user;
  if (!user) { nav.hidden = true; return; }
  const links = $('nav-links');
  clear(links);
  const current = currentSection();
  const entries = navEntries(user);
  /* Many links (the records pages of a school admin): the navigation takes a row of its own. */
  nav.classList.toggle('site-nav--full', entries.length > 3);
  entries.forEach((item) => {
    links.appendChild(h('li', null, h('a', {
      href: item.path,
      class: 'site-nav__link',
      'data-route': '',
      'aria-current': item.name === current ? 'page' : null,
      text: item.nav
    })));
  });
  const badge = $('user-badge');
  clear(badge);
  append(badge, [
    h('span', { class: 'user-badge__name', text: user.name || user.email }),
    h('span', { class: 'user-badge__role', text: roleLabel(user.role) + (user.support ? ' (soporte)' : '') })
  ]);
  nav.hidden = false;
}

/*
 * Replaces the content of <main> and the document title; with moveFocus,
 * the page's <h1> takes the focus. Returns alive(), which tells whether this
 * view is still the one shown (so late replies can be dropped).
 */
export function setView(title, nodes, moveFocus) {
  state.viewSeq += 1;
  const main = $('contenido');
  clear(main);
  append(main, nodes);
  main.setAttribute('aria-busy', 'false');
  $('global-alert').textContent = '';
  document.title = title + ' · ' + schoolName();
  if (moveFocus) {
    const heading = main.querySelector('h1');
    if (heading) heading.focus();
  }
  const seq = state.viewSeq;
  return function alive() { return seq === state.viewSeq; };
}

/* A page that could not open: its title, why, and a button to reload. */
export function showFatal(title, message) {
  setView(title, h('section', { class: 'card narrow' },
    h('h1', { tabindex: '-1', text: title }),
    h('p', { text: message }),
    h('p', null, h('button', { type: 'button', class: 'btn btn--primary', onclick: () => location.reload(), text: 'Reintentar' }))), true);
}

/* An error above the page, for actions of the shell itself (signing out). */
export function globalError(text) {
  const region = $('global-alert');
  clear(region);
  region.appendChild(h('p', { class: 'notice notice--error global-alert__box', text: text }));
}
