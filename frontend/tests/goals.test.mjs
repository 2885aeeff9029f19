// Goals in the browser: an organiser sets one from the community page
// (every form error at once), a member pledges, logs a contribution (with
// the form's errors), sees the figure and the chart rise and undoes their
// own entry, and another member sees the total but never the entries. axe
// finds no violation of any impact on these screens.

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
  screenshot,
  signInWithForm,
  startServer,
  stopServer,
} from './harness.mjs';

const SLUG = 'living-with-copd';

async function noViolations(page, what) {
  assert.deepEqual(await checkA11y(page, what), [], `axe on ${what}`);
}

describe('goals in the browser', () => {
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

  it('lets an organiser set a goal, with every wrong field listed at once', async () => {
    const admin = await openPage(browser);
    await signInWithForm(admin, server, 'admin');
    await admin.goto(`${server.url}/c/${SLUG}`);
    await admin.getByRole('region', { name: 'Goals' }).getByRole('link', { name: 'Set a goal' }).click();
    await admin.getByRole('heading', { name: 'Set a goal' }).waitFor();
    await admin.getByRole('button', { name: 'Set the goal' }).click();
    const summary = admin.getByRole('alert').filter({ hasText: 'There is a problem' });
    await summary.waitFor();
    assert.ok(await summary.evaluate((element) => element === document.activeElement), 'the summary has focus');
    assert.equal(await summary.getByRole('link').count(), 3, 'what, unit and target at once');
    assert.equal(await admin.getByLabel('What the community sets out to do').getAttribute('aria-invalid'), 'true');
    await noViolations(admin, 'the goal form with errors');

    await admin.getByLabel('What the community sets out to do').fill('A thousand walks by spring');
    await admin.getByLabel('What is counted').fill('walks');
    await admin.getByLabel('Target').fill('1000');
    await admin.getByRole('button', { name: 'Set the goal' }).click();
    await admin.getByRole('heading', { name: 'A thousand walks by spring' }).waitFor();
    await admin.locator('#goal-figure', { hasText: /\b0 of 1,000 walks/ }).waitFor();
    await admin.getByRole('link', { name: 'Edit this goal' }).waitFor();
    await noViolations(admin, 'a new goal, for its organiser');
    assertCalm(admin);
  });

  it('lets a member pledge, log and undo, and keeps each member’s entries their own', async () => {
    const { goals } = await call(server, 'GET', `/communities/${SLUG}/goals`);
    const goal = goals[0];
    const amy = await openPage(browser, { viewport: PHONE });
    await signInWithForm(amy, server, 'amy');
    await amy.goto(`${server.url}/c/${SLUG}`);
    await amy.getByRole('region', { name: 'Goals' }).getByRole('link', { name: goal.title }).click();
    await amy.getByRole('heading', { name: goal.title }).waitFor();
    await amy.getByRole('button', { name: 'Pledge to this goal' }).click();
    await amy.getByText(/You will hear when it reaches each quarter/).waitFor();

    await amy.getByRole('button', { name: 'Log it' }).click();
    const summary = amy.getByRole('alert').filter({ hasText: 'There is a problem' });
    await summary.waitFor();
    assert.equal(await amy.getByLabel('How many walks to add').getAttribute('aria-invalid'), 'true');
    await amy.getByLabel('How many walks to add').fill('20000');
    await amy.getByRole('button', { name: 'Log it' }).click();
    await summary.getByText('Log a whole number from 1 to 10000.').waitFor();
    await noViolations(amy, 'the log form with an error, at 360 px');

    await amy.getByLabel('How many walks to add').fill('12');
    await amy.getByRole('button', { name: 'Log it' }).click();
    await amy.locator('#goal-figure', { hasText: /\b12 of 1,000 walks/ }).waitFor();
    const mine = amy.getByRole('region', { name: 'Your entries' });
    await mine.getByText('Your total: 12 walks.').waitFor();
    const chart = amy.getByRole('img', { name: 'Progress over time' });
    await chart.waitFor();
    assert.match(await amy.locator('figcaption').innerText(), /12 of 1,000 walks so far/);
    await assertFits(amy, 'a goal at 360 px');
    await noViolations(amy, 'a goal with an entry, at 360 px');
    await screenshot(amy, 'phone-goal');

    const ben = await openPage(browser);
    await signInWithForm(ben, server, 'ben');
    await ben.goto(`${server.url}/goals/${goal.id}`);
    await ben.locator('#goal-figure', { hasText: /\b12 of 1,000 walks/ }).waitFor();
    assert.equal(await ben.getByRole('region', { name: 'Your entries' }).count(), 0, 'not Amy’s entries');
    await ben.getByRole('button', { name: 'Pledge to this goal' }).waitFor();
    await noViolations(ben, 'a goal, for another member');
    assertCalm(ben);

    await mine.getByRole('button', { name: 'Undo 12 walks' }).click();
    await amy.locator('#goal-figure', { hasText: /\b0 of 1,000 walks/ }).waitFor();
    assert.equal(await amy.getByRole('region', { name: 'Your entries' }).count(), 0);
    assertCalm(amy);
  });
});
