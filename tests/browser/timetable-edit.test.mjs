// Editing a timetable by hand (issue #15, the grid: pages/timetable-edit.js)
// against the real server. The demo school gets, through its API, four
// subjects, three teachers and two rooms, and, written into its store by
// the test, the UEIPAB bell schedule and a draft timetable for 1er Año A and
// 2do Año A (Luis Rojas teaches Castellano to 1er Año A on Tuesday 1st-2nd
// and Biología to 2do Año A on Wednesday 3rd-4th).
//
// At 1280 and at 360 px: the week grid of 1er Año A is shown; dragging
// Castellano onto Wednesday 3rd (free for 1er Año A, but Luis is teaching
// 2do Año A then) lights the free slots while dragging, is refused with
// the Spanish message naming who clashes where, and leaves the lesson where
// it was; dragging it onto a free slot moves it, and the page head shows
// the draft's cost, re-priced by the move. With the keyboard alone
// (Enter, arrows, Enter) a lesson is moved; a lesson is locked from its
// panel and then refuses to move; the week of a teacher shows their lessons
// in both sections. Screenshots are looked at by a person.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  DIRECTORA_EMAIL, DIRECTORA_NAME, DIRECTORA_PASSWORD,
  assertNoProblems, closePage, eventually, horizontalOverflow, launchBrowser, openPage, request, screenshot, signInHome,
  startServer, waitForText,
} from './harness.mjs';

const NOW = '2025-09-01T12:00:00Z';
const DAY = [['class', '07:00', '07:40'], ['class', '07:40', '08:20'], ['class', '08:20', '09:00'],
  ['class', '09:00', '09:40'], ['break', '09:40', '10:00'], ['class', '10:00', '10:40'],
  ['class', '10:40', '11:20'], ['class', '11:20', '12:00'], ['class', '12:00', '12:40'],
  ['break', '12:40', '13:00'], ['class', '13:00', '13:40'], ['class', '13:40', '14:20']];

/* Rows only the test writes (the set-up pages of issue #15 are another part's). */
function writeTimetable(dbPath, lessons) {
  const script = `
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1]); data = json.loads(sys.argv[2]); now = data["now"]
c = db.cursor()
row = c.execute("SELECT id FROM bell_schedules WHERE name = 'Media General (prueba)'").fetchone()
if row:
    bell = row[0]
else:
    c.execute("INSERT INTO bell_schedules (name, days, created_at, updated_at) VALUES ('Media General (prueba)', 31, ?, ?)", (now, now))
    bell = c.lastrowid
    for i, (kind, a, b) in enumerate(data["day"], 1):
        c.execute("INSERT INTO bell_periods (schedule_id, position, kind, starts_at, ends_at) VALUES (?, ?, ?, ?, ?)", (bell, i, kind, a, b))
c.execute("UPDATE sections SET bell_schedule_id = ? WHERE id IN (%s)" % ",".join("?" * len(data["sections"])), [bell] + data["sections"])
c.execute("INSERT INTO timetables (name, status, source, created_at, updated_at) VALUES ('Borrador de septiembre', 'draft', 'manual', ?, ?)", (now, now))
tt = c.lastrowid
out = {"timetable": tt, "lessons": {}}
for key, l in data["lessons"].items():
    c.execute("INSERT INTO timetable_lessons (timetable_id, section_id, subject_id, staff_id, room_id, day, period, length) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
              (tt, l["section"], l["subject"], l["staff"], l["room"], l["day"], l["period"], l["length"]))
    out["lessons"][key] = c.lastrowid
db.commit()
print(json.dumps(out))
`;
  const sections = [...new Set(Object.values(lessons).map((l) => l.section))];
  const out = execFileSync('python3', ['-c', script, dbPath, JSON.stringify({ now: NOW, day: DAY, sections, lessons })]);
  return JSON.parse(out.toString());
}

