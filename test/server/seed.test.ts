/**
 * The demo store seed: its shape (counts per table), that every row is consistent with the rest
 * (reviews of real order items, refunds and referrals matched by ledger entries, points as the
 * program says), that Hana's figures stay what the widget and end-to-end tests expect, and that it
 * is deterministic, identical on both engines (run with TEST_DATABASE_URL to compare PostgreSQL
 * with SQLite), idempotent and silent.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { openDatabase, type Database } from '../../server/db.ts';
import { migrate } from '../../server/migrations/index.ts';
import { buildApp } from '../../server/app.ts';
import { mintCustomerToken } from '../../server/auth.ts';
import {
  seedDemo,
  DEMO_ADMIN_KEY,
  DEMO_CUSTOMER_EMAIL,
  DEMO_CUSTOMER_ID,
  DEMO_GUEST_ORDER,
  DEMO_OLD_ORDER,
  DEMO_PRODUCTS,
  DEMO_REFERRAL_CODE,
  DEMO_RETURN_ORDER,
  DEMO_SECRET,
  DEMO_STORE_ID,
} from '../../server/seed.ts';
import type { MerchantMetrics, Session } from '../../contract/types.ts';
import { freshDatabase, ENGINE } from './helpers.ts';

const NOW = new Date('2026-11-25T12:00:00.000Z');
const DAY = 86_400_000;
const ago = (days: number) => new Date(NOW.getTime() - days * DAY).toISOString();
const TABLES = [
  'stores',
  'customers',
  'products',
  'orders',
  'order_items',
  'points_ledger',
  'redemptions',
  'refunds',
  'reviews',
  'nps_responses',
  'referral_codes',
  'referral_visits',
  'referrals',
] as const;

let db: Database;
let app: FastifyInstance;

const counts = async (d: Database) => {
  const out: Record<string, number> = {};
  for (const t of TABLES) out[t] = Number((await d.selectFrom(t).select(d.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  return out;
};

/** Every row of every table, keys and rows sorted in JS (the engines' text collations differ). */
const dump = async (d: Database) => {
  const out: Record<string, string[]> = {};
  for (const t of TABLES) {
    const rows = (await d.selectFrom(t).selectAll().execute()) as Record<string, unknown>[];
    out[t] = rows.map((r) => JSON.stringify(Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : 1))))).sort();
  }
  return out;
};

before(async () => {
  db = freshDatabase().db;
  await migrate(db);
  await migrate(db); // migrating twice is harmless
  app = await buildApp({ db, now: () => NOW, rateLimit: false });
});
after(async () => {
  await app.close();
  await db.destroy();
});

test(`seedDemo creates the demo store (${ENGINE}); two racing runs seed once; a later run is a no-op`, async () => {
  // Several server processes starting at once on one PostgreSQL database: one seeds, the others return false.
  const results = await Promise.all([seedDemo(db, { now: NOW }), seedDemo(db, { now: NOW })]);
  assert.deepEqual(results.sort(), [false, true]);
  const first = await counts(db);
  assert.deepEqual(first, {
    stores: 1,
    customers: 40,
    products: DEMO_PRODUCTS.length,
    orders: 413,
    order_items: 672,
    points_ledger: 825,
    redemptions: 28,
    refunds: 19,
    reviews: 217,
    nps_responses: 100,
    referral_codes: 5,
    referral_visits: 24,
    referrals: 11,
  });
  assert.equal(await seedDemo(db, { now: NOW }), false);
  assert.deepEqual(await counts(db), first);
});

test('the same rows on a second database (SQLite; PostgreSQL against SQLite when the suite runs on PostgreSQL), and nothing printed', async () => {
  const other = openDatabase(':memory:');
  await migrate(other);
  const printed: unknown[] = [];
  const saved = { log: console.log, info: console.info, warn: console.warn, error: console.error, write: process.stdout.write };
  console.log = console.info = console.warn = console.error = (...args: unknown[]) => void printed.push(args);
  process.stdout.write = ((chunk: unknown) => (printed.push(chunk), true)) as typeof process.stdout.write;
  try {
    assert.equal(await seedDemo(other, { now: NOW }), true);
  } finally {
    Object.assign(console, { log: saved.log, info: saved.info, warn: saved.warn, error: saved.error });
    process.stdout.write = saved.write;
  }
  assert.deepEqual(printed, []);
  const [a, b] = [await dump(db), await dump(other)];
  for (const t of TABLES) assert.deepEqual(a[t], b[t], t);
  await other.destroy();
});

