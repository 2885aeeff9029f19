// Moderation in context: a community's moderator deletes a chat message and
// mutes its author from the chat screen itself (both logged, the room told
// live, the muted member refused with the reason), and an admin suspends a
// member from a moderation item, where a community moderator is offered a
// ban from the community but no suspension. Screens are checked with axe.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
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

const SLUG = 'living-with-copd';
const COMMUNITIES = [{ slug: SLUG, name: 'Living with COPD', kind: 'condition' }];

describe('moderation in context in the browser', () => {
  let server;
  let browser;
  const people = {};

  before(async () => {
    server = await startServer(COMMUNITIES);
    browser = await launchBrowser();
    for (const name of ['amy', 'ben', 'moe']) {
      people[name] = await register(server, name);
      await call(server, 'POST', `/communities/${SLUG}/membership`, people[name]);
    }
    await call(server, 'PUT', `/communities/${SLUG}/moderators/moe`, server.admin);
  });

  after(async () => {
    await browser?.close();
    await stopServer(server);
  });

  it('lets a moderator delete a chat message and mute its author from the chat screen', async () => {
    const ben = await openPage(browser);
    const moe = await openPage(browser);
    await signInWithForm(ben, server, 'ben');
    await signInWithForm(moe, server, 'moe');
    await ben.goto(`${server.url}/c/${SLUG}/chat`);
    await moe.goto(`${server.url}/c/${SLUG}/chat`);
    const box = ben.getByRole('textbox', { name: /^Message/ });
    await box.fill('Buy my miracle pills, only £99!');
    await box.press('Enter');
    await box.fill('Seriously, buy them.');
    await box.press('Enter');
    const log = moe.getByRole('log');
    await log.getByText('Seriously, buy them.').waitFor();
    // A member sees no moderator's tools.
    assert.equal(await ben.getByRole('button', { name: /^Delete/ }).count(), 0);

    // Found by its id, as its text goes once deleted.
    const advertId = await log.getByRole('listitem').filter({ hasText: 'Buy my miracle pills' }).getAttribute('id');
    const advert = moe.locator(`#${advertId}`);
    await advert.getByRole('button', { name: 'Delete the message from Ben' }).click();
    // Both screens show the deletion, live.
    await advert.getByText('This message was deleted.').waitFor();
    await ben.locator(`#${advertId}`).getByText('This message was deleted.').waitFor();

    const again = log.getByRole('listitem').filter({ hasText: 'Seriously, buy them.' });
    await again.getByRole('button', { name: 'Mute Ben in this room' }).click();
    const minutes = again.getByLabel('Mute Ben in this room for');
    assert.ok(await minutes.evaluate((element) => element === document.activeElement), 'the duration has focus');
    await minutes.selectOption({ label: '1 day' });
    await again.getByLabel('Reason Ben sees (optional)').fill('No selling in the chat, please.');
    await checkA11y(moe, 'the chat with a mute form open');
    await screenshot(moe, 'desktop-chat-moderation');
    await again.getByRole('button', { name: 'Mute Ben' }).click();
    await again.getByRole('status').getByText('Ben is muted in this room for 1 day.').waitFor();

    const logged = await call(server, 'GET', '/me/moderation', people.ben);
    assert.deepEqual(logged.entries.slice(0, 2).map((entry) => entry.action), ['mute', 'remove']);
    assert.equal(logged.entries[0].reason, 'No selling in the chat, please.');

    // Ben's next message is refused with the moderator's reason.
    await box.fill('Why can’t I sell?');
    await box.press('Enter');
    const refusal = ben.getByRole('list', { name: 'Your messages not yet delivered' }).getByRole('alert');
    await refusal.waitFor();
    assert.match(await refusal.textContent(), /muted you in this room/);
    await ben.context().close();
    await moe.context().close();
  });

  it('offers a suspension on a moderation item to an admin, and only a community ban to a moderator', async () => {
    const started = await call(server, 'POST', `/communities/${SLUG}/threads`, people.amy, {
      title: 'Walking in the cold',
      body: 'Does the cold make your breathing worse too?',
    });
    const rude = await call(server, 'POST', `/threads/${started.thread.id}/posts`, people.ben, {
      parent_id: started.posts[0].id,
      body: 'Stop whining about the weather.',
    });
    await call(server, 'POST', '/reports', people.amy, { post_id: rude.id, reason: 'harassment' });
    const queue = await call(server, 'GET', '/moderation/queue', server.admin);
    const item = queue.items.find((each) => each.subject_id === rude.id);

    const moe = await openPage(browser);
    await signInWithForm(moe, server, 'moe');
    await moe.goto(`${server.url}/moderation/items/${item.id}`);
    const towards = moe.getByRole('group', { name: 'Act on @ben' });
    await towards.getByRole('button', { name: `Ban @ben from ${SLUG}` }).waitFor();
    assert.equal(await towards.getByRole('button', { name: 'Suspend @ben' }).count(), 0);
    await moe.context().close();

    const admin = await openPage(browser);
    await signInWithForm(admin, server, 'admin');
    await admin.goto(`${server.url}/moderation/items/${item.id}`);
    const act = admin.getByRole('group', { name: 'Act on @ben' });
    await act.getByRole('button', { name: 'Suspend @ben' }).waitFor();
    await act.getByRole('button', { name: 'Ban @ben from the instance' }).waitFor();
    await admin.getByLabel('Mute or suspend for').selectOption({ label: '1 week' });
    await act.getByLabel('Reason (the member sees it)').fill('Unkind replies, again.');
    await checkA11y(admin, 'a moderation item offering a suspension');
    await act.getByRole('button', { name: 'Suspend @ben' }).click();
    await admin.getByRole('status').getByText('Suspended, with your reason logged.').waitFor();

    const logged = await call(server, 'GET', '/me/moderation', people.ben);
    assert.equal(logged.entries[0].action, 'suspend');
    assert.equal(logged.entries[0].reason, 'Unkind replies, again.');
    await admin.context().close();
  });
});
