/*
 * A parent's children as tabs (pages "Horario de mi representado" and
 * "Asistencia de mi representado"): GET /api/v1/me/children, one tab per
 * child (arrow keys, Home and End move between them), and a panel that
 * `show(child, panel)` fills for the selected one. An account linked to no
 * student is told whom to ask.
 */
import { h, clear, uid } from '../core/dom.js';
import { api } from '../core/api.js';

export function childrenTabs(box, errors, alive, show) {
  api('GET', '/api/v1/me/children').then((r) => {
    if (!alive()) return;
    const kids = (r && r.items) || [];
    clear(box);
    if (!kids.length) {
      box.appendChild(h('p', { class: 'tt-empty', text: 'Su cuenta aún no está vinculada a ningún estudiante. Consulte con la secretaría del plantel.' }));
      return;
    }
    const panel = h('div', { role: 'tabpanel', class: 'tt-panel', tabindex: '0' });
    const tabs = kids.map((k, i) => h('button', {
      type: 'button', role: 'tab', id: uid('tab'), class: 'tt-tab',
      'aria-selected': i === 0 ? 'true' : 'false', tabindex: i === 0 ? '0' : '-1',
      text: k.first_names + (k.section ? ' · ' + k.section : '')
    }));
    function select(i, focus) {
      tabs.forEach((t, j) => {
        t.setAttribute('aria-selected', j === i ? 'true' : 'false');
        t.setAttribute('tabindex', j === i ? '0' : '-1');
      });
      panel.setAttribute('aria-labelledby', tabs[i].id);
      if (focus) tabs[i].focus();
      show(kids[i], panel);
    }
    tabs.forEach((t, i) => {
      t.addEventListener('click', () => select(i, false));
      t.addEventListener('keydown', (ev) => {
        let j = -1;
        if (ev.key === 'ArrowRight') j = (i + 1) % tabs.length;
        else if (ev.key === 'ArrowLeft') j = (i - 1 + tabs.length) % tabs.length;
        else if (ev.key === 'Home') j = 0;
        else if (ev.key === 'End') j = tabs.length - 1;
        if (j >= 0) { ev.preventDefault(); select(j, true); }
      });
    });
    box.appendChild(h('div', { role: 'tablist', class: 'tt-tabs', 'aria-label': 'Representados' }, tabs));
    box.appendChild(panel);
    select(0, false);
  }).catch((err) => {
    if (!alive() || err.handled) return;
    clear(box);
    errors.show(err.message);
  });
}
