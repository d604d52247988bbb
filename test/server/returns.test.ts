import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../../server/db.ts';
import type { Return, ReturnLookup, ReturnPolicy } from '../../contract/types.ts';
import { contactMatches, LOOKUP_IP_LIMIT, LOOKUP_ORDER_LIMIT, normaliseOrderNumber } from '../../server/returns.ts';
import { makeDb, makeApp, bearer, NOW, STORE } from './helpers.ts';
import { addOrder, addProducts, QueryCounter, YieldPlugin } from './returns-fixtures.ts';

let db: Database;
let app: FastifyInstance;
const BASE = `/v1/stores/${STORE}/returns`;
let ipSeq = 0;
let keySeq = 0;
/** A fresh client address per call unless given, so the per-IP limit stays out of the way. */
const nextIp = () => `10.1.${Math.floor(++ipSeq / 250)}.${ipSeq % 250}`;

before(async () => {
  db = await makeDb();
  app = await makeApp(db);
  await addProducts(db, [
    { id: 'p-tea', price: 1200, title: 'Sencha' },
    { id: 'p-cup', price: 800 },
    { id: 'p-sale', price: 500, finalSale: true },
    { id: 'p-pot', price: 3000 },
  ]);
  await addOrder(db, {
    id: 'o-main',
    number: 'KT-1001',
    email: 'Hana.Sato@Example.com',
    postalCode: '150-0041',
    phone: '090-1234-5678',
    daysAgo: 10,
    items: [
      { productId: 'p-tea', quantity: 2, price: 1100, title: null },
      { productId: 'p-cup', quantity: 1, price: 800, title: 'Cup (old title)' },
      { productId: 'p-sale', quantity: 1, price: 500 },
      { productId: 'p-pot', quantity: 1, price: 2500, finalSale: true },
    ],
  });
  // Window edges: refund 30 days, exchange and store credit 90 days (the defaults).
  for (const [id, days] of [['o-d30', 30], ['o-d31', 31], ['o-d90', 90], ['o-d91', 91]] as const) {
    await addOrder(db, { id, number: `KT-${id}`, email: 'w@example.com', daysAgo: days, items: [{ productId: 'p-tea', quantity: 1 }] });
  }
  await addOrder(db, { id: 'o-refunded', number: 'KT-2001', email: 'r@example.com', daysAgo: 3, status: 'refunded', items: [{ productId: 'p-tea' }] });
  await addOrder(db, { id: 'o-nophone', number: 'KT-2002', email: 'n@example.com', postalCode: null, phone: null, daysAgo: 3, items: [{ productId: 'p-tea' }] });
  await addOrder(db, { id: 'o-intl', number: 'KT-2003', email: 'i@example.com', phone: '+81 80-2222-3333', postalCode: 'SW1A 1AA', daysAgo: 3, items: [{ productId: 'p-cup' }] });
  await addOrder(db, { id: 'o-last', number: 'KT-2004', email: 'l@example.com', daysAgo: 3, items: [{ productId: 'p-tea', quantity: 1 }] });
  await addOrder(db, { id: 'o-flow', number: 'KT-2005', email: 'f@example.com', daysAgo: 3, items: [{ productId: 'p-tea', quantity: 3 }, { productId: 'p-cup', quantity: 1 }] });
});
after(async () => {
  await app.close();
  await db.destroy();
});

type Body = Record<string, unknown>;
const lookup = (body: Body, on: FastifyInstance = app, ip = nextIp()) =>
  on.inject({ method: 'POST', url: `${BASE}/lookup`, payload: body, remoteAddress: ip });
const create = (body: Body, on: FastifyInstance = app, key = `ret-${++keySeq}`) =>
  on.inject({ method: 'POST', url: BASE, payload: body, headers: { 'idempotency-key': key } });
async function tokenFor(orderNumber: string, email: string, on: FastifyInstance = app): Promise<string> {
  const res = await lookup({ orderNumber, email }, on);
  assert.equal(res.statusCode, 200, res.body);
  return res.json<ReturnLookup>().lookupToken;
}
const itemOf = (res: { json: <T>() => T }, productId: string) => res.json<ReturnLookup>().order.items.find((i) => i.productId === productId)!;

