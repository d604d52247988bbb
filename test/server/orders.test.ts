import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../../server/db.ts';
import type { Order, OrderIngestResult, ProductUpsertResult, RefundResult, Session } from '../../contract/types.ts';
import { signWebhook } from '../../server/admin.ts';
import { makeDb, makeApp, addCustomer, bearer, ledgerSum, daysFromNow, DAY, NOW, SECRET, OLD_SECRET, STORE } from './helpers.ts';
import { admin, assertProblem, ingest, ledgerOf, orderBody, ORDERS, PRODUCTS, YieldPlugin } from './orders-fixtures.ts';

let db: Database;
let app: FastifyInstance;

before(async () => {
  db = await makeDb();
  app = await makeApp(db);
  const res = await admin(app, 'PUT', PRODUCTS, {
    products: [
      { id: 'tea-1', title: 'Sencha', url: '/p/tea-1', image: 'https://cdn.test/tea-1.jpg', price: 3000 },
      { id: 'cup-1', title: 'Cup', url: '/p/cup-1', price: 4000, finalSale: true },
    ],
  });
  assert.equal(res.statusCode, 200, res.body);
});
after(async () => {
  await app.close();
  await db.destroy();
});

const refund = (orderId: string, body: unknown) => admin(app, 'POST', `${ORDERS}/${encodeURIComponent(orderId)}/refunds`, body);

test('catalogue upsert: new products are created, known ones overwritten, counts returned', async () => {
  const res = await admin(app, 'PUT', PRODUCTS, {
    products: [
      { id: 'cup-1', title: 'Tea cup', url: 'https://shop.test/p/cup-1', image: '/img/cup.png', price: 4500, inStock: false, finalSale: true },
      { id: 'pot-1', title: 'Teapot', url: '/p/pot-1', price: 9000 },
    ],
  });
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(res.json<ProductUpsertResult>(), { received: 2, created: 1, updated: 1 });
  const rows = await db.selectFrom('products').selectAll().where('store_id', '=', STORE).orderBy('id').execute();
  assert.deepEqual(
    rows.map((r) => [r.id, r.title, r.url, r.image, r.price, r.in_stock, r.final_sale]),
    [
      ['cup-1', 'Tea cup', 'https://shop.test/p/cup-1', '/img/cup.png', 4500, 0, 1],
      ['pot-1', 'Teapot', '/p/pot-1', '', 9000, 1, 0],
      ['tea-1', 'Sencha', '/p/tea-1', 'https://cdn.test/tea-1.jpg', 3000, 1, 0],
    ],
  );
});

test('catalogue upsert: bad input → 400 naming the field; too many products → 400', async () => {
  const p = { id: 'x-1', title: 'X', url: '/p/x', price: 1 };
  assertProblem(await admin(app, 'PUT', PRODUCTS, { products: [p, { ...p, title: 'Again' }] }), 400, 'validation_failed', '/products/1/id');
  assertProblem(await admin(app, 'PUT', PRODUCTS, { products: [{ ...p, url: 'javascript:alert(1)' }] }), 400, 'validation_failed', '/products/0/url');
  assertProblem(await admin(app, 'PUT', PRODUCTS, { products: [{ ...p, price: -1 }] }), 400, 'validation_failed', '/products/0/price');
  assertProblem(await admin(app, 'PUT', PRODUCTS, { products: [{ ...p, price: 1.5 }] }), 400, 'validation_failed', '/products/0/price');
  assertProblem(await admin(app, 'PUT', PRODUCTS, { products: [] }), 400, 'validation_failed', '/products');
  const many = Array.from({ length: 501 }, (_, i) => ({ ...p, id: `x-${i}` }));
  assertProblem(await admin(app, 'PUT', PRODUCTS, { products: many }), 400, 'validation_failed', '/products');
  // 500 products (about 30 KiB) fit the route's own body limit.
  const res = await admin(app, 'PUT', PRODUCTS, { products: many.slice(0, 500) });
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(res.json(), { received: 500, created: 500, updated: 0 });
  await db.deleteFrom('products').where('store_id', '=', STORE).where('id', 'like', 'x-%').execute();
});

