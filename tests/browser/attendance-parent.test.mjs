// A parent reads their child's attendance (issue #16, part `take`) against
// the real server and the demo school: the director takes 1er Año A's
// attendance on the last school days (absent, justified with its reason,
// one day not taken, late) through the API, as the attendance page does;
// the parent opens "Asistencia de mi representado" and finds each day as
// recorded, the day not taken shown as not recorded (never as an absence),
// the month's totals in words, and moves to the previous month. At 1280 and
// 360 px: screenshots, no sideways scroll.
//
// TEST SUPPORT ONLY: the parent's account is made with the CLI and linked
// to a student with sqlite3 (the demo has no parent accounts), whose
// enrolment is moved back to the start of the year.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  BIN, DIRECTORA_EMAIL, DIRECTORA_NAME, DIRECTORA_PASSWORD,
  assertNoProblems, eventually, closePage, horizontalOverflow, launchBrowser, openPage, screenshot, signIn, signInHome,
  startServer, waitForText,
} from './harness.mjs';

const MAMA = 'mama.asistencia@demo.test';
const PASSWORD = 'Asistencia-Prueba-2025';
const SEC = "(SELECT s.id FROM sections s JOIN grades g ON g.id = s.grade_id JOIN school_years y ON y.id = s.year_id AND y.is_current = 1 WHERE g.level = 'media_general' AND g.number = 1 AND s.letter = 'A')";
const MONTHS = ['enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto', 'septiembre', 'octubre', 'noviembre', 'diciembre'];
const WEEKDAYS = ['domingo', 'lunes', 'martes', 'miércoles', 'jueves', 'viernes', 'sábado'];

function dayLabel(iso) {
  const [y, m, d] = iso.split('-').map(Number);
  return WEEKDAYS[new Date(Date.UTC(y, m - 1, d)).getUTCDay()] + ' ' + d + ' de ' + MONTHS[m - 1];
}

