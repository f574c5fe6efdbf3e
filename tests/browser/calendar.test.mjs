// The school year's calendar (issue #16, part `calendar`) against the real
// server and the demo school: the director opens "Calendario escolar", finds
// the year's días hábiles and Carnaval among the national holidays, adds a
// break after Carnaval as a range, removes one of its days and a holiday,
// re-adds the national holidays, removes the rest of the break from the
// month's list, is told under a date outside the year, and
// sees the warning when a long closure leaves the year under 200 days. The
// counts the page shows are compared with GET /api/v1/calendar. At 1280 and
// 360 px: screenshots, no sideways scroll.

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  DIRECTORA_EMAIL, DIRECTORA_NAME, DIRECTORA_PASSWORD,
  assertNoProblems, closePage, horizontalOverflow, launchBrowser, openPage, screenshot, signInHome,
  startServer, waitForText,
} from './harness.mjs';

const SHOTS = process.env.BIS_SCREENSHOT_DIR || '/tmp';
/* The top of the page as a phone shows it, beside the full-page screenshot. */
const viewShot = async (page, name) => {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(SHOTS, `bis-${name}.png`) });
};
const dmy = (iso) => iso.split('-').reverse().join('/');
const plusDays = (iso, n) => {
  const d = new Date(iso + 'T12:00:00Z');
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
};

async function calendarOf(page) {
  return page.evaluate(async () => (await fetch('/api/v1/calendar')).json());
}

