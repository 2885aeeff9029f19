// The main screens at desktop (1280 px) and phone (360 px) widths: each is
// saved as a screenshot under target/screenshots/ for people to look at,
// must fit the window without sideways scrolling, and passes axe-core in
// the light and the dark colour scheme.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  DESKTOP,
  PHONE,
  assertCalm,
  assertFits,
  call,
  checkA11y,
  launchBrowser,
  openPage,
  register,
  screenshot,
  signInWithForm,
  startServer,
  stopServer,
  COMMUNITIES,
} from './harness.mjs';


describe('the main screens', () => {
  let server;
  let browser;
  let threadId;

  before(async () => {
    server = await startServer(COMMUNITIES);
    browser = await launchBrowser();
    // A conversation worth looking at: a deep reply chain, a content warning and reactions.
    const amy = await register(server, 'amy');
    const ben = await register(server, 'ben');
    for (const member of [amy, ben]) await call(server, 'POST', '/communities/living-with-copd/membership', member);
    const page = await call(server, 'POST', '/communities/living-with-copd/threads', amy, {
      title: 'Is pulmonary rehab worth it?',
      body: 'My nurse suggested a course of **pulmonary rehab**. Has anyone tried it? I worry I will be the slowest.',
    });
    threadId = page.thread.id;
    let parent = page.posts[0].id;
    const chain = [
      [ben, 'Yes! Nobody minds your pace. The physio starts where you are.'],
      [amy, 'That helps, thank you. How long did the course last?'],
      [ben, 'Six weeks, twice a week. I was tired after the first few.'],
      [amy, 'Did it help with the breathlessness on stairs?'],
      [ben, 'A lot. I learned to pace myself and to breathe out through pursed lips.'],
      [amy, 'I will ask my nurse about it on Monday.'],
    ];
    for (const [who, body] of chain) parent = (await call(server, 'POST', `/threads/${threadId}/posts`, who, { parent_id: parent, body })).id;
    await call(server, 'POST', `/threads/${threadId}/posts`, ben, {
      parent_id: page.posts[0].id,
      body: 'I went after my wife died; the group gave me a reason to get out of the house.',
      content_warning: { label: 'bereavement', note: null },
    });
    await call(server, 'PUT', `/posts/${page.posts[0].id}/reactions/hug`, ben);
    await call(server, 'PUT', `/posts/${page.posts[0].id}/reactions/me_too`, ben);
    for (let n = 1; n <= 3; n++) {
      await call(server, 'POST', '/communities/living-with-copd/threads', ben, {
        title: `Inhaler technique, part ${n}`,
        body: 'Spacer or not?',
      });
    }
  });

  after(async () => {
    await browser?.close();
    await stopServer(server);
  });

  for (const [size, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ]) {
    it(`shows each screen calmly at ${viewport.width} px`, async () => {
      const visitor = await openPage(browser, { viewport });
      const shots = [
        ['home', '/', 'Communities'],
        ['join', '/join', 'Join Kindred'],
        ['sign-in', '/sign-in', 'Sign in'],
        ['community', '/c/living-with-copd', 'Living with COPD'],
        ['members-only', '/c/walsall-walkers', 'Walsall walkers'],
      ];
      for (const [name, path, heading] of shots) {
        await visitor.goto(`${server.url}${path}`);
        await visitor.getByRole('heading', { level: 1, name: heading }).waitFor();
        await visitor.waitForLoadState('networkidle');
        await assertFits(visitor, `${name} at ${viewport.width} px`);
        await checkA11y(visitor, `${name} at ${viewport.width} px`);
        await screenshot(visitor, `${size}-${name}`);
      }
      assertCalm(visitor);
      await visitor.context().close();

      const member = await openPage(browser, { viewport });
      await signInWithForm(member, server, 'amy');
      await member.goto(`${server.url}/t/${threadId}`);
      await member.getByRole('heading', { level: 1, name: 'Is pulmonary rehab worth it?' }).waitFor();
      await member.getByRole('button', { name: /Content warning: Bereavement/ }).click();
      await member.getByRole('button', { name: 'Reply to Ben' }).nth(1).click();
      await assertFits(member, `the thread at ${viewport.width} px`);
      await checkA11y(member, `the thread at ${viewport.width} px`);
      await screenshot(member, `${size}-thread`);

      await member.goto(`${server.url}/c/living-with-copd/new`);
      await member.getByRole('heading', { level: 1, name: 'Start a thread' }).waitFor();
      await assertFits(member, `the new-thread page at ${viewport.width} px`);
      await screenshot(member, `${size}-new-thread`);
      assertCalm(member);
      await member.context().close();
    });
  }

  it('passes axe-core in the dark colour scheme too', async () => {
    const page = await openPage(browser, { colorScheme: 'dark' });
    await signInWithForm(page, server, 'amy');
    await page.goto(`${server.url}/t/${threadId}`);
    await page.getByRole('heading', { level: 1, name: 'Is pulmonary rehab worth it?' }).waitFor();
    await page.getByRole('button', { name: /Content warning: Bereavement/ }).click();
    await checkA11y(page, 'the thread in the dark scheme');
    await screenshot(page, 'dark-thread');
    await page.goto(`${server.url}/`);
    await page.getByRole('heading', { level: 1, name: 'Communities' }).waitFor();
    await checkA11y(page, 'the front page in the dark scheme');
    assertCalm(page);
  });

  it('holds the thread’s space while it loads, so nothing jumps', async () => {
    const page = await openPage(browser);
    await page.goto(`${server.url}/t/${threadId}`);
    await page.getByRole('heading', { level: 1, name: 'Is pulmonary rehab worth it?' }).waitFor();
    const shift = await page.evaluate(
      () =>
        new Promise((done) => {
          let total = 0;
          new PerformanceObserver((list) => {
            for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
          }).observe({ type: 'layout-shift', buffered: true });
          setTimeout(() => done(total), 300);
        }),
    );
    assert.ok(shift < 0.1, `cumulative layout shift ${shift} should stay under 0.1 (good)`);
    assertCalm(page);
  });
});
