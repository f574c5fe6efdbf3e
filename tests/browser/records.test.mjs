// The school records pages against the real API (the structure, students,
// import and export parts of issue 13): the Matrícula import from the page
// (a small .xlsx made here with python3-openpyxl: the dry-run report, the
// problem list, a commit that skips the rejected row, the student found in
// the list, their representative shared by siblings), a student form whose
// several invalid fields the API reports at once, staff with the subjects
// they can teach, and the export downloads. Skipped while the server has no
// records API (GET /api/v1/students answers 404), the import test while
// POST /api/v1/imports/matricula answers 404.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  DIRECTORA_EMAIL, DIRECTORA_NAME, DIRECTORA_PASSWORD,
  assertNoProblems, closePage, eventually, horizontalOverflow, launchBrowser, openPage, request, screenshot, signInHome,
  startServer, waitForText,
} from './harness.mjs';

const REP = ['Nombre de Representante', 'Apellido de Representante', 'Cédula de identidad de Representante',
  'Parentesco de Representante', 'Correo electrónico de Representante'];
const HEADER = ['Grado', 'Sección', 'Nombre', 'Apellido', 'Cédula de identidad', 'Género', 'Fecha de nacimiento', ...REP];
const MOTHER = ['Yelitza', 'Méndez Rojas', 'V-14.222.333', 'Madre', 'yelitza.mendez@correo.test'];
const ROWS = [
  ['1er Año', 'A', 'Rosalba', 'Wohnsiedler Méndez', 'V-31.555.111', 'Femenino', '14/02/2012', ...MOTHER],
  ['1er Año', 'A', 'Jesús Alberto', 'Wohnsiedler Méndez', 'V31555112', 'Masculino', '20/06/2013', ...MOTHER],
  ['2do Año', 'A', 'Pedro', 'Sinnúmero', 'V-12', 'Masculino', '01/01/2011', '', '', '', '', ''],
];

/* A Matrícula .xlsx like a secretary's: a title row, then the header and the rows. */
function makeXlsx(file) {
  const script = [
    'import json, sys, openpyxl',
    'data = json.load(sys.stdin)',
    'wb = openpyxl.Workbook(); ws = wb.active',
    'ws.append(["U.E. Demo - Matrícula 2025-2026"])',
    'ws.append(data["header"])',
    '[ws.append(r) for r in data["rows"]]',
    'wb.save(sys.argv[1])',
  ].join('\n');
  // Debian's python3 has python3-openpyxl (a pyenv python3 first in PATH may not).
  const python = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  execFileSync(python, ['-c', script, file], { input: JSON.stringify({ header: HEADER, rows: ROWS }) });
}

