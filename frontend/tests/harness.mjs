// Shared by the browser tests: starts the real `kindred` binary on a free
// port with a fresh SQLite database, seeds it with the admin command line,
// drives Debian's chromium with playwright-core, checks pages with axe-core
// and saves screenshots under target/screenshots/.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const PASSWORD = 'a calm long password';
export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 360, height: 780 };

/** The communities the browser tests start with: one of each kind and visibility. */
export const COMMUNITIES = [
  {
    slug: 'living-with-copd',
    name: 'Living with COPD',
    kind: 'condition',
    description: 'For people living with **COPD** and those who care for them. Share what helps on the hard days.',
  },
  {
    slug: 'walsall-walkers',
    name: 'Walsall walkers',
    kind: 'place',
    place: 'Walsall',
    region: 'West Midlands',
    visibility: 'members',
    description: 'Gentle walks around Walsall, whatever your pace.',
  },
  { slug: 'young-carers', name: 'Young carers', kind: 'condition', visibility: 'approval' },
];

/** The binary cargo built: $KINDRED_BIN, else debug, then release, in $CARGO_TARGET_DIR or target/. */
function binary() {
  if (process.env.KINDRED_BIN) return process.env.KINDRED_BIN;
  const target = process.env.CARGO_TARGET_DIR ?? join(repo, 'target');
  const found = ['debug', 'release'].map((profile) => join(target, profile, 'kindred')).find(existsSync);
  if (!found) throw new Error(`no kindred binary in ${target}: run \`cargo build\` first (or set KINDRED_BIN)`);
  return found;
}

async function freePort() {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  return port;
}

