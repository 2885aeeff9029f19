// The NHS.UK form pattern on the member's forms: every error at once in a
// summary at the top that takes focus and links to each field, each wrong
// field marked (aria-invalid) and described by its own message, from the
// browser's own checks and from the server's. Choosing Reply puts the
// cursor in the reply box. The pages pass axe-core with no violation of any
// impact, and the first load of the front page stays within its JavaScript
// budget.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import {
  COMMUNITIES,
  PASSWORD,
  assertCalm,
  checkA11y,
  launchBrowser,
  memberStartsThread,
  openPage,
  register,
  signInWithForm,
  startServer,
  stopServer,
} from './harness.mjs';

/** The most JavaScript, gzipped, that the first load of the front page may pull. */
const FIRST_LOAD_BUDGET = 100 * 1024;

/** Asserts the form's error summary is shown, has focus, and lists `count` links, each to a marked field. */
async function assertSummary(page, scope, count) {
  const summary = scope.getByRole('alert').filter({ hasText: 'There is a problem' });
  await summary.waitFor();
  await page.waitForFunction(() => document.activeElement?.classList.contains('error-summary'));
  const links = summary.getByRole('link');
  assert.equal(await links.count(), count, 'every error is listed at once');
  for (let index = 0; index < count; index++) {
    const target = (await links.nth(index).getAttribute('href')).slice(1);
    const field = page.locator(`[id="${target}"]`);
    const describedBy = (await field.getAttribute('aria-describedby')) ?? '';
    const message = (await page.locator(`[id="${target}-error"]`).textContent()).trim();
    assert.ok(describedBy.split(' ').includes(`${target}-error`), `${target} is described by its message`);
    assert.ok(message.endsWith(await links.nth(index).textContent()), `${target} shows the summary's sentence`);
    if ((await field.getAttribute('type')) !== 'radio') {
      assert.equal(await field.getAttribute('aria-invalid'), 'true', `${target} is marked wrong`);
    }
  }
  return links;
}

/** Asserts axe-core finds no violation of any impact. */
async function assertNoViolations(page, what) {
  assert.deepEqual(await checkA11y(page, what), [], `no violation of any impact on ${what}`);
}

