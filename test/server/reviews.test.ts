import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Database } from '../../server/db.ts';
import type { PendingReviews, ProductReviews, Ratings, ReviewsCreated } from '../../contract/types.ts';
import { makeDb, makeApp, addCustomer, addEntry, bearer, ledgerSum, NOW, PROGRAM, STORE, daysFromNow } from './helpers.ts';
import { addOrder, addProduct, orderBearer } from './reviews-fixtures.ts';

let db: Database;
let app: FastifyInstance;
const BASE = `/v1/stores/${STORE}`;
let keySeq = 0;

before(async () => {
  db = await makeDb();
  // The test program plus 50 points per review.
  await db
    .updateTable('stores')
    .set({ program: JSON.stringify({ ...PROGRAM, earn: [...PROGRAM.earn, { kind: 'review', points: 50 }] }) })
    .where('id', '=', STORE)
    .execute();
  app = await makeApp(db);
  await addProduct(db, 'p-tea', 'Sencha');
  await addProduct(db, 'p-cup', 'Cup');
  await addProduct(db, 'p-pot', 'Teapot');
  await addProduct(db, 'p-agg', 'Matcha');
  for (const id of ['cus_a', 'cus_b', 'cus_c', 'cus_d']) await addCustomer(db, id);
  await addEntry(db, 'cus_a', 'purchase', 200, 10, 355, 'o-a1');
  // p-gone is no longer in the catalogue: only the order line knows its title.
  await addOrder(db, { id: 'o-a1', customerId: 'cus_a', items: ['p-tea', 'p-cup', 'p-gone'], daysAgo: 5 });
  await addOrder(db, { id: 'o-b1', customerId: 'cus_b', items: ['p-tea', 'p-pot'] });
  await addOrder(db, { id: 'o-c-old', customerId: 'cus_c', items: ['p-tea', 'p-cup'], daysAgo: 40 });
  await addOrder(db, { id: 'o-c-new', customerId: 'cus_c', items: ['p-tea'], daysAgo: 4 });
  await addOrder(db, { id: 'o-c-void', customerId: 'cus_c', items: ['p-tea'], daysAgo: 1, status: 'cancelled' });
  await addOrder(db, { id: 'o-d1', customerId: 'cus_d', items: ['p-tea', 'p-cup', 'p-pot'] });
  await addOrder(db, { id: 'g-1', customerId: null, items: ['p-pot', 'p-tea'] });
  await addOrder(db, { id: 'g-2', customerId: null, items: ['p-cup'] });
});
after(async () => {
  await app.close();
  await db.destroy();
});

function assertProblem(res: LightMyRequestResponse, status: number, code: string, field?: string) {
  assert.equal(res.statusCode, status, res.body);
  assert.match(res.headers['content-type'] as string, /^application\/problem\+json/);
  assert.equal(res.json().code, code);
  if (field !== undefined) assert.equal(res.json().field, field);
}

const pending = (query: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url: `${BASE}/reviews/pending?${query}`, headers });

const post = (body: unknown, headers: Record<string, string>, key = `rev-${++keySeq}`) =>
  app.inject({ method: 'POST', url: `${BASE}/reviews`, headers: { ...headers, 'idempotency-key': key }, payload: body as object });

const reviewRows = (orderId: string) => db.selectFrom('reviews').selectAll().where('order_id', '=', orderId).orderBy('product_id').execute();
const reviewLedger = (customerId: string) =>
  db.selectFrom('points_ledger').selectAll().where('customer_id', '=', customerId).where('kind', '=', 'review').orderBy('ref').execute();

test('pending by order, customer token: unrated items with catalogue data (order-line title fallback) and points per review', async () => {
  const res = await pending('order=o-a1', await bearer('cus_a'));
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.headers['cache-control'], 'private, no-store');
  assert.deepEqual(res.json<PendingReviews>(), {
    orderId: 'o-a1',
    pointsPerReview: 50,
    items: [
      { productId: 'p-cup', title: 'Cup', url: '/products/p-cup', image: '/img/p-cup.jpg' },
      { productId: 'p-gone', title: 'Item p-gone', url: null, image: null },
      { productId: 'p-tea', title: 'Sencha', url: '/products/p-tea', image: '/img/p-tea.jpg' },
    ],
  });
});