test('catalogue: some items out of stock, two or three final sale; order items copy title and final sale', async () => {
  const products = await db.selectFrom('products').selectAll().execute();
  assert.ok(products.filter((p) => p.in_stock === 0).length >= 2);
  const finalSale = products.filter((p) => p.final_sale === 1).map((p) => p.id);
  assert.ok(finalSale.length >= 2 && finalSale.length <= 3, String(finalSale));
  const items = await db.selectFrom('order_items').selectAll().execute();
  const byId = new Map(products.map((p) => [p.id, p]));
  assert.ok(items.every((i) => i.title === byId.get(i.product_id)!.title && i.final_sale === byId.get(i.product_id)!.final_sale && i.price === byId.get(i.product_id)!.price));
});

test('orders: yen, 1–4 items summing to the total, two years, ~10% guests, cancellations and refunds consistent', async () => {
  const orders = await db.selectFrom('orders').selectAll().execute();
  const items = await db.selectFrom('order_items').selectAll().execute();
  const sum = new Map<string, { n: number; total: number }>();
  for (const i of items) {
    const s = sum.get(i.order_id) ?? { n: 0, total: 0 };
    sum.set(i.order_id, { n: s.n + 1, total: s.total + i.price * i.quantity });
  }
  for (const o of orders) {
    assert.equal(o.currency, 'JPY');
    assert.equal(sum.get(o.id)?.total, o.total, o.id);
    assert.ok(sum.get(o.id)!.n >= 1 && sum.get(o.id)!.n <= 4);
    assert.ok(o.created_at <= NOW.toISOString() && (o.customer_id === DEMO_CUSTOMER_ID || o.created_at >= ago(730)), o.id);
  }
  assert.ok(orders.filter((o) => o.created_at >= ago(365)).length >= 280, 'a busy last year');
  assert.ok(orders.filter((o) => o.created_at < ago(365)).length >= 100, 'and a year before it');
  const guests = orders.filter((o) => o.customer_id === null).length / orders.length;
  assert.ok(guests >= 0.07 && guests <= 0.15, String(guests));

  // Purchase points: 1 per ¥100 for every customer order that was not cancelled; none otherwise.
  const ledger = await db.selectFrom('points_ledger').selectAll().execute();
  const purchase = new Map(ledger.filter((e) => e.kind === 'purchase').map((e) => [e.ref, e]));
  const cancelled = orders.filter((o) => o.status === 'cancelled');
  assert.ok(cancelled.length >= 2);
  for (const o of orders.filter((x) => x.customer_id !== null)) {
    const entry = purchase.get(o.id);
    if (o.status === 'cancelled') assert.equal(entry, undefined, o.id);
    else assert.deepEqual([entry?.points, entry?.customer_id, entry?.created_at], [Math.floor(o.total / 100), o.customer_id, o.created_at], o.id);
  }
  assert.equal(purchase.size, orders.filter((o) => o.customer_id !== null && o.status !== 'cancelled').length);

  // Refunds: the order's refunded total and status follow them; customers' points are reversed in the ledger.
  const refunds = await db.selectFrom('refunds').selectAll().execute();
  assert.ok(refunds.length >= 10);
  const refunded = new Map<string, number>();
  for (const r of refunds) refunded.set(r.order_id, (refunded.get(r.order_id) ?? 0) + r.amount);
  for (const o of orders) {
    const amount = refunded.get(o.id) ?? 0;
    assert.equal(o.refunded_total, amount, o.id);
    const status = amount === 0 ? (o.status === 'cancelled' ? 'cancelled' : 'paid') : amount === o.total ? 'refunded' : 'partially_refunded';
    assert.equal(o.status, status, o.id);
  }
  assert.ok(orders.some((o) => o.status === 'partially_refunded') && orders.some((o) => o.status === 'refunded'));
  const reversal = new Map(ledger.filter((e) => e.kind === 'refund').map((e) => [e.ref, e]));
  for (const r of refunds) {
    const order = orders.find((o) => o.id === r.order_id)!;
    assert.notEqual(order.customer_id, DEMO_CUSTOMER_ID);
    if (r.points > 0) assert.deepEqual([reversal.get(r.id)?.points, reversal.get(r.id)?.customer_id], [-r.points, order.customer_id]);
    else assert.equal(reversal.get(r.id), undefined);
  }
  assert.ok(refunds.some((r) => r.points > 0));
});

