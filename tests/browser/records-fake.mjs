// A fake of the school records API (PLAN13 contract: students,
// representatives, staff, structure, import, export) served to the page
// with page.route, so the records pages can be driven whatever parts of the
// API the server has. Each call is logged in fake.calls
// ({method, path, query, body}) for the tests to check what the page sent.

export function makeFake() {
  const grades = [
    { id: 1, level: 'media_general', level_label: 'Media General', number: 1, name: '1er Año' },
    { id: 2, level: 'media_general', level_label: 'Media General', number: 2, name: '2do Año' },
  ];
  const sections = [
    { id: 11, year_id: 1, grade_id: 1, grade: '1er Año', level: 'media_general', letter: 'A', name: '1er Año A', shift: 'manana', capacity: 35, room_id: 21, room: 'Aula 1', students: 2, boys: 1, girls: 1 },
    { id: 12, year_id: 1, grade_id: 2, grade: '2do Año', level: 'media_general', letter: 'A', name: '2do Año A', shift: 'tarde', capacity: 35, room_id: null, room: null, students: 1, boys: 1, girls: 0 },
  ];
  const rooms = [{ id: 21, name: 'Aula 1', capacity: 35, kind: 'aula' }, { id: 22, name: 'Laboratorio de Ciencias', capacity: 24, kind: 'laboratorio' }];
  const subjects = [{ id: 31, name: 'Matemática', code: 'MAT', level: 'media_general' }, { id: 32, name: 'Castellano', code: 'CAS', level: 'media_general' }];
  const years = [{ id: 1, name: '2025-2026', starts_on: '2025-09-15', ends_on: '2026-07-31', is_current: true,
    lapsos: [{ number: 1, starts_on: '2025-09-15', ends_on: '2025-12-19' }, { number: 2, starts_on: '2026-01-07', ends_on: '2026-04-03' }, { number: 3, starts_on: '2026-04-13', ends_on: '2026-07-31' }] }];
  const staff = [{ id: 41, cedula: 'V10111222', first_names: 'Carmen Elena', last_names: 'Rodríguez Pérez', email: 'carmen@demo.test', phone: '0414-1112233',
    cargo: 'Docente', max_weekly_periods: 24, active: true, user_id: null, subject_ids: [31], subjects: [{ id: 31, name: 'Matemática' }] }];
  const rep = { id: 51, cedula: 'V12345678', first_names: 'María José', last_names: 'González de Pérez', gender: 'H', mobile_phone: '0414-5556677', email: 'maria@correo.test', occupation: 'Comerciante', address: 'Calle 5, casa 12', user_id: null };
  const students = [];
  const names = [['Ana Sofía', 'Pérez González', 'H'], ['Luis Alberto', 'Pérez González', 'V'], ['José Gregorio', 'Zambrano Ruiz', 'V']];
  for (let i = 0; i < 60; i++) {
    const n = names[i % 3];
    students.push({ id: 100 + i, cedula: i === 0 ? '12345678901' : 'V' + (30000000 + i), cedula_escolar: i === 0, first_names: n[0], last_names: i < 3 ? n[1] : n[1] + ' ' + i, gender: n[2],
      section_id: i % 2 ? 12 : 11, section: i % 2 ? '2do Año A' : '1er Año A', grade_id: i % 2 ? 2 : 1, grade: i % 2 ? '2do Año' : '1er Año', status: i === 5 ? 'retirado' : 'activo' });
  }
  function detail(s) {
    return Object.assign({}, s, {
      birth_date: '2012-04-03', birth_city: 'Barquisimeto', birth_state: 'Lara', nationality: 'Venezolana', blood_type: 'O+',
      allergies: 'Penicilina', medical_conditions: '', address: 'Calle 5, casa 12', city: 'Barquisimeto', state: 'Lara', phone: '0251-4445566', email: '',
      academic_condition: 'regular', family_group: '', payment_condition: '',
      section: s.section_id ? { id: s.section_id, name: s.section, grade: s.grade, year: '2025-2026' } : null,
      representatives: [Object.assign({ position: 1, relationship: 'Madre', is_primary: true, may_pick_up: true }, rep)],
      authorized: [{ position: 1, first_names: 'Pedro', last_names: 'Pérez', cedula: 'V9876543', phone: '0412-1234567' }],
      history: [{ section_id: s.section_id, section: s.section, year: '2025-2026', starts_on: '2025-09-15', ends_on: null, start_reason: 'ingreso', end_reason: null }],
    });
  }
  const report = {
    format: 'xlsx', layout: 130, mode: 'dry_run', committed: false, rows: 4, created: 2, updated: 1, unchanged: 0, rejected: 1, warnings: 1,
    grades_created: [], sections_created: ['1er Año B'], representatives_created: 2, representatives_updated: 0,
    problems: [
      { row: 6, column: 'Cédula de identidad', value: 'V-12.34', message: 'La cédula no es válida: debe tener entre 6 y 8 dígitos.', severity: 'error' },
      { row: 7, column: 'Fecha de nacimiento', value: '2015-02-30', message: 'La cédula escolar indica el año 2014, pero la fecha de nacimiento es de 2015.', severity: 'warning' },
    ],
    problems_total: 2,
  };
  const fake = { calls: [], uploads: [], students, report };

  function json(route, status, body) {
    return route.fulfill({ status, contentType: 'application/json', body: JSON.stringify(body) });
  }

  fake.install = async (page) => {
    await page.route(/\/api\/v1\/(students|representatives|staff|grades|sections|subjects|rooms|years|imports|exports)(\/|\?|$)/, async (route) => {
      const req = route.request();
      const url = new URL(req.url());
      const method = req.method();
      const p = url.pathname.replace('/api/v1/', '');
      const q = Object.fromEntries(url.searchParams.entries());
      let body = null;
      if (p.startsWith('imports/')) {
        const buf = req.postDataBuffer();
        fake.uploads.push({ query: q, size: buf ? buf.length : 0, text: buf ? buf.toString('latin1') : '' });
      } else if (method !== 'GET') {
        try { body = req.postDataJSON(); } catch { body = null; }
      }
      fake.calls.push({ method, path: p, query: q, body });

      if (p === 'grades') return json(route, 200, { items: grades, next_cursor: null, total: grades.length });
      if (p === 'sections') return json(route, 200, { items: sections, next_cursor: null, total: sections.length });
      if (p === 'rooms') return json(route, 200, { items: rooms, next_cursor: null, total: rooms.length });
      if (p === 'subjects') return json(route, 200, { items: subjects, next_cursor: null, total: subjects.length });
      if (p === 'years' && method === 'GET') return json(route, 200, { items: years, next_cursor: null, total: years.length });
      if (/^years\/\d+\/promote$/.test(p)) {
        return json(route, 201, { year: { id: 2, name: body.name, starts_on: body.starts_on, ends_on: body.ends_on, is_current: true, lapsos: [] },
          sections_created: 2, students_promoted: 40, students_graduated: 0, students_repeating: 0 });
      }
      if (p === 'staff' && method === 'GET') return json(route, 200, { items: staff, next_cursor: null, total: staff.length });
      if (p === 'staff' && method === 'POST') {
        const s = Object.assign({ id: 42, subjects: [] }, body);
        staff.push(s);
        return json(route, 201, s);
      }
      if (p === 'students' && method === 'GET') {
        let list = students.slice();
        if (q.q) list = list.filter((s) => (s.first_names + ' ' + s.last_names + ' ' + s.cedula).toLowerCase().includes(q.q.toLowerCase()));
        if (q.section_id) list = list.filter((s) => String(s.section_id) === q.section_id);
        if (q.grade_id) list = list.filter((s) => String(s.grade_id) === q.grade_id);
        if (q.status) list = list.filter((s) => s.status === q.status);
        const start = q.cursor ? Number(q.cursor) : 0;
        const limit = Number(q.limit || 50);
        const page = list.slice(start, start + limit);
        return json(route, 200, { items: page, next_cursor: start + limit < list.length ? String(start + limit) : null, total: list.length });
      }
      if (p === 'students' && method === 'POST') {
        const errors = [];
        if (!/^[VE]-?\d{6,8}$/.test(body.cedula || '') && !/^\d{10,12}$/.test(body.cedula || '')) errors.push({ field: 'cedula', message: 'La cédula no es válida: use V-12345678, E-81234567 o la cédula escolar.' });
        if (body.email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(body.email)) errors.push({ field: 'email', message: 'El correo electrónico no es válido.' });
        if (body.birth_date && body.birth_date > '2025-01-01') errors.push({ field: 'birth_date', message: 'La fecha de nacimiento no puede ser posterior a 2025.' });
        (body.representatives || []).forEach((r, i) => {
          if (r.mobile_phone && !/^0\d{3}-?\d{7}$/.test(r.mobile_phone)) errors.push({ field: `representatives[${i}].mobile_phone`, message: 'El teléfono no es válido: use 0414-1234567.' });
        });
        if (errors.length) return json(route, 422, { error: { code: 'invalid_field', message: errors[0].message, field: errors[0].field, errors } });
        const s = { id: 500, cedula: body.cedula.replace('-', ''), first_names: body.first_names, last_names: body.last_names, gender: body.gender,
          section_id: body.section_id, section: '1er Año A', grade_id: 1, grade: '1er Año', status: 'activo' };
        students.push(s);
        return json(route, 201, Object.assign(detail(s), { warnings: [{ field: 'cedula', message: 'El año de la cédula escolar (2013) no coincide con el de nacimiento (2012).' }] }));
      }
      let m = /^students\/(\d+)$/.exec(p);
      if (m) {
        const s = students.find((x) => String(x.id) === m[1]);
        if (!s) return json(route, 404, { error: { code: 'not_found', message: 'No se encontró el estudiante.' } });
        if (method === 'PATCH') Object.assign(s, body);
        return json(route, 200, detail(s));
      }
      m = /^students\/(\d+)\/withdraw$/.exec(p);
      if (m) {
        const s = students.find((x) => String(x.id) === m[1]);
        s.status = 'retirado';
        const d = detail(s);
        d.history[0].ends_on = body.date;
        d.history[0].end_reason = 'retiro';
        return json(route, 200, d);
      }
      if (/^representatives\/\d+$/.test(p)) {
        if (method === 'PATCH') Object.assign(rep, body);
        return json(route, 200, Object.assign({}, rep, { children: students.slice(0, 2).map((s) => ({ id: s.id, first_names: s.first_names, last_names: s.last_names, section: s.section, relationship: 'Madre' })) }));
      }
      if (p === 'representatives/invitations') {
        return json(route, 200, { items: [{ representative_id: 51, user_id: 9, email: rep.email, name: 'María José González de Pérez', link: 'http://bischeduler-demo.localhost/', password: 'Xk3-pQ7r-Lm2sTa9' }],
          skipped: [{ representative_id: 52, reason: 'Sin correo electrónico.' }] });
      }
      if (p === 'imports/matricula') {
        if (q.report === 'xlsx') return route.fulfill({ status: 200, contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', body: Buffer.from('PK\u0003\u0004fake') });
        if (q.mode === 'commit' && q.skip_invalid !== '1') {
          return json(route, 422, { error: { code: 'import_rejected', message: 'Hay 1 fila con errores: no se importó nada.', report: Object.assign({}, report, { mode: 'commit' }) } });
        }
        if (q.mode === 'commit') return json(route, 200, Object.assign({}, report, { mode: 'commit', committed: true, problems: [] }));
        return json(route, 200, report);
      }
      return json(route, 404, { error: { code: 'not_found', message: 'No se encontró lo que buscaba.' } });
    });
  };
  return fake;
}
