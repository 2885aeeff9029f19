// The welcome after sign-up: the first page after joining greets the new
// member by the instance's name, suggests public communities to join (one
// is joined from it), and prompts for a recovery email; put away, it is not
// shown again. axe finds no violation of any impact on it, at 360 px too.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  COMMUNITIES,
  PASSWORD,
  PHONE,
  assertCalm,
  assertFits,
  checkA11y,
  launchBrowser,
  openPage,
  screenshot,
  startServer,
  stopServer,
} from './harness.mjs';

describe('the welcome after sign-up', () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer(COMMUNITIES);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await stopServer(server);
  });

  it('welcomes a new member, who joins a suggested community and puts the welcome away', async () => {
    const page = await openPage(browser, { viewport: PHONE });
    await page.goto(`${server.url}/join`);
    await page.getByLabel('Username').fill('nia');
    await page.getByLabel('Display name').fill('Nia');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByLabel('I have read the community guidelines').check();
    await page.getByLabel('I give my explicit consent').check();
    await page.getByRole('button', { name: 'Join', exact: true }).click();

    const welcome = page.getByRole('region', { name: 'Welcome to Kindred, Nia' });
    await welcome.waitFor();
    assert.equal(new URL(page.url()).pathname, '/');
    // Only the public community is suggested: the others need membership or approval to read.
    const suggested = welcome.getByRole('list').getByRole('link');
    assert.deepEqual(await suggested.allTextContents(), ['Living with COPD']);
    const email = welcome.getByRole('link', { name: 'Add an email address' });
    assert.equal(await email.getAttribute('href'), '/account#email');
    assert.deepEqual(await checkA11y(page, 'the welcome'), [], 'no violation of any impact on the welcome');
    await assertFits(page, 'the welcome');
    await screenshot(page, 'phone-welcome');

    await welcome.getByRole('button', { name: 'Join Living with COPD' }).click();
    await welcome.getByText('You are a member.').waitFor();
    const copd = page.getByRole('article').filter({ hasText: 'Living with COPD' });
    await copd.getByText('You are a member.').waitFor();

    await welcome.getByRole('button', { name: 'Close this welcome' }).click();
    await welcome.waitFor({ state: 'detached' });
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Communities' }).waitFor();
    await page.getByText('Living with COPD').first().waitFor();
    assert.equal(await page.getByRole('region', { name: /^Welcome to/ }).count(), 0, 'not shown again');
    assertCalm(page);
  });
});
