// A member's email notification choices in the browser: how often each kind
// of news is mailed, whether letters name details, the time zone digests
// keep; and the page a letter's "Stop these emails" link opens. Each screen
// is checked with axe-core and at 360 px.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  PHONE,
  assertFits,
  call,
  checkA11y,
  launchBrowser,
  openPage,
  register,
  screenshot,
  signInWithForm,
  startServer,
  stopServer,
} from './harness.mjs';

describe('email notification choices in the browser', () => {
  let server;
  let browser;
  let page;
  let nora;

  before(async () => {
    server = await startServer([]);
    browser = await launchBrowser();
    nora = await register(server, 'nora');
    page = await openPage(browser, { viewport: PHONE });
    await signInWithForm(page, server, 'nora');
  });

  after(async () => {
    await browser?.close();
    await stopServer(server);
  });

  it('a member chooses how often each kind of news is mailed, and whether letters name details', async () => {
    await page.goto(`${server.url}/account#mail`);
    await page.getByRole('heading', { level: 2, name: 'Email notifications' }).waitFor();
    const replies = page.getByLabel('Replies to your posts');
    await replies.waitFor();
    assert.equal(await replies.inputValue(), 'immediately');
    assert.equal(await page.getByLabel('New posts in conversations and communities you follow').inputValue(), 'weekly');
    assert.equal(await page.getByLabel('Include details in emails').isChecked(), false, 'discreet by default');
    await page.getByText('We only email a confirmed address.').waitFor();
    await assertFits(page, 'the email choices at 360 px');
    await checkA11y(page, 'the email choices');

    await replies.selectOption('daily');
    await page.getByLabel('Include details in emails').check();
    await page.getByLabel('Your time zone, for digests').selectOption('Europe/London');
    await page.getByRole('button', { name: 'Save email choices' }).click();
    await page.getByRole('status').filter({ hasText: 'Your email choices are saved.' }).waitFor();
    await screenshot(page, 'phone-mail-preferences');

    const stored = await call(server, 'GET', '/me/mail-preferences', nora);
    assert.equal(stored.kinds.replies, 'daily');
    assert.equal(stored.kinds.mentions, 'immediately', 'what was not touched stays');
    assert.equal(stored.include_details, true);
    assert.equal(stored.time_zone, 'Europe/London');

    await page.reload();
    await page.getByLabel('Replies to your posts').waitFor();
    assert.equal(await page.getByLabel('Replies to your posts').inputValue(), 'daily');
    assert.equal(await page.getByLabel('Your time zone, for digests').inputValue(), 'Europe/London');
  });

  it('the unsubscribe page asks before stopping and says when a link is not valid', async () => {
    await page.goto(`${server.url}/unsubscribe#token=1.replies.bm90IGEgc2lnbmF0dXJl`);
    await page.getByRole('heading', { level: 1, name: 'Stop these emails' }).waitFor();
    await page.getByText('You won’t get emails about replies to your posts any more.').waitFor();
    assert.equal(new URL(page.url()).hash, '', 'the token is wiped from the address bar');
    await assertFits(page, 'the unsubscribe page at 360 px');
    await checkA11y(page, 'the unsubscribe page');
    await page.getByRole('button', { name: 'Stop these emails' }).click();
    await page.getByText('This unsubscribe link is not valid.').waitFor();
    const stored = await call(server, 'GET', '/me/mail-preferences', nora);
    assert.equal(stored.kinds.replies, 'daily', 'a forged link changed nothing');
  });
});
