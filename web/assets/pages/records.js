/*
 * Shared pieces of the school records pages (students, representatives,
 * staff, structure, import, export): the Spanish labels of the API's codes,
 * dates shown as dd/mm/aaaa, the page head, the page shown to a user without
 * the manage_records permission, a checkbox field, the grades and sections
 * of the current year (fetched once per page view and reused by its forms),
 * a one-shot notice carried to the next page (the warnings of a save), and
 * the mapping of nested field names of a 422 reply to the form's inputs.
 */
import { h, uid } from '../core/dom.js';
import { state, canManageRecords } from '../core/state.js';
import { api } from '../core/api.js';
import { setView } from '../core/shell.js';

export const STATUS_LABELS = { activo: 'Activo', retirado: 'Retirado', graduado: 'Graduado', no_inscrito: 'No inscrito' };
export const CONDITION_LABELS = { regular: 'Regular', repitiente: 'Repitiente', arrastra_materias: 'Arrastra materias' };
export const GENDER_LABELS = { V: 'Varón (V)', H: 'Hembra (H)' };
export const LEVEL_LABELS = { inicial: 'Educación Inicial', primaria: 'Primaria', media_general: 'Media General', media_tecnica: 'Media Técnica' };
export const SHIFT_LABELS = { manana: 'Mañana', tarde: 'Tarde' };
export const ROOM_KINDS = { aula: 'Aula', laboratorio: 'Laboratorio', cancha: 'Cancha', computacion: 'Computación', biblioteca: 'Biblioteca' };
export const REASON_LABELS = {
  ingreso: 'Ingreso', cambio: 'Cambio de sección', promocion: 'Promoción', reingreso: 'Reingreso',
  retiro: 'Retiro', graduacion: 'Graduación'
};
export const BLOOD_TYPES = ['O+', 'O-', 'A+', 'A-', 'B+', 'B-', 'AB+', 'AB-'];
export const RELATIONSHIPS = ['Madre', 'Padre', 'Abuela', 'Abuelo', 'Tía', 'Tío', 'Hermana', 'Hermano', 'Tutor legal'];

/* {value: label} as the options of field(), with an optional first empty one. */
export function options(labels, emptyLabel) {
  const list = Object.keys(labels).map((k) => ({ value: k, label: labels[k] }));
  return emptyLabel !== undefined ? [{ value: '', label: emptyLabel }].concat(list) : list;
}

/* "2025-03-14" as "14/03/2025" ("" stays ""). */
export function formatDate(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || '');
  return m ? m[3] + '/' + m[2] + '/' + m[1] : (iso || '');
}

/* Today in the school's time zone as YYYY-MM-DD. */
export function todayIso() {
  const tz = state.branding && state.branding.timezone;
  try {
    if (tz && window.Intl) return new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  } catch (e) { /* the browser's own date below */ }
  const d = new Date();
  return d.getFullYear() + '-' + String(d.getMonth() + 1).padStart(2, '0') + '-' + String(d.getDate()).padStart(2, '0');
}

/* "Pérez Gómez, Ana María" */
export function fullName(p) {
  if (!p) return '';
  const last = (p.last_names || '').trim();
  const first = (p.first_names || '').trim();
  return last && first ? last + ', ' + first : (last || first);
}

/* "V-12345678" for a stored "V12345678"; a cédula escolar stays as digits. */
export function formatCedula(c) {
  const m = /^([VEP])(\d+)$/.exec(c || '');
  return m ? m[1] + '-' + m[2] : (c || '');
}

export function statusBadge(status) {
  const tone = status === 'activo' ? 'active' : (status === 'retirado' ? 'suspended' : (status === 'graduado' ? 'accepted' : 'inactive'));
  return h('span', { class: 'badge badge--' + tone, text: STATUS_LABELS[status] || status || '' });
}

/* The head of a records page: h1, an optional intro and action links/buttons. */
export function pageHead(title, intro, actions) {
  return h('div', { class: 'page-head page-head--actions' },
    h('div', { class: 'page-head__text' },
      h('h1', { tabindex: '-1', text: title }),
      intro ? h('p', { class: 'muted page-head__intro', text: intro }) : null),
    actions && actions.length ? h('div', { class: 'page-head__actions' }, actions) : null);
}

