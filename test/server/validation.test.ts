import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Database } from '../../server/db.ts';
import { makeDb, makeApp, addCustomer, addEntry, bearer, ledgerSum, STORE } from './helpers.ts';

let db: Database;
let app: FastifyInstance;
let auth: { authorization: string };
const URL_ = `/v1/stores/${STORE}/loyalty/redemptions`;
let n = 0;

before(async () => {
  db = await makeDb();
  app = await makeApp(db);
  await addCustomer(db, 'cus_v');
  await addEntry(db, 'cus_v', 'purchase', 1000, 5, 360, 'o1');
  auth = await bearer('cus_v');
});
after(async () => {
  await app.close();
  await db.destroy();
});

function post(payload: unknown, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST',
    url: URL_,
    headers: { ...auth, 'idempotency-key': `val-${++n}`, ...headers },
    ...(typeof payload === 'string' ? { payload } : { payload: payload as object }),
  });
}

function assertProblem(res: LightMyRequestResponse, status: number, code: string, field?: string) {
  assert.equal(res.statusCode, status, res.body);
  assert.match(res.headers['content-type'] as string, /^application\/problem\+json/);
  const p = res.json();
  assert.equal(p.code, code);
  assert.equal(p.status, status);
  if (field !== undefined) assert.equal(p.field, field);
}

test('missing rewardId → 400 validation_failed, field /rewardId', async () => {
  assertProblem(await post({}), 400, 'validation_failed', '/rewardId');
});

test('wrong type → 400 validation_failed, field /rewardId (no coercion)', async () => {
  assertProblem(await post({ rewardId: 123 }), 400, 'validation_failed', '/rewardId');
  assertProblem(await post({ rewardId: '' }), 400, 'validation_failed', '/rewardId');
  assertProblem(await post({ rewardId: 'x'.repeat(65) }), 400, 'validation_failed', '/rewardId');
});

test('extra property → 400 validation_failed naming it', async () => {
  assertProblem(await post({ rewardId: 'r-100', points: 99999 }), 400, 'validation_failed', '/points');
});

test('body not an object / not JSON → 400 validation_failed', async () => {
  assertProblem(await post([1, 2]), 400, 'validation_failed', '');
  assertProblem(await post('{"rewardId":', { 'content-type': 'application/json' }), 400, 'validation_failed');
  assertProblem(await post('{"__proto__":{"x":1},"rewardId":"r-100"}', { 'content-type': 'application/json' }), 400, 'validation_failed');
});

test('oversized body → 413 payload_too_large', async () => {
  assertProblem(await post({ rewardId: 'r-100', pad: 'x'.repeat(17 * 1024) }), 413, 'payload_too_large');
});

test('wrong content type → 415 unsupported_media_type', async () => {
  assertProblem(await post('rewardId=r-100', { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'unsupported_media_type');
  assertProblem(await post('{"rewardId":"r-100"}', { 'content-type': 'text/plain' }), 415, 'unsupported_media_type');
});

test('unknown reward → 404 reward_not_found, field /rewardId', async () => {
  assertProblem(await post({ rewardId: 'no-such-reward' }), 404, 'reward_not_found', '/rewardId');
});

test('invalid store id in the path → 404 store_not_found', async () => {
  const res = await app.inject({ method: 'GET', url: '/v1/stores/BAD%20STORE/session' });
  assertProblem(res, 404, 'store_not_found');
});

test('none of the bad requests spent points', async () => {
  assert.equal(await ledgerSum(db, 'cus_v'), 1000);
});
