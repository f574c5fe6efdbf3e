/*
 * BiScheduler's service worker (issue #16, offline attendance). Served at
 * /sw.js so that its scope is the whole site; the attendance page
 * (/asistencia) registers it. It lets that page open and work with no
 * connection, on an old phone with a weak one too:
 *
 *  - pages (navigations outside /api/): the network first; when it fails
 *    (or says nothing within NET_WAIT_MS and a copy exists) the app's page
 *    as last received (every page of the app is the same index.html);
 *  - the app's files (/assets/..., the manifest): the network first, the
 *    last copy received when offline. The attendance page's files are
 *    fetched at install; any other file is kept the first time it loads;
 *  - the GETs the attendance page needs (branding, the session, the
 *    day's sections, a section's list): the network first, else the last
 *    reply, marked with the header X-Bis-Saved-At (when it was received),
 *    so the page can say it shows a saved copy.
 *
 * Nothing else is intercepted (other API calls, writes, downloads). Marks
 * are not kept here: the page keeps them in IndexedDB and sends them itself
 * (pages/attendance-queue.js). Signing in or out empties the replies kept,
 * so a shared phone never shows one person's lists to another.
 *
 * Always the network first: a new binary's files are used as soon as the
 * phone is online, and a copy is only what is shown without a connection.
 */
'use strict';

const SHELL = 'bis-shell-v1';
const DATA = 'bis-data-v1';
/* The key under which the app's page (index.html) is kept. */
const PAGE_KEY = '/asistencia';
/* How long to wait for the network before a kept copy is shown instead. */
const NET_WAIT_MS = 6000;

/* The attendance page and what it loads, fetched when the worker installs. */
const PRECACHE = [
  '/asistencia',
  '/manifest.webmanifest',
  '/assets/app.js',
  '/assets/app.css',
  '/assets/favicon.svg',
  '/assets/icons/icon-192.png',
  '/assets/core/dom.js',
  '/assets/core/state.js',
  '/assets/core/api.js',
  '/assets/core/forms.js',
  '/assets/core/ui.js',
  '/assets/core/shell.js',
  '/assets/core/router.js',
  '/assets/pages/signin.js',
  '/assets/pages/home.js',
  '/assets/pages/records.js',
  '/assets/pages/asistencia.js',
  '/assets/pages/asistencia.css',
  '/assets/pages/attendance-queue.js'
];

/* The API GETs kept for the attendance page (paths, exact). */
const KEPT_API = [
  '/api/v1/branding',
  '/api/v1/auth/me',
  '/api/v1/attendance/sections',
  '/api/v1/attendance'
];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => Promise.all(PRECACHE.map((url) =>
    fetch(new Request(url, { cache: 'no-cache', credentials: 'same-origin' })).then((res) => {
      if (res.ok) return cache.put(url, res);
      return undefined;
    }).catch(() => undefined)))).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys().then((names) => Promise.all(names
    .filter((n) => n.indexOf('bis-') === 0 && n !== SHELL && n !== DATA)
    .map((n) => caches.delete(n)))).then(() => self.clients.claim()));
});

/* fetch() that rejects after `ms` (the request itself goes on). */
function within(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), ms);
    promise.then((v) => { clearTimeout(timer); resolve(v); },
      (e) => { clearTimeout(timer); reject(e); });
  });
}

/*
 * The network's reply (kept under `key` when it is a success and keep(res)
 * agrees); when the network fails or is slow, the kept copy (through
 * mark()); without a copy, whatever the network finally says.
 */
async function networkFirst(req, cacheName, key, keep, mark) {
  const cache = await caches.open(cacheName);
  const net = fetch(req).then(async (res) => {
    if (res.ok && keep(res)) await cache.put(key, await stamp(res.clone()));
    return res;
  });
  try {
    return await within(net, NET_WAIT_MS);
  } catch (e) {
    const hit = await cache.match(key);
    if (hit) {
      net.catch(() => undefined);
      return mark(hit);
    }
    return net;
  }
}

/* A copy of the reply with the time it was received (X-Bis-Saved-At). */
async function stamp(res) {
  const headers = new Headers(res.headers);
  headers.set('X-Bis-Saved-At', new Date().toISOString());
  return new Response(await res.blob(), { status: res.status, statusText: res.statusText, headers: headers });
}

/* A kept API reply as such: X-Bis-Offline tells the page it is a copy. */
async function asCopy(res) {
  const headers = new Headers(res.headers);
  headers.set('X-Bis-Offline', '1');
  return new Response(await res.blob(), { status: res.status, statusText: res.statusText, headers: headers });
}

const same = (res) => res;
const isHtml = (res) => (res.headers.get('Content-Type') || '').indexOf('text/html') === 0;

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (req.method !== 'GET') {
    /* a new session (or none): the replies kept belong to the old one */
    if (req.method === 'POST' && (url.pathname === '/api/v1/auth/login' || url.pathname === '/api/v1/auth/logout' ||
        url.pathname === '/api/v1/auth/support')) {
      event.waitUntil(caches.delete(DATA));
    }
    return;
  }
  const path = url.pathname;
  if (req.mode === 'navigate') {
    if (path.indexOf('/api/') === 0 || path === '/api') return;
    event.respondWith(networkFirst(req, SHELL, PAGE_KEY, isHtml, same));
    return;
  }
  if (path.indexOf('/assets/') === 0 || path === '/manifest.webmanifest') {
    event.respondWith(networkFirst(req, SHELL, path, () => true, same));
    return;
  }
  if (KEPT_API.indexOf(path) >= 0) {
    event.respondWith(networkFirst(req, DATA, url.pathname + url.search, () => true, asCopy));
  }
});