test('pending by order, order token of a guest order: the items, no points', async () => {
  const res = await pending('order=g-2', await orderBearer('g-2'));
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(res.json<PendingReviews>(), {
    orderId: 'g-2',
    pointsPerReview: 0,
    items: [{ productId: 'p-cup', title: 'Cup', url: '/products/p-cup', image: '/img/p-cup.jpg' }],
  });
});

test('pending: another customer, another order token and a missing order all get 404 order_not_found; no token 401', async () => {
  assertProblem(await pending('order=o-a1', await bearer('cus_b')), 404, 'order_not_found', '/order');
  assertProblem(await pending('order=o-a1', await orderBearer('g-1')), 404, 'order_not_found', '/order');
  assertProblem(await pending('order=nope', await bearer('cus_a')), 404, 'order_not_found', '/order');
  assertProblem(await pending('order=o-a1'), 401, 'token_missing');
  assertProblem(await pending('order=o-a1', { authorization: 'Bearer x.y.z' }), 401, 'token_invalid');
  assertProblem(await pending('order=o-a1', await bearer('cus_a', { store: 'other-store' })), 401, 'token_invalid');
});

test('pending: exactly one of order / product, ids bounded', async () => {
  const auth = await bearer('cus_a');
  assertProblem(await pending('', auth), 400, 'validation_failed', '/order');
  assertProblem(await pending('order=o-a1&product=p-tea', auth), 400, 'validation_failed', '/order');
  assertProblem(await pending(`order=${'x'.repeat(129)}`, auth), 400, 'validation_failed', '/order');
  assertProblem(await pending('order=o-a1&extra=1', auth), 400, 'validation_failed', '/extra');
  assertProblem(await pending('order=%00', auth), 400, 'validation_failed', '/order');
});

test('post: a customer rates two items → 201, verified reviews stored trimmed, points per review in the ledger, balance', async () => {
  const before = await ledgerSum(db, 'cus_a');
  const res = await post(
    {
      order: 'o-a1',
      items: [
        { product: 'p-tea', rating: 5, title: '  Lovely  ', body: ' <b>Great</b> tea \n' },
        { product: 'p-gone', rating: 3, title: '   ', body: '' },
      ],
      locale: 'en',
      author: ' Aiko ',
    },
    await bearer('cus_a'),
  );
  assert.equal(res.statusCode, 201, res.body);
  const body = res.json<ReviewsCreated>();
  assert.equal(body.pointsEarned, 100);
  assert.equal(body.balance, before + 100);
  assert.deepEqual(
    body.reviews.map((r) => [r.productId, r.rating, r.verified, r.createdAt]),
    [
      ['p-tea', 5, true, NOW.toISOString()],
      ['p-gone', 3, true, NOW.toISOString()],
    ],
  );
  assert.match(body.reviews[0]!.id, /^rev_[0-9a-z]{16}$/);

  const rows = await reviewRows('o-a1');
  assert.deepEqual(
    rows.map((r) => [r.product_id, r.rating, r.title, r.body, r.author, r.locale, r.verified, r.customer_id, r.points]),
    [
      ['p-gone', 3, null, null, 'Aiko', 'en', 1, 'cus_a', 50],
      // Stored as given (trimmed): the widgets render text as text.
      ['p-tea', 5, 'Lovely', '<b>Great</b> tea', 'Aiko', 'en', 1, 'cus_a', 50],
    ],
  );
  const ledger = await reviewLedger('cus_a');
  assert.deepEqual(
    ledger.map((e) => [e.ref, e.points, e.note, e.created_at, e.expires_at]),
    [
      ['o-a1:p-gone', 50, 'Item p-gone', NOW.toISOString(), daysFromNow(365)],
      ['o-a1:p-tea', 50, 'Sencha', NOW.toISOString(), daysFromNow(365)],
    ],
  );
  assert.equal(await ledgerSum(db, 'cus_a'), before + 100);

  // Rated items are not asked again.
  const left = await pending('order=o-a1', await bearer('cus_a'));
  assert.deepEqual(
    left.json<PendingReviews>().items.map((i) => i.productId),
    ['p-cup'],
  );
});

