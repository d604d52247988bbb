import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../../server/db.ts';
import type { RecommendationEventsAccepted, Recommendations } from '../../contract/types.ts';
import { RANKING_TTL_MS } from '../../server/recommendations.ts';
import { makeDb, makeApp, bearer, NOW, STORE } from './helpers.ts';
import { addOrder, addProducts, addReview, QueryCounter } from './returns-fixtures.ts';

let db: Database;
let app: FastifyInstance;
const URL_ = `/v1/stores/${STORE}/recommendations`;

/*
 * The fixture, by hand (all orders recent unless noted):
 *   o1: a b c    o2: a b      o3: a c d     o4: a b h(out of stock)   o5: a gift(excluded by the store)
 *   o6: e×5      o7: f×3      o8: b e (customer cus-h)                 o9: a g (cancelled)
 *   o10: a z×9, 200 days ago (counts as a co-purchase, not as a recent best seller)
 * Co-purchases of a (distinct orders): b 3, c 2, d 1, h 1, gift 1, z 1; g 0 (cancelled).
 * Best sellers, 90 days, units: e 6, a 5, b 4, f 3, c 2, d 1, gift 1, h 1.
 * cus-h bought b and e; co-purchases of {b, e} without them: a 3 (o1 o2 o4), c 1, h 1.
 */
before(async () => {
  db = await makeDb();
  await db.updateTable('stores').set({ settings: JSON.stringify({ recommendations: { exclude: ['gift'] } }) }).where('id', '=', STORE).execute();
  await addProducts(db, [
    { id: 'a', price: 1000 },
    { id: 'b', price: 1200, title: 'Bancha' },
    { id: 'c' },
    { id: 'd' },
    { id: 'e' },
    { id: 'f' },
    { id: 'g' },
    { id: 'h', inStock: false },
    { id: 'gift' },
    { id: 'z' },
  ]);
  const orders: [string, [string, number][], { daysAgo?: number; status?: 'cancelled'; customerId?: string }?][] = [
    ['o1', [['a', 1], ['b', 1], ['c', 1]]],
    ['o2', [['a', 1], ['b', 1]]],
    ['o3', [['a', 1], ['c', 1], ['d', 1]]],
    ['o4', [['a', 1], ['b', 1], ['h', 1]]],
    ['o5', [['a', 1], ['gift', 1]]],
    ['o6', [['e', 5]]],
    ['o7', [['f', 3]]],
    ['o8', [['b', 1], ['e', 1]], { customerId: 'cus-h' }],
    ['o9', [['a', 1], ['g', 1]], { status: 'cancelled' }],
    ['o10', [['a', 1], ['z', 9]], { daysAgo: 200 }],
  ];
  for (const [id, items, extra] of orders) {
    await addOrder(db, { id, items: items.map(([productId, quantity]) => ({ productId, quantity })), daysAgo: extra?.daysAgo ?? 5, ...(extra?.status ? { status: extra.status } : {}), customerId: extra?.customerId ?? null });
  }
  await addReview(db, 'b', 'o1', 5);
  await addReview(db, 'b', 'o2', 4);
  await addReview(db, 'c', 'o1', 3);
  app = await makeApp(db);
});
after(async () => {
  await app.close();
  await db.destroy();
});

const get = async (query: string, headers: Record<string, string> = {}, on: FastifyInstance = app) => {
  const res = await on.inject({ method: 'GET', url: `${URL_}${query}`, headers });
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json<Recommendations>();
  assert.equal(new Set(body.products.map((p) => p.id)).size, body.products.length, 'no duplicates');
  return { body, ids: body.products.map((p) => p.id), res };
};

test('co-purchases first (by shared orders, ties by id), then best sellers; full product cards', async () => {
  const { body, ids, res } = await get('?product=a');
  // z (an old co-purchase) still counts; h (out of stock) and gift (excluded) never appear.
  assert.deepEqual(ids, ['b', 'c', 'd', 'z', 'e', 'f']);
  assert.equal(body.productId, 'a');
  assert.equal(body.source, 'mixed');
  assert.deepEqual(body.products[0], {
    id: 'b',
    title: 'Bancha',
    url: '/products/b',
    image: 'https://img.test/b.jpg',
    price: 1200,
    currency: 'JPY',
    rating: { average: 4.5, count: 2 },
  });
  assert.deepEqual(body.products[1]!.rating, { average: 3, count: 1 });
  assert.deepEqual(body.products[2]!.rating, { average: 0, count: 0 });
  assert.equal(res.headers['cache-control'], 'public, max-age=300');
});

