// The web app in a secretary's words (issue 14): every page each role can
// reach, read as a person reads it, with one word for a school ("plantel")
// and none of the technical words a person would not use ("token", "script",
// "ID", raw time zone names, internal codes like "school_admin", or
// "undefined"). Also the Spanish page of an unknown address.
//
// Each role signs in, opens every page of its navigation (so pages added
// later are swept too) and its home with the folded sections opened; the
// text checked is what is visible plus what is read aloud or shown in a
// form (titles, labels, placeholders, options, input values).

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  ADMIN_EMAIL, ADMIN_PASSWORD, BIN, DIRECTORA_EMAIL, DIRECTORA_NAME, DIRECTORA_PASSWORD,
  assertNoProblems, closePage, eventually, launchBrowser, openPage, signInButton, signInHome, startServer,
} from './harness.mjs';

/* [pattern, why] — a page fails on any of them. */
const FORBIDDEN = [
  [/\bescuelas?\b/i, 'a school is "plantel" in the UI'],
  [/\bschools?\b|\btenants?\b/i, 'English for a school'],
  [/\btokens?\b/i, '"token" (an access key for programs is "clave de acceso")'],
  [/\bscripts?\b/i, '"script"'],
  [/\bIDs?\b/, '"ID"'],
  [/\b(?:America|Europe|Africa|Asia|Atlantic|Pacific|Etc)\/[A-Za-z_]+/, 'a raw time zone name'],
  [/\b[a-z]+_[a-z_]+\b/, 'an internal code (snake_case)'],
  [/\bundefined\b|\bnull\b|\bNaN\b|\[object Object\]/, 'a programming value'],
];

const ROLES_EXTRA = [
  { email: 'docente.palabras@demo.test', name: 'Teresa Docente', role: 'teacher' },
  { email: 'rep.palabras@demo.test', name: 'Ramón Representante', role: 'parent' },
];

function cli(args) {
  return new Promise((resolve, reject) => {
    execFile(BIN, args, { timeout: 60000 }, (err, stdout, stderr) => (err ? reject(new Error(stderr || stdout)) : resolve(stdout)));
  });
}

/** What a person reads or hears on the page, as [where, text] pairs. */
function readPage(page) {
  return page.evaluate(() => {
    for (const d of document.querySelectorAll('details')) d.open = true;
    const out = [['title', document.title], ['page', document.body.innerText]];
    for (const e of document.querySelectorAll('[aria-label],[title],[placeholder],[alt]')) {
      for (const a of ['aria-label', 'title', 'placeholder', 'alt']) {
        if (e.hasAttribute(a)) out.push([`${a} of <${e.tagName.toLowerCase()}>`, e.getAttribute(a)]);
      }
    }
    for (const o of document.querySelectorAll('option')) out.push(['option', o.label || o.textContent]);
    for (const i of document.querySelectorAll('input:not([type=hidden]):not([type=password]), textarea')) {
      out.push([`value of ${i.name || 'a field'}`, i.value]);
    }
    return out;
  });
}

function offences(pairs) {
  const found = [];
  for (const [where, text] of pairs) {
    for (const [re, why] of FORBIDDEN) {
      const m = re.exec(text || '');
      if (m) {
        const at = Math.max(0, m.index - 40);
        found.push(`${why}: «${m[0]}» in ${where}: "…${text.slice(at, m.index + m[0].length + 40).replace(/\s+/g, ' ')}…"`);
      }
    }
  }
  return found;
}

/** Waits until the page has no "Cargando" left, then reads it; returns the offences. */
async function sweep(page, label) {
  await page.getByRole('heading', { level: 1 }).first().waitFor();
  await eventually(async () => (await page.locator('main').getByText(/Cargando/).count()) === 0, `${label} loaded`, 10000)
    .catch(() => { /* a slow section is read as it is */ });
  // A folded section loads when opened: open them, let them load, read again.
  await page.evaluate(() => { for (const d of document.querySelectorAll('details')) { d.open = true; } });
  await page.waitForTimeout(300);
  await eventually(async () => (await page.locator('main').getByText(/Cargando/).count()) === 0, `${label} loaded`, 10000)
    .catch(() => {});
  return offences(await readPage(page)).map((o) => `${label}: ${o}`);
}

/** Every page of the navigation, then the home page. */
async function sweepNavigation(page, who) {
  const found = await sweep(page, `${who} /`);
  const hrefs = await page.locator('#nav-links a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  for (const href of hrefs) {
    if (href === '/') continue;
    await page.locator(`#nav-links a[href="${href}"]`).click();
    await eventually(async () => new URL(page.url()).pathname === href, `${href} opened`);
    found.push(...await sweep(page, `${who} ${href}`));
  }
  return found;
}

