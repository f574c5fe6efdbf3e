/*
 * Loaded only by browsers too old for ES modules (<script nomodule>), which
 * cannot run the app: it replaces "Cargando…" with a message in Spanish.
 * Plain ES5 on purpose.
 */
(function () {
  var main = document.getElementById('contenido');
  var loading = document.getElementById('loading');
  if (!main || !loading) return;
  var p = document.createElement('p');
  p.className = 'notice notice--error';
  p.appendChild(document.createTextNode('Su navegador es demasiado antiguo para BiScheduler. Actualícelo, o use una versión reciente de Chrome, Firefox, Edge o Safari.'));
  main.replaceChild(p, loading);
  main.setAttribute('aria-busy', 'false');
})();
