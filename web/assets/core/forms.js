/*
 * Form and field helpers. field() builds a labelled input or select with a
 * hint and its own error line; messageArea() a live region for a form's
 * summary. A form reports every invalid field at once:
 *
 *   - requireFilled(inputs, region) marks every empty required input, names
 *     them in the summary and focuses the first;
 *   - showApiError(err, region, inputsByName) shows a refused request: each
 *     entry of err.errors ([{field, message}], see ../shared/docs/API.md)
 *     under its own field, or err.field with err.message when the server
 *     sent no list; the summary lists the fields when there are several, and
 *     the first invalid field (in page order) takes the focus.
 *
 * onSubmit() ties both to a form's submit and its request; a page's form
 * needs nothing else. Inputs carry .fieldLabel and .fieldError (set by
 * field()), which these helpers use to name a field and to write under it.
 */
import { h, append, clear, uid } from './dom.js';

/*
 * A live region that shows one message at a time (error or success).
 * show(text, tone, items) replaces it; items, if given, become a list under
 * the text.
 */
export function messageArea(kind) {
  const region = h('div', kind === 'error'
    ? { class: 'live', role: 'alert', 'aria-live': 'assertive' }
    : { class: 'live', role: 'status', 'aria-live': 'polite' });
  region.show = function (text, tone, items) {
    clear(region);
    if (!text) return;
    const toneClass = tone || (kind === 'error' ? 'error' : 'success');
    if (items && items.length) {
      region.appendChild(h('div', { class: 'notice notice--' + toneClass },
        h('p', { class: 'notice__line', text: text }),
        h('ul', { class: 'notice__list' }, items.map((i) => h('li', null, i)))));
    } else {
      region.appendChild(h('p', { class: 'notice notice--' + toneClass, text: text }));
    }
  };
  region.clear = function () { clear(region); };
  return region;
}

/*
 * A labelled form field. Returns {wrap, input}. The hint may be text or
 * nodes. Below the input sits the field's own error line (empty until
 * markInvalid gives it a message), also part of its description.
 */
export function field(opts) {
  const id = opts.id || uid('f');
  const hintId = opts.hint ? id + '-hint' : null;
  const errorId = id + '-error';
  const describedBy = (hintId ? hintId + ' ' : '') + errorId;
  let input;
  if (opts.options) {
    input = h('select', { id: id, name: opts.name, 'aria-describedby': describedBy, 'aria-required': opts.required ? 'true' : null });
    opts.options.forEach((o) => {
      input.appendChild(h('option', { value: o.value, selected: o.value === opts.value }, o.label));
    });
  } else {
    input = h('input', {
      id: id,
      name: opts.name,
      type: opts.type || 'text',
      autocomplete: opts.autocomplete || 'off',
      inputmode: opts.inputmode,
      autocapitalize: opts.autocapitalize,
      spellcheck: opts.spellcheck,
      maxlength: opts.maxlength,
      list: opts.list,
      placeholder: opts.placeholder,
      'aria-describedby': describedBy,
      'aria-required': opts.required ? 'true' : null,
      value: opts.value
    });
  }
  const error = h('p', { class: 'field__error', id: errorId });
  const wrap = h('div', { class: 'field' + (opts.wide ? ' field--wide' : '') },
    h('label', { for: id, text: opts.label }),
    opts.hint ? h('p', { class: 'field__hint', id: hintId }, opts.hint) : null,
    input,
    error);
  input.fieldLabel = opts.label;
  input.fieldError = error;
  return { wrap: wrap, input: input };
}

/* Marks a field (in)valid; a message, if given, shows under the field. */
export function markInvalid(input, invalid, message) {
  if (!input) return;
  if (invalid) input.setAttribute('aria-invalid', 'true');
  else input.removeAttribute('aria-invalid');
  if (input.fieldError) input.fieldError.textContent = invalid && message ? message : '';
}

/* Clears the marks of every input of a list or of a {name: input} map. */
export function clearInvalid(inputs) {
  (Array.isArray(inputs) ? inputs : Object.values(inputs)).forEach((i) => markInvalid(i, false));
}

/* «A», «B» y «C» */
function labelList(labels) {
  const quoted = labels.map((l) => '«' + l + '»');
  return quoted.length > 1 ? quoted.slice(0, -1).join(', ') + ' y ' + quoted[quoted.length - 1] : quoted[0];
}

/* The input that comes first in the page. */
function firstInPage(inputs) {
  return inputs.slice().sort((a, b) =>
    (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING) ? -1 : 1)[0];
}

/*
 * Checks that required inputs are filled. Marks every empty one, shows a
 * Spanish message naming them and focuses the first. True when all are filled.
 */
export function requireFilled(inputs, region) {
  clearInvalid(inputs);
  const empty = inputs.filter((i) => !i.value.trim());
  empty.forEach((i) => markInvalid(i, true, i.tagName === 'SELECT' ? 'Elija una opción.' : 'Complete este campo.'));
  if (!empty.length) return true;
  if (empty.length === 1) {
    region.show((empty[0].tagName === 'SELECT' ? 'Elija una opción en el campo «' : 'Complete el campo «') +
      empty[0].fieldLabel + '».');
  } else {
    region.show('Complete los campos ' + labelList(empty.map((i) => i.fieldLabel)) + '.');
  }
  firstInPage(empty).focus();
  return false;
}

/*
 * Shows an API error in a region and under the fields it names (see the top
 * of this file). inputsByName maps the API's field names to inputs.
 */
