// Following, the inbox and search in the browser: a member watches a
// thread and hears of a reply live in the header without reloading, reads
// the line in the inbox, follows it to the post and marks everything read;
// muting a thread silences it; a mention in chat opens the room at that
// message; search finds a post by a word and shows a hostile post and
// query as text, never as HTML.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
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
  signInWithForm,
  startServer,
  stopServer,
} from './harness.mjs';

const HOSTILE = '<img src=x onerror=alert(1)>';

describe('following, the inbox and search', () => {
  let server;
  let browser;
  let amy;
  let ben;

  before(async () => {
    server = await startServer([{ slug: 'copd', name: 'Living with COPD', kind: 'condition' }]);
    browser = await launchBrowser();
    amy = await register(server, 'amy');
    ben = await register(server, 'ben');
    for (const member of [amy, ben]) await call(server, 'POST', '/communities/copd/membership', member);
  });

  after(async () => {
    await browser?.close();
    await stopServer(server);
  });

  /** Ben starts a thread and returns it with its first post's id. */
  async function benStarts(title, body) {
    const page = await call(server, 'POST', '/communities/copd/threads', ben, { title, body });
    return { id: page.thread.id, first: page.posts[0].id, title };
  }

  /** Chooses a level in the follow control on the page and waits until it is saved. */
  async function chooseLevel(page, label) {
    await page.locator('summary', { hasText: 'Notifications:' }).click();
    await page.getByRole('radio', { name: label }).check();
    await page.getByRole('status').filter({ hasText: `Saved: ${label.toLowerCase()}.` }).waitFor();
  }

  const inboxLink = (page, name) => page.getByRole('banner').getByRole('link', { name, exact: true });

  it('counts a reply in a watched thread live, lists it in the inbox, links to it, and marks all read', async () => {
    const thread = await benStarts('Cold mornings', 'How do you manage cold mornings?');
    const page = await openPage(browser);
    await signInWithForm(page, server, 'amy');
    await page.goto(`${server.url}/t/${thread.id}`);
    await page.getByRole('heading', { level: 1, name: 'Cold mornings' }).waitFor();
    await inboxLink(page, 'Inbox').waitFor();
    await chooseLevel(page, 'Watching');
    assert.equal((await call(server, 'GET', `/threads/${thread.id}/follow`, amy)).level, 'watching');
    await checkA11y(page, 'a thread with its follow control open');

    // Nothing reloads: a mark left on the window survives the updates.
    await page.evaluate(() => (window.stillHere = true));
    const reply = await call(server, 'POST', `/threads/${thread.id}/posts`, ben, {
      parent_id: thread.first,
      body: 'A scarf over my mouth helps.',
    });
    await inboxLink(page, 'Inbox, 1 unread').waitFor();
    const other = await benStarts('Hello all', 'Has anyone seen @amy lately?');
    await inboxLink(page, 'Inbox, 2 unread').waitFor();
    assert.equal(await page.evaluate(() => window.stillHere), true);

    await inboxLink(page, 'Inbox, 2 unread').click();
    await page.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();
    const lines = page.getByRole('main').getByRole('listitem');
    await lines.nth(1).waitFor();
    assert.equal(await lines.count(), 2);
    assert.match(await lines.nth(0).textContent(), /Ben mentioned you in “Hello all”\./);
    assert.match(await lines.nth(1).textContent(), /A new post in “Cold mornings”\./);
    assert.equal(
      await page.getByRole('link', { name: 'Ben mentioned you in “Hello all”.' }).getAttribute('href'),
      `/t/${other.id}#post-${other.first}`,
    );
    await checkA11y(page, 'the inbox');

    await page.getByRole('link', { name: 'A new post in “Cold mornings”.' }).click();
    await page.getByRole('heading', { level: 1, name: 'Cold mornings' }).waitFor();
    assert.equal(new URL(page.url()).pathname + new URL(page.url()).hash, `/t/${thread.id}#post-${reply.id}`);
    // Opening a line marks it read.
    await inboxLink(page, 'Inbox, 1 unread').waitFor();

    await inboxLink(page, 'Inbox, 1 unread').click();
    await page.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();
    await page.getByRole('button', { name: 'Mark all as read' }).click();
    await inboxLink(page, 'Inbox').waitFor();
    await page.getByRole('status').filter({ hasText: 'All notifications marked as read.' }).waitFor();
    assert.equal(await page.getByRole('main').getByText('New', { exact: true }).count(), 0);
    assert.equal((await call(server, 'GET', '/notifications', amy)).unread_count, 0);
    assert.equal(await page.evaluate(() => window.stillHere), true);
    assertCalm(page);
    await page.context().close();
  });

  it('hears nothing from a muted thread, while other news still arrives live in the open inbox', async () => {
    const thread = await benStarts('Quiet please', 'A thread Amy will mute.');
    // Amy replies, so she would hear of replies to her (and watches the thread, until she mutes it).
    const mine = await call(server, 'POST', `/threads/${thread.id}/posts`, amy, {
      parent_id: thread.first,
      body: 'I will mute this.',
    });
    const page = await openPage(browser);
    await signInWithForm(page, server, 'amy');
    await page.goto(`${server.url}/t/${thread.id}`);
    await page.getByRole('heading', { level: 1, name: 'Quiet please' }).waitFor();
    await page.locator('summary', { hasText: 'Notifications: Watching' }).waitFor();
    await chooseLevel(page, 'Muted');
    assert.equal((await call(server, 'GET', `/threads/${thread.id}/follow`, amy)).level, 'muted');

    await inboxLink(page, 'Inbox').click();
    await page.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();
    await page.waitForLoadState('networkidle');
    const before = (await call(server, 'GET', '/notifications', amy)).notifications.length;

    // The reply is told to its readers before the request returns.
    await call(server, 'POST', `/threads/${thread.id}/posts`, ben, { parent_id: mine.id, body: 'Sorry to bother you.' });
    const inbox = await call(server, 'GET', '/notifications', amy);
    assert.equal(inbox.unread_count, 0);
    assert.equal(inbox.notifications.length, before);

    // A mention elsewhere does arrive, at the top of the open inbox.
    await benStarts('Walk on Sunday', 'Are you coming, @amy?');
    await inboxLink(page, 'Inbox, 1 unread').waitFor();
    const line = page.getByRole('main').getByRole('listitem').first();
    await line.getByRole('link', { name: 'Ben mentioned you in “Walk on Sunday”.' }).waitFor();
    assert.equal(await page.getByRole('main').getByText(/Quiet please/).count(), 0);

    await line.getByRole('button', { name: /^Mark as read/ }).click();
    await inboxLink(page, 'Inbox').waitFor();
    assert.equal((await call(server, 'GET', '/notifications', amy)).unread_count, 0);
    assertCalm(page);
    await page.context().close();
  });

  /** Ben says each of `bodies` in the room over his own websocket, one after another as the server allows. */
  async function benSays(roomId, bodies) {
    const page = await openPage(browser);
    await signInWithForm(page, server, 'ben');
    await page.evaluate(
      async ({ roomId, bodies }) => {
        const socket = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/api/v1/live`);
        await new Promise((opened, failed) => {
          socket.onopen = opened;
          socket.onerror = failed;
        });
        for (const [index, body] of bodies.entries()) {
          const clientId = `ben-${Date.now()}-${index}`;
          const answer = new Promise((answered) => {
            socket.addEventListener('message', function heard(event) {
              const frame = JSON.parse(event.data);
              if (frame.client_id !== clientId || !['ack', 'error'].includes(frame.type)) return;
              socket.removeEventListener('message', heard);
              answered(frame);
            });
          });
          socket.send(JSON.stringify({ type: 'send', room: roomId, body, client_id: clientId }));
          const frame = await answer;
          if (frame.type === 'error') throw new Error(frame.message);
          // Two messages a second is a member's pace.
          await new Promise((wait) => setTimeout(wait, 550));
        }
        socket.close();
      },
      { roomId, bodies },
    );
    await page.context().close();
  }

  it('opens a mention in chat at the message, not at the end of the room', async () => {
    const roomId = (await call(server, 'GET', '/communities/copd/rooms', amy)).find((room) => room.is_default).id;
    const later = Array.from({ length: 14 }, (_, index) => `Later message ${index + 1},\n\nwith a second paragraph.`);
    await benSays(roomId, ['@amy are you at the walk on Sunday?', ...later]);
    const line = (await call(server, 'GET', '/notifications', amy)).notifications.find((news) => news.room);
    assert.ok(line?.message_id, 'a mention in chat names its message');

    const page = await openPage(browser, { viewport: PHONE });
    await signInWithForm(page, server, 'amy');
    await openMenu(page);
    await inboxLink(page, 'Inbox, 1 unread').click();
    await page.getByRole('link', { name: line.summary }).click();
    const mention = page.locator(`#message-${line.message_id}`);
    await mention.and(page.locator('.linked')).waitFor();
    await page.getByRole('log').getByText('Later message 14,').waitFor({ state: 'attached' });
    await page.waitForTimeout(300);
    assert.ok(await mention.isVisible());
    const [box, log] = [await mention.boundingBox(), await page.getByRole('log').boundingBox()];
    assert.ok(box.y >= log.y && box.y + box.height <= log.y + log.height, 'the mention is in view in the log');
    const last = await page.getByRole('log').getByText('Later message 14,').boundingBox();
    assert.ok(last.y > log.y + log.height, 'the log was not scrolled to its end');
    await checkA11y(page, 'a chat room opened at a linked message');
    await screenshot(page, 'phone-chat-linked');

    // A link to a message the room no longer shows says so (loaded afresh: a new hash alone stays on the page).
    await page.goto(`${server.url}/`);
    await page.goto(`${server.url}/c/copd/chat/${roomId}#message-999999`);
    await page.getByText('The message you followed is older than those shown here; search can find it.').waitFor();
    assertCalm(page);
    await page.context().close();
  });

  it('sets how closely a member follows a community', async () => {
    const page = await openPage(browser);
    await signInWithForm(page, server, 'amy');
    await page.goto(`${server.url}/c/copd`);
    await page.getByRole('heading', { level: 1, name: 'Living with COPD' }).waitFor();
    await page.locator('summary', { hasText: 'Notifications: Normal' }).waitFor();
    await chooseLevel(page, 'Watching');
    assert.equal((await call(server, 'GET', '/communities/copd/follow', amy)).level, 'watching');
    await page.reload();
    await page.locator('summary', { hasText: 'Notifications: Watching' }).waitFor();
    await checkA11y(page, 'a community page with its follow control');
    assertCalm(page);
    await page.context().close();
  });

  it('finds a post by a word and shows a hostile post and query as text', async () => {
    const thread = await benStarts('Nebuliser cleaning', 'How often do you clean it?');
    await call(server, 'POST', `/threads/${thread.id}/posts`, ben, {
      parent_id: thread.first,
      body: `${HOSTILE} I rinse my nebuliser every evening.`,
    });
    const page = await openPage(browser, { viewport: PHONE });
    await signInWithForm(page, server, 'amy');
    await openMenu(page);
    await page.getByRole('banner').getByRole('searchbox', { name: 'Search' }).fill('rinse');
    await page.getByRole('banner').getByRole('searchbox', { name: 'Search' }).press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Search results for “rinse”' }).waitFor();
    const hit = page.getByRole('main').getByRole('listitem').first();
    await hit.waitFor();
    assert.equal(await page.getByRole('main').getByRole('listitem').count(), 1);
    assert.match(await hit.textContent(), /<img src=x onerror=alert\(1\)> I rinse my nebuliser every evening\./);
    assert.equal(await hit.locator('mark').textContent(), 'rinse');
    assert.equal(await page.getByRole('main').locator('img, script').count(), 0);
    await assertFits(page, 'the search page at 360 px');
    assert.deepEqual(await checkA11y(page, 'the search page'), [], 'no violation of any impact on the search page');
    assert.equal(await page.getByRole('search', { name: 'Search for' }).count(), 1, 'its landmark is told apart from the header');

    // The hit links to the post in its thread.
    await hit.getByRole('link', { name: 'Post by Ben' }).click();
    await page.getByRole('heading', { level: 1, name: 'Nebuliser cleaning' }).waitFor();
    assert.equal(new URL(page.url()).pathname, `/t/${thread.id}`);

    // A hostile query is text in the heading and the boxes, and still finds the post (every word is in it).
    await page.goto(`${server.url}/search?q=${encodeURIComponent(`nebuliser ${HOSTILE}`)}`);
    await page.getByRole('heading', { level: 1, name: `Search results for “nebuliser ${HOSTILE}”` }).waitFor();
    await page.getByRole('main').getByRole('listitem').first().waitFor();
    assert.equal(await page.getByRole('searchbox', { name: 'Search for' }).inputValue(), `nebuliser ${HOSTILE}`);
    assert.equal(await page.locator('main img, main script').count(), 0);
    const marked = await page.getByRole('main').locator('mark').allTextContents();
    assert.ok(marked.includes('nebuliser') && marked.includes('img'), `marked: ${marked}`);
    await page.waitForTimeout(300);
    await screenshot(page, 'phone-search');
    assertCalm(page);
    await page.context().close();
  });
});
