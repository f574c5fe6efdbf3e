// The school records pages (issue 13) against the real server and its real
// stores: the demo school (300 students enrolled by `init --demo`) plus a
// few students and representatives added here through the real API (a
// small Matrícula CSV imported with POST /api/v1/imports/matricula).
// Navigation for a school admin, every page at 1280 and 360 px
// (screenshots, no sideways scroll), deep addresses and the server's 404s,
// the students list's search, filters and paging, a student form with
// several invalid fields shown at once (sub-form fields too) and the
// warnings of a save, a withdrawal with its confirmation, the promotion's
// confirmation, and the import's dry run, problem list, commit with
// "omitir filas con errores" and invitations. What a page sent is checked
// by reading back what the server now holds.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  DIRECTORA_EMAIL, DIRECTORA_NAME, DIRECTORA_PASSWORD,
  assertNoProblems, closePage, eventually, horizontalOverflow, launchBrowser, openPage, request, screenshot, signInHome,
  startServer, waitForText,
} from './harness.mjs';

const REP_HEADER = ['Nombre de Representante', 'Apellido de Representante', 'Cédula de identidad de Representante',
  'Parentesco de Representante', 'Correo electrónico de Representante'];
const HEADER = ['Grado', 'Sección', 'Nombre', 'Apellido', 'Cédula de identidad', 'Género', 'Fecha de nacimiento', ...REP_HEADER];
const MARIA = ['María José', 'González de Pérez', 'V-12.345.678', 'Madre', 'maria.gonzalez@correo.test'];
const NO_REP = ['', '', '', '', ''];

/* The students this file adds to the demo school: two siblings sharing a
 * representative, one to withdraw, and 15 "Yrigoyen" (10 in 2do Año A, 5 in
 * 1er Año A) for the list's search and grade filter. */
function setupRows() {
  const rows = [
    ['1er Año', 'A', 'Ana Sofía', 'Pérez González', 'V-31.100.001', 'Femenino', '03/04/2012', ...MARIA],
    ['1er Año', 'A', 'Luis Alberto', 'Pérez González', 'V-31.100.002', 'Masculino', '15/08/2013', ...MARIA],
    ['1er Año', 'A', 'José Gregorio', 'Zambrano Ruiz', 'V-31.100.003', 'Masculino', '20/01/2012', ...NO_REP],
  ];
  for (let i = 0; i < 15; i++) {
    rows.push([i < 10 ? '2do Año' : '1er Año', 'A', 'Estudiante ' + (i + 1), 'Yrigoyen Mora', 'V-31.200.' + String(100 + i),
      i % 2 ? 'Masculino' : 'Femenino', '10/10/2011', ...NO_REP]);
  }
  return rows;
}

const csvOf = (rows) => [HEADER, ...rows].map((r) => r.join(';')).join('\n') + '\n';

/* Today in the school's time zone, as YYYY-MM-DD. */
const today = () => new Date().toLocaleDateString('en-CA', { timeZone: 'America/Caracas' });
const dmy = (iso) => iso.split('-').reverse().join('/');