test('ingest: 201, the order and items stored, purchase points credited once with the program expiry', async () => {
  const body = orderBody({ customerId: 'cus_a', customerName: 'Aiko Tanaka', postalCode: '150-0001', phone: '03-1234-5678' });
  const res = await ingest(app, body);
  assert.equal(res.statusCode, 201, res.body);
  const r = res.json<OrderIngestResult>();
  assert.equal(r.replayed, false);
  assert.equal(r.pointsEarned, 100); // 10,000 yen at 1 point per 100
  assert.equal(r.referral, null);
  assert.deepEqual(r.order, {
    id: body.id,
    number: body.number,
    customerId: 'cus_a',
    email: body.email,
    postalCode: '150-0001',
    phone: '03-1234-5678',
    currency: 'JPY',
    total: 10000,
    refundedTotal: 0,
    status: 'paid',
    createdAt: NOW.toISOString(),
    items: [
      // Titles and the final-sale flag come from the catalogue when the order does not give them.
      { productId: 'cup-1', title: 'Tea cup', quantity: 1, price: 4000, finalSale: true },
      { productId: 'tea-1', title: 'Sencha', quantity: 2, price: 3000, finalSale: false },
    ],
    refunds: [],
    pointsEarned: 100,
    pointsReversed: 0,
  });
  assert.deepEqual(await ledgerOf(db, 'cus_a'), [
    { kind: 'purchase', points: 100, ref: body.id, created_at: NOW.toISOString(), expires_at: daysFromNow(365), note: `Order ${body.number}` },
  ]);
  const customer = await db.selectFrom('customers').selectAll().where('store_id', '=', STORE).where('id', '=', 'cus_a').executeTakeFirstOrThrow();
  assert.equal(customer.name, 'Aiko Tanaka');
  assert.equal(customer.email, body.email);
  const stored = await db.selectFrom('orders').selectAll().where('id', '=', body.id).executeTakeFirstOrThrow();
  assert.match(stored.payload_hash ?? '', /^[0-9a-f]{64}$/);
  // The shopper sees the points.
  const session = await app.inject({ method: 'GET', url: `/v1/stores/${STORE}/session`, headers: await bearer('cus_a') });
  assert.equal(session.json<Session>().customer?.balance, 100);
});

test('ingest: an explicit total (after a discount) earns on what was paid; a token-created customer gets name and e-mail', async () => {
  await addCustomer(db, 'cus_b', '');
  await db.updateTable('customers').set({ email: null }).where('id', '=', 'cus_b').execute();
  const body = orderBody({ customerId: 'cus_b', customerName: 'Ben', total: 8550, items: [{ productId: 'tea-1', title: 'Gift sencha', quantity: 3, price: 3000 }] });
  const res = await ingest(app, body);
  assert.equal(res.statusCode, 201, res.body);
  const r = res.json<OrderIngestResult>();
  assert.equal(r.order.total, 8550);
  assert.equal(r.pointsEarned, 85);
  assert.deepEqual(r.order.items, [{ productId: 'tea-1', title: 'Gift sencha', quantity: 3, price: 3000, finalSale: false }]);
  assert.equal(await ledgerSum(db, 'cus_b'), 85);
  const c = await db.selectFrom('customers').selectAll().where('id', '=', 'cus_b').executeTakeFirstOrThrow();
  assert.equal(c.name, 'Ben');
  assert.equal(c.email, body.email);
  // A known name is not overwritten by a later order.
  await ingest(app, orderBody({ customerId: 'cus_b', customerName: 'Benjamin' }));
  assert.equal((await db.selectFrom('customers').select('name').where('id', '=', 'cus_b').executeTakeFirstOrThrow()).name, 'Ben');
});

test('ingest: a guest order earns nothing and writes no ledger entry', async () => {
  const before = await db.selectFrom('points_ledger').select('id').execute();
  const res = await ingest(app, orderBody());
  assert.equal(res.statusCode, 201, res.body);
  const r = res.json<OrderIngestResult>();
  assert.equal(r.pointsEarned, 0);
  assert.equal(r.order.customerId, null);
  assert.equal((await db.selectFrom('points_ledger').select('id').execute()).length, before.length);
});

