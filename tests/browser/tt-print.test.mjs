// The active timetable going out (issue #15, part exports), page
// /impresion against the real server: the demo school has the UEIPAB week
// as its active timetable (`init --demo`, through the `import` part's
// import), then its director finds "Imprimir horarios", sees the
// carga horaria, downloads the PDF, makes a calendar subscription for a
// section (the address shown once, then revoked), at 1280 and 360 px
// (screenshots, no sideways scroll).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import {
  BIN, DIRECTORA_EMAIL, DIRECTORA_NAME, DIRECTORA_PASSWORD,
  assertNoProblems, closePage, horizontalOverflow, launchBrowser, openPage, request, screenshot, signInHome,
  startServer,
} from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
/* UEIPAB's T01 in the demo school (src/school/timetable_demo.c) */
const T01 = 'Jesús Rafael Contreras Molina';
const DOCENTE_PASSWORD = 'Docente-Prueba-2025';

describe('timetable printouts (real server)', { timeout: 120000 }, () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const store = path.join(server.dataDir, 'store');
    // `init --demo` already gives the demo school the UEIPAB week as its
    // set-up and an active timetable (parts import and generate), T01 being
    // the demo's math teacher
    const pw = path.join(server.dataDir, 'docente-password');
    fs.writeFileSync(pw, DOCENTE_PASSWORD + '\n', { mode: 0o600 });
    execFileSync(BIN, ['user', 'add', '--data', store, '--school', 'demo', '--email', 'docente.t01@demo.test',
      '--role', 'teacher', '--name', 'Docente Uno', '--password-file', pw]);
    execFileSync('sqlite3', [path.join(store, 'schools', 'demo.sqlite'),
      "UPDATE staff SET user_id = (SELECT id FROM users WHERE email = 'docente.t01@demo.test') WHERE code = 'T01';"]);
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  for (const width of [1280, 360]) {
    test(`a director prints the week and shares a section's calendar at ${width} px`, async () => {
      const page = await openPage(browser, { width, height: 800 });
      await signInHome(page, server.demoUrl, DIRECTORA_EMAIL, DIRECTORA_PASSWORD, DIRECTORA_NAME);
      if (width > 800) await page.getByRole('link', { name: 'Imprimir horarios' }).click();
      else await page.goto(server.demoUrl + '/impresion');
      await page.getByRole('heading', { level: 1, name: 'Imprimir horarios' }).waitFor();
      await page.getByText(/^Horario activo: Horario 2025-2026/).waitFor();
      const load = page.getByRole('table', { name: 'Carga horaria' });
      await load.getByRole('cell', { name: T01, exact: true }).first().waitFor();
      // the PDF link downloads the active timetable as a PDF
      await page.getByLabel('Secciones', { exact: true }).selectOption({ label: '3er Año B' });
      const href = await page.getByRole('link', { name: 'Horario por sección (PDF)' }).getAttribute('href');
      assert.match(href, /^\/api\/v1\/timetables\/active\/export\?format=pdf&by=section&section_id=\d+$/);
      const cookies = await page.context().cookies();
      const pdf = await request(server.port, server.demoHost, 'GET', href,
        { headers: { Cookie: cookies.map((c) => `${c.name}=${c.value}`).join('; ') } });
      assert.equal(pdf.status, 200);
      assert.match(pdf.headers['content-type'], /application\/pdf/);

      // a calendar subscription for a section: the address shown once
      await page.getByLabel('Calendario de', { exact: true }).selectOption('section');
      await page.getByLabel('Docente o sección', { exact: true }).selectOption({ label: '3er Año A' });
      await page.getByRole('button', { name: 'Crear suscripción' }).click();
      const address = page.getByLabel('Dirección de suscripción', { exact: true });
      await address.waitFor();
      const url = await address.inputValue();
      assert.match(url, /^http:\/\/bischeduler-demo\.localhost:\d+\/ical\/bis_c_[0-9a-f]{48}\.ics$/);
      const ics = await request(server.port, server.demoHost, 'GET', new URL(url).pathname);
      assert.equal(ics.status, 200);
      assert.match(ics.body, /BEGIN:VEVENT/);
      await screenshot(page, `tt-print-${width}`);
      if (process.env.BIS_SCREENSHOT_DIR) {
        await page.locator('section.card').first().screenshot({ path: path.join(process.env.BIS_SCREENSHOT_DIR, `bis-tt-print-files-${width}.png`) });
        await page.locator('section.card').last().screenshot({ path: path.join(process.env.BIS_SCREENSHOT_DIR, `bis-tt-print-feeds-${width}.png`) });
        await load.screenshot({ path: path.join(process.env.BIS_SCREENSHOT_DIR, `bis-tt-print-load-${width}.png`) });
      }
      assert.ok(await horizontalOverflow(page) <= 0, 'no sideways scroll');
      await page.getByRole('button', { name: 'Listo, ya la copié' }).click();

      const feeds = page.getByRole('table', { name: 'Suscripciones de calendario' });
      const row = feeds.getByRole('row').filter({ hasText: '3er Año A' });
      page.once('dialog', (d) => d.accept());
      await row.getByRole('button', { name: 'Revocar' }).click();
      await feeds.getByText('No hay suscripciones activas.').waitFor();
      const gone = await request(server.port, server.demoHost, 'GET', new URL(url).pathname);
      assert.equal(gone.status, 404);
      await assertNoProblems(page);
      await closePage(page);
    });
  }

  test('a teacher subscribes to their own week on "Mi calendario" at 360 px', async () => {
    const page = await openPage(browser, { width: 360, height: 800 });
    await signInHome(page, server.demoUrl, 'docente.t01@demo.test', DOCENTE_PASSWORD, 'Docente Uno');
    await page.goto(server.demoUrl + '/mi-calendario');
    await page.getByRole('heading', { level: 1, name: 'Mi calendario' }).waitFor();
    await page.getByRole('button', { name: 'Crear mi suscripción' }).click();
    const address = page.getByLabel('Dirección de suscripción', { exact: true });
    await address.waitFor();
    const ics = await request(server.port, server.demoHost, 'GET', new URL(await address.inputValue()).pathname);
    assert.equal(ics.status, 200);
    assert.ok(ics.body.includes('X-WR-CALNAME:Horario de prof. ' + T01), ics.body.slice(0, 400));
    await screenshot(page, 'my-calendar-360');
    assert.ok(await horizontalOverflow(page) <= 0, 'no sideways scroll');
    await page.getByRole('button', { name: 'Listo, ya la copié' }).click();
    await page.getByRole('table', { name: 'Suscripciones de calendario' }).getByRole('cell', { name: T01, exact: true }).waitFor();
    await assertNoProblems(page);
    await closePage(page);
  });
});