describe('school records pages (real API)', { timeout: 240000 }, () => {
  let server;
  let browser;
  let apis = false;
  let importApi = false;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const login = await request(server.port, server.demoHost, 'POST', '/api/v1/auth/login',
      { body: { email: DIRECTORA_EMAIL, password: DIRECTORA_PASSWORD } });
    const cookie = (login.headers['set-cookie'] || []).map((c) => c.split(';')[0]).join('; ');
    const probe = await request(server.port, server.demoHost, 'GET', '/api/v1/students?limit=1', { headers: { Cookie: cookie } });
    apis = probe.status === 200;
    // The import part may land after the others: an unknown route answers 404.
    const upload = await request(server.port, server.demoHost, 'POST', '/api/v1/imports/matricula?mode=dry_run&filename=x.csv',
      { headers: { Cookie: cookie, 'X-CSRF-Token': (login.json && login.json.csrf_token) || '', 'Content-Type': 'text/csv' }, body: 'x' });
    importApi = upload.status !== 404;
    if (apis) {
      // Two sections to enrol into and move between (the demo school has them
      // only when init --demo could import its Matrícula).
      const h = { Cookie: cookie, 'X-CSRF-Token': (login.json && login.json.csrf_token) || '' };
      await request(server.port, server.demoHost, 'POST', '/api/v1/grades', { headers: h, body: { level: 'media_general', number: 4 } });
      const grades = await request(server.port, server.demoHost, 'GET', '/api/v1/grades', { headers: h });
      const g = grades.json.items.find((x) => x.level === 'media_general' && x.number === 4);
      for (const letter of ['X', 'Y']) {
        const r = await request(server.port, server.demoHost, 'POST', '/api/v1/sections', { headers: h, body: { grade_id: g.id, letter } });
        assert.ok(r.status === 201 || r.status === 409, `section ${letter}: ${r.status} ${r.body}`);
      }
    }
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  test('import a Matrícula .xlsx from the page: dry run, problems, commit skipping the bad row, then the students', async (t) => {
    if (!apis || !importApi) { t.skip('the server has no Matrícula import API yet'); return; }
    const file = path.join(server.dataDir, 'matricula-wohnsiedler.xlsx');
    makeXlsx(file);
    const page = await openPage(browser, { allow: [/status of 422/] });
    try {
      await signInHome(page, server.demoUrl, DIRECTORA_EMAIL, DIRECTORA_PASSWORD, DIRECTORA_NAME);
      await page.getByRole('navigation').getByRole('link', { name: 'Importar', exact: true }).click();
      await page.getByLabel('Archivo de la Matrícula').setInputFiles(file);
      await page.getByRole('button', { name: 'Revisar archivo' }).click();
      await page.getByRole('heading', { name: 'Resultado de la revisión' }).waitFor({ timeout: 30000 });
      const tile = async (name) => Number((await page.locator('.tile:visible').filter({ hasText: name }).locator('dd').textContent()).replace(/\D/g, ''));
      assert.equal(await tile('Filas leídas'), 3);
      assert.equal(await tile('Nuevos'), 2);
      assert.equal(await tile('Rechazados'), 1);
      // The bad cédula, on the spreadsheet row it sits on (title row 1, header row 2).
      const bad = page.locator('.report tbody tr').filter({ hasText: 'V-12' });
      await bad.first().waitFor();
      const cells = await bad.first().locator('td').allTextContents();
      assert.equal(cells[0], '5');
      assert.match(cells[1], /Cédula/);
      assert.match(cells[3], /cédula/i);
      assert.equal(cells[4], 'Error');
      // Nothing saved by the dry run.
      await page.goto(server.demoUrl + '/estudiantes?q=wohnsiedler');
      await page.getByText('No hay estudiantes que coincidan con la búsqueda.').waitFor();
      await page.goBack();
      await page.getByRole('heading', { level: 1, name: 'Importar Matrícula' }).waitFor();
      await page.getByLabel('Archivo de la Matrícula').setInputFiles(file);
      await page.getByRole('button', { name: 'Revisar archivo' }).click();
      await page.getByRole('heading', { name: 'Resultado de la revisión' }).waitFor({ timeout: 30000 });

      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Descargar problemas (.xlsx)' }).click();
      const saved = path.join(server.dataDir, 'problemas.xlsx');
      await (await download).saveAs(saved);
      assert.equal(fs.readFileSync(saved).subarray(0, 2).toString(), 'PK', 'an .xlsx (a zip)');

      const go = page.getByRole('button', { name: /^Importar/ });
      assert.ok(await go.isDisabled());
      await page.getByLabel('Omitir las filas con errores (se importan solo las filas correctas)').check();
      await screenshot(page, 'records-real-import-report-1280');
      await go.click();
      await page.getByRole('heading', { name: 'Matrícula importada' }).waitFor({ timeout: 30000 });
      assert.equal(await tile('Nuevos'), 2);
      await screenshot(page, 'records-real-import-done-1280');

      await page.getByRole('button', { name: 'Invitar a los representantes con correo' }).click();
      // Up to 100 invitations per round, each queued with its mail: give it time.
      await eventually(async () => (await page.locator('.invite-round').count()) > 0 ||
        (await page.getByRole('alert').filter({ hasText: /\S/ }).count()) > 0, 'the invitations', 120000);
      assert.equal(await page.locator('.invite-round').count(), 1, await page.locator('main').textContent());
      // Invited by mail (issue 14): the invited are listed, no first password is shown.
      await page.getByRole('table', { name: 'Representantes invitados' }).waitFor();
      assert.equal(await page.getByRole('textbox', { name: /^Contraseña inicial de / }).count(), 0, 'no password is shown');
      await assertNoProblems(page);

      // The students are in the list, with V/H.
      await page.getByRole('link', { name: 'Ver los estudiantes' }).click();
      await page.getByLabel('Buscar por nombre o cédula').fill('wohnsiedler');
      await page.getByRole('button', { name: 'Buscar', exact: true }).click();
      const rows = page.locator('tbody tr');
      await eventually(async () => (await rows.count()) === 2, 'two Wohnsiedler');
      assert.deepEqual((await rows.nth(0).locator('td').allTextContents()).slice(0, 4), ['Wohnsiedler Méndez, Jesús Alberto', 'V-31555112', 'V', '1er Año A']);
      assert.deepEqual((await rows.nth(1).locator('td').allTextContents()).slice(0, 4), ['Wohnsiedler Méndez, Rosalba', 'V-31555111', 'H', '1er Año A']);
      await rows.nth(1).getByRole('link').click();
      await page.getByRole('heading', { level: 1, name: 'Rosalba Wohnsiedler Méndez' }).waitFor();
      await page.getByRole('link', { name: 'Méndez Rojas, Yelitza' }).click();
      await page.getByRole('heading', { level: 1, name: 'Yelitza Méndez Rojas' }).waitFor();
      const kids = page.locator('tbody tr');
      await eventually(async () => (await kids.count()) === 2, 'both children on the representative page');
      // Her data edited in place.
      await page.getByRole('button', { name: 'Editar datos' }).click();
      await page.getByLabel('Teléfono celular').fill('0424-7778899');
      await page.getByLabel('Profesión').fill('Docente');
      await page.getByRole('button', { name: 'Guardar cambios' }).click();
      await page.getByText('Se guardaron los cambios.').waitFor();
      await page.getByRole('link', { name: '0424-7778899' }).waitFor();
      await page.getByText('Docente', { exact: true }).waitFor();
      await assertNoProblems(page);
    } finally {
      await closePage(page);
    }
  });

  test('a student with several invalid fields: the API names them all and the form marks each', async (t) => {
    if (!apis) { t.skip('the server has no records API yet'); return; }
    const page = await openPage(browser, { allow: [/status of 422 .*\/api\/v1\/students$/] });
    try {
      await signInHome(page, server.demoUrl, DIRECTORA_EMAIL, DIRECTORA_PASSWORD, DIRECTORA_NAME);
      await page.goto(server.demoUrl + '/estudiantes/nuevo');
      await page.getByLabel('Cédula', { exact: true }).fill('V-12');
      await page.getByLabel('Nombres', { exact: true }).fill('Valentina');
      await page.getByLabel('Apellidos', { exact: true }).fill('Rangel Díaz');
      await page.getByLabel('Sexo', { exact: true }).selectOption('H');
      await page.getByLabel('Fecha de nacimiento', { exact: true }).fill('2099-01-01');
      await page.getByLabel('Correo electrónico', { exact: true }).fill('valentina@');
      const section = page.getByLabel('Sección', { exact: true });
      await eventually(async () => (await section.locator('option').count()) > 1, 'the sections');
      await section.selectOption({ index: 1 });
      // Enrolled at the start of the year, so a move today is a second period.
      await page.getByLabel('Fecha de inscripción').fill(await page.evaluate(() => {
        const d = new Date(); const y = d.getMonth() >= 8 ? d.getFullYear() : d.getFullYear() - 1; return y + '-09-16';
      }));
      await page.getByLabel('Cédula del representante').fill('V-15.333.444');
      await page.getByLabel('Nombres del representante').fill('Carolina');
      await page.getByLabel('Apellidos del representante').fill('Díaz');
      await page.getByLabel('Teléfono celular').fill('12');
      await page.getByLabel('Correo electrónico del representante').fill('carolina@@correo');
      await page.getByRole('button', { name: 'Registrar estudiante' }).click();
      const alert = page.locator('form.card--form').getByRole('alert');
      await waitForText(alert.locator('p').first(), /^Corrija los \d+ campos marcados:$/);
      const invalid = await page.locator('[aria-invalid="true"]').evaluateAll((els) => els.map((e) => e.name));
      for (const name of ['cedula', 'birth_date', 'email', 'mobile_phone']) assert.ok(invalid.includes(name), `${name} marked (${invalid})`);
      assert.ok(invalid.filter((n) => n === 'email').length === 2, 'the representative email too');
      assert.equal(await alert.locator('li').count(), invalid.length, 'one line per marked field');
      await screenshot(page, 'records-real-student-errors-1280');
      await page.setViewportSize({ width: 360, height: 740 });
      assert.equal(await horizontalOverflow(page), 0);
      await screenshot(page, 'records-real-student-errors-360');
      await page.setViewportSize({ width: 1280, height: 800 });

      await page.getByLabel('Cédula', { exact: true }).fill('V-32.101.202');
      await page.getByLabel('Fecha de nacimiento', { exact: true }).fill('2012-05-01');
      await page.getByLabel('Correo electrónico', { exact: true }).fill('');
      await page.getByLabel('Teléfono celular').fill('0414-1234567');
      await page.getByLabel('Correo electrónico del representante').fill('carolina@correo.test');
      await page.getByRole('button', { name: 'Registrar estudiante' }).click();
      await page.getByRole('heading', { level: 1, name: 'Valentina Rangel Díaz' }).waitFor();
      await page.getByText('Se registró a Valentina Rangel Díaz').waitFor();
      await page.getByRole('link', { name: 'Díaz, Carolina' }).waitFor();

      // An edit that moves her to another section: the move is in her history.
      const history = page.getByRole('region', { name: 'Historial de inscripción' }).locator('tbody tr');
      await eventually(async () => (await history.count()) === 1, 'one enrolment');
      const firstSection = (await history.nth(0).locator('td').nth(0).textContent()).trim();
      await page.getByRole('link', { name: 'Editar datos' }).click();
      await page.getByRole('heading', { level: 1, name: 'Editar: Valentina Rangel Díaz' }).waitFor();
      const move = page.getByLabel('Sección', { exact: true });
      const other = (await move.locator('option').allTextContents()).find((o) => o !== firstSection && !/Sin sección/.test(o));
      await move.selectOption({ label: other });
      await page.getByLabel('Fecha del cambio de sección').waitFor();
      await page.getByLabel('Teléfono', { exact: true }).fill('0251-2223344');
      await page.getByRole('button', { name: 'Guardar cambios' }).click();
      await page.getByText('Se guardaron los cambios de Valentina Rangel Díaz').waitFor();
      await eventually(async () => (await history.count()) === 2, 'the move in the history');
      await page.getByText('0251-2223344').waitFor();

      // Withdrawn after a confirmation.
      await page.getByRole('button', { name: 'Retirar del plantel' }).click();
      await page.getByLabel('Motivo').fill('Traslado a otro plantel');
      await page.getByRole('button', { name: 'Continuar' }).click();
      await page.getByRole('button', { name: 'Sí, retirar' }).click();
      await waitForText(page.locator('.identity .badge'), 'Retirado');
      assert.match(await history.nth(0).textContent() + await history.nth(1).textContent(), /Retiro/);
      await assertNoProblems(page);
    } finally {
      await closePage(page);
    }
  });

  test('staff with the subjects they can teach; the export downloads', async (t) => {
    if (!apis) { t.skip('the server has no records API yet'); return; }
    const page = await openPage(browser);
    try {
      await signInHome(page, server.demoUrl, DIRECTORA_EMAIL, DIRECTORA_PASSWORD, DIRECTORA_NAME);
      await page.goto(server.demoUrl + '/estructura');
      const subjects = page.getByRole('region', { name: 'Materias' });
      await subjects.getByLabel('Nombre de la materia').fill('Robótica Educativa');
      await subjects.getByLabel('Código', { exact: true }).fill('ROB');
      await subjects.getByRole('button', { name: 'Agregar', exact: true }).click();
      await subjects.getByRole('cell', { name: 'Robótica Educativa', exact: true }).waitFor();

      await page.goto(server.demoUrl + '/personal');
      await page.getByLabel('Cédula', { exact: true }).fill('V-11.222.333');
      await page.getByLabel('Nombres', { exact: true }).fill('Ramón');
      await page.getByLabel('Apellidos', { exact: true }).fill('Escalona');
      await page.getByLabel('Máximo de horas semanales').fill('18');
      await page.getByLabel(/^Robótica Educativa/).check();
      await page.getByRole('button', { name: 'Agregar', exact: true }).click();
      await page.getByText('Se agregó a Escalona, Ramón.').waitFor();
      const row = page.locator('tbody tr').filter({ hasText: 'Escalona, Ramón' });
      await waitForText(row.locator('td').nth(3), /Robótica Educativa/);
      await waitForText(row.locator('td').nth(4), '18');
      // Edited: another cargo, fewer periods.
      await row.getByRole('button', { name: 'Editar a Escalona, Ramón' }).click();
      await page.getByLabel('Cargo').fill('Coordinador(a)');
      await page.getByLabel('Máximo de horas semanales').fill('12');
      await page.getByRole('button', { name: 'Guardar cambios' }).click();
      await page.getByText('Se guardaron los cambios de Escalona, Ramón.').waitFor();
      await waitForText(row.locator('td').nth(2), 'Coordinador(a)');
      await waitForText(row.locator('td').nth(4), '12');

      await page.goto(server.demoUrl + '/exportar');
      for (const [name, ext, magic] of [['Descargar Matrícula (.xlsx)', '.xlsx', 'PK'],
        ['Estadística de matrícula (.xlsx)', '.xlsx', 'PK'], ['Estadística de matrícula (PDF)', '.pdf', '%PDF']]) {
        const download = page.waitForEvent('download');
        await page.getByRole('link', { name }).click();
        const d = await download;
        assert.ok(d.suggestedFilename().endsWith(ext), `${name}: ${d.suggestedFilename()}`);
        const saved = path.join(server.dataDir, 'export' + ext);
        await d.saveAs(saved);
        assert.equal(fs.readFileSync(saved).subarray(0, magic.length).toString(), magic, name);
      }
      await assertNoProblems(page);
    } finally {
      await closePage(page);
    }
  });
});
