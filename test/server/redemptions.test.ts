import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../../server/db.ts';
import type { Ledger, Redemption, Session } from '../../contract/types.ts';
import { requestHash } from '../../server/idempotency.ts';
import { DISCOUNT_CODE_PATTERN } from '../../server/ids.ts';
import { makeDb, makeApp, addCustomer, addEntry, bearer, ledgerSum, NOW, STORE } from './helpers.ts';

let db: Database;
let app: FastifyInstance;
const URL_ = `/v1/stores/${STORE}/loyalty/redemptions`;
let failures = 0;

before(async () => {
  db = await makeDb();
  app = await makeApp(db);
  // Another idempotent route on the same instance: idempotency is a per-route flag. It fails with
  // a 500 once, then succeeds.
  app.post('/v1/stores/:store/test/flaky', { config: { idempotent: true } }, async () => {
    failures++;
    if (failures === 1) throw new Error('boom (expected by the test)');
    return { attempt: failures };
  });
  for (const id of ['cus_r', 'cus_poor', 'cus_i']) await addCustomer(db, id);
  await addEntry(db, 'cus_r', 'purchase', 350, 30, 335, 'o1');
  await addEntry(db, 'cus_poor', 'purchase', 99, 30, 335, 'o2');
  await addEntry(db, 'cus_i', 'purchase', 1000, 30, 335, 'o3');
});
after(async () => {
  await app.close();
  await db.destroy();
});

const redeem = async (customer: string, key: string | undefined, body: unknown = { rewardId: 'r-100' }) =>
  app.inject({
    method: 'POST',
    url: URL_,
    headers: { ...(await bearer(customer)), ...(key === undefined ? {} : { 'idempotency-key': key }) },
    payload: body as object,
  });

test('redemption succeeds: 201, code shape, balance lowered, ledger entry', async () => {
  const res = await redeem('cus_r', 'redeem-1');
  assert.equal(res.statusCode, 201, res.body);
  const r = res.json<Redemption>();
  assert.equal(r.rewardId, 'r-100');
  assert.equal(r.pointsSpent, 100);
  assert.equal(r.balance, 250);
  assert.equal(r.createdAt, NOW.toISOString());
  assert.match(r.code, DISCOUNT_CODE_PATTERN);
  assert.match(r.id, /^red_[0-9a-z]{16}$/);
  assert.equal(res.headers['idempotent-replayed'], undefined);

  const session = await app.inject({ method: 'GET', url: `/v1/stores/${STORE}/session`, headers: await bearer('cus_r') });
  assert.equal(session.json<Session>().customer?.balance, 250);
  const ledger = await app.inject({ method: 'GET', url: `/v1/stores/${STORE}/loyalty/ledger`, headers: await bearer('cus_r') });
  const top = ledger.json<Ledger>().entries[0]!;
  assert.equal(top.kind, 'redeem');
  assert.equal(top.points, -100);
  assert.equal(top.note, '¥100 off');
  const row = await db.selectFrom('redemptions').selectAll().where('id', '=', r.id).executeTakeFirstOrThrow();
  assert.equal(row.code, r.code);
  assert.equal(row.customer_id, 'cus_r');
  assert.equal(row.points, 100);
  const entry = await db.selectFrom('points_ledger').selectAll().where('ref', '=', r.id).executeTakeFirstOrThrow();
  assert.equal(entry.points, -100);
});

test('balance too low → 409 insufficient_points, nothing written', async () => {
  const res = await redeem('cus_poor', 'poor-1');
  assert.equal(res.statusCode, 409);
  assert.equal(res.json().code, 'insufficient_points');
  assert.equal(await ledgerSum(db, 'cus_poor'), 99);
  const big = await redeem('cus_r', 'big-1', { rewardId: 'r-big' });
  assert.equal(big.json().code, 'insufficient_points');
  assert.equal((await db.selectFrom('redemptions').select('id').where('customer_id', '=', 'cus_poor').execute()).length, 0);
});

test('missing or malformed Idempotency-Key → 400 idempotency_key_required', async () => {
  for (const key of [undefined, '', 'has space', 'ü-non-ascii', 'x'.repeat(256)]) {
    const res = await redeem('cus_i', key);
    assert.equal(res.statusCode, 400, `key ${key}`);
    assert.equal(res.json().code, 'idempotency_key_required');
  }
  assert.equal(await ledgerSum(db, 'cus_i'), 1000);
});

