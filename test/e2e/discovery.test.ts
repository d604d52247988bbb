/**
 * End to end for discovery and returns (issue 5), against the real reference server (a fresh
 * SQLite file, seeded demo store) and the demo storefront in Chromium: the product page's carousel
 * shows what the server recommends, and its add-to-cart fills the demo cart (and what is in the
 * cart is no longer recommended); on the help page a shopper looks a demo order up, sees why the
 * final-sale item cannot go back, returns the other one and gets a return number, which the server
 * has stored; a mismatched lookup gets the one generic answer. Needs `npm run build` first.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Recommendations, ReturnLookup } from '../../contract/types.ts';
import { startDemo, type RunningDemo } from '../../demo/start.ts';
import { openDatabase, type Database } from '../../server/db.ts';
import { DEMO_PRODUCTS, DEMO_RETURN_ORDER, DEMO_STORE_ID } from '../../server/seed.ts';
import { launch, open as openIn } from './browser.ts';

const API = `/v1/stores/${DEMO_STORE_ID}`;
const SEEDED_TITLES = new Set(DEMO_PRODUCTS.map((p) => p.title));

let demo: RunningDemo;
let browser: Browser;
let dir: string;
let db: Database;

const open = (context: BrowserContext, path: string) => openIn(context, `${demo.url}${path}`);
const newContext = () => browser.newContext({ locale: 'en-US', timezoneId: 'UTC' });

async function api<T>(path: string, init?: { body: unknown }): Promise<T> {
  const res = await fetch(`${demo.url}${API}${path}`, init && { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(init.body) });
  assert.equal(res.status, 200, `${path}: ${await res.clone().text()}`);
  return (await res.json()) as T;
}

/** The titles on the carousel's slides, in order. */
const slideTitles = (page: Page) => page.locator('encore-recommendations [part~="slide"] [part~="title"]').allInnerTexts();
const cartCount = async (page: Page) => Number(await page.locator('[data-cart-count]').innerText());

