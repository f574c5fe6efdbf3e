// Shared setup for the browser tests: a real bischeduler binary on a fresh
// data directory and a free port, Debian's Chromium driven by playwright-core,
// and a watcher that fails a test on any console error, uncaught page error
// or Content-Security-Policy violation.
//
// Each test file calls startServer() once (in before()) and gets its own
// store, so files can run in parallel without sharing state.

import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));

export const BIN = process.env.BISCHEDULER_BIN || path.resolve(here, '../../build/bischeduler');
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export const ADMIN_EMAIL = 'admin@ueipab.test';
export const ADMIN_PASSWORD = 'Plataforma-Prueba-2025';
export const DIRECTORA_EMAIL = 'directora@demo.test';
export const DIRECTORA_NAME = 'Directora Demo';
export const DIRECTORA_PASSWORD = 'Directora-Prueba-2025';
export const DEMO_NAME = 'Unidad Educativa Demo';

export const ROLE_SCHOOL_ADMIN = 'Director(a)/Administrador(a) del plantel';
export const ROLE_PLATFORM_ADMIN = 'Administrador de plataforma';

const SCREENSHOT_DIR = process.env.BIS_SCREENSHOT_DIR || os.tmpdir();

function run(args) {
  return new Promise((resolve, reject) => {
    execFile(BIN, args, { timeout: 60000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`bischeduler ${args.join(' ')} failed (${err.code}): ${stderr || stdout}`));
      else resolve({ stdout, stderr });
    });
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * A raw HTTP request to the server at 127.0.0.1 with the given Host header
 * (Node cannot resolve *.localhost subdomains itself). Resolves with
 * {status, headers, body, json}.
 */
export function request(port, host, method, urlPath, { headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : (typeof body === 'string' ? body : JSON.stringify(body));
    const h = { Host: `${host}:${port}`, Accept: 'application/json', ...headers };
    if (payload !== undefined && !Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) h['Content-Type'] = 'application/json';
    const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, headers: h, timeout: 10000 }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { data += c; });
      res.on('end', () => {
        let json = null;
        try { json = JSON.parse(data); } catch { json = null; }
        resolve({ status: res.statusCode, headers: res.headers, body: data, json });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`timeout: ${method} ${urlPath}`)));
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/**
 * Creates a data directory with the master school, the demo school and a
 * school_admin for demo, then starts `bischeduler serve` on a free port.
 * Returns {port, dataDir, masterUrl, demoUrl, stop(), log()}.
 * opts.serveArgs: more arguments for `serve` (e.g. --smtp-url).
 */