test('co-purchase pattern: the product most often bought with each of these is one of its companions', async () => {
  const items = await db.selectFrom('order_items').select(['order_id', 'product_id']).execute();
  const baskets = new Map<string, string[]>();
  for (const i of items) baskets.set(i.order_id, [...(baskets.get(i.order_id) ?? []), i.product_id]);
  for (const id of ['uji-matcha', 'tokoname-kyusu', 'kiriko-glass', 'hojicha', 'chasen-whisk']) {
    const together = new Map<string, number>();
    for (const b of baskets.values()) if (b.includes(id)) for (const other of b) if (other !== id) together.set(other, (together.get(other) ?? 0) + 1);
    const top = [...together].sort((a, b) => b[1] - a[1])[0]!;
    const product = DEMO_PRODUCTS.find((p) => p.id === id)!;
    const companions = new Set([...product.goesWith, ...DEMO_PRODUCTS.filter((p) => p.goesWith.includes(id)).map((p) => p.id)]);
    assert.ok(companions.has(top[0]), `${id}: ${top[0]}`);
    assert.ok(top[1] >= 5, `${id}: ${top[1]}`);
  }
});

test('reviews: verified, one per order item, only for items of real orders by their buyers, with points in the ledger', async () => {
  const reviews = await db.selectFrom('reviews').selectAll().execute();
  const items = await db
    .selectFrom('order_items as i')
    .innerJoin('orders as o', (j) => j.onRef('o.id', '=', 'i.order_id').onRef('o.store_id', '=', 'i.store_id'))
    .select(['i.order_id', 'i.product_id', 'o.customer_id', 'o.created_at', 'o.status'])
    .execute();
  const item = new Map(items.map((i) => [`${i.order_id}:${i.product_id}`, i]));
  const ledger = await db.selectFrom('points_ledger').selectAll().where('kind', '=', 'review').execute();
  const reviewEntry = new Map(ledger.map((e) => [e.ref, e]));
  assert.equal(new Set(reviews.map((r) => `${r.order_id}:${r.product_id}`)).size, reviews.length);
  for (const r of reviews) {
    const i = item.get(`${r.order_id}:${r.product_id}`);
    assert.ok(i, `${r.id} reviews an item of a real order`);
    assert.notEqual(i.status, 'cancelled');
    assert.equal(r.customer_id, i.customer_id);
    assert.ok(r.created_at > i.created_at && r.created_at <= NOW.toISOString());
    assert.equal(r.verified, 1);
    assert.ok(Number.isInteger(r.rating) && r.rating >= 1 && r.rating <= 5);
    assert.equal(r.points, r.customer_id === null ? 0 : 50);
    if (r.customer_id !== null) assert.deepEqual([reviewEntry.get(`${r.order_id}:${r.product_id}`)?.points, reviewEntry.get(`${r.order_id}:${r.product_id}`)?.customer_id], [50, r.customer_id]);
  }
  assert.equal(ledger.length, reviews.filter((r) => r.customer_id !== null).length);
  // Most products are reviewed, with averages that differ; texts in both languages; some guests.
  const perProduct = new Map<string, number[]>();
  for (const r of reviews) perProduct.set(r.product_id, [...(perProduct.get(r.product_id) ?? []), r.rating]);
  assert.ok(perProduct.size >= DEMO_PRODUCTS.length * 0.8);
  const averages = [...perProduct.values()].map((rs) => rs.reduce((s, x) => s + x, 0) / rs.length);
  assert.ok(Math.max(...averages) - Math.min(...averages) >= 1);
  assert.deepEqual(new Set(reviews.map((r) => r.rating)), new Set([1, 2, 3, 4, 5]));
  assert.ok(reviews.some((r) => r.locale === 'ja' && r.body) && reviews.some((r) => r.locale === 'en' && r.body) && reviews.some((r) => r.body === null));
  assert.ok(reviews.some((r) => r.customer_id === null));
});