test('replay: the same id and payload (keys in another order) → 200 replayed, nothing doubled', async () => {
  const body = orderBody({ customerId: 'cus_r' });
  const first = await ingest(app, body);
  assert.equal(first.statusCode, 201);
  const reordered = Object.fromEntries(Object.entries(body).reverse()) as typeof body;
  const second = await ingest(app, reordered);
  assert.equal(second.statusCode, 200, second.body);
  const r = second.json<OrderIngestResult>();
  assert.equal(r.replayed, true);
  assert.deepEqual(r.order, first.json<OrderIngestResult>().order);
  assert.equal(r.pointsEarned, 100);
  assert.deepEqual(
    (await ledgerOf(db, 'cus_r')).map((e) => [e.kind, e.points]),
    [['purchase', 100]],
  );
  assert.equal((await db.selectFrom('order_items').select('product_id').where('order_id', '=', body.id).execute()).length, 2);
});

test('conflict: the same id with another payload → 409 order_conflict; another id with a taken number → 409 order_number_taken', async () => {
  const body = orderBody({ customerId: 'cus_c' });
  assert.equal((await ingest(app, body)).statusCode, 201);
  assertProblem(await ingest(app, { ...body, total: 1 }), 409, 'order_conflict');
  assertProblem(await ingest(app, { ...body, id: 'other-id' }), 409, 'order_number_taken', '/number');
  assert.equal(await ledgerSum(db, 'cus_c'), 100);
  const row = await db.selectFrom('orders').selectAll().where('id', '=', body.id).executeTakeFirstOrThrow();
  assert.equal(row.total, 10000);
  assert.equal(await db.selectFrom('orders').select('id').where('id', '=', 'other-id').executeTakeFirst(), undefined);
});

test('validation: every bad field → 400 validation_failed naming it, nothing stored', async () => {
  const cases: [unknown, string][] = [
    [{ ...orderBody(), currency: 'USD' }, '/currency'],
    [{ ...orderBody(), currency: 'jpy' }, '/currency'],
    [{ ...orderBody(), email: 'not-an-email' }, '/email'],
    [{ ...orderBody(), email: undefined }, '/email'],
    [{ ...orderBody(), createdAt: 'yesterday' }, '/createdAt'],
    [{ ...orderBody(), createdAt: '2026-06-30T23:59:60Z' }, '/createdAt'],
    [{ ...orderBody(), total: -1 }, '/total'],
    [{ ...orderBody(), total: 2_000_000_001 }, '/total'],
    [{ ...orderBody(), items: [] }, '/items'],
    [{ ...orderBody(), items: [{ productId: 'a', quantity: 0, price: 1 }] }, '/items/0/quantity'],
    [{ ...orderBody(), items: [{ productId: 'a', quantity: 1, price: -5 }] }, '/items/0/price'],
    [{ ...orderBody(), items: [{ productId: 'a', quantity: 1, price: 1 }, { productId: 'a', quantity: 2, price: 1 }] }, '/items/1/productId'],
    [{ ...orderBody(), items: [{ productId: 'a', quantity: 10_000, price: 100_000_000 }, { productId: 'b', quantity: 10_000, price: 100_000_000 }] }, '/items'],
    [{ ...orderBody(), items: Array.from({ length: 101 }, (_, i) => ({ productId: `p${i}`, quantity: 1, price: 1 })) }, '/items'],
    [{ ...orderBody(), id: 'has space' }, '/id'],
    [{ ...orderBody(), id: 'x'.repeat(65) }, '/id'],
    [{ ...orderBody(), points: 5000 }, '/points'],
    [{ ...orderBody(), referral: { visitorId: 'short' } }, '/referral/visitorId'],
    [{ ...orderBody(), referral: { code: 'BAD CODE' } }, '/referral/code'],
  ];
  const count = async () => (await db.selectFrom('orders').select('id').execute()).length;
  const before = await count();
  for (const [body, field] of cases) {
    assertProblem(await admin(app, 'POST', ORDERS, body), 400, 'validation_failed', field);
  }
  assert.equal(await count(), before);
  // The order route allows 128 KiB (100 long items), not more.
  assertProblem(await admin(app, 'POST', ORDERS, { ...orderBody(), pad: 'x'.repeat(130 * 1024) }), 413, 'payload_too_large');
});

