/**
 * End to end for the page with every widget (/demo/gallery), in both locales, against the real
 * reference server and the built bundle: all six widgets render with data under the demo's strict
 * CSP; the page downloads the loader, the shared chunk, the six widget chunks and the one-chunk
 * catalogue of its locale, nothing else; it makes at most 3 API requests before the shopper
 * interacts (SPEC §5); and a second view of it moves nothing. Needs `npm run build` first.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { startDemo, type RunningDemo } from '../../demo/start.ts';
import { launch, open } from './browser.ts';

const TAGS = ['encore-nps-survey', 'encore-points-balance', 'encore-rating-prompt', 'encore-recommendations', 'encore-referral-share', 'encore-returns-entry'];

let demo: RunningDemo;
let browser: Browser;
let dir: string;

describe('every widget on one page', () => {
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'encore-e2e-'));
    demo = await startDemo({ port: 0, dbFile: join(dir, 'encore.db'), quiet: true });
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    await demo?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  for (const lang of ['en', 'ja'] as const) {
    test(`${lang}: six widgets with data, one catalogue chunk, at most 3 API reads`, async () => {
      const context = await browser.newContext({ locale: 'en-US', timezoneId: 'UTC', viewport: { width: 1280, height: 4000 } });
      const { page, problems } = await open(context, `${demo.url}/demo/gallery?customer=hana&lang=${lang}`);
      // Every widget defined, out of its skeleton, and showing something (the survey may be quiet).
      await page.waitForFunction(
        (tags) =>
          tags.every((tag) => {
            const el = document.querySelector(tag);
            const root = el?.shadowRoot;
            return el?.matches(':defined') && root && !root.querySelector('[part~="skeleton"]') && (tag === 'encore-nps-survey' || root.querySelector('[part~="base"]'));
          }),
        TAGS,
      );
      assert.equal(await page.locator('encore-points-balance [part~="balance"]').count(), 1);
      assert.ok((await page.locator('encore-recommendations [part~="slide"]').count()) >= 1);
      assert.equal(await page.locator('encore-returns-entry #order').count(), 1);
      assert.equal(await page.locator('[part~="error"]').count(), 0, "no widget is in its error state");
      assert.ok((await page.locator('encore-rating-prompt [part~="item"]').count()) >= 1);
      const words = lang === 'ja' ? /ポイント/ : /points/;
      assert.match(await page.locator('encore-points-balance [part~="balance"]').innerText(), words);

      const resources = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname));
      const scripts = resources
        .filter((path) => path.startsWith('/encore/') && path.endsWith('.js'))
        .map((path) => path.replace(/^\/encore\/(chunks\/)?/, '').replace(/-[\w-]{8}\.js$/, ''))
        .sort();
      const expected = ['encore.js', 'encore-core', `catalogs.${lang}`, ...TAGS.map((tag) => tag.slice(7))].sort();
      assert.deepEqual(scripts, expected);

      const reads = resources.filter((path) => path.includes('/v1/'));
      assert.ok(reads.length <= 3, `API requests before any interaction: ${reads.join(', ')}`);
      assert.deepEqual(problems, []);
      await context.close();
    });
  }

  test('a second view moves nothing: each widget is given, from the first paint, the size it took the first time', async () => {
    // A viewport that shows everything, so any widget growing or shrinking moves something in view.
    const context = await browser.newContext({ locale: 'en-US', timezoneId: 'UTC', viewport: { width: 1280, height: 4000 } });
    await context.addInitScript(`(() => {
      const seen = (window.__shifts = []);
      new PerformanceObserver((list) => { for (const e of list.getEntries()) if (!e.hadRecentInput) seen.push(e.value); }).observe({ type: 'layout-shift', buffered: true });
    })()`);
    const { page, problems } = await open(context, `${demo.url}/demo/gallery?customer=hana&lang=en`);
    const loaded = () =>
      page.waitForFunction(
        (tags) => tags.every((tag) => { const root = document.querySelector(tag)?.shadowRoot; return root && !root.querySelector('[part~="skeleton"]'); }),
        TAGS,
      );
    const heights = () => page.evaluate((tags) => tags.map((tag) => Math.round(document.querySelector(tag)!.getBoundingClientRect().height)), TAGS);
    await loaded();
    // Each widget remembers its place once laid out with its data.
    await page.waitForFunction((n) => Object.keys(localStorage).filter((key) => key.startsWith('encore:place:')).length === n, TAGS.length);
    const first = await heights();

    await page.reload();
    // Before any widget is defined, the loader already gave each tag its remembered size (under the demo's CSP).
    await loaded();
    await page.waitForTimeout(300);
    assert.deepEqual(await heights(), first);
    assert.deepEqual(await page.evaluate(() => (window as unknown as { __shifts: number[] }).__shifts), []);
    assert.deepEqual(problems, []);
    await context.close();
  });
});