test('post: the same Idempotency-Key and body replays the answer, nothing doubled; another body with it → 422', async () => {
  const auth = await bearer('cus_d');
  const body = { order: 'o-d1', items: [{ product: 'p-pot', rating: 4 }] };
  const first = await post(body, auth, 'rev-replay');
  assert.equal(first.statusCode, 201, first.body);
  const again = await post(body, auth, 'rev-replay');
  assert.equal(again.statusCode, 201);
  assert.equal(again.headers['idempotent-replayed'], 'true');
  assert.deepEqual(again.json(), first.json());
  assert.equal((await reviewRows('o-d1')).length, 1);
  assert.equal((await reviewLedger('cus_d')).length, 1);
  assertProblem(await post({ ...body, items: [{ product: 'p-pot', rating: 5 }] }, auth, 'rev-replay'), 422, 'idempotency_key_reused');
  assertProblem(await app.inject({ method: 'POST', url: `${BASE}/reviews`, headers: auth, payload: body }), 400, 'idempotency_key_required');
});

test('post: a second review of an item is refused (409 already_reviewed), the whole request writes nothing', async () => {
  const auth = await bearer('cus_a');
  const ledgerBefore = await ledgerSum(db, 'cus_a');
  const res = await post({ order: 'o-a1', items: [{ product: 'p-cup', rating: 4 }, { product: 'p-tea', rating: 1 }] }, auth);
  assertProblem(res, 409, 'already_reviewed', '/items/1/product');
  const rows = await reviewRows('o-a1');
  assert.deepEqual(
    rows.map((r) => [r.product_id, r.rating]),
    [
      ['p-gone', 3],
      ['p-tea', 5],
    ],
  );
  assert.equal(await ledgerSum(db, 'cus_a'), ledgerBefore);
  assert.equal((await reviewLedger('cus_a')).length, 2);
});

test('post: concurrent reviews of one item (different keys) store one review and one ledger entry', async () => {
  const auth = await bearer('cus_d');
  const results = await Promise.all(
    Array.from({ length: 8 }, (_, i) => post({ order: 'o-d1', items: [{ product: 'p-cup', rating: 1 + (i % 5) }] }, auth, `rev-race-${i}`)),
  );
  const codes = results.map((r) => r.statusCode).sort();
  assert.deepEqual(codes, [201, 409, 409, 409, 409, 409, 409, 409], results.map((r) => r.body).join('\n'));
  for (const r of results) if (r.statusCode === 409) assert.equal(r.json().code, 'already_reviewed');
  assert.equal((await db.selectFrom('reviews').select('id').where('order_id', '=', 'o-d1').where('product_id', '=', 'p-cup').execute()).length, 1);
  assert.deepEqual(
    (await reviewLedger('cus_d')).map((e) => e.ref),
    ['o-d1:p-cup', 'o-d1:p-pot'],
  );
});

test('post: a product not in the order → 409 item_not_in_order; a product twice → 400; nothing written', async () => {
  const auth = await bearer('cus_b');
  assertProblem(await post({ order: 'o-b1', items: [{ product: 'p-tea', rating: 5 }, { product: 'p-cup', rating: 5 }] }, auth), 409, 'item_not_in_order', '/items/1/product');
  assertProblem(await post({ order: 'o-b1', items: [{ product: 'p-tea', rating: 5 }, { product: 'p-tea', rating: 4 }] }, auth), 400, 'validation_failed', '/items/1/product');
  assert.equal((await reviewRows('o-b1')).length, 0);
  assert.equal((await reviewLedger('cus_b')).length, 0);
});

test('post: only the buyer: another customer, another order token → 404; no token → 401', async () => {
  const body = { order: 'o-b1', items: [{ product: 'p-tea', rating: 5 }] };
  assertProblem(await post(body, await bearer('cus_a')), 404, 'order_not_found', '/order');
  assertProblem(await post(body, await orderBearer('g-1')), 404, 'order_not_found', '/order');
  assertProblem(await post({ ...body, order: 'missing' }, await bearer('cus_b')), 404, 'order_not_found', '/order');
  assertProblem(await post(body, {}), 401, 'token_missing');
  assert.equal((await reviewRows('o-b1')).length, 0);
});