test('NPS: promoters, passives and detractors over the year, per customer at most once in 90 days', async () => {
  const rows = await db.selectFrom('nps_responses').selectAll().execute();
  assert.ok(rows.length >= 50);
  const categories = new Map<string, number>();
  for (const r of rows) {
    assert.equal(r.subject, `c:${r.customer_id}`);
    assert.equal(r.category, r.score >= 9 ? 'promoter' : r.score >= 7 ? 'passive' : 'detractor');
    categories.set(r.category, (categories.get(r.category) ?? 0) + 1);
  }
  assert.ok(['promoter', 'passive', 'detractor'].every((c) => (categories.get(c) ?? 0) >= 5), JSON.stringify([...categories]));
  assert.ok(rows.some((r) => r.created_at < ago(300)) && rows.some((r) => r.created_at > ago(60)));
  const bySubject = new Map<string, string[]>();
  for (const r of rows) bySubject.set(r.subject, [...(bySubject.get(r.subject) ?? []), r.created_at].sort());
  for (const times of bySubject.values()) for (let i = 1; i < times.length; i++) assert.ok(Date.parse(times[i]!) - Date.parse(times[i - 1]!) >= 90 * DAY);
  // Hana answered, but long enough ago that the survey shows for her again.
  const hana = bySubject.get(`c:${DEMO_CUSTOMER_ID}`)!;
  assert.ok(hana.at(-1)! < ago(90));
});

test('referrals: codes, visits, rewarded first orders with the referrer credited; Hana earns nothing from them', async () => {
  const codes = await db.selectFrom('referral_codes').selectAll().execute();
  assert.equal(codes.find((c) => c.customer_id === DEMO_CUSTOMER_ID)?.code, DEMO_REFERRAL_CODE);
  const visits = await db.selectFrom('referral_visits').selectAll().execute();
  const referrals = await db.selectFrom('referrals').selectAll().execute();
  const orders = await db.selectFrom('orders').selectAll().execute();
  const credits = await db.selectFrom('points_ledger').selectAll().where('kind', '=', 'referral').execute();
  const rewarded = referrals.filter((r) => r.status === 'rewarded');
  assert.ok(rewarded.length >= 6 && rewarded.some((r) => r.friend_customer_id === null));
  for (const r of referrals) {
    const order = orders.find((o) => o.id === r.order_id)!;
    const v = visits.find((x) => x.id === r.visit_id)!;
    const code = codes.find((c) => c.code === r.code)!;
    assert.deepEqual([order.referral_code, order.visitor_id, order.email, order.customer_id], [r.code, v.visitor_id, r.friend_email, r.friend_customer_id]);
    assert.equal(code.customer_id, r.referrer_id);
    assert.ok(code.created_at < v.created_at && v.created_at < order.created_at && order.created_at < v.expires_at);
    const credit = credits.find((c) => c.ref === r.order_id);
    if (r.status === 'rewarded') {
      assert.deepEqual([credit?.customer_id, credit?.points, r.referrer_points], [r.referrer_id, 1000, 1000]);
      // The friend's first order ever.
      if (r.friend_customer_id !== null) assert.ok(orders.every((o) => o.customer_id !== r.friend_customer_id || o.created_at >= order.created_at));
    } else {
      assert.equal(credit, undefined);
    }
  }
  assert.equal(credits.length, rewarded.length);
  assert.ok(visits.filter((v) => v.referrer_id === DEMO_CUSTOMER_ID).length >= 3);
  assert.ok(referrals.some((r) => r.referrer_id === DEMO_CUSTOMER_ID && r.status === 'rejected'));
  assert.ok(!credits.some((c) => c.customer_id === DEMO_CUSTOMER_ID));
});

