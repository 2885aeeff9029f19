// A member's own account in the browser: where they are signed in (ending
// another device's session signs it out at once), blocks, password, email,
// a copy of their data, a new display name, withdrawing the health-data
// consent (posting refused) and giving it again (posting allowed), the
// mailed-link pages, and erasure. Each screen is
// checked with axe-core and at 360 px.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  PASSWORD,
  PHONE,
  assertCalm,
  assertFits,
  call,
  checkA11y,
  launchBrowser,
  openMenu,
  openPage,
  register,
  screenshot,
  signIn,
  signInWithForm,
  startServer,
  stopServer,
} from './harness.mjs';

/** Whether a session token still works. */
async function stillSignedIn(server, token) {
  const reply = await fetch(`${server.url}/api/v1/me`, { headers: { Authorization: `Bearer ${token}` } });
  return reply.ok;
}

describe('your account in the browser', () => {
  let server;
  let browser;
  let page;
  /** Cara's session from registering: "another device". */
  let elsewhere;

  before(async () => {
    server = await startServer([]);
    browser = await launchBrowser();
    elsewhere = await register(server, 'cara');
    await register(server, 'dan');
    page = await openPage(browser, { viewport: PHONE });
    await signInWithForm(page, server, 'cara');
  });

  after(async () => {
    await browser?.close();
    await stopServer(server);
  });

  it('lists where the member is signed in, and ending another session signs that device out', async () => {
    await openMenu(page);
    await page.getByRole('banner').getByRole('link', { name: 'Your account' }).click();
    await page.getByRole('heading', { level: 1, name: 'Your account' }).waitFor();
    const sessions = page.locator('#sessions').getByRole('listitem');
    await sessions.nth(1).waitFor();
    assert.equal(await sessions.count(), 2);
    assert.equal(await sessions.filter({ hasText: 'This device' }).count(), 1);
    await assertFits(page, 'the account page at 360 px');
    await checkA11y(page, 'the account page');
    await screenshot(page, 'phone-account');

    assert.equal(await stillSignedIn(server, elsewhere), true);
    await sessions.filter({ hasNotText: 'This device' }).getByRole('button', { name: /^Sign out/ }).click();
    await page.waitForFunction(() => document.querySelectorAll('#sessions li').length === 1);
    assert.equal(await stillSignedIn(server, elsewhere), false);
    await page.locator('#sessions').getByText('This device').waitFor();
    assertCalm(page);
  });

  it('opens at the section a link within the app names, as the inbox’s links do', async () => {
    await page.goto(`${server.url}/`);
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    // A link like the inbox's, followed by the client's router (no page load).
    await page.evaluate(() => {
      const link = document.createElement('a');
      link.href = '/account#reports';
      link.textContent = 'Your reports';
      document.querySelector('main')?.append(link);
      link.click();
    });
    await page.getByRole('heading', { level: 2, name: 'Your reports' }).waitFor();
    await page.waitForFunction(() => {
      const top = document.getElementById('reports')?.getBoundingClientRect().top ?? -1;
      return top >= 0 && top < window.innerHeight / 2;
    });
    assertCalm(page);
  });

  it('unblocks a blocked member', async () => {
    const token = await call(server, 'POST', '/sessions', undefined, { username: 'cara', password: PASSWORD });
    await call(server, 'PUT', '/blocks/dan', token.token);
    await page.reload();
    const blocks = page.locator('#blocks');
    await blocks.getByText('Dan').first().waitFor();
    await blocks.getByRole('button', { name: 'Unblock Dan' }).click();
    await blocks.getByText('You haven’t blocked anyone.').waitFor();
    assert.deepEqual(await call(server, 'GET', '/blocks', token.token), []);
    assertCalm(page);
  });

  it('adds an email address, which waits to be confirmed, and prepares a copy of the member’s data', async () => {
    const email = page.locator('#email');
    await email.getByRole('button', { name: 'Add an email address' }).click();
    await email.getByLabel('Email address').fill('cara@example.org');
    await email.getByRole('button', { name: 'Send a confirmation link' }).click();
    await email.getByText('Not confirmed yet').waitFor();
    await email.getByText('cara@example.org').first().waitFor();

    const data = page.locator('#data');
    await data.getByRole('button', { name: 'Prepare a copy of your data' }).click();
    const download = data.getByRole('link', { name: 'Download your data' });
    await download.waitFor();
    assert.equal(await download.getAttribute('href'), '/api/v1/me/export');
    await checkA11y(page, 'the account page with an export ready');
    assertCalm(page);
  });

  it('changes the display name, and every page shows the new one at once', async () => {
    const form = page.locator('#name');
    await form.getByLabel('Display name', { exact: true }).fill('Cara on the coast');
    await form.getByRole('button', { name: 'Change display name' }).click();
    await form.getByText('Your display name is Cara on the coast now, on every page.').waitFor();
    await page.getByText('Signed in as Cara on the coast (@cara).').waitFor();
    await form.getByLabel('Display name', { exact: true }).fill('Admin');
    await form.getByRole('button', { name: 'Change display name' }).click();
    await form.getByRole('alert').getByText(/looks too much like another member/).waitFor();
    await checkA11y(page, 'the account page with a refused display name');
    const names = await call(server, 'GET', '/members/cara/names', server.admin);
    assert.equal(names[0].previous_name, 'Cara');
    assert.equal(names[0].new_name, 'Cara on the coast');
    assertCalm(page);
  });

  it('withdraws the health-data consent (posting is refused) and gives it again (posting is allowed)', async () => {
    await call(server, 'POST', '/communities', server.admin, {
      slug: 'carers-corner',
      name: 'Carers corner',
      kind: 'condition',
      visibility: 'public',
    });
    await call(server, 'POST', '/communities/carers-corner/membership', await signIn(server, 'cara'), {});

    await page.goto(`${server.url}/account#consent`);
    const consent = page.locator('#consent');
    await consent.getByText('you cannot post, reply, chat or react until you give your consent again').waitFor();
    await consent.getByRole('button', { name: 'Withdraw my consent…' }).click();
    await consent.getByRole('button', { name: 'Withdraw my consent', exact: true }).click();
    await consent.getByText(/You withdrew your consent on/).waitFor();
    await checkA11y(page, 'the account page with the consent withdrawn');
    await assertFits(page, 'the account page with the consent withdrawn');

    const startThread = async () => {
      await page.goto(`${server.url}/c/carers-corner/new`);
      await page.getByLabel('Title').fill('Respite at weekends');
      await page.getByLabel('Your first post').fill('How do you find a sitter you trust?');
      await page.getByRole('button', { name: 'Start thread' }).click();
    };
    await startThread();
    await page.getByRole('alert').getByText(/You withdrew your consent/).waitFor();

    await page.goto(`${server.url}/account#consent`);
    await consent.getByRole('button', { name: 'Give my consent again' }).click();
    await consent.getByText('Thank you: your consent is given, and you can post again.').waitFor();
    await startThread();
    await page.getByRole('heading', { level: 1, name: 'Respite at weekends' }).waitFor();
    assertCalm(page);
    await page.goto(`${server.url}/account`);
    await page.getByRole('heading', { level: 1, name: 'Your account' }).waitFor();
  });

  it('changes the password', async () => {
    const form = page.locator('#password');
    await form.getByLabel('Current password').fill(PASSWORD);
    await form.getByLabel('New password').fill('an even calmer long password');
    await form.getByRole('button', { name: 'Change password' }).click();
    await form.getByText('Your password is changed.').waitFor();
    const signedIn = await fetch(`${server.url}/api/v1/sessions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'cara', password: 'an even calmer long password' }),
    });
    assert.equal(signedIn.status, 200);
    assertCalm(page);
  });

  it('answers the mailed links’ pages: a bad verification link, and a reset request', async () => {
    const visitor = await openPage(browser, { viewport: PHONE });
    await visitor.goto(`${server.url}/verify-email#token=not-a-real-token`);
    await visitor.getByRole('heading', { level: 1, name: 'Confirm your email' }).waitFor();
    await visitor.getByRole('alert').waitFor();
    assert.equal(new URL(visitor.url()).hash, '', 'the token is wiped from the address bar');
    await checkA11y(visitor, 'a failed email verification');

    await visitor.goto(`${server.url}/sign-in`);
    await visitor.getByRole('link', { name: 'Forgot your password?' }).click();
    await visitor.getByRole('heading', { level: 1, name: 'Reset your password' }).waitFor();
    await visitor.getByLabel('Email address').fill('nobody@example.org');
    await visitor.getByRole('button', { name: 'Send me a link' }).click();
    await visitor.getByText('a link to reset the password is on its way').waitFor();
    await checkA11y(visitor, 'the reset request page');

    // A mailed link opens a fresh page.
    await visitor.goto('about:blank');
    await visitor.goto(`${server.url}/reset-password#token=not-a-real-token`);
    await visitor.getByRole('heading', { level: 1, name: 'Choose a new password' }).waitFor();
    await visitor.getByLabel('New password').fill('a brand new long password');
    await visitor.getByLabel('The same password again').fill('a brand new long password');
    await visitor.getByRole('button', { name: 'Save new password' }).click();
    await visitor.getByRole('alert').waitFor();
    await assertFits(visitor, 'the new-password page at 360 px');
    await checkA11y(visitor, 'a failed password reset');
    assertCalm(visitor);
    await visitor.context().close();
  });

  it('deletes the account after a clear warning and the password', async () => {
    await page.goto(`${server.url}/account`);
    const zone = page.locator('#delete');
    await zone.getByRole('button', { name: 'Delete my account…' }).click();
    await zone.getByRole('button', { name: 'Delete my account', exact: true }).click();
    await zone.getByRole('alert').filter({ hasText: 'can’t be undone' }).waitFor();
    await zone.getByLabel('I understand my account will be deleted').check();
    await zone.getByLabel('Your password').fill('an even calmer long password');
    await checkA11y(page, 'the account deletion form');
    await zone.getByRole('button', { name: 'Delete my account', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Communities' }).waitFor();
    // Signed out: on a phone the header's Sign in link waits behind its menu button.
    const signInLink = page.getByRole('banner').getByRole('link', { name: 'Sign in', includeHidden: true });
    await signInLink.waitFor({ state: 'attached' });
    const signIn = await fetch(`${server.url}/api/v1/sessions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'cara', password: 'an even calmer long password' }),
    });
    assert.equal(signIn.status, 401);
    assertCalm(page);
  });
});
