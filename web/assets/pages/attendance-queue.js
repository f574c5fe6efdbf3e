/*
 * The attendance lists waiting on this device (issue #16, offline). A list
 * saved on /asistencia goes first into IndexedDB (database
 * "bischeduler-asistencia", store "pending"), then is sent with
 * PUT /api/v1/attendance; it leaves the store only once the server has
 * answered. So a list made with no connection, or whose reply was lost,
 * is sent again later, and the page can say what is still waiting.
 *
 * No duplicates: a list is keyed by user, section, date and block, so saving
 * the same section's day again replaces the waiting list instead of adding
 * one; the PUT replaces the whole day's marks on the server (students left
 * out are present), so sending a list twice changes nothing; and sending
 * holds a lock (Web Locks, across tabs) so two tabs do not send at once.
 * The later edit wins: each list carries client_time, when its last change
 * was made on the device; the server keeps its own list when it holds a
 * later one (reply "applied": false) and the list here is then dropped.
 *
 * A list the server refuses (a student no longer in the section, a day that
 * is not a school day) stays, marked failed with the server's message, until
 * the person discards it: it is never lost silently. A 401 (session ended)
 * or no connection leaves the list waiting for the next attempt.
 *
 * Each list records its user: only the signed-in person's lists are shown
 * and sent. Sending happens from the page: on opening it, after saving, when
 * the browser says the connection is back ('online') and every RETRY_MS
 * while some list waits.
 */
import { state } from '../core/state.js';
import { api } from '../core/api.js';

const DB_NAME = 'bischeduler-asistencia';
const STORE = 'pending';
const RETRY_MS = 30000;

let dbPromise = null;
const listeners = [];
let timer = null;
let running = null;