test('policy: the store settings, final sale never returnable, cacheable', async () => {
  const res = await app.inject({ method: 'GET', url: `${BASE}/policy` });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json<ReturnPolicy>(), {
    refundDays: 30,
    exchangeDays: 90,
    storeCreditDays: 90,
    finalSaleReturnable: false,
    reasons: ['too_small', 'too_large', 'damaged', 'not_as_described', 'changed_mind', 'other'],
    currency: 'JPY',
  });
  assert.equal(res.headers['cache-control'], 'public, max-age=300');
  const missing = await app.inject({ method: 'GET', url: '/v1/stores/no-such-store/returns/policy' });
  assert.equal(missing.statusCode, 404);
  assert.equal(missing.json().code, 'store_not_found');
});

test('lookup by e-mail: order, items with eligibility, a 30-minute token, the policy', async () => {
  const res = await lookup({ orderNumber: 'KT-1001', email: '  hana.sato@EXAMPLE.com ' });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.headers['cache-control'], 'no-store');
  const body = res.json<ReturnLookup>();
  assert.equal(body.expiresAt, new Date(NOW.getTime() + 30 * 60_000).toISOString());
  assert.match(body.lookupToken, /^[\w-]+\.[\w-]+\.[\w-]+$/);
  assert.equal(body.policy.refundDays, 30);
  assert.deepEqual(body.order, {
    number: 'KT-1001',
    createdAt: new Date(NOW.getTime() - 10 * 86_400_000).toISOString(),
    currency: 'JPY',
    items: [
      {
        productId: 'p-cup',
        title: 'Cup (old title)',
        image: 'https://img.test/p-cup.jpg',
        quantity: 1,
        returnableQuantity: 1,
        price: 800,
        options: ['refund', 'exchange', 'store_credit'],
        reason: null,
      },
      // Final sale on the order line.
      { productId: 'p-pot', title: 'Ordered p-pot', image: 'https://img.test/p-pot.jpg', quantity: 1, returnableQuantity: 0, price: 2500, options: [], reason: 'final_sale' },
      // Final sale on the product.
      { productId: 'p-sale', title: 'Ordered p-sale', image: 'https://img.test/p-sale.jpg', quantity: 1, returnableQuantity: 0, price: 500, options: [], reason: 'final_sale' },
      // No title on the line: the product's.
      { productId: 'p-tea', title: 'Sencha', image: 'https://img.test/p-tea.jpg', quantity: 2, returnableQuantity: 2, price: 1100, options: ['refund', 'exchange', 'store_credit'], reason: null },
    ],
  });
});

test('lookup normalises the order number, postal code and phone', async () => {
  const ok = async (body: Body) => {
    const res = await lookup(body);
    assert.equal(res.statusCode, 200, `${JSON.stringify(body)}: ${res.body}`);
    return res.json<ReturnLookup>().order.number;
  };
  assert.equal(await ok({ orderNumber: '#kt-1001', postalCode: '150 0041' }), 'KT-1001');
  assert.equal(await ok({ orderNumber: ' KT-1001 ', postalCode: '1500041' }), 'KT-1001');
  assert.equal(await ok({ orderNumber: 'KT-1001', postalCode: '〒１５０－００４１' }), 'KT-1001');
  assert.equal(await ok({ orderNumber: 'KT-1001', phone: '09012345678' }), 'KT-1001');
  assert.equal(await ok({ orderNumber: 'KT-1001', phone: '(090) 1234 5678' }), 'KT-1001');
  assert.equal(await ok({ orderNumber: 'KT-1001', phone: '+81 90-1234-5678' }), 'KT-1001');
  assert.equal(await ok({ orderNumber: 'KT-2003', phone: '080-2222-3333' }), 'KT-2003');
  assert.equal(await ok({ orderNumber: 'KT-2003', phone: '0081 80 2222 3333' }), 'KT-2003');
  assert.equal(await ok({ orderNumber: 'KT-2003', postalCode: 'sw1a1aa' }), 'KT-2003');
});

