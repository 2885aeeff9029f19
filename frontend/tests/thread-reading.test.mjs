// Reading a long thread: the member's place is kept on the server, so on
// their next visit the first reply they have not read is marked and one
// button takes them there; another jumps to the newest reply, loading the
// pages before it; a link to a post deep in the thread lands on it,
// highlighted, scrolled into view and focused; replies others post while
// the thread is open are announced live ("3 new replies: Show") and shown
// on request. axe finds nothing.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { call, checkA11y, launchBrowser, openPage, register, screenshot, signInWithForm, startServer, stopServer } from './harness.mjs';

const SLUG = 'living-with-copd';
const COMMUNITIES = [{ slug: SLUG, name: 'Living with COPD', kind: 'condition' }];
/** More replies than one page (50) holds. */
const REPLIES = 70;

/** Whether the element is in the viewport and has focus. */
function inViewAndFocused(element) {
  const box = element.getBoundingClientRect();
  return box.top >= 0 && box.top < window.innerHeight && document.activeElement === element;
}

describe('reading a long thread in the browser', () => {
  let server;
  let browser;
  const people = {};
  const thread = { id: 0, first: 0, replies: [] };

  before(async () => {
    server = await startServer(COMMUNITIES);
    browser = await launchBrowser();
    for (const name of ['amy', 'ben']) {
      people[name] = await register(server, name);
      await call(server, 'POST', `/communities/${SLUG}/membership`, people[name]);
    }
    const started = await call(server, 'POST', `/communities/${SLUG}/threads`, people.amy, {
      title: 'A long chat about pacing',
      body: 'How do you pace yourselves on a busy day?',
    });
    thread.id = started.thread.id;
    thread.first = started.posts[0].id;
    for (let n = 1; n <= REPLIES; n++) {
      const reply = await call(server, 'POST', `/threads/${thread.id}/posts`, people.amy, {
        parent_id: thread.first,
        body: `Pacing tip number ${n}.`,
      });
      thread.replies.push(reply.id);
    }
  });

  after(async () => {
    await browser?.close();
    await stopServer(server);
  });

  it('marks the first unread reply on the next visit and jumps to it and to the newest', async () => {
    const ben = await openPage(browser);
    await signInWithForm(ben, server, 'ben');
    await ben.goto(`${server.url}/t/${thread.id}`);
    await ben.getByRole('button', { name: 'Jump to newest' }).waitFor();
    // A first visit marks nothing, and keeps the place at the newest reply.
    assert.equal(await ben.getByText('New since your last visit').count(), 0);
    for (let tries = 0; ; tries++) {
      const place = await call(server, 'GET', `/threads/${thread.id}/reading`, people.ben);
      if (place.last_read_post_id === thread.replies.at(-1)) break;
      assert.ok(tries < 50, 'the place was kept');
      await new Promise((done) => setTimeout(done, 100));
    }

    const fresh = [];
    for (const n of [1, 2, 3]) {
      fresh.push((await call(server, 'POST', `/threads/${thread.id}/posts`, people.amy, {
        parent_id: thread.first,
        body: `Something new, number ${n}.`,
      })).id);
    }
    await ben.reload();
    const firstUnread = ben.getByRole('button', { name: 'First unread (3 new)' });
    await firstUnread.click();
    await ben.getByText('New since your last visit').waitFor();
    const target = ben.locator(`#post-${fresh[0]}`);
    await ben.waitForFunction(inViewAndFocused, await target.elementHandle());
    assert.match(await target.getAttribute('class'), /highlighted/);
    assert.equal(new URL(ben.url()).hash, `#post-${fresh[0]}`);
    const violations = await checkA11y(ben, 'a thread with its first unread reply marked');
    assert.deepEqual(violations, []);
    await screenshot(ben, 'desktop-thread-first-unread');

    await ben.evaluate(() => window.scrollTo(0, 0));
    await ben.getByRole('button', { name: 'Jump to newest' }).click();
    const newest = ben.locator(`#post-${fresh[2]}`);
    await ben.waitForFunction(inViewAndFocused, await newest.elementHandle());
    assert.match(await newest.getAttribute('class'), /highlighted/);
    await ben.context().close();
  });

  it('announces new replies to the open thread live and shows them on request', async () => {
    const ben = await openPage(browser);
    await signInWithForm(ben, server, 'ben');
    await ben.goto(`${server.url}/t/${thread.id}`);
    await ben.getByRole('button', { name: 'Jump to newest' }).waitFor();
    const fresh = [];
    for (const n of [1, 2, 3]) {
      fresh.push((await call(server, 'POST', `/threads/${thread.id}/posts`, people.amy, {
        parent_id: thread.first,
        body: `Live reply number ${n}.`,
      })).id);
    }
    const status = ben.getByRole('status').filter({ hasText: 'new replies' });
    await status.getByText('3 new replies:').waitFor();
    const violations = await checkA11y(ben, 'a thread announcing new replies');
    assert.deepEqual(violations, []);
    await status.getByRole('button', { name: 'Show' }).click();
    const target = ben.locator(`#post-${fresh[0]}`);
    await ben.waitForFunction(inViewAndFocused, await target.elementHandle());
    assert.match(await target.textContent(), /Live reply number 1\./);
    await ben.locator(`#post-${fresh[2]}`).waitFor();
    assert.equal(await ben.getByText('new replies:').count(), 0);
    await ben.context().close();
  });

  it('lands a link to a post beyond the first page on it, highlighted and focused', async () => {
    const visitor = await openPage(browser);
    const deep = thread.replies[60];
    await visitor.goto(`${server.url}/t/${thread.id}#post-${deep}`);
    const target = visitor.locator(`#post-${deep}`);
    await target.waitFor();
    await visitor.waitForFunction(inViewAndFocused, await target.elementHandle());
    assert.match(await target.getAttribute('class'), /highlighted/);
    assert.match(await target.textContent(), /Pacing tip number 61\./);
    // A visitor has no place to keep, so no jumps.
    assert.equal(await visitor.getByRole('button', { name: 'Jump to newest' }).count(), 0);
    const violations = await checkA11y(visitor, 'a thread opened at a linked post');
    assert.deepEqual(violations, []);
    await visitor.context().close();
  });
});