function sqlite(db, sql) {
  const r = spawnSync('sqlite3', [db], { input: sql, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '', r.stderr);
  return r.stdout.trim();
}

describe('a parent reads their child attendance (real server)', { timeout: 240000 }, () => {
  let server;
  let browser;
  let db;
  let days;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const store = path.join(server.dataDir, 'store');
    const pw = path.join(server.dataDir, 'asistencia-password');
    fs.writeFileSync(pw, PASSWORD + '\n', { mode: 0o600 });
    const r = spawnSync(BIN, ['user', 'add', '--data', store, '--school', 'demo', '--email', MAMA, '--role', 'parent',
      '--name', 'Carmen Rondón', '--password-file', pw], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    db = path.join(store, 'schools', 'demo.sqlite');
    const now = new Date().toISOString().slice(0, 19) + 'Z';
    sqlite(db, [
      'BEGIN;',
      `INSERT INTO representatives (cedula, first_names, last_names, user_id, created_at, updated_at) VALUES ('V19999002', 'Carmen', 'Rondón', (SELECT id FROM users WHERE email = '${MAMA}'), '${now}', '${now}');`,
      "INSERT INTO student_representatives (student_id, representative_id, position)" +
        ` SELECT min(id), (SELECT id FROM representatives WHERE cedula = 'V19999002'), 3 FROM students WHERE section_id = ${SEC};`,
      // the demo enrols its students on the day it is made: this one has
      // been in the section since the year began
      'UPDATE enrolments SET starts_on = (SELECT starts_on FROM school_years WHERE is_current = 1)' +
        " WHERE student_id = (SELECT student_id FROM student_representatives WHERE representative_id =" +
        " (SELECT id FROM representatives WHERE cedula = 'V19999002'));",
      'COMMIT;'].join('\n'));
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  test('the director takes attendance; the parent finds each day as recorded', async () => {
    const student = Number(sqlite(db, `SELECT student_id FROM student_representatives WHERE representative_id = (SELECT id FROM representatives WHERE cedula = 'V19999002');`));
    const section = Number(sqlite(db, `SELECT ${SEC};`));
    const page0 = await openPage(browser, { width: 1280 });
    await signInHome(page0, server.demoUrl, DIRECTORA_EMAIL, DIRECTORA_PASSWORD, DIRECTORA_NAME);
    // the last four school days up to today, as the school's calendar says
    days = await page0.evaluate(async () => {
      const found = [];
      const d = new Date(new Date().toLocaleDateString('en-CA', { timeZone: 'America/Caracas' }) + 'T12:00:00Z');
      for (let i = 0; i < 60 && found.length < 4; i++, d.setUTCDate(d.getUTCDate() - 1)) {
        const iso = d.toISOString().slice(0, 10);
        const r = await (await fetch('/api/v1/attendance/sections?date=' + iso)).json();
        if (r.school_day) found.push(iso);
      }
      return found;
    });
    assert.equal(days.length, 4, 'four school days in the last 60 days');
    // whatever the demo recorded on those days steps aside
    sqlite(db, `DELETE FROM attendance_sessions WHERE section_id = ${section} AND date IN (${days.map((x) => `'${x}'`).join(', ')});`);
    const [absentDay, justifiedDay, notTaken, lateDay] = days;
    const statuses = await page0.evaluate(async ({ section, student, plan }) => {
      const me = await (await fetch('/api/v1/auth/me')).json();
      const h = { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token };
      const out = [];
      for (const [date, mark] of plan) {
        const r = await fetch('/api/v1/attendance', { method: 'PUT', headers: h,
          body: JSON.stringify({ section_id: section, date, marks: [{ student_id: student, ...mark }] }) });
        out.push(r.status);
      }
      return out;
    }, { section, student, plan: [[absentDay, { status: 'absent' }], [justifiedDay, { status: 'justified', reason: 'Cita médica' }],
      [lateDay, { status: 'late' }]] });
    assert.deepEqual(statuses, [200, 200, 200]);
    await closePage(page0);

    const thisMonth = days[0].slice(0, 7);
    const expect = [[absentDay, 'Faltó'], [justifiedDay, 'Falta justificada Cita médica'], [notTaken, 'Sin registrar'], [lateDay, 'Llegó tarde']];
    for (const width of [1280, 360]) {
      const page = await openPage(browser, { width, height: 900 });
      try {
        await page.goto(server.demoUrl + '/');
        await signIn(page, MAMA, PASSWORD);
        const nav = page.getByRole('navigation', { name: 'Navegación principal' });
        await nav.getByRole('link', { name: 'Asistencia de mi representado', exact: true }).click();
        await page.getByRole('heading', { level: 1, name: 'Asistencia de mi representado' }).waitFor();
        const panel = page.getByRole('tabpanel');
        const [y, m] = thisMonth.split('-').map(Number);
        await panel.getByRole('heading', { level: 2, name: MONTHS[m - 1].replace(/^./, (c) => c.toUpperCase()) + ' de ' + y }).waitFor();
        await waitForText(panel.locator('p.muted').first(), /· 1er Año A$/);
        // this month's days, then the previous month's
        for (const month of [thisMonth, null]) {
          if (month === null) {
            if (!expect.some(([d]) => d.slice(0, 7) !== thisMonth)) break;
            await panel.getByRole('button', { name: '‹ Mes anterior' }).click();
          }
          for (const [date, text] of expect) {
            if ((date.slice(0, 7) === thisMonth) !== (month !== null)) continue;
            const row = panel.getByRole('row').filter({ has: page.getByRole('rowheader', { name: dayLabel(date), exact: true }) });
            await waitForText(row.getByRole('cell'), text);
          }
          if (month !== null) {
            await screenshot(page, `asistencia-representado-${width}`);
            assert.equal(await horizontalOverflow(page), 0, `sideways scroll at ${width} px`);
            // the totals say it in words; a day not taken is not an absence
            const summary = await panel.locator('p').nth(1).textContent();
            assert.match(summary, /falta/);
          }
        }
        assert.equal(await horizontalOverflow(page), 0, `sideways scroll at ${width} px`);
        await assertNoProblems(page);
      } finally {
        await closePage(page);
      }
    }
  });

  test('the director turns on attendance per block in the school settings', async () => {
    for (const width of [1280, 360]) {
      const page = await openPage(browser, { width, height: 900 });
      try {
        await signInHome(page, server.demoUrl, DIRECTORA_EMAIL, DIRECTORA_PASSWORD, DIRECTORA_NAME);
        const card = page.getByRole('region', { name: 'Datos del plantel' });
        await eventually(async () => (await card.getByLabel('Nombre del plantel').inputValue()) !== '', 'settings loaded');
        const box = card.getByLabel('Tomar la asistencia por bloques de horas');
        assert.equal(await box.isChecked(), width !== 1280);   // the first pass turns it on
        if (width === 1280) await box.check();
        await box.scrollIntoViewIfNeeded();
        await screenshot(page, `asistencia-ajustes-${width}`);
        assert.equal(await horizontalOverflow(page), 0, `sideways scroll at ${width} px`);
        if (width === 1280) {
          await card.getByRole('button', { name: 'Guardar cambios' }).click();
          await waitForText(card.getByRole('status'), 'Cambios guardados.');
          const listed = await page.evaluate(async () => (await fetch('/api/v1/attendance/sections')).json());
          assert.equal(listed.per_block, true);
          assert.ok(listed.items.some((x) => Array.isArray(x.blocks)), 'sections list their blocks');
        }
        await assertNoProblems(page);
      } finally {
        await closePage(page);
      }
    }
  });
});
