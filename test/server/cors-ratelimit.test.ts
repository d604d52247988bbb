import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../../server/db.ts';
import { makeDb, makeApp, addCustomer, addEntry, bearer, ledgerSum, STORE, ORIGIN } from './helpers.ts';

let db: Database;
let app: FastifyInstance;
const SESSION = `/v1/stores/${STORE}/session`;
const REDEEM = `/v1/stores/${STORE}/loyalty/redemptions`;

before(async () => {
  db = await makeDb();
  app = await makeApp(db);
  await addCustomer(db, 'cus_c');
  await addEntry(db, 'cus_c', 'purchase', 1000, 5, 360, 'o1');
});
after(async () => {
  await app.close();
  await db.destroy();
});

test('an allowed origin gets CORS headers', async () => {
  const res = await app.inject({ method: 'GET', url: SESSION, headers: { origin: ORIGIN } });
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['access-control-allow-origin'], ORIGIN);
  assert.match(String(res.headers['access-control-expose-headers']), /Idempotent-Replayed/);
  assert.match(String(res.headers.vary), /Origin/);
});

test('preflight from an allowed origin allows Authorization, Content-Type and Idempotency-Key', async () => {
  const res = await app.inject({
    method: 'OPTIONS',
    url: REDEEM,
    headers: { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,idempotency-key' },
  });
  assert.equal(res.statusCode, 204);
  assert.equal(res.headers['access-control-allow-origin'], ORIGIN);
  const allowed = String(res.headers['access-control-allow-headers']).toLowerCase();
  for (const h of ['authorization', 'content-type', 'idempotency-key']) assert.ok(allowed.includes(h), allowed);
  assert.match(String(res.headers['access-control-allow-methods']), /POST/);
});

test('another origin gets no CORS headers, and its POST is refused with 403', async () => {
  const evil = 'https://evil.test';
  const get = await app.inject({ method: 'GET', url: SESSION, headers: { origin: evil } });
  assert.equal(get.statusCode, 200);
  assert.equal(get.headers['access-control-allow-origin'], undefined);
  const pre = await app.inject({ method: 'OPTIONS', url: REDEEM, headers: { origin: evil, 'access-control-request-method': 'POST' } });
  assert.equal(pre.headers['access-control-allow-origin'], undefined);
  const post = await app.inject({
    method: 'POST',
    url: REDEEM,
    headers: { origin: evil, 'idempotency-key': 'evil-1', ...(await bearer('cus_c')) },
    payload: { rewardId: 'r-100' },
  });
  assert.equal(post.statusCode, 403);
  assert.equal(post.json().code, 'origin_not_allowed');
  assert.match(post.headers['content-type'] as string, /^application\/problem\+json/);
  assert.equal(await ledgerSum(db, 'cus_c'), 1000);
});

test("a POST from the store's origin or the server's own origin is allowed", async () => {
  for (const [origin, key] of [
    [ORIGIN, 'own-1'],
    ['http://localhost:80', 'own-2'], // inject's Host is localhost:80
  ] as const) {
    const res = await app.inject({
      method: 'POST',
      url: REDEEM,
      headers: { origin, 'idempotency-key': key, ...(await bearer('cus_c')) },
      payload: { rewardId: 'r-100' },
    });
    assert.equal(res.statusCode, 201, `${origin}: ${res.body}`);
  }
  assert.equal(await ledgerSum(db, 'cus_c'), 800);
});

test('rate limit: 429 problem rate_limited with Retry-After and RateLimit headers', async () => {
  const limited = await makeApp(db, { rateLimit: { max: 3, timeWindow: 60_000 } });
  try {
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 5; i++) {
      last = await limited.inject({ method: 'GET', url: SESSION });
      statuses.push(last.statusCode);
      if (i === 0) {
        assert.equal(last.headers['ratelimit-limit'], '3');
        assert.equal(last.headers['ratelimit-remaining'], '2');
      }
    }
    assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
    assert.ok(last);
    assert.match(last.headers['content-type'] as string, /^application\/problem\+json/);
    const p = last.json();
    assert.equal(p.code, 'rate_limited');
    assert.equal(p.status, 429);
    assert.ok(Number.isInteger(p.retryAfter) && p.retryAfter >= 1 && p.retryAfter <= 60, String(p.retryAfter));
    assert.equal(last.headers['retry-after'], String(p.retryAfter));
    // Non-API paths are not limited.
    assert.equal((await limited.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
  } finally {
    await limited.close();
  }
});

test('rate limit per shopper: one token spread over many addresses is still limited', async () => {
  const limited = await makeApp(db, { rateLimit: { max: 100, timeWindow: 60_000 }, shopperRateLimit: { max: 4, timeWindow: 60_000 } });
  try {
    const auth = await bearer('cus_c');
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 6; i++) {
      last = await limited.inject({ method: 'GET', url: SESSION, headers: auth, remoteAddress: `10.0.0.${i + 1}` });
      statuses.push(last.statusCode);
    }
    assert.deepEqual(statuses, [200, 200, 200, 200, 429, 429]);
    assert.ok(last);
    assert.equal(last.json().code, 'rate_limited');
    assert.equal(last.headers['ratelimit-limit'], '4');
    assert.equal(last.headers['ratelimit-remaining'], '0');
    assert.ok(Number(last.headers['retry-after']) >= 1);
    // Another shopper, and guests, from the same addresses are not affected.
    assert.equal((await limited.inject({ method: 'GET', url: SESSION, headers: await bearer('cus_other'), remoteAddress: '10.0.0.1' })).statusCode, 200);
    assert.equal((await limited.inject({ method: 'GET', url: SESSION, remoteAddress: '10.0.0.1' })).statusCode, 200);
  } finally {
    await limited.close();
  }
});
