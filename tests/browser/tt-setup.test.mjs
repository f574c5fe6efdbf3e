// Preparing the timetable (issue #15, part setup), as the demo school's
// director and one of its teachers walk it in a real browser: the UEIPAB
// bell schedule from its template and put on a section, a wrong day refused
// row by row, a subject added to a grade's plan de estudio (blocks that do
// not add up refused first), an assignment to "any qualified teacher"; the
// teacher marks an hour she cannot teach in "Mis preferencias" and the
// director approves it. Every page at 1280 and 360 px (screenshots, no
// horizontal scroll at 360).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  DIRECTORA_EMAIL, DIRECTORA_NAME, DIRECTORA_PASSWORD,
  assertNoProblems, closePage, horizontalOverflow, launchBrowser, openPage, request,
  screenshot, signInHome, startServer, waitForText,
} from './harness.mjs';

const REFUSED = [/Failed to load resource: the server responded with a status of (409|422)/];
const TEACHER = { email: 'profe.horarios@demo.test', name: 'Carmen Horarios', password: 'Docente-Prueba-2025' };

describe('preparing the timetable', { timeout: 240000 }, () => {
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

  /** The director's API session (cookie, csrf) for the set-up the test needs. */
  async function directorApi() {
    const login = await request(server.port, server.demoHost, 'POST', '/api/v1/auth/login',
      { body: { email: DIRECTORA_EMAIL, password: DIRECTORA_PASSWORD } });
    assert.equal(login.status, 200, login.body);
    const cookie = /bis_session=[^;]+/.exec([].concat(login.headers['set-cookie']).join('\n'))[0];
    return (method, path, body) => request(server.port, server.demoHost, method, path,
      { headers: { Cookie: cookie, 'X-CSRF-Token': login.json.csrf_token }, body });
  }

  async function fits360(page, name) {
    await page.setViewportSize({ width: 360, height: 740 });
    assert.ok(await horizontalOverflow(page) <= 0, `${name} scrolls sideways at 360 px`);
    await screenshot(page, `tt-${name}-360`);
    await page.setViewportSize({ width: 1280, height: 800 });
  }

  test('the director sets up the bell schedule, the plan and an assignment', { timeout: 120000 }, async () => {
    const page = await openPage(browser, { allow: REFUSED });
    try {
      await signInHome(page, server.demoUrl, DIRECTORA_EMAIL, DIRECTORA_PASSWORD, DIRECTORA_NAME);
      await page.getByRole('navigation').getByRole('link', { name: 'Preparar horarios', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Preparar horarios' }).waitFor();

      // the UEIPAB day in one click
      await page.getByRole('button', { name: 'Usar la plantilla UEIPAB' }).click();
      await page.getByText(/Se creó «Horario UEIPAB[^»]*»: 10 horas de 40 minutos/).waitFor();
      const ueipab = page.locator('section.card').filter({ has: page.getByRole('heading', { level: 2, name: /^Horario UEIPAB/ }) }).first();
      await waitForText(ueipab.locator('.card__intro'), '10 horas de clase, de lunes a viernes.');
      assert.equal(await ueipab.locator('tr.bell-break').count(), 2, 'two breaks');
      await waitForText(ueipab.locator('table'), /Receso\s*12:40 – 13:00\s*9\.ª hora\s*13:00 – 13:40\s*10\.ª hora\s*13:40 – 14:20$/);

      // put the first section on it
      await ueipab.getByRole('button', { name: 'Elegir secciones' }).click();
      const first = ueipab.locator('form input[type=checkbox]').first();
      const sectionName = (await ueipab.locator('form label').first().textContent()).replace(/\s*\(ahora:.*\)$/, '').trim();
      await first.check();
      await ueipab.getByRole('button', { name: 'Guardar secciones' }).click();
      await page.getByText(/Se guardaron las secciones de «Horario UEIPAB/).waitFor();
      await waitForText(page.locator('section.card').filter({ has: page.getByRole('heading', { level: 2, name: /^Horario UEIPAB/ }) }).first().locator('p').filter({ hasText: 'Secciones:' }),
        new RegExp(sectionName.replace(/[()]/g, '\\$&')));
      await screenshot(page, 'tt-bells-1280');
      await fits360(page, 'bells');

      // a day whose first hour ends before it starts: refused, the row marked
      await page.getByRole('button', { name: 'Crear un horario nuevo' }).click();
      await page.getByLabel('Nombre del horario').fill('Turno de la tarde');
      await page.getByLabel('Fin', { exact: true }).first().fill('06:30');
      await page.getByRole('button', { name: 'Crear horario' }).click();
      await page.getByText('Cada hora o receso debe terminar después de empezar.').first().waitFor();
      assert.equal(await page.getByLabel('Fin', { exact: true }).first().getAttribute('aria-invalid'), 'true');
      await screenshot(page, 'tt-bells-error-1280');
      await page.getByLabel('Fin', { exact: true }).first().fill('13:40');
      await page.getByRole('button', { name: 'Crear horario' }).click();
      await page.getByText('Se creó el horario «Turno de la tarde».').waitFor();

      // the plan de estudio: blocks that do not add up, then right
      await page.getByRole('link', { name: 'Plan de estudio y asignaciones' }).click();
      await page.getByRole('heading', { level: 2, name: 'Plan de estudio' }).waitFor();
      const plan = page.locator('section.card').filter({ has: page.getByRole('heading', { level: 2, name: 'Plan de estudio' }) });
      const subject = plan.getByLabel('Materia', { exact: true });
      const subjectName = (await subject.locator('option').nth(1).textContent()).trim();
      await subject.selectOption({ index: 1 });
      await plan.getByLabel('Horas semanales').fill('5');
      await plan.getByLabel('Bloques (opcional)').fill('2+2');
      await plan.getByRole('button', { name: 'Agregar al plan' }).click();
      await plan.getByText('Los bloques deben sumar las horas semanales de la materia (por ejemplo 6 horas: 2+2+2).').first().waitFor();
      await plan.getByLabel('Bloques (opcional)').fill('2+2+1');
      await plan.getByRole('button', { name: 'Agregar al plan' }).click();
      await plan.getByText(/: 5 horas semanales \(2\+2\+1\)\./).waitFor();
      await waitForText(plan.locator('tbody tr').filter({ hasText: subjectName.replace(/ \(.*\)$/, '') }).first(), /5\s*2\+2\+1/);

      // an assignment to any qualified teacher
      const asg = page.locator('section.card').filter({ has: page.getByRole('heading', { level: 2, name: 'Asignaciones' }) });
      await asg.getByLabel('Materia', { exact: true }).selectOption({ index: 1 });
      await asg.getByRole('button', { name: 'Asignar' }).click();
      await asg.getByText(/cualquier docente calificado\.$/).waitFor();
      await asg.locator('tbody em', { hasText: 'Cualquier docente calificado' }).first().waitFor();
      await screenshot(page, 'tt-plan-1280');
      await fits360(page, 'plan');
      await assertNoProblems(page);
    } finally {
      await closePage(page);
    }
  });

  test('a teacher marks an hour she cannot teach and the director approves it', { timeout: 90000 }, async () => {
    const call = await directorApi();
    const user = await call('POST', '/api/v1/users', { email: TEACHER.email, name: TEACHER.name, role: 'teacher', password: TEACHER.password });
    assert.equal(user.status, 201, user.body);
    const staff = await call('POST', '/api/v1/staff', { cedula: 'V19876543', first_names: 'Carmen', last_names: 'Horarios', user_id: user.json.id });
    assert.equal(staff.status, 201, staff.body);

    const page = await openPage(browser);
    try {
      await signInHome(page, server.demoUrl, TEACHER.email, TEACHER.password, TEACHER.name);
      await page.getByRole('navigation').getByRole('link', { name: 'Mis preferencias', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Mis preferencias' }).waitFor();
      const monday1 = page.getByLabel('lunes, 1.ª hora (07:00)');
      await monday1.selectOption('avoid');
      await page.getByLabel('Todo el viernes').selectOption('dislike');
      await page.getByRole('button', { name: 'Guardar mis preferencias' }).click();
      await page.getByText('Se guardaron sus preferencias. 2 esperan la aprobación de la dirección.').waitFor();
      assert.equal(await page.getByLabel('lunes, 1.ª hora (07:00)').inputValue(), 'avoid');
      await screenshot(page, 'tt-my-prefs-1280');
      await fits360(page, 'my-prefs');
      await assertNoProblems(page);
    } finally {
      await closePage(page);
    }

    const admin = await openPage(browser);
    try {
      await signInHome(admin, server.demoUrl, DIRECTORA_EMAIL, DIRECTORA_PASSWORD, DIRECTORA_NAME);
      await admin.goto(server.demoUrl + '/preparacion/preferencias');
      const teacher = admin.locator('section.card').filter({ has: admin.getByRole('heading', { level: 2, name: 'Carmen Horarios' }) });
      await waitForText(teacher.locator('li').first(), /Todo el viernes: Preferiblemente no Pendiente/);
      await teacher.getByRole('button', { name: 'Aprobar: El lunes, 1.ª hora' }).click();
      await admin.getByText('Se aprobó la preferencia.').waitFor();
      await admin.getByLabel('Mostrar').selectOption('approved');
      await waitForText(admin.locator('section.card').filter({ hasText: 'Carmen Horarios' }).locator('li').first(),
        /El lunes, 1\.ª hora: No puedo \(evitar\) Aprobada/);
      await screenshot(admin, 'tt-prefs-review-1280');
      await fits360(admin, 'prefs-review');
      await assertNoProblems(admin);
    } finally {
      await closePage(admin);
    }
  });
});
