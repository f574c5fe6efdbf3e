// People of a school, as the director and the invited person meet them: the
// director invites a teacher on /usuarios; the teacher opens the link of the
// mail (read from the outbox, or from the mail queue while no worker has
// sent it), chooses a password on /clave/TOKEN and is signed in; the
// director disables them and their open session ends at once. Also: the
// forgotten-password form of the sign-in page, the pages of links that
// cannot be used, and the platform admin inviting another platform admin.
// Screenshots of each page at 1280 and 360 px.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  ADMIN_EMAIL, ADMIN_PASSWORD, DEMO_NAME, DIRECTORA_EMAIL, DIRECTORA_NAME, DIRECTORA_PASSWORD,
  assertNoProblems, closePage, eventually, horizontalOverflow, launchBrowser, openPage,
  screenshot, signIn, signInHome, startServer, waitForText,
} from './harness.mjs';

// Chromium logs each non-2xx reply as "Failed to load resource"; these are the ones the flows expect.
const LINK_REFUSED = /status of (404|409|410|403).*@.*\/api\/v1\/auth\/links\/[0-9a-zA-Z]+$/;
const SESSION_ENDED = /status of 401.*@.*\/api\/v1\//;

/** The newest mail to `to` whose text has a /clave/ link: the link, from the outbox or the queue. */
async function mailedLink(server, school, to) {
  const data = path.join(server.dataDir, 'store');
  const outbox = path.join(data, 'outbox');
  const linkRe = /https?:\/\/[^\s"<>]+\/clave\/[0-9a-f]{64}/;
  if (fs.existsSync(outbox)) {
    const files = fs.readdirSync(outbox).filter((f) => f.endsWith('.eml'))
      .map((f) => path.join(outbox, f)).sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
    for (const f of files) {
      const text = fs.readFileSync(f, 'utf8').replace(/=\r?\n/g, '').replace(/=3D/gi, '=');
      if (!new RegExp(`^To:.*${to.replace(/[.]/g, '\\.')}`, 'mi').test(text)) continue;
      const m = linkRe.exec(text);
      if (m) return m[0];
    }
  }
  // Not (yet) in the outbox, or encoded there: the rendered text in the queue.
  const db = school === 'master' ? path.join(data, 'master.sqlite') : path.join(data, 'schools', `${school}.sqlite`);
  const py = 'import sqlite3,sys\nc=sqlite3.connect(sys.argv[1])\n' +
    'r=c.execute("SELECT body_text FROM mail_queue WHERE to_email=? ORDER BY id DESC LIMIT 1",(sys.argv[2],)).fetchone()\n' +
    'print(r[0] if r else "")';
  const body = await new Promise((resolve, reject) => execFile('python3', ['-c', py, db, to], (err, out, errOut) =>
    (err ? reject(new Error(errOut || err.message)) : resolve(out))));
  const m = linkRe.exec(body);
  assert.ok(m, `no /clave/ link in the mail to ${to}:\n${body}`);
  return m[0];
}

/** The page fits a 360 px screen (the layout may take a moment after a resize). */
function noSidewaysScroll(page) {
  return eventually(async () => (await horizontalOverflow(page)) === 0, 'no sideways scrolling');
}

describe('people: invitations by mail, passwords by link', { timeout: 300000 }, () => {
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

  test('the director invites a teacher, who sets a password from the mailed link and is signed in; disabled, their session ends at once', { timeout: 120000 }, async () => {
    const teacher = { email: 'lucia.rivas@demo.test', name: 'Lucía Rivas', password: 'Docente-Lucia-2025' };
    const director = await openPage(browser);
    const guest = await openPage(browser, { allow: [LINK_REFUSED, SESSION_ENDED] });
    try {
      // 1. The director finds "Usuarios" and invites the teacher by email.
      await signInHome(director, server.demoUrl, DIRECTORA_EMAIL, DIRECTORA_PASSWORD, DIRECTORA_NAME);
      await director.getByRole('navigation').getByRole('link', { name: 'Usuarios' }).click();
      await director.getByRole('heading', { level: 1, name: 'Usuarios del plantel' }).waitFor();
      const invite = director.getByRole('region', { name: 'Invitar a una persona' });
      assert.equal(await invite.getByLabel(/Contraseña/).count(), 0, 'nobody types a password for someone else');
      await invite.getByLabel('Correo electrónico').fill(teacher.email);
      await invite.getByLabel('Nombre completo').fill(teacher.name);
      await invite.getByLabel('Rol').selectOption({ label: 'Docente' });
      await invite.getByLabel('Cargo (opcional)').selectOption('Docente');
      await invite.getByRole('button', { name: 'Enviar invitación' }).click();
      await invite.getByText(`Se envió la invitación a ${teacher.name} (${teacher.email}) como Docente.`, { exact: false }).waitFor();
      const row = director.locator('tbody tr').filter({ hasText: teacher.email });
      await waitForText(row, new RegExp(`${teacher.name}.*Docente.*${teacher.email}.*Docente.*Invitación pendiente.*Correo (por enviar|enviado)`));
      await row.getByRole('button', { name: `Reenviar la invitación a ${teacher.name}` }).waitFor();
      // The worker writes it to the outbox; the list shows the new state without a reload.
      await waitForText(row, /Correo enviado el \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}\./);
      await screenshot(director, 'people-users-1280');
      await director.setViewportSize({ width: 360, height: 800 });
      await noSidewaysScroll(director);
      await screenshot(director, 'people-users-360');
      await director.setViewportSize({ width: 1280, height: 800 });

      // 2. The teacher opens the mailed link, chooses a password and is signed in.
      const link = await mailedLink(server, 'demo', teacher.email);
      assert.ok(link.startsWith(server.demoUrl + '/clave/'), `the link is on the school's host: ${link}`);
      await guest.goto(link);
      await guest.getByRole('heading', { level: 1, name: `Bienvenido(a), ${teacher.name}` }).waitFor();
      await guest.getByText(`Le invitaron a ${DEMO_NAME} como Docente.`, { exact: false }).waitFor();
      await screenshot(guest, 'people-link-1280');
      await guest.setViewportSize({ width: 360, height: 800 });
      await noSidewaysScroll(guest);
      // A mismatch is caught before anything is sent.
      await guest.getByLabel('Contraseña', { exact: true }).fill(teacher.password);
      await guest.getByLabel('Repita la contraseña').fill('Otra-Cosa-2025');
      await guest.getByRole('button', { name: 'Guardar contraseña e ingresar' }).click();
      await guest.getByText('Las dos contraseñas no coinciden.', { exact: false }).first().waitFor();
      await screenshot(guest, 'people-link-360');
      await guest.getByLabel('Repita la contraseña').fill(teacher.password);
      await guest.getByRole('button', { name: 'Guardar contraseña e ingresar' }).click();
      await guest.getByRole('heading', { level: 1, name: `Hola, ${teacher.name}` }).waitFor();
      assert.equal(new URL(guest.url()).pathname, '/', 'the link leaves the address bar');
      await guest.setViewportSize({ width: 1280, height: 800 });

      // The same link again: it was used.
      const again = await openPage(browser, { allow: [LINK_REFUSED] });
      try {
        await again.goto(link);
        await again.getByRole('heading', { level: 1, name: 'Este enlace ya se usó' }).waitFor();
        await again.getByText('Esta invitación ya se usó', { exact: false }).waitFor();
        await assertNoProblems(again);
      } finally { await closePage(again); }

      // 3. The director sees the teacher active, then disables them.
      await director.reload();
      await waitForText(row, new RegExp(`${teacher.name}.*Activo`));
      // Edits: her name, role and cargo, in the panel above the list.
      await row.getByRole('button', { name: `Editar a ${teacher.name}` }).click();
      const panel = director.getByRole('region', { name: 'Usuario seleccionado' });
      await panel.getByLabel('Nombre completo').fill('Lucía Rivas Mora');
      await panel.getByLabel('Cargo (opcional)').selectOption('Coordinador(a)');
      await director.setViewportSize({ width: 360, height: 800 });
      await noSidewaysScroll(director);
      await screenshot(director, 'people-edit-360');
      await director.setViewportSize({ width: 1280, height: 800 });
      await panel.getByRole('button', { name: 'Guardar cambios' }).click();
      await director.getByText('Se guardaron los cambios de Lucía Rivas Mora.').waitFor();
      await waitForText(row, /Lucía Rivas Mora.*Coordinador\(a\).*Docente.*Activo/);
      teacher.name = 'Lucía Rivas Mora';
      // A reset link by mail, on request of the person.
      await row.getByRole('button', { name: `Enviar a ${teacher.name} un enlace para cambiar la contraseña` }).click();
      await director.getByText(`Se envió a ${teacher.email} un enlace para elegir una contraseña nueva. Vale 1 hora.`).waitFor();
      assert.match(await mailedLink(server, 'demo', teacher.email), /\/clave\/[0-9a-f]{64}$/);
      await row.getByRole('button', { name: `Desactivar a ${teacher.name}` }).click();
      await panel.getByRole('heading', { name: `¿Desactivar a ${teacher.name}?` }).waitFor();
      await panel.getByRole('button', { name: 'Sí, desactivar' }).click();
      await director.getByText(`Se desactivó a ${teacher.name}.`, { exact: false }).waitFor();
      await waitForText(row, new RegExp(`${teacher.name}.*Desactivado`));
      await row.getByRole('button', { name: `Activar a ${teacher.name}` }).waitFor();

      // The teacher's open session ended at once: the next request shows the sign-in page.
      await guest.reload();
      await guest.getByRole('heading', { level: 1, name: 'Iniciar sesión' }).waitFor();
      await signIn(guest, teacher.email, teacher.password);
      await guest.getByRole('alert').filter({ hasText: /incorrect/i }).waitFor();
      await assertNoProblems(director);
      await assertNoProblems(guest);
    } finally {
      await closePage(director);
      await closePage(guest);
    }
  });

  test('"¿Olvidó su contraseña?" mails a reset link; the page of a link that cannot be used says why', { timeout: 90000 }, async () => {
    const page = await openPage(browser, { allow: [LINK_REFUSED] });
    try {
      await page.goto(server.demoUrl + '/');
      await page.getByLabel('Correo electrónico', { exact: true }).fill(DIRECTORA_EMAIL);
      await page.getByRole('button', { name: '¿Olvidó su contraseña?' }).click();
      const box = page.locator('.forgot');
      assert.equal(await box.getByLabel('Correo electrónico de su cuenta').inputValue(), DIRECTORA_EMAIL, 'the email typed above is kept');
      await box.getByRole('button', { name: 'Enviarme un enlace' }).click();
      const answer = /Si el correo corresponde a una cuenta de este plantel.*1 hora/;
      await waitForText(box.getByRole('status'), answer);
      await screenshot(page, 'people-forgot-1280');
      await page.setViewportSize({ width: 360, height: 800 });
      await noSidewaysScroll(page);
      await screenshot(page, 'people-forgot-360');
      // An unknown email gets the very same answer.
      await box.getByLabel('Correo electrónico de su cuenta').fill('nadie@demo.test');
      await box.getByRole('button', { name: 'Enviarme un enlace' }).click();
      await waitForText(box.getByRole('status'), answer);

      // The reset link works: the director chooses a new password and is signed in.
      const link = await mailedLink(server, 'demo', DIRECTORA_EMAIL);
      await page.goto(link);
      await page.getByRole('heading', { level: 1, name: 'Elija una contraseña nueva' }).waitFor();
      await page.getByLabel('Contraseña nueva', { exact: true }).fill(DIRECTORA_PASSWORD);
      await page.getByLabel('Repita la contraseña').fill(DIRECTORA_PASSWORD);
      await page.getByRole('button', { name: 'Cambiar contraseña e ingresar' }).click();
      await page.getByRole('heading', { level: 1, name: `Hola, ${DIRECTORA_NAME}` }).waitFor();

      // Used twice: refused.
      await page.goto(link);
      await page.getByRole('heading', { level: 1, name: 'Este enlace ya se usó' }).waitFor();
      // Unknown (cut short or mistyped) and of another school (opened on the master host).
      await page.goto(server.demoUrl + '/clave/' + '0'.repeat(64));
      await page.getByRole('heading', { level: 1, name: 'Este enlace no es válido' }).waitFor();
      await page.getByRole('link', { name: 'Ir a la página de entrada' }).waitFor();
      await noSidewaysScroll(page);
      await screenshot(page, 'people-link-invalid-360');
      await page.goto(server.masterUrl + new URL(link).pathname);
      await page.getByRole('heading', { level: 1, name: 'Este enlace es de otro plantel' }).waitFor();
      await page.getByText('ábralo tal como llegó en el correo', { exact: false }).waitFor();
      await assertNoProblems(page);
    } finally {
      await closePage(page);
    }
  });

  test('the platform admin invites another platform admin from the console', { timeout: 60000 }, async () => {
    const page = await openPage(browser);
    const other = { email: 'soporte2@ueipab.test', name: 'Carlos Méndez' };
    try {
      await page.goto(server.masterUrl + '/');
      await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
      await page.getByRole('navigation').getByRole('link', { name: 'Usuarios' }).click();
      await page.getByRole('heading', { level: 1, name: 'Administradores de la plataforma' }).waitFor();
      const invite = page.getByRole('region', { name: 'Invitar a una persona' });
      assert.equal(await invite.getByLabel('Rol').count(), 0, 'one role only: no choice to make');
      await invite.getByLabel('Correo electrónico').fill(other.email);
      await invite.getByLabel('Nombre completo').fill(other.name);
      await invite.getByRole('button', { name: 'Enviar invitación' }).click();
      const row = page.locator('tbody tr').filter({ hasText: other.email });
      await waitForText(row, new RegExp(`${other.name}.*Administrador de plataforma.*Invitación pendiente`));
      // The admin's own row offers no "Desactivar".
      const mine = page.locator('tbody tr').filter({ hasText: ADMIN_EMAIL });
      await mine.getByRole('button', { name: /^Editar a / }).waitFor();
      assert.equal(await mine.getByRole('button', { name: /^Desactivar/ }).count(), 0);
      await screenshot(page, 'people-platform-1280');
      await page.setViewportSize({ width: 360, height: 800 });
      await noSidewaysScroll(page);
      await screenshot(page, 'people-platform-360');
      const link = await mailedLink(server, 'master', other.email);
      assert.ok(link.startsWith(server.masterUrl + '/clave/'), link);
      await assertNoProblems(page);
    } finally {
      await closePage(page);
    }
  });
});