test('same key + same body → the stored reply is replayed, applied once', async () => {
  const first = await redeem('cus_i', 'same-key');
  const second = await redeem('cus_i', 'same-key', { rewardId: 'r-100' });
  assert.equal(first.statusCode, 201);
  assert.equal(second.statusCode, 201);
  assert.equal(second.headers['idempotent-replayed'], 'true');
  assert.equal(second.body, first.body);
  assert.equal(second.json<Redemption>().code, first.json<Redemption>().code);
  const entries = await db.selectFrom('points_ledger').select('id').where('customer_id', '=', 'cus_i').where('kind', '=', 'redeem').execute();
  assert.equal(entries.length, 1);
  assert.equal(await ledgerSum(db, 'cus_i'), 900);
});

test('same key + other body → 422 idempotency_key_reused', async () => {
  const res = await redeem('cus_i', 'same-key', { rewardId: 'r-big' });
  assert.equal(res.statusCode, 422);
  assert.equal(res.json().code, 'idempotency_key_reused');
  assert.equal(await ledgerSum(db, 'cus_i'), 900);
});

test('the key is scoped per customer: another customer may use the same key', async () => {
  const res = await redeem('cus_r', 'same-key');
  assert.equal(res.statusCode, 201);
  assert.equal(res.headers['idempotent-replayed'], undefined);
  assert.equal(res.json<Redemption>().balance, 150);
});

test('a 4xx answer is replayed too (same key, same body)', async () => {
  const again = await redeem('cus_poor', 'poor-1');
  assert.equal(again.statusCode, 409);
  assert.equal(again.headers['idempotent-replayed'], 'true');
  assert.match(again.headers['content-type'] as string, /^application\/problem\+json/);
  assert.equal(again.json().code, 'insufficient_points');
});

test('same key while the first request is still running → 409 idempotency_in_progress', async () => {
  // Hold the key as a running request would (inserted before its handler runs).
  const body = { rewardId: 'r-100' };
  await db
    .insertInto('idempotency_keys')
    .values({
      store_id: STORE,
      scope: 'cus_i',
      key: 'held-key',
      request_hash: requestHash('POST', URL_, body),
      state: 'running',
      status_code: null,
      response_body: null,
      created_at: NOW.toISOString(),
    })
    .execute();
  const res = await redeem('cus_i', 'held-key', body);
  assert.equal(res.statusCode, 409);
  assert.equal(res.json().code, 'idempotency_in_progress');
  assert.equal(await ledgerSum(db, 'cus_i'), 900);
});

test('two requests with one key at the same time: one runs, the other gets 409 or its replay', async () => {
  const [a, b] = await Promise.all([redeem('cus_i', 'race-key'), redeem('cus_i', 'race-key')]);
  const statuses = [a.statusCode, b.statusCode].sort();
  assert.ok(statuses[0] === 201, `one request must succeed: ${statuses}`);
  assert.ok(statuses[1] === 201 || statuses[1] === 409, `${statuses}`);
  if (statuses[1] === 201) assert.equal(a.body, b.body);
  assert.equal(await ledgerSum(db, 'cus_i'), 800);
});

test('a 5xx frees the key so the client may retry; the retry runs', async () => {
  const call = () =>
    app.inject({ method: 'POST', url: `/v1/stores/${STORE}/test/flaky`, headers: { 'idempotency-key': 'flaky-1' }, payload: {} });
  const first = await call();
  assert.equal(first.statusCode, 500);
  assert.equal(first.json().code, 'internal');
  assert.doesNotMatch(first.body, /boom/); // no internals leak
  const second = await call();
  assert.equal(second.statusCode, 200);
  assert.deepEqual(second.json(), { attempt: 2 });
  const third = await call();
  assert.equal(third.headers['idempotent-replayed'], 'true');
  assert.deepEqual(third.json(), { attempt: 2 });
  assert.equal(failures, 2);
});

test('keys older than 48 hours are purged and may be used again', async () => {
  const old = new Date(NOW.getTime() - 49 * 3600_000).toISOString();
  await db
    .insertInto('idempotency_keys')
    .values({ store_id: STORE, scope: 'cus_r', key: 'ancient', request_hash: 'x', state: 'done', status_code: 201, response_body: '{}', created_at: old })
    .execute();
  const res = await redeem('cus_r', 'ancient');
  assert.equal(res.statusCode, 201);
  assert.equal(res.headers['idempotent-replayed'], undefined);
  const left = await db.selectFrom('idempotency_keys').select('key').where('created_at', '<', new Date(NOW.getTime() - 48 * 3600_000).toISOString()).execute();
  assert.equal(left.length, 0);
});