/* The database, or null when this browser cannot keep one (then nothing waits). */
function db() {
  if (dbPromise) return dbPromise;
  dbPromise = new Promise((resolve) => {
    if (!window.indexedDB) { resolve(null); return; }
    let req;
    try { req = indexedDB.open(DB_NAME, 1); } catch (e) { resolve(null); return; }
    req.onupgradeneeded = () => {
      const d = req.result;
      if (!d.objectStoreNames.contains(STORE)) {
        const s = d.createObjectStore(STORE, { keyPath: 'key' });
        s.createIndex('user', 'user_id');
      }
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => resolve(null);
    req.onblocked = () => resolve(null);
  });
  return dbPromise;
}

/* Runs fn(store) in a transaction; resolves with the value of its last request. */
async function tx(mode, fn) {
  const d = await db();
  if (!d) throw new Error('no IndexedDB');
  return new Promise((resolve, reject) => {
    const t = d.transaction(STORE, mode);
    let result;
    const r = fn(t.objectStore(STORE));
    if (r) r.onsuccess = () => { result = r.result; };
    t.oncomplete = () => resolve(result);
    t.onerror = () => reject(t.error);
    t.onabort = () => reject(t.error || new Error('aborted'));
  });
}

/* True when lists can be kept on this device. */
export async function available() { return !!(await db()); }

export function listKey(userId, sectionId, date, block) {
  return [userId, sectionId, date, block || 0].join('|');
}

/* Calls fn() whenever the waiting lists change (saved, sent, discarded). */
export function onChange(fn) {
  if (listeners.indexOf(fn) < 0) listeners.push(fn);
  return () => { const i = listeners.indexOf(fn); if (i >= 0) listeners.splice(i, 1); };
}
function changed() { listeners.slice().forEach((fn) => { try { fn(); } catch (e) { /* a gone view */ } }); }

/*
 * Keeps a list to send: {section_id, section_name, date, block, marks,
 * client_time}. Replaces a waiting list of the same section, date and block.
 */
export async function keep(list) {
  const user = state.user && state.user.id;
  const item = Object.assign({}, list, {
    key: listKey(user, list.section_id, list.date, list.block),
    user_id: user,
    saved_at: new Date().toISOString(),
    failed: null
  });
  await tx('readwrite', (s) => s.put(item));
  changed();
  return item;
}

/* The signed-in person's waiting lists, oldest first. */
export async function waiting() {
  const user = state.user && state.user.id;
  if (!user || !(await db())) return [];
  const all = await tx('readonly', (s) => s.index('user').getAll(user));
  return (all || []).sort((a, b) => (a.saved_at < b.saved_at ? -1 : 1));
}

/* The waiting list of a section's day, or null. */
export async function find(sectionId, date, block) {
  const user = state.user && state.user.id;
  if (!user || !(await db())) return null;
  const item = await tx('readonly', (s) => s.get(listKey(user, sectionId, date, block)));
  return item || null;
}

/* Removes a list, unless it changed since `clientTime` (a newer edit waits then). */
async function drop(key, clientTime) {
  if (!key || !(await db())) return;
  await tx('readwrite', (s) => {
    const g = s.get(key);
    g.onsuccess = () => {
      const cur = g.result;
      if (cur && (clientTime === undefined || cur.client_time === clientTime)) s.delete(key);
    };
    return null;
  });
}

/* The person gives up a list the server refused. */
export async function discard(key) {
  await drop(key);
  changed();
}

async function markFailed(key, clientTime, message) {
  if (!key || !(await db())) return;
  await tx('readwrite', (s) => {
    const g = s.get(key);
    g.onsuccess = () => {
      const cur = g.result;
      if (cur && cur.client_time === clientTime) { cur.failed = message; s.put(cur); }
    };
    return null;
  });
}

/* The PUT of one list. */
function put(item) {
  const body = { section_id: item.section_id, date: item.date, client_time: item.client_time, marks: item.marks };
  if (item.block) body.block = item.block;
  return api('PUT', '/api/v1/attendance', body);
}

/*
 * Sends one list now. Resolves with {outcome, reply?, error?}: outcome
 * 'sent' (reply.applied tells whether the server kept it), 'waiting' (no
 * connection, server trouble or no session: it stays), 'refused' (the
 * server said no: error is the ApiError; the list is dropped when
 * dropRefused, else marked failed).
 */
export async function sendOne(item, dropRefused) {
  let reply;
  try {
    reply = await put(item);
  } catch (err) {
    if (err.status === 0 || err.status === 401 || err.status === 429 || err.status >= 500) {
      return { outcome: 'waiting', error: err };
    }
    if (dropRefused) await drop(item.key, item.client_time);
    else {
      /* the message with each field's own (a student no longer enrolled, a missing reason) */
      const details = (err.errors || []).map((e) => e.message).filter((m) => m && m !== err.message);
      await markFailed(item.key, item.client_time, [err.message].concat(details).join(' '));
    }
    changed();
    return { outcome: 'refused', error: err };
  }
  await drop(item.key, item.client_time);
  changed();
  return { outcome: 'sent', reply: reply };
}

/*
 * Sends every waiting list of the signed-in person (not those marked
 * failed). One run at a time in this tab, one tab at a time on the device.
 * Resolves with {sent, stale, waiting, failed}: lists sent, lists the
 * server already had a later edit of, lists still waiting, lists refused.
 */
export function sendWaiting() {
  if (running) return running;
  const work = async () => {
    const out = { sent: 0, stale: 0, waiting: 0, failed: 0 };
    if (!state.user || !state.csrf) return out;
    const items = await waiting();
    for (const item of items) {
      if (item.failed) { out.failed += 1; continue; }
      const r = await sendOne(item, false);
      if (r.outcome === 'sent') {
        if (r.reply && r.reply.applied === false) out.stale += 1;
        else out.sent += 1;
      } else if (r.outcome === 'refused') {
        out.failed += 1;
      } else {
        out.waiting += 1;
        if (r.error && (r.error.status === 0 || r.error.status === 401)) {
          /* no connection or no session: the rest would fail the same way */
          out.waiting += items.length - items.indexOf(item) - 1;
          break;
        }
      }
    }
    return out;
  };
  const locked = navigator.locks && navigator.locks.request
    ? navigator.locks.request('bis-asistencia-envio', work)
    : work();
  running = locked.finally(() => { running = null; });
  return running;
}

/*
 * Sends waiting lists when the connection comes back and every RETRY_MS
 * while some wait. Runs once per tab (the app keeps this module loaded).
 */
export function startSending() {
  if (timer) return;
  window.addEventListener('online', () => { sendWaiting().then(changed, changed); });
  timer = setInterval(() => {
    if (navigator.onLine === false) return;
    waiting().then((items) => {
      if (items.some((i) => !i.failed)) sendWaiting().then(changed, changed);
    }, () => undefined);
  }, RETRY_MS);
}
