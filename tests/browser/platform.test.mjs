// What UEIPAB's platform administrator sees in a real browser on the master
// host (http://bischeduler.localhost:PORT): the network's schools, creating,
// suspending and reactivating a school, and the platform's audit log.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  ADMIN_EMAIL, ADMIN_PASSWORD, DEMO_NAME, ROLE_PLATFORM_ADMIN,
  assertNoProblems, closePage, eventually, horizontalOverflow, launchBrowser, openPage, request,
  screenshot, signIn, signInButton, startServer, waitForText,
} from './harness.mjs';

describe('platform admin on the master host', { timeout: 180000 }, () => {
  let server;
  let browser;
  let masterName;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const branding = await request(server.port, server.masterHost, 'GET', '/api/v1/branding');
    assert.equal(branding.status, 200, branding.body);
    masterName = branding.json.school.name;
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  /** Signs in as the platform admin and waits until the schools table has loaded. */
  async function signInAdmin(page) {
    await page.goto(server.masterUrl + '/');
    await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.getByRole('heading', { level: 2, name: 'Planteles de la red' }).waitFor();
    await page.locator('tbody tr').filter({ hasText: DEMO_NAME }).first().waitFor();
  }

  function schoolRow(page, code) {
    return page.locator('tbody tr').filter({ has: page.locator('code', { hasText: new RegExp(`^${code}$`) }) });
  }

  test('the platform admin signs in and sees the school name and the list of schools with demo', { timeout: 60000 }, async () => {
    const page = await openPage(browser);
    try {
      await page.goto(server.masterUrl + '/');
      await signInButton(page).waitFor();
      await waitForText(page.locator('#school-name'), masterName);
      assert.match(await page.title(), new RegExp(masterName));

      await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
      await page.getByRole('heading', { level: 1, name: /^Hola, / }).waitFor();
      await waitForText(page.locator('.site-header'), new RegExp(`${masterName}.*${ROLE_PLATFORM_ADMIN}`));
      await waitForText(page.locator('#school-name'), masterName);
      await waitForText(page.locator('#user-badge'), new RegExp(ROLE_PLATFORM_ADMIN));

      const demo = schoolRow(page, 'demo');
      await waitForText(demo, new RegExp(`demo.*${DEMO_NAME}.*Activo.*bischeduler-demo\\.localhost`));
      // The master school is listed too, without a suspend button.
      const master = schoolRow(page, 'ueipab');
      await master.waitFor();
      assert.equal(await master.getByRole('button', { name: /^Suspender/ }).count(), 0, 'the master school cannot be suspended from here');
      assert.equal(await master.getByRole('button', { name: /^Invitar director\(a\) a / }).count(), 1, 'but can get a director');
      // The demo host link opens the demo school on the same port.
      const href = await demo.getByRole('link', { name: 'bischeduler-demo.localhost' }).getAttribute('href');
      assert.equal(href, `${server.demoUrl}/`);

      await page.getByRole('navigation').getByRole('link', { name: 'Auditoría', exact: true }).waitFor();
      // Access for programs: last on the page, folded (issue 14).
      await page.locator('details.advanced summary').getByText('Avanzado: acceso para programas').waitFor();
      await assertNoProblems(page);
    } finally {
      await closePage(page);
    }
  });

  test('the platform admin creates a school, suspends it and activates it again', { timeout: 60000 }, async () => {
    const page = await openPage(browser);
    try {
      await signInAdmin(page);
      await page.getByLabel('Código').fill('colegio-prueba');
      await page.getByLabel('Nombre del plantel').fill('Colegio de Prueba');
      await page.getByLabel('Nombre del director(a)').fill('Pedro Prueba');
      await page.getByLabel('Correo del director(a)').fill('pedro@prueba.test');
      await page.getByRole('button', { name: 'Crear plantel' }).click();
      await page.getByText('Se creó el plantel «Colegio de Prueba» (colegio-prueba). Pedro Prueba recibirá por correo, en pedro@prueba.test, un enlace para elegir su contraseña e ingresar.').waitFor();
      const row = schoolRow(page, 'colegio-prueba');
      await waitForText(row, /colegio-prueba.*Colegio de Prueba.*Activo/);
      assert.equal(await page.getByLabel('Código').inputValue(), '', 'the form is cleared');

      const hostOf = 'bischeduler-colegio-prueba.localhost';
      assert.equal((await request(server.port, hostOf, 'GET', '/api/v1/branding')).status, 200, 'the new school answers');

      let dialogText = '';
      page.once('dialog', (d) => { dialogText = d.message(); d.accept(); });
      await row.getByRole('button', { name: 'Suspender Colegio de Prueba' }).click();
      await waitForText(row, /Suspendido/);
      assert.match(dialogText, /Suspender el plantel «Colegio de Prueba»/);
      assert.equal((await request(server.port, hostOf, 'GET', '/api/v1/branding')).status, 503, 'a suspended school answers 503');

      // Activation needs no confirmation.
      await row.getByRole('button', { name: 'Activar Colegio de Prueba' }).click();
      await waitForText(row, /Activo/);
      assert.equal((await request(server.port, hostOf, 'GET', '/api/v1/branding')).status, 200, 'active again');
      // Cancelling the confirmation changes nothing.
      page.once('dialog', (d) => d.dismiss());
      await row.getByRole('button', { name: 'Suspender Colegio de Prueba' }).click();
      await page.waitForTimeout(300);
      await waitForText(row, /Activo/);

      // The main school gets its director the same way.
      const master = page.locator('tbody tr').filter({ hasText: 'Plantel principal' });
      await master.getByRole('button', { name: /^Invitar director\(a\) a / }).click();
      await page.getByRole('heading', { level: 3, name: /^Invitar director\(a\) a «/ }).waitFor();
      await page.getByLabel('Nombre completo', { exact: true }).fill('Rosa Directora');
      await page.getByLabel('Correo electrónico', { exact: true }).fill('rosa@ueipab.test');
      await page.getByRole('button', { name: 'Invitar', exact: true }).click();
      await page.getByText('Se invitó a Rosa Directora como director(a) de «', { exact: false }).waitFor();
      await assertNoProblems(page);
    } finally {
      await closePage(page);
    }
  });

  test('a code the server refuses shows the server\'s message and marks the field', { timeout: 60000 }, async () => {
    const page = await openPage(browser, { allow: [/status of (409|422).*@.*\/api\/v1\/platform\/tenants$/] });
    try {
      await signInAdmin(page);
      // An invalid code (the app lowercases, so use a reserved word).
      await page.getByLabel('Código').fill('admin');
      await page.getByLabel('Nombre del plantel').fill('Plantel Reservado');
      await page.getByLabel('Nombre del director(a)').fill('Ana Reservada');
      await page.getByLabel('Correo del director(a)').fill('ana@reservado.test');
      let replyPromise = page.waitForResponse((r) => r.url().endsWith('/api/v1/platform/tenants') && r.request().method() === 'POST');
      await page.getByRole('button', { name: 'Crear plantel' }).click();
      let reply = await replyPromise;
      assert.equal(reply.status(), 422);
      let body = await reply.json();
      await waitForText(page.getByRole('alert').filter({ hasText: /\S/ }), body.error.message);
      assert.equal(body.error.field, 'code');
      assert.equal(await page.getByLabel('Código').getAttribute('aria-invalid'), 'true');
      assert.equal(await page.evaluate(() => document.activeElement.name), 'code');

      // A code already taken.
      await page.getByLabel('Código').fill('demo');
      replyPromise = page.waitForResponse((r) => r.url().endsWith('/api/v1/platform/tenants') && r.request().method() === 'POST');
      await page.getByRole('button', { name: 'Crear plantel' }).click();
      reply = await replyPromise;
      assert.equal(reply.status(), 409);
      body = await reply.json();
      await waitForText(page.getByRole('alert').filter({ hasText: /\S/ }), body.error.message);
      await assertNoProblems(page);
    } finally {
      await closePage(page);
    }
  });

  test('a support link opens the demo school once, as support', { timeout: 60000 }, async () => {
    const page = await openPage(browser);
    let url;
    try {
      await signInAdmin(page);
      const form = page.locator('form').filter({ has: page.getByRole('button', { name: 'Generar enlace' }) });
      await form.getByLabel('Plantel').selectOption('demo');
      await form.getByLabel('Motivo').fill('Revisar la configuración a pedido de la directora');
      await page.getByRole('button', { name: 'Generar enlace' }).click();
      const link = page.getByRole('link', { name: `Entrar a ${DEMO_NAME} (demo) como soporte` });
      await link.waitFor();
      url = await link.getAttribute('href');
      assert.ok(url.startsWith(`${server.demoUrl}/soporte#`), `a link to the demo host: ${url}`);
      await assertNoProblems(page);
    } finally {
      await closePage(page);
    }

    // A fresh browser (no session on the demo host) follows the link.
    const guest = await openPage(browser);
    try {
      await guest.goto(url);
      await guest.getByRole('heading', { level: 1, name: /^Hola, / }).waitFor();
      await waitForText(guest.locator('.site-header'), new RegExp(`${DEMO_NAME}.*\\(soporte\\)`));
      await guest.getByText(/acceso de soporte/).waitFor();
      assert.equal(new URL(guest.url()).pathname, '/', 'the code leaves the address bar');
      assert.equal(new URL(guest.url()).hash, '');
      await guest.getByRole('heading', { level: 2, name: 'Datos del plantel' }).waitFor();
      await assertNoProblems(guest);
    } finally {
      await closePage(guest);
    }

    // The same link does not work twice.
    const again = await openPage(browser, { allow: [/status of 401.*@.*\/api\/v1\/auth\/support$/] });
    try {
      await again.goto(url);
      await signInButton(again).waitFor();
      await again.getByText(/^No se pudo abrir el acceso de soporte: /).waitFor();
      await assertNoProblems(again);
    } finally {
      await closePage(again);
    }
  });

  test('the platform audit log shows the admin\'s sign-in', { timeout: 60000 }, async () => {
    const page = await openPage(browser);
    try {
      await signInAdmin(page);
      await page.getByRole('link', { name: 'Ver auditoría' }).click();
      await page.getByRole('heading', { level: 1, name: 'Auditoría' }).waitFor();
      // The person's name (or email when the account has none) and role, the action in words.
      const row = page.locator('tbody tr').filter({ hasText: 'Inició sesión' });
      await row.first().waitFor();
      await waitForText(row.first().locator('td').nth(1), new RegExp(`${ROLE_PLATFORM_ADMIN}$`));
      // The console's filter offers platform actions, never a school's records.
      const offered = await page.getByLabel('Acción').locator('option').allTextContents();
      assert.ok(offered.includes('Inició sesión'), `offered: ${offered}`);
      assert.ok(!offered.some((o) => /estudiante|sección|personal/i.test(o)), `offered: ${offered}`);
      await assertNoProblems(page);
    } finally {
      await closePage(page);
    }
  });

  test('the platform home fits a 360 px phone; screenshots at 360 and 1280 px', { timeout: 60000 }, async () => {
    for (const width of [360, 1280]) {
      const page = await openPage(browser, { width, height: width === 360 ? 740 : 800 });
      try {
        await page.goto(server.masterUrl + '/');
        await signInButton(page).waitFor();
        assert.equal(await horizontalOverflow(page), 0, `sign-in at ${width}`);
        await screenshot(page, `signin-platform-${width}`);
        await signInAdmin(page);
        await eventually(async () => (await page.getByText('Cargando').count()) === 0, 'all sections loaded');
        assert.equal(await horizontalOverflow(page), 0, `home at ${width}`);
        await screenshot(page, `home-platform-${width}`);
        await page.getByRole('navigation').getByRole('link', { name: 'Auditoría', exact: true }).click();
        await page.locator('tbody tr').filter({ hasText: 'Inició sesión' }).first().waitFor();
        assert.equal(await horizontalOverflow(page), 0, `audit at ${width}`);
        await screenshot(page, `audit-platform-${width}`);
        await assertNoProblems(page);
      } finally {
        await closePage(page);
      }
    }
  });
});