test('limit is respected; a list from one source names it', async () => {
  const two = await get('?product=a&limit=2');
  assert.deepEqual(two.ids, ['b', 'c']);
  assert.equal(two.body.source, 'co_purchase');
  const one = await get('?product=a&limit=1');
  assert.deepEqual(one.ids, ['b']);
  const eight = await get('?product=zzz-unknown');
  assert.equal(eight.ids.length, 6); // every in-stock, not excluded best seller
});

test('exclude: listed ids never appear (also when they would be best sellers)', async () => {
  const { ids } = await get('?product=a&exclude=c,%20e');
  assert.deepEqual(ids, ['b', 'd', 'z', 'f']);
});

test('the current product never appears, not even as a best seller', async () => {
  const { ids, body } = await get('?product=e');
  // Co-purchases of e: b (o8). Then best sellers without e: a, (b), f, c, d.
  assert.deepEqual(ids, ['b', 'a', 'f', 'c', 'd']);
  assert.equal(body.source, 'mixed');
  assert.ok(!ids.includes('e'));
});

test('unknown or missing product: best sellers', async () => {
  const unknown = await get('?product=zzz-unknown&limit=4');
  assert.deepEqual(unknown.ids, ['e', 'a', 'b', 'f']);
  assert.equal(unknown.body.source, 'best_sellers');
  assert.equal(unknown.body.productId, 'zzz-unknown');
  const none = await get('?limit=4');
  assert.deepEqual(none.ids, ['e', 'a', 'b', 'f']);
  assert.equal(none.body.productId, null);
});

test("a signed-in shopper: co-purchases of their history (not what they bought), then best sellers", async () => {
  const auth = await bearer('cus-h');
  const two = await get('?product=zzz-unknown&limit=2', auth);
  assert.deepEqual(two.ids, ['a', 'c']);
  assert.equal(two.body.source, 'history');
  assert.equal(two.res.headers['cache-control'], 'private, max-age=300');
  const all = await get('?limit=24', auth);
  // History: a, c (h is out of stock); then best sellers: e, b, f, d (a, c already listed).
  assert.deepEqual(all.ids, ['a', 'c', 'e', 'b', 'f', 'd']);
  assert.equal(all.body.source, 'mixed');
  // With a product: its co-purchases come first.
  const withProduct = await get('?product=d', auth);
  assert.deepEqual(withProduct.ids, ['a', 'c', 'e', 'b', 'f']);
  // A shopper without orders gets what a guest gets.
  const fresh = await get('?limit=4', await bearer('cus-new'));
  assert.deepEqual(fresh.ids, ['e', 'a', 'b', 'f']);
  assert.equal(fresh.body.source, 'best_sellers');
  // A bad token is refused, not treated as a guest.
  const bad = await app.inject({ method: 'GET', url: URL_, headers: { authorization: 'Bearer nope' } });
  assert.equal(bad.statusCode, 401);
});

test('rankings are cached for a minute; stock is checked on every read', async () => {
  let clock = NOW;
  const counter = new QueryCounter();
  const cached = await makeApp(db.withPlugin(counter), { now: () => clock });
  try {
    assert.deepEqual((await get('?product=c', {}, cached)).ids, ['a', 'b', 'd', 'e', 'f']);
    const first = counter.count;
    assert.deepEqual((await get('?product=c', {}, cached)).ids, ['a', 'b', 'd', 'e', 'f']);
    // The second read: store, stock and ratings only (no ranking queries).
    const second = counter.count - first;
    assert.equal(second, 3);

    await db.updateTable('products').set({ in_stock: 0 }).where('store_id', '=', STORE).where('id', '=', 'b').execute();
    await addOrder(db, { id: 'o-new', items: [{ productId: 'c' }, { productId: 'g', quantity: 50 }], daysAgo: 0 });
    try {
      // Out of stock at once; the new co-purchase only once the cached ranking expires.
      assert.deepEqual((await get('?product=c', {}, cached)).ids, ['a', 'd', 'e', 'f']);
      clock = new Date(NOW.getTime() + RANKING_TTL_MS + 1);
      assert.deepEqual((await get('?product=c', {}, cached)).ids, ['a', 'd', 'g', 'e', 'f']);
    } finally {
      await db.updateTable('products').set({ in_stock: 1 }).where('store_id', '=', STORE).where('id', '=', 'b').execute();
      await db.deleteFrom('order_items').where('order_id', '=', 'o-new').execute();
      await db.deleteFrom('orders').where('id', '=', 'o-new').execute();
    }
  } finally {
    await cached.close();
  }
});