export function showApiError(err, region, inputsByName) {
  if (err.handled) return;
  const inputs = inputsByName || {};
  clearInvalid(inputs);
  const problems = err.errors && err.errors.length ? err.errors
    : (err.field ? [{ field: err.field, message: err.message }] : []);
  const byField = {};
  const order = [];
  problems.forEach((p) => {
    if (byField[p.field] === undefined) { byField[p.field] = p.message; order.push(p.field); }
    else if (byField[p.field] !== p.message) byField[p.field] += ' ' + p.message;
  });
  const marked = [];
  order.forEach((name) => {
    const input = inputs[name];
    if (!input) return;
    markInvalid(input, true, byField[name]);
    marked.push(input);
  });
  if (order.length > 1) {
    const ordered = order.slice().sort((a, b) => {
      const ia = inputs[a];
      const ib = inputs[b];
      if (!ia || !ib) return ia ? -1 : (ib ? 1 : 0);
      return (ia.compareDocumentPosition(ib) & Node.DOCUMENT_POSITION_FOLLOWING) ? -1 : 1;
    });
    region.show('Corrija los ' + order.length + ' campos marcados:', 'error', ordered.map((name) => {
      const input = inputs[name];
      return input && input.fieldLabel ? [h('strong', { text: input.fieldLabel + ':' }), ' ', byField[name]] : byField[name];
    }));
  } else {
    region.show(err.message);
  }
  if (marked.length) firstInPage(marked).focus();
}

/*
 * The one way a form sends itself: onSubmit(form, opts) handles its submit
 * event. In order: clears the regions and every mark, checks the required
 * inputs (all at once), runs opts.check(), then awaits opts.send() with the
 * button busy. A refusal goes to opts.failed(err) first (return true when it
 * handled it), else to showApiError on opts.inputs.
 *
 *   {submit, busy: 'Guardando…', errors, status?, inputs: {apiName: input},
 *    required?: [input], check?: () => bool, send: async () => {}, failed?: (err) => bool}
 */
export function onSubmit(form, opts) {
  const inputs = opts.inputs || {};
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    opts.errors.clear();
    if (opts.status) opts.status.clear();
    clearInvalid(inputs);
    if (opts.required && !requireFilled(opts.required, opts.errors)) return;
    if (opts.check && !opts.check()) return;
    setBusy(opts.submit, true, opts.busy);
    try {
      await opts.send();
    } catch (err) {
      if (!(opts.failed && opts.failed(err))) showApiError(err, opts.errors, inputs);
    } finally {
      setBusy(opts.submit, false);
    }
  });
}

/* Disables a button while its request runs, with a text that says so. */
export function setBusy(button, busy, busyText) {
  if (busy) {
    button.dataset.label = button.textContent;
    button.textContent = busyText;
    button.disabled = true;
  } else {
    if (button.dataset.label) button.textContent = button.dataset.label;
    button.disabled = false;
  }
}

/* Puts a "Mostrar"/"Ocultar" button beside a password input built by field(). */
export function addPasswordToggle(input) {
  const box = h('div', { class: 'password' });
  if (input.parentNode) input.parentNode.replaceChild(box, input);
  const toggle = h('button', {
    type: 'button', class: 'btn btn--ghost btn--small password__toggle',
    'aria-pressed': 'false', 'aria-controls': input.id, text: 'Mostrar'
  });
  toggle.addEventListener('click', () => {
    const show = input.type === 'password';
    input.type = show ? 'text' : 'password';
    toggle.setAttribute('aria-pressed', show ? 'true' : 'false');
    toggle.textContent = show ? 'Ocultar' : 'Mostrar';
  });
  append(box, [input, toggle]);
  return box;
}

/*
 * Shows in `region` a value the server gives only once (an API token, an
 * invitation link): a title, the value selected in a read-only input with
 * "Copiar", an optional note, and a button that hides it all.
 * opts: {value, title (nodes), label (of the input), hideText, note?, done?()}
 */
export function revealOnce(region, opts) {
  clear(region);
  const inputId = uid('once');
  const input = h('input', { id: inputId, type: 'text', class: 'token-reveal__value', readOnly: true, value: opts.value, spellcheck: 'false', autocomplete: 'off' });
  const copy = copyControl(input, opts.value);
  const hide = h('button', { type: 'button', class: 'btn btn--ghost', text: opts.hideText });
  hide.addEventListener('click', () => { clear(region); region.hidden = true; if (opts.done) opts.done(); });
  append(region, [
    h('p', { class: 'token-reveal__title' }, opts.title),
    h('label', { for: inputId, class: 'visually-hidden', text: opts.label }),
    h('div', { class: 'token-reveal__row' }, input, copy.button, hide),
    copy.copied,
    opts.note ? h('p', { class: 'token-reveal__note', text: opts.note }) : null
  ]);
  region.hidden = false;
  input.focus();
  input.select();
}

/* A "Copiar" button for a read-only input; `copied` tells how it went. */
export function copyControl(input, value) {
  const button = h('button', { type: 'button', class: 'btn btn--secondary', text: 'Copiar' });
  const copied = h('span', { class: 'token-reveal__copied', role: 'status', 'aria-live': 'polite' });
  button.addEventListener('click', async () => {
    input.focus();
    input.select();
    try {
      if (navigator.clipboard && window.isSecureContext) await navigator.clipboard.writeText(value);
      else if (!document.execCommand('copy')) throw new Error('copy');
      copied.textContent = 'Copiado.';
    } catch (e) {
      copied.textContent = 'Selecciónelo y cópielo manualmente.';
    }
  });
  return { button: button, copied: copied };
}
