/**
 * End to end: the real reference server (fresh SQLite database, seeded demo store) serves the
 * demo storefront and the built bundle; headless Chromium loads the demo as a shopper would.
 * Needs `npm run build` first (npm test does it).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { startDemo, type RunningDemo } from '../../demo/start.ts';
import { launch, open as openIn } from './browser.ts';

let demo: RunningDemo;
let browser: Browser;

/** Loads a demo page in a fresh English page; `problems` must stay empty. */
const open = (path: string) => openIn(browser, `${demo.url}${path}`);

function points(text: string): number {
  return Number(text.replace(/[^\d]/g, ''));
}

describe('demo storefront against the reference server', () => {
  before(async () => {
    demo = await startDemo({ port: 0, dbFile: ':memory:', quiet: true });
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    await demo?.close();
  });

  test('the home page links to every demo page', async () => {
    const { page, problems } = await open('/');
    const links = await page.locator('main a[href^="/demo/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.ok(links.includes('/demo/product?customer=hana&lang=ja'));
    assert.ok(links.includes('/demo/product?lang=en'));
    for (const href of links) {
      const response = await page.request.get(`${demo.url}${href}`);
      assert.equal(response.status(), 200, href!);
    }
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('a signed-in shopper sees the seeded balance, redeems a reward, gets a code and a lower balance', async () => {
    const { page, problems } = await open('/demo/product?customer=hana&lang=en');
    const balance = page.locator('encore-points-balance [part~="balance"]');
    await balance.waitFor();
    const before = points(await balance.innerText());
    assert.ok(before >= 1200 && before <= 2500, `seeded balance ${before}`);
    assert.match(await page.locator('encore-points-balance [part~="tier"]').innerText(), /Silver/);

    // The loader, the shared chunk and its English catalogue, and per widget on the page its chunk
    // and English catalogue, nothing else; one API read per widget's data (the session, and the
    // carousel's recommendations).
    await page.locator('encore-recommendations [part~="slide"]').first().waitFor();
    const resources = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname));
    const tags = await page.evaluate(() => [...new Set([...document.querySelectorAll('*')].map((el) => el.localName).filter((name) => name.startsWith('encore-')))]);
    assert.deepEqual(tags.sort(), ['encore-points-balance', 'encore-recommendations']);
    const scripts = resources.filter((path) => path.startsWith('/encore/') && path.endsWith('.js')).map((path) => path.replace(/^\/encore\/(chunks\/)?/, '').replace(/-[\w-]{8}\.js$/, ''));
    const expected = ['encore.js', 'encore-core', 'encore-core.en', ...tags.flatMap((tag) => [tag.slice(7), `${tag.slice(7)}.en`])];
    assert.deepEqual(scripts.sort(), expected.sort());
    const api = resources.filter((path) => path.includes('/v1/')).map((path) => path.replace(/^.*\/stores\/[^/]+/, ''));
    assert.deepEqual(api.sort(), ['/recommendations', '/session']);

    const reward = page.locator('encore-points-balance [part~="reward--available"]').first();
    const cost = points(await reward.locator('.cost').innerText());
    await reward.locator('[part~="redeem-button"]').click();
    await page.locator('encore-points-balance [part~="confirm-button"]').click();

    const code = page.locator('encore-points-balance [part~="code"]');
    await code.waitFor();
    assert.match(await code.innerText(), /^ENC-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    await page.waitForFunction(
      (expected) => {
        const el = document.querySelector('encore-points-balance')?.shadowRoot?.querySelector('[part~="balance"]');
        return el && Number(el.textContent!.replace(/[^\d]/g, '')) === expected;
      },
      before - cost,
    );
    assert.deepEqual(problems, []);

    // The server agrees after a reload.
    await page.reload();
    await balance.waitFor();
    assert.equal(points(await balance.innerText()), before - cost);
    await page.close();
  });

  test('a guest sees the join offer in Japanese under the strict CSP', async () => {
    const { page, problems } = await open('/demo/product?lang=ja');
    const join = page.locator('encore-points-balance [part~="join-link"]');
    await join.waitFor();
    assert.equal(await join.innerText(), 'アカウントを作成');
    assert.match(await page.locator('encore-points-balance h2').innerText(), /ポイントプログラム/);
    assert.equal(await page.locator('encore-points-balance [part~="sign-in-link"]').getAttribute('href'), '/account/sign-in');
    assert.deepEqual(problems, []);
    await page.close();
  });
});
