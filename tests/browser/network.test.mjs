// The network's dashboard and the console's school list, as UEIPAB's
// platform admin meets them on the master host: the figures the server's
// background refresher stored, the server-drawn SVG plots fitting a 360 px
// phone, and deleting a school (refused in the page before its copy is
// downloaded, then the copy, then the typed code).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  ADMIN_EMAIL, ADMIN_PASSWORD, BIN,
  assertNoProblems, closePage, eventually, horizontalOverflow, launchBrowser, openPage,
  screenshot, signIn, startServer, waitForText,
} from './harness.mjs';

function cli(server, ...args) {
  const r = spawnSync(BIN, [...args, '--data', path.join(server.dataDir, 'store')], { encoding: 'utf8' });
  assert.equal(r.status, 0, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
}

describe('the network on the master host', { timeout: 180000 }, () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    // a third school, so the network's figures are not "insuficiente", and
    // a refresh now instead of the hourly one
    cli(server, 'tenant', 'create', '--code', 'norte', '--name', 'U.E. Norte');
    cli(server, 'statistics', 'record');
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  async function signInAdmin(page) {
    await page.goto(server.masterUrl + '/');
    await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.getByRole('heading', { level: 2, name: 'Planteles de la red' }).waitFor();
  }

  test('the dashboard shows its figures and both plots within a 360 px phone; screenshots at 360 and 1280 px', { timeout: 60000 }, async () => {
    for (const width of [360, 1280]) {
      const page = await openPage(browser, { width, height: width === 360 ? 740 : 800 });
      try {
        await signInAdmin(page);
        if (width === 360) await page.getByRole('button', { name: /menú/i }).click().catch(() => {});
        await page.getByRole('link', { name: 'Estadísticas', exact: true }).first().click();
        await page.getByRole('heading', { level: 1, name: 'Estadísticas de la red' }).waitFor();
        await waitForText(page.locator('.tile').filter({ hasText: 'Planteles' }).first(), /Planteles\s*3/);
        // the demo school's 298 active students (300 enrolled, two withdrawn
        // by its months of attendance), now that three schools are measured
        await waitForText(page.locator('.tile').filter({ hasText: 'Estudiantes' }).first(), /Estudiantes\s*298/);
        await page.getByText('Por ahora no hay registros de asistencia').waitFor();
        const plots = page.locator('img.plot__img');
        assert.equal(await plots.count(), 2);
        for (let i = 0; i < 2; i++) {
          const img = plots.nth(i);
          await eventually(() => img.evaluate((el) => el.complete && el.naturalWidth > 0), `plot ${i} loaded`);
          const box = await img.boundingBox();
          assert.ok(box && box.width > 200 && box.x >= 0 && box.x + box.width <= width,
            `plot ${i} at ${width}px: ${JSON.stringify(box)}`);
          assert.ok(box.height > 100, `plot ${i} is drawn: ${JSON.stringify(box)}`);
        }
        // the month's usage lists the three schools and links the CSV
        await page.locator('tbody tr').filter({ hasText: 'U.E. Norte' }).waitFor();
        const csv = await page.getByRole('link', { name: 'Descargar uso del mes (CSV)' }).getAttribute('href');
        assert.match(csv, /^\/api\/v1\/platform\/usage\.csv\?month=\d{4}-\d{2}$/);
        assert.equal(await horizontalOverflow(page), 0, `dashboard at ${width}`);
        await screenshot(page, `network-dashboard-${width}`);
        await assertNoProblems(page);
      } finally {
        await closePage(page);
      }
    }
  });

  test('a school is deleted from the console only after its copy is downloaded and its code typed', { timeout: 60000 }, async () => {
    const page = await openPage(browser, { width: 360, height: 740 });
    try {
      await signInAdmin(page);
      const row = page.locator('tbody tr').filter({ has: page.locator('code', { hasText: /^norte$/ }) });
      await waitForText(row, /Estudiantes\s*0.*Docentes\s*0.*Usuarios\s*0/);
      assert.equal(await horizontalOverflow(page), 0, 'console at 360');
      await screenshot(page, 'network-console-360');

      // no copy yet: the panel asks for the copy first, and nothing to type
      await row.getByRole('button', { name: 'Eliminar U.E. Norte' }).click();
      const panel = page.locator('.removal');
      await panel.getByText('descargue su copia').waitFor();
      assert.equal(await panel.getByRole('textbox').count(), 0);
      assert.ok(await panel.isVisible() && (await panel.boundingBox()).y < 740, 'the panel is in view');
      await screenshot(page, 'network-remove-copy-360');

      const download = page.waitForEvent('download');
      await panel.getByRole('link', { name: 'Descargar la copia de U.E. Norte' }).click();
      const file = await download;
      assert.match(file.suggestedFilename(), /^plantel-norte-\d{4}-\d{2}-\d{2}\.json$/);
      await waitForText(row, /Copia: \d{2}\/\d{2}\/\d{4}/);

      // then the code typed: a wrong one deletes nothing
      const typed = panel.getByLabel('Para confirmar, escriba el código del plantel: norte');
      await typed.fill('Norte');
      await panel.getByRole('button', { name: 'Eliminar definitivamente' }).click();
      await panel.getByText('El código escrito no coincide').waitFor();
      assert.equal(await row.count(), 1);
      assert.equal(await horizontalOverflow(page), 0, 'deletion panel at 360');
      await screenshot(page, 'network-remove-confirm-360');
      await typed.fill('norte');
      await panel.getByRole('button', { name: 'Eliminar definitivamente' }).click();
      await page.getByText('Se eliminó el plantel «U.E. Norte».').waitFor();
      await eventually(async () => (await row.count()) === 0, 'the row gone');
      await assertNoProblems(page);
    } finally {
      await closePage(page);
    }
  });
});