/* A link that navigates inside the app. */
export function link(href, text, cls) {
  return h('a', { href: href, 'data-route': '', class: cls, text: text });
}

/*
 * True when the signed-in user may use the records pages; otherwise shows a
 * short explanation instead of the page.
 */
export function guard(title, moveFocus) {
  if (canManageRecords(state.user)) return true;
  setView(title, h('section', { class: 'card narrow' },
    h('h1', { tabindex: '-1', text: title }),
    h('p', { text: 'Su rol no tiene acceso a los registros del plantel. Solo la dirección y la secretaría del plantel pueden consultarlos.' }),
    h('p', null, link('/', 'Volver al inicio', 'btn btn--secondary'))), moveFocus);
  return false;
}

/* A labelled checkbox: {wrap, input}; input.fieldLabel/fieldError like field(). */
export function checkbox(opts) {
  const id = opts.id || uid('c');
  const input = h('input', { type: 'checkbox', id: id, name: opts.name, checked: !!opts.checked, 'aria-describedby': id + '-error' });
  const error = h('p', { class: 'field__error', id: id + '-error' });
  input.fieldLabel = opts.label;
  input.fieldError = error;
  const wrap = h('div', { class: 'field field--check' + (opts.wide ? ' field--wide' : '') },
    h('div', { class: 'check' }, input, h('label', { for: id, text: opts.label })),
    opts.hint ? h('p', { class: 'field__hint', text: opts.hint }) : null,
    error);
  return { wrap: wrap, input: input };
}

/* A <fieldset> group of a long form with its legend and a grid of fields. */
export function group(legend, nodes, extraClass) {
  return h('fieldset', { class: 'fieldset' + (extraClass ? ' ' + extraClass : '') },
    h('legend', { class: 'fieldset__legend', text: legend }),
    h('div', { class: 'form-grid' }, nodes));
}

/* A description list of [label, value] pairs, skipping empty values. */
export function details(pairs, emptyText) {
  const rows = pairs.filter((p) => p[1] !== null && p[1] !== undefined && p[1] !== '');
  if (!rows.length) return h('p', { class: 'muted', text: emptyText || 'Sin datos.' });
  return h('dl', { class: 'details' }, rows.map((p) =>
    h('div', { class: 'details__row' }, h('dt', { text: p[0] }), h('dd', null, p[1]))));
}

/*
 * Rewrites the field names of a refusal's errors to the dotted form the
 * forms use: "representatives[0].cedula" and "representatives[0][cedula]"
 * both become "representatives.0.cedula".
 */
export function normalizeErrors(err) {
  if (err && Array.isArray(err.errors)) {
    err.errors.forEach((e) => {
      e.field = e.field.replace(/\[(\d+)\]/g, '.$1').replace(/\[([A-Za-z_]+)\]/g, '.$1').replace(/^\./, '');
    });
  }
  if (err && err.field) err.field = err.field.replace(/\[(\d+)\]/g, '.$1').replace(/\[([A-Za-z_]+)\]/g, '.$1');
  return err;
}

/* The grades and the sections of the current year, fetched once per view. */
let lookupCache = null;
export function lookups(fresh) {
  if (fresh || !lookupCache) {
    lookupCache = Promise.all([api('GET', '/api/v1/grades'), api('GET', '/api/v1/sections')])
      .then((r) => ({ grades: (r[0] && r[0].items) || [], sections: (r[1] && r[1].items) || [] }))
      .catch((e) => { lookupCache = null; throw e; });
  }
  return lookupCache;
}
export function forgetLookups() { lookupCache = null; }

/* A notice the next page shows once (e.g. "Estudiante guardado" and its warnings). */
let flash = null;
export function setFlash(text, tone, items) { flash = { text: text, tone: tone, items: items }; }
export function takeFlash(region) {
  if (flash && region) region.show(flash.text, flash.tone, flash.items);
  flash = null;
}

/* The warnings of a reply ([{field, message}]) as list items. */
export function warningItems(reply, labels) {
  const list = (reply && Array.isArray(reply.warnings)) ? reply.warnings : [];
  return list.map((w) => {
    const label = labels && labels[w.field];
    return label ? [h('strong', { text: label + ':' }), ' ', w.message] : w.message;
  });
}