test('post: validation names the field', async () => {
  const auth = await bearer('cus_b');
  const one = (item: object) => ({ order: 'o-b1', items: [{ product: 'p-tea', rating: 5, ...item }] });
  assertProblem(await post(one({ rating: 0 }), auth), 400, 'validation_failed', '/items/0/rating');
  assertProblem(await post(one({ rating: 6 }), auth), 400, 'validation_failed', '/items/0/rating');
  assertProblem(await post(one({ rating: 3.5 }), auth), 400, 'validation_failed', '/items/0/rating');
  assertProblem(await post(one({ rating: '5' }), auth), 400, 'validation_failed', '/items/0/rating');
  assertProblem(await post(one({ title: 'x'.repeat(121) }), auth), 400, 'validation_failed', '/items/0/title');
  assertProblem(await post(one({ body: 'x'.repeat(2001) }), auth), 400, 'validation_failed', '/items/0/body');
  assertProblem(await post(one({ verified: false }), auth), 400, 'validation_failed', '/items/0/verified');
  assertProblem(await post({ order: 'o-b1', items: [] }, auth), 400, 'validation_failed', '/items');
  const many = Array.from({ length: 51 }, (_, i) => ({ product: `p${i}`, rating: 5 }));
  assertProblem(await post({ order: 'o-b1', items: many }, auth), 400, 'validation_failed', '/items');
  assertProblem(await post({ ...one({}), locale: 'fr' }, auth), 400, 'validation_failed', '/locale');
  assertProblem(await post({ ...one({}), author: 'x'.repeat(61) }, auth), 400, 'validation_failed', '/author');
  assertProblem(await post({ items: [{ product: 'p-tea', rating: 5 }] }, auth), 400, 'validation_failed', '/order');
  // NUL cannot be stored (PostgreSQL text) and control characters have no place in ids.
  assertProblem(await post(one({ body: 'fine\u0000tea' }), auth), 400, 'validation_failed', '/items/0/body');
  assertProblem(await post(one({ product: 'p-\u0001' }), auth), 400, 'validation_failed', '/items/0/product');
  assertProblem(await post({ ...one({}), order: 'o-b1\u0000' }, auth), 400, 'validation_failed', '/order');
  assert.equal((await reviewRows('o-b1')).length, 0);
});

test('post with the order token of a guest order: verified reviews, no points, balance null', async () => {
  const res = await post({ order: 'g-1', items: [{ product: 'p-pot', rating: 2 }, { product: 'p-tea', rating: 4 }] }, await orderBearer('g-1'));
  assert.equal(res.statusCode, 201, res.body);
  const body = res.json<ReviewsCreated>();
  assert.equal(body.pointsEarned, 0);
  assert.equal(body.balance, null);
  const rows = await reviewRows('g-1');
  assert.deepEqual(
    rows.map((r) => [r.product_id, r.rating, r.customer_id, r.verified, r.points]),
    [
      ['p-pot', 2, null, 1, 0],
      ['p-tea', 4, null, 1, 0],
    ],
  );
  assert.equal((await db.selectFrom('points_ledger').select('id').where('ref', 'like', 'g-1:%').execute()).length, 0);
});

test("post with the order token of a customer's order: the customer earns, the token holder does not see the balance", async () => {
  const before = await ledgerSum(db, 'cus_b');
  const res = await post({ order: 'o-b1', items: [{ product: 'p-pot', rating: 5 }] }, await orderBearer('o-b1'));
  assert.equal(res.statusCode, 201, res.body);
  assert.equal(res.json<ReviewsCreated>().pointsEarned, 50);
  assert.equal(res.json<ReviewsCreated>().balance, null);
  assert.equal(await ledgerSum(db, 'cus_b'), before + 50);
  assert.deepEqual(
    (await reviewLedger('cus_b')).map((e) => e.ref),
    ['o-b1:p-pot'],
  );
});

