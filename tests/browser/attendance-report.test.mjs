// The monthly attendance report (issue #16, part report), page
// /reportes/asistencia against the real server. The demo school gets a
// month of attendance written into its store (every section taken on the
// month's weekdays but one section on one day, a few absences) and one
// student absent on every day of the last 30; then its director finds
// "Informe de asistencia", picks the month, reads the table per grade
// with its total, sees the daily plot, downloads the Excel and PDF, and
// finds the absent student on the chronic-absence list with a
// representative to call, at 1280 and 360 px (screenshots, no sideways
// scroll).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  DIRECTORA_EMAIL, DIRECTORA_NAME, DIRECTORA_PASSWORD,
  assertNoProblems, closePage, horizontalOverflow, launchBrowser, openPage, request, screenshot, signInHome,
  startServer,
} from './harness.mjs';

const MONTHS = ['enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto',
  'septiembre', 'octubre', 'noviembre', 'diciembre'];

function sql(db, text) {
  return execFileSync('sqlite3', [db], { input: text, encoding: 'utf8' }).trim();
}

function iso(d) { return d.toISOString().slice(0, 10); }

function weekdays(from, to) {
  const out = [];
  for (let d = new Date(from + 'T12:00:00Z'); iso(d) <= to; d.setUTCDate(d.getUTCDate() + 1)) {
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) out.push(iso(d));
  }
  return out;
}

