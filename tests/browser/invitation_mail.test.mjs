// The whole invitation flow through a real SMTP exchange: the test starts an
// SMTP server (tests/tools/smtp_sink.py, Debian's python3-aiosmtpd) and the
// real bischeduler with --smtp-url pointing at it. The platform admin
// invites a school from the console; the mail worker sends the invitation;
// the test reads the message the SMTP server received, takes the link out
// of it, opens it in Chromium without a session, fills in only what the
// form requires (the code is suggested from the name and checked live),
// and the new school's director signs in on the school's own host. The
// console then shows the invitation accepted and its mail sent.
// A second test registers a school from the console with its director:
// the set-password mail arrives with a link on the new school's host, the
// password is chosen with it, and the director signs in there.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import {
  ADMIN_EMAIL, ADMIN_PASSWORD, ROLE_SCHOOL_ADMIN,
  assertNoProblems, closePage, eventually, horizontalOverflow, launchBrowser, openPage,
  request, screenshot, signIn, signInButton, startServer, waitForText,
} from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const SINK = path.resolve(here, '../tools/smtp_sink.py');
// Debian's python3 has python3-aiosmtpd; a python3 earlier on PATH may not.
const PYTHON = process.env.BIS_SMTP_PYTHON || '/usr/bin/python3';

/** Starts the SMTP server; resolves {port, dir, stop()} once it listens. */
function startSmtp() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bis-smtp-'));
  const child = spawn(PYTHON, [SINK, '--dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the SMTP server did not start:\n${output}`)), 15000);
    child.on('exit', (code) => reject(new Error(`the SMTP server exited (${code}):\n${output}`)));
    child.stderr.on('data', (c) => { output += c; });
    child.stdout.on('data', (c) => {
      output += c;
      const m = /listening (\d+)/.exec(output);
      if (!m) return;
      clearTimeout(timer);
      resolve({
        port: Number(m[1]),
        dir,
        stop() {
          child.kill('SIGTERM');
          process.off('exit', killOnExit);
          if (!process.env.BIS_KEEP_DATA) fs.rmSync(dir, { recursive: true, force: true });
        },
      });
    });
  });
}

/** The messages the SMTP server received so far (decoded by smtp_sink.py). */
function received(smtp) {
  return fs.readdirSync(smtp.dir).filter((f) => f.endsWith('.json')).sort()
    .map((f) => JSON.parse(fs.readFileSync(path.join(smtp.dir, f), 'utf8')));
}