test('phone matching rules', () => {
  assert.equal(contactMatches('phone', '+1 415 555 0100', '(415) 555-0100'), true);
  assert.equal(contactMatches('phone', '+81 90 1234 5678', '+81-90-1234-5678'), true);
  // Two international numbers with other country codes do not match on the national part.
  assert.equal(contactMatches('phone', '+1 90 1234 5678', '+81 90 1234 5678'), false);
  assert.equal(contactMatches('phone', '090-1234-5679', '090-1234-5678'), false);
  // Too short to mean anything.
  assert.equal(contactMatches('phone', '5678', '5678'), false);
  assert.equal(contactMatches('postalCode', '---', '-'), false);
  assert.equal(normaliseOrderNumber(' #kt 1001'), 'KT1001');
});

test('every mismatch answers the identical 404 after the same work', async () => {
  const counter = new QueryCounter();
  const counted = await makeApp(db.withPlugin(counter));
  try {
    const cases: Body[] = [
      { orderNumber: 'KT-9999', email: 'hana.sato@example.com' }, // unknown number
      { orderNumber: 'KT-1001', email: 'someone@example.com' }, // wrong e-mail
      { orderNumber: 'KT-1001', postalCode: '150-0042' }, // wrong postal code
      { orderNumber: 'KT-1001', phone: '090-1234-0000' }, // wrong phone
      { orderNumber: 'KT-2002', phone: '090-1234-5678' }, // the order has no phone
      { orderNumber: 'KT-2002', postalCode: '150-0041' }, // the order has no postal code
      { orderNumber: 'KT-1001', email: 'hana.sato@example.com.' }, // almost
      { orderNumber: 'KT-9999', phone: '1' }, // unknown and nonsense
    ];
    const answers: { status: number; type: unknown; body: string; queries: number }[] = [];
    for (const body of cases) {
      const before = counter.count;
      const res = await lookup(body, counted);
      answers.push({ status: res.statusCode, type: res.headers['content-type'], body: res.body, queries: counter.count - before });
    }
    assert.equal(answers[0]!.status, 404);
    assert.equal(JSON.parse(answers[0]!.body).code, 'order_lookup_failed');
    for (const a of answers) assert.deepEqual(a, answers[0]);
  } finally {
    await counted.close();
  }
});

test('lookup validation: exactly one contact, bounded fields', async () => {
  const none = await lookup({ orderNumber: 'KT-1001' });
  assert.equal(none.statusCode, 400);
  assert.equal(none.json().field, '/email');
  const two = await lookup({ orderNumber: 'KT-1001', email: 'a@b.c', phone: '0901234567' });
  assert.equal(two.statusCode, 400);
  assert.equal(two.json().field, '/phone');
  const long = await lookup({ orderNumber: 'K'.repeat(41), email: 'a@b.c' });
  assert.equal(long.statusCode, 400);
  assert.equal(long.json().field, '/orderNumber');
  const extra = await lookup({ orderNumber: 'KT-1001', email: 'a@b.c', name: 'x' });
  assert.equal(extra.json().field, '/name');
});

test('eligibility at each window edge', async () => {
  const expect = async (number: string, options: string[], reason: string | null) => {
    const res = await lookup({ orderNumber: number, email: 'w@example.com' });
    assert.equal(res.statusCode, 200, res.body);
    const item = itemOf(res, 'p-tea');
    assert.deepEqual([item.options, item.reason, item.returnableQuantity], [options, reason, reason === null ? 1 : 0], number);
  };
  await expect('KT-o-d30', ['refund', 'exchange', 'store_credit'], null);
  await expect('KT-o-d31', ['exchange', 'store_credit'], null);
  await expect('KT-o-d90', ['exchange', 'store_credit'], null);
  await expect('KT-o-d91', [], 'window_passed');
});