test('merchant auth: admin key or a fresh Encore-Signature; anything else → 401 admin_key_invalid', async () => {
  const body = orderBody({ customerId: 'cus_auth' });
  const raw = JSON.stringify(body);
  const post = (headers: Record<string, string>, payload = raw) =>
    app.inject({ method: 'POST', url: ORDERS, headers: { 'content-type': 'application/json', ...headers }, payload });

  assertProblem(await post({}), 401, 'admin_key_invalid');
  assertProblem(await post({ authorization: 'Bearer wrong' }), 401, 'admin_key_invalid');
  assertProblem(await post({ authorization: `Bearer ${SECRET}` }), 401, 'admin_key_invalid');
  // A customer token is no merchant credential.
  assertProblem(await post(await bearer('cus_auth')), 401, 'admin_key_invalid');
  assertProblem(await post({ 'encore-signature': signWebhook('wrong-secret', raw, NOW) }), 401, 'admin_key_invalid');
  assertProblem(await post({ 'encore-signature': signWebhook(SECRET, raw, new Date(NOW.getTime() - 10 * 60_000)) }), 401, 'admin_key_invalid');
  assertProblem(await post({ 'encore-signature': signWebhook(SECRET, raw, new Date(NOW.getTime() + 10 * 60_000)) }), 401, 'admin_key_invalid');
  // Signed over another body (the body was tampered with).
  assertProblem(await post({ 'encore-signature': signWebhook(SECRET, raw, NOW) }, JSON.stringify({ ...body, total: 1 })), 401, 'admin_key_invalid');
  assertProblem(await post({ 'encore-signature': 'garbage' }), 401, 'admin_key_invalid');
  // A bad signature is not rescued by a good key.
  assertProblem(await post({ 'encore-signature': 'garbage', authorization: 'Bearer admin' }), 401, 'admin_key_invalid');
  assert.equal(await db.selectFrom('orders').select('id').where('id', '=', body.id).executeTakeFirst(), undefined);

  const signed = await post({ 'encore-signature': signWebhook(SECRET, raw, new Date(NOW.getTime() - 60_000)) });
  assert.equal(signed.statusCode, 201, signed.body);
  // A retried webhook signed with the previous (still accepted) secret is a replay.
  const retried = await post({ 'encore-signature': signWebhook(OLD_SECRET, raw, NOW) });
  assert.equal(retried.statusCode, 200, retried.body);
  assert.equal(retried.json<OrderIngestResult>().replayed, true);
  assert.equal(await ledgerSum(db, 'cus_auth'), 100);

  // Every merchant route is protected.
  assertProblem(await app.inject({ method: 'GET', url: `${ORDERS}/${body.id}` }), 401, 'admin_key_invalid');
  assertProblem(await app.inject({ method: 'POST', url: `${ORDERS}/${body.id}/refunds`, payload: { id: 'rf', amount: 1 } }), 401, 'admin_key_invalid');
  assertProblem(await app.inject({ method: 'PUT', url: PRODUCTS, payload: { products: [{ id: 'a', title: 'A', url: '/a', price: 1 }] } }), 401, 'admin_key_invalid');
});

test('GET order: items, status, refunds; unknown id → 404 order_not_found; ids with reserved characters work', async () => {
  const body = orderBody({ id: 'gid://shop/Order/42', customerId: 'cus_g' });
  assert.equal((await ingest(app, body)).statusCode, 201);
  const res = await admin(app, 'GET', `${ORDERS}/${encodeURIComponent(body.id)}`);
  assert.equal(res.statusCode, 200, res.body);
  const o = res.json<Order>();
  assert.equal(o.id, body.id);
  assert.equal(o.status, 'paid');
  assert.equal(o.items.length, 2);
  assert.equal(o.pointsEarned, 100);
  assertProblem(await admin(app, 'GET', `${ORDERS}/no-such-order`), 404, 'order_not_found');
  assertProblem(await admin(app, 'GET', `${ORDERS}/${'x'.repeat(65)}`), 400, 'validation_failed', '/order');
});

