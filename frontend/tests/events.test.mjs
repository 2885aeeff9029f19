// Events in the browser: an organiser creates one (every form error at
// once) and edits it, members answer it (past capacity onto the waiting list, the
// joining link only once going, promotion when a place comes free), the
// calendar links (the public feed, a private one, the member's own on the
// account page, an event's .ics), and the organiser's tools: answers,
// attendance, cancelling. axe finds no violation of any impact on these screens.

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

const SLUG = 'living-with-copd';
const PRIVATE = 'walsall-walkers';

/** A wall-clock time `hours` from now in UTC, as the event form and API take it. */
function utcClock(hours) {
  return new Date(Date.now() + hours * 3_600_000).toISOString().slice(0, 16);
}

/** Tomorrow's date in London, YYYY-MM-DD. */
function tomorrowInLondon() {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/London' }).format(new Date(Date.now() + 86_400_000));
}

describe('events in the browser', () => {
  let server;
  let browser;
  let eventId;
  const people = {};

  before(async () => {
    server = await startServer(COMMUNITIES);
    browser = await launchBrowser();
    for (const name of ['amy', 'ben']) {
      people[name] = await register(server, name);
      await call(server, 'POST', `/communities/${SLUG}/membership`, people[name]);
    }
    await call(server, 'POST', `/communities/${PRIVATE}/membership`, people.amy);
  });

  after(async () => {
    await browser?.close();
    await stopServer(server);
  });

  it('lets an organiser create an event, naming every wrong field at once, and edit it', async () => {
    const admin = await openPage(browser, { timezoneId: 'Europe/London' });
    await signInWithForm(admin, server, 'admin');
    await admin.goto(`${server.url}/c/${SLUG}/events`);
    await admin.getByRole('link', { name: 'New event' }).click();
    await admin.getByRole('heading', { name: 'New event' }).waitFor();
    assert.equal(await admin.getByLabel('Time zone').inputValue(), 'Europe/London', 'the browser’s zone by default');
    await assertNoViolations(admin, 'the new event form');

    await admin.getByRole('button', { name: 'Create the event' }).click();
    const summary = admin.getByRole('alert').filter({ hasText: 'There is a problem' });
    await summary.waitFor();
    assert.ok(await summary.evaluate((element) => element === document.activeElement), 'the summary has focus');
    assert.ok((await summary.getByRole('link').count()) >= 3, 'title, start, end and place at once');
    assert.equal(await admin.getByLabel('Title').getAttribute('aria-invalid'), 'true');
    await assertNoViolations(admin, 'the event form with errors');

    const day = tomorrowInLondon();
    await admin.getByLabel('Title').fill('Breathe easy online');
    await admin.getByLabel('Description').fill('Breathing exercises together, **gently**.');
    await admin.getByLabel('Starts').fill(`${day}T10:00`);
    await admin.getByLabel('Ends').fill(`${day}T11:00`);
    await admin.getByLabel('Online').check();
    await admin.getByLabel('Joining link').fill('https://meet.example.org/breathe');
    await admin.getByRole('textbox', { name: 'Accessibility' }).fill('Captions on. Cameras optional.');
    await admin.getByLabel('Places (optional)').fill('1');
    await admin.getByRole('button', { name: 'Create the event' }).click();
    await admin.getByRole('heading', { name: 'Breathe easy online' }).waitFor();
    eventId = Number(new URL(admin.url()).pathname.split('/').pop());
    await admin.getByText('1 place, 1 left.').waitFor();
    await admin.getByText('(Europe/London)').waitFor();
    assert.equal(await admin.getByText('Your time:').count(), 0, 'the organiser’s clock is the event’s');
    await admin.getByRole('link', { name: 'Join the event' }).waitFor();

    await admin.getByRole('link', { name: 'Edit the event' }).click();
    await admin.getByRole('heading', { name: 'Edit the event' }).waitFor();
    assert.equal(await admin.getByLabel('Joining link').inputValue(), 'https://meet.example.org/breathe');
    await admin.getByLabel('Title').fill('Breathe easy together');
    await admin.getByRole('button', { name: 'Save the changes' }).click();
    await admin.getByRole('heading', { name: 'Breathe easy together' }).waitFor();
    await admin.getByRole('link', { name: 'Edit the event' }).click();
    await admin.getByLabel('Title').fill('Breathe easy online');
    await admin.getByRole('button', { name: 'Save the changes' }).click();
    await admin.getByRole('heading', { name: 'Breathe easy online' }).waitFor();
    await assertNoViolations(admin, 'an event, as its organiser');
    assertCalm(admin);
  });

  it('puts a member past capacity on the waiting list, shows the joining link only to those going, and promotes', async () => {
    const amy = await openPage(browser, { viewport: PHONE, timezoneId: 'America/New_York' });
    await signInWithForm(amy, server, 'amy');
    await amy.goto(`${server.url}/events/${eventId}`);
    await amy.getByRole('heading', { name: 'Breathe easy online' }).waitFor();
    await amy.getByText('Your time:').waitFor();
    await amy.getByText('The joining link shows here once you say you’re going.').waitFor();
    assert.equal(await amy.getByRole('link', { name: 'Join the event' }).count(), 0);
    await amy.getByRole('button', { name: 'Going', exact: true }).click();
    await amy.getByRole('status').filter({ hasText: 'You’re going.' }).waitFor();
    await amy.getByRole('link', { name: 'Join the event' }).waitFor();
    assert.equal(await amy.getByRole('button', { name: 'Going', exact: true }).getAttribute('aria-pressed'), 'true');
    await assertFits(amy, 'an event at 360 px');
    await assertNoViolations(amy, 'an event a member is going to, at 360 px');
    await screenshot(amy, 'phone-event');

    const ben = await openPage(browser);
    await signInWithForm(ben, server, 'ben');
    await ben.goto(`${server.url}/events/${eventId}`);
    await ben.getByText('1 place, 0 left.').waitFor();
    await ben.getByRole('button', { name: 'Going', exact: true }).click();
    await ben.getByRole('status').filter({ hasText: 'You’re on the waiting list: number 1 in line.' }).waitFor();
    assert.equal(await ben.getByRole('link', { name: 'Join the event' }).count(), 0, 'no link while waiting');
    await assertNoViolations(ben, 'an event with the member on its waiting list');

    await amy.getByRole('button', { name: 'Can’t go' }).click();
    await amy.getByRole('status').filter({ hasText: 'You said you can’t go.' }).waitFor();
    assert.equal(await amy.getByRole('link', { name: 'Join the event' }).count(), 0, 'the link goes with the place');
    await ben.reload();
    await ben.getByRole('status').filter({ hasText: 'You’re going.' }).waitFor();
    await ben.getByRole('link', { name: 'Join the event' }).waitFor();
    const inbox = await call(server, 'GET', '/notifications', people.ben);
    assert.ok(inbox.notifications.some((line) => line.kind === 'event_place_offered' && line.event_id === eventId));
    assertCalm(amy);
    assertCalm(ben);
  });

  it('lists a community’s events with its calendar feed, and an event downloads as .ics', async () => {
    const visitor = await openPage(browser);
    await visitor.goto(`${server.url}/c/${SLUG}`);
    const coming = visitor.getByRole('region', { name: 'Coming up' });
    await coming.getByRole('link', { name: 'Breathe easy online' }).waitFor();
    await coming.getByRole('link', { name: 'All events and the calendar' }).click();
    await visitor.getByRole('heading', { name: 'Events: Living with COPD' }).waitFor();
    await visitor.getByRole('link', { name: 'Breathe easy online' }).waitFor();
    const feed = await visitor.getByRole('link', { name: 'Subscribe to the calendar' }).getAttribute('href');
    assert.equal(feed, `${server.url}/api/v1/communities/${SLUG}/calendar.ics`);
    assert.match(await (await fetch(feed)).text(), /SUMMARY:Breathe easy online/);
    assert.equal(await visitor.getByRole('link', { name: 'New event' }).count(), 0, 'visitors do not organise');
    await assertNoViolations(visitor, 'a community’s events, signed out');

    await visitor.getByRole('link', { name: 'Breathe easy online' }).click();
    const download = visitor.getByRole('link', { name: 'Add to calendar' });
    await download.waitFor();
    assert.equal(await download.getAttribute('download'), '');
    const ics = await fetch(`${server.url}${await download.getAttribute('href')}`);
    assert.match(ics.headers.get('content-type'), /text\/calendar/);
    assert.match(await ics.text(), /BEGIN:VEVENT/);
    await visitor.getByRole('link', { name: 'Sign in' }).last().waitFor();
    assertCalm(visitor);
  });

  it('gives a member a private calendar link for a members-only community and for their own events', async () => {
    const amy = await openPage(browser);
    await signInWithForm(amy, server, 'amy');
    await amy.goto(`${server.url}/c/${PRIVATE}/events`);
    await amy.getByRole('heading', { name: 'Events: Walsall walkers' }).waitFor();
    assert.equal(await amy.getByRole('link', { name: 'Subscribe to the calendar' }).count(), 0, 'no public feed');
    await amy.getByRole('button', { name: 'Make a private calendar link' }).click();
    const address = await amy.getByLabel('Your private calendar address').inputValue();
    assert.match(address, /\/api\/v1\/calendars\/[^/]+\.ics$/);
    assert.equal((await fetch(address)).status, 200);
    await assertNoViolations(amy, 'a members-only community’s events with a private link');

    await amy.goto(`${server.url}/account`);
    const section = amy.getByRole('region', { name: 'Calendar links' });
    await section.getByText(`Events of ${PRIVATE}`).waitFor();
    await section.getByRole('button', { name: 'Make a link to my events' }).click();
    const mine = await section.getByLabel('Your new calendar address (shown only now)').inputValue();
    assert.equal((await fetch(mine)).status, 200);
    await section.getByText('Events you answered').waitFor();
    await assertNoViolations(amy, 'the account page with calendar links');
    const revoke = section.getByRole('button', { name: /^Revoke/ });
    for (let left = 2; left > 0; left--) {
      await revoke.first().click();
      await amy.waitForFunction((count) => document.querySelectorAll('#calendars li').length === count, left - 1);
    }
    assert.equal((await fetch(mine)).status, 404, 'a revoked link stops working');
    assert.equal((await fetch(address)).status, 404);
    assertCalm(amy);
  });

  it('shows organisers the answers, records who came, and cancels telling everyone going', async () => {
    const started = await call(server, 'POST', `/communities/${SLUG}/events`, server.admin, {
      title: 'Walk and talk',
      starts: utcClock(-1),
      ends: utcClock(1),
      time_zone: 'UTC',
      place: { name: 'The park gates', address: 'Park Road, Walsall', latitude: 52.586, longitude: -1.982 },
    });
    await call(server, 'PUT', `/events/${started.id}/rsvp`, people.amy, { answer: 'going' });
    await call(server, 'PUT', `/events/${started.id}/rsvp`, people.ben, { answer: 'maybe' });

    const admin = await openPage(browser);
    await signInWithForm(admin, server, 'admin');
    await admin.goto(`${server.url}/events/${started.id}`);
    const organise = admin.getByRole('region', { name: 'Organise' });
    await organise.getByRole('cell', { name: 'Amy', exact: true }).waitFor();
    const map = admin.getByRole('link', { name: /See it on OpenStreetMap/ });
    assert.match(await map.getAttribute('href'), /^https:\/\/www\.openstreetmap\.org\/\?mlat=52\.586&mlon=-1\.982/);
    await organise.getByLabel('Amy came').check();
    await organise.getByRole('button', { name: 'Save who came' }).click();
    await organise.getByText('1 person going; 1 came (as recorded).').waitFor();
    await assertNoViolations(admin, 'an event with its answers, as an organiser');

    await admin.goto(`${server.url}/c/${SLUG}/events`);
    const counts = admin.getByRole('region', { name: 'Attendance' });
    await counts.getByRole('row', { name: 'Walk and talk 1 1' }).waitFor();
    await assertNoViolations(admin, 'a community’s events with attendance counts');

    await admin.goto(`${server.url}/events/${started.id}`);
    await admin.getByRole('button', { name: 'Cancel the event' }).click();
    await admin.getByRole('button', { name: 'Yes, cancel it and tell everyone' }).click();
    await admin.getByText('This event is cancelled.').waitFor();
    assertCalm(admin);

    const amy = await openPage(browser);
    await signInWithForm(amy, server, 'amy');
    await amy.goto(`${server.url}/notifications`);
    await amy.getByRole('link', { name: /“Walk and talk” on .* is cancelled\./ }).click();
    await amy.getByRole('heading', { name: 'Walk and talk' }).waitFor();
    await amy.getByText('This event is cancelled.').waitFor();
    assertCalm(amy);
  });

  it('repeats an event weekly from the form, lists its dates on each date’s page, and cancels one date', async () => {
    const admin = await openPage(browser, { timezoneId: 'Europe/London' });
    await signInWithForm(admin, server, 'admin');
    await admin.goto(`${server.url}/c/${SLUG}/events/new`);
    await admin.getByRole('heading', { name: 'New event' }).waitFor();
    const day = tomorrowInLondon();
    await admin.getByLabel('Title').fill('Weekly walk');
    await admin.getByLabel('Description').fill('Round the park, at an easy pace.');
    await admin.getByLabel('Starts').fill(`${day}T10:00`);
    await admin.getByLabel('Ends').fill(`${day}T11:00`);
    await admin.getByLabel('Weekly').check();
    await admin.getByLabel(/Number of dates/).fill('3');
    await admin.getByLabel('Online').check();
    await admin.getByLabel('Joining link').fill('https://meet.example.org/walk');
    await assertNoViolations(admin, 'the new event form, repeating weekly');
    await admin.getByRole('button', { name: 'Create the event' }).click();
    await admin.getByRole('heading', { name: 'Weekly walk' }).waitFor();
    const dates = admin.getByRole('region', { name: 'Dates' });
    await dates.waitFor();
    await dates.getByRole('listitem').nth(2).waitFor();
    assert.equal(await dates.getByRole('listitem').count(), 3, 'three weekly dates');
    await assertNoViolations(admin, 'a repeating event’s page with its dates');

    const second = dates.getByRole('listitem').nth(1);
    await second.getByRole('button', { name: 'Cancel this date' }).click();
    await second.getByRole('button', { name: /^Yes, cancel/ }).click();
    await second.getByText('Cancelled').waitFor();
    assert.equal(await dates.getByText('Cancelled').count(), 1, 'only that date is cancelled');
    await assertNoViolations(admin, 'a series with one date cancelled');
    assertCalm(admin);
  });
});