test('a refunded order: nothing returnable', async () => {
  const res = await lookup({ orderNumber: 'KT-2001', email: 'r@example.com' });
  assert.deepEqual(itemOf(res, 'p-tea'), {
    productId: 'p-tea',
    title: 'Ordered p-tea',
    image: 'https://img.test/p-tea.jpg',
    quantity: 1,
    returnableQuantity: 0,
    price: 1000,
    options: [],
    reason: 'refunded',
  });
});

test('create a return: 201 with number, label and status; returnable quantity drops; replay', async () => {
  const lookupToken = await tokenFor('KT-2005', 'f@example.com');
  const body = { lookupToken, items: [{ productId: 'p-tea', quantity: 2 }], reason: 'too_small', resolution: 'refund', comment: 'Too small' };
  const res = await create(body, app, 'flow-1');
  assert.equal(res.statusCode, 201, res.body);
  const r = res.json<Return>();
  assert.match(r.number, /^R-[A-HJ-NP-Z2-9]{6}$/);
  assert.deepEqual(r, {
    number: r.number,
    orderNumber: 'KT-2005',
    status: 'requested',
    labelUrl: `https://labels.example.com/return/${r.number}`,
    resolution: 'refund',
    reason: 'too_small',
    items: [{ productId: 'p-tea', quantity: 2 }],
    createdAt: NOW.toISOString(),
  });
  const row = await db.selectFrom('returns').selectAll().where('number', '=', r.number).executeTakeFirstOrThrow();
  assert.deepEqual(
    [row.store_id, row.order_id, row.status, row.resolution, row.reason, row.comment, row.label_url],
    [STORE, 'o-flow', 'requested', 'refund', 'too_small', 'Too small', r.labelUrl],
  );
  const items = await db.selectFrom('return_items').select(['product_id', 'quantity']).where('return_id', '=', row.id).execute();
  assert.deepEqual(items, [{ product_id: 'p-tea', quantity: 2 }]);

  // The same key and body replays the answer; nothing new is stored.
  const again = await create(body, app, 'flow-1');
  assert.equal(again.statusCode, 201);
  assert.equal(again.headers['idempotent-replayed'], 'true');
  assert.equal(again.json<Return>().number, r.number);
  const count = await db.selectFrom('returns').select((eb) => eb.fn.countAll<string | number>().as('n')).where('order_id', '=', 'o-flow').executeTakeFirstOrThrow();
  assert.equal(Number(count.n), 1);

  const after1 = await lookup({ orderNumber: 'KT-2005', email: 'f@example.com' });
  assert.equal(itemOf(after1, 'p-tea').returnableQuantity, 1);

  // Over the returnable quantity → 409 naming the item.
  const over = await create({ ...body, items: [{ productId: 'p-cup', quantity: 1 }, { productId: 'p-tea', quantity: 2 }] });
  assert.equal(over.statusCode, 409);
  assert.equal(over.json().code, 'item_not_returnable');
  assert.equal(over.json().field, '/items/1');
  assert.match(over.json().detail, /Only 1 of p-tea/);

  // The last unit, for store credit.
  const last = await create({ ...body, items: [{ productId: 'p-tea', quantity: 1 }], resolution: 'store_credit' });
  assert.equal(last.statusCode, 201, last.body);
  const after2 = await lookup({ orderNumber: 'KT-2005', email: 'f@example.com' });
  const tea = itemOf(after2, 'p-tea');
  assert.deepEqual([tea.returnableQuantity, tea.options, tea.reason], [0, [], 'already_returned']);
  const again2 = await create({ ...body, items: [{ productId: 'p-tea', quantity: 1 }] });
  assert.equal(again2.statusCode, 409);
  assert.match(again2.json().detail, /already_returned/);
  // The other line is untouched.
  assert.equal(itemOf(after2, 'p-cup').returnableQuantity, 1);
});

