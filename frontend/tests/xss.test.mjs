// Hostile Markdown in the browser: a member posts twenty-odd script
// payloads, through the composer's preview and then the server's renderer,
// and the thread renders with no script run, no dialog, no console error
// and nothing executable left in the page.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  assertCalm,
  call,
  checkA11y,
  launchBrowser,
  openPage,
  register,
  signInWithForm,
  startServer,
  stopServer,
} from './harness.mjs';

const PAYLOADS = [
  '<script>alert("script tag")</script>',
  '<img src=x onerror=alert("img onerror")>',
  '[plain link](javascript:alert("plain link"))',
  '[upper case](JAVASCRIPT:alert("upper case"))',
  '[spaced](  javascript:alert("spaced")  )',
  '<javascript:alert("autolink")>',
  '[reference][evil]\n\n[evil]: javascript:alert("reference")',
  '![image](javascript:alert("image"))',
  '<svg onload=alert("svg")></svg>',
  '<iframe src="javascript:alert(\'iframe\')"></iframe>',
  '<a href="javascript:alert(\'raw anchor\')">raw anchor</a>',
  '<div onmouseover="alert(\'handler\')">hover me</div>',
  '[decimal entity](&#106;avascript:alert("decimal"))',
  '[hex entity](&#x6A;avascript&#x3A;alert("hex"))',
  '[tab in scheme](java\tscript:alert("tab"))',
  '<details open ontoggle=alert("details")>x</details>',
  '<body onload=alert("body")>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert("mxss")>',
  '[data url](data:text/html;base64,PHNjcmlwdD5hbGVydCgiZGF0YSIpPC9zY3JpcHQ+)',
  '<object data="javascript:alert(\'object\')"></object><embed src="javascript:alert(\'embed\')">',
  '<form action="javascript:alert(\'form\')"><button>go</button></form>',
  '<input autofocus onfocus=alert("autofocus")>',
  '[vbscript](vbscript:msgbox("vb"))',
  '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(\'padded\')">padded</a>',
  '<style>body { background: url("javascript:alert(\'style\')") }</style>',
];

describe('hostile Markdown', () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer([{ slug: 'copd', name: 'Living with COPD', kind: 'condition' }]);
    browser = await launchBrowser();
    const mallory = await register(server, 'mallory');
    await call(server, 'POST', '/communities/copd/membership', mallory);
  });

  after(async () => {
    await browser?.close();
    await stopServer(server);
  });

  it(`previews, posts and renders ${PAYLOADS.length} script payloads with no script run`, async () => {
    const page = await openPage(browser);
    await signInWithForm(page, server, 'mallory');
    await page.goto(`${server.url}/c/copd/new`);
    await page.getByLabel('Title').fill('Harmless, honest');
    const markdown = PAYLOADS.join('\n\n');
    await page.getByLabel('Your first post').fill(markdown);

    // The preview shows the payloads as text.
    await page.getByRole('button', { name: 'Preview' }).click();
    const preview = page.getByRole('region', { name: 'Preview' });
    await preview.getByText('<script>alert("script tag")</script>').waitFor();
    assert.equal(await preview.locator('script, img, svg, iframe, object, embed, form, input, style, a').count(), 0);

    await page.getByRole('button', { name: 'Start thread' }).click();
    await page.getByRole('heading', { level: 1, name: 'Harmless, honest' }).waitFor();
    const threadPath = new URL(page.url()).pathname;

    // Each payload again as its own reply, so each is rendered on its own.
    const threadId = Number(threadPath.split('/')[2]);
    const cookies = await page.context().cookies();
    const token = cookies.find((cookie) => cookie.name === 'kindred_session').value;
    for (const body of PAYLOADS) await call(server, 'POST', `/threads/${threadId}/posts`, token, { body });

    await page.goto(`${server.url}${threadPath}`);
    await page.locator('.prose').nth(PAYLOADS.length).waitFor();
    // Give anything that could fire (load, error, toggle, focus) the chance to.
    await page.locator('.prose div').first().hover().catch(() => {});
    await page.waitForTimeout(500);

    const dangerous = await page.evaluate(() => {
      const bodies = [...document.querySelectorAll('.prose')];
      const found = [];
      for (const body of bodies) {
        for (const element of body.querySelectorAll('*')) {
          for (const attribute of element.attributes) {
            if (/^on/i.test(attribute.name)) found.push(`${element.tagName} ${attribute.name}`);
          }
          if (/^(SCRIPT|IFRAME|SVG|MATH|OBJECT|EMBED|FORM|INPUT|STYLE|IMG|BODY)$/i.test(element.tagName)) {
            found.push(element.tagName);
          }
          const href = element.getAttribute('href');
          if (href !== null && !/^(https?:|mailto:|#|\/(?!\/))/i.test(href.trim())) found.push(`href ${href}`);
        }
      }
      return found;
    });
    assert.deepEqual(dangerous, []);
    await checkA11y(page, 'a thread full of hostile Markdown');
    assertCalm(page);
  });
});
