// Safety in the browser: helplines shown at once to a member whose reply
// suggests a crisis, a blocked word refused with the draft kept, a
// moderator hiding a post (the member sees a placeholder, the author the
// reason and an appeal), the urgent-first queue and an item resolved from
// its own screen, appeals decided by another moderator, the log and word
// filters. Every screen is checked with axe-core.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  COMMUNITIES,
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

describe('safety and moderation in the browser', () => {
  let server;
  let browser;
  /** Tokens, and the thread everyone talks in. */
  const people = {};
  const thread = { id: 0, first: 0, advert: 0 };

  before(async () => {
    server = await startServer(COMMUNITIES);
    browser = await launchBrowser();
    for (const name of ['amy', 'ben', 'moe']) {
      people[name] = await register(server, name);
      await call(server, 'POST', '/communities/living-with-copd/membership', people[name]);
    }
    await call(server, 'PUT', '/communities/living-with-copd/moderators/moe', server.admin);
    const started = await call(server, 'POST', '/communities/living-with-copd/threads', people.amy, {
      title: 'Bad days with breathlessness',
      body: 'Some days the stairs feel like a mountain. How do you all cope?',
    });
    thread.id = started.thread.id;
    thread.first = started.posts[0].id;
    const advert = await call(server, 'POST', `/threads/${thread.id}/posts`, people.ben, {
      parent_id: thread.first,
      body: 'Buy my miracle breathing pills, only £99 a bottle!',
    });
    thread.advert = advert.id;
  });

  after(async () => {
    await browser?.close();
    await stopServer(server);
  });

  it('shows a member the helplines at once when their reply suggests a crisis', async () => {
    const page = await openPage(browser);
    await signInWithForm(page, server, 'amy');
    await page.goto(`${server.url}/t/${thread.id}`);
    const first = page.locator(`#post-${thread.first}`);
    await first.getByRole('button', { name: 'Reply to Amy' }).click();
    await first.getByLabel('Your reply to Amy').fill('Honestly I want to die. I can’t keep doing this.');
    await first.getByRole('button', { name: 'Post reply' }).click();

    const panel = page.getByRole('region', { name: 'You don’t have to face this alone' });
    await panel.waitFor();
    await page.waitForFunction(() => document.activeElement?.classList.contains('support'));
    const instance = await call(server, 'GET', '/instance');
    for (const line of instance.support.helplines) {
      await panel.getByRole('heading', { name: line.name }).first().waitFor();
      await panel.getByText(line.hours).first().waitFor();
    }
    assert.ok(instance.support.helplines.length > 0);
    assert.equal(await panel.getByRole('link', { name: /findahelpline\.com/ }).count() > 0, true);
    // The reply itself was posted.
    await page.getByText('Honestly I want to die').waitFor();
    await checkA11y(page, 'a thread with helplines shown');
    await screenshot(page, 'desktop-helplines');

    // The same list stays one click away.
    await page.getByRole('banner').getByRole('link', { name: 'Get help' }).click();
    await page.getByRole('heading', { level: 1, name: 'Get help' }).waitFor();
    await panel.getByRole('button', { name: 'Close' }).click();
    assert.equal(await panel.count(), 0);
    await page.getByRole('main').getByRole('heading', { name: instance.support.helplines[0].name }).first().waitFor();
    await checkA11y(page, 'the Get help page');
    assertCalm(page);
    await page.context().close();
  });

  it('refuses a blocked word with the server’s message and keeps the draft', async () => {
    const page = await openPage(browser);
    await signInWithForm(page, server, 'amy');
    await page.goto(`${server.url}/t/${thread.id}`);
    const first = page.locator(`#post-${thread.first}`);
    await first.getByRole('button', { name: 'Reply to Amy' }).click();
    const box = first.getByLabel('Your reply to Amy');
    await box.fill('Ben, kys');
    await first.getByRole('button', { name: 'Post reply' }).click();
    const alert = first.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.textContent(), /Telling anyone to harm themselves is never OK here/);
    assert.equal(await box.inputValue(), 'Ben, kys');
    assertCalm(page);
    await page.context().close();
  });

  it('lets a moderator hide a post: members see a placeholder, the author the reason and an appeal', async () => {
    const mo = await openPage(browser);
    await signInWithForm(mo, server, 'moe');
    await mo.getByRole('banner').getByRole('link', { name: 'Moderation' }).waitFor();
    await mo.goto(`${server.url}/t/${thread.id}`);
    const advert = mo.locator(`#post-${thread.advert}`);
    await advert.getByRole('button', { name: 'More for the post by Ben' }).click();
    await advert.getByRole('button', { name: 'Moderate' }).click();
    await advert.getByLabel('Reason (the member sees it)').fill('Selling things is not allowed here.');
    await checkA11y(mo, 'a thread with the moderation form open');
    await advert.getByRole('button', { name: 'Hide', exact: true }).click();
    await advert.getByText('Hidden by a moderator: “Selling things is not allowed here.”').waitFor();
    // The moderator still reads it, to restore it if need be.
    await advert.getByText('miracle breathing pills').waitFor();
    assertCalm(mo);
    await mo.context().close();

    const amy = await openPage(browser);
    await signInWithForm(amy, server, 'amy');
    await amy.goto(`${server.url}/t/${thread.id}`);
    const placeholder = amy.locator(`#post-${thread.advert}`);
    await placeholder.getByText('This post was hidden by a moderator.').waitFor();
    assert.equal(await amy.getByText('miracle breathing pills').count(), 0);
    assert.equal(await placeholder.getByText('Selling things').count(), 0);
    await checkA11y(amy, 'a thread with a hidden post, seen by a member');
    assertCalm(amy);
    await amy.context().close();

    const ben = await openPage(browser);
    await signInWithForm(ben, server, 'ben');
    await ben.goto(`${server.url}/t/${thread.id}`);
    const own = ben.locator(`#post-${thread.advert}`);
    await own.getByText('Hidden by a moderator: “Selling things is not allowed here.”').waitFor();
    await own.getByRole('link', { name: 'your account' }).click();
    await ben.getByRole('heading', { level: 1, name: 'Your account' }).waitFor();
    const done = ben.locator('#moderation');
    await done.getByText('Reason: “Selling things is not allowed here.”').waitFor();
    await done.getByRole('button', { name: /^Appeal/ }).click();
    await done.getByLabel('Why should a moderator look at this again?').fill('It was a joke between friends, sorry.');
    await done.getByRole('button', { name: 'Send appeal' }).click();
    await done.getByText('waiting for a moderator').waitFor();
    await checkA11y(ben, 'the account page with an appeal');
    assertCalm(ben);
    await ben.context().close();
  });

  it('puts the urgent item first in the queue, and an action from the item screen resolves it', async () => {
    // A plain report, so the urgent item has something to come before.
    const other = await call(server, 'POST', `/threads/${thread.id}/posts`, people.ben, {
      parent_id: thread.first,
      body: 'Stairs are overrated anyway.',
    });
    await call(server, 'POST', '/reports', people.amy, { post_id: other.id, reason: 'other', details: 'Unkind?' });

    const mo = await openPage(browser);
    await signInWithForm(mo, server, 'moe');
    await mo.getByRole('banner').getByRole('link', { name: 'Moderation' }).click();
    await mo.getByRole('heading', { level: 1, name: 'Moderation queue' }).waitFor();
    const items = mo.getByRole('main').getByRole('listitem').filter({ has: mo.getByRole('heading', { level: 2 }) });
    await items.first().waitFor();
    assert.ok((await items.count()) >= 2, 'the queue holds the urgent item and the report');
    await items.first().getByText('Urgent: safeguarding').waitFor();
    assert.match(await items.first().textContent(), /I want to die/);
    assert.equal(await items.nth(1).getByText('Urgent: safeguarding').count(), 0);
    await checkA11y(mo, 'the moderation queue');
    await screenshot(mo, 'desktop-moderation-queue');

    await items.first().getByRole('link').click();
    await mo.getByRole('heading', { level: 1, name: 'Urgent: Post by @amy' }).waitFor();
    await mo.getByRole('button', { name: 'Claim this item' }).click();
    await mo.getByText('You’ve claimed this item').waitFor();
    await checkA11y(mo, 'a moderation item');
    await screenshot(mo, 'desktop-moderation-item');
    const decide = mo.getByRole('group', { name: 'Decide this item' });
    await decide.getByLabel('Reason (the member sees it)').fill('The safeguarding lead has reached out to Amy.');
    // An urgent item offers supportive outcomes, not dismissal or warnings.
    assert.equal(await decide.getByRole('button', { name: 'Dismiss' }).count(), 0);
    assert.equal(await mo.getByRole('button', { name: 'Warn @amy' }).count(), 0);
    await decide.getByRole('button', { name: 'Reached out' }).click();
    await mo.getByRole('status').filter({ hasText: 'This item is dealt with.' }).waitFor();

    await mo.getByRole('link', { name: 'Back to the queue' }).first().click();
    await mo.getByRole('heading', { level: 1, name: 'Moderation queue' }).waitFor();
    await items.first().waitFor();
    assert.equal(await mo.getByText('Urgent: safeguarding').count(), 0);
    assert.match(await items.first().textContent(), /Stairs are overrated/);
    assertCalm(mo);
    await mo.context().close();
  });

  it('lets another moderator overturn the appeal, and the log shows it with a way to reverse', async () => {
    const admin = await openPage(browser);
    await signInWithForm(admin, server, 'admin');
    await admin.goto(`${server.url}/moderation/appeals`);
    await admin.getByRole('heading', { level: 1, name: 'Appeals' }).waitFor();
    const appeal = admin.getByRole('listitem').filter({ hasText: 'Appeal from @ben' });
    await appeal.getByText('It was a joke between friends, sorry.').waitFor();
    await checkA11y(admin, 'the appeals screen');
    await appeal.getByLabel('Your reason (the member is told it)').fill('Fair enough: restored, but please don’t advertise.');
    await appeal.getByRole('button', { name: 'Overturn: reverse the action' }).click();
    await admin.getByText('Overturned: the action on @ben is reversed.').waitFor();

    const reader = await call(server, 'GET', `/threads/${thread.id}`, people.amy);
    const restored = reader.posts.find((post) => post.id === thread.advert);
    assert.equal(restored.deleted ?? false, false, 'restored: not a placeholder (the flag is left out when false)');
    assert.equal(restored.moderation, undefined);

    await admin.getByRole('navigation', { name: 'Moderation' }).getByRole('link', { name: 'Log' }).click();
    await admin.getByRole('heading', { level: 1, name: 'Moderation log' }).waitFor();
    await admin.getByText('Fair enough: restored').waitFor();
    await admin.getByText('Selling things is not allowed here.').waitFor();
    assert.equal(await admin.getByRole('link', { name: 'Download the log (JSON)' }).getAttribute('href'), '/api/v1/moderation/log/export');
    await checkA11y(admin, 'the moderation log');
    assertCalm(admin);
    await admin.context().close();
  });

  it('adds and deletes a word filter, which then holds a post', async () => {
    const mo = await openPage(browser);
    await signInWithForm(mo, server, 'moe');
    await mo.goto(`${server.url}/moderation/filters`);
    await mo.getByRole('heading', { level: 1, name: 'Word filters' }).waitFor();
    await mo.getByLabel('Word or phrase').fill('snake oil');
    await mo.getByRole('radio', { name: /Hold:/ }).check();
    await mo.getByRole('button', { name: 'Add filter' }).click();
    await mo.getByRole('cell', { name: 'snake oil', exact: true }).waitFor();
    await checkA11y(mo, 'the word filters');

    // Ben's post with the term is held: he sees it waiting, Amy doesn't see it.
    const held = await call(server, 'POST', `/threads/${thread.id}/posts`, people.ben, {
      parent_id: thread.first,
      body: 'My uncle swears by snake oil.',
    });
    assert.equal(held.moderation.state, 'held');
    const ben = await openPage(browser);
    await signInWithForm(ben, server, 'ben');
    await ben.goto(`${server.url}/t/${thread.id}`);
    await ben.locator(`#post-${held.id}`).getByText('Waiting for a moderator.').waitFor();
    assertCalm(ben);
    await ben.context().close();

    await mo.getByRole('button', { name: 'Delete the filter for “snake oil”' }).click();
    await mo.getByText('No filters added here yet.').waitFor();
    assertCalm(mo);
    await mo.context().close();
  });

  it('reads calmly on a 360 px phone: the queue, the Get help page', async () => {
    const mo = await openPage(browser, { viewport: PHONE });
    await signInWithForm(mo, server, 'moe');
    for (const [name, path, heading] of [
      ['moderation-queue', '/moderation', 'Moderation queue'],
      ['moderation-log', '/moderation/log', 'Moderation log'],
      ['help', '/help', 'Get help'],
    ]) {
      await mo.goto(`${server.url}${path}`);
      await mo.getByRole('heading', { level: 1, name: heading }).waitFor();
      await mo.waitForLoadState('networkidle');
      await assertFits(mo, `${name} at 360 px`);
      await checkA11y(mo, `${name} at 360 px`);
      await screenshot(mo, `phone-${name}`);
    }
    await openMenu(mo);
    await mo.getByRole('link', { name: 'Moderation', exact: true }).click();
    await mo.getByRole('heading', { level: 1, name: 'Moderation queue' }).waitFor();
    await mo.getByRole('main').getByRole('heading', { level: 2 }).getByRole('link').first().click();
    await mo.getByRole('heading', { level: 1, name: /Post by @ben/ }).waitFor();
    await mo.getByRole('heading', { level: 2, name: /^Reports/ }).waitFor();
    await assertFits(mo, 'a moderation item at 360 px');
    await screenshot(mo, 'phone-moderation-item');
    assertCalm(mo);
    await mo.context().close();
  });
});
