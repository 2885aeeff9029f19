// Running an instance from the browser: from the setup link a new instance
// prints, the first admin is created; the settings form shows every error
// at once with its summary focused; the admin names and brands the
// instance, publishes guidelines, adds a helpline and creates a public and
// an approval-only community with a room, a moderator and a safeguarding
// lead; a member asks to join, the community's
// moderator sees the count in the header and accepts, and the member is
// told. No file is edited and no command run. axe finds no violation of any
// impact on any of these screens.

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
  screenshot,
  signIn,
  signInWithForm,
  startFirstRun,
  stopServer,
} from './harness.mjs';

/** The error summary's links, and whether it has the focus. */
async function summaryOf(page) {
  const summary = page.getByRole('alert').filter({ hasText: 'There is a problem' });
  await summary.waitFor();
  const links = await summary.getByRole('link').allTextContents();
  const focused = await page.evaluate(() => document.activeElement?.classList.contains('error-summary') ?? false);
  return { summary, links, focused };
}

/** Whether the input is marked wrong and described by its own message. */
async function markedWrong(input) {
  const described = (await input.getAttribute('aria-describedby')) ?? '';
  const id = await input.getAttribute('id');
  return (await input.getAttribute('aria-invalid')) === 'true' && described.split(' ').includes(`${id}-error`);
}