describe('school records pages (real server)', { timeout: 240000 }, () => {
  let server;
  let browser;
  let auth;
  const ids = {};

  async function api(method, p, body, headers = {}) {
    const r = await request(server.port, server.demoHost, method, p, { headers: { ...auth, ...headers }, body });
    return r;
  }
  async function apiOk(method, p, body, headers) {
    const r = await api(method, p, body, headers);
    assert.ok(r.status >= 200 && r.status < 300, `${method} ${p}: ${r.status} ${r.body.slice(0, 500)}`);
    return r.json;
  }
  const studentByCedula = async (cedula) => (await apiOk('GET', '/api/v1/students?q=' + encodeURIComponent(cedula))).items.find((s) => s.cedula === cedula);

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const login = await request(server.port, server.demoHost, 'POST', '/api/v1/auth/login',
      { body: { email: DIRECTORA_EMAIL, password: DIRECTORA_PASSWORD } });
    assert.equal(login.status, 200, login.body);
    auth = { Cookie: (login.headers['set-cookie'] || []).map((c) => c.split(';')[0]).join('; '), 'X-CSRF-Token': login.json.csrf_token };
    const rep = await apiOk('POST', '/api/v1/imports/matricula?mode=commit&filename=preparacion.csv', csvOf(setupRows()),
      { 'Content-Type': 'text/csv' });
    assert.equal(rep.created, 18, JSON.stringify(rep));
    ids.ana = (await studentByCedula('V31100001')).id;
    ids.jose = (await studentByCedula('V31100003')).id;
    const ana = await apiOk('GET', `/api/v1/students/${ids.ana}`);
    ids.maria = ana.representatives[0].id;
    ids.grades = (await apiOk('GET', '/api/v1/grades')).items;
    ids.sections = (await apiOk('GET', '/api/v1/sections?limit=100')).items;
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  async function open(width = 1280, allow = []) {
    const page = await openPage(browser, { width, height: 800, allow });
    await signInHome(page, server.demoUrl, DIRECTORA_EMAIL, DIRECTORA_PASSWORD, DIRECTORA_NAME);
    return page;
  }

  test('a school admin finds the records pages in the navigation; each renders at 1280 and 360 px', async () => {
    const PAGES = [
      ['estudiantes', '/estudiantes', 'Estudiantes'],
      ['estudiante', `/estudiantes/${ids.ana}`, 'Ana Sofía Pérez González'],
      ['estudiante-nuevo', '/estudiantes/nuevo', 'Nuevo estudiante'],
      ['estudiante-editar', `/estudiantes/${ids.ana}/editar`, 'Editar: Ana Sofía Pérez González'],
      ['representante', `/representantes/${ids.maria}`, 'María José González de Pérez'],
      ['personal', '/personal', 'Personal'],
      ['estructura', '/estructura', 'Estructura del plantel'],
      ['importar', '/importar', 'Importar Matrícula'],
      ['exportar', '/exportar', 'Exportar'],
    ];
    for (const width of [1280, 360]) {
      const page = await open(width);
      try {
        const nav = page.getByRole('navigation', { name: 'Navegación principal' });
        for (const name of ['Estudiantes', 'Personal', 'Estructura', 'Importar', 'Exportar']) {
          await nav.getByRole('link', { name, exact: true }).waitFor();
        }
        await nav.getByRole('link', { name: 'Estudiantes', exact: true }).click();
        await page.getByRole('heading', { level: 1, name: 'Estudiantes' }).waitFor();
        assert.equal(new URL(page.url()).pathname, '/estudiantes');
        for (const [shot, p, h1] of PAGES) {
          // A reload on a deep address gets the app too (the server answers it with index.html).
          await page.goto(server.demoUrl + p);
          await page.getByRole('heading', { level: 1, name: h1, exact: true }).waitFor();
          await page.waitForLoadState('networkidle');
          assert.equal(await horizontalOverflow(page), 0, `${p} fits ${width} px`);
          if (p.startsWith('/estudiantes') || p.startsWith('/representantes')) {
            assert.equal(await nav.getByRole('link', { name: 'Estudiantes', exact: true }).getAttribute('aria-current'), 'page', p);
          }
          await screenshot(page, `records-${shot}-${width}`);
        }
        // The student page shows her representative, the one the import linked.
        await page.goto(server.demoUrl + `/estudiantes/${ids.ana}`);
        await page.getByRole('link', { name: 'González de Pérez, María José' }).click();
        await page.getByRole('heading', { level: 1, name: 'María José González de Pérez', exact: true }).waitFor();
        await eventually(async () => (await page.locator('tbody tr').count()) === 2, 'both children on the representative page');
        await assertNoProblems(page);
      } finally {
        await closePage(page);
      }
    }
    // The server answers the app for the records pages, ids included, and nothing odd under them.
    for (const p of ['/estudiantes', '/estudiantes/nuevo', `/estudiantes/${ids.ana}`, `/estudiantes/${ids.ana}/editar`,
      `/representantes/${ids.maria}`, '/personal', '/estructura', '/importar', '/exportar']) {
      const r = await request(server.port, server.demoHost, 'GET', p, { headers: { Accept: 'text/html' } });
      assert.equal(r.status, 200, p);
      assert.match(r.body, /<script type="module" src="\/assets\/app\.js">/, p);
    }
    for (const p of ['/estudiantes/', '/estudiantes/a.b', '/representantes/%3Cx%3E']) {
      assert.equal((await request(server.port, server.demoHost, 'GET', p, { headers: { Accept: 'text/html' } })).status, 404, p);
    }
    // A deep address of a record that does not exist: the API's 404, said on the page.
    assert.equal((await api('GET', '/api/v1/students/999999')).status, 404);
    assert.equal((await api('GET', '/api/v1/representatives/999999')).status, 404);
    const page = await open(1280, [/status of 404 .*\/api\/v1\/(students|representatives)\/999999$/]);
    try {
      await page.goto(server.demoUrl + '/estudiantes/999999');
      await page.getByText('No se encontró este estudiante. Puede que el enlace esté incompleto.').waitFor();
      await page.goto(server.demoUrl + '/representantes/999999');
      await page.getByText('No se encontró este representante.').waitFor();
      await assertNoProblems(page);
    } finally {
      await closePage(page);
    }
  });

  test('the students list searches, filters by grade and section, pages with "Mostrar más" and keeps the filters in the address', async () => {
    const page = await open();
    try {
      const all = await apiOk('GET', '/api/v1/students?limit=50');
      const second = await apiOk('GET', '/api/v1/students?limit=50&cursor=50');
      const total = all.total;
      assert.ok(total > 100, `the demo school and ours: ${total}`);
      const n = (x) => x.toLocaleString('es-VE');
      await page.goto(server.demoUrl + '/estudiantes');
      const rows = page.locator('tbody tr');
      await eventually(async () => (await rows.count()) === 50, '50 rows');
      await waitForText(page.locator('.list-count'), `Mostrando 50 de ${n(total)} estudiantes.`);
      await page.getByRole('button', { name: 'Mostrar más' }).click();
      await eventually(async () => (await rows.count()) === 100, '100 rows');
      await waitForText(page.locator('.list-count'), `Mostrando 100 de ${n(total)} estudiantes.`);
      // The second page is the server's next page, in its order.
      const s = second.items[0];
      assert.equal((await rows.nth(50).locator('td').first().textContent()).trim(), `${s.last_names}, ${s.first_names}`);
      const f = all.items[0];
      assert.equal((await rows.nth(0).locator('td').first().textContent()).trim(), `${f.last_names}, ${f.first_names}`);

      // Gender as the Matrícula writes it.
      await page.getByLabel('Buscar por nombre o cédula').fill('pérez gonzález');
      await page.getByRole('button', { name: 'Buscar', exact: true }).click();
      const ana = rows.filter({ hasText: 'Ana Sofía' });
      await ana.waitFor();
      assert.deepEqual((await ana.locator('td').allTextContents()).slice(1, 4), ['V-31100001', 'H', '1er Año A']);
      await page.getByLabel('Buscar por nombre o cédula').fill('');

      const grade = ids.grades.find((g) => g.name === '2do Año');
      const inGrade = await apiOk('GET', `/api/v1/students?grade_id=${grade.id}&limit=100`);
      assert.ok(inGrade.total < 50, 'one page');
      await page.getByLabel('Grado', { exact: true }).selectOption({ label: '2do Año' });
      await eventually(async () => (await rows.count()) === inGrade.total, `only 2do Año (${inGrade.total})`);
      await waitForText(page.locator('.list-count'), `Mostrando ${inGrade.total} de ${inGrade.total} estudiantes.`);
      assert.ok(await page.getByRole('button', { name: 'Mostrar más' }).isHidden());
      for (const g of await rows.locator('td:nth-child(4)').allTextContents()) assert.match(g, /^2do Año /);
      // The section filter offers only that grade's sections.
      const sections = ids.sections.filter((x) => x.grade_id === grade.id).map((x) => x.name).sort();
      assert.deepEqual(await page.getByLabel('Sección', { exact: true }).locator('option').allTextContents(), ['Todas', ...sections]);
      await page.getByLabel('Buscar por nombre o cédula').fill('yrigoyen');
      await page.getByRole('button', { name: 'Buscar', exact: true }).click();
      // 15 Yrigoyen in the school, 10 of them in 2do Año.
      await eventually(async () => (await rows.count()) === 10, 'search results');
      assert.match(page.url(), new RegExp(`/estudiantes\\?q=yrigoyen&grado=${grade.id}$`));
      await page.getByLabel('Sección', { exact: true }).selectOption({ label: '2do Año B' });
      await page.getByText('No hay estudiantes que coincidan con la búsqueda.').waitFor();
      await page.getByLabel('Sección', { exact: true }).selectOption({ label: '2do Año A' });
      await eventually(async () => (await rows.count()) === 10, 'the 10 in 2do Año A');
      await rows.nth(0).getByRole('link').click();
      await page.getByRole('heading', { level: 1, name: /Yrigoyen/ }).waitFor();
      await page.goBack();
      await eventually(async () => (await rows.count()) === 10, 'the same search after going back');
      assert.equal(await page.getByLabel('Buscar por nombre o cédula').inputValue(), 'yrigoyen');
      await assertNoProblems(page);
    } finally {
      await closePage(page);
    }
  });

  test('a new student with several invalid fields shows every message at once, sub-forms included; a save shows its warnings', async () => {
    const page = await open(1280, [/status of 422 .*\/api\/v1\/students$/]);
    try {
      const before = (await apiOk('GET', '/api/v1/students?limit=1')).total;
      await page.goto(server.demoUrl + '/estudiantes/nuevo');
      const form = page.locator('form.card--form');
      await page.getByRole('button', { name: 'Registrar estudiante' }).click();
      // Required fields first, all at once, without a request.
      const alert = form.getByRole('alert');
      await waitForText(alert, /^Complete los campos/);
      assert.ok((await form.locator('[aria-invalid="true"]').count()) >= 8, 'every empty required field is marked');

      const section = ids.sections.find((x) => x.name === '1er Año A');
      await page.getByLabel('Cédula', { exact: true }).fill('V-12.3');
      await page.getByLabel('Nombres', { exact: true }).fill('Valentina');
      await page.getByLabel('Apellidos', { exact: true }).fill('Rangel Díaz');
      await page.getByLabel('Sexo', { exact: true }).selectOption('H');
      await page.getByLabel('Fecha de nacimiento', { exact: true }).fill('2030-01-01');
      await page.getByLabel('Correo electrónico', { exact: true }).fill('valentina@');
      await page.getByLabel('Sección', { exact: true }).selectOption({ label: '1er Año A' });
      await page.getByLabel('Cédula del representante').fill('V-15.333.444');
      await page.getByLabel('Nombres del representante').fill('Carolina');
      await page.getByLabel('Apellidos del representante').fill('Díaz');
      await page.getByLabel('Teléfono celular').fill('12345');
      await page.getByRole('button', { name: 'Registrar estudiante' }).click();
      await waitForText(alert.locator('p').first(), 'Corrija los 4 campos marcados:');
      const lines = await alert.locator('li').allTextContents();
      assert.deepEqual(lines, [
        'Cédula: La cédula debe tener de 6 a 9 dígitos (por ejemplo, V-12345678).',
        'Fecha de nacimiento: La fecha de nacimiento no puede ser posterior a hoy.',
        'Correo electrónico: El correo electrónico no es válido (por ejemplo, nombre@dominio.com).',
        'Teléfono celular: El teléfono no es válido (por ejemplo, 0212-5551234 o 0414-1234567).',
      ], 'the server\'s messages, in page order');
      const phone = page.getByLabel('Teléfono celular');
      assert.equal(await phone.getAttribute('aria-invalid'), 'true', 'the sub-form field named representatives[0].mobile_phone');
      const phoneMsg = await page.locator('#' + (await phone.getAttribute('aria-describedby')).split(' ').pop()).textContent();
      assert.equal(lines[3], 'Teléfono celular: ' + phoneMsg);
      assert.equal(await page.evaluate(() => document.activeElement.name), 'cedula');
      await screenshot(page, 'records-student-errors-1280');
      await page.setViewportSize({ width: 360, height: 740 });
      assert.equal(await horizontalOverflow(page), 0);
      await screenshot(page, 'records-student-errors-360');
      await page.setViewportSize({ width: 1280, height: 800 });
      assert.equal((await apiOk('GET', '/api/v1/students?limit=1')).total, before, 'nothing saved');

      // A second representative and an authorized person, then a valid form
      // whose cédula escolar names another birth year (a warning, saved).
      await page.getByRole('button', { name: 'Agregar otro representante' }).click();
      await page.getByRole('group', { name: 'Representante 2' }).waitFor();
      await page.getByRole('button', { name: 'Quitar este representante' }).nth(1).click();
      assert.equal(await page.getByRole('group', { name: 'Representante 2' }).count(), 0);
      await page.getByRole('button', { name: 'Agregar persona autorizada' }).click();
      await page.getByLabel('Nombres de la persona autorizada').fill('Pedro');
      await page.getByLabel('Apellidos de la persona autorizada').fill('Rangel');
      await page.getByLabel('Tipo de documento').selectOption({ label: 'Cédula escolar (sin cédula propia)' });
      await page.getByLabel('Cédula', { exact: true }).fill('11415333444');
      await page.getByLabel('Fecha de nacimiento', { exact: true }).fill('2012-05-01');
      await page.getByLabel('Correo electrónico', { exact: true }).fill('');
      await phone.fill('0414-1234567');
      await page.getByRole('button', { name: 'Registrar estudiante' }).click();
      await page.getByRole('heading', { level: 1, name: /Valentina/ }).waitFor();
      const status = page.getByRole('status').filter({ hasText: 'advertencias' });
      await waitForText(status.locator('p'), 'Se registró a Valentina Rangel Díaz, con estas advertencias (revíselas):');
      assert.equal(await status.locator('li').first().textContent(),
        'Cédula: El año de nacimiento que indica la cédula escolar (2.º y 3.er dígitos) no coincide con la fecha de nacimiento.');
      // What the server holds.
      const id = Number(new URL(page.url()).pathname.split('/').pop());
      const saved = await apiOk('GET', `/api/v1/students/${id}`);
      assert.equal(saved.section.id, section.id);
      assert.equal(saved.representatives.length, 1);
      assert.equal(saved.representatives[0].cedula, 'V15333444');
      assert.equal(saved.representatives[0].is_primary, true);
      assert.equal(saved.representatives[0].mobile_phone, '0414-1234567');
      assert.deepEqual(saved.authorized.map((a) => [a.first_names, a.last_names]), [['Pedro', 'Rangel']]);
      assert.equal(saved.birth_date, '2012-05-01');
      assert.equal(saved.cedula, '11415333444');
      assert.equal(saved.cedula_escolar, true);
      await assertNoProblems(page);
    } finally {
      await closePage(page);
    }
  });

  test('withdrawing a student asks for the date and a confirmation that says what happens', async () => {
    const page = await open();
    try {
      const day = today();
      await page.goto(server.demoUrl + `/estudiantes/${ids.jose}`);
      await page.getByRole('heading', { level: 1, name: 'José Gregorio Zambrano Ruiz' }).waitFor();
      await page.getByRole('button', { name: 'Retirar del plantel' }).click();
      await page.getByLabel('Fecha de retiro').fill(day);
      await page.getByLabel('Motivo').fill('Cambio de domicilio');
      await page.getByRole('button', { name: 'Continuar' }).click();
      await waitForText(page.locator('.confirm__text'), new RegExp(`^¿Retirar a José Gregorio Zambrano Ruiz de 1er Año A a partir del ${dmy(day)}\\?`));
      assert.equal((await apiOk('GET', `/api/v1/students/${ids.jose}`)).status, 'activo', 'nothing saved before the confirmation');
      await page.getByRole('button', { name: 'Sí, retirar' }).click();
      await waitForText(page.getByRole('status').filter({ hasText: 'retiro' }), `Se registró el retiro de José Gregorio Zambrano Ruiz el ${dmy(day)}.`);
      await waitForText(page.locator('.identity .badge'), 'Retirado');
      assert.equal(await page.getByRole('button', { name: 'Retirar del plantel' }).count(), 0);
      const s = await apiOk('GET', `/api/v1/students/${ids.jose}`);
      assert.equal(s.status, 'retirado');
      const last = s.history[s.history.length - 1];
      assert.deepEqual([last.section, last.ends_on, last.end_reason], ['1er Año A', day, 'retiro']);
      await assertNoProblems(page);
    } finally {
      await closePage(page);
    }
  });

  test('import: the dry-run report, the problems, a commit of the same file skipping invalid rows, and invitations', async () => {
    const page = await open(1280, [/status of 422 .*\/api\/v1\/imports\/matricula/]);
    try {
      // Two new students (one in a new section, 1er Año C), Ana Sofía updated
      // (another birth date), a bad cédula, a cédula escolar of another year.
      const rows = [
        ['1er Año', 'C', 'Camila', 'Torrealba Suárez', 'V-31.300.001', 'Femenino', '11/11/2012', ...NO_REP],
        ['1er Año', 'A', 'Ana Sofía', 'Pérez González', 'V-31.100.001', 'Femenino', '04/04/2012', ...MARIA],
        ['2do Año', 'A', 'Rafael', 'Sin Cédula', 'V-12.34', 'Masculino', '01/02/2011', ...NO_REP],
        ['2do Año', 'A', 'Andrés', 'Torrealba Suárez', '11512345678', 'Masculino', '02/03/2011', ...NO_REP],
      ];
      const csv = csvOf(rows);
      const file = path.join(server.dataDir, 'matricula.csv');
      fs.writeFileSync(file, csv);
      await page.goto(server.demoUrl + '/importar');
      await page.getByLabel('Archivo de la Matrícula').setInputFiles(file);
      await page.getByRole('button', { name: 'Revisar archivo' }).click();
      await page.getByRole('heading', { name: 'Resultado de la revisión' }).waitFor({ timeout: 30000 });
      const tiles = await page.locator('.tile:visible').allTextContents();
      assert.deepEqual(tiles, ['Filas leídas4', 'Nuevos2', 'Actualizados1', 'Sin cambios0', 'Rechazados1', 'Advertencias1']);
      await page.getByText('1er Año C').first().waitFor();
      const problems = page.locator('.report tbody tr');
      const bad = problems.filter({ hasText: 'V-12.34' });
      const cells = await bad.locator('td').allTextContents();
      assert.deepEqual(cells.slice(0, 3), ['4', 'Cédula de identidad', 'V-12.34']);
      assert.match(cells[3], /cédula/i);
      assert.equal(cells[4], 'Error');
      assert.deepEqual(await problems.filter({ hasText: '11512345678' }).locator('td').allTextContents(), ['5', 'Cédula de identidad', '11512345678',
        'El año de nacimiento que indica la cédula escolar (2.º y 3.er dígitos) no coincide con la fecha de nacimiento.', 'Advertencia']);
      // The dry run saved nothing.
      assert.equal((await apiOk('GET', '/api/v1/students?q=torrealba')).total, 0);
      // The problems as .xlsx.
      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Descargar problemas (.xlsx)' }).click();
      const d = await download;
      assert.equal(d.suggestedFilename(), 'problemas-matricula.xlsx');
      const saved = path.join(server.dataDir, 'problemas.xlsx');
      await d.saveAs(saved);
      assert.equal(fs.readFileSync(saved).subarray(0, 2).toString(), 'PK', 'an .xlsx (a zip)');

      const go = page.getByRole('button', { name: /^Importar/ });
      assert.ok(await go.isDisabled(), 'rejected rows: all or nothing cannot go');
      await page.getByLabel('Omitir las filas con errores (se importan solo las filas correctas)').check();
      await screenshot(page, 'records-import-report-1280');
      await page.setViewportSize({ width: 360, height: 740 });
      assert.equal(await horizontalOverflow(page), 0);
      await screenshot(page, 'records-import-report-360');
      await page.setViewportSize({ width: 1280, height: 800 });
      await go.click();
      await page.getByRole('heading', { name: 'Matrícula importada' }).waitFor({ timeout: 30000 });
      // The same file committed, the bad row skipped.
      const torrealba = (await apiOk('GET', '/api/v1/students?q=torrealba')).items;
      assert.deepEqual(torrealba.map((s) => [s.first_names, s.section]).sort(), [['Andrés', '2do Año A'], ['Camila', '1er Año C']]);
      assert.equal((await apiOk('GET', '/api/v1/students?q=' + encodeURIComponent('sin cédula'))).total, 0);
      assert.equal((await apiOk('GET', `/api/v1/students/${ids.ana}`)).birth_date, '2012-04-04');

      await page.getByRole('button', { name: 'Invitar a los representantes con correo' }).click();
      await page.locator('.invite-round').waitFor({ timeout: 60000 });
      await page.getByText(/^Se enviaron invitaciones a 100 representantes\./).waitFor();
      const invitedRows = page.getByRole('table', { name: 'Representantes invitados' }).locator('tbody tr');
      assert.equal(await invitedRows.count(), 100, 'the API invites 100 per request');
      assert.equal(await page.getByRole('textbox', { name: /^Contraseña inicial de / }).count(), 0, 'no password is made or shown');
      await page.getByText(/^\d+ representantes no se invitaron$/).waitFor();
      // The first one invited has an invitation mail (queued or sent) and no password yet: they cannot sign in.
      const first = invitedRows.first();
      await waitForText(first, /Correo (por enviar|enviado)/);
      const email = (await first.locator('td').nth(1).textContent()).trim();
      const users = await apiOk('GET', '/api/v1/users?limit=200');
      assert.equal(users.items.find((u) => u.email === email).state, 'invited', email);
      await page.getByRole('button', { name: 'Invitar a los siguientes' }).waitFor();
      await screenshot(page, 'records-import-done-1280');
      await assertNoProblems(page);
    } finally {
      await closePage(page);
    }
  });

  test('promoting the current year says what will happen and needs an explicit "entiendo"', async () => {
    const page = await open();
    try {
      const current = (await apiOk('GET', '/api/v1/years')).items.find((y) => y.is_current);
      const [a, b] = current.name.split('-').map(Number);
      const next = `${a + 1}-${b + 1}`;
      await page.goto(server.demoUrl + '/estructura');
      await page.getByRole('button', { name: 'Promover a un nuevo año' }).click();
      const panel = page.locator('.confirm-panel');
      await panel.getByText('Los estudiantes del último grado (5to Año de Media General, 6to Año de Media Técnica) quedan como «Graduado».').waitFor();
      assert.equal(await panel.getByLabel('Nombre del nuevo año escolar').inputValue(), next);
      await panel.getByRole('button', { name: 'Sí, promover' }).click();
      await waitForText(panel.getByRole('alert'), 'Marque «Entiendo lo que va a pasar» para continuar.');
      assert.equal((await apiOk('GET', '/api/v1/years')).items.length, 1, 'nothing saved without "entiendo"');
      const dates = await panel.locator('input[type="date"]').evaluateAll((els) => els.map((e) => e.value));
      await panel.getByLabel('Entiendo lo que va a pasar').check();
      await screenshot(page, 'records-promote-1280');
      await panel.getByRole('button', { name: 'Sí, promover' }).click();
      await page.getByText(`Se creó el año escolar ${next}, que ahora es el actual.`).waitFor({ timeout: 30000 });
      const promoted = Number((await page.getByText(/^Estudiantes promovidos: \d+$/).textContent()).replace(/\D/g, ''));
      assert.ok(promoted > 200, `promoted ${promoted}`);
      const years = (await apiOk('GET', '/api/v1/years')).items;
      const now = years.find((y) => y.is_current);
      assert.equal(now.name, next);
      assert.deepEqual([now.starts_on, now.ends_on], dates, 'the dates the form proposed');
      // Ana Sofía moved on from 1er Año to 2do Año.
      assert.equal((await apiOk('GET', `/api/v1/students/${ids.ana}`)).section.grade, '2do Año');
      await assertNoProblems(page);
    } finally {
      await closePage(page);
    }
  });
});
