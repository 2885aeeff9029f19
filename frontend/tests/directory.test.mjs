// The directory and the community finder in the browser: searching by
// words, category and distance from a place (nearest first, with the
// distance), an entry's page with its contacts and a map link that is only
// a link (a page load asks nothing of another site), a member's suggestion
// that others see only once a reviewer approves it, the saved list, a
// community page's local support, and the finder's filters. axe finds no
// violation of any impact on these screens.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  COMMUNITIES,
  PHONE,
  assertCalm,
  assertFits,
  assertNoViolations,
  call,
  launchBrowser,
  openPage,
  register,
  screenshot,
  signInWithForm,
  startServer,
  stopServer,
} from './harness.mjs';

/** Every request the page makes to an origin other than the server's. */
function elsewhere(page, server) {
  const requests = [];
  page.on('request', (request) => {
    if (new URL(request.url()).origin !== server.url) requests.push(request.url());
  });
  return requests;
}

const PLACES = [
  { slug: 'leith-shed', name: 'Leith men’s shed', place: { name: 'Leith', region: 'Edinburgh', latitude: 55.975, longitude: -3.17 } },
  { slug: 'brum-walkers', name: 'Birmingham walkers', place: { name: 'Birmingham', region: 'West Midlands', latitude: 52.48, longitude: -1.9 } },
];