export async function startServer(opts = {}) {
  if (!fs.existsSync(BIN)) throw new Error(`bischeduler binary not found at ${BIN} (set BISCHEDULER_BIN)`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bis-browser-'));
  const adminPw = path.join(dataDir, 'admin-password');
  const directoraPw = path.join(dataDir, 'directora-password');
  fs.writeFileSync(adminPw, ADMIN_PASSWORD + '\n', { mode: 0o600 });
  fs.writeFileSync(directoraPw, DIRECTORA_PASSWORD + '\n', { mode: 0o600 });
  const store = path.join(dataDir, 'store');

  await run(['init', '--data', store, '--base-domain', 'localhost', '--admin-email', ADMIN_EMAIL,
    '--admin-password-file', adminPw, '--demo']);
  await run(['user', 'add', '--data', store, '--school', 'demo', '--email', DIRECTORA_EMAIL,
    '--role', 'school_admin', '--name', DIRECTORA_NAME, '--password-file', directoraPw]);

  const port = await freePort();
  const child = spawn(BIN, ['serve', '--data', store, '--listen', `127.0.0.1:${port}`, '--base-domain', 'localhost',
    ...(opts.serveArgs || [])],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c) => { output += c; });
  child.stderr.on('data', (c) => { output += c; });
  let exited = null;
  const exitPromise = new Promise((resolve) => child.on('exit', (code, signal) => { exited = { code, signal }; resolve(); }));
  const killOnExit = () => { if (!exited) child.kill('SIGKILL'); };
  process.on('exit', killOnExit);

  const deadline = Date.now() + 20000;
  for (;;) {
    if (exited) throw new Error(`bischeduler serve exited early (${JSON.stringify(exited)}):\n${output}`);
    try {
      const r = await request(port, '127.0.0.1', 'GET', '/healthz');
      if (r.status === 200) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`bischeduler serve did not answer /healthz within 20 s:\n${output}`);
    }
    await sleep(100);
  }

  return {
    port,
    dataDir,
    masterHost: 'bischeduler.localhost',
    demoHost: 'bischeduler-demo.localhost',
    masterUrl: `http://bischeduler.localhost:${port}`,
    demoUrl: `http://bischeduler-demo.localhost:${port}`,
    log: () => output,
    async stop() {
      if (!exited) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exitPromise;
        clearTimeout(timer);
      }
      process.off('exit', killOnExit);
      if (!process.env.BIS_KEEP_DATA) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/**
 * A fresh browser context (own cookies) and page in Venezuelan Spanish.
 * page.problems collects console errors, page errors and CSP violations;
 * call assertNoProblems(page) at the end of a flow.
 * `allow` lists regexes of console errors a flow expects, e.g. the
 * "Failed to load resource ... 401" Chromium logs for a wrong password.
 */
export async function openPage(browser, { width = 1280, height = 800, allow = [] } = {}) {
  const context = await browser.newContext({
    viewport: { width, height },
    locale: 'es-VE',
    timezoneId: 'America/Caracas',
  });
  context.setDefaultTimeout(10000);
  // Runs before the app; CDP-injected, so not itself subject to the CSP.
  await context.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile || ''}:${e.lineNumber || ''})`);
    });
  });
  const page = await context.newPage();
  page.problems = [];
  // Chromium logs every 401 reply as "Failed to load resource"; the app asks
  // /auth/me on load to learn whether a session exists, so that one is expected.
  page.allowedConsole = [/Failed to load resource: the server responded with a status of 401.*@.*\/api\/v1\/auth\/me$/, ...allow];
  page.on('console', (msg) => {
    if (msg.type() !== 'error' && msg.type() !== 'warning') return;
    const loc = msg.location();
    const text = `${msg.text()} @ ${loc && loc.url ? loc.url : ''}`;
    if (msg.type() === 'warning' && !/Content.Security.Policy|Refused/i.test(text)) return;
    if (page.allowedConsole.some((re) => re.test(text))) return;
    page.problems.push(`console.${msg.type()}: ${text}`);
  });
  page.on('pageerror', (err) => page.problems.push(`pageerror: ${err.message}`));
  return page;
}

export async function assertNoProblems(page) {
  const violations = await page.evaluate(() => window.__cspViolations || []).catch(() => []);
  const all = page.problems.concat(violations.map((v) => `CSP violation: ${v}`));
  if (all.length) throw new Error(`the page reported problems:\n  ${all.join('\n  ')}`);
}

export async function closePage(page) {
  await page.context().close();
}

/** Polls fn until it returns a truthy value; throws with `what` after `ms`. */
export async function eventually(fn, what, ms = 8000) {
  const deadline = Date.now() + ms;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) { last = e; }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await sleep(100);
  }
}

/** Waits until the locator's trimmed text equals (string) or matches (RegExp) `expected`. */
export async function waitForText(locator, expected) {
  let text = '';
  await eventually(async () => {
    text = ((await locator.first().textContent()) || '').replace(/\s+/g, ' ').trim();
    return typeof expected === 'string' ? text === expected : expected.test(text);
  }, `text ${expected} (got "${text}")`);
  return text;
}

export function screenshot(page, name) {
  return page.screenshot({ path: path.join(SCREENSHOT_DIR, `bis-${name}.png`), fullPage: true });
}

export function signInButton(page) {
  return page.getByRole('button', { name: 'Ingresar', exact: true });
}

/** Fills the sign-in form and submits it with the mouse. */
export async function signIn(page, email, password) {
  await signInButton(page).waitFor();
  await page.getByLabel('Correo electrónico', { exact: true }).fill(email);
  await page.getByLabel('Contraseña', { exact: true }).fill(password);
  await signInButton(page).click();
}

/** Signs in and waits for the home page greeting. */
export async function signInHome(page, url, email, password, name) {
  await page.goto(url + '/');
  await signIn(page, email, password);
  await page.getByRole('heading', { level: 1, name: `Hola, ${name}` }).waitFor();
}

/** Width of the document beyond the viewport, in CSS pixels (0 = no horizontal scroll). */
export function horizontalOverflow(page) {
  return page.evaluate(() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - window.innerWidth);
}