describe('discovery and returns on the demo storefront, against the reference server', () => {
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'encore-e2e-'));
    const file = join(dir, 'encore.db');
    demo = await startDemo({ port: 0, dbFile: file, quiet: true });
    // A second connection to the same file, to see what the server stored.
    db = openDatabase(file);
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    await demo?.close();
    await db?.destroy();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('the product page recommends what the server recommends, and add-to-cart fills the cart and drops the product from the carousel', async () => {
    const context = await newContext();
    const { page, problems } = await open(context, '/demo/product?lang=en');
    const product = (await page.locator('.add[data-product]').getAttribute('data-product'))!;
    const carousel = page.locator('encore-recommendations');
    assert.equal(await carousel.getAttribute('product'), product);
    await carousel.scrollIntoViewIfNeeded();
    await page.locator('encore-recommendations [part~="slide"] [part~="title"]').first().waitFor();

    // The same list the server gives for this product: seeded products, never the page's own.
    const expected = await api<Recommendations>(`/recommendations?product=${product}&limit=8`);
    assert.ok(expected.products.length >= 1);
    const titles = await slideTitles(page);
    assert.deepEqual(titles, expected.products.map((p) => p.title));
    const own = DEMO_PRODUCTS.find((p) => p.id === product)!;
    for (const title of titles) assert.ok(SEEDED_TITLES.has(title), title);
    assert.ok(!titles.includes(own.title));

    // Add the first recommendation with a click: the cart count goes up by one, the carousel
    // excludes the cart, and the product leaves the carousel.
    assert.equal(await cartCount(page), 0);
    const first = expected.products[0]!;
    await page.locator('encore-recommendations [part~="slide"]', { hasText: first.title }).locator('[part~="add-to-cart-button"]').click();
    assert.equal(await cartCount(page), 1);
    assert.equal(await carousel.getAttribute('exclude'), first.id);
    await page.waitForFunction(
      (title) => {
        const slides = [...(document.querySelector('encore-recommendations')?.shadowRoot?.querySelectorAll('[part~="title"]') ?? [])];
        return slides.length > 0 && !slides.some((t) => t.textContent === title);
      },
      first.title,
    );
    const excluded = await api<Recommendations>(`/recommendations?product=${product}&limit=8&exclude=${first.id}`);
    assert.deepEqual(await slideTitles(page), excluded.products.map((p) => p.title));

    // The cart survives a reload (this tab's session); the second one is added with the keyboard.
    await page.reload();
    await carousel.scrollIntoViewIfNeeded();
    assert.equal(await cartCount(page), 1);
    assert.equal(await carousel.getAttribute('exclude'), first.id);
    const second = excluded.products[0]!;
    const button = page.locator('encore-recommendations [part~="slide"]', { hasText: second.title }).locator('[part~="add-to-cart-button"]');
    await button.focus();
    await page.keyboard.press('Enter');
    assert.equal(await cartCount(page), 2);
    assert.equal(await carousel.getAttribute('exclude'), `${first.id},${second.id}`);
    await page.waitForFunction(
      (title) => {
        const slides = [...(document.querySelector('encore-recommendations')?.shadowRoot?.querySelectorAll('[part~="title"]') ?? [])];
        return slides.length > 0 && !slides.some((t) => t.textContent === title);
      },
      second.title,
    );
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('from the home page to the help page: a shopper looks up a demo order, sees why an item cannot go back, returns the other and gets a return number', async () => {
    const context = await newContext();
    const { page, problems } = await open(context, '/');
    await page.locator('main a[href="/demo/help?lang=en"]').click();
    await page.waitForURL(/\/demo\/help\?lang=en$/);
    // Every storefront page links to it from the header.
    assert.equal(await page.locator('header.site nav a[href="/demo/help?lang=en"]').count(), 1);

    const order = DEMO_RETURN_ORDER;
    const kept = order.items.find((i) => i.finalSale)!;
    const returned = order.items.find((i) => !i.finalSale)!;
    await page.locator('encore-returns-entry [part~="order-input"]').click();
    await page.keyboard.type(order.number);
    await page.keyboard.press('Tab');
    await page.locator('encore-returns-entry [part~="contact-input"]').click();
    await page.keyboard.type(order.email);
    await page.keyboard.press('Enter');

    const ineligible = page.locator('encore-returns-entry [part~="item--ineligible"]');
    await ineligible.waitFor();
    assert.equal(await ineligible.count(), 1);
    assert.match(await ineligible.innerText(), new RegExp(kept.title.replace(/[()]/g, '\\$&')));
    assert.match(await ineligible.locator('[part~="ineligible"]').innerText(), /final sale/i);
    assert.equal(await ineligible.locator('input[type="checkbox"]').count(), 0);

    const item = page.locator('encore-returns-entry [part~="item--eligible"]', { hasText: returned.title });
    await item.locator('input[type="checkbox"]').click();
    const policy = await api<{ reasons: string[] }>('/returns/policy');
    await page.locator('encore-returns-entry [part~="reason"]').selectOption(policy.reasons[0]!);
    await page.locator('encore-returns-entry [part~="resolution"] input[value="refund"]').click();
    await page.locator('encore-returns-entry [part~="submit-button"]').click();

    const number = (await page.locator('encore-returns-entry [part~="return-number"]').innerText()).trim();
    assert.match(number, /^R-[A-Z0-9]+$/);

    // The server stored it: the return of that number, for this order, the one unit chosen.
    const stored = await db.selectFrom('returns').selectAll().where('store_id', '=', DEMO_STORE_ID).where('number', '=', number).executeTakeFirstOrThrow();
    assert.equal(stored.order_id, order.id);
    assert.equal(stored.resolution, 'refund');
    assert.equal(stored.reason, policy.reasons[0]);
    const lines = await db.selectFrom('return_items').select(['product_id', 'quantity']).where('return_id', '=', stored.id).execute();
    assert.deepEqual(lines, [{ product_id: returned.productId, quantity: returned.quantity }]);
    // And a new lookup no longer offers it.
    const again = await api<ReturnLookup>('/returns/lookup', { body: { orderNumber: order.number, email: order.email } });
    const line = again.order.items.find((i) => i.productId === returned.productId)!;
    assert.equal(line.returnableQuantity, 0);
    assert.notEqual(line.reason, null);

    assert.deepEqual(problems, []);
    await context.close();
  });

  test('a wrong e-mail and an unknown order number get the same generic answer', async () => {
    const context = await newContext();
    const { page, problems } = await open(context, '/demo/help?lang=en');
    const messages: string[] = [];
    for (const [number, email] of [
      [DEMO_RETURN_ORDER.number, 'someone.else@example.com'],
      ['KT-99999', DEMO_RETURN_ORDER.email],
    ] as const) {
      await page.locator('encore-returns-entry [part~="order-input"]').fill(number);
      await page.locator('encore-returns-entry [part~="contact-input"]').fill(email);
      const answered = page.waitForResponse((r) => r.url().endsWith('/returns/lookup') && r.request().method() === 'POST');
      await page.locator('encore-returns-entry [part~="lookup-button"]').click();
      assert.equal((await answered).status(), 404);
      const error = page.locator('encore-returns-entry [part~="error"]');
      await error.waitFor();
      messages.push(await error.innerText());
      assert.equal(await page.locator('encore-returns-entry [part~="item"]').count(), 0);
    }
    assert.match(messages[0]!, /couldn.t find an order/i);
    assert.equal(messages[1], messages[0]);
    // Chromium logs each 404 answer as a console error; nothing else went wrong.
    assert.deepEqual(
      problems.filter((p) => !/^console: Failed to load resource: the server responded with a status of 404/.test(p)),
      [],
    );
    await context.close();
  });
});
