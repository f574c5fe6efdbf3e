/*
 * Page: /soporte#TOKEN on a guest school's host, the link of a support
 * ticket a platform admin generated (see support.js). It trades the
 * one-time token for a support session, takes the token out of the address
 * bar at once, and shows the school's home page.
 */
import { h } from '../core/dom.js';
import { api } from '../core/api.js';
import { setView, setSession } from '../core/shell.js';
import { route, showSignIn } from '../core/router.js';

export async function show() {
  const token = location.hash.replace(/^#/, '');
  history.replaceState(null, '', '/');
  if (!token) {
    await showSignIn('Este enlace de soporte no contiene un código de acceso.', 'error');
    return;
  }
  setView('Acceso de soporte', h('p', { class: 'loading', text: 'Abriendo el acceso de soporte…' }), false);
  try {
    const reply = await api('POST', '/api/v1/auth/support', { token: token }, { allow401: true });
    setSession(reply);
    await route(true);
  } catch (err) {
    await showSignIn('No se pudo abrir el acceso de soporte: ' + err.message, 'error');
  }
}
