/*
 * Shared pieces of the timetable set-up pages (issue #15, part setup):
 * the tabs that join them under one menu entry ("Preparar horarios":
 * timbres, plan de estudio y asignaciones, preferencias docentes), the
 * Spanish names of days and preference levels, and "HH:MM" arithmetic for
 * the bell schedule editor.
 */
import { h } from '../core/dom.js';

export const DAY_NAMES = ['', 'lunes', 'martes', 'miércoles', 'jueves', 'viernes', 'sábado', 'domingo'];
export const DAY_SHORT = ['', 'Lun', 'Mar', 'Mié', 'Jue', 'Vie', 'Sáb', 'Dom'];

/* Preference levels, from "cannot" to "prefer"; neutral is "no preference". */
export const LEVELS = [
  { value: 'neutral', label: 'Sin preferencia', short: '—' },
  { value: 'avoid', label: 'No puedo (evitar)', short: 'No puedo' },
  { value: 'dislike', label: 'Preferiblemente no', short: 'Mejor no' },
  { value: 'like', label: 'Me agrada', short: 'Me agrada' },
  { value: 'prefer', label: 'Prefiero', short: 'Prefiero' }
];
export const STATUS = {
  pending: { label: 'Pendiente', tone: 'pending' },
  approved: { label: 'Aprobada', tone: 'accepted' },
  rejected: { label: 'Rechazada', tone: 'revoked' }
};

export function statusBadge(status) {
  const s = STATUS[status] || STATUS.pending;
  return h('span', { class: 'badge badge--' + s.tone, text: s.label });
}

/* "lunes a viernes", "lunes, miércoles y viernes" */
export function daysText(days) {
  const d = (days || []).slice().sort();
  if (!d.length) return '';
  let contiguous = d.length > 2;
  for (let i = 1; i < d.length; i++) if (d[i] !== d[i - 1] + 1) contiguous = false;
  if (contiguous) return DAY_NAMES[d[0]] + ' a ' + DAY_NAMES[d[d.length - 1]];
  const names = d.map((x) => DAY_NAMES[x]);
  return names.length > 1 ? names.slice(0, -1).join(', ') + ' y ' + names[names.length - 1] : names[0];
}

/* "07:40" + 40 -> "08:20" (clamped to the day). */
export function addMinutes(hhmm, minutes) {
  const m = /^(\d{1,2}):(\d{2})$/.exec(hhmm || '');
  if (!m) return '';
  const t = Math.min(23 * 60 + 59, Number(m[1]) * 60 + Number(m[2]) + minutes);
  return String(Math.floor(t / 60)).padStart(2, '0') + ':' + String(t % 60).padStart(2, '0');
}

const TABS = [
  { href: '/preparacion', text: 'Timbres' },
  { href: '/preparacion/plan', text: 'Plan de estudio y asignaciones' },
  { href: '/preparacion/preferencias', text: 'Preferencias docentes' }
];

/* The tabs of the set-up pages, `current` being one of TABS' href. */
export function setupTabs(current) {
  return h('nav', { class: 'toc', 'aria-label': 'Preparar horarios' }, h('ul', null, TABS.map((t) =>
    h('li', null, t.href === current
      ? h('strong', { 'aria-current': 'page', text: t.text })
      : h('a', { href: t.href, 'data-route': '', text: t.text })))));
}
