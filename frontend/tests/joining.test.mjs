// How people join, in the browser: with joining by invitation, a member
// makes a link on their account page, a newcomer without one is told how to
// get one, registers through it (the form's errors summarised and focused
// first), and the member sees "You brought 1 person"; a withdrawn link says
// so. With joining by approval a newcomer applies (with an email and a
// note), the admin sees the count in the header, accepts on the console's
// Joining screen, and the newcomer can sign in. axe checks every screen.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  PASSWORD,
  assertCalm,
  call,
  checkA11y,
  launchBrowser,
  openPage,
  register,
  signIn,
  signInWithForm,
  startServer,
  stopServer,
} from './harness.mjs';

describe('joining by invitation and by approval', () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer([]);
    browser = await launchBrowser();
    await register(server, 'amy');
  });

  after(async () => {
    await browser?.close();
    await stopServer(server);
  });

  it('invites a newcomer through a link, counts them, and a withdrawn link says so', async () => {
    await call(server, 'PATCH', '/admin/settings', server.admin, { joining: 'invitation' });
    const amy = await openPage(browser);
    await signInWithForm(amy, server, 'amy');
    await amy.goto(`${server.url}/account#invitations`);
    const section = amy.getByRole('region', { name: 'Invite people' });
    await section.getByText('You brought 0 people.').waitFor();
    await section.getByLabel('How long the new link works').selectOption('7');
    await section.getByRole('button', { name: 'Make a link' }).click();
    const link = section.getByRole('textbox', { name: /Invitation link made/ });
    await link.waitFor();
    const address = await link.inputValue();
    assert.match(address, /\/join\?invitation=[\w-]{22}$/);
    assert.match(await section.getByRole('listitem').first().innerText(), /Works · ends .* · 0 joined/);
    await checkA11y(amy, 'the account page with an invitation link');

    const newcomer = await openPage(browser);
    await newcomer.goto(`${server.url}/join`);
    await newcomer.getByText('This community is by invitation only.').waitFor();
    assert.equal(await newcomer.getByLabel('Username').count(), 0, 'no form without a link');
    await checkA11y(newcomer, 'the join page without a link');

    await newcomer.goto(address);
    await newcomer.getByText('Amy invited you.').waitFor();
    await newcomer.getByRole('button', { name: 'Join', exact: true }).click();
    const summary = newcomer.getByRole('alert').filter({ hasText: 'There is a problem' });
    await summary.waitFor();
    assert.equal(await summary.getByRole('link').count(), 5, 'every missing answer is listed');
    assert.ok(await newcomer.evaluate(() => document.activeElement?.classList.contains('error-summary')));
    assert.equal(await newcomer.getByLabel('Username').getAttribute('aria-invalid'), 'true');
    await checkA11y(newcomer, 'the join page with its errors');
    await newcomer.getByLabel('Username').fill('dan');
    await newcomer.getByLabel('Display name').fill('Dan');
    await newcomer.getByLabel('Password').fill(PASSWORD);
    await newcomer.getByLabel('I have read the community guidelines').check();
    await newcomer.getByLabel('I give my explicit consent').check();
    await newcomer.getByRole('button', { name: 'Join', exact: true }).click();
    await newcomer.getByText('Signed in as').waitFor();

    await amy.reload();
    await section.getByText('You brought 1 person.').waitFor();
    await section.getByRole('button', { name: /^Withdraw/ }).click();
    await section.getByRole('button', { name: /^Withdraw/ }).waitFor({ state: 'detached' });
    assert.match(await section.getByRole('listitem').first().innerText(), /Withdrawn · ends .* · 1 joined/);
    const late = await openPage(browser);
    await late.goto(address);
    await late.getByText(/withdrawn by the person who made it/).waitFor();
    await late.getByText('This community is by invitation only.').waitFor();
    await checkA11y(late, 'the join page with a withdrawn link');
    for (const page of [amy, newcomer, late]) assertCalm(page);
  });

  it('takes an application when joining is by approval, and the admin accepts it on the console', async () => {
    await call(server, 'PATCH', '/admin/settings', server.admin, { joining: 'approval' });
    const applicant = await openPage(browser);
    await applicant.goto(`${server.url}/join`);
    await applicant.getByText('New accounts here are checked by an admin first.').waitFor();
    await applicant.getByLabel('Username').fill('erin');
    await applicant.getByLabel('Display name').fill('Erin');
    await applicant.getByLabel('Password').fill(PASSWORD);
    await applicant.getByLabel('Email (optional)').fill('erin@example.org');
    await applicant.getByLabel('Anything the admins should know (optional)').fill('My nurse suggested it.');
    await applicant.getByLabel('I have read the community guidelines').check();
    await applicant.getByLabel('I give my explicit consent').check();
    await checkA11y(applicant, 'the join page when joining is by approval');
    await applicant.getByRole('button', { name: 'Apply to join' }).click();
    await applicant.getByRole('heading', { name: 'Application sent' }).waitFor();
    await checkA11y(applicant, 'the application sent');

    const admin = await openPage(browser);
    await signInWithForm(admin, server, 'admin');
    await admin.getByRole('link', { name: 'Applications 1 waiting' }).click();
    await admin.getByRole('heading', { level: 1, name: 'Joining' }).waitFor();
    const card = admin.getByRole('listitem').filter({ hasText: '@erin' });
    await card.getByText('My nurse suggested it.').waitFor();
    await admin.getByText('joined through a member’s link').waitFor();
    await checkA11y(admin, 'the console’s Joining screen');
    await card.getByLabel('Message to Erin (optional)').fill('Welcome, Erin.');
    await card.getByRole('button', { name: 'Accept Erin' }).click();
    await admin.getByText('Erin was accepted, and emailed.').first().waitFor();
    await admin.getByText('No one is waiting to join.').waitFor();
    assert.ok(await signIn(server, 'erin'), 'the accepted applicant signs in');
    for (const page of [applicant, admin]) assertCalm(page);
  });
});
