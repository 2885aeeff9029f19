// Staff and partner badges in the browser: an admin finds a member in the
// console and grants a clinician badge with a profession; it shows beside
// the member's name on their post and on their member page, and the admin
// removes it again. axe checks every screen.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  COMMUNITIES,
  assertCalm,
  call,
  checkA11y,
  launchBrowser,
  openPage,
  register,
  signInWithForm,
  startServer,
  stopServer,
} from './harness.mjs';

describe('badges', () => {
  let server;
  let browser;
  let amy;

  before(async () => {
    server = await startServer(COMMUNITIES.slice(0, 1));
    browser = await launchBrowser();
    amy = await register(server, 'amy');
    await call(server, 'POST', '/communities/living-with-copd/membership', amy);
  });

  after(async () => {
    await browser?.close();
    await stopServer(server);
  });

  it('an admin grants a clinician badge in the console, and it shows beside the name', async () => {
    const admin = await openPage(browser);
    await signInWithForm(admin, server, 'admin');
    await admin.goto(`${server.url}/admin/members`);
    await admin.getByLabel('Find a member by part of their name').fill('amy');
    await admin.getByRole('button', { name: 'Find', exact: true }).click();
    await admin.getByRole('button', { name: 'Badges for Amy' }).click();
    await admin.getByLabel('Badge to grant Amy').selectOption('clinician');
    await admin.getByLabel('Profession, such as Practice nurse').fill('Practice nurse');
    await checkA11y(admin, 'granting a badge');
    await admin.getByRole('button', { name: 'Grant the badge' }).click();
    await admin.getByText('Amy has a new badge.').first().waitFor();
    const card = admin.getByRole('listitem').filter({ hasText: '@amy' });
    await card.getByText('Clinician: Practice nurse').waitFor();

    const posted = await call(server, 'POST', '/communities/living-with-copd/threads', amy, {
      title: 'Ask the nurse',
      body: 'Questions about inhalers welcome.',
    });
    const reader = await openPage(browser);
    await reader.goto(`${server.url}/t/${posted.thread.id}`);
    const post = reader.getByRole('article').first();
    await post.getByText('Clinician: Practice nurse').waitFor();
    await checkA11y(reader, 'a post by a member with a badge');
    await signInWithForm(reader, server, 'admin');
    await reader.goto(`${server.url}/members/amy`);
    await reader.getByText('Clinician: Practice nurse').waitFor();

    await card.getByRole('button', { name: 'Badges for Amy' }).click();
    await card.getByRole('button', { name: 'Remove the Clinician: Practice nurse badge from Amy' }).click();
    await admin.getByText('Amy no longer has the Clinician: Practice nurse badge.').first().waitFor();
    // The status is announced before the card shows the list again: wait for the badge to go.
    await card.getByText('Clinician: Practice nurse').waitFor({ state: 'detached' });
    const log = await call(server, 'GET', '/admin/log', server.admin);
    assert.deepEqual(
      log.entries.filter((entry) => entry.action.startsWith('badge_')).map((entry) => entry.action),
      ['badge_removed', 'badge_granted'],
    );
    for (const page of [admin, reader]) assertCalm(page);
  });
});