test('refused: wrong resolution for the window, final sale, not in the order', async () => {
  const oldToken = await tokenFor('KT-o-d31', 'w@example.com');
  const refund = await create({ lookupToken: oldToken, items: [{ productId: 'p-tea', quantity: 1 }], reason: 'damaged', resolution: 'refund' });
  assert.equal(refund.statusCode, 409);
  assert.equal(refund.json().field, '/items/0');
  assert.match(refund.json().detail, /window_passed/);
  const exchange = await create({ lookupToken: oldToken, items: [{ productId: 'p-tea', quantity: 1 }], reason: 'damaged', resolution: 'exchange' });
  assert.equal(exchange.statusCode, 201, exchange.body);
  assert.equal(exchange.json<Return>().resolution, 'exchange');

  const token = await tokenFor('KT-1001', 'hana.sato@example.com');
  const sale = await create({ lookupToken: token, items: [{ productId: 'p-sale', quantity: 1 }], reason: 'damaged', resolution: 'exchange' });
  assert.equal(sale.statusCode, 409);
  assert.match(sale.json().detail, /final_sale/);
  const stranger = await create({ lookupToken: token, items: [{ productId: 'p-other', quantity: 1 }], reason: 'damaged', resolution: 'exchange' });
  assert.equal(stranger.statusCode, 409);
  assert.match(stranger.json().detail, /not part of order KT-1001/);
  const refunded = await create({ lookupToken: await tokenFor('KT-2001', 'r@example.com'), items: [{ productId: 'p-tea', quantity: 1 }], reason: 'damaged', resolution: 'exchange' });
  assert.equal(refunded.statusCode, 409);
  assert.match(refunded.json().detail, /refunded/);
  const returns = await db.selectFrom('returns').select('id').where('order_id', 'in', ['o-main', 'o-refunded']).execute();
  assert.equal(returns.length, 0);
});

test('create validation: reason, duplicates, quantities, Idempotency-Key', async () => {
  const token = await tokenFor('KT-1001', 'hana.sato@example.com');
  const base = { lookupToken: token, items: [{ productId: 'p-tea', quantity: 1 }], reason: 'damaged', resolution: 'refund' };
  const reason = await create({ ...base, reason: 'bored' });
  assert.equal(reason.statusCode, 400);
  assert.equal(reason.json().field, '/reason');
  const dup = await create({ ...base, items: [{ productId: 'p-tea', quantity: 1 }, { productId: 'p-tea', quantity: 1 }] });
  assert.equal(dup.statusCode, 400);
  assert.equal(dup.json().field, '/items/1/productId');
  const zero = await create({ ...base, items: [{ productId: 'p-tea', quantity: 0 }] });
  assert.equal(zero.json().field, '/items/0/quantity');
  const empty = await create({ ...base, items: [] });
  assert.equal(empty.json().field, '/items');
  const resolution = await create({ ...base, resolution: 'cash' });
  assert.equal(resolution.json().field, '/resolution');
  const comment = await create({ ...base, comment: 'x'.repeat(1001) });
  assert.equal(comment.json().field, '/comment');
  const noKey = await app.inject({ method: 'POST', url: BASE, payload: base });
  assert.equal(noKey.statusCode, 400);
  assert.equal(noKey.json().code, 'idempotency_key_required');
});

test('an expired, tampered or foreign token → 401 lookup_expired', async () => {
  const token = await tokenFor('KT-1001', 'hana.sato@example.com');
  const base = { items: [{ productId: 'p-cup', quantity: 1 }], reason: 'damaged', resolution: 'exchange' };
  const later = await makeApp(db, { now: () => new Date(NOW.getTime() + 31 * 60_000) });
  try {
    const expired = await create({ ...base, lookupToken: token }, later);
    assert.equal(expired.statusCode, 401);
    assert.equal(expired.json().code, 'lookup_expired');
  } finally {
    await later.close();
  }
  const [h, p, s] = token.split('.');
  const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());
  const forged = `${h}.${Buffer.from(JSON.stringify({ ...payload, sub: 'o-flow' })).toString('base64url')}.${s}`;
  const customer = (await bearer('o-main')).authorization.slice('Bearer '.length);
  for (const lookupToken of [forged, customer, 'not-a-token']) {
    const res = await create({ ...base, lookupToken });
    assert.equal(res.statusCode, 401, lookupToken);
    assert.equal(res.json().code, 'lookup_expired');
  }
  // A lookup token is not a customer token either.
  const asCustomer = await app.inject({ method: 'GET', url: `/v1/stores/${STORE}/session`, headers: { authorization: `Bearer ${token}` } });
  assert.equal(asCustomer.statusCode, 401);
  const none = await db.selectFrom('returns').select('id').where('order_id', '=', 'o-main').execute();
  assert.equal(none.length, 0);
});

