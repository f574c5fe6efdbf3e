// The school records pages (issue 13) driven against a fake of the records
// API (records-fake.mjs, the PLAN13 contract) so they are tested whatever
// the server has: navigation for a school admin, every page at 1280 and
// 360 px (screenshots, no sideways scroll), the students list's search,
// filters and paging, a student form with several invalid fields shown at
// once (sub-form fields too) and the warnings of a save, a withdrawal with
// its confirmation, the promotion's confirmation, and the import's dry run,
// problem list, commit with "omitir filas con errores" and invitations.
// records.test.mjs drives the same pages against the real API.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  DIRECTORA_EMAIL, DIRECTORA_NAME, DIRECTORA_PASSWORD,
  assertNoProblems, closePage, eventually, horizontalOverflow, launchBrowser, openPage, request, screenshot, signInHome,
  startServer, waitForText,
} from './harness.mjs';
import { makeFake } from './records-fake.mjs';

const PAGES = [
  ['estudiantes', '/estudiantes', 'Estudiantes'],
  ['estudiante', '/estudiantes/100', 'Ana Sofía Pérez González'],
  ['estudiante-nuevo', '/estudiantes/nuevo', 'Nuevo estudiante'],
  ['estudiante-editar', '/estudiantes/100/editar', 'Editar: Ana Sofía Pérez González'],
  ['representante', '/representantes/51', 'María José González de Pérez'],
  ['personal', '/personal', 'Personal'],
  ['estructura', '/estructura', 'Estructura del plantel'],
  ['importar', '/importar', 'Importar Matrícula'],
  ['exportar', '/exportar', 'Exportar'],
];

