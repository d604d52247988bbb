/**
 * End to end for the moments after a purchase (issue 4), against the real reference server and
 * the demo storefront in Chromium: rating an item changes the product's rating count; an NPS
 * answer is stored and the survey is not shown again; a friend's visit through a referral link
 * followed by an order credits the referrer. Needs `npm run build` first (npm test does it).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext } from 'playwright-core';
import { startDemo, type RunningDemo } from '../../demo/start.ts';
import { mintCustomerToken } from '../../server/auth.ts';
import { DEMO_CUSTOMER_ID, DEMO_REFERRAL_CODE, DEMO_RETURN_ORDER, DEMO_SECRET, DEMO_STORE_ID } from '../../server/seed.ts';
import { launch, open as openIn } from './browser.ts';

const API = `/v1/stores/${DEMO_STORE_ID}`;

let demo: RunningDemo;
let browser: Browser;

const open = (context: BrowserContext, path: string) => openIn(context, `${demo.url}${path}`);

async function api<T>(path: string, customer?: string): Promise<T> {
  const headers: Record<string, string> = {};
  if (customer) headers.authorization = `Bearer ${await mintCustomerToken({ store: DEMO_STORE_ID, secret: DEMO_SECRET, customerId: customer })}`;
  const res = await fetch(`${demo.url}${API}${path}`, { headers });
  assert.equal(res.status, 200, `${path}: ${await res.clone().text()}`);
  return (await res.json()) as T;
}

describe('after a purchase, against the reference server', () => {
  let context: BrowserContext;
  before(async () => {
    demo = await startDemo({ port: 0, dbFile: ':memory:', quiet: true });
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await demo?.close();
  });

  test("a shopper rates an item of a demo order and the product's rating count changes", async () => {
    context = await browser.newContext({ locale: 'en-US', timezoneId: 'UTC' });
    const item = DEMO_RETURN_ORDER.items[0]!;
    const before = await api<{ count: number }>(`/products/${item.productId}/reviews`);
    const { page, problems } = await open(context, `/demo/thank-you?order=${DEMO_RETURN_ORDER.id}&customer=hana&lang=en`);
    const row = page.locator('encore-rating-prompt [part~="item"]', { hasText: item.title });
    await row.waitFor();
    // Five stars for the first item, with the keyboard: Tab into the group, arrows to move and check.
    await row.locator('[part~="star"] input').first().focus();
    for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowRight');
    await row.locator('textarea').fill('Lovely roast, smooth and nutty.');
    await page.locator('encore-rating-prompt [part~="submit-button"]').click();
    await page.locator('encore-rating-prompt [part~="thanks"]').waitFor();
    const afterward = await api<{ count: number; reviews: { rating: number; body: string | null }[] }>(`/products/${item.productId}/reviews`);
    assert.equal(afterward.count, before.count + 1);
    assert.ok(afterward.reviews.some((r) => r.rating === 5 && r.body === 'Lovely roast, smooth and nutty.'));
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('an NPS answer is stored, and a reload no longer shows the survey', async () => {
    context = await browser.newContext({ locale: 'en-US', timezoneId: 'UTC' });
    const status = await api<{ ask: boolean }>('/nps/status?visitorId=e2e_visitor_0001', DEMO_CUSTOMER_ID);
    assert.equal(status.ask, true);
    const { page, problems } = await open(context, '/demo/account?customer=hana&lang=en');
    const nine = page.locator('encore-nps-survey [part~="score"]', { hasText: /^\s*9\s*$/ });
    await nine.click();
    await page.locator('encore-nps-survey [part~="follow-up"]').fill('The gyokuro is wonderful.');
    await page.locator('encore-nps-survey [part~="submit-button"]').click();
    await page.locator('encore-nps-survey [part~="thanks"]').waitFor();
    const stored = await api<{ ask: boolean; reason: string | null }>('/nps/status?visitorId=e2e_visitor_0001', DEMO_CUSTOMER_ID);
    assert.equal(stored.ask, false);
    assert.equal(stored.reason, 'answered');

    await page.reload();
    // The other widgets on the page render; the survey does not come back.
    await page.locator('encore-points-balance [part~="balance"]').waitFor();
    await page.waitForFunction(() => {
      const el = document.querySelector('encore-nps-survey');
      return el && !el.shadowRoot?.querySelector('[part~="skeleton"]');
    });
    assert.equal(await page.locator('encore-nps-survey [part~="score"]').count(), 0);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("a friend's visit with ?ref= followed by an order credits the referrer", async () => {
    const before = await api<{ stats: { friends: number; pointsEarned: number } }>('/referrals/me', DEMO_CUSTOMER_ID);
    // A different browser: the friend, not signed in.
    context = await browser.newContext({ locale: 'en-US', timezoneId: 'UTC' });
    const { page, problems } = await open(context, `/demo/product?ref=${DEMO_REFERRAL_CODE}&lang=en`);
    // The loader recorded the visit: the friend's offer is kept once the server answered.
    const offer = await page.waitForFunction((store) => localStorage.getItem(`encore:referral-offer:${store}`), DEMO_STORE_ID);
    assert.match(String(await offer.jsonValue()), /"code":"HANA-TEA7"/i);
    // The code left the address bar.
    assert.equal(new URL(page.url()).searchParams.get('ref'), null);
    await page.locator('[data-checkout]').click();
    await page.waitForURL(/\/demo\/thank-you\?/);
    const afterward = await api<{ stats: { friends: number; pointsEarned: number } }>('/referrals/me', DEMO_CUSTOMER_ID);
    assert.equal(afterward.stats.friends, before.stats.friends + 1);
    assert.ok(afterward.stats.pointsEarned > before.stats.pointsEarned, `${before.stats.pointsEarned} → ${afterward.stats.pointsEarned}`);
    assert.deepEqual(problems, []);
    await context.close();
  });
});
