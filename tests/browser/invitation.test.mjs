// A school invited by the platform registers itself: the platform admin
// creates an invitation on the master host and copies its link; the school's
// contact opens it in another browser (no session), fills in the school's
// data and its first administrator, and signs in on the new school's host.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  ADMIN_EMAIL, ADMIN_PASSWORD, ROLE_SCHOOL_ADMIN,
  assertNoProblems, closePage, eventually, horizontalOverflow, launchBrowser, openPage, request,
  screenshot, signIn, signInButton, startServer, waitForText,
} from './harness.mjs';

// Chromium logs each non-2xx reply as "Failed to load resource"; these are the ones a flow expects.
const INVITATION_404 = /status of 404.*@.*\/api\/v1\/invitations\/[0-9a-f]+$/;
const ACCEPT_REFUSED = /status of (409|422).*@.*\/api\/v1\/invitations\/[0-9a-f]+\/accept$/;

describe('invitations: a school registers itself', { timeout: 240000 }, () => {
  let server;
  let browser;
  let adminAuth;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const login = await request(server.port, server.masterHost, 'POST', '/api/v1/auth/login',
      { body: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } });
    assert.equal(login.status, 200, login.body);
    const cookie = /bis_session=[^;]+/.exec([].concat(login.headers['set-cookie']).join('\n'))[0];
    adminAuth = { Cookie: cookie, 'X-CSRF-Token': login.json.csrf_token };
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  /** An invitation made through the API (its link as the mail carries it). */
  async function apiInvitation(schoolName, email) {
    const r = await request(server.port, server.masterHost, 'POST', '/api/v1/platform/invitations',
      { headers: adminAuth, body: { school_name: schoolName, contact_email: email } });
    assert.equal(r.status, 201, r.body);
    return r.json.url;
  }

  /** Fills the invitation form; `values` overrides the defaults. */
  async function fillInvitation(page, values) {
    const v = {
      code: 'colegio-x', rif: 'J-30123456-7', dea: 'OD12345678', state: 'VE-A', municipality: 'Libertador',
      phone: '0212-5551234', address: 'Av. Universidad, Caracas', adminName: 'Admin X',
      adminEmail: null, password: 'Clave-Segura-2025', ...values,
    };
    await page.getByLabel('Código del plantel', { exact: true }).fill(v.code);
    await page.getByLabel('RIF', { exact: true }).fill(v.rif);
    await page.getByLabel('Código DEA', { exact: true }).fill(v.dea);
    await page.getByLabel('Estado', { exact: true }).selectOption(v.state);
    await page.getByLabel('Municipio', { exact: true }).fill(v.municipality);
    await page.getByLabel('Teléfono', { exact: true }).fill(v.phone);
    await page.getByLabel('Dirección', { exact: true }).fill(v.address);
    await page.getByLabel('Nombre completo', { exact: true }).fill(v.adminName);
    if (v.adminEmail) await page.getByLabel('Correo electrónico', { exact: true }).fill(v.adminEmail);
    await page.getByLabel('Contraseña', { exact: true }).fill(v.password);
  }

  function submitButton(page) {
    return page.getByRole('button', { name: 'Registrar plantel', exact: true });
  }

  test('the platform admin invites a school; its contact registers it and signs in there', { timeout: 90000 }, async () => {
    const school = { name: 'Liceo Los Andes', code: 'liceo-andes', contact: 'contacto@liceoandes.test' };
    const director = { name: 'Marta Rondón', password: 'Liceo-Andes-2025' };

    // 1. The platform admin invites the school from the console: BiScheduler
    // mails the link (here into the outbox: no SMTP server is configured);
    // the list shows the invitation pending, its mail and its expiry.
    const admin = await openPage(browser);
    try {
      await admin.goto(server.masterUrl + '/');
      await signIn(admin, ADMIN_EMAIL, ADMIN_PASSWORD);
      await admin.getByRole('heading', { level: 2, name: 'Invitaciones' }).waitFor();
      await admin.getByText('Todavía no hay invitaciones.').waitFor();
      await admin.getByLabel('Plantel invitado').fill('Colegio Consola');
      await admin.getByLabel('Correo de contacto').fill('contacto@consola.test');
      await admin.getByRole('button', { name: 'Enviar invitación' }).click();
      await waitForText(admin.getByRole('status').filter({ hasText: 'Invitación creada' }),
        /Invitación creada para «Colegio Consola»: se envía por correo a contacto@consola\.test\. El enlace sirve una sola vez y vence el \d{2}\/\d{2}\/\d{4} \d{2}:\d{2} \(30 días\)\./);
      assert.equal(await admin.getByLabel('Plantel invitado').inputValue(), '', 'the form is cleared');
      const row = admin.locator('tbody tr').filter({ hasText: 'contacto@consola.test' });
      await waitForText(row, /Colegio Consola.*Pendiente.*(Por enviar|Enviado).*\d{2}\/\d{2}\/\d{4}/);
      await assertNoProblems(admin);
    } finally {
      await closePage(admin);
    }
    const url = await apiInvitation(school.name, school.contact);

    // 2. The contact, in a browser without any session, opens the link.
    const guest = await openPage(browser, { allow: [ACCEPT_REFUSED] });
    let schoolUrl;
    try {
      await guest.goto(url);
      await guest.getByRole('heading', { level: 1, name: school.name }).waitFor();
      assert.equal(new URL(guest.url()).pathname, '/invitacion');
      assert.equal(new URL(guest.url()).hash, '', 'the token leaves the address bar');
      await guest.getByText(`Invitación para ${school.contact}.`, { exact: false }).waitFor();
      assert.equal(await guest.getByLabel('Nombre del plantel', { exact: true }).inputValue(), school.name, 'the name comes from the invitation');
      assert.equal(await guest.getByLabel('Correo electrónico', { exact: true }).inputValue(), school.contact, 'the contact is the first admin by default');
      const states = await guest.getByLabel('Estado', { exact: true }).locator('option').allTextContents();
      assert.equal(states.length, 26, 'an empty choice and the 25 states');
      assert.ok(states.includes('Distrito Capital') && states.includes('Mérida') && states.includes('La Guaira'), states.join(', '));

      // The required fields are marked; the code is suggested from the name.
      assert.equal(await guest.locator('.field--required').count(), 6, 'name, code, state and the admin\'s three');
      await eventually(async () => (await guest.getByLabel('Código del plantel', { exact: true }).inputValue()) === school.code,
        'the code suggested from the name');
      await waitForText(guest.locator('.host-preview'), `bischeduler-${school.code}.localhost:${server.port}`);
      await waitForText(guest.locator('.field__status'), `Disponible: bischeduler-${school.code}.localhost:${server.port}`);

      // Every missing or invalid field is named and marked at once.
      await guest.getByLabel('RIF', { exact: true }).fill('12345');
      await submitButton(guest).click();
      await waitForText(guest.getByRole('alert').filter({ hasText: /\S/ }), /^Corrija los 4 campos marcados:/);
      for (const label of ['Estado', 'RIF', 'Nombre completo', 'Contraseña']) {
        assert.equal(await guest.getByLabel(label, { exact: true }).getAttribute('aria-invalid'), 'true', label);
      }
      assert.equal(await guest.getByLabel('Código del plantel', { exact: true }).getAttribute('aria-invalid'), null, 'a filled field is not marked');
      assert.equal(await guest.getByLabel('Municipio', { exact: true }).getAttribute('aria-invalid'), null, 'an optional empty field is not marked');
      assert.equal(await guest.evaluate(() => document.activeElement.name), 'state', 'the first invalid field has the focus');
      await screenshot(guest, 'invitation-required-1280');

      await fillInvitation(guest, {
        code: school.code, rif: 'j 30123456 7', dea: 'od-0071234', state: 'VE-L', municipality: 'Libertador',
        phone: '0274 263 1234', address: 'Av. Las Américas, Mérida', adminName: director.name, password: director.password,
      });
      await submitButton(guest).click();
      await guest.getByRole('heading', { level: 1, name: `${school.name} ya está en BiScheduler` }).waitFor();
      schoolUrl = `http://bischeduler-${school.code}.localhost:${server.port}/`;
      await waitForText(guest.locator('.address-box'), schoolUrl);
      await guest.getByText(`Ingrese con el correo ${school.contact} y la contraseña que acaba de elegir.`).waitFor();
      await assertNoProblems(guest);

      // 3. The link leads to the new school, where the director signs in.
      await guest.getByRole('link', { name: `Ir a ${school.name} e ingresar` }).click();
      await signInButton(guest).waitFor();
      assert.equal(guest.url(), schoolUrl);
      await waitForText(guest.locator('#school-name'), school.name);
      await signIn(guest, school.contact, director.password);
      await guest.getByRole('heading', { level: 1, name: `Hola, ${director.name}` }).waitFor();
      await waitForText(guest.locator('.site-header'), new RegExp(`${school.name}.*${director.name}.*${ROLE_SCHOOL_ADMIN.replace(/[()/]/g, '\\$&')}`));
      // Its profile holds what the form sent, as the server normalized it.
      await eventually(async () => (await guest.getByLabel('RIF', { exact: true }).inputValue()) === 'J-30123456-7', 'the RIF, normalized');
      assert.equal(await guest.getByLabel('Código DEA', { exact: true }).inputValue(), 'OD0071234');
      assert.equal(await guest.getByLabel('Estado', { exact: true }).inputValue(), 'VE-L');
      assert.equal(await guest.getByLabel('Teléfono', { exact: true }).inputValue(), '0274-2631234');
      assert.equal(await guest.getByLabel('Dirección', { exact: true }).inputValue(), 'Av. Las Américas, Mérida');
      await assertNoProblems(guest);
    } finally {
      await closePage(guest);
    }

    // 4. The same link does not work twice.
    const again = await openPage(browser, { allow: [INVITATION_404] });
    try {
      await again.goto(url);
      await again.getByRole('heading', { level: 1, name: 'Esta invitación ya no es válida' }).waitFor();
      await again.getByText('Esta invitación ya se usó: el plantel quedó registrado.', { exact: false }).waitFor();
      assert.equal(await submitButton(again).count(), 0, 'no form');
      assert.equal(new URL(again.url()).hash, '');
      await assertNoProblems(again);
    } finally {
      await closePage(again);
    }

    // 5. The platform admin sees the invitation accepted, with its school.
    const back = await openPage(browser);
    try {
      await back.goto(server.masterUrl + '/');
      await signIn(back, ADMIN_EMAIL, ADMIN_PASSWORD);
      const row = back.locator('tbody tr').filter({ hasText: school.contact });
      await waitForText(row, new RegExp(`${school.name}.*Aceptada.*${school.code}`));
      assert.equal(await row.getByRole('link', { name: school.code }).getAttribute('href'), schoolUrl);
      await back.locator('tbody tr').filter({ has: back.locator('code', { hasText: new RegExp(`^${school.code}$`) }) }).waitFor();
      await assertNoProblems(back);
    } finally {
      await closePage(back);
    }
  });

  test('a bad RIF and a taken code are refused field by field; the invitation stays usable', { timeout: 60000 }, async () => {
    const url = await apiInvitation('Escuela Básica El Valle', 'direccion@elvalle.test');
    const page = await openPage(browser, { allow: [ACCEPT_REFUSED] });
    try {
      await page.goto(url);
      await page.getByRole('heading', { level: 1, name: 'Escuela Básica El Valle' }).waitFor();
      await fillInvitation(page, { code: 'el-valle', rif: '12345', adminName: 'Luis Valle' });
      let replyPromise = page.waitForResponse((r) => r.url().endsWith('/accept'));
      await submitButton(page).click();
      let reply = await replyPromise;
      assert.equal(reply.status(), 422);
      let body = await reply.json();
      assert.equal(body.error.field, 'rif');
      const rif = page.getByLabel('RIF', { exact: true });
      await waitForText(page.getByRole('alert').filter({ hasText: /\S/ }), body.error.message);
      assert.equal(await rif.getAttribute('aria-invalid'), 'true');
      assert.equal(await page.evaluate(() => document.activeElement.name), 'rif', 'the field the server named has the focus');
      // The message also sits under the field, as part of its description.
      const describedBy = await rif.getAttribute('aria-describedby');
      const under = page.locator(`[id="${describedBy.split(' ').pop()}"]`);
      await waitForText(under, body.error.message);

      // A code already in use: the server's conflict, on the code field.
      await rif.fill('G-20000001-2');
      await page.getByLabel('Código del plantel', { exact: true }).fill('demo');
      replyPromise = page.waitForResponse((r) => r.url().endsWith('/accept'));
      await submitButton(page).click();
      reply = await replyPromise;
      assert.equal(reply.status(), 409);
      body = await reply.json();
      await waitForText(page.getByRole('alert').filter({ hasText: /\S/ }), body.error.message);
      assert.equal(await page.getByLabel('Código del plantel', { exact: true }).getAttribute('aria-invalid'), 'true');
      assert.equal(await rif.getAttribute('aria-invalid'), null, 'the corrected RIF is no longer marked');

      // The invitation still works with a free code.
      await page.getByLabel('Código del plantel', { exact: true }).fill('el-valle');
      await submitButton(page).click();
      await page.getByRole('heading', { level: 1, name: 'Escuela Básica El Valle ya está en BiScheduler' }).waitFor();
      assert.equal(await horizontalOverflow(page), 0, 'the success panel fits');
      await screenshot(page, 'invitation-done-1280');
      const branding = await request(server.port, 'bischeduler-el-valle.localhost', 'GET', '/api/v1/branding');
      assert.equal(branding.status, 200);
      assert.equal(branding.json.school.name, 'Escuela Básica El Valle');
      await assertNoProblems(page);
    } finally {
      await closePage(page);
    }
  });

  test('a link without its code, or an unknown one, says the invitation is not valid', { timeout: 60000 }, async () => {
    const page = await openPage(browser, { allow: [INVITATION_404] });
    try {
      await page.goto(server.masterUrl + '/invitacion');
      await page.getByRole('heading', { level: 1, name: 'Esta invitación ya no es válida' }).waitFor();
      await page.getByText('le falta el código de la invitación', { exact: false }).waitFor();
      await page.goto(server.masterUrl + '/invitacion#' + 'ab'.repeat(32));
      await page.getByText('La invitación no existe o se reemplazó por una más reciente', { exact: false }).waitFor();
      await page.getByRole('link', { name: 'Ir a la página de inicio' }).click();
      await signInButton(page).waitFor();
      await assertNoProblems(page);
    } finally {
      await closePage(page);
    }
  });

  test('the invitation page fits a 360 px phone; screenshots at 360 and 1280 px', { timeout: 60000 }, async () => {
    for (const width of [360, 1280]) {
      const url = await apiInvitation(`Unidad Educativa Ancho ${width}`, `ancho${width}@escuela.test`);
      const page = await openPage(browser, { width, height: width === 360 ? 740 : 800, allow: [ACCEPT_REFUSED] });
      try {
        await page.goto(url);
        await page.getByRole('heading', { level: 1, name: `Unidad Educativa Ancho ${width}` }).waitFor();
        assert.equal(await horizontalOverflow(page), 0, `invitation form at ${width}`);
        await screenshot(page, `invitation-${width}`);
        // With a field error shown.
        await fillInvitation(page, { code: `ancho-${width}`, phone: '123' });
        await submitButton(page).click();
        await waitForText(page.locator('.field__error').filter({ hasText: /\S/ }), /teléfono no es válido/);
        assert.equal(await horizontalOverflow(page), 0, `invitation form with an error at ${width}`);
        await screenshot(page, `invitation-error-${width}`);
        await assertNoProblems(page);
      } finally {
        await closePage(page);
      }
    }
  });

  test('the platform home with a new invitation link fits a 360 px phone', { timeout: 60000 }, async () => {
    const page = await openPage(browser, { width: 360, height: 740 });
    try {
      await page.goto(server.masterUrl + '/');
      await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
      await page.getByRole('heading', { level: 2, name: 'Invitaciones' }).waitFor();
      await page.getByLabel('Plantel invitado').fill('Colegio Angosto');
      await page.getByLabel('Correo de contacto').fill('una.direccion.bastante.larga@colegio-angosto.test');
      await page.getByRole('button', { name: 'Enviar invitación' }).click();
      await page.getByText('Invitación creada para «Colegio Angosto»', { exact: false }).waitFor();
      await page.locator('tbody tr').filter({ hasText: 'Colegio Angosto' }).waitFor();
      await eventually(async () => (await page.getByText('Cargando').count()) === 0, 'all sections loaded');
      assert.equal(await horizontalOverflow(page), 0);
      await screenshot(page, 'home-platform-invitation-360');
      await assertNoProblems(page);
    } finally {
      await closePage(page);
    }
  });
});
