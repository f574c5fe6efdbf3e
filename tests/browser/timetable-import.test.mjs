// Importing an existing timetable (issue #15, part import) on the page
// /horarios/importar, against the real server: the demo school's director
// finds "Importar horario" in the navigation, reviews a FET file (nothing
// saved), imports it and reads what was created, and a file that is no
// timetable is refused with its reason in Spanish. At 1280 and 360 px
// (screenshots, no sideways scroll). What the page sent is checked by
// reading back what the server now holds.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import {
  DIRECTORA_EMAIL, DIRECTORA_NAME, DIRECTORA_PASSWORD,
  assertNoProblems, closePage, horizontalOverflow, launchBrowser, openPage, request, screenshot, signInHome,
  startServer,
} from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const FET = path.resolve(here, '../data/fet/Horario_ISJ.fet');

describe('timetable import page (real server)', { timeout: 180000 }, () => {
  let server;
  let browser;
  let auth;

  async function apiOk(method, p) {
    const r = await request(server.port, server.demoHost, method, p, { headers: auth });
    assert.ok(r.status >= 200 && r.status < 300, `${method} ${p}: ${r.status} ${r.body.slice(0, 300)}`);
    return r.json;
  }
  const teacherNamed = async (q) => (await apiOk('GET', '/api/v1/staff?q=' + encodeURIComponent(q))).items;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const login = await request(server.port, server.demoHost, 'POST', '/api/v1/auth/login',
      { body: { email: DIRECTORA_EMAIL, password: DIRECTORA_PASSWORD } });
    assert.equal(login.status, 200, login.body);
    auth = { Cookie: (login.headers['set-cookie'] || []).map((c) => c.split(';')[0]).join('; '), 'X-CSRF-Token': login.json.csrf_token };
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  test('the director reviews a FET file, imports it, and a wrong file is refused', async () => {
    // the wrong file's 422 is expected
    const page = await openPage(browser, { width: 1280, height: 800, allow: [/status of 422.*\/api\/v1\/imports\/timetable\?mode=dry_run&filename=foto.png$/] });
    try {
      await signInHome(page, server.demoUrl, DIRECTORA_EMAIL, DIRECTORA_PASSWORD, DIRECTORA_NAME);
      const nav = page.getByRole('navigation', { name: 'Navegación principal' });
      await nav.getByRole('link', { name: 'Importar horario', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Importar un horario' }).waitFor();
      assert.equal(new URL(page.url()).pathname, '/horarios/importar');

      // a file that is no timetable: refused, with the reason
      const junk = path.join(server.dataDir, 'foto.png');
      fs.writeFileSync(junk, Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), Buffer.alloc(100)]));
      await page.getByLabel('Archivo del horario').setInputFiles(junk);
      await page.getByText('no parece un horario').waitFor();
      await page.getByRole('button', { name: 'Revisar archivo' }).click();
      await page.getByText('El archivo no es un horario').waitFor();

      // the FET file: reviewed, nothing saved
      await page.getByLabel('Archivo del horario').setInputFiles(FET);
      await page.getByRole('button', { name: 'Revisar archivo' }).click();
      await page.getByRole('heading', { name: 'Resultado de la revisión' }).waitFor({ timeout: 30000 });
      const tiles = await page.locator('.tile:visible').allTextContents();
      assert.ok(tiles.includes('Docentes nuevos17'), JSON.stringify(tiles));
      await page.getByText('El archivo no trae un horario').waitFor();
      assert.equal((await teacherNamed('Lezcano')).length, 0, 'the review saved nothing');
      await screenshot(page, 'timetable-import-report-1280');
      await page.setViewportSize({ width: 360, height: 740 });
      assert.equal(await horizontalOverflow(page), 0, 'sideways scroll at 360 px');
      await screenshot(page, 'timetable-import-report-360');

      // imported
      await page.getByRole('button', { name: 'Importar', exact: true }).click();
      await page.getByRole('heading', { name: 'Horario importado' }).waitFor({ timeout: 30000 });
      await page.getByText('Los docentes nuevos no traen cédula').waitFor();
      assert.equal(await horizontalOverflow(page), 0);
      await screenshot(page, 'timetable-import-done-360');
      const ana = await teacherNamed('Lezcano');
      assert.equal(ana.length, 1);
      assert.equal(ana[0].cedula, 'Sin cédula (Ana María Lezcano)');
      const sections = (await apiOk('GET', '/api/v1/sections?limit=100')).items.map((s) => s.name || `${s.grade_name} ${s.letter}`);
      assert.ok(sections.length >= 6, JSON.stringify(sections));
      await page.setViewportSize({ width: 1280, height: 800 });
      await screenshot(page, 'timetable-import-done-1280');
      // the staff list shows the teachers without a cédula as such, at 360 px too
      await page.getByRole('link', { name: 'Completar el personal' }).click();
      const row = page.locator('tbody tr').filter({ hasText: 'Lezcano' });
      await row.getByText('Sin cédula', { exact: true }).waitFor();
      // editing asks for the real one: the field starts empty
      await row.getByRole('button', { name: /^Editar a / }).click();
      assert.equal(await page.getByLabel('Cédula', { exact: true }).inputValue(), '');
      await page.setViewportSize({ width: 360, height: 740 });
      assert.equal(await horizontalOverflow(page), 0, 'sideways scroll on /personal at 360 px');
      await screenshot(page, 'timetable-import-personal-360');
      await assertNoProblems(page);
    } finally {
      await closePage(page);
    }
  });
});
