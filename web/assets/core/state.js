/*
 * The app's state, in memory only: the school of this host (from
 * /api/v1/branding), the signed-in user and the CSRF token that the server
 * returns from sign-in and /auth/me. The session itself is the HttpOnly
 * cookie. Modules import this one object and read it when they need it.
 */

export const state = {
  branding: null,   /* {code, name, is_master, timezone} */
  look: null,       /* the school's branding: colours, motto, contacts, logo_url */
  publicSettings: null, /* the public settings (show_contacts_on_signin, ...) */
  user: null,       /* USER of the API */
  csrf: null,
  viewSeq: 0        /* bumped on every view change, so late replies are ignored */
};

export function schoolName() {
  return (state.branding && state.branding.name) || 'BiScheduler';
}

export function isAdmin(user) {
  return !!user && (user.role === 'platform_admin' || user.role === 'school_admin');
}

/* Holds manage_records (students, staff, structure, import, export): the school admin. */
export function canManageRecords(user) {
  return !!user && user.role === 'school_admin';
}

export const ROLE_LABELS = {
  platform_admin: 'Administrador de plataforma',
  school_admin: 'Director(a)/Administrador(a) del plantel',
  teacher: 'Docente',
  parent: 'Representante',
  operator: 'Operador (línea de comandos)'
};

export function roleLabel(role) { return ROLE_LABELS[role] || role || ''; }

/*
 * The base domain B of this host: the master host is bischeduler.B (or
 * scheduler.B), a guest school's host bischeduler-CODE.B.
 */
export function baseDomain() {
  return location.hostname.replace(/^(bi)?scheduler(-[a-z0-9-]+)?\./, '');
}

/* A school's host (as the API gives it, without port) as an address on this server's port. */
export function schoolUrl(host) {
  const full = host.indexOf(':') < 0 && location.port ? host + ':' + location.port : host;
  return location.protocol + '//' + full + '/';
}

/*
 * An RFC 3339 instant as "14/03/2025 09:05" in the school's time zone.
 * Without Intl time zone support (old phones) the instant's own digits are
 * shown, which the API already gives in the school's zone for the audit log.
 */
export function formatInstant(s, withSeconds) {
  if (!s) return '';
  const text = String(s);
  const tz = state.branding && state.branding.timezone;
  const d = new Date(text);
  if (tz && !isNaN(d.getTime()) && window.Intl && Intl.DateTimeFormat) {
    try {
      const parts = {};
      new Intl.DateTimeFormat('es-VE', {
        timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit',
        hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23'
      }).formatToParts(d).forEach((p) => { parts[p.type] = p.value; });
      if (parts.year && parts.hour) {
        const hour = parts.hour === '24' ? '00' : parts.hour;
        return parts.day + '/' + parts.month + '/' + parts.year + ' ' + hour + ':' + parts.minute +
          (withSeconds ? ':' + parts.second : '');
      }
    } catch (e) { /* fall through to the literal digits */ }
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?/.exec(text);
  if (!m) return text;
  return m[3] + '/' + m[2] + '/' + m[1] + ' ' + m[4] + ':' + m[5] + (withSeconds && m[6] ? ':' + m[6] : '');
}