describe('monthly attendance report (real server)', { timeout: 120000 }, () => {
  let server;
  let browser;
  let month;       // "2026-10"
  let monthLabel;  // "octubre de 2026"
  let chronic;     // the absent student's full name, or null when the window is too short

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const db = path.join(server.dataDir, 'store', 'schools', 'demo.sqlite');
    const [start, end] = sql(db, 'SELECT starts_on, ends_on FROM school_years WHERE is_current = 1').split('|');
    // everyone enrolled since the year began, so the report has a full month
    sql(db, `UPDATE enrolments SET starts_on = '${start}' WHERE ends_on IS NULL AND starts_on > '${start}'`);
    const first = new Date(start.slice(0, 7) + '-01T12:00:00Z');
    first.setUTCMonth(first.getUTCMonth() + 1);
    month = iso(first).slice(0, 7);
    monthLabel = MONTHS[first.getUTCMonth()] + ' de ' + first.getUTCFullYear();
    const last = new Date(first);
    last.setUTCMonth(last.getUTCMonth() + 1);
    last.setUTCDate(0);
    const sections = sql(db, 'SELECT id FROM sections WHERE year_id = (SELECT id FROM school_years WHERE is_current = 1) ORDER BY id')
      .split('\n').map(Number);
    const now = '2026-01-01T00:00:00Z';
    const days = weekdays(iso(first), iso(last));
    const stmts = ['BEGIN;'];
    days.forEach((day, k) => sections.forEach((s, i) => {
      if (i === 0 && k === 3) return;   // one section's day not taken
      stmts.push(`INSERT OR IGNORE INTO attendance_sessions (section_id, date, block, taken_at, updated_at) VALUES (${s}, '${day}', 0, '${now}', '${now}');`);
      stmts.push(`INSERT OR IGNORE INTO attendance_marks (session_id, student_id, status) SELECT se.id, e.student_id, 'absent' FROM attendance_sessions se JOIN enrolments e ON e.section_id = se.section_id WHERE se.section_id = ${s} AND se.date = '${day}' AND se.block = 0 AND e.ends_on IS NULL AND (e.student_id + ${k}) % 17 = 0;`);
    }));
    // one student absent on every weekday of the last 30 days
    const today = sql(db, "SELECT date('now', '-4 hours')");
    const from = new Date(today + 'T12:00:00Z');
    from.setUTCDate(from.getUTCDate() - 29);
    // school days: weekdays that are not holidays or breaks of the calendar
    const off = new Set(sql(db, 'SELECT date FROM calendar_days').split('\n'));
    const recent = weekdays(iso(from) < start ? start : iso(from), today > end ? end : today).filter((d) => !off.has(d));
    const [sid, section, name] = sql(db, 'SELECT s.id, s.section_id, s.first_names || \' \' || s.last_names FROM students s' +
      ' JOIN student_representatives sr ON sr.student_id = s.id JOIN representatives r ON r.id = sr.representative_id' +
      ' WHERE s.status = \'activo\' AND s.section_id IS NOT NULL AND (r.mobile_phone <> \'\' OR r.email <> \'\') ORDER BY s.id LIMIT 1').split('|');
    recent.forEach((day) => {
      stmts.push(`INSERT OR IGNORE INTO attendance_sessions (section_id, date, block, taken_at, updated_at) VALUES (${section}, '${day}', 0, '${now}', '${now}');`);
      stmts.push(`INSERT OR REPLACE INTO attendance_marks (session_id, student_id, status) SELECT id, ${sid}, 'absent' FROM attendance_sessions WHERE section_id = ${section} AND date = '${day}' AND block = 0;`);
    });
    stmts.push('COMMIT;');
    sql(db, stmts.join('\n'));
    chronic = recent.length >= 10 ? name : null;
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  for (const width of [1280, 360]) {
    test(`a director reads the month's report and the chronic list at ${width} px`, async () => {
      const page = await openPage(browser, { width, height: 900 });
      await signInHome(page, server.demoUrl, DIRECTORA_EMAIL, DIRECTORA_PASSWORD, DIRECTORA_NAME);
      if (width > 800) await page.getByRole('link', { name: 'Informe de asistencia' }).click();
      else await page.goto(server.demoUrl + '/reportes/asistencia');
      await page.getByRole('heading', { level: 1, name: 'Informe de asistencia' }).waitFor();
      await page.getByLabel('Mes', { exact: true }).selectOption(month);
      const table = page.getByRole('table', { name: 'Resumen mensual de asistencia por grado' });
      const total = table.getByRole('row', { name: /^Total \d/ });
      await total.waitFor();
      await page.getByText(/Días hábiles: \d+ · (\d+ días? hábil(es)? con alguna sección sin registro|Todas las secciones registraron asistencia)\./).waitFor();
      assert.ok(await table.getByRole('row').count() >= 3, 'a row per grade and the total');
      // the plot: a line per grade, a legend entry per grade
      const plot = page.getByRole('img', { name: 'Asistencia diaria por grado, en porcentaje, de ' + monthLabel });
      await plot.waitFor();
      assert.ok(await plot.locator('path').count() >= 2, 'the grades and the school');
      // a grade brought forward from the legend
      const legend = page.getByRole('group', { name: 'Destacar un grado en el gráfico' });
      const school = legend.getByRole('button', { name: 'Todo el plantel' });
      await school.click();
      assert.equal(await school.getAttribute('aria-pressed'), 'true');
      // the downloads are the report's files
      const cookies = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
      for (const [name, type] of [['Descargar planilla (Excel)', /spreadsheetml/], ['Descargar para imprimir (PDF)', /application\/pdf/]]) {
        const href = await page.getByRole('link', { name }).getAttribute('href');
        assert.ok(href.includes('month=' + month), href);
        const file = await request(server.port, server.demoHost, 'GET', href, { headers: { Cookie: cookies } });
        assert.equal(file.status, 200);
        assert.match(file.headers['content-type'], type);
      }
      if (chronic) {
        const list = page.getByRole('table', { name: 'Estudiantes con inasistencia frecuente' });
        const row = list.getByRole('row').filter({ hasText: chronic });
        await row.getByText('Crítico', { exact: true }).waitFor();
        assert.ok(await row.getByRole('link').count() >= 1, 'a phone or an email to call');
      }
      await screenshot(page, `attendance-report-${width}`);
      if (process.env.BIS_SCREENSHOT_DIR) {
        const cards = page.locator('section.card');
        for (let i = 0; i < await cards.count(); i++) {
          await cards.nth(i).screenshot({ path: path.join(process.env.BIS_SCREENSHOT_DIR, `bis-attendance-report-card${i}-${width}.png`) });
        }
      }
      assert.ok(await horizontalOverflow(page) <= 0, 'no sideways scroll');
      await assertNoProblems(page);
      await closePage(page);
    });
  }
});