describe('the web app speaks a secretary\'s Spanish', { timeout: 240000 }, () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer();
    const store = path.join(server.dataDir, 'store');
    const pw = path.join(server.dataDir, 'directora-password');
    for (const u of ROLES_EXTRA) {
      await cli(['user', 'add', '--data', store, '--school', 'demo', '--email', u.email, '--role', u.role,
        '--name', u.name, '--password-file', pw]);
    }
    browser = await launchBrowser();
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  test('the scanner itself catches each kind of forbidden word', () => {
    const bad = ['Nombre de la escuela', 'Crear token', 'ID', 'America/Caracas', 'school_admin', 'undefined', 'Tenant'];
    for (const t of bad) assert.equal(offences([['x', t]]).length, 1, t);
    assert.deepEqual(offences([['x', 'Datos del plantel · Zona horaria: Caracas (UTC−4) · Dirección IP · identidad']]), []);
  });

  test('before signing in: the sign-in page and an unknown address', { timeout: 60000 }, async () => {
    const page = await openPage(browser, { width: 360, height: 740, allow: [/status of 404/] });
    try {
      await page.goto(server.demoUrl + '/');
      await signInButton(page).waitFor();
      const found = offences(await readPage(page)).map((o) => `sign-in: ${o}`);

      // An address that is no page: the app's Spanish page with status 404, not JSON.
      const reply = await page.goto(server.demoUrl + '/horarios/ninguno');
      assert.equal(reply.status(), 404);
      await page.getByRole('heading', { level: 1, name: 'Página no encontrada' }).waitFor();
      assert.doesNotMatch(await page.locator('body').innerText(), /"error"|not_found|\{/, 'no JSON on the page');
      await page.getByRole('link', { name: /inicio/i }).first().waitFor();
      found.push(...offences(await readPage(page)).map((o) => `404: ${o}`));
      assert.deepEqual(found, []);
      await assertNoProblems(page);
    } finally {
      await closePage(page);
    }
  });

  test('the school admin\'s pages, signed in, and an unknown page inside the app', { timeout: 120000 }, async () => {
    const page = await openPage(browser, { width: 360, height: 740, allow: [/status of 404/] });
    try {
      await signInHome(page, server.demoUrl, DIRECTORA_EMAIL, DIRECTORA_PASSWORD, DIRECTORA_NAME);
      const found = await sweepNavigation(page, 'school admin');
      // A student's record, the form to edit it and a representative's (the demo holds students).
      await page.locator('#nav-links a[href="/estudiantes"]').click();
      const student = page.locator('main a.row-link[href^="/estudiantes/"]').first();
      await student.waitFor();
      await student.click();
      found.push(...await sweep(page, 'school admin: a student'));
      const rep = page.locator('main a.row-link[href^="/representantes/"]').first();
      if (await rep.count()) {
        await rep.click();
        found.push(...await sweep(page, 'school admin: a representative'));
        await page.goBack();
      }
      await page.locator('main a[href$="/editar"]').first().click();
      found.push(...await sweep(page, 'school admin: a student\'s form'));
      await page.goto(server.demoUrl + '/auditoria/otra');
      await page.getByRole('heading', { level: 1, name: 'Página no encontrada' }).waitFor();
      assert.deepEqual(found, []);
      await assertNoProblems(page);
    } finally {
      await closePage(page);
    }
  });

  test('the teacher\'s and the parent\'s pages; neither is offered access for programs', { timeout: 60000 }, async () => {
    for (const u of ROLES_EXTRA) {
      const page = await openPage(browser, { width: 360, height: 740 });
      try {
        await signInHome(page, server.demoUrl, u.email, DIRECTORA_PASSWORD, u.name);
        const found = await sweepNavigation(page, u.role);
        assert.deepEqual(found, []);
        assert.equal(await page.locator('details.advanced').count(), 0, `no advanced section for a ${u.role}`);
        assert.equal(await page.getByText(/acceso para programas/).count(), 0);
        await assertNoProblems(page);
      } finally {
        await closePage(page);
      }
    }
  });

  test('the platform admin\'s console', { timeout: 90000 }, async () => {
    const page = await openPage(browser, { width: 1280, height: 800 });
    try {
      await page.goto(server.masterUrl + '/');
      await signInButton(page).waitFor();
      await page.getByLabel('Correo electrónico', { exact: true }).fill(ADMIN_EMAIL);
      await page.getByLabel('Contraseña', { exact: true }).fill(ADMIN_PASSWORD);
      await signInButton(page).click();
      await page.getByRole('heading', { level: 1, name: /^Hola, / }).waitFor();
      const found = await sweepNavigation(page, 'platform admin');
      assert.deepEqual(found, []);
      await assertNoProblems(page);
    } finally {
      await closePage(page);
    }
  });
});