test('a cancelled order has nothing to rate: pending empty, post 409 order_cancelled', async () => {
  const auth = await bearer('cus_c');
  assert.deepEqual(
    (await pending('order=o-c-void', auth)).json<PendingReviews>().items,
    [],
  );
  assertProblem(await post({ order: 'o-c-void', items: [{ product: 'p-tea', rating: 5 }] }, auth), 409, 'order_cancelled', '/order');
});

test('pending by product: the newest unrated order with it, then the older one, then none; unknown product 404', async () => {
  const auth = await bearer('cus_c');
  const first = (await pending('product=p-tea', auth)).json<PendingReviews>();
  assert.deepEqual(first, {
    orderId: 'o-c-new',
    pointsPerReview: 50,
    items: [{ productId: 'p-tea', title: 'Sencha', url: '/products/p-tea', image: '/img/p-tea.jpg' }],
  });
  assert.equal((await post({ order: 'o-c-new', items: [{ product: 'p-tea', rating: 4 }] }, auth)).statusCode, 201);
  assert.equal((await pending('product=p-tea', auth)).json<PendingReviews>().orderId, 'o-c-old');
  assert.equal((await post({ order: 'o-c-old', items: [{ product: 'p-tea', rating: 4 }] }, auth)).statusCode, 201);
  assert.deepEqual((await pending('product=p-tea', auth)).json<PendingReviews>(), { orderId: null, items: [], pointsPerReview: 0 });
  // Known through an order line only.
  assert.equal((await pending('product=p-gone', auth)).statusCode, 200);
  // An order token finds its own order.
  assert.equal((await pending('product=p-cup', await orderBearer('g-2'))).json<PendingReviews>().orderId, 'g-2');
  assertProblem(await pending('product=p-unknown', auth), 404, 'product_not_found', '/product');
  assertProblem(await pending('product=p-tea'), 401, 'token_missing');
});

async function insertReviews(productId: string, ratings: number[]): Promise<void> {
  for (const [i, rating] of ratings.entries()) {
    await db
      .insertInto('reviews')
      .values({
        id: `rev_${productId}_${i}`,
        store_id: STORE,
        product_id: productId,
        order_id: `agg-order-${i}`,
        customer_id: null,
        rating,
        title: `Title ${i}`,
        body: null,
        author: i === 0 ? 'Ken' : null,
        locale: 'ja',
        verified: 1,
        points: 0,
        created_at: daysFromNow(-10 + i),
      })
      .execute();
  }
}

test('product reviews: exact average, count, distribution, newest first, pages, AggregateRating, public cache', async () => {
  await insertReviews('p-agg', [5, 4, 4, 3, 1, 5]);
  const res = await app.inject({ method: 'GET', url: `${BASE}/products/p-agg/reviews?limit=2&offset=1` });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.headers['cache-control'], 'public, max-age=60');
  const body = res.json<ProductReviews>();
  // (5+4+4+3+1+5)/6 = 3.666… → 3.7
  assert.equal(body.average, 3.7);
  assert.equal(body.count, 6);
  assert.deepEqual(body.distribution, { '1': 1, '2': 0, '3': 1, '4': 2, '5': 2 });
  assert.deepEqual(
    body.reviews.map((r) => [r.id, r.rating, r.title, r.body, r.author, r.locale, r.verified, r.createdAt]),
    [
      ['rev_p-agg_4', 1, 'Title 4', null, null, 'ja', true, daysFromNow(-6)],
      ['rev_p-agg_3', 3, 'Title 3', null, null, 'ja', true, daysFromNow(-7)],
    ],
  );
  assert.deepEqual(body.aggregateRating, {
    '@context': 'https://schema.org',
    '@type': 'AggregateRating',
    ratingValue: 3.7,
    reviewCount: 6,
    bestRating: 5,
    worstRating: 1,
    itemReviewed: { '@type': 'Product', name: 'Matcha' },
  });
  const all = (await app.inject({ method: 'GET', url: `${BASE}/products/p-agg/reviews` })).json<ProductReviews>();
  assert.equal(all.reviews.length, 6);
  assert.equal(all.reviews[5]!.author, 'Ken');
});

