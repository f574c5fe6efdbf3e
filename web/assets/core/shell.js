/*
 * The layout around every page (the shell of index.html): the header with
 * the school's name, the navigation and the signed-in user, the global
 * alert, and <main>, whose content setView() replaces. The navigation's
 * links come from the router's table (routes with a `nav` label).
 *
 * The school's look (GET /api/v1/branding's `branding`) is applied here
 * too: its logo in the header (and as the tab's icon), and its colours
 * as CSS custom properties on <html>. The primary colour is darkened, when
 * needed, until white text on it (buttons) and it as text on white (links)
 * both reach a 4.5:1 contrast; the raw colours mark the header (with a
 * text colour chosen for contrast) so that a light school colour still
 * shows as itself.
 */
import { $, h, append, clear } from './dom.js';
import { state, schoolName, roleLabel } from './state.js';
import { navEntries, currentSection } from './router.js';

export function applyBranding() {
  const name = schoolName();
  $('school-name').textContent = name;
  $('footer-school').textContent = name;
  applyLook(state.look);
}

function rgbOf(hex) {
  const m = /^#([0-9a-f]{6})$/i.exec(hex || '');
  if (!m) return null;
  const v = parseInt(m[1], 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

function hexOf(rgb) {
  return '#' + rgb.map((c) => Math.round(c).toString(16).padStart(2, '0')).join('');
}

/* WCAG relative luminance and contrast ratio. */
function luminance(rgb) {
  const l = rgb.map((c) => { const s = c / 255; return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4); });
  return 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2];
}
export function contrast(a, b) {
  const la = luminance(a), lb = luminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/* The colour darkened (towards black) until white on it reaches `ratio`. */
function darkenFor(rgb, ratio) {
  let c = rgb.slice();
  for (let i = 0; i < 40 && contrast(c, [255, 255, 255]) < ratio; i++) c = c.map((x) => x * 0.92);
  return c;
}

/* The colour buttons wear for a school colour: darkened until white text
 * on it reads at 4.5:1 (what applyLook sets as --c-primary). */
export function buttonColor(hex) {
  const rgb = rgbOf(hex);
  return rgb ? hexOf(darkenFor(rgb, 4.5)) : hex;
}

function mix(rgb, other, k) { return rgb.map((x, i) => x * (1 - k) + other[i] * k); }

/* Black or white, whichever reads better on `rgb`. */
export function textOn(hex) {
  const rgb = rgbOf(hex);
  if (!rgb) return '#ffffff';
  return contrast(rgb, [255, 255, 255]) >= contrast(rgb, [0, 0, 0]) ? '#ffffff' : '#000000';
}

function applyLook(look) {
  const root = document.documentElement.style;
  const primary = rgbOf(look && look.primary_color);
  const secondary = rgbOf(look && look.secondary_color);
  if (primary) {
    const safe = darkenFor(primary, 4.5);
    root.setProperty('--c-primary', hexOf(safe));
    root.setProperty('--c-primary-hover', hexOf(safe.map((x) => x * 0.8)));
    root.setProperty('--c-primary-soft', hexOf(mix(primary, [255, 255, 255], 0.9)));
    root.setProperty('--c-brand', hexOf(primary));
    root.setProperty('--c-on-brand', textOn(hexOf(primary)));
  } else {
    ['--c-primary', '--c-primary-hover', '--c-primary-soft', '--c-brand', '--c-on-brand'].forEach((p) => root.removeProperty(p));
  }
  if (secondary) root.setProperty('--c-brand-2', hexOf(secondary));
  else root.removeProperty('--c-brand-2');
  /* the browser tab's icon and the phone's bar colour follow the school */
  const icon = document.querySelector('link[rel="icon"]');
  if (icon) {
    const url = look && look.logo_url;
    icon.setAttribute('href', url || '/assets/favicon.svg');
    icon.setAttribute('type', url ? 'image/png' : 'image/svg+xml');
  }
  const bar = document.querySelector('meta[name="theme-color"]');
  if (bar) bar.setAttribute('content', primary ? hexOf(primary) : '#1d4f73');
  const mark = $('brand-mark');
  const logo = $('brand-logo');
  if (mark && logo) {
    const url = look && look.logo_url;
    if (url) {
      if (logo.getAttribute('src') !== url) logo.setAttribute('src', url);
      logo.hidden = false;
      mark.hidden = true;
    } else {
      logo.removeAttribute('src');
      logo.hidden = true;
      mark.hidden = false;
    }
  }
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
  /* On a phone the links are one row that scrolls sideways (app.css): the
   * current page's link is brought to its middle. */
  const cur = links.querySelector('[aria-current="page"]');
  if (cur && links.scrollWidth > links.clientWidth) {
    const a = cur.getBoundingClientRect();
    const box = links.getBoundingClientRect();
    links.scrollLeft += a.left - box.left - (box.width - a.width) / 2;
  }
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

/* The view of an address that is no page of the app, with a way home. */
export function showNotFound(moveFocus) {
  setView('Página no encontrada', h('section', { class: 'card narrow not-found' },
    h('h1', { tabindex: '-1', text: 'Página no encontrada' }),
    h('p', { text: 'La dirección que abrió no corresponde a ninguna página de ' + schoolName() + '. Puede que el enlace esté incompleto o que la página ya no exista.' }),
    h('p', null, h('a', { href: '/', 'data-route': '', class: 'btn btn--primary', text: 'Ir al inicio' }))), moveFocus);
}

/* An error above the page, for actions of the shell itself (signing out). */
export function globalError(text) {
  const region = $('global-alert');
  clear(region);
  region.appendChild(h('p', { class: 'notice notice--error global-alert__box', text: text }));
}
