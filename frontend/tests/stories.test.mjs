// Stories in the browser: a member shares a thread as a story and chooses,
// in plain words, who can read it; a signed-out visitor finds it on the
// members-only community's Stories section and page and reads the story
// without its replies; its author narrows it, and the visitor can no longer
// open it. axe finds no violation of any impact on these screens.

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
  openPage,
  register,
  signInWithForm,
  startServer,
  stopServer,
} from './harness.mjs';

const SLUG = 'walsall-walkers';
const TITLE = 'The year I learned to walk again';

async function noViolations(page, what) {
  assert.deepEqual(await checkA11y(page, what), [], `axe on ${what}`);
}

describe('stories in the browser', () => {
  let server;
  let browser;
  const people = {};

  before(async () => {
    server = await startServer(COMMUNITIES);
    browser = await launchBrowser();
    for (const name of ['amy', 'ben']) {
      people[name] = await register(server, name);
      await call(server, 'POST', `/communities/${SLUG}/membership`, people[name]);
    }
  });

  after(async () => {
    await browser?.close();
    await stopServer(server);
  });

  it('shares a story, shows it to visitors without its replies, and narrows it at once', async () => {
    const amy = await openPage(browser);
    await signInWithForm(amy, server, 'amy');
    await amy.goto(`${server.url}/c/${SLUG}/new`);
    await amy.getByRole('heading', { name: 'Start a thread' }).waitFor();
    await amy.getByLabel('Title').fill(TITLE);
    await amy.getByLabel('Your first post').fill('After my operation I could barely reach the **gate**.');
    await amy.getByLabel('Share as a story').check();
    const choice = amy.getByRole('group', { name: 'Who can read your story?' });
    await choice.waitFor();
    assert.ok(await choice.getByLabel('This community').isChecked(), 'the narrowest reach to begin with');
    await choice.getByLabel('The public web').check();
    await noViolations(amy, 'the sharing choice');
    await amy.getByRole('button', { name: 'Start thread' }).click();
    await amy.getByRole('heading', { name: TITLE }).waitFor();
    await amy.getByText('Shared with: The public web').waitFor();
    await noViolations(amy, "the story's page for its author");
    const storyPath = new URL(amy.url()).pathname;
    const threadId = Number(storyPath.split('/').pop());
    await call(server, 'POST', `/threads/${threadId}/posts`, people.ben, { body: 'Ben says well done' });

    const visitor = await openPage(browser, { viewport: PHONE });
    await visitor.goto(`${server.url}/c/${SLUG}`);
    const section = visitor.getByRole('region', { name: 'Stories' });
    await section.getByRole('link', { name: TITLE }).waitFor();
    await noViolations(visitor, "the community page's stories");
    await section.getByRole('link', { name: 'All stories' }).click();
    await visitor.getByRole('heading', { name: 'Stories in Walsall walkers' }).waitFor();
    await visitor.getByText('Shared with: The public web').waitFor();
    await noViolations(visitor, 'the Stories page');
    await assertFits(visitor, 'the Stories page');
    await visitor.getByRole('link', { name: TITLE }).click();
    await visitor.getByRole('heading', { name: TITLE }).waitFor();
    await visitor.getByText('barely reach the gate').waitFor();
    await visitor.getByText('Replies to this story are for the community’s members').waitFor();
    assert.equal(await visitor.getByText('Ben says well done').count(), 0, 'no reply travels with the story');
    assert.equal(await visitor.getByRole('button', { name: 'Change who can read it' }).count(), 0);
    await noViolations(visitor, 'a story read signed out');
    await assertFits(visitor, 'a story read signed out');
    assertCalm(visitor);

    await amy.getByRole('button', { name: 'Change who can read it' }).click();
    const narrowing = amy.getByRole('group', { name: 'Who can read your story?' });
    await narrowing.getByLabel('This community').check();
    await noViolations(amy, 'narrowing a story');
    await amy.getByRole('button', { name: 'Save who can read it' }).click();
    await amy.getByText('Shared with: This community').waitFor();
    await amy.reload();
    await amy.getByText('Ben says well done').waitFor();
    assertCalm(amy);

    await visitor.reload();
    await visitor.getByRole('heading', { name: 'Thread not found' }).waitFor();
    await visitor.goto(`${server.url}/c/${SLUG}/stories`);
    await visitor.getByText('No stories you can read yet.').waitFor();
  });
});
