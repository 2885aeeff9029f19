// Live chat in the browser: two members in two browsers talk in the same
// room and see each other arrive and type, Enter and Shift+Enter, a draft
// that survives a reload, a refused message shown with the server's reason
// and sent again, a held message that appears once approved, and a server
// restart the chat rides out without losing or repeating a message. The
// chat screen passes axe-core and is saved as a screenshot at desktop and
// phone widths.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  PHONE,
  assertCalm,
  assertFits,
  call,
  checkA11y,
  launchBrowser,
  openPage,
  register,
  restartServer,
  screenshot,
  signInWithForm,
  startServer,
  stopServer,
} from './harness.mjs';

const SLUG = 'living-with-copd';
const COMMUNITIES = [{ slug: SLUG, name: 'Living with COPD', kind: 'condition' }];

/** The texts of a page's chat messages, in the order shown (with the line breaks that were sent). */
async function shown(page) {
  const texts = await page.getByRole('log').locator('li .prose').allTextContents();
  return texts.map((text) => text.trim());
}

describe('chat in the browser', () => {
  let server;
  let browser;
  let amy;
  let ben;
  let roomId;

  before(async () => {
    server = await startServer(COMMUNITIES);
    browser = await launchBrowser();
    for (const name of ['amy', 'ben']) {
      await call(server, 'POST', `/communities/${SLUG}/membership`, await register(server, name));
    }
    roomId = (await call(server, 'GET', `/communities/${SLUG}/rooms`, server.admin)).find((room) => room.is_default).id;
    amy = await openPage(browser);
    ben = await openPage(browser);
    await signInWithForm(amy, server, 'amy');
    await signInWithForm(ben, server, 'ben');
  });

  after(async () => {
    await browser?.close();
    await stopServer(server);
  });

  it('carries a message typed by one member to the other, live, and shows who is here and typing', async () => {
    await amy.goto(`${server.url}/c/${SLUG}`);
    await amy.getByRole('link', { name: 'Chat with the community' }).click();
    await amy.getByRole('heading', { level: 1, name: 'Chat: Living with COPD' }).waitFor();
    await ben.goto(`${server.url}/c/${SLUG}/chat`);
    await ben.getByRole('heading', { level: 1, name: 'Chat: Living with COPD' }).waitFor();
    for (const page of [amy, ben]) {
      const here = page.getByRole('list', { name: 'Here now' });
      await here.getByText('Amy', { exact: true }).waitFor();
      await here.getByText('Ben', { exact: true }).waitFor();
    }

    const box = amy.getByRole('textbox', { name: /^Message/ });
    await box.pressSequentially('Morning all, anyone for a **walk**?');
    await ben.getByText('Amy is typing…').waitFor();
    await box.press('Enter');
    await ben.getByRole('log').getByText('Morning all, anyone for a walk?').waitFor();
    assert.equal(await ben.getByRole('log').locator('strong').innerText(), 'walk');
    await amy.getByRole('log').getByText('Morning all, anyone for a walk?').waitFor();
    await amy.getByText('Sending…').waitFor({ state: 'detached' });
    assert.equal(await box.inputValue(), '');
    await ben.getByText('Amy is typing…').waitFor({ state: 'detached' });

    // Shift+Enter starts a new line; Enter sends.
    const benBox = ben.getByRole('textbox', { name: /^Message/ });
    await benBox.pressSequentially('Yes please.');
    await benBox.press('Shift+Enter');
    await benBox.pressSequentially('Ten o’clock?');
    assert.equal(await benBox.inputValue(), 'Yes please.\nTen o’clock?');
    await benBox.press('Enter');
    await amy.getByRole('log').getByText('Ten o’clock?').waitFor();
    assert.deepEqual(await shown(amy), ['Morning all, anyone for a walk?', 'Yes please.\nTen o’clock?']);
    assert.deepEqual(await shown(ben), await shown(amy));

    await checkA11y(amy, 'the chat screen');
    await assertFits(amy, 'the chat screen at 1280 px');
    await screenshot(amy, 'desktop-chat');
    await ben.setViewportSize(PHONE);
    await assertFits(ben, 'the chat screen at 360 px');
    await checkA11y(ben, 'the chat screen at 360 px');
    await screenshot(ben, 'phone-chat');
    assertCalm(amy);
    assertCalm(ben);
  });

  it('keeps unsent text as a draft across a reload', async () => {
    const box = ben.getByRole('textbox', { name: /^Message/ });
    await box.fill('Half a thought');
    await ben.reload();
    await ben.getByRole('heading', { level: 1, name: 'Chat: Living with COPD' }).waitFor();
    assert.equal(await ben.getByRole('textbox', { name: /^Message/ }).inputValue(), 'Half a thought');
    await ben.getByRole('textbox', { name: /^Message/ }).fill('');
    assertCalm(ben);
  });

  it('shows the server’s refusal next to the message and sends it again, once, on request', async () => {
    await call(server, 'PUT', `/rooms/${roomId}/mutes/ben`, server.admin, { minutes: 5 });
    await ben.getByRole('textbox', { name: /^Message/ }).fill('Is anyone there?');
    await ben.getByRole('textbox', { name: /^Message/ }).press('Enter');
    const waiting = ben.getByRole('list', { name: 'Your messages not yet delivered' });
    await waiting.getByRole('alert').waitFor();
    assert.match(await waiting.getByRole('alert').innerText(), /mute/i);
    assert.equal(await waiting.getByText('Is anyone there?').count(), 1);

    await call(server, 'DELETE', `/rooms/${roomId}/mutes/ben`, server.admin);
    await waiting.getByRole('button', { name: 'Try sending again' }).click();
    await amy.getByRole('log').getByText('Is anyone there?').waitFor();
    await waiting.waitFor({ state: 'detached' });
    const history = await call(server, 'GET', `/rooms/${roomId}/messages`, server.admin);
    assert.equal(history.filter((message) => message.body_html.includes('Is anyone there?')).length, 1);
    assertCalm(amy);
    assertCalm(ben);
  });

  it('shows a held message to everyone once a moderator approves it', async () => {
    const hold = { community: SLUG, term: 'crypto', action: 'hold' };
    await call(server, 'POST', '/moderation/filters', server.admin, hold);
    const box = ben.getByRole('textbox', { name: /^Message/ });
    await box.fill('Is crypto worth a look?');
    await box.press('Enter');
    await ben.getByText('Waiting for a moderator.').waitFor();
    const queue = await call(server, 'GET', '/moderation/queue', server.admin);
    const held = queue.items.find((item) => item.subject === 'message' && item.held);
    assert.ok(held, 'the held message is in the queue');
    assert.equal(await amy.getByRole('log').getByText('Is crypto worth a look?').count(), 0);

    await call(server, 'POST', '/moderation/actions', server.admin, { action: 'approve', message_id: held.subject_id });
    await amy.getByRole('log').getByText('Is crypto worth a look?').waitFor();
    await ben.getByRole('log').getByText('Is crypto worth a look?').waitFor();
    await ben.getByText('Waiting for a moderator.').waitFor({ state: 'detached' });
    assertCalm(amy);
    assertCalm(ben);
  });

  it('says it is reconnecting when the server goes away, then delivers what was sent meanwhile', async () => {
    const before = await shown(ben);
    await restartServer(server, async () => {
      await amy.getByRole('status').getByText(/^Reconnecting…/).waitFor();
      const box = amy.getByRole('textbox', { name: /^Message/ });
      await box.fill('Sent while the server was away');
      await box.press('Enter');
      await amy.getByText('Sending…').waitFor();
    });
    await ben.getByRole('log').getByText('Sent while the server was away').waitFor({ timeout: 20_000 });
    await amy.getByRole('log').getByText('Sent while the server was away').waitFor();
    await amy.getByRole('status').getByText(/^Reconnecting…/).waitFor({ state: 'detached' });
    assert.deepEqual(await shown(ben), [...before, 'Sent while the server was away']);
    assert.deepEqual(await shown(amy), await shown(ben));
    // The browser logs each refused connection attempt; nothing else may go wrong.
    for (const page of [amy, ben]) {
      page.problems = page.problems.filter((problem) => !/WebSocket connection to .* failed/.test(problem));
      assertCalm(page);
    }
  });
});