describe('invitations by mail: a real SMTP server and Chromium', { timeout: 240000 }, () => {
  let smtp;
  let server;
  let browser;

  before(async () => {
    smtp = await startSmtp();
    server = await startServer({
      serveArgs: ['--smtp-url', `smtp://127.0.0.1:${smtp.port}`, '--mail-from', 'BiScheduler <no-reply@bischeduler.localhost>'],
    });
    browser = await launchBrowser();
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
    if (smtp) smtp.stop();
  });

  test('an invitation arrives by mail; its link registers the school, whose director signs in on its host', { timeout: 150000 }, async () => {
    const school = { name: 'Unidad Educativa Río Chama', code: 'rio-chama', contact: 'direccion@riochama.test' };
    const director = { name: 'Elena Quintero', password: 'Rio-Chama-2026' };

    // 1. The platform admin invites the school from the console.
    const admin = await openPage(browser);
    try {
      await admin.goto(server.masterUrl + '/');
      await signIn(admin, ADMIN_EMAIL, ADMIN_PASSWORD);
      await admin.getByRole('heading', { level: 2, name: 'Invitaciones' }).waitFor();
      await admin.getByLabel('Plantel invitado').fill(school.name);
      await admin.getByLabel('Correo de contacto').fill(school.contact);
      await admin.getByRole('button', { name: 'Enviar invitación' }).click();
      await admin.getByText(`Invitación creada para «${school.name}»`, { exact: false }).waitFor();
      await admin.locator('tbody tr').filter({ hasText: school.contact }).waitFor();
      await assertNoProblems(admin);
    } finally {
      await closePage(admin);
    }

    // 2. The mail reaches the SMTP server; the link is in it.
    const mail = await eventually(() => received(smtp).find((m) => m.rcpt_tos.includes(school.contact)),
      `the invitation mail to ${school.contact} at the SMTP server`, 30000);
    assert.match(mail.subject, /invita|Invitación/i, mail.subject);
    assert.ok(mail.text.includes(school.name), mail.text);
    assert.ok(mail.html && mail.html.includes(school.name), 'an HTML part too');
    const m = new RegExp(`${server.masterUrl.replace(/[.]/g, '\\.')}/invitacion#[0-9a-f]{64}`).exec(mail.text);
    assert.ok(m, `a link on the master host in:\n${mail.text}`);
    const link = m[0];

    // 3. The contact opens the link in a browser without a session.
    const guest = await openPage(browser, { width: 1280 });
    let schoolUrl;
    try {
      await guest.goto(link);
      await guest.getByRole('heading', { level: 1, name: school.name }).waitFor();
      assert.equal(new URL(guest.url()).hash, '', 'the link leaves the address bar');
      // The code is suggested from the name and found available.
      const code = guest.getByLabel('Código del plantel', { exact: true });
      await eventually(async () => (await code.inputValue()) === school.code, `the suggested code ${school.code}`);
      await waitForText(guest.locator('.field__status'), /^Disponible/);
      // Only what is required: state, the director's name and a password
      // (the name and the contact's email come filled in).
      await guest.getByLabel('Estado', { exact: true }).selectOption('VE-L');
      await guest.getByLabel('Nombre completo', { exact: true }).fill(director.name);
      await guest.getByLabel('Contraseña', { exact: true }).fill(director.password);
      assert.equal(await guest.getByLabel('RIF', { exact: true }).inputValue(), '', 'the RIF may come later');
      await screenshot(guest, 'invitation-mail-form-1280');
      await guest.getByRole('button', { name: 'Registrar plantel', exact: true }).click();
      await guest.getByRole('heading', { level: 1, name: `${school.name} ya está en BiScheduler` }).waitFor();
      schoolUrl = `http://bischeduler-${school.code}.localhost:${server.port}/`;
      await waitForText(guest.locator('.address-box'), schoolUrl);
      // What was left for later is named, with where to complete it.
      await guest.getByText(/^Quedaron por completar: RIF, Código DEA, .*configuración del plantel\.$/).waitFor();
      await assertNoProblems(guest);

      // 4. On the new school's host, the director signs in.
      await guest.getByRole('link', { name: `Ir a ${school.name} e ingresar` }).click();
      await signInButton(guest).waitFor();
      assert.equal(guest.url(), schoolUrl);
      await signIn(guest, school.contact, director.password);
      await guest.getByRole('heading', { level: 1, name: `Hola, ${director.name}` }).waitFor();
      await waitForText(guest.locator('.site-header'), new RegExp(`${school.name}.*${ROLE_SCHOOL_ADMIN.replace(/[()/]/g, '\\$&')}`));
      assert.equal(await horizontalOverflow(guest), 0);
      await assertNoProblems(guest);
    } finally {
      await closePage(guest);
    }

    // 5. The same link does not work twice, and says why.
    const again = await openPage(browser, { allow: [/status of 404.*\/api\/v1\/invitations\/[0-9a-f]+$/] });
    try {
      await again.goto(link);
      await again.getByRole('heading', { level: 1, name: 'Esta invitación ya no es válida' }).waitFor();
      await again.getByText('ya se usó', { exact: false }).waitFor();
      await assertNoProblems(again);
    } finally {
      await closePage(again);
    }

    // 6. The console shows the invitation accepted and its mail sent.
    const back = await openPage(browser);
    try {
      await back.goto(server.masterUrl + '/');
      await signIn(back, ADMIN_EMAIL, ADMIN_PASSWORD);
      const row = back.locator('tbody tr').filter({ hasText: school.contact });
      await waitForText(row, new RegExp(`${school.name}.*Aceptada.*Enviado.*${school.code}`));
      await assertNoProblems(back);
    } finally {
      await closePage(back);
    }
  });

  test('a school registered from the console: its director gets a set-password link on the new host and signs in there', { timeout: 90000 }, async () => {
    const school = { code: 'colegio-llano', name: 'Colegio El Llano' };
    const director = { name: 'Tomás Briceño', email: 'tomas@llano.test', password: 'El-Llano-2026-clave' };
    const schoolUrl = `http://bischeduler-${school.code}.localhost:${server.port}`;

    const admin = await openPage(browser);
    try {
      await admin.goto(server.masterUrl + '/');
      await signIn(admin, ADMIN_EMAIL, ADMIN_PASSWORD);
      await admin.getByLabel('Código').fill(school.code);
      await admin.getByLabel('Nombre del plantel').fill(school.name);
      await admin.getByLabel('Nombre del director(a)').fill(director.name);
      await admin.getByLabel('Correo del director(a)').fill(director.email);
      await admin.getByRole('button', { name: 'Crear plantel' }).click();
      await admin.getByText(`${director.name} recibirá por correo, en ${director.email}`, { exact: false }).waitFor();
      await assertNoProblems(admin);
    } finally {
      await closePage(admin);
    }

    // The mail names the school and carries a link on the school's own host.
    const mail = await eventually(() => received(smtp).find((m) => m.rcpt_tos.includes(director.email)),
      `the set-password mail to ${director.email} at the SMTP server`, 30000);
    assert.ok(mail.text.includes(school.name), mail.text);
    const m = new RegExp(`${schoolUrl.replace(/[.]/g, '\\.')}/clave/([0-9a-f]{64})`).exec(mail.text);
    assert.ok(m, `a /clave/ link on ${schoolUrl} in:\n${mail.text}`);

    // Before the password is chosen, the account cannot sign in; the link
    // (the set-password page's API) chooses it on the school's host.
    const host = `bischeduler-${school.code}.localhost`;
    const link = await request(server.port, host, 'GET', `/api/v1/auth/links/${m[1]}`);
    assert.equal(link.status, 200, link.body);
    assert.equal(link.json.purpose, 'invitation');
    assert.equal(link.json.email, director.email);
    const set = await request(server.port, host, 'POST', `/api/v1/auth/links/${m[1]}`, { body: { password: director.password } });
    assert.equal(set.status, 200, set.body);

    const page = await openPage(browser, { width: 360, height: 740 });
    try {
      await page.goto(schoolUrl + '/');
      await signIn(page, director.email, director.password);
      await page.getByRole('heading', { level: 1, name: `Hola, ${director.name}` }).waitFor();
      await waitForText(page.locator('.site-header'), new RegExp(school.name));
      assert.equal(await horizontalOverflow(page), 0);
      await assertNoProblems(page);
    } finally {
      await closePage(page);
    }
  });
});