test('demo fixtures: a recent guest order, a returnable order of Hana with a final-sale item, an old order', async () => {
  const orderOf = async (id: string) => db.selectFrom('orders').selectAll().where('store_id', '=', DEMO_STORE_ID).where('id', '=', id).executeTakeFirstOrThrow();
  const itemsOf = async (id: string) =>
    (await db.selectFrom('order_items').select(['product_id', 'quantity', 'price', 'final_sale']).where('order_id', '=', id).execute()).sort((a, b) =>
      a.product_id < b.product_id ? -1 : 1,
    );
  const reviewed = async (id: string) => (await db.selectFrom('reviews').select('id').where('order_id', '=', id).execute()).length;
  for (const f of [DEMO_GUEST_ORDER, DEMO_RETURN_ORDER, DEMO_OLD_ORDER]) {
    const o = await orderOf(f.id);
    assert.deepEqual([o.number, o.customer_id, o.email, o.postal_code, o.phone, o.total, o.status], [f.number, f.customerId, f.email, f.postalCode, f.phone, f.total, 'paid']);
    const days = (NOW.getTime() - Date.parse(o.created_at)) / DAY;
    assert.ok(days >= f.daysAgo && days < f.daysAgo + 1, `${f.id}: ${days}`);
    assert.deepEqual(
      await itemsOf(f.id),
      f.items.map((i) => ({ product_id: i.productId, quantity: i.quantity, price: i.price, final_sale: i.finalSale ? 1 : 0 })).sort((a, b) => (a.product_id < b.product_id ? -1 : 1)),
    );
  }
  assert.equal(DEMO_GUEST_ORDER.customerId, null);
  assert.equal(await reviewed(DEMO_GUEST_ORDER.id), 0);
  assert.equal(DEMO_RETURN_ORDER.email, DEMO_CUSTOMER_EMAIL);
  assert.ok(DEMO_RETURN_ORDER.daysAgo < 30 && DEMO_OLD_ORDER.daysAgo > 90);
  assert.deepEqual(DEMO_RETURN_ORDER.items.map((i) => i.finalSale).sort(), [false, true]);
  assert.equal(await reviewed(DEMO_RETURN_ORDER.id), 0);
  // Hana has reviews, and recent orders with items she has not reviewed.
  const hanaReviews = await db.selectFrom('reviews').select(['order_id', 'product_id', 'points']).where('customer_id', '=', DEMO_CUSTOMER_ID).execute();
  assert.equal(hanaReviews.length, 3);
  const recent = await db.selectFrom('orders').select('id').where('customer_id', '=', DEMO_CUSTOMER_ID).where('created_at', '>=', ago(30)).execute();
  assert.ok(recent.length >= 2 && recent.every((o) => !hanaReviews.some((r) => r.order_id === o.id)));
});

test('every customer ledger balance is non-negative', async () => {
  const rows = await db.selectFrom('points_ledger').select(['customer_id', 'points']).execute();
  const sums = new Map<string, number>();
  for (const r of rows) sums.set(r.customer_id, (sums.get(r.customer_id) ?? 0) + r.points);
  assert.ok([...sums.values()].every((v) => v >= 0));
});

test('Hana: balance 1,200–2,500, silver, points expiring within 60 days', async () => {
  const t = await mintCustomerToken({ store: DEMO_STORE_ID, secret: DEMO_SECRET, customerId: DEMO_CUSTOMER_ID, now: NOW });
  const res = await app.inject({ method: 'GET', url: `/v1/stores/${DEMO_STORE_ID}/session`, headers: { authorization: `Bearer ${t}` } });
  assert.equal(res.statusCode, 200);
  const s = res.json<Session>();
  assert.equal(s.store.name, 'Kiriko Tea & Craft');
  assert.equal(s.store.currency, 'JPY');
  assert.equal(s.store.locale, 'ja');
  const hana = s.customer!;
  assert.equal(hana.name, 'Hana Sato');
  assert.ok(hana.balance >= 1200 && hana.balance <= 2500, String(hana.balance));
  assert.equal(hana.tier, 'silver');
  assert.equal(hana.nextTier, 'gold');
  assert.ok(hana.expiring !== null);
  assert.ok(hana.expiring.points > 0);
  const days = (Date.parse(hana.expiring.date) - NOW.getTime()) / 86_400_000;
  assert.ok(days > 0 && days <= 60, String(days));
  assert.deepEqual({ balance: hana.balance, tierPoints: hana.tierPoints, expiring: hana.expiring.points }, { balance: 2239, tierPoints: 3133, expiring: 373 });
});

test('the demo store has every metric for the last year', async () => {
  const res = await app.inject({ method: 'GET', url: `/v1/stores/${DEMO_STORE_ID}/admin/metrics`, headers: { authorization: `Bearer ${DEMO_ADMIN_KEY}` } });
  assert.equal(res.statusCode, 200, res.body);
  const { counts, metrics } = res.json<MerchantMetrics>();
  assert.ok(Object.values(metrics).every((v) => typeof v === 'number'), JSON.stringify(metrics));
  assert.ok(counts.churnedCustomers > 0 && counts.repeatCustomers > 0 && counts.upsellOrders > 0 && counts.detractors > 0);
  assert.ok(metrics.nps! > 0 && metrics.nps! < 100);
});
