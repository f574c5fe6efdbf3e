// The timetables page /horarios (issue #15, part generate) against the real
// server: the demo school gets a small week set up (subjects and teachers
// through the API; a bell schedule and the teaching assignments written to
// its store with sqlite3 until the set-up routes are on main), then a school
// admin walks one real task at 1280 and at 360 px: a set-up problem shown in
// Spanish, generate with a time limit, watch it finish, read the report,
// activate it, generate a second one and compare it with the active one.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  DIRECTORA_EMAIL, DIRECTORA_NAME, DIRECTORA_PASSWORD,
  assertNoProblems, closePage, horizontalOverflow, launchBrowser, openPage, request, screenshot, signInHome,
  startServer,
} from './harness.mjs';

describe('timetables page (real server)', { timeout: 180000 }, () => {
  let server;
  let browser;
  let auth;
  let db;
  const ids = { sections: [] };

  async function apiOk(method, p, body) {
    const r = await request(server.port, server.demoHost, method, p, { headers: auth, body });
    assert.ok(r.status >= 200 && r.status < 300, `${method} ${p}: ${r.status} ${r.body.slice(0, 400)}`);
    return r.json;
  }
  const sql = (text) => execFileSync('sqlite3', [db, text], { encoding: 'utf8' });

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    db = path.join(server.dataDir, 'store', 'schools', 'demo.sqlite');
    const login = await request(server.port, server.demoHost, 'POST', '/api/v1/auth/login',
      { body: { email: DIRECTORA_EMAIL, password: DIRECTORA_PASSWORD } });
    assert.equal(login.status, 200, login.body);
    auth = { Cookie: (login.headers['set-cookie'] || []).map((c) => c.split(';')[0]).join('; '), 'X-CSRF-Token': login.json.csrf_token };
    const sections = (await apiOk('GET', '/api/v1/sections?limit=100')).items.slice(0, 2);
    assert.equal(sections.length, 2);
    const subjects = [];
    for (const [code, name] of [['HOR-MAT', 'Matemática'], ['HOR-CAS', 'Castellano'], ['HOR-BIO', 'Biología']]) {
      subjects.push((await apiOk('POST', '/api/v1/subjects', { name, code, level: 'media_general' })).id);
    }
    const staff = [];
    for (const [i, last] of ['Rondón', 'Pérez', 'Gil'].entries()) {
      staff.push((await apiOk('POST', '/api/v1/staff', { cedula: 'V-2900000' + i, first_names: 'Prof.', last_names: last })).id);
    }
    const now = '2026-01-01T00:00:00Z';
    let script = `INSERT INTO bell_schedules (id, name, days, created_at, updated_at) VALUES (7001, 'Media General', 31, '${now}', '${now}');`;
    const day = [['07:00', '07:40'], ['07:40', '08:20'], ['08:20', '09:00'], ['09:00', '09:40'], null, ['10:00', '10:40'], ['10:40', '11:20']];
    day.forEach((p, i) => {
      script += p ? `INSERT INTO bell_periods (schedule_id, position, kind, starts_at, ends_at) VALUES (7001, ${i + 1}, 'class', '${p[0]}', '${p[1]}');`
        : `INSERT INTO bell_periods (schedule_id, position, kind, starts_at, ends_at) VALUES (7001, ${i + 1}, 'break', '09:40', '10:00');`;
    });
    for (const s of sections) {
      script += `UPDATE sections SET bell_schedule_id = 7001 WHERE id = ${s.id};`;
      subjects.forEach((sub, k) => {
        script += `INSERT INTO teaching_assignments (section_id, subject_id, staff_id, periods_per_week, blocks, created_at, updated_at) VALUES (${s.id}, ${sub}, ${staff[k]}, 4, '2+2', '${now}', '${now}');`;
      });
    }
    sql(script);
    ids.sections = sections;
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  for (const width of [1280, 360]) {
    test(`a school admin generates, reads, activates and compares timetables at ${width} px`, async () => {
      const page = await openPage(browser, { width, height: 900, allow: [/status of 422/] });
      try {
        await signInHome(page, server.demoUrl, DIRECTORA_EMAIL, DIRECTORA_PASSWORD, DIRECTORA_NAME);
        if (width === 1280) {
          await page.getByRole('navigation', { name: 'Navegación principal' }).getByRole('link', { name: 'Horarios', exact: true }).click();
        } else {
          await page.goto(server.demoUrl + '/horarios');
        }
        await page.getByRole('heading', { level: 1, name: 'Horarios' }).waitFor();
        // a set-up problem, in Spanish, before any search
        const broken = ids.sections[1];
        sql(`UPDATE sections SET bell_schedule_id = NULL WHERE id = ${broken.id};`);
        await page.getByRole('button', { name: 'Generar horario' }).click();
        await page.getByText('no tiene horario de timbre: asígnele uno.').waitFor();
        await screenshot(page, `horarios-problema-${width}`);
        sql(`UPDATE sections SET bell_schedule_id = 7001 WHERE id = ${broken.id};`);
        // generate with a time limit: the row ends "Sin choques"
        const name = `Propuesta ${width}`;
        await page.getByLabel('Nombre (opcional)').fill(name);
        await page.getByLabel('Tiempo máximo de búsqueda').selectOption('10');
        await page.getByRole('button', { name: 'Generar horario' }).click();
        await page.getByText(`Se está generando «${name}»`).waitFor();
        const row = page.getByRole('row').filter({ hasText: name });
        await row.getByText(/Sin choques · penalización \d+/).waitFor({ timeout: 20000 });
        // the report
        await row.getByRole('button', { name: 'Ver informe' }).click();
        await page.getByRole('heading', { name: `Informe de «${name}»` }).waitFor();
        await page.getByText('12 de 12 clases colocadas').waitFor();
        // activate (confirmed)
        page.once('dialog', (d) => d.accept());
        await row.getByRole('button', { name: 'Activar' }).click();
        await page.getByText(`«${name}» es ahora el horario activo.`).waitFor();
        await row.getByText('Activo', { exact: true }).waitFor();
        // a second one, compared with the active one
        const second = `Alternativa ${width}`;
        await page.getByLabel('Nombre (opcional)').fill(second);
        await page.getByRole('button', { name: 'Generar horario' }).click();
        const row2 = page.getByRole('row').filter({ hasText: second });
        await row2.getByText(/Sin choques/).waitFor({ timeout: 20000 });
        await row2.getByRole('button', { name: 'Comparar con el activo' }).click();
        await page.getByRole('heading', { name: 'Comparación con el horario activo' }).waitFor();
        await screenshot(page, `horarios-${width}`);
        assert.equal(await horizontalOverflow(page), 0, 'the page scrolls sideways');
        // discard the second (confirmed)
        page.once('dialog', (d) => d.accept());
        await row2.getByRole('button', { name: 'Descartar' }).click();
        await page.getByText(`Se descartó «${second}».`).waitFor();
        const list = await apiOk('GET', '/api/v1/timetables');
        assert.equal(list.items.filter((t) => t.name === second).length, 0);
        assert.equal(list.items.filter((t) => t.status === 'active').length, 1);
        await assertNoProblems(page);
      } finally {
        await closePage(page);
      }
    });
  }
});