describe('school records pages (fake API)', { timeout: 240000 }, () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  async function open(width = 1280, allow = []) {
    const page = await openPage(browser, { width, height: 800, allow });
    const fake = makeFake();
    await fake.install(page);
    await signInHome(page, server.demoUrl, DIRECTORA_EMAIL, DIRECTORA_PASSWORD, DIRECTORA_NAME);
    return { page, fake };
  }

  test('a school admin finds the records pages in the navigation; each renders at 1280 and 360 px', async () => {
    for (const width of [1280, 360]) {
      const { page } = await open(width);
      try {
        const nav = page.getByRole('navigation', { name: 'Navegación principal' });
        for (const name of ['Estudiantes', 'Personal', 'Estructura', 'Importar', 'Exportar']) {
          await nav.getByRole('link', { name, exact: true }).waitFor();
        }
        await nav.getByRole('link', { name: 'Estudiantes', exact: true }).click();
        await page.getByRole('heading', { level: 1, name: 'Estudiantes' }).waitFor();
        assert.equal(new URL(page.url()).pathname, '/estudiantes');
        for (const [shot, path, h1] of PAGES) {
          // A reload on a deep address gets the app too (the server answers it with index.html).
          await page.goto(server.demoUrl + path);
          await page.getByRole('heading', { level: 1, name: h1, exact: true }).waitFor();
          await page.waitForLoadState('networkidle');
          assert.equal(await horizontalOverflow(page), 0, `${path} fits ${width} px`);
          if (path.startsWith('/estudiantes') || path.startsWith('/representantes')) {
            assert.equal(await nav.getByRole('link', { name: 'Estudiantes', exact: true }).getAttribute('aria-current'), 'page', path);
          }
          await screenshot(page, `records-${shot}-${width}`);
        }
        await assertNoProblems(page);
      } finally {
        await closePage(page);
      }
    }
    // The server answers the app for the records pages, ids included, and nothing odd under them.
    for (const p of ['/estudiantes', '/estudiantes/nuevo', '/estudiantes/12', '/estudiantes/12/editar', '/representantes/7', '/personal', '/estructura', '/importar', '/exportar']) {
      const r = await request(server.port, server.demoHost, 'GET', p, { headers: { Accept: 'text/html' } });
      assert.equal(r.status, 200, p);
      assert.match(r.body, /<script type="module" src="\/assets\/app\.js">/, p);
    }
    for (const p of ['/estudiantes/', '/estudiantes/a.b', '/representantes/%3Cx%3E']) {
      assert.equal((await request(server.port, server.demoHost, 'GET', p, { headers: { Accept: 'text/html' } })).status, 404, p);
    }
  });

  test('the students list searches, filters by grade and section, pages with "Mostrar más" and keeps the filters in the address', async () => {
    const { page, fake } = await open();
    try {
      await page.goto(server.demoUrl + '/estudiantes');
      const rows = page.locator('tbody tr');
      await eventually(async () => (await rows.count()) === 50, '50 rows');
      await waitForText(page.locator('.list-count'), 'Mostrando 50 de 60 estudiantes.');
      // Gender as the Matrícula writes it.
      assert.deepEqual((await rows.nth(0).locator('td').allTextContents()).slice(1, 4), ['12345678901', 'H', '1er Año A']);
      await page.getByRole('button', { name: 'Mostrar más' }).click();
      await eventually(async () => (await rows.count()) === 60, '60 rows');
      assert.equal(fake.calls.filter((c) => c.path === 'students').pop().query.cursor, '50');
      await waitForText(page.locator('.list-count'), 'Mostrando 60 de 60 estudiantes.');
      assert.ok(await page.getByRole('button', { name: 'Mostrar más' }).isHidden());

      await page.getByLabel('Grado', { exact: true }).selectOption({ label: '2do Año' });
      await eventually(async () => (await rows.count()) === 30, 'only 2do Año');
      // The section filter offers only that grade's sections.
      assert.deepEqual(await page.getByLabel('Sección', { exact: true }).locator('option').allTextContents(), ['Todas', '2do Año A']);
      await page.getByLabel('Buscar por nombre o cédula').fill('zambrano');
      await page.getByRole('button', { name: 'Buscar', exact: true }).click();
      await eventually(async () => (await rows.count()) === 10, 'search results');
      const last = fake.calls.filter((c) => c.path === 'students').pop().query;
      assert.equal(last.q, 'zambrano');
      assert.equal(last.grade_id, '2');
      assert.match(page.url(), /\/estudiantes\?q=zambrano&grado=2/);
      await rows.nth(0).getByRole('link').click();
      await page.getByRole('heading', { level: 1, name: /Zambrano/ }).waitFor();
      await page.goBack();
      await eventually(async () => (await rows.count()) === 10, 'the same search after going back');
      assert.equal(await page.getByLabel('Buscar por nombre o cédula').inputValue(), 'zambrano');
      await assertNoProblems(page);
    } finally {
      await closePage(page);
    }
  });

  test('a new student with several invalid fields shows every message at once, sub-forms included; a save shows its warnings', async () => {
    const { page, fake } = await open(1280, [/status of 422 .*\/api\/v1\/students$/]);
    try {
      await page.goto(server.demoUrl + '/estudiantes/nuevo');
      const form = page.locator('form.card--form');
      await page.getByRole('button', { name: 'Registrar estudiante' }).click();
      // Required fields first, all at once, without a request.
      const alert = form.getByRole('alert');
      await waitForText(alert, /^Complete los campos/);
      assert.ok((await form.locator('[aria-invalid="true"]').count()) >= 8, 'every empty required field is marked');
      assert.equal(fake.calls.filter((c) => c.method === 'POST').length, 0);

      await page.getByLabel('Cédula', { exact: true }).fill('V-12.3');
      await page.getByLabel('Nombres', { exact: true }).fill('Valentina');
      await page.getByLabel('Apellidos', { exact: true }).fill('Rangel Díaz');
      await page.getByLabel('Sexo', { exact: true }).selectOption('H');
      await page.getByLabel('Fecha de nacimiento', { exact: true }).fill('2030-01-01');
      await page.getByLabel('Correo electrónico', { exact: true }).fill('valentina@');
      await page.getByLabel('Sección', { exact: true }).selectOption({ label: '1er Año A' });
      await page.getByLabel('Cédula del representante').fill('V-12345678');
      await page.getByLabel('Nombres del representante').fill('María José');
      await page.getByLabel('Apellidos del representante').fill('González');
      await page.getByLabel('Teléfono celular').fill('12345');
      await page.getByRole('button', { name: 'Registrar estudiante' }).click();
      await waitForText(alert.locator('p').first(), 'Corrija los 4 campos marcados:');
      assert.deepEqual(await alert.locator('li').allTextContents(), [
        'Cédula: La cédula no es válida: use V-12345678, E-81234567 o la cédula escolar.',
        'Fecha de nacimiento: La fecha de nacimiento no puede ser posterior a 2025.',
        'Correo electrónico: El correo electrónico no es válido.',
        'Teléfono celular: El teléfono no es válido: use 0414-1234567.',
      ], 'in page order');
      const phone = page.getByLabel('Teléfono celular');
      assert.equal(await phone.getAttribute('aria-invalid'), 'true', 'the sub-form field named representatives[0].mobile_phone');
      assert.equal(await page.locator('#' + (await phone.getAttribute('aria-describedby')).split(' ').pop()).textContent(), 'El teléfono no es válido: use 0414-1234567.');
      assert.equal(await page.evaluate(() => document.activeElement.name), 'cedula');
      await screenshot(page, 'records-student-errors-1280');
      await page.setViewportSize({ width: 360, height: 740 });
      assert.equal(await horizontalOverflow(page), 0);
      await screenshot(page, 'records-student-errors-360');
      await page.setViewportSize({ width: 1280, height: 800 });

      const post = fake.calls.filter((c) => c.method === 'POST' && c.path === 'students').pop().body;
      assert.equal(post.section_id, 11);
      assert.equal(post.representatives.length, 1);
      assert.equal(post.representatives[0].cedula, 'V-12345678');
      assert.equal(post.representatives[0].is_primary, true);

      // A second representative and an authorized person, then a valid form.
      await page.getByRole('button', { name: 'Agregar otro representante' }).click();
      await page.getByRole('group', { name: 'Representante 2' }).waitFor();
      await page.getByRole('button', { name: 'Quitar este representante' }).nth(1).click();
      assert.equal(await page.getByRole('group', { name: 'Representante 2' }).count(), 0);
      await page.getByRole('button', { name: 'Agregar persona autorizada' }).click();
      await page.getByLabel('Nombres de la persona autorizada').fill('Pedro');
      await page.getByLabel('Apellidos de la persona autorizada').fill('Rangel');
      await page.getByLabel('Cédula', { exact: true }).fill('V-31234567');
      await page.getByLabel('Fecha de nacimiento', { exact: true }).fill('2012-05-01');
      await page.getByLabel('Correo electrónico', { exact: true }).fill('');
      await phone.fill('0414-1234567');
      await page.getByRole('button', { name: 'Registrar estudiante' }).click();
      await page.getByRole('heading', { level: 1, name: /Valentina/ }).waitFor();
      const status = page.getByRole('status').filter({ hasText: 'advertencias' });
      await waitForText(status.locator('p'), 'Se registró a Valentina Rangel Díaz, con estas advertencias (revíselas):');
      assert.match(await status.locator('li').first().textContent(), /^Cédula: El año de la cédula escolar/);
      const sent = fake.calls.filter((c) => c.method === 'POST' && c.path === 'students').pop().body;
      assert.deepEqual(sent.authorized, [{ position: 1, first_names: 'Pedro', last_names: 'Rangel' }]);
      await assertNoProblems(page);
    } finally {
      await closePage(page);
    }
  });

  test('withdrawing a student asks for the date and a confirmation that says what happens', async () => {
    const { page, fake } = await open();
    try {
      await page.goto(server.demoUrl + '/estudiantes/102');
      await page.getByRole('button', { name: 'Retirar del plantel' }).click();
      await page.getByLabel('Fecha de retiro').fill('2026-03-02');
      await page.getByLabel('Motivo').fill('Cambio de domicilio');
      await page.getByRole('button', { name: 'Continuar' }).click();
      await waitForText(page.locator('.confirm__text'), /^¿Retirar a José Gregorio Zambrano Ruiz de 1er Año A a partir del 02\/03\/2026\?/);
      assert.equal(fake.calls.filter((c) => c.path.endsWith('/withdraw')).length, 0, 'nothing sent before the confirmation');
      await page.getByRole('button', { name: 'Sí, retirar' }).click();
      await waitForText(page.getByRole('status').filter({ hasText: 'retiro' }), 'Se registró el retiro de José Gregorio Zambrano Ruiz el 02/03/2026.');
      assert.deepEqual(fake.calls.filter((c) => c.path.endsWith('/withdraw'))[0].body, { date: '2026-03-02', reason: 'Cambio de domicilio' });
      await waitForText(page.locator('.identity .badge'), 'Retirado');
      assert.equal(await page.getByRole('button', { name: 'Retirar del plantel' }).count(), 0);
      await assertNoProblems(page);
    } finally {
      await closePage(page);
    }
  });

  test('promoting the current year says what will happen and needs an explicit "entiendo"', async () => {
    const { page, fake } = await open();
    try {
      await page.goto(server.demoUrl + '/estructura');
      await page.getByRole('button', { name: 'Promover a un nuevo año' }).click();
      const panel = page.locator('.confirm-panel');
      await panel.getByText('Los estudiantes del último grado (5to Año de Media General, 6to Año de Media Técnica) quedan como «Graduado».').waitFor();
      assert.equal(await panel.getByLabel('Nombre del nuevo año escolar').inputValue(), '2026-2027');
      await panel.getByRole('button', { name: 'Sí, promover' }).click();
      await waitForText(panel.getByRole('alert'), 'Marque «Entiendo lo que va a pasar» para continuar.');
      assert.equal(fake.calls.filter((c) => c.path.endsWith('/promote')).length, 0);
      await panel.getByLabel('Entiendo lo que va a pasar').check();
      await screenshot(page, 'records-promote-1280');
      await panel.getByRole('button', { name: 'Sí, promover' }).click();
      await page.getByText('Se creó el año escolar 2026-2027, que ahora es el actual.').waitFor();
      await page.getByText('Estudiantes promovidos: 40').waitFor();
      assert.deepEqual(fake.calls.find((c) => c.path === 'years/1/promote').body, { name: '2026-2027', starts_on: '2026-09-15', ends_on: '2027-07-31' });
      await assertNoProblems(page);
    } finally {
      await closePage(page);
    }
  });

  test('import: the dry-run report, the problems, a commit of the same file skipping invalid rows, and invitations', async () => {
    const { page, fake } = await open();
    try {
      await page.goto(server.demoUrl + '/importar');
      const csv = 'Grado;Sección;Nombre;Apellido;Cédula de identidad;Género;Fecha de nacimiento\n1er Año;A;Ana;Pérez;V-30111222;F;03/04/2012\n';
      await page.getByLabel('Archivo de la Matrícula').setInputFiles({ name: 'matricula.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'latin1') });
      await page.getByRole('button', { name: 'Revisar archivo' }).click();
      await page.getByRole('heading', { name: 'Resultado de la revisión' }).waitFor();
      assert.deepEqual(fake.uploads[0].query, { mode: 'dry_run', filename: 'matricula.csv' });
      assert.equal(fake.uploads[0].text, csv, 'the file itself is the body');
      const tiles = await page.locator('.tile').allTextContents();
      assert.deepEqual(tiles, ['Filas leídas4', 'Nuevos2', 'Actualizados1', 'Sin cambios0', 'Rechazados1', 'Advertencias1']);
      await page.getByText('1er Año B').waitFor();
      const rows = page.locator('.report tbody tr');
      assert.deepEqual(await rows.nth(0).locator('td').allTextContents(),
        ['6', 'Cédula de identidad', 'V-12.34', 'La cédula no es válida: debe tener entre 6 y 8 dígitos.', 'Error']);
      // The problems as .xlsx: the same file posted with report=xlsx.
      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Descargar problemas (.xlsx)' }).click();
      assert.equal((await download).suggestedFilename(), 'problemas-matricula.xlsx');
      assert.equal(fake.uploads[1].query.report, 'xlsx');

      const go = page.getByRole('button', { name: /^Importar/ });
      assert.ok(await go.isDisabled(), 'rejected rows: all or nothing cannot go');
      await page.getByLabel('Omitir las filas con errores (se importan solo las filas correctas)').check();
      await screenshot(page, 'records-import-report-1280');
      await page.setViewportSize({ width: 360, height: 740 });
      assert.equal(await horizontalOverflow(page), 0);
      await screenshot(page, 'records-import-report-360');
      await page.setViewportSize({ width: 1280, height: 800 });
      await go.click();
      await page.getByRole('heading', { name: 'Matrícula importada' }).waitFor();
      const commit = fake.uploads[2];
      assert.deepEqual(commit.query, { mode: 'commit', filename: 'matricula.csv', skip_invalid: '1' });
      assert.equal(commit.text, csv, 'the same file posted again');

      await page.getByRole('button', { name: 'Invitar a los representantes con correo' }).click();
      assert.equal(await page.getByRole('textbox', { name: 'Dirección de ingreso' }).inputValue(), 'http://bischeduler-demo.localhost/');
      assert.equal(await page.getByRole('textbox', { name: 'Contraseña inicial de María José González de Pérez' }).inputValue(), 'Xk3-pQ7r-Lm2sTa9');
      assert.deepEqual(fake.calls.find((c) => c.path === 'representatives/invitations').body, { all: true });
      await page.getByText('1 representante no se invitó').waitFor();
      await screenshot(page, 'records-import-done-1280');
      await assertNoProblems(page);
    } finally {
      await closePage(page);
    }
  });
});
