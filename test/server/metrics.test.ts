/**
 * GET /v1/stores/:store/admin/metrics against a small hand-made store whose every metric is
 * computed by hand below, on the engine the suite runs on (SQLite, or PostgreSQL with
 * TEST_DATABASE_URL).
 *
 * The fixture (period P = [2026-03-01, 2026-05-30), d = 90 days; previous period [2025-12-01, 2026-03-01)):
 *
 *   order  customer            created              total  refunded  status
 *   o01    A                   2025-11-15           4000                       (before the previous period)
 *   o02    A                   2026-01-10           5000                       previous
 *   o03    B                   2026-02-01           3000                       previous
 *   o04    C                   2026-02-15           2000                       previous
 *   o05    D                   2026-02-20           6000                       previous (D does not come back: churned)
 *   o06    A                   2026-03-01T00:00Z    6000                       P (exactly `from`: included)
 *   o07    A                   2026-04-10           4000                       P
 *   o08    B                   2026-03-20           3000   1000      partially_refunded
 *   o09    B                   2026-04-25           3500                       P
 *   o10    C                   2026-05-01           2500                       P
 *   o11    E                   2026-03-15           8000                       P (E's first order ever)
 *   o12    A                   2026-04-01           1000             cancelled  ignored (else o07 would be an upsell)
 *   o13    guest Guest@Example.com  2026-04-02      1500                       P (the guest's first order)
 *   o14    guest guest@example.com  2026-05-10      2000                       P (same guest: e-mails compare lower-cased)
 *   o15    A                   2026-05-30T00:00Z    9999                       exactly `to`: excluded
 *
 * In P: orders o06 o07 o08 o09 o10 o11 o13 o14 = 8; customers A(2) B(2) C(1) E(1) G(2) = 5.
 *   revenue              = 6000 + 4000 + (3000 − 1000) + 3500 + 2500 + 8000 + 1500 + 2000 = 29500
 *   repeatCustomerRate   = |{A, B, G}| / 5 = 3 / 5 = 0.6
 *   purchaseFrequency    = 8 / 5 = 1.6
 *   averageOrderValue    = 29500 / 8 = 3687.5
 *   churnRate            = previous customers {A, B, C, D}; not in P: {D} → 1 / 4 = 0.25
 *   averageCustomerLifespan = 1 / 0.25 = 4
 *   customerLifetimeValue = 3687.5 × 1.6 × 4 = 23600
 *   repurchaseRatio      = |{A, B, G}| / |{C, E}| = 3 / 2 = 1.5
 *   upsellRate           = repeat orders (previous order → this one):
 *                            o06 (o02 5000 → 6000 yes), o07 (o06 6000 → 4000 no), o08 (o03 3000 → 3000 no),
 *                            o09 (o08 3000 → 3500 yes), o10 (o04 2000 → 2500 yes), o14 (o13 1500 → 2000 yes);
 *                          o11 and o13 are first orders → 4 / 6 = 0.6667 (4 decimals)
 *   nps                  = responses in P: 10 9 9 9 | 7 | 6 0 → 4 promoters, 1 passive, 2 detractors of 7
 *                          → (4 − 2) / 7 × 100 = 28.571… → 28.6
 *                          (a 0 on 2026-02-28 and a 0 at exactly `to` fall outside P)
 *
 * The previous period as P (from 2025-12-01 to 2026-03-01; its previous period [2025-09-02, 2025-12-01)):
 *   orders o02 o03 o04 o05 = 4, customers A B C D = 4, revenue 16000
 *   repeatCustomerRate 0 / 4 = 0; purchaseFrequency 4 / 4 = 1; averageOrderValue 16000 / 4 = 4000
 *   churnRate: previous customers {A} (o01), A ordered again → 0 / 1 = 0 → lifespan null → CLV null
 *   repurchaseRatio 0 / 4 = 0; upsellRate: o02 (o01 4000 → 5000 yes), o03 o04 o05 first → 1 / 1 = 1
 *   nps: one response, score 0 → −100
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { Database, OrderStatus } from '../../server/db.ts';
import type { MerchantMetrics } from '../../contract/types.ts';
import { createStore } from '../../server/stores.ts';
import { makeDb, makeApp, addCustomer, bearer, NOW, PROGRAM, STORE } from './helpers.ts';

const ADMIN = { authorization: 'Bearer admin' };
const EMPTY_STORE = 'empty-shop';
const url = (query = '', store = STORE) => `/v1/stores/${store}/admin/metrics${query}`;

let db: Database;
let app: FastifyInstance;

type Fixture = [id: string, customer: string | null, email: string, createdAt: string, total: number, refunded?: number, status?: OrderStatus];
const ORDERS: Fixture[] = [
  ['o01', 'cus_a', 'a@example.com', '2025-11-15T10:00:00.000Z', 4000],
  ['o02', 'cus_a', 'a@example.com', '2026-01-10T10:00:00.000Z', 5000],
  ['o03', 'cus_b', 'b@example.com', '2026-02-01T10:00:00.000Z', 3000],
  ['o04', 'cus_c', 'c@example.com', '2026-02-15T10:00:00.000Z', 2000],
  ['o05', 'cus_d', 'd@example.com', '2026-02-20T10:00:00.000Z', 6000],
  ['o06', 'cus_a', 'a@example.com', '2026-03-01T00:00:00.000Z', 6000],
  ['o07', 'cus_a', 'a@example.com', '2026-04-10T10:00:00.000Z', 4000],
  ['o08', 'cus_b', 'b@example.com', '2026-03-20T10:00:00.000Z', 3000, 1000, 'partially_refunded'],
  ['o09', 'cus_b', 'b@example.com', '2026-04-25T10:00:00.000Z', 3500],
  ['o10', 'cus_c', 'c@example.com', '2026-05-01T10:00:00.000Z', 2500],
  ['o11', 'cus_e', 'e@example.com', '2026-03-15T10:00:00.000Z', 8000],
  ['o12', 'cus_a', 'a@example.com', '2026-04-01T10:00:00.000Z', 1000, 0, 'cancelled'],
  ['o13', null, 'Guest@Example.com', '2026-04-02T10:00:00.000Z', 1500],
  ['o14', null, 'guest@example.com', '2026-05-10T10:00:00.000Z', 2000],
  ['o15', 'cus_a', 'a@example.com', '2026-05-30T00:00:00.000Z', 9999],
];

const NPS: [score: number, createdAt: string][] = [
  [10, '2026-03-02T09:00:00.000Z'],
  [9, '2026-03-10T09:00:00.000Z'],
  [9, '2026-04-11T09:00:00.000Z'],
  [9, '2026-05-01T09:00:00.000Z'],
  [7, '2026-04-20T09:00:00.000Z'],
  [6, '2026-03-21T09:00:00.000Z'],
  [0, '2026-05-29T23:59:59.999Z'],
  [0, '2026-02-28T09:00:00.000Z'],
  [0, '2026-05-30T00:00:00.000Z'],
];

before(async () => {
  db = await makeDb();
  app = await makeApp(db);
  for (const id of ['cus_a', 'cus_b', 'cus_c', 'cus_d', 'cus_e']) await addCustomer(db, id);
  await db
    .insertInto('orders')
    .values(
      ORDERS.map(([id, customer, email, createdAt, total, refunded = 0, status = 'paid']) => ({
        store_id: STORE,
        id,
        number: `N-${id}`,
        customer_id: customer,
        email,
        postal_code: null,
        phone: null,
        total,
        currency: 'JPY',
        created_at: createdAt,
        status,
        refunded_total: refunded,
      })),
    )
    .execute();
  await db
    .insertInto('nps_responses')
    .values(
      NPS.map(([score, createdAt], i) => ({
        id: `nps_${i}`,
        store_id: STORE,
        subject: `c:cus_${'abcde'[i % 5]}`,
        customer_id: `cus_${'abcde'[i % 5]}`,
        score,
        category: score >= 9 ? ('promoter' as const) : score >= 7 ? ('passive' as const) : ('detractor' as const),
        comment: null,
        locale: 'ja',
        created_at: createdAt,
      })),
    )
    .execute();
  await createStore(db, {
    id: EMPTY_STORE,
    name: 'Empty',
    currency: 'EUR',
    locale: 'en',
    origins: [],
    secrets: ['empty-secret-0123456789'],
    adminKey: 'admin-empty',
    links: { signIn: '/in', join: '/join' },
    program: PROGRAM,
    createdAt: NOW.toISOString(),
  });
});
after(async () => {
  await app.close();
  await db.destroy();
});

test('the fixture period: every count and metric as computed by hand', async () => {
  const res = await app.inject({ method: 'GET', url: url('?from=2026-03-01T00:00:00Z&to=2026-05-30'), headers: ADMIN });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.headers['cache-control'], 'private, no-store');
  assert.deepEqual(res.json<MerchantMetrics>(), {
    from: '2026-03-01T00:00:00.000Z',
    to: '2026-05-30T00:00:00.000Z',
    currency: 'JPY',
    counts: {
      orders: 8,
      customers: 5,
      revenue: 29500,
      repeatCustomers: 3,
      oneTimeCustomers: 2,
      previousCustomers: 4,
      churnedCustomers: 1,
      repeatOrders: 6,
      upsellOrders: 4,
      npsResponses: 7,
      promoters: 4,
      passives: 1,
      detractors: 2,
    },
    metrics: {
      repeatCustomerRate: 0.6,
      purchaseFrequency: 1.6,
      averageOrderValue: 3687.5,
      averageCustomerLifespan: 4,
      customerLifetimeValue: 23600,
      churnRate: 0.25,
      nps: 28.6,
      repurchaseRatio: 1.5,
      upsellRate: 0.6667,
    },
  } satisfies MerchantMetrics);
});

test('the previous period: churn 0 makes lifespan and CLV null; a lone detractor gives NPS −100', async () => {
  const res = await app.inject({ method: 'GET', url: url('?from=2025-12-01&to=2026-03-01T09:00:00%2B09:00'), headers: ADMIN });
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json<MerchantMetrics>();
  assert.equal(body.from, '2025-12-01T00:00:00.000Z');
  assert.equal(body.to, '2026-03-01T00:00:00.000Z');
  assert.deepEqual(body.counts, {
    orders: 4,
    customers: 4,
    revenue: 16000,
    repeatCustomers: 0,
    oneTimeCustomers: 4,
    previousCustomers: 1,
    churnedCustomers: 0,
    repeatOrders: 1,
    upsellOrders: 1,
    npsResponses: 1,
    promoters: 0,
    passives: 0,
    detractors: 1,
  });
  assert.deepEqual(body.metrics, {
    repeatCustomerRate: 0,
    purchaseFrequency: 1,
    averageOrderValue: 4000,
    averageCustomerLifespan: null,
    customerLifetimeValue: null,
    churnRate: 0,
    nps: -100,
    repurchaseRatio: 0,
    upsellRate: 1,
  });
});

test('default period: the 365 days before now', async () => {
  const res = await app.inject({ method: 'GET', url: url(), headers: ADMIN });
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json<MerchantMetrics>();
  assert.equal(body.to, NOW.toISOString());
  assert.equal(body.from, '2025-06-01T00:00:00.000Z');
  // Every order but the cancelled o12; customers A B C D E and the guest.
  assert.equal(body.counts.orders, 14);
  assert.equal(body.counts.customers, 6);
  assert.equal(body.counts.revenue, 4000 + 5000 + 3000 + 2000 + 6000 + 29500 + 9999);
  assert.equal(body.counts.npsResponses, NPS.length);
  // Only `to` given: the period is the 365 days before it.
  const onlyTo = await app.inject({ method: 'GET', url: url('?to=2026-03-01'), headers: ADMIN });
  assert.equal(onlyTo.json<MerchantMetrics>().from, '2025-03-01T00:00:00.000Z');
});

test('a store without orders or responses: counts 0, every metric null', async () => {
  const res = await app.inject({ method: 'GET', url: url('', EMPTY_STORE), headers: { authorization: 'Bearer admin-empty' } });
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json<MerchantMetrics>();
  assert.equal(body.currency, 'EUR');
  assert.ok(Object.values(body.counts).every((n) => n === 0));
  assert.deepEqual(Object.values(body.metrics), Array(9).fill(null));
  // A period without data in a store with data reads the same way.
  const quiet = await app.inject({ method: 'GET', url: url('?from=2020-01-01&to=2020-06-01'), headers: ADMIN });
  assert.ok(Object.values(quiet.json<MerchantMetrics>().metrics).every((v) => v === null));
});

test('merchant auth: no key, a wrong key, another store’s key or a customer token → 401 admin_key_invalid', async () => {
  for (const headers of [{}, { authorization: 'Bearer nope' }, { authorization: 'Bearer admin-empty' }, await bearer('cus_a')]) {
    const res = await app.inject({ method: 'GET', url: url(), headers });
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().code, 'admin_key_invalid');
  }
  const unknown = await app.inject({ method: 'GET', url: url('', 'no-such-store'), headers: ADMIN });
  assert.equal(unknown.statusCode, 404);
  assert.equal(unknown.json().code, 'store_not_found');
});

test('a bad period → 400 validation_failed naming the field', async () => {
  const cases: [query: string, field: string][] = [
    ['?from=2026-05-01&to=2026-05-01', '/to'],
    ['?from=2026-05-02&to=2026-05-01', '/to'],
    ['?from=2026-06-02', '/from'],
    ['?from=2023-01-01&to=2026-05-01', '/from'],
    ['?to=2030-01-01T00:00:00Z&from=2026-12-31T23:59:59Z', '/from'],
    ['?from=yesterday', '/from'],
    ['?from=2026-02-30', '/from'],
    ['?to=2026-02-29T10:00:00Z', '/to'],
    ['?from=2026-03-01T10:00:00', '/from'],
    ['?to=2026-03-01T25:00:00Z', '/to'],
    [`?to=${'9'.repeat(41)}`, '/to'],
    ['?period=month', '/period'],
  ];
  for (const [query, field] of cases) {
    const res = await app.inject({ method: 'GET', url: url(query), headers: ADMIN });
    assert.equal(res.statusCode, 400, query);
    assert.equal(res.json().code, 'validation_failed', query);
    assert.equal(res.json().field, field, query);
  }
  // Exactly the longest period is accepted.
  const longest = await app.inject({ method: 'GET', url: url('?from=2023-01-01&to=2026-01-01'), headers: ADMIN });
  assert.equal(longest.statusCode, 200, longest.body);
});

test('the OpenAPI document carries the formulas', async () => {
  const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
  const op = doc.paths['/v1/stores/{store}/admin/metrics'].get;
  assert.match(op.description, /`upsellRate` = among the orders in P/);
  assert.match(op.description, /`customerLifetimeValue` = averageOrderValue × purchaseFrequency × averageCustomerLifespan/);
  assert.match(doc.components.schemas.MerchantMetrics.properties.metrics.properties.churnRate.description, /ordered in the previous period but not in P/);
});