describe('the directory and the community finder in the browser', () => {
  let server;
  let browser;
  const people = {};

  before(async () => {
    server = await startServer(COMMUNITIES);
    browser = await launchBrowser();
    for (const { slug, name, place } of PLACES) {
      await call(server, 'POST', '/communities', server.admin, { slug, name, kind: 'place', place, visibility: 'public' });
    }
    for (const name of ['amy', 'ben']) people[name] = await register(server, name);
    await call(server, 'POST', '/directory', server.admin, {
      name: 'Breathe easy Walsall',
      organisation: 'Asthma + Lung UK',
      description: 'A friendly **singing for lung health** group.',
      audience: 'Adults with a lung condition, and their carers',
      referral: ['self_referral', 'gp'],
      cost: 'Free',
      address: 'Walsall Town Hall, Lichfield Street',
      latitude: 52.586,
      longitude: -1.982,
      phone: '01922 650000',
      email: 'hello@breathe.example.org',
      website: 'https://breathe.example.org',
      opening_times: 'Tuesdays 10:00 to 12:00',
      accessibility: 'Step-free access',
      categories: ['breathing', 'singing'],
    });
    await call(server, 'POST', '/directory', server.admin, {
      name: 'Leith seated exercise',
      address: 'Leith Community Centre',
      latitude: 55.97,
      longitude: -3.17,
      categories: ['exercise'],
    });
    await call(server, 'POST', '/directory', server.admin, {
      community: 'brum-walkers',
      name: 'Cannon Hill park walks',
      area_served: 'South Birmingham',
      categories: ['walking'],
    });
  });

  after(async () => {
    await browser?.close();
    await stopServer(server);
  });

  it('loads the directory and an entry without asking any other site for anything', async () => {
    const visitor = await openPage(browser);
    const requests = elsewhere(visitor, server);
    await visitor.goto(`${server.url}/directory`);
    await visitor.getByRole('link', { name: 'Breathe easy Walsall' }).click();
    await visitor.getByRole('heading', { name: 'Breathe easy Walsall' }).waitFor();
    const map = visitor.getByRole('link', { name: /See it on OpenStreetMap/ });
    assert.match(await map.getAttribute('href'), /^https:\/\/www\.openstreetmap\.org\//);
    await visitor.waitForLoadState('networkidle');
    assert.deepEqual(requests, [], 'no request to another origin');
    assertCalm(visitor);
  });

  it('searches by words, category and distance from a place, nearest first with the distance', async () => {
    const visitor = await openPage(browser);
    await visitor.goto(`${server.url}/directory`);
    const results = visitor.getByRole('region', { name: 'Results' });
    await results.getByRole('link', { name: 'Leith seated exercise' }).waitFor();
    await visitor.getByLabel('One of our community places').selectOption('Birmingham, West Midlands');
    assert.equal(await visitor.getByLabel('Latitude').inputValue(), '52.48');
    await visitor.getByRole('button', { name: 'Search the directory' }).click();
    await results.getByText(/^\d+(\.\d)? km away$/).first().waitFor();
    const names = await results.getByRole('listitem').getByRole('heading').allTextContents();
    assert.deepEqual(names, ['Breathe easy Walsall', 'Leith seated exercise', 'Cannon Hill park walks'], 'nearest first, no place last');
    await assertNoViolations(visitor, 'directory results with distances');

    await visitor.getByLabel('Within (km)').fill('50');
    await visitor.getByRole('button', { name: 'Search the directory' }).click();
    await results.getByRole('link', { name: 'Leith seated exercise' }).waitFor({ state: 'detached' });
    assert.deepEqual(await results.getByRole('listitem').getByRole('heading').allTextContents(), ['Breathe easy Walsall']);

    await visitor.getByRole('button', { name: 'Clear the place' }).click();
    await visitor.getByLabel('Category').fill('exercise');
    await visitor.getByRole('button', { name: 'Search the directory' }).click();
    await results.getByRole('link', { name: 'Breathe easy Walsall' }).waitFor({ state: 'detached' });
    assert.deepEqual(await results.getByRole('listitem').getByRole('heading').allTextContents(), ['Leith seated exercise']);
    await visitor.getByLabel('Category').fill('');
    await visitor.getByLabel('Words').fill('singing');
    await visitor.getByRole('button', { name: 'Search the directory' }).click();
    await results.getByRole('link', { name: 'Breathe easy Walsall' }).waitFor();
    assert.equal(await results.getByRole('listitem').getByRole('heading').count(), 1);
    assertCalm(visitor);
  });

  it('shows an entry’s address, distance, contacts, opening times, referral, cost and last check', async () => {
    const amy = await openPage(browser, { viewport: PHONE });
    await signInWithForm(amy, server, 'amy');
    await amy.goto(`${server.url}/directory`);
    await amy.getByLabel('Latitude').fill('52.48');
    await amy.getByLabel('Longitude').fill('-1.9');
    await amy.getByRole('button', { name: 'Search the directory' }).click();
    await amy.getByText(/km away/).first().waitFor();
    await amy.getByRole('link', { name: 'Breathe easy Walsall' }).click();
    await amy.getByRole('heading', { name: 'Breathe easy Walsall' }).waitFor();
    await amy.getByText(/^\d+(\.\d)? km away$/).waitFor();
    assert.equal(await amy.getByRole('link', { name: '01922 650000' }).getAttribute('href'), 'tel:01922650000');
    assert.equal(await amy.getByRole('link', { name: 'hello@breathe.example.org' }).getAttribute('href'), 'mailto:hello@breathe.example.org');
    await amy.getByRole('link', { name: 'https://breathe.example.org' }).waitFor();
    await amy.getByText('Tuesdays 10:00 to 12:00').waitFor();
    await amy.getByText('Through your GP').waitFor();
    await amy.getByText('Free', { exact: true }).waitFor();
    assert.equal(await amy.locator('.prose strong').textContent(), 'singing for lung health');
    await amy.getByRole('button', { name: 'Save to my list' }).click();
    await amy.getByRole('button', { name: 'Saved to your list' }).waitFor();
    await assertFits(amy, 'a directory entry at 360 px');
    await assertNoViolations(amy, 'a directory entry at 360 px');
    await screenshot(amy, 'phone-directory-entry');
    await amy.goto(`${server.url}/directory/saved`);
    await amy.getByRole('link', { name: 'Breathe easy Walsall' }).waitFor();
    await assertNoViolations(amy, 'the saved list');
    assertCalm(amy);
  });

  it('keeps a member’s suggestion from others until a reviewer approves it', async () => {
    const amy = await openPage(browser);
    await signInWithForm(amy, server, 'amy');
    await amy.goto(`${server.url}/directory`);
    await amy.getByRole('link', { name: 'Suggest an entry' }).click();
    await amy.getByRole('heading', { name: 'Suggest an entry' }).waitFor();
    await assertNoViolations(amy, 'the suggestion form');
    await amy.getByRole('button', { name: 'Send the suggestion' }).click();
    const summary = amy.getByRole('alert').filter({ hasText: 'There is a problem' });
    await summary.waitFor();
    assert.equal(await amy.getByLabel('Name').getAttribute('aria-invalid'), 'true');
    await assertNoViolations(amy, 'the suggestion form with an error');
    await amy.getByLabel('Name').fill('Walsall carers’ café');
    await amy.getByLabel('Through a link worker (social prescriber)').check();
    await amy.getByLabel('Area served').fill('Walsall borough');
    await amy.getByLabel('Categories').fill('carers, cafe');
    await amy.getByRole('button', { name: 'Send the suggestion' }).click();
    await amy.getByRole('heading', { name: 'Walsall carers’ café' }).waitFor();
    await amy.getByText(/A suggestion: only you and the directory’s reviewers can see it/).waitFor();
    const id = Number(new URL(amy.url()).pathname.split('/').pop());

    const ben = await openPage(browser);
    await signInWithForm(ben, server, 'ben');
    await ben.goto(`${server.url}/directory`);
    await ben.getByLabel('Words').fill('cafe');
    await ben.getByRole('button', { name: 'Search the directory' }).click();
    await ben.getByText('Nothing matches yet.').waitFor();
    await ben.goto(`${server.url}/directory/${id}`);
    await ben.getByRole('heading', { name: 'Entry not found' }).waitFor();

    const admin = await openPage(browser);
    await signInWithForm(admin, server, 'admin');
    await admin.goto(`${server.url}/directory`);
    await admin.getByRole('link', { name: 'Suggestions to review' }).click();
    const item = admin.getByRole('listitem').filter({ hasText: 'Walsall carers’ café' });
    await item.waitFor();
    await assertNoViolations(admin, 'suggestions to review');
    await item.getByRole('button', { name: /^Approve/ }).click();
    await admin.getByText('No suggestions are waiting.').waitFor();

    await ben.goto(`${server.url}/directory`);
    await ben.getByLabel('Words').fill('cafe');
    await ben.getByRole('button', { name: 'Search the directory' }).click();
    await ben.getByRole('link', { name: 'Walsall carers’ café' }).click();
    await ben.getByText('Through a link worker (social prescriber)').waitFor();
    assertCalm(amy);
    assertCalm(ben);
    assertCalm(admin);
  });

  it('shows a community’s local support on its page', async () => {
    const visitor = await openPage(browser);
    await visitor.goto(`${server.url}/c/brum-walkers`);
    const support = visitor.getByRole('region', { name: 'Local support' });
    await support.getByRole('link', { name: 'Cannon Hill park walks' }).waitFor();
    await support.getByRole('link', { name: 'The community’s directory' }).click();
    await visitor.getByRole('heading', { name: 'Directory: Birmingham walkers' }).waitFor();
    await visitor.getByRole('link', { name: 'Cannon Hill park walks' }).waitFor();
    assert.equal(await visitor.getByRole('link', { name: 'Breathe easy Walsall' }).count(), 0, 'only this community’s');
    await assertNoViolations(visitor, 'a community’s directory');
    assertCalm(visitor);
  });

  it('finds communities by kind, region and distance from a place, showing the distance', async () => {
    const visitor = await openPage(browser);
    await visitor.goto(`${server.url}/`);
    await visitor.getByText('Find a community by kind or place').click();
    await visitor.getByLabel('Kind').selectOption('place');
    await visitor.getByLabel('One of our community places').selectOption('Leith, Edinburgh');
    await visitor.getByRole('button', { name: 'Find communities' }).click();
    const list = visitor.locator('ul.communities');
    await list.getByRole('link', { name: 'Living with COPD' }).waitFor({ state: 'detached' });
    assert.deepEqual(await list.getByRole('heading').allTextContents(), [
      'Leith men’s shed',
      'Birmingham walkers',
      'Walsall walkers',
    ], 'places nearest first, the one with no coordinates last');
    await list.getByText('0.0 km away').waitFor();
    await assertNoViolations(visitor, 'the community finder with results');

    await visitor.getByRole('button', { name: 'Clear the place' }).click();
    await visitor.getByLabel('Region').fill('west midlands');
    await visitor.getByRole('button', { name: 'Find communities' }).click();
    await list.getByRole('link', { name: 'Leith men’s shed' }).waitFor({ state: 'detached' });
    assert.deepEqual(await list.getByRole('heading').allTextContents(), ['Birmingham walkers', 'Walsall walkers']);
    assertCalm(visitor);
  });
});
