/*
 * BiScheduler web app: the sign-in page, each role's home page, the audit log
 * (/auditoria), the user's API tokens, support links (/soporte) and the
 * public page where an invited school registers itself (/invitacion).
 *
 * Plain ES2017, no framework and no build step, so it runs on old phones and
 * under the strict Content-Security-Policy the server sends (no inline code,
 * no inline styles, no eval). Every view is built with DOM calls through h();
 * text from the server is always set as text, never parsed as HTML.
 *
 * State lives in memory only: the signed-in user and the CSRF token that the
 * server returns from sign-in and /auth/me. The session itself is the
 * HttpOnly cookie. Any 401 from the API means the session is gone, so the app
 * returns to the sign-in page with a message.
 */
(function () {
  'use strict';

  var ROLE_LABELS = {
    platform_admin: 'Administrador de plataforma',
    school_admin: 'Director(a)/Administrador(a) del plantel',
    teacher: 'Docente',
    parent: 'Representante',
    operator: 'Operador (línea de comandos)'
  };

  /* Roles a school admin may give to the users of the school. */
  var SCHOOL_ROLES = ['school_admin', 'teacher', 'parent'];

  var ACTION_LABELS = {
    login: 'Inicio de sesión',
    login_failed: 'Intento de inicio de sesión fallido',
    logout: 'Cierre de sesión',
    support_access: 'Acceso de soporte',
    create: 'Creación',
    update: 'Modificación',
    'delete': 'Eliminación',
    suspend: 'Suspensión',
    activate: 'Activación',
    deactivate: 'Desactivación',
    token_create: 'Creación de token de API',
    token_revoke: 'Revocación de token de API',
    accept: 'Aceptación de invitación'
  };

  var ENTITY_LABELS = {
    session: 'Sesión',
    user: 'Usuario',
    users: 'Usuario',
    tenant: 'Plantel',
    tenants: 'Plantel',
    school: 'Plantel',
    settings: 'Configuración',
    token: 'Token de API',
    api_token: 'Token de API',
    tokens: 'Token de API',
    invitation: 'Invitación'
  };

  var STATUS_LABELS = {
    active: 'Activo',
    suspended: 'Suspendido',
    inactive: 'Inactivo'
  };

  var INVITATION_STATUS_LABELS = {
    pending: 'Pendiente',
    accepted: 'Aceptada',
    expired: 'Vencida'
  };

  /* Venezuela's states and their ISO 3166-2:VE codes, as the API takes them. */
  var VE_STATES = [
    ['VE-A', 'Distrito Capital'], ['VE-B', 'Anzoátegui'], ['VE-C', 'Apure'],
    ['VE-D', 'Aragua'], ['VE-E', 'Barinas'], ['VE-F', 'Bolívar'],
    ['VE-G', 'Carabobo'], ['VE-H', 'Cojedes'], ['VE-I', 'Falcón'],
    ['VE-J', 'Guárico'], ['VE-K', 'Lara'], ['VE-L', 'Mérida'],
    ['VE-M', 'Miranda'], ['VE-N', 'Monagas'], ['VE-O', 'Nueva Esparta'],
    ['VE-P', 'Portuguesa'], ['VE-R', 'Sucre'], ['VE-S', 'Táchira'],
    ['VE-T', 'Trujillo'], ['VE-U', 'Yaracuy'], ['VE-V', 'Zulia'],
    ['VE-W', 'Dependencias Federales'], ['VE-X', 'La Guaira'],
    ['VE-Y', 'Delta Amacuro'], ['VE-Z', 'Amazonas']
  ];

  /* Options of an "Estado" select: a first empty choice, then the states. */
  function stateOptions(emptyLabel) {
    return [{ value: '', label: emptyLabel }].concat(VE_STATES.map(function (s) {
      return { value: s[0], label: s[1] };
    }));
  }

  var TIMEZONES = [
    'America/Caracas', 'America/Bogota', 'America/Lima', 'America/Panama',
    'America/Santo_Domingo', 'America/Puerto_Rico', 'America/Guayaquil',
    'America/La_Paz', 'America/Santiago', 'America/Argentina/Buenos_Aires',
    'America/Montevideo', 'America/Asuncion', 'America/Sao_Paulo',
    'America/Mexico_City', 'America/New_York', 'Europe/Madrid', 'UTC'
  ];

  var MSG_NETWORK = 'No se pudo conectar con el servidor. Revise su conexión a internet e inténtelo de nuevo.';
  var MSG_EXPIRED = 'Su sesión terminó o expiró. Ingrese de nuevo para continuar.';

  var state = {
    branding: null,   /* {code, name, is_master, timezone} */
    user: null,       /* USER of the API */
    csrf: null,
    viewSeq: 0        /* bumped on every view change, so late replies are ignored */
  };

  /* ---------------------------------------------------------------- DOM */

  function $(id) { return document.getElementById(id); }

  /*
   * h('button', {type: 'button', class: 'btn', onclick: fn}, 'Texto', child)
   * Properties named on* become listeners; 'text' sets textContent; boolean
   * DOM properties are set as properties; everything else is an attribute.
   */
  function h(tag, props) {
    var el = document.createElement(tag);
    if (props) {
      Object.keys(props).forEach(function (key) {
        var value = props[key];
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
    for (var i = 2; i < arguments.length; i++) append(el, arguments[i]);
    return el;
  }

  function append(parent, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) { child.forEach(function (c) { append(parent, c); }); return; }
    parent.appendChild(typeof child === 'string' || typeof child === 'number'
      ? document.createTextNode(String(child)) : child);
  }

  function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); }

  var idCounter = 0;
  function uid(prefix) { idCounter += 1; return prefix + '-' + idCounter; }

  /* A live region that shows one message at a time (error or success). */
  function messageArea(kind) {
    var region = h('div', kind === 'error'
      ? { class: 'live', role: 'alert', 'aria-live': 'assertive' }
      : { class: 'live', role: 'status', 'aria-live': 'polite' });
    region.show = function (text, tone) {
      clear(region);
      if (text) region.appendChild(h('p', { class: 'notice notice--' + (tone || (kind === 'error' ? 'error' : 'success')), text: text }));
    };
    region.clear = function () { clear(region); };
    return region;
  }

  /*
   * A labelled form field. Returns {wrap, input}. The hint may be text or
   * nodes. Below the input sits the field's own error line (empty until
   * markInvalid gives it a message), also part of its description.
   */
  function field(opts) {
    var id = opts.id || uid('f');
    var hintId = opts.hint ? id + '-hint' : null;
    var errorId = id + '-error';
    var describedBy = (hintId ? hintId + ' ' : '') + errorId;
    var input;
    if (opts.options) {
      input = h('select', { id: id, name: opts.name, 'aria-describedby': describedBy, 'aria-required': opts.required ? 'true' : null });
      opts.options.forEach(function (o) {
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
    var error = h('p', { class: 'field__error', id: errorId });
    var wrap = h('div', { class: 'field' + (opts.wide ? ' field--wide' : '') },
      h('label', { for: id, text: opts.label }),
      opts.hint ? h('p', { class: 'field__hint', id: hintId }, opts.hint) : null,
      input,
      error);
    input.fieldLabel = opts.label;
    input.fieldError = error;
    return { wrap: wrap, input: input };
  }

  /* Marks a field (in)valid; a message, if given, shows under the field. */
  function markInvalid(input, invalid, message) {
    if (!input) return;
    if (invalid) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
    if (input.fieldError) input.fieldError.textContent = invalid && message ? message : '';
  }

  /* Puts a "Mostrar"/"Ocultar" button beside a password input built by field(). */
  function addPasswordToggle(input) {
    var box = h('div', { class: 'password' });
    input.parentNode.replaceChild(box, input);
    var toggle = h('button', {
      type: 'button', class: 'btn btn--ghost btn--small password__toggle',
      'aria-pressed': 'false', 'aria-controls': input.id, text: 'Mostrar'
    });
    toggle.addEventListener('click', function () {
      var show = input.type === 'password';
      input.type = show ? 'text' : 'password';
      toggle.setAttribute('aria-pressed', show ? 'true' : 'false');
      toggle.textContent = show ? 'Ocultar' : 'Mostrar';
    });
    append(box, [input, toggle]);
  }

  /* A "Copiar" button for a read-only input; `copied` tells how it went. */
  function copyControl(input, value) {
    var button = h('button', { type: 'button', class: 'btn btn--secondary', text: 'Copiar' });
    var copied = h('span', { class: 'token-reveal__copied', role: 'status', 'aria-live': 'polite' });
    button.addEventListener('click', async function () {
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

  /* Checks that required inputs are filled; shows a Spanish message and focuses the first empty one. */
  function requireFilled(inputs, errors) {
    for (var i = 0; i < inputs.length; i++) markInvalid(inputs[i], false);
    for (var j = 0; j < inputs.length; j++) {
      if (!inputs[j].value.trim()) {
        markInvalid(inputs[j], true, inputs[j].tagName === 'SELECT' ? 'Elija una opción.' : 'Complete este campo.');
        errors.show((inputs[j].tagName === 'SELECT' ? 'Elija una opción en el campo «' : 'Complete el campo «') + inputs[j].fieldLabel + '».');
        inputs[j].focus();
        return false;
      }
    }
    return true;
  }

  /* Shows an API error in a region; marks and focuses the field the server named. */
  function showApiError(err, errors, fieldsByName) {
    if (err.handled) return;
    errors.show(err.message);
    if (err.field && fieldsByName && fieldsByName[err.field]) {
      markInvalid(fieldsByName[err.field], true, err.message);
      fieldsByName[err.field].focus();
    }
  }

  function setBusy(button, busy, busyText) {
    if (busy) {
      button.dataset.label = button.textContent;
      button.textContent = busyText;
      button.disabled = true;
    } else {
      if (button.dataset.label) button.textContent = button.dataset.label;
      button.disabled = false;
    }
  }

  /*
   * An RFC 3339 instant as "14/03/2025 09:05" in the school's time zone.
   * Without Intl time zone support (old phones) the instant's own digits are
   * shown, which the API already gives in the school's zone for the audit log.
   */
  function formatInstant(s, withSeconds) {
    if (!s) return '';
    var text = String(s);
    var tz = state.branding && state.branding.timezone;
    var d = new Date(text);
    if (tz && !isNaN(d.getTime()) && window.Intl && Intl.DateTimeFormat) {
      try {
        var parts = {};
        new Intl.DateTimeFormat('es-VE', {
          timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit',
          hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23'
        }).formatToParts(d).forEach(function (p) { parts[p.type] = p.value; });
        if (parts.year && parts.hour) {
          var hour = parts.hour === '24' ? '00' : parts.hour;
          return parts.day + '/' + parts.month + '/' + parts.year + ' ' + hour + ':' + parts.minute +
            (withSeconds ? ':' + parts.second : '');
        }
      } catch (e) { /* fall through to the literal digits */ }
    }
    var m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?/.exec(text);
    if (!m) return text;
    return m[3] + '/' + m[2] + '/' + m[1] + ' ' + m[4] + ':' + m[5] + (withSeconds && m[6] ? ':' + m[6] : '');
  }

  function roleLabel(role) { return ROLE_LABELS[role] || role || ''; }

  /*
   * Text with line-break opportunities after each "/" and before each "@",
   * so roles and email addresses wrap at sensible places in narrow cells.
   */
  function breakable(text) {
    var span = h('span');
    var str = String(text);
    var start = 0;
    for (var i = 0; i < str.length; i++) {
      var cut = str[i] === '/' ? i + 1 : (str[i] === '@' && i > 0 ? i : -1);
      if (cut > start && cut < str.length) {
        span.appendChild(document.createTextNode(str.slice(start, cut)));
        span.appendChild(h('wbr'));
        start = cut;
      }
    }
    span.appendChild(document.createTextNode(str.slice(start)));
    return span;
  }
  function isAdmin(user) { return !!user && (user.role === 'platform_admin' || user.role === 'school_admin'); }

  /* A table whose cells carry data-label, so small screens can show each row as a card. */
  function dataTable(caption, columns) {
    /* Explicit roles keep the table semantics when CSS turns rows into cards. */
    var tbody = h('tbody', { role: 'rowgroup' });
    var table = h('table', { class: 'table', role: 'table' },
      h('caption', { class: 'visually-hidden', text: caption }),
      h('thead', { role: 'rowgroup' }, h('tr', { role: 'row' }, columns.map(function (c) {
        return h('th', { scope: 'col', role: 'columnheader', class: c.class, text: c.label });
      }))),
      tbody);
    table.tbody = tbody;
    table.columns = columns;
    table.addRow = function (cells, rowClass) {
      var tr = h('tr', { class: rowClass, role: 'row' });
      cells.forEach(function (cell, i) {
        var col = columns[i];
        tr.appendChild(h('td', { 'data-label': col.label, class: col.class, role: 'cell' }, cell));
      });
      tbody.appendChild(tr);
      return tr;
    };
    table.setMessage = function (text) {
      clear(tbody);
      tbody.appendChild(h('tr', { class: 'table__message', role: 'row' },
        h('td', { colspan: String(columns.length), role: 'cell', text: text })));
    };
    table.clearRows = function () { clear(tbody); };
    return h('div', { class: 'table-wrap' }, table);
  }

  function tableOf(wrap) { return wrap.firstChild; }

  /* ---------------------------------------------------------------- API */

  function ApiError(status, code, message, field) {
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.message = message;
    this.field = field || null;
    this.handled = false;
  }
  ApiError.prototype = Object.create(Error.prototype);
  ApiError.prototype.constructor = ApiError;

  function defaultMessage(status) {
    if (status === 401) return MSG_EXPIRED;
    if (status === 403) return 'No tiene permiso para realizar esta acción.';
    if (status === 404) return 'No se encontró lo que buscaba.';
    if (status === 429) return 'Demasiados intentos. Espere unos minutos e inténtelo de nuevo.';
    if (status >= 500) return 'El servidor no pudo completar la operación. Inténtelo de nuevo en unos minutos.';
    return 'No se pudo completar la operación.';
  }

  /*
   * Calls the JSON API. Resolves with the parsed reply; rejects with an
   * ApiError whose message is the server's Spanish message. A 401 (unless
   * opts.allow401) ends the session in the app and shows the sign-in page.
   */
  async function api(method, path, body, opts) {
    opts = opts || {};
    var headers = { 'Accept': 'application/json' };
    var init = { method: method, headers: headers, credentials: 'same-origin', cache: 'no-store' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    if (method !== 'GET' && method !== 'HEAD' && state.csrf) headers['X-CSRF-Token'] = state.csrf;

    var res;
    try {
      res = await fetch(path, init);
    } catch (e) {
      throw new ApiError(0, 'network', MSG_NETWORK);
    }
    var data = null;
    var text = '';
    try { text = await res.text(); } catch (e) { text = ''; }
    if (text) {
      try { data = JSON.parse(text); } catch (e) { data = null; }
    }
    if (!res.ok) {
      var e = (data && data.error) || {};
      var err = new ApiError(res.status, e.code || ('http_' + res.status), e.message || defaultMessage(res.status), e.field);
      if (res.status === 401 && !opts.allow401) {
        err.handled = true;
        sessionEnded(MSG_EXPIRED);
      }
      throw err;
    }
    return data;
  }

  function query(params) {
    var parts = [];
    Object.keys(params).forEach(function (k) {
      var v = params[k];
      if (v !== null && v !== undefined && v !== '') parts.push(encodeURIComponent(k) + '=' + encodeURIComponent(v));
    });
    return parts.length ? '?' + parts.join('&') : '';
  }

  /* ------------------------------------------------------- frame & routing */

  function schoolName() {
    return (state.branding && state.branding.name) || 'BiScheduler';
  }

  /*
   * The base domain B of this host: the master host is bischeduler.B (or
   * scheduler.B), a guest school's host bischeduler-CODE.B.
   */
  function baseDomain() {
    return location.hostname.replace(/^(bi)?scheduler(-[a-z0-9-]+)?\./, '');
  }

  /* A school's host (as the API gives it, without port) as an address on this server's port. */
  function schoolUrl(host) {
    var full = host.indexOf(':') < 0 && location.port ? host + ':' + location.port : host;
    return location.protocol + '//' + full + '/';
  }

  function applyBranding() {
    var name = schoolName();
    $('school-name').textContent = name;
    $('footer-school').textContent = name;
  }

  function setSession(reply) {
    state.user = reply.user;
    state.csrf = reply.csrf_token || state.csrf;
    renderNav();
  }

  function renderNav() {
    var nav = $('site-nav');
    var user = state.user;
    if (!user) { nav.hidden = true; return; }
    var links = $('nav-links');
    clear(links);
    var route = currentRoute();
    var items = [{ path: '/', label: 'Inicio', route: 'home' }];
    if (isAdmin(user)) items.push({ path: '/auditoria', label: 'Auditoría', route: 'audit' });
    items.forEach(function (item) {
      links.appendChild(h('li', null, h('a', {
        href: item.path,
        class: 'site-nav__link',
        'data-route': '',
        'aria-current': item.route === route ? 'page' : null,
        text: item.label
      })));
    });
    var badge = $('user-badge');
    clear(badge);
    append(badge, [
      h('span', { class: 'user-badge__name', text: user.name || user.email }),
      h('span', { class: 'user-badge__role', text: roleLabel(user.role) + (user.support ? ' (soporte)' : '') })
    ]);
    nav.hidden = false;
  }

  function currentRoute() {
    var path = location.pathname.replace(/\/+$/, '');
    if (path === '/auditoria') return 'audit';
    if (path === '/soporte') return 'support';
    if (path === '/invitacion') return 'invitation';
    return 'home';
  }

  function navigate(path) {
    if (location.pathname !== path) history.pushState(null, '', path);
    route(true);
  }

  function route(moveFocus) {
    /* The invitation page is public: signed in or not, it shows the invitation. */
    if (currentRoute() === 'invitation') { renderNav(); showInvitation(moveFocus); return; }
    if (!state.user) { showSignIn(); return; }
    renderNav();
    if (currentRoute() === 'audit') showAudit(moveFocus);
    else showHome(moveFocus);
  }

  /* Replaces the content of <main>; returns a token that tells if the view is still current. */
  function setView(title, nodes, moveFocus) {
    state.viewSeq += 1;
    var main = $('contenido');
    clear(main);
    append(main, nodes);
    main.setAttribute('aria-busy', 'false');
    $('global-alert').textContent = '';
    document.title = title + ' · ' + schoolName();
    if (moveFocus) {
      var heading = main.querySelector('h1');
      if (heading) heading.focus();
    }
    var seq = state.viewSeq;
    return function alive() { return seq === state.viewSeq; };
  }

  function sessionEnded(notice) {
    state.user = null;
    state.csrf = null;
    renderNav();
    showSignIn(notice);
  }

  function globalError(text) {
    var region = $('global-alert');
    clear(region);
    region.appendChild(h('p', { class: 'notice notice--error global-alert__box', text: text }));
  }

  /* ------------------------------------------------------------- sign-in */

  function showSignIn(notice, tone) {
    var errors = messageArea('error');
    var email = h('input', {
      id: 'login-email', name: 'email', type: 'email', autocomplete: 'username',
      inputmode: 'email', autocapitalize: 'none', spellcheck: 'false', 'aria-required': 'true'
    });
    var password = h('input', {
      id: 'login-password', name: 'password', type: 'password',
      autocomplete: 'current-password', 'aria-required': 'true'
    });
    email.fieldLabel = 'Correo electrónico';
    password.fieldLabel = 'Contraseña';
    var reveal = h('button', {
      type: 'button', class: 'btn btn--ghost btn--small password__toggle',
      'aria-pressed': 'false', 'aria-controls': 'login-password', text: 'Mostrar'
    });
    reveal.addEventListener('click', function () {
      var show = password.type === 'password';
      password.type = show ? 'text' : 'password';
      reveal.setAttribute('aria-pressed', show ? 'true' : 'false');
      reveal.textContent = show ? 'Ocultar' : 'Mostrar';
    });
    var submit = h('button', { type: 'submit', class: 'btn btn--primary btn--block', text: 'Ingresar' });

    var form = h('form', { class: 'form', novalidate: true, 'aria-labelledby': 'signin-title' },
      h('div', { class: 'field' },
        h('label', { for: 'login-email', text: 'Correo electrónico' }), email),
      h('div', { class: 'field' },
        h('label', { for: 'login-password', text: 'Contraseña' }),
        h('div', { class: 'password' }, password, reveal)),
      submit);

    form.addEventListener('submit', async function (ev) {
      ev.preventDefault();
      errors.clear();
      if (!requireFilled([email, password], errors)) return;
      setBusy(submit, true, 'Ingresando…');
      try {
        var reply = await api('POST', '/api/v1/auth/login',
          { email: email.value.trim(), password: password.value }, { allow401: true });
        setSession(reply);
        route(true);
      } catch (err) {
        setBusy(submit, false);
        errors.show(err.message);
        if (err.status === 401) {
          markInvalid(password, true);
          password.value = '';
          password.focus();
        }
      }
    });

    var noticeNode = notice ? h('div', { class: 'live', role: 'status' },
      h('p', { class: 'notice notice--' + (tone || 'info'), text: notice })) : null;

    setView('Ingresar', h('section', { class: 'auth' },
      h('div', { class: 'card auth__card' },
        h('p', { class: 'auth__school', text: schoolName() }),
        h('h1', { id: 'signin-title', class: 'auth__title', tabindex: '-1', text: 'Iniciar sesión' }),
        h('p', { class: 'muted', text: 'Ingrese con el correo electrónico y la contraseña de su cuenta en el plantel.' }),
        noticeNode,
        errors,
        form),
      h('p', { class: 'auth__help muted', text: '¿Olvidó su contraseña? Pida a la dirección de su plantel que le asigne una nueva.' })
    ), false);
  }

  /* ---------------------------------------------------------------- home */

  function showHome(moveFocus) {
    var user = state.user;
    var sections = [];
    if (user.role === 'platform_admin') {
      var schools = schoolsSection();
      sections.push(schools);
      sections.push(invitationsSection());
      sections.push(supportSection(schools));
      sections.push(auditTeaser(false));
    }
    if (user.role === 'school_admin') {
      sections.push(settingsSection());
      sections.push(auditTeaser(true));
      sections.push(usersSection());
    }
    if (user.role === 'teacher' || user.role === 'parent') sections.push(welcomeSection(user.role));
    if (!user.support) sections.push(tokensSection());

    var alive = setView('Inicio', [
      h('div', { class: 'page-head' },
        h('h1', { tabindex: '-1', text: 'Hola, ' + (user.name || user.email) }),
        h('dl', { class: 'identity' },
          h('div', null, h('dt', { text: 'Plantel' }), h('dd', { text: schoolName() })),
          h('div', null, h('dt', { text: 'Usuario' }), h('dd', { text: user.name || user.email })),
          h('div', null, h('dt', { text: 'Rol' }), h('dd', { text: roleLabel(user.role) + (user.support ? ' (acceso de soporte)' : '') })))),
      h('div', { class: 'stack' }, sections.map(function (s) { return s.node; }))
    ], moveFocus);
    sections.forEach(function (s) { if (s.load) s.load(alive); });
  }

  function card(titleText, intro, children, extraClass) {
    var titleId = uid('t');
    return h('section', { class: 'card' + (extraClass ? ' ' + extraClass : ''), 'aria-labelledby': titleId },
      h('h2', { id: titleId, class: 'card__title', text: titleText }),
      intro ? h('p', { class: 'card__intro muted', text: intro }) : null,
      children);
  }

  function welcomeSection(role) {
    var items = role === 'teacher'
      ? ['Su horario semanal de clases, con secciones y aulas.',
         'La asistencia diaria de sus secciones, para registrarla desde aquí.']
      : ['El horario de clases de sus representados.',
         'La asistencia diaria de sus representados.'];
    return {
      node: card('Bienvenida', null, [
        h('p', { text: 'Esta es su página de inicio en ' + schoolName() + '. A medida que el plantel active nuevas funciones, aparecerán aquí:' }),
        h('ul', { class: 'list' }, items.map(function (t) { return h('li', { text: t }); })),
        h('p', { class: 'muted', text: 'Por ahora no hay horarios ni registros de asistencia publicados para su cuenta.' })
      ], 'card--wide')
    };
  }

  function auditTeaser(wide) {
    return {
      node: card('Auditoría', 'Consulte quién inició sesión y qué cambios se hicieron, con fecha, hora y dirección IP.',
        h('p', { class: 'card__action' }, h('a', { href: '/auditoria', 'data-route': '', class: 'btn btn--secondary', text: 'Ver auditoría' })),
        wide ? 'card--wide card--row' : null)
    };
  }

  /* ---- platform admin: schools of the network */

  function schoolsSection() {
    var status = messageArea('status');
    var errors = messageArea('error');
    var wrap = dataTable('Planteles de la red', [
      { label: 'Código' }, { label: 'Nombre' }, { label: 'Estado' }, { label: 'Dirección web' }, { label: 'Acciones', class: 'cell-actions' }
    ]);
    var table = tableOf(wrap);
    var aliveRef = function () { return true; };

    var code = field({ name: 'code', label: 'Código', hint: 'Minúsculas, números y guiones (2 a 40). Forma la dirección web del plantel.', autocapitalize: 'none', spellcheck: 'false', maxlength: '40', required: true });
    var name = field({ name: 'name', label: 'Nombre del plantel', hint: 'Por ejemplo: Unidad Educativa Los Próceres.', maxlength: '200', required: true });
    var submit = h('button', { type: 'submit', class: 'btn btn--primary', text: 'Crear plantel' });
    var formErrors = messageArea('error');
    var form = h('form', { class: 'form', novalidate: true },
      h('h3', { class: 'card__subtitle', text: 'Registrar un plantel' }),
      formErrors,
      h('div', { class: 'form-grid' }, code.wrap, name.wrap),
      h('div', { class: 'form-actions' }, submit));

    form.addEventListener('submit', async function (ev) {
      ev.preventDefault();
      formErrors.clear();
      status.clear();
      if (!requireFilled([code.input, name.input], formErrors)) return;
      setBusy(submit, true, 'Creando…');
      try {
        var t = await api('POST', '/api/v1/platform/tenants',
          { code: code.input.value.trim().toLowerCase(), name: name.input.value.trim() });
        code.input.value = '';
        name.input.value = '';
        status.show('Se creó el plantel «' + t.name + '» (' + t.code + ').');
        await load(aliveRef);
      } catch (err) {
        showApiError(err, formErrors, { code: code.input, name: name.input });
      } finally {
        setBusy(submit, false);
      }
    });

    async function changeStatus(t, action, button) {
      var verb = action === 'suspend' ? 'suspender' : 'activar';
      if (action === 'suspend' &&
          !window.confirm('¿Suspender el plantel «' + t.name + '»? Sus usuarios no podrán ingresar hasta que lo active de nuevo.')) return;
      errors.clear();
      status.clear();
      setBusy(button, true, action === 'suspend' ? 'Suspendiendo…' : 'Activando…');
      try {
        var updated = await api('POST', '/api/v1/platform/tenants/' + encodeURIComponent(t.code) + '/' + action);
        status.show('El plantel «' + updated.name + '» quedó ' + (STATUS_LABELS[updated.status] || updated.status).toLowerCase() + '.');
        await load(aliveRef);
      } catch (err) {
        setBusy(button, false);
        if (!err.handled) errors.show('No se pudo ' + verb + ' el plantel: ' + err.message);
      }
    }

    function hostLink(host) {
      if (!host) return '';
      return h('a', { href: schoolUrl(host), class: 'host-link', text: host });
    }

    async function load(alive) {
      aliveRef = alive;
      try {
        var reply = await api('GET', '/api/v1/platform/tenants');
        if (!alive()) return;
        var items = (reply && reply.items) || [];
        table.clearRows();
        listeners.forEach(function (fn) { fn(items); });
        if (!items.length) { table.setMessage('Todavía no hay planteles registrados.'); return; }
        var current = state.branding && state.branding.code;
        items.forEach(function (t) {
          var actions = null;
          if (t.code !== current) {
            var action = t.status === 'active' ? 'suspend' : 'activate';
            var button = h('button', {
              type: 'button',
              class: 'btn btn--small ' + (action === 'suspend' ? 'btn--danger-ghost' : 'btn--secondary'),
              'aria-label': (action === 'suspend' ? 'Suspender ' : 'Activar ') + t.name,
              text: action === 'suspend' ? 'Suspender' : 'Activar'
            });
            button.addEventListener('click', function () { changeStatus(t, action, button); });
            actions = button;
          } else {
            actions = h('span', { class: 'muted', text: 'Plantel principal' });
          }
          table.addRow([
            h('code', { text: t.code }),
            t.name,
            h('span', { class: 'badge badge--' + t.status, text: STATUS_LABELS[t.status] || t.status }),
            hostLink(t.host),
            actions
          ]);
        });
      } catch (err) {
        if (!alive() || err.handled) return;
        table.setMessage('No se pudo cargar la lista de planteles.');
        errors.show(err.message);
      }
    }

    var listeners = [];
    table.setMessage('Cargando planteles…');
    return {
      onList: function (fn) { listeners.push(fn); },
      node: card('Planteles de la red', 'Los planteles que usan BiScheduler. Los usuarios de un plantel suspendido no pueden ingresar hasta que se active de nuevo.',
        [errors, status, wrap, form], 'card--wide'),
      load: load
    };
  }

  /* ---- platform admin: invitations for new schools */

  function invitationsSection() {
    var errors = messageArea('error');
    var wrap = dataTable('Invitaciones enviadas', [
      { label: 'Escuela' }, { label: 'Contacto' }, { label: 'Estado' }, { label: 'Vence' }, { label: 'Plantel creado' }
    ]);
    var table = tableOf(wrap);
    var reveal = h('div', { class: 'token-reveal', hidden: true });
    var aliveRef = function () { return true; };

    var invitedName = field({ name: 'school_name', label: 'Nombre de la escuela', hint: 'Como la conoce la escuela; podrá corregirlo al registrarse.', maxlength: '200', required: true });
    var email = field({ name: 'contact_email', label: 'Correo de contacto', hint: 'La persona que registrará la escuela.', type: 'email', inputmode: 'email', autocapitalize: 'none', spellcheck: 'false', maxlength: '254', required: true });
    var submit = h('button', { type: 'submit', class: 'btn btn--primary', text: 'Crear invitación' });
    var formErrors = messageArea('error');
    var form = h('form', { class: 'form', novalidate: true, 'aria-label': 'Invitar a una escuela' },
      formErrors,
      h('div', { class: 'form-grid' }, invitedName.wrap, email.wrap),
      h('div', { class: 'form-actions' }, submit));

    function showLink(inv) {
      clear(reveal);
      var inputId = uid('invitation');
      var input = h('input', { id: inputId, type: 'text', class: 'token-reveal__value', readOnly: true, value: inv.url, spellcheck: 'false', autocomplete: 'off' });
      var copy = copyControl(input, inv.url);
      var hide = h('button', { type: 'button', class: 'btn btn--ghost', text: 'Ya lo envié' });
      hide.addEventListener('click', function () { clear(reveal); reveal.hidden = true; invitedName.input.focus(); });
      append(reveal, [
        h('p', { class: 'token-reveal__title' },
          h('strong', { text: 'Invitación creada para «' + inv.school_name + '». ' }),
          'BiScheduler todavía no envía correos: copie este enlace y envíelo usted mismo a ' + inv.contact_email + ' (por correo o mensajería).'),
        h('label', { for: inputId, class: 'visually-hidden', text: 'Enlace de invitación para ' + inv.school_name }),
        h('div', { class: 'token-reveal__row' }, input, copy.button, hide),
        copy.copied,
        h('p', { class: 'token-reveal__note', text: 'El enlace sirve una sola vez y vence el ' + formatInstant(inv.expires_at) +
          ' (14 días). Se muestra solo ahora: cópielo antes de salir de esta página.' })
      ]);
      reveal.hidden = false;
      input.focus();
      input.select();
    }

    form.addEventListener('submit', async function (ev) {
      ev.preventDefault();
      formErrors.clear();
      if (!requireFilled([invitedName.input, email.input], formErrors)) return;
      setBusy(submit, true, 'Creando…');
      try {
        var inv = await api('POST', '/api/v1/platform/invitations',
          { school_name: invitedName.input.value.trim(), contact_email: email.input.value.trim() });
        invitedName.input.value = '';
        email.input.value = '';
        showLink(inv);
        await load(aliveRef);
      } catch (err) {
        showApiError(err, formErrors, { school_name: invitedName.input, contact_email: email.input });
      } finally {
        setBusy(submit, false);
      }
    });

    async function load(alive) {
      aliveRef = alive;
      try {
        var reply = await api('GET', '/api/v1/platform/invitations');
        if (!alive()) return;
        var items = (reply && reply.items) || [];
        table.clearRows();
        if (!items.length) { table.setMessage('Todavía no hay invitaciones.'); return; }
        items.forEach(function (inv) {
          table.addRow([
            inv.school_name,
            breakable(inv.contact_email),
            h('span', { class: 'badge badge--' + inv.status, text: INVITATION_STATUS_LABELS[inv.status] || inv.status }),
            inv.status === 'accepted' ? '—' : formatInstant(inv.expires_at),
            inv.school
              ? h('a', { href: schoolUrl('bischeduler-' + inv.school + '.' + baseDomain()), class: 'host-link', text: inv.school })
              : '—'
          ]);
        });
      } catch (err) {
        if (!alive() || err.handled) return;
        table.setMessage('No se pudo cargar la lista de invitaciones.');
        errors.show(err.message);
      }
    }

    table.setMessage('Cargando invitaciones…');
    return {
      node: card('Invitaciones',
        'Invite a una escuela a unirse a la red: recibe un enlace para registrar sus datos y crear su primer administrador, y su plantel queda creado al instante.',
        [form, reveal, h('h3', { class: 'card__subtitle', text: 'Invitaciones enviadas' }), errors, wrap], 'card--wide'),
      load: load
    };
  }

  /* ---- platform admin: support access into a guest school */

  function supportSection(schools) {
    var errors = messageArea('error');
    var result = h('div', { class: 'live', role: 'status', 'aria-live': 'polite' });
    var school = field({ name: 'school', label: 'Plantel', options: [{ value: '', label: 'Cargando planteles…' }] });
    var reason = field({ name: 'reason', label: 'Motivo', hint: 'Queda en la auditoría del plantel y de la plataforma.', maxlength: '500', required: true });
    var submit = h('button', { type: 'submit', class: 'btn btn--primary', text: 'Generar enlace' });
    var form = h('form', { class: 'form', novalidate: true },
      errors,
      h('div', { class: 'form-grid' }, school.wrap, reason.wrap),
      h('div', { class: 'form-actions' }, submit),
      result);

    schools.onList(function (items) {
      var selected = school.input.value;
      clear(school.input);
      var guests = items.filter(function (t) { return t.plan_type !== 'master' && t.status === 'active'; });
      if (!guests.length) school.input.appendChild(h('option', { value: '', text: 'No hay planteles activos' }));
      guests.forEach(function (t) {
        school.input.appendChild(h('option', { value: t.code, selected: t.code === selected, text: t.name + ' (' + t.code + ')' }));
      });
    });

    form.addEventListener('submit', async function (ev) {
      ev.preventDefault();
      errors.clear();
      clear(result);
      if (!school.input.value) { errors.show('Elija un plantel activo.'); school.input.focus(); return; }
      if (!requireFilled([reason.input], errors)) return;
      setBusy(submit, true, 'Generando…');
      try {
        var code = school.input.value;
        var name = school.input.options[school.input.selectedIndex].text;
        var t = await api('POST', '/api/v1/platform/tenants/' + encodeURIComponent(code) + '/support-access',
          { reason: reason.input.value.trim() });
        reason.input.value = '';
        append(result, h('div', { class: 'notice notice--success' },
          h('p', { class: 'notice__line', text: 'Enlace de soporte para ' + name + '. Sirve una sola vez y vence el ' + formatInstant(t.expires_at) + '.' }),
          h('p', { class: 'notice__line' },
            h('a', { href: t.url, target: '_blank', rel: 'noopener noreferrer', class: 'support-link', text: 'Entrar a ' + name + ' como soporte' }),
            ' (se abre en otra pestaña)')));
      } catch (err) {
        showApiError(err, errors, { reason: reason.input });
      } finally {
        setBusy(submit, false);
      }
    });

    return {
      node: card('Acceso de soporte',
        'Para ayudar a un plantel, entre a su sistema con permisos de dirección mediante un enlace de un solo uso. Cada acceso queda registrado.',
        form)
    };
  }

  /* The link of a support ticket: /soporte#TOKEN on the guest school's host. */
  async function supportSignIn() {
    var token = location.hash.replace(/^#/, '');
    history.replaceState(null, '', '/');
    if (!token) {
      showSignIn('Este enlace de soporte no contiene un código de acceso.', 'error');
      return;
    }
    setView('Acceso de soporte', h('p', { class: 'loading', text: 'Abriendo el acceso de soporte…' }), false);
    try {
      var reply = await api('POST', '/api/v1/auth/support', { token: token }, { allow401: true });
      setSession(reply);
      route(true);
    } catch (err) {
      showSignIn('No se pudo abrir el acceso de soporte: ' + err.message, 'error');
    }
  }

  /* ---- school admin: settings */

  /* The inputs of a school's profile (RIF, código DEA, state, municipality, address, phone), shared by the settings and the invitation form. */
  function profileFields(stateEmptyLabel) {
    return {
      rif: field({ name: 'rif', label: 'RIF', hint: ['Por ejemplo: ', nowrap('J-12345678-9'), '.'], maxlength: '20', autocapitalize: 'characters', spellcheck: 'false' }),
      dea_code: field({ name: 'dea_code', label: 'Código DEA', hint: 'De 5 a 20 letras y dígitos.', maxlength: '24', autocapitalize: 'characters', spellcheck: 'false' }),
      state: field({ name: 'state', label: 'Estado', options: stateOptions(stateEmptyLabel), value: '' }),
      municipality: field({ name: 'municipality', label: 'Municipio', maxlength: '100' }),
      phone: field({ name: 'phone', label: 'Teléfono', type: 'tel', inputmode: 'tel', autocomplete: 'off', hint: ['Por ejemplo: ', nowrap('0212-5551234'), ' o ', nowrap('0414-1234567'), '.'], maxlength: '20' }),
      address: field({ name: 'address', label: 'Dirección', hint: 'Calle o avenida, sector y ciudad.', maxlength: '300' })
    };
  }
  function nowrap(text) { return h('span', { class: 'nowrap', text: text }); }
  var PROFILE_KEYS = ['rif', 'dea_code', 'state', 'municipality', 'phone', 'address'];

  function settingsSection() {
    var errors = messageArea('error');
    var status = messageArea('status');
    var listId = uid('tz');
    var name = field({ name: 'name', label: 'Nombre del plantel', hint: 'Aparece en el encabezado de cada página.', maxlength: '200', required: true });
    var tz = field({ name: 'timezone', label: 'Zona horaria', hint: 'Venezuela: America/Caracas.', list: listId, autocapitalize: 'none', spellcheck: 'false', required: true });
    var profile = profileFields('Sin indicar');
    var datalist = h('datalist', { id: listId }, TIMEZONES.map(function (z) { return h('option', { value: z }); }));
    var submit = h('button', { type: 'submit', class: 'btn btn--primary', text: 'Guardar cambios', disabled: true });
    var form = h('form', { class: 'form', novalidate: true },
      errors, status,
      h('div', { class: 'form-grid' }, name.wrap, tz.wrap),
      h('h3', { class: 'card__subtitle', text: 'Identificación y contacto' }),
      h('p', { class: 'muted', text: 'Opcionales. Deje un campo vacío para borrarlo.' }),
      h('div', { class: 'form-grid' }, PROFILE_KEYS.map(function (k) { return profile[k].wrap; })),
      datalist,
      h('div', { class: 'form-actions' }, submit));

    var inputs = { name: name.input, timezone: tz.input };
    PROFILE_KEYS.forEach(function (k) { inputs[k] = profile[k].input; });

    function fill(s) {
      name.input.value = s.name || '';
      tz.input.value = s.timezone || '';
      PROFILE_KEYS.forEach(function (k) { profile[k].input.value = s[k] || ''; });
    }

    form.addEventListener('submit', async function (ev) {
      ev.preventDefault();
      errors.clear();
      status.clear();
      PROFILE_KEYS.forEach(function (k) { markInvalid(profile[k].input, false); });
      if (!requireFilled([name.input, tz.input], errors)) return;
      var body = { name: name.input.value.trim(), timezone: tz.input.value.trim() };
      PROFILE_KEYS.forEach(function (k) { body[k] = profile[k].input.value.trim(); });
      setBusy(submit, true, 'Guardando…');
      try {
        var s = await api('PATCH', '/api/v1/settings', body);
        fill(s);
        if (state.branding) { state.branding.name = s.name; state.branding.timezone = s.timezone; }
        applyBranding();
        document.title = 'Inicio · ' + schoolName();
        status.show('Cambios guardados.');
      } catch (err) {
        showApiError(err, errors, inputs);
      } finally {
        setBusy(submit, false);
      }
    });

    async function load(alive) {
      try {
        var s = await api('GET', '/api/v1/settings');
        if (!alive()) return;
        fill(s);
        submit.disabled = false;
      } catch (err) {
        if (alive() && !err.handled) errors.show('No se pudieron cargar los datos del plantel: ' + err.message);
      }
    }

    return {
      node: card('Datos del plantel', 'El nombre, la identificación y los datos de contacto del plantel, tal como aparecerán en sus documentos.',
        form, 'card--wide'),
      load: load
    };
  }

  /* ---- school admin: users */

  function usersSection() {
    var errors = messageArea('error');
    var status = messageArea('status');
    var wrap = dataTable('Usuarios del plantel', [{ label: 'Nombre' }, { label: 'Correo electrónico' }, { label: 'Rol' }]);
    var table = tableOf(wrap);
    var more = h('button', { type: 'button', class: 'btn btn--secondary', text: 'Más' });
    var moreWrap = h('div', { class: 'more', hidden: true }, more);
    var cursor = null;
    var aliveRef = function () { return true; };

    var email = field({ name: 'email', label: 'Correo electrónico', type: 'email', inputmode: 'email', autocapitalize: 'none', spellcheck: 'false', required: true });
    var name = field({ name: 'name', label: 'Nombre completo', autocomplete: 'off', maxlength: '200', required: true });
    var role = field({
      name: 'role', label: 'Rol', value: 'teacher',
      options: SCHOOL_ROLES.map(function (r) { return { value: r, label: ROLE_LABELS[r] }; })
    });
    var password = field({ name: 'password', label: 'Contraseña inicial', type: 'password', autocomplete: 'new-password', hint: 'Al menos 10 caracteres. Entréguela a la persona de forma segura.', required: true });
    var formErrors = messageArea('error');
    var submit = h('button', { type: 'submit', class: 'btn btn--primary', text: 'Agregar usuario' });
    var form = h('form', { class: 'form', novalidate: true },
      h('h3', { class: 'card__subtitle', text: 'Agregar un usuario' }),
      formErrors,
      h('div', { class: 'form-grid' }, email.wrap, name.wrap, role.wrap, password.wrap),
      h('div', { class: 'form-actions' }, submit));

    form.addEventListener('submit', async function (ev) {
      ev.preventDefault();
      formErrors.clear();
      status.clear();
      if (!requireFilled([email.input, name.input, password.input], formErrors)) return;
      setBusy(submit, true, 'Agregando…');
      try {
        var u = await api('POST', '/api/v1/users', {
          email: email.input.value.trim(), name: name.input.value.trim(),
          role: role.input.value, password: password.input.value
        });
        email.input.value = '';
        name.input.value = '';
        password.input.value = '';
        status.show('Se agregó a ' + (u.name || u.email) + ' como ' + roleLabel(u.role) + '.');
        await load(aliveRef);
      } catch (err) {
        showApiError(err, formErrors, { email: email.input, name: name.input, role: role.input, password: password.input });
      } finally {
        setBusy(submit, false);
      }
    });

    async function fetchPage(alive, reset) {
      try {
        var reply = await api('GET', '/api/v1/users' + query({ limit: 50, cursor: reset ? null : cursor }));
        if (!alive()) return;
        var items = (reply && reply.items) || [];
        if (reset) table.clearRows();
        items.forEach(function (u) { table.addRow([u.name || '', breakable(u.email), breakable(roleLabel(u.role))]); });
        if (reset && !items.length) table.setMessage('Todavía no hay usuarios.');
        cursor = reply && reply.next_cursor;
        moreWrap.hidden = !cursor;
      } catch (err) {
        if (!alive() || err.handled) return;
        if (reset) table.setMessage('No se pudo cargar la lista de usuarios.');
        errors.show(err.message);
      }
    }

    function load(alive) { aliveRef = alive; return fetchPage(alive, true); }

    more.addEventListener('click', async function () {
      setBusy(more, true, 'Cargando…');
      await fetchPage(aliveRef, false);
      setBusy(more, false);
    });

    table.setMessage('Cargando usuarios…');
    return {
      node: card('Usuarios', 'Las personas que pueden ingresar a BiScheduler en este plantel.',
        [errors, status, wrap, moreWrap, form], 'card--wide'),
      load: load
    };
  }

  /* ---- any user: API tokens */

  function tokensSection() {
    var errors = messageArea('error');
    var status = messageArea('status');
    var wrap = dataTable('Tokens de API', [{ label: 'Nombre' }, { label: 'Creado' }, { label: 'Último uso' }, { label: 'Acciones', class: 'cell-actions' }]);
    var table = tableOf(wrap);
    var reveal = h('div', { class: 'token-reveal', hidden: true });
    var aliveRef = function () { return true; };

    var name = field({ name: 'name', label: 'Nombre del token', hint: 'Para recordar dónde lo usa. Por ejemplo: Respaldo nocturno.', maxlength: '100', required: true });
    var submit = h('button', { type: 'submit', class: 'btn btn--primary', text: 'Crear token' });
    var formErrors = messageArea('error');
    var form = h('form', { class: 'form form--inline', novalidate: true },
      formErrors,
      h('div', { class: 'form-row' }, name.wrap, h('div', { class: 'form-actions' }, submit)));

    function showToken(t) {
      clear(reveal);
      var inputId = uid('token');
      var input = h('input', { id: inputId, type: 'text', class: 'token-reveal__value', readOnly: true, value: t.token, spellcheck: 'false', autocomplete: 'off' });
      var copyCtl = copyControl(input, t.token);
      var copy = copyCtl.button;
      var copied = copyCtl.copied;
      var hide = h('button', { type: 'button', class: 'btn btn--ghost', text: 'Ya lo guardé' });
      hide.addEventListener('click', function () { clear(reveal); reveal.hidden = true; name.input.focus(); });
      append(reveal, [
        h('p', { class: 'token-reveal__title' },
          h('strong', { text: 'Token «' + t.name + '» creado. ' }),
          'Cópielo ahora y guárdelo en un lugar seguro: no se volverá a mostrar.'),
        h('label', { for: inputId, class: 'visually-hidden', text: 'Token «' + t.name + '»' }),
        h('div', { class: 'token-reveal__row' }, input, copy, hide),
        copied
      ]);
      reveal.hidden = false;
      input.focus();
      input.select();
    }

    form.addEventListener('submit', async function (ev) {
      ev.preventDefault();
      formErrors.clear();
      status.clear();
      if (!requireFilled([name.input], formErrors)) return;
      setBusy(submit, true, 'Creando…');
      try {
        var t = await api('POST', '/api/v1/auth/tokens', { name: name.input.value.trim() });
        name.input.value = '';
        await load(aliveRef);
        showToken(t);
      } catch (err) {
        showApiError(err, formErrors, { name: name.input });
      } finally {
        setBusy(submit, false);
      }
    });

    async function revoke(t, button) {
      if (!window.confirm('¿Revocar el token «' + t.name + '»? Los programas que lo usen dejarán de tener acceso.')) return;
      errors.clear();
      status.clear();
      setBusy(button, true, 'Revocando…');
      try {
        await api('DELETE', '/api/v1/auth/tokens/' + encodeURIComponent(t.id));
        status.show('Se revocó el token «' + t.name + '».');
        await load(aliveRef);
      } catch (err) {
        setBusy(button, false);
        if (!err.handled) errors.show('No se pudo revocar el token: ' + err.message);
      }
    }

    async function load(alive) {
      aliveRef = alive;
      try {
        var reply = await api('GET', '/api/v1/auth/tokens');
        if (!alive()) return;
        var items = (reply && reply.items) || [];
        table.clearRows();
        if (!items.length) { table.setMessage('No tiene tokens de API.'); return; }
        items.forEach(function (t) {
          var button = h('button', { type: 'button', class: 'btn btn--small btn--danger-ghost', 'aria-label': 'Revocar el token ' + t.name, text: 'Revocar' });
          button.addEventListener('click', function () { revoke(t, button); });
          table.addRow([t.name, formatInstant(t.created_at), t.last_used_at ? formatInstant(t.last_used_at) : 'Nunca', button]);
        });
      } catch (err) {
        if (!alive() || err.handled) return;
        table.setMessage('No se pudo cargar la lista de tokens.');
        errors.show(err.message);
      }
    }

    table.setMessage('Cargando tokens…');
    return {
      node: card('Tokens de API',
        'Un token permite que un programa (por ejemplo, un script del personal de informática) use BiScheduler con su cuenta y sus permisos. Trátelo como una contraseña y revóquelo cuando ya no lo necesite.',
        [errors, status, reveal, wrap, form], 'card--wide'),
      load: load
    };
  }

  /* ---------------------------------------------------------- invitation */

  /*
   * /invitacion#TOKEN on the master host: the contact of an invited school
   * registers it (profile and first administrator) without a session. The
   * token leaves the address bar at once, like a support link's; this tab
   * keeps it in sessionStorage so a reload does not lose the form's link.
   */
  var INVITATION_KEY = 'bis-invitation';
  var invitationToken = null;

  function takeInvitationToken() {
    var token = location.hash.replace(/^#/, '');
    if (location.hash) history.replaceState(null, '', location.pathname);
    if (token) {
      invitationToken = token;
      try { sessionStorage.setItem(INVITATION_KEY, token); } catch (e) { /* storage off: memory only */ }
    } else if (!invitationToken) {
      try { invitationToken = sessionStorage.getItem(INVITATION_KEY); } catch (e) { invitationToken = null; }
    }
  }

  function forgetInvitationToken() {
    invitationToken = null;
    try { sessionStorage.removeItem(INVITATION_KEY); } catch (e) { /* nothing stored */ }
  }

  function invitationInvalid(message, moveFocus) {
    setView('Invitación no válida', h('section', { class: 'card narrow' },
      h('p', { class: 'auth__school', text: 'Invitación a BiScheduler' }),
      h('h1', { tabindex: '-1', text: 'Esta invitación ya no es válida' }),
      h('p', { class: 'notice notice--error', role: 'alert', text: message }),
      h('p', { text: 'Cada invitación sirve una sola vez y vence a los 14 días. Si su plantel ya quedó registrado, ingrese desde su dirección web; si no, pida una nueva invitación a quien le envió esta.' }),
      h('p', null, h('a', { href: '/', 'data-route': '', class: 'btn btn--secondary', text: 'Ir a la página de inicio' }))), moveFocus);
  }

  async function showInvitation(moveFocus) {
    var token = invitationToken;
    if (!token) {
      invitationInvalid('El enlace está incompleto: le falta el código de la invitación. Ábralo tal como lo recibió.', moveFocus);
      return;
    }
    var alive = setView('Invitación', h('p', { class: 'loading', text: 'Verificando la invitación…' }), false);
    try {
      var inv = await api('GET', '/api/v1/invitations/' + encodeURIComponent(token), undefined, { allow401: true });
      if (!alive()) return;
      invitationForm(inv, token, moveFocus);
    } catch (err) {
      if (!alive()) return;
      if (err.status === 404) {
        forgetInvitationToken();
        invitationInvalid(err.message, moveFocus);
        return;
      }
      setView('Invitación', h('section', { class: 'card narrow' },
        h('h1', { tabindex: '-1', text: 'No se pudo abrir la invitación' }),
        h('p', { class: 'notice notice--error', role: 'alert', text: err.message }),
        h('p', null, h('button', { type: 'button', class: 'btn btn--primary', onclick: function () { showInvitation(true); }, text: 'Reintentar' }))), moveFocus);
    }
  }

  function invitationForm(inv, token, moveFocus) {
    var errors = messageArea('error');
    var titleId = uid('t');
    var base = baseDomain();
    var preview = h('strong', { class: 'host-preview' });
    var code = field({
      name: 'code', label: 'Código del plantel', autocapitalize: 'none', spellcheck: 'false', maxlength: '40', wide: true,
      hint: ['Minúsculas, números y guiones (2 a 40). Forma la dirección web del plantel: ', preview], required: true
    });
    var name = field({ name: 'name', label: 'Nombre del plantel', maxlength: '200', value: inv.school_name, wide: true, required: true });
    var profile = profileFields('Elija un estado');
    var adminName = field({ name: 'admin_name', label: 'Nombre completo', hint: 'Nombre y apellido.', autocomplete: 'name', maxlength: '200', required: true });
    var adminEmail = field({ name: 'admin_email', label: 'Correo electrónico', type: 'email', inputmode: 'email', autocomplete: 'email', autocapitalize: 'none', spellcheck: 'false', maxlength: '254', value: inv.contact_email, hint: 'Con él ingresará al sistema del plantel.', required: true });
    var adminPassword = field({ name: 'admin_password', label: 'Contraseña', type: 'password', autocomplete: 'new-password', hint: 'Al menos 10 caracteres. Nadie más la conocerá: guárdela en un lugar seguro.', maxlength: '256', required: true });
    addPasswordToggle(adminPassword.input);
    var submit = h('button', { type: 'submit', class: 'btn btn--primary', text: 'Registrar plantel' });

    function updatePreview() {
      var c = code.input.value.trim().toLowerCase();
      preview.textContent = 'bischeduler-' + (c || 'código') + '.' + base + (location.port ? ':' + location.port : '');
    }
    code.input.addEventListener('input', updatePreview);
    updatePreview();

    var inputs = { code: code.input, name: name.input, admin_name: adminName.input, admin_email: adminEmail.input, admin_password: adminPassword.input };
    PROFILE_KEYS.forEach(function (k) { inputs[k] = profile[k].input; });
    var order = [code.input, name.input].concat(PROFILE_KEYS.map(function (k) { return profile[k].input; }),
      [adminName.input, adminEmail.input, adminPassword.input]);
    order.forEach(function (i) { i.setAttribute('aria-required', 'true'); });

    var form = h('form', { class: 'form', novalidate: true, 'aria-labelledby': titleId },
      errors,
      h('fieldset', { class: 'fieldset' },
        h('legend', { class: 'fieldset__legend', text: 'Datos del plantel' }),
        h('div', { class: 'form-grid' }, code.wrap, name.wrap, PROFILE_KEYS.map(function (k) { return profile[k].wrap; }))),
      h('fieldset', { class: 'fieldset' },
        h('legend', { class: 'fieldset__legend', text: 'Primer administrador(a) del plantel' }),
        h('p', { class: 'muted', text: 'La persona que dirigirá el plantel en BiScheduler: podrá agregar al resto del personal.' }),
        h('div', { class: 'form-grid' }, adminName.wrap, adminEmail.wrap, adminPassword.wrap)),
      h('div', { class: 'form-actions' }, submit));

    form.addEventListener('submit', async function (ev) {
      ev.preventDefault();
      errors.clear();
      if (!requireFilled(order, errors)) return;
      if (adminPassword.input.value.length < 10) {
        var msg = 'La contraseña debe tener al menos 10 caracteres.';
        markInvalid(adminPassword.input, true, msg);
        errors.show(msg);
        adminPassword.input.focus();
        return;
      }
      var body = {
        code: code.input.value.trim().toLowerCase(),
        name: name.input.value.trim(),
        admin_name: adminName.input.value.trim(),
        admin_email: adminEmail.input.value.trim(),
        admin_password: adminPassword.input.value
      };
      PROFILE_KEYS.forEach(function (k) { body[k] = profile[k].input.value.trim(); });
      setBusy(submit, true, 'Registrando…');
      try {
        var reply = await api('POST', '/api/v1/invitations/' + encodeURIComponent(token) + '/accept', body, { allow401: true });
        forgetInvitationToken();
        invitationDone(reply);
      } catch (err) {
        setBusy(submit, false);
        if (err.status === 404) {
          forgetInvitationToken();
          invitationInvalid(err.message, true);
          return;
        }
        showApiError(err, errors, inputs);
      }
    });

    setView('Invitación', h('section', { class: 'card invite' },
      h('p', { class: 'auth__school', text: 'Invitación a BiScheduler' }),
      h('h1', { id: titleId, tabindex: '-1', text: inv.school_name }),
      h('p', { text: 'Le invitaron a registrar su plantel en BiScheduler. Complete los datos del plantel y los de la persona que lo administrará: al terminar, el plantel tendrá su propia dirección web.' }),
      h('p', { class: 'muted invite__meta', text: 'Invitación para ' + inv.contact_email + '. Sirve una sola vez y vence el ' + formatInstant(inv.expires_at) + '.' }),
      form), moveFocus);
  }

  function invitationDone(reply) {
    var school = reply.school || {};
    var url = schoolUrl(school.host || '');
    setView('Plantel registrado', h('section', { class: 'card narrow' },
      h('p', { class: 'auth__school', text: 'Invitación aceptada' }),
      h('h1', { tabindex: '-1', text: school.name + ' ya está en BiScheduler' }),
      h('div', { class: 'live', role: 'status' },
        h('p', { class: 'notice notice--success', text: 'Se registró el plantel y su primer administrador(a), ' + reply.admin_email + '.' })),
      h('p', { text: 'Esta es la dirección web del plantel. Guárdela en los favoritos de su navegador: desde allí ingresarán usted y su personal.' }),
      h('p', { class: 'address-box' }, h('a', { href: url, class: 'host-link', text: url })),
      h('p', { text: 'Ingrese con el correo ' + reply.admin_email + ' y la contraseña que acaba de elegir.' }),
      h('p', null, h('a', { href: url, class: 'btn btn--primary', text: 'Ir a ' + school.name + ' e ingresar' }))), true);
  }

  /* --------------------------------------------------------------- audit */

  function showAudit(moveFocus) {
    if (!isAdmin(state.user)) {
      setView('Auditoría', h('section', { class: 'card narrow' },
        h('h1', { tabindex: '-1', text: 'Auditoría' }),
        h('p', { text: 'Su rol no tiene acceso a la auditoría. Solo la dirección del plantel y la administración de la plataforma pueden consultarla.' }),
        h('p', null, h('a', { href: '/', 'data-route': '', class: 'btn btn--secondary', text: 'Volver al inicio' }))), moveFocus);
      return;
    }

    var errors = messageArea('error');
    var status = messageArea('status');
    var actionOptions = [{ value: '', label: 'Todas' }].concat(Object.keys(ACTION_LABELS).map(function (a) {
      return { value: a, label: ACTION_LABELS[a] };
    }));
    var action = field({ name: 'action', label: 'Acción', options: actionOptions, value: '' });
    var actor = field({ name: 'actor', label: 'Usuario (correo)', type: 'email', inputmode: 'email', autocapitalize: 'none', spellcheck: 'false' });
    var from = field({ name: 'from', label: 'Desde', type: 'date' });
    var to = field({ name: 'to', label: 'Hasta', type: 'date' });
    var apply = h('button', { type: 'submit', class: 'btn btn--primary', text: 'Filtrar' });
    var reset = h('button', { type: 'button', class: 'btn btn--ghost', text: 'Limpiar filtros' });
    var filters = h('form', { class: 'filters', novalidate: true, role: 'search', 'aria-label': 'Filtros de la auditoría' },
      h('div', { class: 'filters__grid' }, action.wrap, actor.wrap, from.wrap, to.wrap),
      h('div', { class: 'form-actions' }, apply, reset));

    var wrap = dataTable('Registro de auditoría', [
      { label: 'Fecha y hora' }, { label: 'Usuario' }, { label: 'Rol' }, { label: 'Acción' },
      { label: 'Entidad' }, { label: 'ID' }, { label: 'IP' }
    ]);
    var table = tableOf(wrap);
    table.classList.add('table--audit');
    var more = h('button', { type: 'button', class: 'btn btn--secondary', text: 'Más' });
    var moreWrap = h('div', { class: 'more', hidden: true }, more);
    var cursor = null;
    var shown = 0;
    var current = {};

    var platform = state.user.role === 'platform_admin';
    var alive = setView('Auditoría', [
      h('div', { class: 'page-head' },
        h('h1', { tabindex: '-1', text: 'Auditoría' }),
        h('p', { class: 'muted', text: platform
          ? 'Acciones registradas en la plataforma, de la más reciente a la más antigua. Las fechas usan la hora de ' + schoolName() + '.'
          : 'Acciones registradas en ' + schoolName() + ', de la más reciente a la más antigua, en la hora del plantel.' })),
      h('section', { class: 'card card--wide', 'aria-label': 'Registro de auditoría' },
        filters, errors, status, wrap, moreWrap)
    ], moveFocus);

    function row(item) {
      var act = ACTION_LABELS[item.action] || item.action || '';
      table.addRow([
        h('time', { datetime: item.at || '', text: formatInstant(item.at, true) }),
        item.actor ? breakable(item.actor) : '—',
        item.role ? breakable(roleLabel(item.role)) : '—',
        h('span', { class: 'action action--' + String(item.action || '').replace(/[^a-z_]/g, ''), title: item.action || '', text: act }),
        ENTITY_LABELS[item.entity] || item.entity || '—',
        item.entity_id === null || item.entity_id === undefined || item.entity_id === '' ? '—' : String(item.entity_id),
        item.ip || '—'
      ]);
    }

    async function fetchPage(resetRows) {
      var params = Object.assign({ limit: 50 }, current);
      if (!resetRows) params.cursor = cursor;
      try {
        var reply = await api('GET', '/api/v1/audit' + query(params));
        if (!alive()) return;
        var items = (reply && reply.items) || [];
        if (resetRows) { table.clearRows(); shown = 0; }
        items.forEach(row);
        shown += items.length;
        if (resetRows && !items.length) table.setMessage('No hay registros con estos filtros.');
        cursor = reply && reply.next_cursor;
        moreWrap.hidden = !cursor;
        status.show(shown === 0 ? '' : (shown === 1 ? 'Se muestra 1 registro.' : 'Se muestran ' + shown + ' registros.') +
          (cursor ? ' Hay más: use el botón «Más».' : ''), 'quiet');
      } catch (err) {
        if (!alive() || err.handled) return;
        if (resetRows) table.setMessage('No se pudo cargar el registro.');
        showApiError(err, errors, { action: action.input, actor: actor.input, from: from.input, to: to.input });
      }
    }

    filters.addEventListener('submit', async function (ev) {
      ev.preventDefault();
      errors.clear();
      [from.input, to.input].forEach(function (i) { markInvalid(i, false); });
      if (from.input.value && to.input.value && from.input.value > to.input.value) {
        markInvalid(to.input, true);
        errors.show('La fecha «Hasta» no puede ser anterior a la fecha «Desde».');
        to.input.focus();
        return;
      }
      current = { action: action.input.value, actor: actor.input.value.trim(), from: from.input.value, to: to.input.value };
      setBusy(apply, true, 'Filtrando…');
      table.setMessage('Cargando…');
      await fetchPage(true);
      setBusy(apply, false);
    });

    reset.addEventListener('click', async function () {
      action.input.value = '';
      actor.input.value = '';
      from.input.value = '';
      to.input.value = '';
      errors.clear();
      current = {};
      table.setMessage('Cargando…');
      await fetchPage(true);
    });

    more.addEventListener('click', async function () {
      setBusy(more, true, 'Cargando…');
      await fetchPage(false);
      setBusy(more, false);
    });

    table.setMessage('Cargando registro…');
    fetchPage(true);
  }

  /* ---------------------------------------------------------------- boot */

  function showFatal(title, message) {
    setView(title, h('section', { class: 'card narrow' },
      h('h1', { tabindex: '-1', text: title }),
      h('p', { text: message }),
      h('p', null, h('button', { type: 'button', class: 'btn btn--primary', onclick: function () { location.reload(); }, text: 'Reintentar' }))), true);
  }

  async function logout() {
    var button = $('logout-button');
    setBusy(button, true, 'Cerrando…');
    try {
      await api('POST', '/api/v1/auth/logout', undefined, { allow401: true });
    } catch (err) {
      if (err.status === 0) {
        setBusy(button, false);
        globalError('No se pudo cerrar la sesión: ' + err.message);
        return;
      }
      /* Any other failure (e.g. an expired session) leaves no session behind either. */
    }
    setBusy(button, false);
    if (location.pathname !== '/') history.replaceState(null, '', '/');
    sessionEnded('Su sesión se cerró correctamente.');
    var title = $('signin-title');
    if (title) title.focus();
  }

  async function boot() {
    $('logout-button').addEventListener('click', logout);
    document.addEventListener('click', function (ev) {
      var a = ev.target.closest && ev.target.closest('a[data-route]');
      if (!a || ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
      ev.preventDefault();
      navigate(a.getAttribute('href'));
    });
    $('brand-link').setAttribute('data-route', '');
    window.addEventListener('popstate', function () { route(true); });
    /* Another invitation link pasted into a tab already on /invitacion only changes the hash. */
    window.addEventListener('hashchange', function () {
      if (currentRoute() !== 'invitation' || !location.hash) return;
      takeInvitationToken();
      route(true);
    });

    try {
      var b = await api('GET', '/api/v1/branding', undefined, { allow401: true });
      state.branding = (b && b.school) || null;
      applyBranding();
    } catch (err) {
      showFatal('No se pudo abrir el plantel', err.message);
      return;
    }

    if (currentRoute() === 'support') {
      await supportSignIn();
      return;
    }
    if (currentRoute() === 'invitation') takeInvitationToken();
    try {
      var me = await api('GET', '/api/v1/auth/me', undefined, { allow401: true });
      setSession(me);
      route(false);
    } catch (err) {
      if (err.status === 401) {
        if (currentRoute() === 'invitation') showInvitation(false);
        else showSignIn();
      } else showFatal('No se pudo abrir BiScheduler', err.message);
    }
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot);
  else boot();
})();