describe('forms a member can trust', () => {
  let server;
  let browser;
  let threadId;

  before(async () => {
    server = await startServer(COMMUNITIES.slice(0, 1));
    browser = await launchBrowser();
    threadId = await memberStartsThread(server, 'amy', 'living-with-copd', {
      title: 'Pacing on the stairs',
      body: 'What helps you on the stairs at home?',
    });
  });

  after(async () => {
    await browser?.close();
    await stopServer(server);
  });

  it('lists every sign-up error at once, from the page and from the server, each field marked', async () => {
    const page = await openPage(browser);
    await page.goto(`${server.url}/join`);
    await page.getByRole('heading', { level: 1, name: /^Join/ }).waitFor();
    await assertNoViolations(page, 'the sign-up page');

    await page.getByRole('button', { name: 'Join', exact: true }).click();
    const links = await assertSummary(page, page, 5);
    assert.match(await page.title(), /^Error: /);
    await assertNoViolations(page, 'the sign-up page with its errors');
    // A link in the summary moves focus to its field.
    await links.nth(1).click();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'display-name');

    // The server's checks come back all at once too.
    await page.getByLabel('Username').fill('with space');
    await page.getByLabel('Display name').fill('é'.repeat(65));
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByLabel('I have read the community guidelines').check();
    await page.getByLabel('I give my explicit consent').check();
    await page.getByRole('button', { name: 'Join', exact: true }).click();
    await page.getByRole('alert').getByRole('link', { name: /display name/i }).waitFor();
    await assertSummary(page, page, 2);
    assert.equal(await page.getByLabel('Password', { exact: true }).getAttribute('aria-invalid'), null);
    assertCalm(page);
    await page.context().close();
  });

  it('lists every error of a new thread at once, from the page and from the server', async () => {
    const page = await openPage(browser);
    await signInWithForm(page, server, 'amy');
    await page.goto(`${server.url}/c/living-with-copd/new`);
    await page.getByRole('heading', { level: 1, name: 'Start a thread' }).waitFor();
    await page.getByRole('button', { name: 'Start thread' }).click();
    await assertSummary(page, page, 2);
    await assertNoViolations(page, 'the new-thread page with its errors');

    await page.getByLabel('Title').fill('ab');
    await page.getByLabel('Your first post').fill(`${'>'.repeat(40)} deep`);
    await page.getByRole('button', { name: 'Start thread' }).click();
    await page.getByRole('alert').getByRole('link', { name: /title/i }).waitFor();
    await assertSummary(page, page, 2);
    assertCalm(page);
    await page.context().close();
  });

  it('lists every error of the account forms at once', async () => {
    const page = await openPage(browser);
    await register(server, 'cara');
    await signInWithForm(page, server, 'cara');
    await page.goto(`${server.url}/account`);
    await page.getByRole('heading', { level: 1, name: 'Your account' }).waitFor();

    const password = page.locator('#password');
    await password.getByRole('button', { name: 'Change password' }).click();
    await assertSummary(page, password, 2);
    await password.getByLabel('Current password').fill('not my password');
    await password.getByLabel('New password').fill('a brand new long password');
    await password.getByRole('button', { name: 'Change password' }).click();
    await password.getByRole('alert').getByRole('link', { name: 'That is not your current password.' }).waitFor();
    assert.equal(await password.getByLabel('Current password').getAttribute('aria-invalid'), 'true');

    const email = page.locator('#email');
    await email.getByRole('button', { name: 'Add an email address' }).click();
    await email.getByRole('button', { name: 'Send a confirmation link' }).click();
    await assertSummary(page, email, 1);

    const erase = page.locator('#delete');
    await erase.getByRole('button', { name: 'Delete my account…' }).click();
    await erase.getByRole('button', { name: 'Delete my account', exact: true }).click();
    await assertSummary(page, erase, 2);
    await assertNoViolations(page, 'the account page with its errors');
    assertCalm(page);
    await page.context().close();
  });

  it('lists every error of the password reset pages at once', async () => {
    const page = await openPage(browser);
    await page.goto(`${server.url}/reset-password`);
    await page.getByRole('heading', { level: 1, name: 'Reset your password' }).waitFor();
    await page.getByRole('button', { name: 'Send me a link' }).click();
    await assertSummary(page, page, 1);

    await page.goto('about:blank');
    await page.goto(`${server.url}/reset-password#token=not-a-real-token`);
    await page.getByRole('heading', { level: 1, name: 'Choose a new password' }).waitFor();
    await page.getByLabel('New password').fill('short');
    await page.getByRole('button', { name: 'Save new password' }).click();
    await assertSummary(page, page, 2);
    await assertNoViolations(page, 'the new-password page with its errors');
    assertCalm(page);
    await page.context().close();
  });

  it('moves focus into the reply box when the member chooses Reply', async () => {
    const page = await openPage(browser);
    await signInWithForm(page, server, 'amy');
    await page.goto(`${server.url}/t/${threadId}`);
    await page.getByRole('heading', { level: 1, name: 'Pacing on the stairs' }).waitFor();
    await page.getByRole('button', { name: 'Reply to Amy' }).click();
    const box = page.getByLabel('Your reply to Amy');
    await box.waitFor();
    await page.waitForFunction(() => document.activeElement?.tagName === 'TEXTAREA');
    assert.equal(await page.evaluate(() => document.activeElement?.id), await box.getAttribute('id'));

    // An empty reply is listed in the reply form's own summary.
    await page.getByRole('button', { name: 'Post reply' }).click();
    await assertSummary(page, page.locator('form.composer'), 1);
    await assertNoViolations(page, 'a thread with its reply form');
    assertCalm(page);
    await page.context().close();
  });

  it('passes axe-core with no violation of any impact on the front, join, sign-in and search pages', async () => {
    const page = await openPage(browser);
    for (const [path, heading] of [
      ['/', 'Communities'],
      ['/join', /^Join/],
      ['/sign-in', 'Sign in'],
      ['/search?q=stairs', /^Search results/],
    ]) {
      await page.goto(`${server.url}${path}`);
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      await page.waitForLoadState('networkidle');
      await assertNoViolations(page, path);
    }
    // The guidelines' headings follow the page's: none skips a level.
    await page.goto(`${server.url}/join`);
    await page.getByRole('heading', { level: 2, name: 'Community guidelines' }).waitFor();
    const levels = await page.evaluate(() =>
      [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].map((heading) => Number(heading.tagName[1])),
    );
    levels.reduce((last, level) => {
      assert.ok(level <= last + 1, `headings in order: ${levels.join(', ')}`);
      return level;
    }, 0);

    await page.goto(`${server.url}/sign-in`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await assertSummary(page, page, 2);
    await assertNoViolations(page, 'the sign-in page with its errors');
    assertCalm(page);
    await page.context().close();
  });

  it('keeps the JavaScript of a first load of the front page under 100 KB gzipped', async (t) => {
    const page = await openPage(browser);
    await page.goto(`${server.url}/`);
    await page.getByRole('heading', { level: 1, name: 'Communities' }).waitFor();
    await page.waitForLoadState('networkidle');
    const scripts = await page.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .filter((entry) => new URL(entry.name).pathname.endsWith('.js'))
        .map((entry) => ({ url: entry.name, sent: entry.encodedBodySize })),
    );
    assert.ok(scripts.length > 0, 'the page loaded its scripts');
    const sent = scripts.reduce((sum, script) => sum + script.sent, 0);
    let gzipped = 0;
    for (const script of scripts) {
      const body = Buffer.from(await (await fetch(script.url)).arrayBuffer());
      gzipped += gzipSync(body, { level: 9 }).length;
    }
    t.diagnostic(`${scripts.length} scripts: ${gzipped} bytes gzipped, ${sent} bytes sent`);
    assert.ok(gzipped < FIRST_LOAD_BUDGET, `first-load JavaScript is ${gzipped} bytes gzipped`);
    assert.ok(sent < FIRST_LOAD_BUDGET, `first-load JavaScript sent as ${sent} bytes`);
    assertCalm(page);
    await page.context().close();
  });
});