/** Runs a `kindred` subcommand against the test database, with `input` on stdin. */
async function cli(server, args, input = '') {
  const child = spawn(binary(), args, { env: server.env, cwd: server.folder, stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  child.stdin.end(input);
  const [code] = await once(child, 'exit');
  assert.equal(code, 0, `kindred ${args.join(' ')} failed: ${stderr}`);
}

/** A fresh folder and port for a server, and its environment: only our settings, none of the caller's KINDRED_* variables. */
async function newServer(settings) {
  const folder = await mkdtemp(join(tmpdir(), 'kindred-browser-'));
  const port = await freePort();
  const inherited = Object.entries(process.env).filter(([name]) => !name.startsWith('KINDRED_'));
  const env = {
    ...Object.fromEntries(inherited),
    KINDRED_ADDR: `127.0.0.1:${port}`,
    KINDRED_DATABASE_URL: `sqlite://${join(folder, 'k.db')}`,
    RUST_LOG: 'warn',
    ...settings,
  };
  // The folder is also the working directory, so no kindred.toml is picked up.
  return { url: `http://127.0.0.1:${port}`, env, folder };
}

/** A running server with its own database, an admin, and the given communities; `settings` are more KINDRED_* variables. */
export async function startServer(communities, settings = {}) {
  const server = await newServer({
    // The tests seed long threads from one new member within seconds.
    KINDRED_POSTS_PER_HOUR: '1000',
    KINDRED_NEW_MEMBER_POSTS_PER_HOUR: '1000',
    ...settings,
  });
  await cli(server, ['migrate']);
  await cli(server, ['admin', 'create-user', '--admin', 'admin'], `${PASSWORD}\n${PASSWORD}\n`);
  for (const community of communities) {
    const args = ['admin', 'create-community', '--slug', community.slug, '--name', community.name];
    args.push('--kind', community.kind, '--visibility', community.visibility ?? 'public');
    if (community.place) args.push('--place', community.place, '--region', community.region);
    if (community.description) args.push('--description', community.description);
    await cli(server, args);
  }
  await serve(server);
  server.admin = await signIn(server, 'admin');
  // An admin made on the command line accepts the guidelines and the consent on first use, like anyone.
  const instance = await call(server, 'GET', '/instance');
  await call(server, 'POST', '/me/consents', server.admin, { kind: 'guidelines', version: instance.guidelines.version });
  await call(server, 'POST', '/me/consents', server.admin, {
    kind: 'health_data',
    version: instance.health_data_consent.version,
  });
  return server;
}

/**
 * A running server on a fresh database with no admin and nothing in it, as
 * on first start: `server.setupLink` is the setup link it printed.
 */
export async function startFirstRun(settings = {}) {
  const server = await newServer(settings);
  await serve(server);
  for (let attempt = 0; ; attempt++) {
    const printed = await readFile(join(server.folder, 'server.log'), 'utf8');
    const link = printed.match(/open (http:\/\/\S+\/setup\/\S+)/);
    if (link) {
      server.setupLink = link[1];
      return server;
    }
    assert.ok(attempt < 50, `the server printed no setup link: ${printed}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

/** Starts `kindred serve` and waits until it answers. */
async function serve(server) {
  const log = createWriteStream(join(server.folder, 'server.log'), { flags: 'a' });
  server.process = spawn(binary(), ['serve'], { env: server.env, cwd: server.folder, stdio: ['ignore', 'pipe', 'pipe'] });
  server.process.stdout.pipe(log);
  server.process.stderr.pipe(log);
  for (let attempt = 0; ; attempt++) {
    const healthy = await fetch(`${server.url}/healthz`).then((reply) => reply.ok, () => false);
    if (healthy) break;
    if (attempt > 100 || server.process.exitCode !== null) {
      throw new Error(`the server did not start: ${await readFile(join(server.folder, 'server.log'), 'utf8')}`);
    }
    await new Promise((done) => setTimeout(done, 100));
  }
}

async function halt(server, signal = 'SIGTERM') {
  server.process.kill(signal);
  await once(server.process, 'exit').catch(() => {});
}

/**
 * Kills the server (a graceful stop would wait for open websockets),
 * keeping its database, and starts it again on the same address once
 * `whileDown` has run: open connections drop as in a crash.
 */
export async function restartServer(server, whileDown = async () => {}) {
  await halt(server, 'SIGKILL');
  await whileDown();
  await serve(server);
}

/** Stops the server and removes its database. */
export async function stopServer(server) {
  if (!server) return;
  await halt(server);
  await rm(server.folder, { recursive: true, force: true });
}

/** The JSON API as a non-browser client (a bearer token, so no Origin is needed). */
export async function call(server, method, path, token, body) {
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const reply = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = reply.status === 204 ? null : await reply.json();
  assert.ok(reply.ok, `${method} ${path}: ${reply.status} ${JSON.stringify(data)}`);
  return data;
}

/** Signs in through the API and returns the session token. */
export async function signIn(server, username) {
  return (await call(server, 'POST', '/sessions', undefined, { username, password: PASSWORD })).token;
}

/** Registers a member through the API and returns their token. */
export async function register(server, username) {
  const instance = await call(server, 'GET', '/instance');
  const body = {
    username,
    display_name: username[0].toUpperCase() + username.slice(1),
    password: PASSWORD,
    guidelines_version: instance.guidelines.version,
    health_data_consent: true,
  };
  return (await call(server, 'POST', '/accounts', undefined, body)).token;
}

/** Registers `username`, joins the community `slug` and starts a thread there; returns the thread's id. */
export async function memberStartsThread(server, username, slug, { title, body }) {
  const token = await register(server, username);
  await call(server, 'POST', `/communities/${slug}/membership`, token, {});
  return (await call(server, 'POST', `/communities/${slug}/threads`, token, { title, body })).thread.id;
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    // playwright-core gives every launch a fresh, temporary user-data dir.
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * A fresh browser context (its own cookies and storage, and the time zone
 * given, else the machine's) and a page in it.
 * Fails the test on any script dialog, uncaught error or console error.
 */
export async function openPage(browser, { viewport = DESKTOP, colorScheme = 'light', timezoneId } = {}) {
  const context = await browser.newContext({ viewport, colorScheme, reducedMotion: 'reduce', timezoneId });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  page.problems = [];
  page.on('dialog', async (dialog) => {
    page.problems.push(`a ${dialog.type()} dialog opened: ${dialog.message()}`);
    await dialog.dismiss();
  });
  page.on('pageerror', (error) => page.problems.push(`uncaught: ${error.message}`));
  page.on('console', (message) => {
    // The browser logs every 4xx answer; the API's 401s and 404s are how it says "signed out" and "not for you".
    const answered = /^Failed to load resource: the server responded with a status of 4\d\d/.test(message.text());
    if (message.type() === 'error' && !answered) page.problems.push(`console error: ${message.text()}`);
  });
  return page;
}

/** Asserts nothing went wrong on the page: no dialog, no script error, no console error. */
export function assertCalm(page) {
  assert.deepEqual(page.problems, [], 'the page reported problems');
}

const axeSource = readFile(join(repo, 'frontend/node_modules/axe-core/axe.min.js'), 'utf8');

/** Runs axe-core on the page; fails on any serious or critical violation. */
export async function checkA11y(page, what) {
  await page.evaluate(await axeSource);
  const violations = await page.evaluate(async () => {
    // @ts-ignore axe is injected above.
    const results = await window.axe.run(document, { resultTypes: ['violations'] });
    return results.violations.map(({ id, impact, help, nodes }) => ({
      id,
      impact,
      help,
      targets: nodes.slice(0, 3).map((node) => node.target.join(' ')),
    }));
  });
  const serious = violations.filter(({ impact }) => impact === 'serious' || impact === 'critical');
  assert.deepEqual(serious, [], `accessibility problems on ${what}`);
  return violations;
}

/** Asserts axe finds no violation of any impact on the page. */
export async function assertNoViolations(page, what) {
  assert.deepEqual(await checkA11y(page, what), [], `axe on ${what}`);
}

/** Saves a full-page screenshot as target/screenshots/NAME.png. */
export async function screenshot(page, name) {
  const folder = join(repo, 'target/screenshots');
  await mkdir(folder, { recursive: true });
  await page.screenshot({ path: join(folder, `${name}.png`), fullPage: true });
}

/** Asserts the page is no wider than the viewport (nothing breaks out at 360 px). */
export async function assertFits(page, what) {
  const { scroll, viewport } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    viewport: window.innerWidth,
  }));
  assert.ok(scroll <= viewport, `${what} is ${scroll}px wide in a ${viewport}px window`);
}

/** Signs in through the sign-in form. */
export async function signInWithForm(page, server, username) {
  await page.goto(`${server.url}/sign-in`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // On a phone the header's links (and who is signed in) wait behind its menu button.
  await page.getByText('Signed in as').waitFor({ state: 'attached' });
}

/** Opens the header's menu when the window is narrow enough to show its button (a phone); else does nothing. */
export async function openMenu(page) {
  const button = page.getByRole('banner').getByRole('button', { name: /^Menu/ });
  if ((await button.isVisible()) && (await button.getAttribute('aria-expanded')) !== 'true') await button.click();
}