test('refunds: proportional reversal rounded down, exact on the full refund; status and refunded total follow', async () => {
  const body = orderBody({ customerId: 'cus_f' }); // 10,000 yen, 100 points
  assert.equal((await ingest(app, body)).statusCode, 201);

  const r1 = await refund(body.id, { id: 'rf-1', amount: 3333, reason: 'damaged' });
  assert.equal(r1.statusCode, 201, r1.body);
  const v1 = r1.json<RefundResult>();
  assert.deepEqual(v1.refund, { id: 'rf-1', amount: 3333, reason: 'damaged', pointsReversed: 33, createdAt: NOW.toISOString() });
  assert.equal(v1.replayed, false);
  assert.equal(v1.order.status, 'partially_refunded');
  assert.equal(v1.order.refundedTotal, 3333);
  assert.equal(v1.order.pointsReversed, 33);

  // More than what is left → 409, nothing written.
  assertProblem(await refund(body.id, { id: 'rf-big', amount: 6668 }), 409, 'refund_exceeds_total', '/amount');

  const r2 = await refund(body.id, { id: 'rf-2', amount: 3333 });
  assert.equal(r2.json<RefundResult>().refund.pointsReversed, 33); // floor(66.66) − 33
  const r3 = await refund(body.id, { id: 'rf-3', amount: 3334 });
  assert.equal(r3.statusCode, 201);
  const v3 = r3.json<RefundResult>();
  assert.equal(v3.refund.pointsReversed, 34); // 100 − 66: the full refund reverses exactly all
  assert.equal(v3.order.status, 'refunded');
  assert.equal(v3.order.refundedTotal, 10000);
  assert.equal(v3.order.pointsReversed, 100);
  assert.deepEqual(
    v3.order.refunds.map((r) => [r.id, r.amount, r.pointsReversed]),
    [
      ['rf-1', 3333, 33],
      ['rf-2', 3333, 33],
      ['rf-3', 3334, 34],
    ],
  );
  assertProblem(await refund(body.id, { id: 'rf-4', amount: 1 }), 409, 'refund_exceeds_total');

  assert.deepEqual(
    (await ledgerOf(db, 'cus_f')).map((e) => [e.kind, e.points, e.ref]),
    [
      ['purchase', 100, body.id],
      ['refund', -33, 'rf-1'],
      ['refund', -33, 'rf-2'],
      ['refund', -34, 'rf-3'],
    ],
  );
  assert.equal(await ledgerSum(db, 'cus_f'), 0);
  const row = await db.selectFrom('orders').select(['status', 'refunded_total']).where('id', '=', body.id).executeTakeFirstOrThrow();
  assert.deepEqual(row, { status: 'refunded', refunded_total: 10000 });
});

test('refunds: reversals never exceed the points earned, whatever the split', async () => {
  // 777 yen at 1 point per 100 = 7 points, refunded in uneven parts.
  for (const parts of [[1, 776], [776, 1], [100, 100, 100, 100, 100, 100, 100, 77], [259, 259, 259], [1, 1, 1, 774]]) {
    const body = orderBody({ customerId: 'cus_split', items: [{ productId: 'tea-1', quantity: 1, price: 777 }] });
    assert.equal((await ingest(app, body)).statusCode, 201);
    let reversed = 0;
    for (const [i, amount] of parts.entries()) {
      const res = await refund(body.id, { id: `${body.id}-rf-${i}`, amount });
      assert.equal(res.statusCode, 201, res.body);
      reversed += res.json<RefundResult>().refund.pointsReversed;
      assert.ok(reversed <= 7, `${parts}: ${reversed}`);
    }
    assert.equal(reversed, 7, `${parts}`);
  }
  assert.equal(await ledgerSum(db, 'cus_split'), 0);
});

