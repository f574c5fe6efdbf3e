/*
 * API client of the web app. api(method, path, body, opts) calls the JSON
 * API with the session cookie, sends X-CSRF-Token on every write, and
 * resolves with the parsed reply. A failure rejects with an ApiError that
 * carries the HTTP status (0 when the server could not be reached), the
 * error code, the server's Spanish message, the field it named (`field`)
 * and every invalid field (`errors`: [{field, message}], empty when the
 * server sent none).
 *
 * A 401 means the session is gone: unless opts.allow401, the handler set
 * with onSessionEnded() runs (the app shows the sign-in page) and the error
 * is marked `handled`, so the caller shows nothing more.
 */
import { state } from './state.js';

const MSG_NETWORK = 'No se pudo conectar con el servidor. Revise su conexión a internet e inténtelo de nuevo.';
export const MSG_EXPIRED = 'Su sesión terminó o expiró. Ingrese de nuevo para continuar.';

export class ApiError extends Error {
  constructor(status, code, message, field, errors) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field || null;
    this.errors = Array.isArray(errors)
      ? errors.filter((e) => e && typeof e.field === 'string' && typeof e.message === 'string')
      : [];
    this.handled = false;
  }
}

function defaultMessage(status) {
  if (status === 401) return MSG_EXPIRED;
  if (status === 403) return 'No tiene permiso para realizar esta acción.';
  if (status === 404) return 'No se encontró lo que buscaba.';
  if (status === 429) return 'Demasiados intentos. Espere unos minutos e inténtelo de nuevo.';
  if (status >= 500) return 'El servidor no pudo completar la operación. Inténtelo de nuevo en unos minutos.';
  return 'No se pudo completar la operación.';
}

let sessionEndedHandler = null;
/* fn(notice) runs when a request finds the session ended (401). */
export function onSessionEnded(fn) { sessionEndedHandler = fn; }

export async function api(method, path, body, opts = {}) {
  const headers = { 'Accept': 'application/json' };
  const init = { method: method, headers: headers, credentials: 'same-origin', cache: 'no-store' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  if (method !== 'GET' && method !== 'HEAD' && state.csrf) headers['X-CSRF-Token'] = state.csrf;

  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, 'network', MSG_NETWORK);
  }
  let data = null;
  let text = '';
  try { text = await res.text(); } catch (e) { text = ''; }
  if (text) {
    try { data = JSON.parse(text); } catch (e) { data = null; }
  }
  if (!res.ok) {
    const e = (data && data.error) || {};
    const err = new ApiError(res.status, e.code || ('http_' + res.status),
      e.message || defaultMessage(res.status), e.field, e.errors);
    err.body = data; /* the whole reply, for errors with more (timetable_setup's problems) */
    if (res.status === 401 && !opts.allow401) {
      err.handled = true;
      if (sessionEndedHandler) sessionEndedHandler(MSG_EXPIRED);
    }
    throw err;
  }
  return data;
}

/* A query string from the non-empty values of params ("" when none). */
export function query(params) {
  const parts = [];
  Object.keys(params).forEach((k) => {
    const v = params[k];
    if (v !== null && v !== undefined && v !== '') parts.push(encodeURIComponent(k) + '=' + encodeURIComponent(v));
  });
  return parts.length ? '?' + parts.join('&') : '';
}
