// Consultations in the browser: the organisation opens one from the
// community page (every form error at once), a member answers and supports
// another's answer, and once the response date passes everyone sees it is
// overdue until the organisation publishes its response, which reaches the
// member's inbox. axe finds no violation of any impact on these screens.

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

describe('consultations in the browser', () => {
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

  it('lets the organisation open one, and members answer and support answers', async () => {
    const admin = await openPage(browser);
    await signInWithForm(admin, server, 'admin');
    await admin.goto(`${server.url}/c/${SLUG}`);
    await admin.getByRole('link', { name: 'Open a consultation' }).click();
    await admin.getByRole('heading', { name: 'Open a consultation' }).waitFor();
    await admin.getByLabel('Answers close at the end of').fill('');
    await admin.getByRole('button', { name: 'Open the consultation' }).click();
    const summary = admin.getByRole('alert').filter({ hasText: 'There is a problem' });
    await summary.waitFor();
    assert.ok(await summary.evaluate((element) => element === document.activeElement), 'the summary has focus');
    assert.equal(await summary.getByRole('link').count(), 3, 'question, background and closing date at once');
    assert.equal(await admin.getByLabel('The question').getAttribute('aria-invalid'), 'true');
    await assertNoViolations(admin, 'the consultation form with errors');

    await admin.getByLabel('The question').fill('What would make pulmonary rehab easier to attend?');
    await admin.getByLabel('Background').fill('We are **redesigning** rehab classes for next year.');
    const inAWeek = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
    await admin.getByLabel('Answers close at the end of').fill(inAWeek);
    await admin.getByRole('button', { name: 'Open the consultation' }).click();
    await admin.getByRole('heading', { name: 'What would make pulmonary rehab easier to attend?' }).waitFor();
    await admin.getByText('Open for answers').waitFor();
    assertCalm(admin);

    const amy = await openPage(browser, { viewport: PHONE });
    await signInWithForm(amy, server, 'amy');
    await amy.goto(`${server.url}/c/${SLUG}`);
    const listed = amy.getByRole('region', { name: 'Consultations' });
    await listed.getByRole('link', { name: 'What would make pulmonary rehab easier to attend?' }).click();
    await amy.getByLabel('Your answer to the question').fill('Evening classes, so people who work can come.');
    await amy.getByRole('button', { name: 'Add your answer' }).click();
    await amy.getByText('Evening classes, so people who work can come.').waitFor();
    const id = Number(new URL(amy.url()).pathname.split('/').pop());
    const page = await call(server, 'GET', `/consultations/${id}`, people.ben);
    await call(server, 'POST', `/threads/${page.thread_id}/posts`, people.ben, { body: 'A bus that stops at the door.' });
    await amy.reload();
    const bens = amy.getByRole('listitem').filter({ hasText: 'A bus that stops at the door.' });
    await bens.getByRole('button', { name: 'Support this answer' }).click();
    await bens.getByRole('button', { name: 'Supported: take back' }).waitFor();
    assert.equal(await bens.getByRole('button', { name: 'Supported: take back' }).getAttribute('aria-pressed'), 'true');
    await bens.getByText('1 person supports this').waitFor();
    const mine = amy.getByRole('listitem').filter({ hasText: 'Evening classes' });
    assert.equal(await mine.getByRole('button', { name: 'Support this answer' }).count(), 0, 'not her own');
    await assertFits(amy, 'a consultation at 360 px');
    await assertNoViolations(amy, 'a consultation with answers, at 360 px');
    await screenshot(amy, 'phone-consultation');
    assertCalm(amy);
  });

  it('shows an overdue consultation to everyone until the organisation responds, and tells the member', async () => {
    const now = Date.now();
    const opened = await call(server, 'POST', `/communities/${SLUG}/consultations`, server.admin, {
      question: 'Which day suits the carers’ group?',
      background: 'We can book the hall one day a week.',
      closes_at: new Date(now + 3_000).toISOString(),
      respond_by: new Date(now + 5_000).toISOString(),
      support_threshold: 1,
    });
    const answer = await call(server, 'POST', `/threads/${opened.thread_id}/posts`, people.amy, { body: 'Thursdays.' });
    await call(server, 'PUT', `/consultations/${opened.id}/answers/${answer.id}/support`, people.ben);
    await new Promise((done) => setTimeout(done, 5_500));

    const ben = await openPage(browser);
    await ben.goto(`${server.url}/consultations/${opened.id}`);
    await ben.getByText('Responses overdue').waitFor();
    await ben.getByText(/The response date has passed and 1 answer is still waiting/).waitFor();
    await assertNoViolations(ben, 'an overdue consultation, signed out');

    const admin = await openPage(browser);
    await signInWithForm(admin, server, 'admin');
    await admin.goto(`${server.url}/consultations/${opened.id}`);
    const item = admin.getByRole('listitem').filter({ hasText: 'Thursdays.' });
    await item.getByText('Response owed').waitFor();
    await item.getByRole('button', { name: 'Respond' }).click();
    await item.getByLabel('Not taken forward').check();
    await item.getByRole('button', { name: 'Publish' }).click();
    await item.getByRole('alert').filter({ hasText: 'Say why this answer is not being taken forward.' }).waitFor();
    await assertNoViolations(admin, 'the response form with an error');
    await item.getByLabel('Why it is not taken forward').fill('The hall is only free on *Mondays*.');
    await item.getByRole('button', { name: 'Publish' }).click();
    await admin.getByText('Responded', { exact: true }).waitFor();
    await item.getByText('Not taken forward').waitFor();
    assert.equal(await item.locator('em').textContent(), 'Mondays');
    assertCalm(admin);

    const amy = await openPage(browser);
    await signInWithForm(amy, server, 'amy');
    await amy.goto(`${server.url}/notifications`);
    await amy.getByRole('link', { name: /The organisation responded to an answer you wrote or supported/ }).click();
    await amy.getByRole('heading', { name: 'Which day suits the carers’ group?' }).waitFor();
    assertCalm(amy);
  });
});