test('rate limit per client IP: the 11th lookup in 15 minutes → 429 with retryAfter', async () => {
  let clock = NOW;
  const limited = await makeApp(db, { now: () => clock });
  try {
    const ip = '203.0.113.7';
    for (let i = 0; i < LOOKUP_IP_LIMIT.max; i++) {
      const res = await lookup({ orderNumber: `KT-${5000 + i}`, email: 'x@example.com' }, limited, ip);
      assert.equal(res.statusCode, 404);
    }
    const over = await lookup({ orderNumber: 'KT-1001', email: 'hana.sato@example.com' }, limited, ip);
    assert.equal(over.statusCode, 429);
    assert.equal(over.json().code, 'rate_limited');
    assert.equal(over.json().retryAfter, 900);
    assert.equal(over.headers['retry-after'], '900');
    // Another address is not affected.
    assert.equal((await lookup({ orderNumber: 'KT-1001', email: 'hana.sato@example.com' }, limited, '203.0.113.8')).statusCode, 200);
    clock = new Date(NOW.getTime() + 10 * 60_000);
    const still = await lookup({ orderNumber: 'KT-1001', email: 'hana.sato@example.com' }, limited, ip);
    assert.equal(still.json().retryAfter, 300);
    clock = new Date(NOW.getTime() + LOOKUP_IP_LIMIT.windowMs);
    assert.equal((await lookup({ orderNumber: 'KT-1001', email: 'hana.sato@example.com' }, limited, ip)).statusCode, 200);
  } finally {
    await limited.close();
  }
});

test('rate limit per order number across addresses: 10 an hour', async () => {
  const limited = await makeApp(db);
  try {
    for (let i = 0; i < LOOKUP_ORDER_LIMIT.max; i++) {
      // Spellings of one number count together.
      const res = await lookup({ orderNumber: i % 2 ? '#kt-2004' : 'KT-2004', email: `guess${i}@example.com` }, limited, `198.51.100.${i}`);
      assert.equal(res.statusCode, 404);
    }
    const over = await lookup({ orderNumber: 'KT-2004', email: 'l@example.com' }, limited, '198.51.100.200');
    assert.equal(over.statusCode, 429);
    assert.equal(over.json().retryAfter, 3600);
    assert.equal(over.headers['retry-after'], '3600');
    // Other orders from the same address still answer.
    assert.equal((await lookup({ orderNumber: 'KT-2005', email: 'f@example.com' }, limited, '198.51.100.200')).statusCode, 200);
  } finally {
    await limited.close();
  }
});

test('concurrent returns of the last unit: exactly one succeeds', async () => {
  const racing = await makeApp(db.withPlugin(new YieldPlugin()));
  try {
    const lookupToken = await tokenFor('KT-2004', 'l@example.com', racing);
    const body = { lookupToken, items: [{ productId: 'p-tea', quantity: 1 }], reason: 'changed_mind', resolution: 'refund' };
    const results = await Promise.all([1, 2, 3].map((n) => create(body, racing, `race-${n}`)));
    const statuses = results.map((r) => r.statusCode).sort();
    assert.deepEqual(statuses, [201, 409, 409], results.map((r) => r.body).join('\n'));
    const rows = await db
      .selectFrom('return_items as ri')
      .innerJoin('returns as r', 'r.id', 'ri.return_id')
      .select('ri.quantity')
      .where('r.order_id', '=', 'o-last')
      .execute();
    assert.deepEqual(rows, [{ quantity: 1 }]);
  } finally {
    await racing.close();
  }
});
