// The web app as ES modules (web/assets/app.js, core/, pages/, shared/):
// every file under web/assets is served from the binary with its MIME type
// and revalidation headers, a page's module is fetched only when the page is
// used, a module that cannot load says so in Spanish with a way to retry,
// and a form shows every invalid field the API names in error.errors at once.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import {
  DIRECTORA_EMAIL, DIRECTORA_NAME, DIRECTORA_PASSWORD,
  assertNoProblems, closePage, eventually, horizontalOverflow, launchBrowser, openPage, request, screenshot, signInHome,
  startServer, waitForText,
} from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const WEB = path.resolve(here, '../../web');

function filesUnder(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]);
}

const TYPES = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml' };

describe('the web app as modules', { timeout: 180000 }, () => {
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

  test('every file under web/assets, nested folders too, is served as it is with its type and an ETag', async () => {
    const files = filesUnder(path.join(WEB, 'assets')).map((f) => path.relative(WEB, f).split(path.sep).join('/'));
    assert.ok(files.some((f) => f.startsWith('assets/core/')) && files.some((f) => f.startsWith('assets/pages/')), files.join(' '));
    for (const name of files) {
      const r = await request(server.port, server.demoHost, 'GET', '/' + name, { headers: { Accept: '*/*' } });
      assert.equal(r.status, 200, name);
      assert.equal(r.body, fs.readFileSync(path.join(WEB, name), 'utf8'), `${name}: the file as it is, no build step`);
      const type = TYPES[path.extname(name)];
      if (type) assert.equal(r.headers['content-type'], type, name);
      assert.equal(r.headers['cache-control'], 'no-cache', name);
      assert.match(r.headers.etag || '', /^"[0-9a-f]{16}"$/, name);
      const again = await request(server.port, server.demoHost, 'GET', '/' + name, { headers: { 'If-None-Match': r.headers.etag } });
      assert.equal(again.status, 304, name);
    }
    assert.equal((await request(server.port, server.demoHost, 'GET', '/assets/pages/no-existe.js')).status, 404);
    assert.equal((await request(server.port, server.demoHost, 'GET', '/assets/pages/../app.js')).status, 404);
    // The page loads the entry module; browsers without modules get a message instead.
    const index = await request(server.port, server.demoHost, 'GET', '/', { headers: { Accept: 'text/html' } });
    assert.match(index.body, /<script type="module" src="\/assets\/app\.js"><\/script>/);
    assert.match(index.body, /<script nomodule src="\/assets\/legacy\.js" defer><\/script>/);
    // The core is preloaded, so a slow phone does not wait one round trip per import level.
    const preloaded = [...index.body.matchAll(/<link rel="modulepreload" href="\/(assets\/[^"]+)">/g)].map((m) => m[1]);
    for (const f of files.filter((n) => n.startsWith('assets/core/'))) assert.ok(preloaded.includes(f), `${f} is not preloaded`);
    for (const f of preloaded) assert.ok(files.includes(f), `${f} is preloaded but does not exist`);
  });

  test('a page\'s module is fetched when the page is used, not before', { timeout: 60000 }, async () => {
    const page = await openPage(browser);
    const fetched = [];
    page.on('request', (r) => {
      const m = /\/assets\/pages\/([a-z-]+)\.js$/.exec(r.url());
      if (m) fetched.push(m[1]);
    });
    try {
      await signInHome(page, server.demoUrl, DIRECTORA_EMAIL, DIRECTORA_PASSWORD, DIRECTORA_NAME);
      await page.getByRole('region', { name: 'Datos del plantel' }).waitFor();
      // The director's home: her sections, not the platform console's, nor the audit page yet.
      for (const m of ['signin', 'home', 'settings', 'users', 'tokens']) assert.ok(fetched.includes(m), `${m} in ${fetched}`);
      for (const m of ['tenants', 'invitations', 'support', 'audit', 'invitation']) assert.ok(!fetched.includes(m), `${m} in ${fetched}`);
      await page.getByRole('link', { name: 'Auditoría', exact: true }).first().click();
      await page.getByRole('heading', { level: 1, name: 'Auditoría' }).waitFor();
      assert.ok(fetched.includes('audit'), fetched.join(' '));
      await assertNoProblems(page);
    } finally {
      await closePage(page);
    }
  });

  test('a page whose module cannot load says so in Spanish, and "Reintentar" opens it', { timeout: 60000 }, async () => {
    const page = await openPage(browser, { allow: [/audit\.js/, /Failed to load resource/] });
    try {
      await signInHome(page, server.demoUrl, DIRECTORA_EMAIL, DIRECTORA_PASSWORD, DIRECTORA_NAME);
      await page.route('**/assets/pages/audit.js', (route) => route.abort('internetdisconnected'));
      await page.getByRole('navigation').getByRole('link', { name: 'Auditoría', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'No se pudo abrir la página' }).waitFor();
      await page.getByText('Revise su conexión a internet', { exact: false }).waitFor();
      assert.equal(new URL(page.url()).pathname, '/auditoria');
      await page.unroute('**/assets/pages/audit.js');
      await page.getByRole('button', { name: 'Reintentar' }).click();
      await page.getByRole('heading', { level: 1, name: 'Auditoría' }).waitFor();
      await page.getByRole('table', { name: 'Registro de auditoría' }).locator('tbody tr').first().waitFor();
      // Only the expected failures: nothing uncaught, no CSP violation.
      assert.deepEqual(page.problems.filter((p) => p.startsWith('pageerror')), []);
      await assertNoProblems(page);
    } finally {
      await closePage(page);
    }
  });

  test('a list with more pages shows "Más", which appends the next page and goes once there is none', { timeout: 60000 }, async () => {
    const page = await openPage(browser);
    try {
      // The users list, answered in two pages (the demo school has too few users for a real second page).
      const asked = [];
      await page.route(/\/api\/v1\/users(\?.*)?$/, (route) => {
        if (route.request().method() !== 'GET') return route.continue();
        const cursor = new URL(route.request().url()).searchParams.get('cursor');
        asked.push(cursor);
        const reply = cursor === null
          ? { items: [{ id: 501, name: 'Ana Pérez', email: 'ana@demo.test', role: 'teacher', state: 'active' }], next_cursor: 'c2' }
          : { items: [{ id: 502, name: 'Luis Rojas', email: 'luis@demo.test', role: 'parent', state: 'invited' }], next_cursor: null };
        return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(reply) });
      });
      await signInHome(page, server.demoUrl, DIRECTORA_EMAIL, DIRECTORA_PASSWORD, DIRECTORA_NAME);
      await page.getByRole('navigation').getByRole('link', { name: 'Usuarios' }).click();
      const card = page.getByRole('region', { name: 'Usuarios', exact: true });
      const rows = card.getByRole('table', { name: 'Usuarios del plantel' }).locator('tbody tr');
      await waitForText(rows.first(), /Ana Pérez/);
      const more = card.getByRole('button', { name: 'Más' });
      assert.ok(await more.isVisible());
      await more.click();
      await eventually(async () => (await rows.count()) === 2, 'two rows');
      await waitForText(rows.nth(1), /Luis Rojas.*Representante/);
      assert.deepEqual(asked, [null, 'c2']);
      await eventually(async () => !(await more.isVisible()), '"Más" hidden on the last page');
      await assertNoProblems(page);
    } finally {
      await closePage(page);
    }
  });

  test('with the real API, every field a refused save names is marked with its own message', { timeout: 60000 }, async () => {
    const page = await openPage(browser, { allow: [/status of 422.*@.*\/api\/v1\/settings$/] });
    try {
      await signInHome(page, server.demoUrl, DIRECTORA_EMAIL, DIRECTORA_PASSWORD, DIRECTORA_NAME);
      const card = page.getByRole('region', { name: 'Datos del plantel' });
      await eventually(async () => (await card.getByLabel('Nombre del plantel').inputValue()) !== '', 'settings loaded');
      // Three invalid fields: an API that reports every one (error.errors)
      // gets all three marked; one that names only the first (error.field) gets that one.
      await card.getByLabel('RIF', { exact: true }).fill('12345');
      await card.getByLabel('Código DEA', { exact: true }).fill('x');
      await card.getByLabel('Teléfono', { exact: true }).fill('555');
      const replyPromise = page.waitForResponse((r) => r.url().endsWith('/api/v1/settings') && r.request().method() === 'PATCH');
      await card.getByRole('button', { name: 'Guardar cambios' }).click();
      const reply = await replyPromise;
      assert.equal(reply.status(), 422);
      const { error } = await reply.json();
      const named = Array.isArray(error.errors) && error.errors.length ? error.errors : [{ field: error.field, message: error.message }];
      await eventually(async () => (await card.locator('[aria-invalid="true"]').count()) === named.length,
        `${named.length} marked fields`);
      for (const e of named) {
        const input = card.locator(`[name="${e.field}"]`);
        assert.equal(await input.getAttribute('aria-invalid'), 'true', e.field);
        const errorId = (await input.getAttribute('aria-describedby')).split(' ').pop();
        assert.equal(await page.locator('#' + errorId).textContent(), e.message, e.field);
      }
      if (named.length > 1) {
        assert.equal(await card.getByRole('alert').locator('li').count(), named.length, 'the summary lists each field');
      }
      await assertNoProblems(page);
    } finally {
      await closePage(page);
    }
  });

  test('a form shows every invalid field the API names in error.errors, each under its field', { timeout: 60000 }, async () => {
    const page = await openPage(browser, { allow: [/status of 422.*@.*\/api\/v1\/settings$/] });
    try {
      await signInHome(page, server.demoUrl, DIRECTORA_EMAIL, DIRECTORA_PASSWORD, DIRECTORA_NAME);
      const card = page.getByRole('region', { name: 'Datos del plantel' });
      await eventually(async () => (await card.getByLabel('Nombre del plantel').inputValue()) !== '', 'settings loaded');
      const rif = card.getByLabel('RIF', { exact: true });
      const dea = card.getByLabel('Código DEA', { exact: true });
      const phone = card.getByLabel('Teléfono', { exact: true });
      await rif.fill('J-1');
      await dea.fill('x');
      await phone.fill('555');

      // The reply the API gives for several invalid fields (docs/API.md),
      // listed out of page order on purpose.
      const errors = [
        { field: 'phone', message: 'El teléfono no es válido.' },
        { field: 'rif', message: 'El RIF no es válido.' },
        { field: 'dea_code', message: 'El código DEA no es válido.' },
      ];
      let sent = null;
      await page.route('**/api/v1/settings', async (route) => {
        if (route.request().method() !== 'PATCH') return route.continue();
        sent = route.request().postDataJSON();
        return route.fulfill({
          status: 422, contentType: 'application/json',
          body: JSON.stringify({ error: { code: 'invalid_field', message: errors[0].message, field: 'phone', errors } }),
        });
      });
      await card.getByRole('button', { name: 'Guardar cambios' }).click();
      await eventually(() => sent, 'the PATCH');
      assert.equal(sent.rif, 'J-1');

      const alert = card.getByRole('alert').filter({ hasText: /\S/ });
      await waitForText(alert.locator('p'), 'Corrija los 3 campos marcados:');
      assert.deepEqual(await alert.locator('li').allTextContents(),
        ['RIF: El RIF no es válido.', 'Código DEA: El código DEA no es válido.', 'Teléfono: El teléfono no es válido.'],
        'the summary names the fields in page order');
      for (const [input, e] of [[rif, errors[1]], [dea, errors[2]], [phone, errors[0]]]) {
        assert.equal(await input.getAttribute('aria-invalid'), 'true', e.field);
        const errorId = (await input.getAttribute('aria-describedby')).split(' ').pop();
        assert.equal(await page.locator('#' + errorId).textContent(), e.message, `${e.field}: its message under it, and in its description`);
      }
      assert.equal(await card.locator('.field__error').filter({ hasText: /\S/ }).count(), 3, 'no other field is marked');
      assert.equal(await page.evaluate(() => document.activeElement.name), 'rif', 'the first invalid field in the page has the focus');
      await card.scrollIntoViewIfNeeded();
      await screenshot(page, 'settings-errors-1280');
      await page.setViewportSize({ width: 360, height: 740 });
      assert.equal(await horizontalOverflow(page), 0, 'the error summary fits a 360 px phone');
      await screenshot(page, 'settings-errors-360');
      await page.setViewportSize({ width: 1280, height: 800 });

      // A reply naming one field, as the API answered before error.errors: only that one stays marked.
      await page.unroute('**/api/v1/settings');
      await page.route('**/api/v1/settings', (route) => (route.request().method() !== 'PATCH' ? route.continue()
        : route.fulfill({ status: 422, contentType: 'application/json',
          body: JSON.stringify({ error: { code: 'invalid_field', message: 'El teléfono no es válido.', field: 'phone' } }) })));
      await rif.fill('');
      await dea.fill('');
      await card.getByRole('button', { name: 'Guardar cambios' }).click();
      await waitForText(alert, 'El teléfono no es válido.');
      assert.equal(await rif.getAttribute('aria-invalid'), null);
      assert.equal(await dea.getAttribute('aria-invalid'), null);
      assert.equal(await phone.getAttribute('aria-invalid'), 'true');
      assert.equal(await page.evaluate(() => document.activeElement.name), 'phone');

      // Corrected, the real server takes it and every mark goes.
      await page.unroute('**/api/v1/settings');
      await phone.fill('');
      await card.getByRole('button', { name: 'Guardar cambios' }).click();
      await card.getByText('Cambios guardados.').waitFor();
      assert.equal(await card.locator('[aria-invalid="true"]').count(), 0);
      assert.equal(await card.locator('.field__error').filter({ hasText: /\S/ }).count(), 0);
      await assertNoProblems(page);
    } finally {
      await closePage(page);
    }
  });
});
