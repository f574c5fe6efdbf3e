/*
 * Router: maps the address bar's path to a page module and shows it. The
 * table comes from app.js (defineRoutes); each entry is
 *
 *   {name, path, load: () => import('./pages/x.js'), public?, nav?, navIf?(user), under?}
 *
 * A path segment ":name" matches any one segment of letters, digits and
 * dashes, given to the page as ctx.params.name (/estudiantes/:id); entries
 * are tried in table order, so /estudiantes/nuevo goes before it. `under`
 * names the navigation entry a page belongs to (a student's page highlights
 * "Estudiantes").
 *
 * A page module exports show(ctx), ctx = {moveFocus, current(), params}: it builds
 * its view with setView(); current() tells whether the user is still on this
 * page after an await. Modules load on first use with import(); a page that
 * fails to load (no connection) shows a message with a "Reintentar" button.
 * Pages that are not `public` need a session: without one the sign-in page
 * shows instead, and after signing in the same path is shown. A path that
 * is not in the table shows "Página no encontrada" (shell.js showNotFound),
 * with or without a session; the server answers such a path with
 * index.html and status 404 (static_serve_not_found in src/http/static.c).
 *
 * Links with a data-route attribute navigate without reloading (app.js
 * wires the clicks); the server must also answer the path with index.html
 * (the pages[] list of src/http/static.c).
 */
import { state } from './state.js';
import { renderNav, showFatal, showNotFound } from './shell.js';

let routes = [];
let signInLoader = null;
let routeSeq = 0;

export function defineRoutes(table, signIn) {
  routes = table;
  signInLoader = signIn;
}

/* The params of `pattern` in `path`, or null when it does not match. */
function matchPath(pattern, path) {
  if (pattern.indexOf(':') < 0) return pattern === path ? {} : null;
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return null;
  const params = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i].charAt(0) === ':') {
      if (!/^[A-Za-z0-9-]+$/.test(got[i])) return null;
      params[want[i].slice(1)] = got[i];
    } else if (want[i] !== got[i]) return null;
  }
  return params;
}

function entryFor(pathname) {
  const path = pathname.replace(/\/+$/, '') || '/';
  for (let i = 0; i < routes.length; i++) {
    const params = matchPath(routes[i].path, path);
    if (params) return { entry: routes[i], params: params };
  }
  return { entry: NOT_FOUND, params: {} };
}

/* The entry of any path not in the table: public, shown by the shell itself. */
const NOT_FOUND = { name: 'not-found', path: null, public: true, load: null };

/* The name of the page the address bar shows. */
export function currentRoute() { return entryFor(location.pathname).entry.name; }

/* The navigation entry the page of the address bar belongs to. */
export function currentSection() {
  const e = entryFor(location.pathname).entry;
  return e.under || e.name;
}

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
  const found = entryFor(location.pathname);
  const entry = found.entry;
  if (!entry.public && !state.user) return showSignIn();
  renderNav();
  if (entry === NOT_FOUND) {
    ++routeSeq;
    showNotFound(!!moveFocus);
    return;
  }
  const page = await loadPage(entry.load);
  if (page) await page.mod.show({ moveFocus: !!moveFocus, current: page.current, params: found.params });
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
