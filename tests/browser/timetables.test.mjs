// The timetables page /horarios (issue #15, part generate) against the real
// server: the demo school gets a small week set up through the API
// (subjects, teachers, a bell schedule, the teaching assignments), then a school
// admin walks one real task at 1280 and at 360 px: a set-up problem shown in
// Spanish, generate with a time limit, watch it finish, read the report,
// activate it, generate a second one and compare it with the active one.

import assert from 'node:assert/strict';
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
  const ids = { sections: [] };

  async function apiOk(method, p, body) {
    const r = await request(server.port, server.demoHost, method, p, { headers: auth, body });
    assert.ok(r.status >= 200 && r.status < 300, `${method} ${p}: ${r.status} ${r.body.slice(0, 400)}`);
    return r.json;
  }

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const login = await request(server.port, server.demoHost, 'POST', '/api/v1/auth/login',
      { body: { email: DIRECTORA_EMAIL, password: DIRECTORA_PASSWORD } });
    assert.equal(login.status, 200, login.body);
    auth = { Cookie: (login.headers['set-cookie'] || []).map((c) => c.split(';')[0]).join('; '), 'X-CSRF-Token': login.json.csrf_token };
    // the demo school comes with the UEIPAB week set up (part import):
    // this test's own small week replaces its teaching assignments
    for (const a of (await apiOk('GET', '/api/v1/assignments')).items) {
      await apiOk('DELETE', `/api/v1/assignments/${a.id}`);
    }
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
    const bell = await apiOk('POST', '/api/v1/bell-schedules', {
      name: 'Media General (prueba)',
      periods: [
        { starts_at: '07:00', ends_at: '07:40' }, { starts_at: '07:40', ends_at: '08:20' },
        { starts_at: '08:20', ends_at: '09:00' }, { starts_at: '09:00', ends_at: '09:40' },
        { kind: 'break', starts_at: '09:40', ends_at: '10:00' },
        { starts_at: '10:00', ends_at: '10:40' }, { starts_at: '10:40', ends_at: '11:20' }],
    });
    ids.bell = bell.id;
    await apiOk('POST', `/api/v1/bell-schedules/${bell.id}/sections`, { section_ids: sections.map((x) => x.id) });
    for (const sec of sections) {
      for (const [k, sub] of subjects.entries()) {
        await apiOk('POST', '/api/v1/assignments', { section_id: sec.id, subject_id: sub, staff_id: staff[k], periods_per_week: 4, blocks: '2+2' });
      }
    }
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
        await apiOk('PATCH', `/api/v1/sections/${broken.id}`, { bell_schedule_id: null });
        await page.getByRole('button', { name: 'Generar horario' }).click();
        await page.getByText('no tiene horario de timbre: asígnele uno.').waitFor();
        await screenshot(page, `horarios-problema-${width}`);
        await apiOk('PATCH', `/api/v1/sections/${broken.id}`, { bell_schedule_id: ids.bell });
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