describe('running an instance from the browser', () => {
  let server;
  let browser;

  before(async () => {
    server = await startFirstRun();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await stopServer(server);
  });

  it('sets up a new instance from its setup link, and a moderator accepts a request to join', async () => {
    const admin = await openPage(browser);
    await admin.goto(server.setupLink);
    await admin.getByRole('heading', { name: 'Set up this community' }).waitFor();
    assert.deepEqual(await checkA11y(admin, 'the setup page'), [], 'no violation of any impact on the setup page');

    // Every wrong answer at once, in a summary that takes the focus.
    await admin.getByLabel('Username').fill('x');
    await admin.getByLabel('Password').fill('short');
    await admin.getByRole('button', { name: 'Create the admin account' }).click();
    const setupErrors = await summaryOf(admin);
    assert.equal(setupErrors.links.length, 2, setupErrors.links.join(' | '));
    assert.ok(setupErrors.focused, 'the error summary has the focus');
    assert.ok(await markedWrong(admin.getByLabel('Username')));
    assert.ok(await markedWrong(admin.getByLabel('Password')));
    assert.deepEqual(await checkA11y(admin, 'the setup page with errors'), [], 'no violation of any impact on the setup page with errors');

    await admin.getByLabel('Username').fill('founder');
    await admin.getByLabel('Password').fill(PASSWORD);
    await admin.getByLabel('Email address (optional)').fill('founder@example.org');
    await admin.getByRole('button', { name: 'Create the admin account' }).click();
    await admin.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    await admin.getByText('Welcome: your admin account is ready.').waitFor();
    await admin.getByRole('banner').getByRole('link', { name: 'Admin' }).waitFor();
    assert.deepEqual(await checkA11y(admin, 'the settings form'), [], 'no violation of any impact on the settings form');

    // The settings form: all its errors at once, each field marked, a link moving focus to its field.
    await admin.getByLabel('Name', { exact: true }).fill('');
    await admin.getByLabel('Brand colour (optional)').fill('#ffee58');
    await admin.getByLabel('Community guidelines: text (Markdown)').fill('Be kind. Listen first. No selling.');
    await admin.getByRole('button', { name: 'Save settings' }).click();
    const settingsErrors = await summaryOf(admin);
    assert.equal(settingsErrors.links.length, 3, settingsErrors.links.join(' | '));
    assert.ok(settingsErrors.focused, 'the error summary has the focus');
    assert.ok(await markedWrong(admin.getByLabel('Name', { exact: true })));
    assert.ok(await markedWrong(admin.getByLabel('Brand colour (optional)')));
    assert.ok(await markedWrong(admin.getByLabel('Community guidelines: version')));
    assert.deepEqual(await checkA11y(admin, 'the settings form with errors'), [], 'no violation of any impact on the settings form with errors');
    await screenshot(admin, 'desktop-admin-settings-errors');
    await settingsErrors.summary.getByRole('link', { name: /too light to read/ }).click();
    assert.equal(await admin.evaluate(() => document.activeElement?.id), 'set-brand-colour');

    await admin.getByLabel('Name', { exact: true }).fill('Leith Peer Support');
    await admin.getByLabel('Brand colour (optional)').fill('#6a1b9a');
    await admin.getByLabel('Community guidelines: version').fill('2027-01');
    await admin.getByRole('button', { name: 'Add a helpline' }).click();
    const helpline = admin.getByRole('group', { name: /^Helpline \d+/ }).last();
    await helpline.getByLabel(/^Name of helpline/).fill('Leith Listening Line');
    await helpline.getByLabel(/^Phone of helpline/).fill('0131 496 0000');
    await helpline.getByLabel(/^Opening hours of helpline/).fill('Every evening, 6pm to midnight');
    await helpline.getByLabel(/^Website of helpline/).fill('https://example.org/listening');
    await helpline.getByLabel(/offers$/).fill('Someone from Leith to talk to.');
    await admin.getByRole('button', { name: 'Save settings' }).click();
    await admin.getByText('Your settings are saved.', { exact: false }).first().waitFor();
    await admin.getByRole('banner').getByRole('link', { name: 'Leith Peer Support' }).waitFor();
    const instance = await call(server, 'GET', '/instance');
    assert.equal(instance.name, 'Leith Peer Support');
    assert.equal(instance.guidelines.version, '2027-01');
    assert.ok(instance.support.helplines.some((line) => line.name === 'Leith Listening Line'));
    const served = await (await fetch(`${server.url}/`, { headers: { Accept: 'text/html' } })).text();
    assert.match(served, /<title>Leith Peer Support<\/title>/);
    assert.match(served, /--accent:#6a1b9a/);
    await admin.getByRole('contentinfo').getByRole('heading', { name: 'Who runs this community' }).waitFor();
    // The new guidelines version is asked of everyone, the admin who published it included.
    await admin.goto(`${server.url}/admin`);
    await admin.getByText('The community guidelines have changed.').waitFor();
    await admin.getByRole('link', { name: 'read and accept' }).click();
    await admin.getByRole('button', { name: 'I accept the guidelines' }).click();
    await admin.getByText('The community guidelines have changed.').waitFor({ state: 'detached' });
    await admin.getByRole('banner').getByRole('link', { name: 'Admin' }).click();

    // Two communities: one anyone may join, one by approval.
    await admin.getByRole('navigation', { name: 'Admin console' }).getByRole('link', { name: 'Communities' }).click();
    await admin.getByRole('heading', { name: 'Create a community' }).waitFor();
    for (const [name, slug, visibility] of [
      ['Leith walkers', 'leith-walkers', 'Public'],
      ['Young carers', 'young-carers', 'By approval'],
    ]) {
      await admin.getByLabel('Name', { exact: true }).fill(name);
      await admin.getByLabel('Address').fill(slug);
      await admin.getByLabel(visibility, { exact: true }).check();
      await admin.getByRole('button', { name: 'Create the community' }).click();
      await admin.getByText(`${name} is created`).first().waitFor();
    }
    await admin.getByRole('heading', { name: 'Young carers' }).waitFor();
    assert.deepEqual(await checkA11y(admin, 'the communities console'), [], 'no violation of any impact on the communities console');
    await screenshot(admin, 'desktop-admin-communities');

    // A room, a moderator and a safeguarding lead for the approval-only community, from the console.
    await register(server, 'moe');
    await register(server, 'lee');
    await admin.getByRole('button', { name: 'Rooms and people of Young carers' }).click();
    const people = admin.getByRole('region', { name: 'Rooms and people of Young carers' });
    await people.getByLabel('New chat room in Young carers').fill('Evening check-in');
    await people.getByRole('button', { name: 'Add the room' }).click();
    await people.getByText('The chat room Evening check-in is added.').first().waitFor();
    await people.getByLabel('Username of a new moderator of Young carers').fill('moe');
    await people.getByRole('button', { name: 'Appoint moderator' }).click();
    await people.getByText('moe is a moderator of Young carers now.').first().waitFor();
    await people.getByLabel('Username of a new safeguarding lead of Young carers').fill('lee');
    await people.getByRole('button', { name: 'Appoint safeguarding lead' }).click();
    await people.getByRole('list', { name: 'Safeguarding leads of Young carers' }).getByText('lee', { exact: true }).waitFor();
    assert.deepEqual(await checkA11y(admin, 'a community\'s rooms and people'), [], 'no violation on rooms and people');
    const founder = await signIn(server, 'founder');
    const rooms = await call(server, 'GET', '/communities/young-carers/rooms', founder);
    assert.ok(rooms.some((room) => room.name === 'Evening check-in'));

    // A member asks to join.
    await register(server, 'amy');
    const amy = await openPage(browser);
    await signInWithForm(amy, server, 'amy');
    await amy.goto(`${server.url}/c/young-carers`);
    await amy.getByRole('button', { name: /Ask to join/ }).click();
    await amy.getByText('Your request to join is waiting for a moderator.').waitFor();

    const moe = await openPage(browser);
    await signInWithForm(moe, server, 'moe');
    const count = moe.getByRole('banner').getByRole('link', { name: 'Join requests, 1 waiting' });
    await count.waitFor();
    await count.click();
    await moe.getByRole('heading', { name: 'Young carers' }).waitFor();
    await moe.getByLabel('Message to Amy (optional)').fill('Welcome! Say hello in the introductions thread.');
    assert.deepEqual(await checkA11y(moe, 'the join requests'), [], 'no violation of any impact on the join requests');
    await moe.getByRole('button', { name: 'Accept Amy' }).click();
    await moe.getByText('Amy was accepted into Young carers, and told.').first().waitFor();
    await moe.getByRole('banner').getByRole('link', { name: /Join requests/ }).waitFor({ state: 'detached' });

    await amy.goto(`${server.url}/notifications`);
    const told = /Your request to join Young carers was accepted: welcome\. The moderator wrote: Welcome!/;
    await amy.getByRole('link', { name: told }).waitFor();
    assert.deepEqual(await checkA11y(amy, 'the inbox with a join decision'), [], 'no violation of any impact on the inbox with a join decision');

    for (const page of [admin, amy, moe]) assertCalm(page);
  });

  it('lists a community’s people, removes a moderator, and sets a community’s place', async () => {
    const admin = await openPage(browser);
    await signInWithForm(admin, server, 'founder');
    await admin.goto(`${server.url}/admin/communities`);
    await admin.getByRole('button', { name: 'Rooms and people of Young carers' }).click();
    const people = admin.getByRole('region', { name: 'Rooms and people of Young carers' });
    const moderators = people.getByRole('list', { name: 'Moderators of Young carers' });
    await moderators.getByText('@moe').waitFor();
    assert.deepEqual(await checkA11y(admin, 'a community\'s people'), [], 'no violation on a community\'s people');
    await moderators.getByRole('button', { name: 'Remove moe as moderator' }).click();
    await people.getByText('moe is no longer a moderator of Young carers.').first().waitFor();
    await people.getByText('No moderators of its own yet').waitFor();
    const left = await call(server, 'GET', '/communities/young-carers/moderators', await signIn(server, 'founder'));
    assert.deepEqual(left, []);

    // A place-based community, with its place set on creation and changed later.
    await admin.getByLabel('Name', { exact: true }).fill('Walsall walkers');
    await admin.getByLabel('Address').fill('walsall-walkers');
    await admin.getByLabel('A place', { exact: true }).check();
    await admin.getByLabel('Place name of the new community').fill('Walsall');
    await admin.getByLabel('Region of the new community (optional)').fill('West Midlands');
    await admin.getByLabel('Latitude of the new community (optional)').fill('52.586');
    await admin.getByLabel('Longitude of the new community (optional)').fill('-1.982');
    assert.deepEqual(await checkA11y(admin, 'the create form with a place'), [], 'no violation on the place fields');
    await admin.getByRole('button', { name: 'Create the community' }).click();
    await admin.getByText('Walsall walkers is created').first().waitFor();
    const walkers = admin.getByRole('listitem').filter({ has: admin.getByRole('heading', { name: 'Walsall walkers' }) });
    await walkers.getByText('Walsall, West Midlands').waitFor();

    await walkers.getByRole('button', { name: 'Edit Walsall walkers' }).click();
    await walkers.getByLabel('Latitude of walsall-walkers (optional)').fill('north');
    await walkers.getByRole('button', { name: 'Save walsall-walkers' }).click();
    await admin.getByText('Please give the latitude and longitude as numbers').waitFor();
    await walkers.getByLabel('Latitude of walsall-walkers (optional)').fill('95');
    await walkers.getByRole('button', { name: 'Save walsall-walkers' }).click();
    await admin.getByText(/latitude \(-90 to 90\)/).waitFor();
    await walkers.getByLabel('Place name of walsall-walkers').fill('Walsall Arboretum');
    await walkers.getByLabel('Latitude of walsall-walkers (optional)').fill('52.59');
    assert.deepEqual(await checkA11y(admin, 'the edit form with a place'), [], 'no violation on the edit form');
    await walkers.getByRole('button', { name: 'Save walsall-walkers' }).click();
    await admin.getByText('Walsall walkers is saved.').first().waitFor();
    const stored = await call(server, 'GET', '/communities/walsall-walkers');
    assert.deepEqual(stored.place, { name: 'Walsall Arboretum', region: 'West Midlands', latitude: 52.59, longitude: -1.982 });
    assertCalm(admin);
  });

  it('finds a member, suspends them for a day and signs them out everywhere', async () => {
    const admin = await openPage(browser);
    await signInWithForm(admin, server, 'founder');
    await admin.goto(`${server.url}/admin/members`);
    await admin.getByLabel('Find a member by part of their name').fill('am');
    await admin.getByRole('button', { name: 'Find', exact: true }).click();
    await admin.getByRole('heading', { name: /^Amy/ }).waitFor();
    assert.deepEqual(await checkA11y(admin, 'the members console'), [], 'no violation on the members console');

    await admin.getByRole('button', { name: 'Suspend or ban Amy' }).click();
    await admin.getByLabel('For how long').selectOption('1 day');
    await admin.getByLabel('Reason (Amy is told it)').fill('Please take a day away from the forums.');
    assert.deepEqual(await checkA11y(admin, 'restricting a member'), [], 'no violation when restricting');
    await admin.getByRole('button', { name: 'Suspend Amy' }).click();
    await admin.getByText('Amy is suspended for 1 day.').first().waitFor();
    await admin.getByText(/^suspension until/).waitFor();

    const amyToken = await signIn(server, 'amy');
    await admin.getByRole('button', { name: 'Sign Amy out everywhere' }).click();
    await admin.getByText('Amy is signed out everywhere.').first().waitFor();
    const me = await fetch(`${server.url}/api/v1/me`, { headers: { Authorization: `Bearer ${amyToken}` } });
    assert.equal(me.status, 401);
    const log = await call(server, 'GET', '/admin/log', await signIn(server, 'founder'));
    assert.equal(log.entries[0].action, 'sessions_ended');
    assertCalm(admin);
  });
});