async function openCalendar(page, server) {
  await signInHome(page, server.demoUrl, DIRECTORA_EMAIL, DIRECTORA_PASSWORD, DIRECTORA_NAME);
  const nav = page.getByRole('navigation', { name: 'Navegación principal' });
  await nav.getByRole('link', { name: 'Calendario escolar', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Calendario escolar' }).waitFor();
  await page.locator('.cal-month').first().waitFor();
}

describe('the school year calendar (real server)', { timeout: 180000 }, () => {
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

  test('the director adds a break, removes days, re-adds a holiday and sees the count follow', async () => {
    // the date outside the year is refused with a 422, which Chromium logs
    const page = await openPage(browser, { width: 1280, height: 900, allow: [/status of 422.*\/api\/v1\/calendar\/days$/] });
    page.on('dialog', (d) => d.accept());
    try {
      await openCalendar(page, server);
      const cal = await calendarOf(page);
      const count = page.locator('.cal-count');
      await waitForText(count, `Días hábiles: ${cal.school_days} de 200 requeridos`);

      // Carnaval is there, coloured and named, in its month
      const carnaval = cal.days.find((d) => d.name === 'Lunes de Carnaval');
      assert.ok(carnaval, JSON.stringify(cal.days));
      const monthName = new Date(carnaval.date + 'T12:00:00Z').toLocaleDateString('es-VE', { month: 'long', timeZone: 'UTC' });
      const month = page.getByRole('region', { name: new RegExp('^' + monthName + ' ' + carnaval.date.slice(0, 4), 'i') });
      await month.locator('.cal-list').getByText('Lunes de Carnaval').waitFor();
      assert.equal(await month.locator('td.cal-day--feriado').count() >= 2, true);
      await screenshot(page, 'calendario-1280');
      await viewShot(page, 'calendario-1280-top');
      assert.equal(await horizontalOverflow(page), 0, 'sideways scroll at 1280 px');

      // a break on the Wednesday to Friday after Carnaval
      const wed = plusDays(carnaval.date, 2);
      const fri = plusDays(carnaval.date, 4);
      const form = page.locator('form').filter({ has: page.getByRole('button', { name: 'Agregar al calendario' }) });
      await form.getByLabel('Nombre').fill('Semana de Carnaval');
      await form.getByLabel('Desde').fill(wed);
      await form.getByLabel('Hasta').fill(fri);
      await form.getByLabel('Tipo').selectOption({ label: 'Vacaciones' });
      await form.getByRole('button', { name: 'Agregar al calendario' }).click();
      await waitForText(page.getByRole('status'), `Se marcaron 3 días como «Semana de Carnaval». Días hábiles: ${cal.school_days - 3}.`);
      await waitForText(count, `Días hábiles: ${cal.school_days - 3} de 200 requeridos`);
      assert.equal(await month.locator('td.cal-day--vacaciones').count(), 3);
      assert.equal((await calendarOf(page)).school_days, cal.school_days - 3);

      // one of its days back to a school day, then Lunes de Carnaval
      await month.getByRole('button', { name: `Quitar Semana de Carnaval del ${dmy(fri)}` }).click();
      await waitForText(page.getByRole('status'), `Se quitó «Semana de Carnaval» del ${dmy(fri)}. Días hábiles: ${cal.school_days - 2}.`);
      await month.getByRole('button', { name: `Quitar Lunes de Carnaval del ${dmy(carnaval.date)}` }).click();
      await waitForText(count, `Días hábiles: ${cal.school_days - 1} de 200 requeridos`);
      assert.equal(await month.locator('.cal-list').getByText('Lunes de Carnaval').count(), 0);

      // the national holidays: the one removed comes back
      await page.getByRole('button', { name: 'Restablecer feriados nacionales' }).click();
      await waitForText(page.getByRole('status'), `Se agregó 1 feriado nacional que faltaba. Días hábiles: ${cal.school_days - 2}.`);
      await month.locator('.cal-list').getByText('Lunes de Carnaval').waitFor();
      await page.getByRole('button', { name: 'Restablecer feriados nacionales' }).click();
      await waitForText(page.getByRole('status'), 'No faltaba ningún feriado nacional.');

      // what is left of the break, removed from the month's list in one go
      const thu = plusDays(carnaval.date, 3);
      await month.getByRole('button', { name: `Quitar Semana de Carnaval (${dmy(wed)} al ${dmy(thu)})` }).click();
      await waitForText(page.getByRole('status'), `Se quitó «Semana de Carnaval» del ${dmy(wed)} al ${dmy(thu)}. Días hábiles: ${cal.school_days}.`);
      assert.equal(await month.locator('td.cal-day--vacaciones').count(), 0);

      // a date outside the year: said under the field, nothing written
      await form.getByLabel('Nombre').fill('Fuera del año');
      await form.getByLabel('Desde').fill(plusDays(cal.year.ends_on, 10));
      await form.getByLabel('Hasta').fill('');
      await form.getByRole('button', { name: 'Agregar al calendario' }).click();
      await waitForText(form.locator('.field__error').filter({ hasText: /año escolar/ }), /dentro del año escolar/);
      assert.equal((await calendarOf(page)).school_days, cal.school_days);
      await assertNoProblems(page);
    } finally {
      await closePage(page);
    }
  });

  test('on a phone, a long closure leaves the year under 200 days and the page says so', async () => {
    const page = await openPage(browser, { width: 360, height: 800 });
    page.on('dialog', (d) => d.accept());
    try {
      await openCalendar(page, server);
      const cal = await calendarOf(page);
      // close the school for as many school days as it has over 200, and one more
      const form = page.locator('form').filter({ has: page.getByRole('button', { name: 'Agregar al calendario' }) });
      const start = cal.months[2].month + '-01';
      await form.getByLabel('Nombre').fill('Cierre por reparaciones');
      await form.getByLabel('Desde').fill(start);
      await form.getByLabel('Hasta').fill(plusDays(start, 60));
      await form.getByLabel('Tipo').selectOption({ label: 'Cierre del plantel' });
      await form.getByRole('button', { name: 'Agregar al calendario' }).click();
      await page.getByRole('status').filter({ hasText: 'Cierre por reparaciones' }).waitFor();
      const now = await calendarOf(page);
      assert.ok(now.school_days < 200, `${now.school_days} school days`);
      await waitForText(page.locator('.cal-count'), `Días hábiles: ${now.school_days} de 200 requeridos`);
      await waitForText(page.getByRole('note'),
        `Faltan ${200 - now.school_days} días hábiles para los 200 que exige la ley. Revise las vacaciones y los cierres, o las fechas del año escolar en Estructura.`);
      await screenshot(page, 'calendario-360');
      await viewShot(page, 'calendario-360-top');
      await page.locator('.cal-month').nth(2).scrollIntoViewIfNeeded();
      await page.locator('.cal-month').nth(2).screenshot({ path: path.join(SHOTS, 'bis-calendario-360-month.png') });
      assert.equal(await horizontalOverflow(page), 0, 'sideways scroll at 360 px');
      await assertNoProblems(page);
    } finally {
      await closePage(page);
    }
  });
});
