/*
 * DOM helper of the web app. Every view is built with h(): text is always
 * set as text (textContent or text nodes), never parsed as HTML, so text
 * from the server or a user cannot inject markup. No inline styles either:
 * the Content-Security-Policy forbids them.
 */

export function $(id) { return document.getElementById(id); }

/*
 * h('button', {type: 'button', class: 'btn', onclick: fn}, 'Texto', child)
 * Properties named on* become listeners; 'text' sets textContent; boolean
 * DOM properties are set as properties; everything else is an attribute.
 * Children may be nodes, strings, numbers, arrays of them, or null/false.
 */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  if (props) {
    Object.keys(props).forEach((key) => {
      const value = props[key];
      if (value === null || value === undefined || value === false) return;
      if (key === 'class') el.className = value;
      else if (key === 'text') el.textContent = value;
      else if (key.slice(0, 2) === 'on' && typeof value === 'function') el.addEventListener(key.slice(2), value);
      else if (key === 'value') el.value = value;
      else if (key === 'hidden' || key === 'disabled' || key === 'checked' ||
               key === 'required' || key === 'readOnly' || key === 'selected') el[key] = true;
      else if (key === 'style') throw new Error('inline styles are not allowed');
      else el.setAttribute(key, value === true ? '' : String(value));
    });
  }
  children.forEach((c) => append(el, c));
  return el;
}

export function append(parent, child) {
  if (child === null || child === undefined || child === false) return;
  if (Array.isArray(child)) { child.forEach((c) => append(parent, c)); return; }
  parent.appendChild(typeof child === 'string' || typeof child === 'number'
    ? document.createTextNode(String(child)) : child);
}

export function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); }

let idCounter = 0;
/* A document-unique id for labels, descriptions and headings. */
export function uid(prefix) { idCounter += 1; return prefix + '-' + idCounter; }

/*
 * Text with line-break opportunities after each "/" and before each "@",
 * so roles and email addresses wrap at sensible places in narrow cells.
 */
export function breakable(text) {
  const span = h('span');
  const str = String(text);
  let start = 0;
  for (let i = 0; i < str.length; i++) {
    const cut = str[i] === '/' ? i + 1 : (str[i] === '@' && i > 0 ? i : -1);
    if (cut > start && cut < str.length) {
      span.appendChild(document.createTextNode(str.slice(start, cut)));
      span.appendChild(h('wbr'));
      start = cut;
    }
  }
  span.appendChild(document.createTextNode(str.slice(start)));
  return span;
}

/* Text that never wraps inside (a phone number, a RIF). */
export function nowrap(text) { return h('span', { class: 'nowrap', text: text }); }

/* A page's own stylesheet (`href`), added to the document once; resolves
   when it has loaded (or failed: the page still works unstyled). */
export function loadStylesheet(href) {
  if (document.querySelector('link[href="' + href + '"]')) return Promise.resolve();
  return new Promise((resolve) => {
    const el = h('link', { rel: 'stylesheet', href: href });
    el.addEventListener('load', resolve);
    el.addEventListener('error', resolve);
    document.head.appendChild(el);
  });
}
