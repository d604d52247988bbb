import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { openDatabase, type Database } from '../../server/db.ts';
import { migrate } from '../../server/migrations/index.ts';
import { buildApp } from '../../server/app.ts';
import { mintCustomerToken } from '../../server/auth.ts';
import { seedDemo, DEMO_STORE_ID, DEMO_CUSTOMER_ID, DEMO_SECRET, DEMO_PRODUCTS } from '../../server/seed.ts';
import type { Session } from '../../contract/types.ts';

const NOW = new Date('2026-11-25T12:00:00.000Z');
let db: Database;
let app: FastifyInstance;

const counts = async (d: Database) => {
  const out: Record<string, number> = {};
  for (const t of ['stores', 'customers', 'products', 'orders', 'order_items', 'points_ledger', 'redemptions'] as const) {
    out[t] = Number((await d.selectFrom(t).select(d.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  }
  return out;
};

before(async () => {
  db = openDatabase(':memory:');
  await migrate(db);
  await migrate(db); // migrating twice is harmless
  app = await buildApp({ db, now: () => NOW, rateLimit: false });
});
after(async () => {
  await app.close();
  await db.destroy();
});

test('seedDemo creates the demo store; a second run is a no-op', async () => {
  assert.equal(await seedDemo(db, { now: NOW }), true);
  const first = await counts(db);
  assert.equal(first.stores, 1);
  assert.equal(first.customers, 40);
  assert.equal(first.products, DEMO_PRODUCTS.length);
  assert.ok(first.products >= 20 && first.products <= 30);
  assert.ok(first.orders >= 250 && first.orders <= 350, String(first.orders));
  assert.ok(first.redemptions >= 3);
  assert.equal(await seedDemo(db, { now: NOW }), false);
  assert.deepEqual(await counts(db), first);
});

test('the seed is deterministic for a given now', async () => {
  const other = openDatabase(':memory:');
  await migrate(other);
  await seedDemo(other, { now: NOW });
  const a = await db.selectFrom('orders').select(['id', 'total', 'created_at', 'customer_id']).orderBy('id').execute();
  const b = await other.selectFrom('orders').select(['id', 'total', 'created_at', 'customer_id']).orderBy('id').execute();
  assert.deepEqual(a, b);
  await other.destroy();
});

test('orders are in yen, 1–4 items, within the last year; some are out of stock', async () => {
  const orders = await db.selectFrom('orders').selectAll().execute();
  assert.ok(orders.every((o) => o.currency === 'JPY' && Number.isInteger(o.total) && o.total > 0));
  const yearAgo = new Date(NOW.getTime() - 366 * 86_400_000).toISOString();
  assert.ok(orders.filter((o) => o.customer_id !== DEMO_CUSTOMER_ID).every((o) => o.created_at >= yearAgo && o.created_at <= NOW.toISOString()));
  const items = await db.selectFrom('order_items').select(['order_id']).execute();
  const per = new Map<string, number>();
  for (const i of items) per.set(i.order_id, (per.get(i.order_id) ?? 0) + 1);
  assert.ok([...per.values()].every((n) => n >= 1 && n <= 4));
  const outOfStock = await db.selectFrom('products').select('id').where('in_stock', '=', 0).execute();
  assert.ok(outOfStock.length >= 1);
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
