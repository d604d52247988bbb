import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../../server/db.ts';
import type { Session, Ledger } from '../../contract/types.ts';
import { settledState } from '../../server/loyalty.ts';
import { makeDb, makeApp, addCustomer, addEntry, bearer, daysFromNow, ledgerSum, STORE, PROGRAM } from './helpers.ts';

let db: Database;
let app: FastifyInstance;
let expiredSignupLot: string;

before(async () => {
  db = await makeDb();
  app = await makeApp(db);
  // cus_a: a signup lot that expired 35 days ago unspent, an 800-point lot that expires in 35 days,
  // a 300-point lot, and 600 spent 20 days ago (after the signup lot had expired → from the 800 lot).
  await addCustomer(db, 'cus_a', 'Aiko Test');
  expiredSignupLot = await addEntry(db, 'cus_a', 'signup', 500, 400, -35, 'signup');
  await addEntry(db, 'cus_a', 'purchase', 800, 330, 35, 'ord_1');
  await addEntry(db, 'cus_a', 'purchase', 300, 100, 265, 'ord_2');
  await addEntry(db, 'cus_a', 'redeem', -600, 20, null, 'red_1');
  // cus_gold: 6000 tier points → top tier, nothing expiring.
  await addCustomer(db, 'cus_gold');
  await addEntry(db, 'cus_gold', 'purchase', 6000, 10, 355, 'ord_3');
  // cus_race: one expired lot, read by two requests at once.
  await addCustomer(db, 'cus_race');
  await addEntry(db, 'cus_race', 'purchase', 250, 380, -15, 'ord_4');
  await addEntry(db, 'cus_race', 'purchase', 70, 10, 355, 'ord_5');
});
after(async () => {
  await app.close();
  await db.destroy();
});

test('guest session: store, program and customer null', async () => {
  const res = await app.inject({ method: 'GET', url: `/v1/stores/${STORE}/session` });
  assert.equal(res.statusCode, 200);
  assert.match(res.headers['content-type'] as string, /^application\/json/);
  const body = res.json<Session>();
  assert.equal(body.customer, null);
  assert.equal(body.store.id, STORE);
  assert.equal(body.store.currency, 'JPY');
  assert.deepEqual(body.store.messages, { ja: { 'points.balance': 'スター' } });
  assert.deepEqual(body.program, PROGRAM);
  assert.equal(res.headers['cache-control'], 'no-cache');
});

test('signed-in session: balance, tier points, tier, next tier and expiring, after settling expiry', async () => {
  const res = await app.inject({ method: 'GET', url: `/v1/stores/${STORE}/session`, headers: await bearer('cus_a') });
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['cache-control'], 'private, no-store');
  const c = res.json<Session>().customer;
  assert.deepEqual(c, {
    id: 'cus_a',
    name: 'Aiko Test',
    balance: 500, // 500 + 800 + 300 - 600 - 500 expired
    tierPoints: 1100, // the signup lot is older than 365 days
    tier: 'silver',
    nextTier: 'gold',
    expiring: { points: 200, date: daysFromNow(35) }, // what is left of the 800 lot (FIFO)
  });
  const expires = await db.selectFrom('points_ledger').selectAll().where('customer_id', '=', 'cus_a').where('kind', '=', 'expire').execute();
  assert.equal(expires.length, 1);
  assert.equal(expires[0]!.points, -500);
  assert.equal(expires[0]!.ref, expiredSignupLot);
  assert.equal(await ledgerSum(db, 'cus_a'), 500);
  // Reading again does not expire twice.
  const again = await app.inject({ method: 'GET', url: `/v1/stores/${STORE}/session`, headers: await bearer('cus_a') });
  assert.equal(again.json<Session>().customer?.balance, 500);
  assert.equal((await db.selectFrom('points_ledger').select('id').where('customer_id', '=', 'cus_a').where('kind', '=', 'expire').execute()).length, 1);
});

test('top tier: nextTier null, expiring null', async () => {
  const res = await app.inject({ method: 'GET', url: `/v1/stores/${STORE}/session`, headers: await bearer('cus_gold') });
  const c = res.json<Session>().customer!;
  assert.equal(c.tier, 'gold');
  assert.equal(c.nextTier, null);
  assert.equal(c.expiring, null);
  assert.equal(c.balance, 6000);
});

test('a verified customer unknown to the store starts as an empty bronze member', async () => {
  const res = await app.inject({ method: 'GET', url: `/v1/stores/${STORE}/session`, headers: await bearer('cus_new') });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json<Session>().customer, { id: 'cus_new', name: '', balance: 0, tierPoints: 0, tier: 'bronze', nextTier: 'silver', expiring: null });
});

test('lazy expiry writes one expire entry even when two reads race', async () => {
  const headers = await bearer('cus_race');
  const [a, b, c] = await Promise.all([
    app.inject({ method: 'GET', url: `/v1/stores/${STORE}/session`, headers }),
    app.inject({ method: 'GET', url: `/v1/stores/${STORE}/loyalty/ledger`, headers }),
    settledState(db, STORE, 'cus_race', new Date(daysFromNow(0))),
  ]);
  assert.equal(a.json<Session>().customer?.balance, 70);
  assert.equal(b.json<Ledger>().balance, 70);
  assert.equal(c.balance, 70);
  const expires = await db.selectFrom('points_ledger').selectAll().where('customer_id', '=', 'cus_race').where('kind', '=', 'expire').execute();
  assert.equal(expires.length, 1);
  assert.equal(expires[0]!.points, -250);
  assert.equal(await ledgerSum(db, 'cus_race'), 70);
});

test('ledger: balance and newest entries first', async () => {
  const res = await app.inject({ method: 'GET', url: `/v1/stores/${STORE}/loyalty/ledger`, headers: await bearer('cus_a') });
  assert.equal(res.statusCode, 200);
  const body = res.json<Ledger>();
  assert.equal(body.balance, 500);
  assert.deepEqual(
    body.entries.map((e) => [e.kind, e.points]),
    [
      ['redeem', -600], // 20 days ago
      ['expire', -500], // dated when the signup lot expired, 35 days ago
      ['purchase', 300],
      ['purchase', 800],
      ['signup', 500],
    ],
  );
  assert.equal(body.entries[1]!.createdAt, daysFromNow(-35));
  // Newest first: createdAt descending.
  const times = body.entries.map((e) => e.createdAt);
  assert.deepEqual(times, [...times].sort().reverse());
});

test('unknown store → 404 store_not_found problem', async () => {
  for (const url of ['/v1/stores/no-such-store/session', '/v1/stores/no-such-store/loyalty/ledger']) {
    const res = await app.inject({ method: 'GET', url });
    assert.equal(res.statusCode, 404);
    assert.match(res.headers['content-type'] as string, /^application\/problem\+json/);
    const p = res.json();
    assert.equal(p.code, 'store_not_found');
    assert.equal(p.status, 404);
    assert.equal(typeof p.title, 'string');
    assert.equal(typeof p.type, 'string');
  }
});

test('unknown /v1 route → problem 404; other paths keep a plain 404; healthz', async () => {
  const v1 = await app.inject({ method: 'GET', url: '/v1/nope' });
  assert.equal(v1.statusCode, 404);
  assert.equal(v1.json().code, 'not_found');
  assert.match(v1.headers['content-type'] as string, /problem\+json/);
  const other = await app.inject({ method: 'GET', url: '/nope' });
  assert.equal(other.statusCode, 404);
  assert.doesNotMatch(other.headers['content-type'] as string, /problem/);
  const health = await app.inject({ method: 'GET', url: '/healthz' });
  assert.deepEqual(health.json(), { ok: true });
});
