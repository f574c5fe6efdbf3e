// Taking attendance offline on a phone (issue #16, part `offline`), against
// the real server and the demo school. A teacher (linked to a staff member of
// the demo's active timetable) opens /asistencia once with a connection; the
// service worker takes over and keeps the page and the day's lists. Then
// Chromium goes offline (context.setOffline): the teacher marks students in
// two sections, reloads the page (served by the service worker, the marks
// still there, "2 listas esperando conexión"), edits one list again (still
// one list waiting for it), while "another device" (the director, through
// the API) saves a later list of the second section. Back online, the page
// sends both lists by itself ("Todo enviado"): on the server, read through
// the API, the first section holds the teacher's latest marks and the second
// the director's later list (the later edit wins), each section's day is one
// row, and the browser sent each list exactly once. Screenshots at 360 and
// 1280 px, no sideways scroll.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  BIN, DIRECTORA_EMAIL, DIRECTORA_PASSWORD,
  assertNoProblems, closePage, eventually, horizontalOverflow, launchBrowser, openPage, request, screenshot,
  signIn, startServer, waitForText,
} from './harness.mjs';

const PROFE = 'profe.asistencia@demo.test';
const PROFE_NAME = 'Ana Karina Villasmil';
const PASSWORD = 'Asistencia-Prueba-2025';
// Chromium logs each request that fails while offline; the app's own
// requests do fail then (that is the point), nothing else may.
const OFFLINE_ERRORS = [/net::ERR_INTERNET_DISCONNECTED/, /net::ERR_FAILED/, /FetchEvent for ".*" resulted in a network error/];

function cli(args) {
  const r = spawnSync(BIN, args, { encoding: 'utf8' });
  assert.equal(r.status, 0, `bischeduler ${args.join(' ')}: ${r.stderr}`);
}

/* Today in Caracas minus `back` days, YYYY-MM-DD. */
function dayBefore(back) {
  const d = new Date(new Date().toLocaleDateString('en-CA', { timeZone: 'America/Caracas' }) + 'T12:00:00Z');
  d.setUTCDate(d.getUTCDate() - back);
  return d.toISOString().slice(0, 10);
}

async function login(server, email, password) {
  const r = await request(server.port, server.demoHost, 'POST', '/api/v1/auth/login', { body: { email, password } });
  assert.equal(r.status, 200, r.body);
  return { Cookie: (r.headers['set-cookie'] || []).map((c) => c.split(';')[0]).join('; '), 'X-CSRF-Token': r.json.csrf_token };
}

