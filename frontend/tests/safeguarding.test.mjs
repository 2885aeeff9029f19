// Safeguarding in the browser: a member whose reply suggests a crisis is
// told on the same screen that a trained person was alerted, with helplines
// to call or text by tapping; the community's safeguarding lead sees the
// alert arrive live on whatever page they are on, opens the item and works
// it to a supportive outcome. Every screen is checked with axe-core.

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
  screenshot,
  signInWithForm,
  startServer,
  stopServer,
} from './harness.mjs';

describe('safeguarding in the browser', () => {
  let server;
  let browser;
  const people = {};
  const thread = { id: 0, first: 0 };

  before(async () => {
    server = await startServer(COMMUNITIES, { KINDRED_HELPLINES_LOCALE: 'en-GB' });
    browser = await launchBrowser();
    for (const name of ['amy', 'ben', 'lee']) {
      people[name] = await register(server, name);
    }
    for (const name of ['amy', 'ben']) {
      await call(server, 'POST', '/communities/living-with-copd/membership', people[name]);
    }
    await call(server, 'PUT', '/admin/communities/living-with-copd/safeguarding-leads/lee', server.admin);
    const started = await call(server, 'POST', '/communities/living-with-copd/threads', people.amy, {
      title: 'Evenings',
      body: 'How are the evenings treating everyone?',
    });
    thread.id = started.thread.id;
    thread.first = started.posts[0].id;
  });

  after(async () => {
    await browser?.close();
    await stopServer(server);
  });

  it('tells the author a person was alerted, with tel: and sms: links, and the lead works the item live', async () => {
    const lead = await openPage(browser);
    await signInWithForm(lead, server, 'lee');
    await lead.goto(`${server.url}/`);
    await lead.getByRole('banner').getByRole('link', { name: 'Moderation' }).waitFor();

    const ben = await openPage(browser);
    await signInWithForm(ben, server, 'ben');
    await ben.goto(`${server.url}/t/${thread.id}`);
    const first = ben.locator(`#post-${thread.first}`);
    await first.getByRole('button', { name: 'Reply to Amy' }).click();
    await first.getByLabel('Your reply to Amy').fill('I can’t go on any more, I want to end it all tonight.');
    await first.getByRole('button', { name: 'Post reply' }).click();

    const panel = ben.getByRole('region', { name: 'You don’t have to face this alone' });
    await panel.waitFor();
    await panel.getByText('A trained person has been alerted.').waitFor();
    await panel.getByText(/safeguarding lead has been told/).waitFor();
    const call116 = panel.getByRole('link', { name: '116 123' });
    assert.equal(await call116.getAttribute('href'), 'tel:116123');
    const shout = panel.getByRole('link', { name: 'Text SHOUT to 85258' });
    assert.equal(await shout.getAttribute('href'), 'sms:85258?body=SHOUT');
    await checkA11y(ben, 'a crisis reply with a person alerted');
    await screenshot(ben, 'desktop-crisis-alerted');

    // The lead, on another page, is alerted live and opens the item.
    const alert = lead.getByRole('alert').filter({ hasText: 'An urgent safeguarding item is waiting' });
    await alert.waitFor();
    assert.doesNotMatch(await alert.textContent(), /end it all|ben/i, 'the alert names no member and no text');
    await checkA11y(lead, 'a safeguarding alert');
    await screenshot(lead, 'desktop-safeguarding-alert');
    await alert.getByRole('link', { name: 'Open the urgent item' }).click();
    await lead.getByRole('heading', { level: 1, name: 'Urgent: Post by @ben' }).waitFor();
    const decide = lead.getByRole('group', { name: 'Decide this item' });
    assert.equal(await decide.getByRole('button', { name: 'Dismiss' }).count(), 0);
    assert.equal(await lead.getByRole('button', { name: 'Warn @ben' }).count(), 0);
    await checkA11y(lead, 'an urgent item with supportive outcomes');
    const itemUrl = lead.url();

    // The lead talks with Ben privately; Ben hears of it live and answers.
    await lead.getByRole('button', { name: 'Talk with @ben privately' }).click();
    await lead.getByRole('heading', { level: 1, name: 'A private conversation' }).waitFor();
    await lead.getByLabel('Your message').fill('Hi Ben, I’m Lee from the safeguarding team. Are you safe right now?');
    await lead.getByRole('button', { name: 'Send' }).click();
    await lead.getByText('Are you safe right now?').waitFor();
    await checkA11y(lead, 'a private support conversation');
    await ben.getByRole('banner').getByRole('link', { name: /Inbox, 1 unread/ }).click();
    await ben.getByRole('link', { name: /wrote in your private support conversation/ }).click();
    await ben.getByText('Only you and the safeguarding team can see this conversation.').waitFor();
    await ben.getByText('Are you safe right now?').waitFor();
    await ben.getByLabel('Your message').fill('Yes. My sister is coming over.');
    await ben.getByRole('button', { name: 'Send' }).click();
    await lead.getByText('My sister is coming over.').waitFor();
    await screenshot(ben, 'desktop-support-conversation');
    // The case is done for now: the lead closes it; Ben can still write.
    await lead.getByRole('button', { name: 'Close the conversation' }).click();
    await lead.getByText(/The safeguarding team closed this conversation/).waitFor();
    await ben.reload();
    await ben.getByText(/your message opens it again/).waitFor();
    await checkA11y(ben, 'a closed support conversation');

    await lead.goto(itemUrl);
    await decide.getByLabel('Reason (the member sees it)').fill('Called Ben; he is with his sister tonight.');
    await decide.getByRole('button', { name: 'Reached out' }).click();
    await lead.getByRole('status').filter({ hasText: 'Reached out, with your reason logged.' }).waitFor();
    await lead.getByRole('status').filter({ hasText: 'This item is dealt with.' }).waitFor();
    const log = await call(server, 'GET', '/moderation/log', server.admin);
    assert.equal(log.entries[0].action, 'reached_out');
    assert.equal(log.entries[0].actor, 'lee');
    assertCalm(lead);
    assertCalm(ben);
    await lead.context().close();
    await ben.context().close();
  });
});