test('refunds: idempotent by refund id; reuse with another amount or order → 409 refund_conflict; unknown order → 404', async () => {
  const body = orderBody({ customerId: 'cus_i' });
  const other = orderBody({ customerId: 'cus_i' });
  for (const b of [body, other]) assert.equal((await ingest(app, b)).statusCode, 201);
  const first = await refund(body.id, { id: 'rf-idem', amount: 5000 });
  assert.equal(first.statusCode, 201);
  const again = await refund(body.id, { id: 'rf-idem', amount: 5000 });
  assert.equal(again.statusCode, 200, again.body);
  assert.equal(again.json<RefundResult>().replayed, true);
  assert.deepEqual(again.json<RefundResult>().refund, first.json<RefundResult>().refund);
  assertProblem(await refund(body.id, { id: 'rf-idem', amount: 4000 }), 409, 'refund_conflict');
  assertProblem(await refund(body.id, { id: 'rf-idem', amount: 5000, reason: 'other' }), 409, 'refund_conflict');
  assertProblem(await refund(other.id, { id: 'rf-idem', amount: 5000 }), 409, 'refund_conflict');
  assertProblem(await refund('no-such-order', { id: 'rf-x', amount: 1 }), 404, 'order_not_found');
  assertProblem(await refund(body.id, { id: 'rf-y', amount: 0 }), 400, 'validation_failed', '/amount');
  assertProblem(await refund(body.id, { amount: 10 }), 400, 'validation_failed', '/id');
  assert.equal(await ledgerSum(db, 'cus_i'), 200 - 50);
  const row = await db.selectFrom('orders').select(['refunded_total']).where('id', '=', body.id).executeTakeFirstOrThrow();
  assert.equal(row.refunded_total, 5000);
});

test('refund of a guest order: recorded, no points to reverse', async () => {
  const body = orderBody();
  assert.equal((await ingest(app, body)).statusCode, 201);
  const res = await refund(body.id, { id: 'rf-guest', amount: 10000 });
  assert.equal(res.statusCode, 201, res.body);
  assert.equal(res.json<RefundResult>().refund.pointsReversed, 0);
  assert.equal(res.json<RefundResult>().order.status, 'refunded');
});

test('expired purchase points: a back-dated order earns points that have already expired', async () => {
  const body = orderBody({ customerId: 'cus_old', createdAt: new Date(NOW.getTime() - 400 * DAY).toISOString() });
  const res = await ingest(app, body);
  assert.equal(res.statusCode, 201);
  assert.equal(res.json<OrderIngestResult>().pointsEarned, 100);
  const session = await app.inject({ method: 'GET', url: `/v1/stores/${STORE}/session`, headers: await bearer('cus_old') });
  assert.equal(session.json<Session>().customer?.balance, 0);
});

test('concurrency: 20 identical order posts at once credit the points once', async () => {
  const racing = await makeApp(db.withPlugin(new YieldPlugin()));
  try {
    const body = orderBody({ customerId: 'cus_race' });
    const responses = await Promise.all(Array.from({ length: 20 }, () => ingest(racing, body)));
    const statuses = responses.map((r) => r.statusCode).sort();
    assert.equal(statuses.filter((s) => s === 201).length, 1, `${statuses}`);
    assert.equal(statuses.filter((s) => s === 200).length, 19, `${statuses}`);
    for (const r of responses) assert.equal(r.json<OrderIngestResult>().pointsEarned, 100);
    assert.deepEqual(
      (await ledgerOf(db, 'cus_race')).map((e) => [e.kind, e.points]),
      [['purchase', 100]],
    );
    assert.equal((await db.selectFrom('order_items').select('product_id').where('order_id', '=', body.id).execute()).length, 2);
  } finally {
    await racing.close();
  }
});

test('concurrency: 10 different refunds of 30% at once never refund more than the total', async () => {
  const racing = await makeApp(db.withPlugin(new YieldPlugin()));
  try {
    const body = orderBody({ customerId: 'cus_rr' });
    assert.equal((await ingest(racing, body)).statusCode, 201);
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) => admin(racing, 'POST', `${ORDERS}/${body.id}/refunds`, { id: `rr-${i}`, amount: 3000 })),
    );
    const statuses = responses.map((r) => r.statusCode);
    assert.equal(statuses.filter((s) => s === 201).length, 3, `${statuses}`);
    assert.equal(statuses.filter((s) => s === 409).length, 7, `${statuses}`);
    const row = await db.selectFrom('orders').select(['refunded_total', 'status']).where('id', '=', body.id).executeTakeFirstOrThrow();
    assert.deepEqual(row, { refunded_total: 9000, status: 'partially_refunded' });
    assert.equal(await ledgerSum(db, 'cus_rr'), 100 - 90);
  } finally {
    await racing.close();
  }
});