describe('editing a timetable by hand (real server)', { timeout: 240000 }, () => {
  let server;
  let browser;
  let auth;
  const ids = {};

  async function apiOk(method, p, body) {
    const r = await request(server.port, server.demoHost, method, p, { headers: auth, body });
    assert.ok(r.status >= 200 && r.status < 300, `${method} ${p}: ${r.status} ${r.body.slice(0, 500)}`);
    return r.json;
  }

  /* A fresh draft; returns {timetable, lessons: {key: id}}. */
  function newDraft() {
    const L = (section, subject, staff, room, day, period, length) =>
      ({ section: ids[section], subject: ids[subject], staff: ids[staff], room: room ? ids[room] : null, day, period, length });
    return writeTimetable(path.join(server.dataDir, 'store', 'schools', 'demo.sqlite'), {
      mat1: L('1A', 'MAT', 'ana', 'aula', 1, 1, 2),
      cas1: L('1A', 'CAS', 'luis', 'aula', 2, 1, 2),
      ing1: L('1A', 'ING', 'jose', null, 3, 1, 1),
      bio2: L('2A', 'BIO', 'luis', 'lab', 3, 3, 2),
      mat2: L('2A', 'MAT', 'ana', 'lab', 1, 3, 2),
    });
  }

  async function slotOf(tt, lesson) {
    const g = await apiOk('GET', `/api/v1/timetables/${tt}/grid`);
    const l = g.lessons.find((x) => x.id === lesson);
    return [l.day, l.period];
  }

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const login = await request(server.port, server.demoHost, 'POST', '/api/v1/auth/login',
      { body: { email: DIRECTORA_EMAIL, password: DIRECTORA_PASSWORD } });
    assert.equal(login.status, 200, login.body);
    auth = { Cookie: (login.headers['set-cookie'] || []).map((c) => c.split(';')[0]).join('; '), 'X-CSRF-Token': login.json.csrf_token };
    const sections = (await apiOk('GET', '/api/v1/sections')).items;
    for (const [key, name] of [['1A', '1er Año A'], ['2A', '2do Año A']]) {
      const s = sections.find((x) => x.name === name);
      assert.ok(s, `the demo school has no ${name}: ${sections.map((x) => x.name).join(', ')}`);
      ids[key] = s.id;
    }
    for (const [code, name] of [['MAT', 'Matemática'], ['CAS', 'Castellano'], ['ING', 'Inglés'], ['BIO', 'Biología']]) {
      ids[code] = (await apiOk('POST', '/api/v1/subjects', { name, code: 'HZ' + code, level: 'media_general' })).id;
    }
    for (const [key, ced, first, last] of [['ana', 'V19000001', 'Ana', 'Pérez'], ['luis', 'V19000002', 'Luis', 'Rojas'],
      ['jose', 'V19000003', 'José', 'Gil']]) {
      ids[key] = (await apiOk('POST', '/api/v1/staff', { cedula: ced, first_names: first, last_names: last })).id;
    }
    ids.aula = (await apiOk('POST', '/api/v1/rooms', { name: 'Aula 101' })).id;
    ids.lab = (await apiOk('POST', '/api/v1/rooms', { name: 'Laboratorio de Biología', kind: 'laboratorio' })).id;
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  const cell = (page, day, period) => page.locator(`td.tt-slot[data-day="${day}"][data-period="${period}"]`);
  const lessonBtn = (page, id) => page.locator(`button[data-lesson="${id}"]`);

  async function openGrid(width, tt) {
    const page = await openPage(browser, {
      width, height: width < 600 ? 780 : 900,
      allow: [/Failed to load resource: the server responded with a status of 409/],
    });
    await signInHome(page, server.demoUrl, DIRECTORA_EMAIL, DIRECTORA_PASSWORD, DIRECTORA_NAME);
    await page.goto(`${server.demoUrl}/editar-horario/${tt}`);
    await page.getByRole('heading', { level: 1, name: 'Editar horario' }).waitFor();
    await page.locator('table.tt-grid').waitFor();
    return page;
  }

  for (const width of [1280, 360]) {
    test(`at ${width} px a lesson dragged into a clashing slot is refused, into a free one moved`, async () => {
      const { timetable: tt, lessons } = newDraft();
      const page = await openGrid(width, tt);
      assert.equal(await page.locator('#tt-target option:checked').textContent(), '1er Año A');
      const cas = lessonBtn(page, lessons.cas1);
      await waitForText(cas.locator('.tt-lesson__subject'), 'Castellano');
      assert.ok(await horizontalOverflow(page) <= 0, 'the page scrolls sideways');
      await screenshot(page, `timetable-edit-${width}`);

      // on a phone the grid scrolls sideways inside its frame: bring Wednesday into view first
      await cell(page, 3, 3).scrollIntoViewIfNeeded();
      // while dragging, the free slots light up: Tuesday 3rd yes, Wednesday 3rd (Luis busy) no
      await cas.hover();
      await page.mouse.down();
      await cell(page, 2, 3).hover();
      await cell(page, 2, 4).hover();
      await eventually(async () => (await cell(page, 2, 3).getAttribute('class')).includes('tt-slot--free'),
        'the free slots lit while dragging');
      assert.ok((await cell(page, 5, 1).getAttribute('class')).includes('tt-slot--free'));
      assert.ok(!(await cell(page, 3, 3).getAttribute('class')).includes('tt-slot--free'));
      assert.ok(!(await cell(page, 1, 1).getAttribute('class')).includes('tt-slot--free'));
      await screenshot(page, `timetable-edit-dragging-${width}`);
      await cell(page, 3, 3).hover();
      await page.mouse.up();

      const alert = page.getByRole('alert').filter({ hasText: 'No se puede' });
      await waitForText(alert, 'No se puede: El prof. Luis Rojas ya tiene 2do Año A (Biología) el miércoles, 3.ª hora.');
      assert.ok((await cell(page, 3, 3).getAttribute('class')).includes('tt-slot--refused'));
      await screenshot(page, `timetable-edit-refused-${width}`);
      assert.deepEqual(await slotOf(tt, lessons.cas1), [2, 1], 'a refused move changed the timetable');
      assert.equal(await lessonBtn(page, lessons.cas1).count(), 1);
      assert.ok(await cell(page, 2, 1).locator(`[data-lesson="${lessons.cas1}"]`).count() === 1);

      // dragging it onto a free slot moves it
      await lessonBtn(page, lessons.cas1).dragTo(cell(page, 2, 3));
      await waitForText(page.getByRole('status').filter({ hasText: 'Listo' }),
        'Listo: Castellano de 1er Año A pasó al martes, 3.ª hora.');
      assert.deepEqual(await slotOf(tt, lessons.cas1), [2, 3]);
      assert.equal(await cell(page, 2, 3).locator(`[data-lesson="${lessons.cas1}"]`).count(), 1);
      // the move re-priced the draft (written by hand, it had no cost): the
      // head says what it costs now
      const intro = page.locator('.page-head__intro');
      await eventually(async () => /^Borrador de septiembre · Borrador · Sin choques · penalización \d+$/.test(await intro.textContent()),
        'the page head shows the re-priced cost');
      await screenshot(page, `timetable-edit-moved-${width}`);
      await assertNoProblems(page);
      await closePage(page);
    });
  }

  test('with the keyboard alone a lesson is moved, and a locked one stays', async () => {
    const { timetable: tt, lessons } = newDraft();
    const page = await openGrid(1280, tt);
    // Inglés (Wednesday 1st): Enter picks it up, right twice (Friday), down, Enter drops it
    await lessonBtn(page, lessons.ing1).focus();
    await page.keyboard.press('Enter');
    await eventually(async () => (await cell(page, 5, 2).getAttribute('class')).includes('tt-slot--free'), 'free slots');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute('data-day') + ':' +
      document.activeElement.getAttribute('data-period')), '5:2');
    await page.keyboard.press('Enter');
    await waitForText(page.getByRole('status').filter({ hasText: 'Listo' }), 'Listo: Inglés de 1er Año A pasó al viernes, 2.ª hora.');
    assert.deepEqual(await slotOf(tt, lessons.ing1), [5, 2]);
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute('data-lesson')), String(lessons.ing1),
      'the moved lesson keeps the focus');

    // Esc puts a picked-up lesson back
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape');
    assert.equal(await lessonBtn(page, lessons.ing1).getAttribute('aria-pressed'), 'false');

    // locked from its panel: marked, and refused when moved
    await lessonBtn(page, lessons.mat1).click();
    await page.getByRole('button', { name: 'Fijar en su lugar' }).click();
    await waitForText(page.getByRole('status').filter({ hasText: 'fijada' }), 'Matemática de 1er Año A quedó fijada en su lugar.');
    await waitForText(lessonBtn(page, lessons.mat1).locator('.tt-lock'), 'Fijada');
    await lessonBtn(page, lessons.mat1).click();
    await cell(page, 4, 5).click();
    await waitForText(page.getByRole('alert').filter({ hasText: 'No se puede' }),
      'No se puede: Matemática de 1er Año A está fijada en su lugar: desbloquéela antes de moverla.');
    assert.deepEqual(await slotOf(tt, lessons.mat1), [1, 1]);
    await screenshot(page, 'timetable-edit-locked-1280');

    // the week of a teacher: Luis Rojas teaches both sections
    await page.getByLabel('Ver por').selectOption('teacher');
    await page.getByLabel('Docente', { exact: true }).selectOption({ label: 'Luis Rojas' });
    await waitForText(lessonBtn(page, lessons.bio2).locator('.tt-lesson__subject'), 'Biología');
    assert.equal(await cell(page, 2, 1).locator(`[data-lesson="${lessons.cas1}"]`).count(), 1);
    assert.equal(await cell(page, 3, 3).locator(`[data-lesson="${lessons.bio2}"]`).count(), 1);
    assert.equal(await page.locator('button[data-lesson]').count(), 2);
    await screenshot(page, 'timetable-edit-teacher-1280');
    await assertNoProblems(page);
    await closePage(page);
  });

  test('an active timetable is copied into a draft before editing', async () => {
    const { timetable: tt } = newDraft();
    execFileSync('python3', ['-c', 'import sqlite3,sys; d=sqlite3.connect(sys.argv[1]); ' +
      'd.execute("UPDATE timetables SET status=\'active\' WHERE id=?", (int(sys.argv[2]),)); d.commit()',
    path.join(server.dataDir, 'store', 'schools', 'demo.sqlite'), String(tt)]);
    const page = await openGrid(360, tt);
    await page.getByText('Este horario está activo: no se modifica directamente.', { exact: false }).waitFor();
    await screenshot(page, 'timetable-edit-active-360');
    await page.getByRole('button', { name: 'Crear una copia para editar' }).click();
    await page.getByText('Copia de Borrador de septiembre · Borrador').waitFor();
    assert.match(page.url(), /\/editar-horario\/\d+$/);
    assert.notEqual(page.url(), `${server.demoUrl}/editar-horario/${tt}`);
    assert.ok(await horizontalOverflow(page) <= 0, 'the page scrolls sideways');
    await assertNoProblems(page);
    await closePage(page);
  });
});
