// The header on a phone: one compact bar (at most 64 px closed) that stays
// at the top while the page scrolls, its search and links behind a menu
// button that says whether it is open, closes with Escape and gives focus
// back. Every touch target in the header, its navigation and the footer is
// at least 44 by 44 px, at 320, 360 and 414 px wide; axe-core finds no
// violation of any impact with the menu closed or open.

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
  memberStartsThread,
  openPage,
  screenshot,
  signInWithForm,
  startServer,
  stopServer,
} from './harness.mjs';

/** The closed header's most height, in CSS pixels. */
const CLOSED_HEIGHT = 64;
/** The smallest touch target, in CSS pixels (WCAG 2.5.5). */
const TARGET = 44;

/** The boxes of the visible controls under `selector`, each named by its text. */
async function targets(page, selector) {
  return page.evaluate((selector) => {
    const controls = [...document.querySelectorAll(`${selector} :is(a[href], button, input, select, textarea)`)];
    return controls
      .filter((control) => control.getClientRects().length > 0 && getComputedStyle(control).visibility !== 'hidden')
      .filter((control) => !control.closest('.visually-hidden'))
      .map((control) => {
        const box = control.getBoundingClientRect();
        const name = (control.textContent || control.getAttribute('aria-label') || control.id).trim();
        return { name, width: Math.round(box.width), height: Math.round(box.height) };
      });
  }, selector);
}

function assertTargetsBigEnough(boxes, where) {
  assert.ok(boxes.length > 0, `${where} has controls`);
  const small = boxes.filter((box) => box.width < TARGET || box.height < TARGET);
  assert.deepEqual(small, [], `every target in ${where} is at least ${TARGET} by ${TARGET} px`);
}

describe('the header on a phone', () => {
  let server;
  let browser;
  let threadId;

  before(async () => {
    server = await startServer(COMMUNITIES.slice(0, 1));
    browser = await launchBrowser();
    threadId = await memberStartsThread(server, 'amy', 'living-with-copd', {
      title: 'Long days',
      body: 'A long first post.\n\n'.repeat(30),
    });
    await call(server, 'PATCH', '/admin/settings', server.admin, {
      footer: {
        operator: 'Run by [Breathe Easy Leith](https://example.org/leith).',
        privacy: 'Read our [privacy notice](https://example.org/privacy).',
        contact: 'Write to [us](mailto:hello@example.org).',
        accessibility: 'Our [accessibility statement](https://example.org/a11y).',
        terms: 'Be kind.',
      },
    });
  });

  after(async () => {
    await browser?.close();
    await stopServer(server);
  });

  for (const width of [320, 360, 414]) {
    it(`stays compact and at the top at ${width} px, for a visitor and a member`, async () => {
      const page = await openPage(browser, { viewport: { ...PHONE, width } });
      for (const member of [false, true]) {
        if (member) await signInWithForm(page, server, 'amy');
        await page.goto(`${server.url}/t/${threadId}`);
        await page.getByRole('heading', { level: 1, name: 'Long days' }).waitFor();
        const header = page.getByRole('banner');
        const closed = await header.boundingBox();
        assert.ok(closed.height <= CLOSED_HEIGHT, `the closed header is ${closed.height}px tall at ${width} px`);
        assert.equal(await page.getByRole('navigation', { name: 'Main' }).isVisible(), false, 'links wait behind the menu');

        await page.evaluate(() => window.scrollTo(0, 800));
        await page.waitForFunction(() => window.scrollY > 0);
        const top = await page.evaluate(() => document.querySelector('header.site-header')?.getBoundingClientRect().top);
        assert.equal(top, 0, 'the header stays at the top after scrolling');
        assertTargetsBigEnough(await targets(page, 'header.site-header'), `the closed header at ${width} px`);
        await assertFits(page, `the thread at ${width} px`);
      }
      assertCalm(page);
      await page.context().close();
    });
  }

  it('opens its menu with a button that says so, closes it with Escape, and gives focus back', async () => {
    const page = await openPage(browser, { viewport: PHONE });
    await signInWithForm(page, server, 'amy');
    await page.goto(`${server.url}/`);
    await page.getByRole('heading', { level: 1, name: 'Communities' }).waitFor();
    await page.waitForLoadState('networkidle');
    assert.deepEqual(await checkA11y(page, 'the front page on a phone'), [], 'no violation of any impact');
    const menu = page.getByRole('banner').getByRole('button', { name: /^Menu/ });
    assert.equal(await menu.getAttribute('aria-expanded'), 'false');

    await menu.focus();
    await page.keyboard.press('Enter');
    assert.equal(await menu.getAttribute('aria-expanded'), 'true');
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Your account' }).waitFor();
    assertTargetsBigEnough(await targets(page, 'header.site-header'), 'the open header at 360 px');
    assert.deepEqual(await checkA11y(page, 'the open menu on a phone'), [], 'no violation of any impact');
    await screenshot(page, 'phone-menu-open');

    await nav.getByRole('link', { name: 'Get help' }).focus();
    await page.keyboard.press('Escape');
    assert.equal(await menu.getAttribute('aria-expanded'), 'false');
    assert.equal(await nav.isVisible(), false);
    assert.ok(await menu.evaluate((button) => button === document.activeElement), 'focus is back on the menu button');

    // Following a link closes the menu.
    await menu.click();
    await nav.getByRole('link', { name: 'Get help' }).click();
    await page.getByRole('heading', { level: 1, name: 'Get help' }).waitFor();
    assert.equal(await menu.getAttribute('aria-expanded'), 'false');
    assertCalm(page);
    await page.context().close();
  });

  it('gives every link in the footer and the main navigation a target of at least 44 by 44 px', async () => {
    const page = await openPage(browser, { viewport: PHONE });
    await page.goto(`${server.url}/`);
    await page.getByRole('heading', { level: 1, name: 'Communities' }).waitFor();
    const footer = page.getByRole('contentinfo');
    await footer.getByRole('link', { name: 'privacy notice' }).waitFor();
    assertTargetsBigEnough(await targets(page, 'footer.site-footer'), 'the footer at 360 px');
    await page.getByRole('banner').getByRole('button', { name: /^Menu/ }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Join' }).waitFor();
    assertTargetsBigEnough(await targets(page, 'nav[aria-label="Main"]'), 'the main navigation at 360 px');
    assert.deepEqual(await checkA11y(page, 'the front page with its footer'), [], 'no violation of any impact');
    await screenshot(page, 'phone-footer');
    assertCalm(page);
    await page.context().close();
  });
});