test('product reviews: reviews written through the API count; a product without reviews answers zeros and no AggregateRating', async () => {
  // p-tea: 5 (cus_a), 4 (guest g-1), 4 and 4 (cus_c).
  const tea = (await app.inject({ method: 'GET', url: `${BASE}/products/p-tea/reviews` })).json<ProductReviews>();
  assert.equal(tea.count, 4);
  assert.equal(tea.average, 4.3);
  assert.deepEqual(tea.distribution, { '1': 0, '2': 0, '3': 0, '4': 3, '5': 1 });
  const tagged = tea.reviews.find((r) => r.author === 'Aiko')!;
  assert.equal(tagged.title, 'Lovely');
  assert.equal(tagged.body, '<b>Great</b> tea');

  const none = await app.inject({ method: 'GET', url: `${BASE}/products/p-none/reviews` });
  assert.equal(none.statusCode, 200);
  assert.deepEqual(none.json<ProductReviews>(), {
    productId: 'p-none',
    average: 0,
    count: 0,
    distribution: { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 },
    reviews: [],
    aggregateRating: null,
  });
  // With reviews but no catalogue entry: no itemReviewed.
  const gone = (await app.inject({ method: 'GET', url: `${BASE}/products/p-gone/reviews` })).json<ProductReviews>();
  assert.equal(gone.aggregateRating?.reviewCount, 1);
  assert.equal(gone.aggregateRating?.itemReviewed, undefined);
});

test('product reviews: limit and offset are validated', async () => {
  for (const q of ['limit=0', 'limit=51', 'limit=abc', 'limit=-1']) {
    assertProblem(await app.inject({ method: 'GET', url: `${BASE}/products/p-agg/reviews?${q}` }), 400, 'validation_failed', '/limit');
  }
  assertProblem(await app.inject({ method: 'GET', url: `${BASE}/products/p-agg/reviews?offset=1.5` }), 400, 'validation_failed', '/offset');
  assertProblem(await app.inject({ method: 'GET', url: `${BASE}/products/p%00/reviews` }), 400, 'validation_failed', '/product');
  assertProblem(await app.inject({ method: 'GET', url: `/v1/stores/no-such-store/products/p-agg/reviews` }), 404, 'store_not_found');
  const last = (await app.inject({ method: 'GET', url: `${BASE}/products/p-agg/reviews?limit=50&offset=999999` })).json<ProductReviews>();
  assert.deepEqual(last.reviews, []);
  assert.equal(last.count, 6);
});

test('ratings for a listing: in the order asked, duplicates removed, zeros for unrated; bounded', async () => {
  const res = await app.inject({ method: 'GET', url: `${BASE}/ratings?products=p-agg,p-none,p-tea,p-agg` });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.headers['cache-control'], 'public, max-age=60');
  assert.deepEqual(res.json<Ratings>(), {
    ratings: [
      { productId: 'p-agg', average: 3.7, count: 6 },
      { productId: 'p-none', average: 0, count: 0 },
      { productId: 'p-tea', average: 4.3, count: 4 },
    ],
  });
  const ids = (n: number) => Array.from({ length: n }, (_, i) => `p${i}`).join(',');
  assert.equal((await app.inject({ method: 'GET', url: `${BASE}/ratings?products=${ids(50)}` })).json<Ratings>().ratings.length, 50);
  assertProblem(await app.inject({ method: 'GET', url: `${BASE}/ratings?products=${ids(51)}` }), 400, 'validation_failed', '/products');
  assertProblem(await app.inject({ method: 'GET', url: `${BASE}/ratings?products=a,,b` }), 400, 'validation_failed', '/products');
  assertProblem(await app.inject({ method: 'GET', url: `${BASE}/ratings?products=a,%00` }), 400, 'validation_failed', '/products');
  assertProblem(await app.inject({ method: 'GET', url: `${BASE}/ratings?products=${'x'.repeat(129)}` }), 400, 'validation_failed', '/products');
  assertProblem(await app.inject({ method: 'GET', url: `${BASE}/ratings` }), 400, 'validation_failed', '/products');
});
