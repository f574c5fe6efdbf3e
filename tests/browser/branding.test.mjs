// A director gives her school its look (branding): removes the demo's
// logo and uploads her own, chooses the colours and the motto on the home page's "Imagen del plantel"
// section; the header shows the logo and the colours at once, the sign-in
// page shows them to anyone, and another school's host shows none of it.
// Screens at 1280 and 360 px.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import {
  DIRECTORA_EMAIL, DIRECTORA_NAME, DIRECTORA_PASSWORD,
  assertNoProblems, closePage, eventually, horizontalOverflow, launchBrowser, openPage, request,
  screenshot, signInButton, signInHome, startServer,
} from './harness.mjs';

/* A PNG written by hand: w x h of one colour. */
function png(w, h, rgb) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => { let c = 0xffffffff; for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const c = Buffer.alloc(4); c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 2;
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: w }, () => rgb).flat())]);
  const raw = Buffer.concat(Array.from({ length: h }, () => row));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

describe('a school gives itself its look', { timeout: 180000 }, () => {
  let server;
  let browser;
  before(async () => { server = await startServer(); browser = await launchBrowser(); });
  after(async () => { if (browser) await browser.close(); if (server) await server.stop(); });

  test('logo, colours and motto apply to the header and the sign-in page, and only on this school', { timeout: 90000 }, async () => {
    const page = await openPage(browser, { allow: [/status of 422.*\/api\/v1\/branding\/logo$/] });
    const file = path.join(os.tmpdir(), `bis-logo-${process.pid}.png`);
    fs.writeFileSync(file, png(120, 80, [10, 92, 54]));
    const fake = path.join(os.tmpdir(), `bis-fake-${process.pid}.png`);
    fs.writeFileSync(fake, 'Esto es un texto, no una imagen.\n'.repeat(20));
    try {
      await signInHome(page, server.demoUrl, DIRECTORA_EMAIL, DIRECTORA_PASSWORD, DIRECTORA_NAME);
      const card = page.getByRole('region', { name: 'Imagen del plantel' });
      // The demo comes with a look of its own (init --demo): its logo in the header.
      await eventually(() => page.locator('#brand-logo').isVisible(), 'the demo logo in the header');
      assert.equal(await page.locator('#brand-mark').isVisible(), false, 'the logo replaces the letter mark');
      await card.getByAltText('Logo actual del plantel').waitFor();
      await card.getByRole('button', { name: 'Quitar logo' }).click();
      await card.getByText('Logo quitado.').waitFor();
      await card.getByText('El plantel todavía no tiene logo.').waitFor();
      assert.equal(await page.locator('#brand-logo').isVisible(), false, 'no logo in the header once removed');
      assert.equal(await page.locator('#brand-mark').isVisible(), true, 'the letter mark is back');

      // A PNG by name but not by content: refused, said in Spanish, nothing changes.
      await card.getByLabel('Elegir una imagen').setInputFiles(fake);
      await card.getByText(`bis-fake-${process.pid}.png`).waitFor();
      await card.getByRole('button', { name: 'Subir logo' }).click();
      await card.getByRole('alert').filter({ hasText: 'no es una imagen PNG o JPEG válida' }).first().waitFor();
      assert.equal(await card.getByLabel('Elegir una imagen').getAttribute('aria-invalid'), 'true', 'the file field is marked');
      await card.getByText('El plantel todavía no tiene logo.').waitFor();
      assert.equal(await page.locator('#brand-logo').isVisible(), false, 'still no logo');

      await card.getByLabel('Elegir una imagen').setInputFiles(file);
      await card.getByAltText('Vista previa del logo elegido').waitFor();
      await card.getByRole('button', { name: 'Subir logo' }).click();
      await card.getByText('Logo guardado.').waitFor();
      await eventually(() => page.locator('#brand-logo').isVisible(), 'the header logo');
      assert.match(await page.locator('#brand-logo').getAttribute('src'), /^\/api\/v1\/branding\/logo\?v=[0-9a-f]{32}$/);
      assert.ok(await page.locator('#brand-logo').evaluate((img) => img.complete && img.naturalWidth === 120), 'the logo loads');
      assert.equal(await page.locator('link[rel="icon"]').getAttribute('href'),
        await page.locator('#brand-logo').getAttribute('src'), 'the tab shows the school logo');

      // A light primary colour: the header shows it, buttons get a darker, readable one.
      await card.getByLabel('Color principal').fill('#7fd1ae');
      await card.getByLabel('Lema').fill('Educar para servir');
      // The demo shows its contacts on the sign-in page; this school chooses not to.
      const showContacts = card.getByLabel('Mostrar el teléfono y el correo de contacto en la página de inicio de sesión');
      assert.equal(await showContacts.isChecked(), true, 'contacts shown by default');
      await showContacts.uncheck();
      await card.getByRole('button', { name: 'Guardar imagen del plantel' }).click();
      await card.getByText('Cambios guardados.').waitFor();
      const colours = await page.evaluate(() => {
        const s = getComputedStyle(document.documentElement);
        return { brand: s.getPropertyValue('--c-brand').trim(), primary: s.getPropertyValue('--c-primary').trim(),
          onBrand: s.getPropertyValue('--c-on-brand').trim(),
          header: getComputedStyle(document.querySelector('.site-header')).borderTopColor };
      });
      assert.equal(colours.brand, '#7fd1ae');
      assert.equal(colours.header, 'rgb(127, 209, 174)', 'the header carries the school colour');
      assert.notEqual(colours.primary, '#7fd1ae', 'a colour too light for white text is darkened for buttons');
      const button = page.getByRole('button', { name: 'Guardar imagen del plantel' });
      const ratio = await button.evaluate((b) => {
        const rgb = (c) => c.match(/\d+/g).slice(0, 3).map(Number);
        const lum = (c) => { const l = c.map((x) => { x /= 255; return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; }); return 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2]; };
        const s = getComputedStyle(b); const a = lum(rgb(s.backgroundColor)); const c = lum(rgb(s.color));
        return (Math.max(a, c) + 0.05) / (Math.min(a, c) + 0.05);
      });
      assert.ok(ratio >= 4.5, `the primary button's text is readable (contrast ${ratio.toFixed(2)})`);

      await card.scrollIntoViewIfNeeded();
      await screenshot(page, 'branding-1280');
      await page.setViewportSize({ width: 360, height: 740 });
      assert.equal(await horizontalOverflow(page), 0, 'the section fits a 360 px phone');
      await card.scrollIntoViewIfNeeded();
      await screenshot(page, 'branding-360');
      await page.setViewportSize({ width: 1280, height: 800 });

      // Anyone on this host sees the logo and motto on the sign-in page.
      const anon = await openPage(browser, { width: 360, height: 740 });
      try {
        await anon.goto(server.demoUrl + '/');
        await signInButton(anon).waitFor();
        await anon.getByText('Educar para servir').waitFor();
        assert.equal(await anon.getByText('Contacto del plantel').count(), 0, 'the contacts are not shown, as chosen');
        await eventually(() => anon.locator('#brand-logo').isVisible(), 'the logo on the sign-in page');
        await screenshot(anon, 'branding-signin-360');
        await assertNoProblems(anon);
      } finally {
        await closePage(anon);
      }
      // ... and the master host (another school) shows none of it.
      const other = await request(server.port, server.masterHost, 'GET', '/api/v1/branding');
      assert.equal(other.json.branding.logo_url, null);
      assert.equal(other.json.branding.motto, '');
      await assertNoProblems(page);
    } finally {
      fs.rmSync(file, { force: true });
      fs.rmSync(fake, { force: true });
      await closePage(page);
    }
  });
});