test('query validation: limit 1..24, at most 50 excluded ids, no unknown parameters', async () => {
  for (const [query, field] of [
    ['?limit=0', '/limit'],
    ['?limit=25', '/limit'],
    ['?limit=abc', '/limit'],
    [`?exclude=${Array.from({ length: 51 }, (_, i) => `p${i}`).join(',')}`, '/exclude'],
    ['?product=', '/product'],
    ['?foo=1', '/foo'],
  ] as const) {
    const res = await app.inject({ method: 'GET', url: `${URL_}${query}` });
    assert.equal(res.statusCode, 400, query);
    assert.equal(res.json().code, 'validation_failed');
    assert.equal(res.json().field, field, query);
  }
});

test('events: known products are stored, unknown ones dropped; a retried batch is stored once', async () => {
  const events = [
    { kind: 'impression', productId: 'b', sourceProductId: 'a', position: 0, visitorId: 'v-1' },
    { kind: 'impression', productId: 'c', sourceProductId: 'a', position: 1, visitorId: 'v-1' },
    { kind: 'impression', productId: 'nope', sourceProductId: 'a', position: 2, visitorId: 'v-1' },
    { kind: 'click', productId: 'b' },
  ];
  const send = (key: string, payload: unknown) =>
    app.inject({ method: 'POST', url: `${URL_}/events`, headers: { 'idempotency-key': key }, payload: payload as object });
  const res = await send('ev-1', { events });
  assert.equal(res.statusCode, 202, res.body);
  assert.deepEqual(res.json<RecommendationEventsAccepted>(), { accepted: 3, dropped: 1 });
  const rows = await db
    .selectFrom('rec_events')
    .select(['store_id', 'kind', 'product_id', 'source_product_id', 'visitor_id', 'position', 'created_at'])
    .orderBy('kind')
    .orderBy('product_id')
    .execute();
  const at = NOW.toISOString();
  assert.deepEqual(rows, [
    { store_id: STORE, kind: 'click', product_id: 'b', source_product_id: null, visitor_id: null, position: null, created_at: at },
    { store_id: STORE, kind: 'impression', product_id: 'b', source_product_id: 'a', visitor_id: 'v-1', position: 0, created_at: at },
    { store_id: STORE, kind: 'impression', product_id: 'c', source_product_id: 'a', visitor_id: 'v-1', position: 1, created_at: at },
  ]);
  const replay = await send('ev-1', { events });
  assert.equal(replay.headers['idempotent-replayed'], 'true');
  assert.equal((await db.selectFrom('rec_events').select('id').execute()).length, 3);

  const allUnknown = await send('ev-2', { events: [{ kind: 'click', productId: 'nope' }] });
  assert.deepEqual(allUnknown.json(), { accepted: 0, dropped: 1 });

  for (const [payload, field] of [
    [{ events: [] }, '/events'],
    [{ events: [{ kind: 'hover', productId: 'b' }] }, '/events/0/kind'],
    [{ events: [{ kind: 'click', productId: 'b', position: 201 }] }, '/events/0/position'],
    [{ events: Array.from({ length: 101 }, () => ({ kind: 'click', productId: 'b' })) }, '/events'],
  ] as const) {
    const bad = await send(`ev-bad-${field}-${JSON.stringify(payload).length}`, payload);
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().field, field);
  }
  const noKey = await app.inject({ method: 'POST', url: `${URL_}/events`, payload: { events } });
  assert.equal(noKey.json().code, 'idempotency_key_required');
  assert.equal((await db.selectFrom('rec_events').select('id').execute()).length, 3);
});
