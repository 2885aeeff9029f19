// A member's whole journey in the browser: signing up, joining, starting a
// thread, replying two levels deep, reacting, a draft that survives a
// reload, editing and deleting, what a visitor may not see, asking to join,
// and paging through long lists. Every screen on the way is checked with
// axe-core.

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
  signInWithForm,
  startServer,
  stopServer,
  COMMUNITIES,
} from './harness.mjs';


describe('a member in the browser', () => {
  let server;
  let browser;
  let page;
  /** The thread Amy starts, and the ids of its posts. */
  const thread = { id: 0, first: 0, level1: 0, level2: 0 };

  before(async () => {
    server = await startServer(COMMUNITIES);
    browser = await launchBrowser();
    page = await openPage(browser);
  });

  after(async () => {
    await browser?.close();
    await stopServer(server);
  });

  it('signs up after accepting the guidelines and the health-data consent, each with its own box', async () => {
    await page.goto(`${server.url}/join`);
    await page.getByRole('heading', { level: 1, name: 'Join Kindred' }).waitFor();
    await checkA11y(page, 'the sign-up page');
    await page.getByLabel('Username').fill('amy');
    await page.getByLabel('Display name').fill('Amy W');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByLabel('I have read the community guidelines').check();
    await page.getByRole('button', { name: 'Join', exact: true }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.textContent(), /agree to how your health information is used/);

    await page.getByLabel('I give my explicit consent').check();
    await page.getByRole('button', { name: 'Join', exact: true }).click();
    await page.getByText('Signed in as').waitFor();
    assert.equal(new URL(page.url()).pathname, '/');
    assert.equal(await page.getByRole('banner').getByText('Amy W').count(), 1);
    await checkA11y(page, 'the front page, signed in');
    assertCalm(page);
  });

  it('sees each community kind and place, joins one, and starts a thread', async () => {
    const copd = page.getByRole('article').filter({ hasText: 'Living with COPD' });
    assert.equal(await copd.getByText('Condition', { exact: true }).count(), 1);
    const walkers = page.getByRole('article').filter({ hasText: 'Walsall walkers' });
    assert.equal(await walkers.getByText('Place: Walsall, West Midlands').count(), 1);
    assert.equal(await walkers.getByText('Members only').count(), 1);

    await copd.getByRole('button', { name: 'Join Living with COPD' }).click();
    await copd.getByText('You are a member.').waitFor();
    await copd.getByRole('link', { name: 'Living with COPD' }).click();
    await page.getByRole('heading', { level: 1, name: 'Living with COPD' }).waitFor();
    await page.getByText('No conversations yet.').waitFor();
    await checkA11y(page, 'a community page');

    await page.getByRole('link', { name: 'Start a thread' }).click();
    await page.getByRole('heading', { level: 1, name: 'Start a thread' }).waitFor();
    await checkA11y(page, 'the new-thread page');
    await page.getByLabel('Title').fill('Is pulmonary rehab worth it?');
    await page.getByLabel('Your first post').fill('My nurse suggested it. **Has anyone** tried it?');
    await page.getByRole('button', { name: 'Preview' }).click();
    assert.equal(await page.getByRole('region', { name: 'Preview' }).locator('strong').textContent(), 'Has anyone');
    await page.getByRole('button', { name: 'Start thread' }).click();
    await page.getByRole('heading', { level: 1, name: 'Is pulmonary rehab worth it?' }).waitFor();
    thread.id = Number(new URL(page.url()).pathname.split('/')[2]);
    const opened = await call(server, 'GET', `/threads/${thread.id}`);
    thread.first = opened.posts[0].id;
    assert.equal(await page.locator(`#post-${thread.first} .prose strong`).textContent(), 'Has anyone');
    await checkA11y(page, 'a thread page');
    assertCalm(page);
  });

  it('replies two levels deep, in place, and the tree nests and collapses', async () => {
    const first = page.locator(`#post-${thread.first}`);
    await first.getByRole('button', { name: 'Reply to Amy W' }).click();
    await first.getByLabel('Your reply to Amy W').fill('Answering my own question: the first session was gentle.');
    await first.getByRole('button', { name: 'Post reply' }).click();
    const level1 = page.locator(`#replies-${thread.first} > li > article`).first();
    await level1.getByText('the first session was gentle').waitFor();
    thread.level1 = Number((await level1.getAttribute('id')).replace('post-', ''));

    await level1.getByRole('button', { name: 'Reply to Amy W' }).click();
    await level1.getByLabel('Your reply to Amy W').fill('And my dad passed away last year, so it was hard to go alone.');
    await level1.getByText('Content warning', { exact: true }).click();
    await level1.getByLabel('Warn readers about').selectOption({ label: 'Bereavement and grief' });
    await level1.getByLabel('A few words of your own').fill('my dad');
    await level1.getByRole('button', { name: 'Post reply' }).click();
    const level2 = page.locator(`#replies-${thread.first} #replies-${thread.level1} > li > article`);
    await level2.waitFor();
    thread.level2 = Number((await level2.getAttribute('id')).replace('post-', ''));

    // A content warning keeps the post closed until the reader opens it.
    const gate = level2.getByRole('button', { name: /Content warning: Bereavement and grief \(my dad\)/ });
    assert.equal(await gate.getAttribute('aria-expanded'), 'false');
    assert.equal(await level2.getByText('hard to go alone').count(), 0);
    await gate.click();
    assert.equal(await gate.getAttribute('aria-expanded'), 'true');
    await level2.getByText('hard to go alone').waitFor();

    // Branches collapse and open again.
    const toggle = page.getByRole('button', { name: 'Hide 2 replies' });
    await toggle.click();
    assert.equal(await page.getByRole('button', { name: 'Show 2 replies' }).getAttribute('aria-expanded'), 'false');
    assert.equal(await level1.isVisible(), false);
    await page.getByRole('button', { name: 'Show 2 replies' }).click();
    assert.equal(await level1.isVisible(), true);

    const tree = await call(server, 'GET', `/threads/${thread.id}`);
    assert.deepEqual(
      tree.posts.map(({ id, depth }) => [id, depth]),
      [
        [thread.first, 0],
        [thread.level1, 1],
        [thread.level2, 2],
      ],
    );
    await checkA11y(page, 'a thread with nested replies and an opened content warning');
    assertCalm(page);
  });

  it('reacts, sees the counts and whether it reacted, and takes a reaction back', async () => {
    const ben = await register(server, 'ben');
    await call(server, 'POST', '/communities/living-with-copd/membership', ben);
    await call(server, 'PUT', `/posts/${thread.first}/reactions/hug`, ben);
    await page.reload();
    const first = page.locator(`#post-${thread.first}`);
    // One compact control: the counts as text, and one button that opens the choices.
    const given = first.getByRole('list', { name: 'Reactions given' });
    assert.equal((await given.textContent()).replace(/\s+/g, ' ').trim(), 'Hug 1');
    const react = first.getByRole('button', { name: 'React to this post' });
    assert.equal(await react.getAttribute('aria-expanded'), 'false');
    assert.equal(await first.getByRole('button', { name: 'Hug' }).count(), 0, 'no pills until asked');
    await react.click();
    const hug = first.getByRole('group', { name: 'Reactions' }).getByRole('button', { name: 'Hug' });
    assert.equal(await hug.getAttribute('aria-pressed'), 'false');
    await hug.click();
    // The choice closes the control and gives focus back to it.
    await given.getByText('Hug 2').waitFor();
    assert.equal(await react.getAttribute('aria-expanded'), 'false');
    assert.ok(await react.evaluate((element) => element === document.activeElement), 'focus is back on React');
    await react.click();
    await first.getByRole('group', { name: 'Reactions' }).locator('button[aria-pressed="true"]', { hasText: 'Hug' }).waitFor();
    await first.getByRole('button', { name: 'Me too' }).click();
    await given.getByText('Me too 1').waitFor();

    await react.click();
    await first.getByRole('button', { name: 'Hug' }).click();
    await given.getByText('Hug 1').waitFor();
    const reactions = (await call(server, 'GET', `/threads/${thread.id}`, ben)).posts[0].reactions;
    assert.deepEqual(reactions, [
      { kind: 'hug', count: 1, mine: true },
      { kind: 'me_too', count: 1, mine: false },
    ]);
    assertCalm(page);
  });

  it('keeps an unsent reply through a reload and forgets it once it is posted', async () => {
    const level1 = page.locator(`#post-${thread.level1}`);
    await level1.getByRole('button', { name: 'Reply to Amy W' }).click();
    const text = 'Half-written when the signal dropped, and still here.';
    await level1.getByLabel('Your reply to Amy W').fill(text);
    await page.reload();
    const box = page.locator(`#post-${thread.level1}`).getByLabel('Your reply to Amy W');
    await box.waitFor();
    assert.equal(await box.inputValue(), text);

    await page.locator(`#post-${thread.level1}`).getByRole('button', { name: 'Post reply' }).click();
    await page.locator(`#replies-${thread.level1}`).getByText('Half-written when the signal dropped').waitFor();
    const kept = await page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('kindred:draft:')));
    assert.deepEqual(kept, []);
    await page.reload();
    await page.locator(`#post-${thread.level1}`).waitFor();
    assert.equal(await page.getByLabel('Your reply to Amy W').count(), 0);
    assertCalm(page);
  });

  it('edits and deletes its own post, leaving a placeholder that keeps the replies', async () => {
    const level1 = page.locator(`#post-${thread.level1}`);
    await level1.getByRole('button', { name: 'Edit' }).click();
    const box = level1.getByLabel('Edit your post');
    assert.equal(await box.inputValue(), 'Answering my own question: the first session was gentle.');
    await box.fill('Answering my own question: the first session was gentle, and the second was fun.');
    await level1.getByRole('button', { name: 'Save changes' }).click();
    await level1.getByText('the second was fun').waitFor();
    await level1.getByText('(edited)').waitFor();

    await level1.getByRole('button', { name: 'Delete' }).click();
    await checkA11y(page, 'a thread asking to confirm a deletion');
    await level1.getByRole('button', { name: 'Delete post' }).click();
    await level1.getByText('This post was deleted.').waitFor();
    await page.reload();
    await page.locator(`#post-${thread.level1}`).getByText('This post was deleted.').waitFor();
    assert.equal(await page.getByText('the second was fun').count(), 0);
    await page.locator(`#post-${thread.level2}`).waitFor();
    await checkA11y(page, 'a thread with a deleted post');
    assertCalm(page);
  });

  it('works from the keyboard: skip link, content warnings and reactions', async () => {
    await page.reload();
    await page.locator(`#post-${thread.first}`).waitFor();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to content');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'main');

    const gate = page.locator(`#post-${thread.level2}`).getByRole('button', { name: /Content warning/ });
    await gate.focus();
    await page.keyboard.press('Enter');
    assert.equal(await gate.getAttribute('aria-expanded'), 'true');
    await page.locator(`#post-${thread.level2}`).getByRole('button', { name: 'React to this post' }).focus();
    await page.keyboard.press('Enter');
    const strength = page.locator(`#post-${thread.level2}`).getByRole('button', { name: /^Sending strength/ });
    await strength.focus();
    await page.keyboard.press('Space');
    await page.locator(`#post-${thread.level2}`).getByRole('list', { name: 'Reactions given' }).getByText(/Sending strength/).waitFor();
    assertCalm(page);
  });

  it('hides a members-only community’s threads from a visitor', async () => {
    const started = await call(server, 'POST', '/communities/walsall-walkers/threads', server.admin, {
      title: 'Sunday walk by the canal',
      body: 'Meet at the lock at ten.',
    });
    const visitor = await openPage(browser);
    await visitor.goto(`${server.url}/c/walsall-walkers`);
    await visitor.getByText('Only members can read this community’s conversations.').waitFor();
    assert.equal(await visitor.getByText('Sunday walk by the canal').count(), 0);
    assert.equal(await visitor.getByText('Place: Walsall, West Midlands').count(), 1);
    await checkA11y(visitor, 'a members-only community, seen by a visitor');

    await visitor.goto(`${server.url}/t/${started.thread.id}`);
    await visitor.getByRole('heading', { level: 1, name: 'Thread not found' }).waitFor();
    assert.equal(await visitor.getByText('Meet at the lock').count(), 0);
    await checkA11y(visitor, 'a hidden thread, seen by a visitor');
    assertCalm(visitor);
    await visitor.context().close();

    // Once Amy joins, she reads it.
    await page.goto(`${server.url}/c/walsall-walkers`);
    await page.getByRole('button', { name: 'Join Walsall walkers' }).click();
    await page.getByRole('link', { name: 'Sunday walk by the canal' }).waitFor();
    assertCalm(page);
  });

  it('asks to join an approval-only community and withdraws the request', async () => {
    await page.goto(`${server.url}/c/young-carers`);
    await page.getByRole('button', { name: 'Ask to join Young carers' }).click();
    await page.getByText('Your request to join is waiting for a moderator.').waitFor();
    assert.equal(await page.getByText('Only members can read this community’s conversations.').count(), 1);
    await page.getByRole('button', { name: 'Withdraw request' }).click();
    await page.getByRole('button', { name: 'Ask to join Young carers' }).waitFor();
    assertCalm(page);
  });

  it('pages through a busy community and a long thread with “Load more”', async () => {
    const ben = await register(server, 'busy_ben');
    await call(server, 'POST', '/communities/living-with-copd/membership', ben);
    let last;
    for (let n = 1; n <= 52; n++) {
      last = await call(server, 'POST', '/communities/living-with-copd/threads', ben, {
        title: `Daily check-in ${n}`,
        body: 'How is everyone today?',
      });
    }
    const first = last.posts[0].id;
    for (let n = 1; n <= 55; n++) {
      await call(server, 'POST', `/threads/${last.thread.id}/posts`, ben, { parent_id: first, body: `Reply number ${n}` });
    }

    await page.goto(`${server.url}/c/living-with-copd`);
    await page.getByRole('link', { name: 'Daily check-in 52' }).waitFor();
    const threads = page.getByRole('list').filter({ hasText: 'Daily check-in' }).getByRole('listitem');
    assert.equal(await threads.count(), 50);
    await page.getByRole('button', { name: 'Load more conversations' }).click();
    await page.getByRole('link', { name: 'Is pulmonary rehab worth it?' }).waitFor();
    assert.equal(await threads.count(), 53);
    assert.equal(await page.getByRole('button', { name: 'Load more conversations' }).count(), 0);

    await page.getByRole('link', { name: 'Daily check-in 52' }).click();
    await page.getByText('Reply number 49', { exact: true }).waitFor();
    assert.equal(await page.getByText('Reply number 50', { exact: true }).count(), 0);
    await page.getByRole('button', { name: 'Load more replies' }).click();
    await page.getByText('Reply number 55', { exact: true }).waitFor();
    assert.equal(await page.locator('article.post').count(), 56);
    assert.equal(await page.getByRole('button', { name: 'Load more replies' }).count(), 0);
    assertCalm(page);
  });

  it('signs out, is told when a password is wrong, and signs back in', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('banner').getByRole('link', { name: 'Sign in' }).waitFor();
    await page.goto(`${server.url}/sign-in`);
    await checkA11y(page, 'the sign-in page');
    await page.getByLabel('Username').fill('amy');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const summary = page.getByRole('alert').filter({ hasText: 'There is a problem' });
    await summary.waitFor();
    assert.equal(await summary.getByRole('link').textContent(), "That username and password don't match an account.");
    await signInWithForm(page, server, 'amy');
    assertCalm(page);
  });
});
