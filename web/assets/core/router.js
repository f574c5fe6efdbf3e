/*
 * Router: maps the address bar's path to a page module and shows it. The
 * table comes from app.js (defineRoutes); each entry is
 *
 *   {name, path, load: () => import('./pages/x.js'), public?, nav?, navIf?(user)}
 *
 * A page module exports show(ctx), ctx = {moveFocus, current()}: it builds
 * its view with setView(); current() tells whether the user is still on this
 * page after an await. Modules load on first use with import(); a page that
 * fails to load (no connection) shows a message with a "Reintentar" button.
 * Pages that are not `public` need a session: without one the sign-in page
 * shows instead, and after signing in the same path is shown. A path that
 * is not in the table shows the first entry (the home page).
 *
 * Links with a data-route attribute navigate without reloading (app.js
 * wires the clicks); the server must also answer the path with index.html
 * (the pages[] list of src/http/static.c).
 */
import { state } from './state.js';
import { renderNav, showFatal } from './shell.js';

let routes = [];
let signInLoader = null;
let routeSeq = 0;

export function defineRoutes(table, signIn) {
  routes = table;
  signInLoader = signIn;
}

function entryFor(pathname) {
  const path = pathname.replace(/\/+$/, '') || '/';
  return routes.find((r) => r.path === path) || routes[0];
}

/* The name of the page the address bar shows. */
export function currentRoute() { return entryFor(location.pathname).name; }

/* The routes the navigation shows to this user, in table order. */
export function navEntries(user) {
  return routes.filter((r) => r.nav && (!r.navIf || r.navIf(user)));
}

/* Loads a page module; null if a newer navigation started meanwhile or loading failed. */
async function loadPage(loader) {
  const seq = ++routeSeq;
  let mod;
  try {
    mod = await loader();
  } catch (e) {
    if (seq === routeSeq) {
      showFatal('No se pudo abrir la página',
        'No se pudo cargar esta página. Revise su conexión a internet y vuelva a intentarlo.');
    }
    return null;
  }
  if (seq !== routeSeq) return null;
  return { mod: mod, current: () => seq === routeSeq };
}

export function navigate(path) {
  if (location.pathname !== path) history.pushState(null, '', path);
  return route(true);
}

/* Shows the page of the address bar (or the sign-in page, see above). */
export async function route(moveFocus) {
  const entry = entryFor(location.pathname);
  if (!entry.public && !state.user) return showSignIn();
  renderNav();
  const page = await loadPage(entry.load);
  if (page) await page.mod.show({ moveFocus: !!moveFocus, current: page.current });
}

/* The sign-in page, with an optional notice (tone: 'info', 'error', ...). */
export async function showSignIn(notice, tone) {
  const page = await loadPage(signInLoader);
  if (page) await page.mod.show({ moveFocus: false, current: page.current, notice: notice, tone: tone });
}

/* Forgets the session in the app and shows the sign-in page with a notice. */
export function sessionEnded(notice) {
  state.user = null;
  state.csrf = null;
  renderNav();
  return showSignIn(notice);
}