describe('attendance offline on a phone (real server)', { timeout: 240000 }, () => {
  let server;
  let browser;
  let director;   // the director's session headers, for the API
  let teacher;    // the teacher's
  let date;       // a school day with two of the teacher's sections not taken
  let secA;
  let secB;
  let rosterA;
  let rosterB;

  const api = async (auth, method, p, body) => {
    const r = await request(server.port, server.demoHost, method, p, { headers: auth, body });
    assert.ok(r.status >= 200 && r.status < 300, `${method} ${p}: ${r.status} ${r.body.slice(0, 500)}`);
    return r.json;
  };

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const store = path.join(server.dataDir, 'store');
    const pw = path.join(server.dataDir, 'asistencia-password');
    fs.writeFileSync(pw, PASSWORD + '\n', { mode: 0o600 });
    cli(['user', 'add', '--data', store, '--school', 'demo', '--email', PROFE, '--role', 'teacher', '--name', PROFE_NAME, '--password-file', pw]);
    director = await login(server, DIRECTORA_EMAIL, DIRECTORA_PASSWORD);
    // the teacher's account is linked to Ana Karina Villasmil Ochoa, who
    // teaches in the demo's active timetable
    const users = (await api(director, 'GET', '/api/v1/users')).items;
    const profe = users.find((u) => u.email === PROFE);
    const staff = (await api(director, 'GET', '/api/v1/staff?limit=200')).items;
    const ana = staff.find((s) => s.last_names === 'Villasmil Ochoa');
    assert.ok(profe && ana, 'the teacher and her staff record exist');
    await api(director, 'PATCH', `/api/v1/staff/${ana.id}`, { user_id: profe.id });
    teacher = await login(server, PROFE, PASSWORD);
    // the latest school day (today or before; after only if every one before
    // was taken, e.g. by the demo's generated months) with two of her sections
    // not taken yet
    const offsets = [...Array(200).keys(), ...Array.from({ length: 30 }, (_, i) => -1 - i)];
    for (const back of offsets) {
      if (date) break;
      const d = dayBefore(back);
      const day = await api(teacher, 'GET', `/api/v1/attendance/sections?date=${d}`);
      const open = (day.items || []).filter((s) => !s.taken && s.students >= 3);
      if (day.school_day && open.length >= 2) { date = d; [secA, secB] = open; }
    }
    assert.ok(date, 'a recent school day with two of the teacher\'s sections not taken');
    rosterA = (await api(teacher, 'GET', `/api/v1/attendance?section_id=${secA.id}&date=${date}`)).students;
    rosterB = (await api(teacher, 'GET', `/api/v1/attendance?section_id=${secB.id}&date=${date}`)).students;
    assert.ok(rosterA.length >= 3 && rosterB.length >= 3);
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  const nameOf = (s) => `${s.last_names.trim()}, ${s.first_names.trim()}`;
  const statusButton = (page, s) => page.getByRole('button', { name: `${nameOf(s)}: `, exact: false })
    .and(page.locator('.att-status'));
  async function tapUntil(page, s, label) {
    const b = statusButton(page, s);
    for (let i = 0; i < 4 && ((await b.textContent()) || '').trim() !== label; i++) await b.click();
    assert.equal(((await b.textContent()) || '').trim(), label);
  }
  const banner = (page) => page.locator('.att-banner');

  test('marks made offline survive a reload and reach the server once, the later edit winning', async () => {
    const page = await openPage(browser, { width: 360, height: 780, allow: OFFLINE_ERRORS });
    const context = page.context();
    const puts = [];
    context.on('response', (res) => {
      const req = res.request();
      if (req.method() === 'PUT' && new URL(req.url()).pathname === '/api/v1/attendance') {
        puts.push({ status: res.status(), section_id: JSON.parse(req.postData() || '{}').section_id });
      }
    });
    try {
      // online: the teacher's menu leads to the page; the service worker takes over
      await page.goto(server.demoUrl + '/');
      await signIn(page, PROFE, PASSWORD);
      await page.getByRole('heading', { level: 1, name: `Hola, ${PROFE_NAME}` }).waitFor();
      // her home: today's lists, each section of hers one tap from its list
      // (on a day without school, the calendar's reason instead)
      const todayCard = page.getByRole('region', { name: 'Asistencia de hoy' });
      const now = await api(teacher, 'GET', '/api/v1/attendance/sections');
      if (now.school_day) {
        for (const it of now.items) {
          const a = todayCard.getByRole('link', { name: it.name, exact: true });
          await a.waitFor();
          assert.match(await a.getAttribute('href'), new RegExp(`seccion=${it.id}.*fecha=${now.date}`));
        }
        assert.ok(now.items.length >= 2, 'the teacher has her sections');
        await screenshot(page, 'home-teacher-360');
      } else {
        await waitForText(todayCard, /Hoy no se pasa lista/);
      }
      await page.getByRole('navigation', { name: 'Navegación principal' }).getByRole('link', { name: 'Asistencia', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Asistencia' }).waitFor();
      await page.getByLabel('Fecha').fill(date);
      await page.getByRole('button', { name: 'Ver el día' }).click();
      await page.getByRole('link', { name: new RegExp('^' + secA.name) }).waitFor();
      await page.waitForFunction(() => !!navigator.serviceWorker.controller);
      // the day's lists are kept by the worker (fetched when it took over)
      await eventually(() => page.evaluate(async (urls) => {
        const c = await caches.open('bis-data-v1');
        for (const u of urls) if (!(await c.match(u))) return false;
        return true;
      }, [`/api/v1/attendance?section_id=${secA.id}&date=${date}`, `/api/v1/attendance?section_id=${secB.id}&date=${date}`]),
      'the lists kept for offline use');
      await waitForText(banner(page), 'Todo enviado.');
      await screenshot(page, 'attendance-list-360');
      assert.equal(await horizontalOverflow(page), 0, 'sideways scroll at 360 px');

      // offline: section A, three students marked
      await context.setOffline(true);
      await waitForText(banner(page), /^Sin conexión\. Puede pasar la lista/);
      await page.getByRole('link', { name: new RegExp('^' + secA.name) }).click();
      await page.getByRole('heading', { level: 1, name: secA.name }).waitFor();
      await waitForText(page.locator('.att-info .notice').first(), /^Sin conexión: se muestra lo recibido el /);
      const [a1, a2, a3] = rosterA;
      await tapUntil(page, a1, 'Ausente');
      await tapUntil(page, a2, 'Tarde');
      await tapUntil(page, a3, 'Justificado');
      await page.getByRole('button', { name: 'Guardar lista' }).click();
      // a justified absence needs its reason: refused on the page, nothing kept
      await waitForText(page.locator('.att-save').getByRole('alert'), `Falta el motivo de la ausencia justificada de ${nameOf(a3)}.`);
      await waitForText(banner(page), /^Sin conexión\./);
      await page.getByLabel(`Motivo de la ausencia justificada de ${nameOf(a3)}`).fill('Cita médica');
      await page.getByRole('button', { name: 'Guardar lista' }).click();
      await waitForText(page.getByRole('status').filter({ hasText: 'quedó guardada' }),
        'Sin conexión. La lista quedó guardada en este teléfono y se enviará sola cuando vuelva la conexión.');
      await waitForText(banner(page).locator('.att-banner__title'), '1 lista esperando conexión');
      await screenshot(page, 'attendance-offline-saved-360');
      assert.equal(await horizontalOverflow(page), 0, 'sideways scroll at 360 px');

      // reloaded with no connection: the service worker serves the page, the marks are there
      await page.reload();
      await page.getByRole('heading', { level: 1, name: secA.name }).waitFor();
      await waitForText(banner(page).locator('.att-banner__title'), '1 lista esperando conexión');
      await waitForText(banner(page).locator('li'), `${secA.name}, ${['Domingo', 'Lunes', 'Martes', 'Miércoles', 'Jueves', 'Viernes', 'Sábado'][new Date(date + 'T12:00:00Z').getUTCDay()]} ${date.split('-').reverse().join('/')}`);
      await waitForText(page.locator('.att-info .notice').filter({ hasText: 'cambios guardados' }), /^Esta lista tiene cambios guardados en este teléfono que aún no se enviaron/);
      await waitForText(statusButton(page, a1), 'Ausente');
      await waitForText(statusButton(page, a2), 'Tarde');
      await waitForText(statusButton(page, a3), 'Justificado');
      assert.equal(await page.getByLabel(`Motivo de la ausencia justificada de ${nameOf(a3)}`).inputValue(), 'Cita médica');
      // edited again: still one list waiting for section A (the newer one)
      await tapUntil(page, a1, 'Tarde');
      await page.getByRole('button', { name: 'Guardar lista' }).click();
      await waitForText(page.getByRole('status').filter({ hasText: 'quedó guardada' }), /^Sin conexión\. La lista quedó guardada/);
      await waitForText(banner(page).locator('.att-banner__title'), '1 lista esperando conexión');

      // section B, offline too
      await page.getByRole('link', { name: '← Todas las secciones del día' }).click();
      await page.getByRole('heading', { level: 1, name: 'Asistencia' }).waitFor();
      await waitForText(page.getByRole('link', { name: new RegExp('^' + secA.name) }).locator('.badge'), 'Esperando conexión');
      await page.getByRole('link', { name: new RegExp('^' + secB.name) }).click();
      await page.getByRole('heading', { level: 1, name: secB.name }).waitFor();
      const [b1, b2] = rosterB;
      await tapUntil(page, b1, 'Ausente');
      await page.getByRole('button', { name: 'Guardar lista' }).click();
      await waitForText(banner(page).locator('.att-banner__title'), '2 listas esperando conexión');
      await screenshot(page, 'attendance-offline-waiting-360');
      assert.equal(puts.filter((p) => p.status === 200).length, 0, 'nothing reached the server while offline');

      // meanwhile another device (the director) saves a later list of section B
      await api(director, 'PUT', '/api/v1/attendance', {
        section_id: secB.id, date, client_time: new Date(Date.now() + 1000).toISOString().slice(0, 19) + 'Z',
        marks: [{ student_id: b2.id, status: 'absent' }],
      });

      // back online: both lists go by themselves
      await context.setOffline(false);
      await waitForText(banner(page), 'Todo enviado.');
      await waitForText(statusButton(page, b2), 'Ausente');   // the director's later list is shown
      await waitForText(statusButton(page, b1), 'Presente');
      await screenshot(page, 'attendance-sent-360');

      // the server: A holds the teacher's latest marks, B the director's; one day each
      const gotA = await api(director, 'GET', `/api/v1/attendance?section_id=${secA.id}&date=${date}`);
      assert.equal(gotA.taken, true);
      const byId = (list) => Object.fromEntries(list.map((s) => [s.id, s]));
      const sa = byId(gotA.students);
      assert.equal(gotA.students.length, rosterA.length, 'each student once');
      assert.equal(sa[a1.id].status, 'late');
      assert.equal(sa[a2.id].status, 'late');
      assert.equal(sa[a3.id].status, 'justified');
      assert.equal(sa[a3.id].reason, 'Cita médica');
      assert.equal(gotA.students.filter((s) => s.status === 'present').length, rosterA.length - 3);
      assert.deepEqual(gotA.counts, { present: rosterA.length - 3, absent: 0, late: 2, justified: 1 });
      assert.equal(gotA.taken_by, PROFE_NAME);
      const gotB = await api(director, 'GET', `/api/v1/attendance?section_id=${secB.id}&date=${date}`);
      const sb = byId(gotB.students);
      assert.equal(sb[b1.id].status, 'present', 'the older offline edit did not overwrite the later one');
      assert.equal(sb[b2.id].status, 'absent');
      assert.equal(gotB.students.filter((s) => s.status !== 'present').length, 1);
      // the day's sections: both taken, each listed once
      const day = await api(teacher, 'GET', `/api/v1/attendance/sections?date=${date}`);
      assert.equal(day.items.filter((s) => s.id === secA.id && s.taken).length, 1);
      assert.equal(day.items.filter((s) => s.id === secB.id && s.taken).length, 1);
      // the browser sent each list exactly once (B's answered "applied": false)
      const ok = puts.filter((p) => p.status === 200);
      assert.deepEqual(ok.map((p) => p.section_id).sort(), [secA.id, secB.id].sort(), JSON.stringify(puts));
      // and the store holds one row per section's day (test support: read with sqlite3)
      const db = path.join(server.dataDir, 'store', 'schools', 'demo.sqlite');
      const q = spawnSync('sqlite3', [db, `SELECT section_id || ':' || count(*) FROM attendance_sessions WHERE date = '${date}' AND section_id IN (${secA.id}, ${secB.id}) GROUP BY section_id ORDER BY section_id;`], { encoding: 'utf8' });
      assert.equal(q.status, 0, q.stderr);
      assert.deepEqual(q.stdout.trim().split('\n'), [secA.id, secB.id].sort((x, y) => x - y).map((id) => `${id}:1`));

      // reloaded online: nothing waits, the list is the server's
      await page.reload();
      await page.getByRole('heading', { level: 1, name: secB.name }).waitFor();
      await waitForText(banner(page), 'Todo enviado.');
      await waitForText(page.locator('.att-taken'), /^Lista tomada por /);
      assert.equal(await page.locator('.att-info .notice').filter({ hasText: 'cambios guardados' }).count(), 0);
      await assertNoProblems(page);
    } finally {
      await closePage(page);
    }
  });

  test('a full class takes one tap; the page at 1280 px', async () => {
    const page = await openPage(browser, { width: 1280, height: 900 });
    try {
      await page.goto(server.demoUrl + '/');
      await signIn(page, PROFE, PASSWORD);
      await page.getByRole('heading', { level: 1, name: `Hola, ${PROFE_NAME}` }).waitFor();
      await page.goto(`${server.demoUrl}/asistencia?fecha=${date}`);
      await page.getByRole('heading', { level: 1, name: 'Asistencia' }).waitFor();
      await waitForText(page.getByRole('link', { name: new RegExp('^' + secA.name) }).locator('.badge'), 'Lista tomada');
      await screenshot(page, 'attendance-list-1280');
      assert.equal(await horizontalOverflow(page), 0, 'sideways scroll at 1280 px');
      // installable: Chromium finds the manifest, its icons and the worker, and no reason against it
      await page.waitForFunction(() => !!navigator.serviceWorker.controller);
      const cdp = await page.context().newCDPSession(page);
      const manifest = await cdp.send('Page.getAppManifest');
      assert.match(manifest.url, /\/manifest\.webmanifest$/);
      assert.deepEqual(manifest.errors, []);
      const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
      // (a test's browser context is incognito: the one reason that is not the site's)
      assert.deepEqual(installabilityErrors.filter((e) => e.errorId !== 'in-incognito'), []);
      const sw = await request(server.port, server.demoHost, 'GET', '/sw.js');
      assert.equal(sw.status, 200);
      assert.match(sw.headers['content-type'], /^text\/javascript/);
      assert.equal(sw.headers['cache-control'], 'no-cache');
      const mf = await request(server.port, server.demoHost, 'GET', '/manifest.webmanifest');
      assert.equal(mf.headers['content-type'], 'application/manifest+json');
      assert.equal(JSON.parse(mf.body).start_url, '/asistencia');
      // section A again: "Todos presentes" and one tap on "Guardar lista"
      await page.getByRole('link', { name: new RegExp('^' + secA.name) }).click();
      await page.getByRole('heading', { level: 1, name: secA.name }).waitFor();
      await waitForText(page.locator('.att-taken'), /^Lista tomada por Ana Karina Villasmil el /);
      await page.getByRole('button', { name: 'Todos presentes' }).click();
      await page.getByRole('button', { name: 'Guardar lista' }).click();
      await waitForText(page.getByRole('status').filter({ hasText: 'Lista guardada' }),
        `Lista guardada: ${rosterA.length} presentes, 0 ausentes, 0 tarde y 0 justificados.`);
      await screenshot(page, 'attendance-roster-1280');
      assert.equal(await horizontalOverflow(page), 0, 'sideways scroll at 1280 px');
      const got = await api(director, 'GET', `/api/v1/attendance?section_id=${secA.id}&date=${date}`);
      assert.equal(got.students.filter((s) => s.status !== 'present').length, 0);
      assert.equal(got.students.length, rosterA.length);
      await assertNoProblems(page);
    } finally {
      await closePage(page);
    }
  });
});
