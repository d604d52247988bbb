import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { SignJWT } from 'jose';
import type { Database } from '../../server/db.ts';
import type { Session } from '../../contract/types.ts';
import { makeDb, makeApp, addCustomer, addEntry, token, NOW, STORE, SECRET, OLD_SECRET, RETIRED_SECRET } from './helpers.ts';

let db: Database;
let app: FastifyInstance;
const LEDGER = `/v1/stores/${STORE}/loyalty/ledger`;
const SESSION = `/v1/stores/${STORE}/session`;

before(async () => {
  db = await makeDb();
  app = await makeApp(db);
  await addCustomer(db, 'cus_a');
  await addCustomer(db, 'cus_b');
  await addEntry(db, 'cus_a', 'purchase', 120, 5, 360, 'o1');
  await addEntry(db, 'cus_b', 'purchase', 9999, 5, 360, 'o2');
});
after(async () => {
  await app.close();
  await db.destroy();
});

const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

function assertProblem(res: LightMyRequestResponse, status: number, code: string) {
  assert.equal(res.statusCode, status, res.body);
  assert.match(res.headers['content-type'] as string, /^application\/problem\+json/);
  assert.equal(res.json().code, code);
  assert.equal(res.json().status, status);
}

const get = (url: string, authorization?: string) =>
  app.inject({ method: 'GET', url, headers: authorization === undefined ? {} : { authorization } });

test('missing token on a customer route → 401 token_missing', async () => {
  assertProblem(await get(LEDGER), 401, 'token_missing');
  const post = await app.inject({
    method: 'POST',
    url: `/v1/stores/${STORE}/loyalty/redemptions`,
    headers: { 'idempotency-key': 'k-missing-token' },
    payload: { rewardId: 'r-100' },
  });
  assertProblem(post, 401, 'token_missing');
});

test('a valid token signed with the current secret is accepted', async () => {
  const res = await get(LEDGER, `Bearer ${await token('cus_a')}`);
  assert.equal(res.statusCode, 200);
  assert.equal(res.json().balance, 120);
});

test('tampered signature → 401 token_invalid', async () => {
  const t = await token('cus_a');
  const [h, p, s] = t.split('.') as [string, string, string];
  const flipped = (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
  assertProblem(await get(LEDGER, `Bearer ${h}.${p}.${flipped}`), 401, 'token_invalid');
});

test('tampered payload (another customer, original signature) → 401 token_invalid', async () => {
  const t = await token('cus_a');
  const [h, p, s] = t.split('.') as [string, string, string];
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
  payload.sub = 'cus_b';
  assertProblem(await get(LEDGER, `Bearer ${h}.${b64url(payload)}.${s}`), 401, 'token_invalid');
});

test('alg none → 401 token_invalid', async () => {
  const now = Math.floor(NOW.getTime() / 1000);
  const unsigned = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ sub: 'cus_b', aud: STORE, iat: now, exp: now + 600 })}.`;
  assertProblem(await get(LEDGER, `Bearer ${unsigned}`), 401, 'token_invalid');
});

test('HS512 with the right secret is not accepted (HS256 only) → 401 token_invalid', async () => {
  const t = await new SignJWT({})
    .setProtectedHeader({ alg: 'HS512' })
    .setSubject('cus_a')
    .setAudience(STORE)
    .setIssuedAt(Math.floor(NOW.getTime() / 1000))
    .setExpirationTime(Math.floor(NOW.getTime() / 1000) + 600)
    .sign(new TextEncoder().encode(SECRET));
  assertProblem(await get(LEDGER, `Bearer ${t}`), 401, 'token_invalid');
});

test('expired token → 401 token_expired', async () => {
  const t = await token('cus_a', { now: new Date(NOW.getTime() - 2 * 3600_000), ttlSeconds: 3600 });
  assertProblem(await get(LEDGER, `Bearer ${t}`), 401, 'token_expired');
});

test('token for another store (wrong aud) → 401 token_invalid', async () => {
  const t = await token('cus_a', { store: 'other-store' });
  assertProblem(await get(LEDGER, `Bearer ${t}`), 401, 'token_invalid');
});

test('token without exp → 401 token_invalid', async () => {
  const t = await new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('cus_a')
    .setAudience(STORE)
    .setIssuedAt(Math.floor(NOW.getTime() / 1000))
    .sign(new TextEncoder().encode(SECRET));
  assertProblem(await get(LEDGER, `Bearer ${t}`), 401, 'token_invalid');
});

test('token signed with a rotated-out secret → 401 token_invalid', async () => {
  const t = await token('cus_a', { secret: RETIRED_SECRET });
  assertProblem(await get(LEDGER, `Bearer ${t}`), 401, 'token_invalid');
});

test('token signed with the second, still-listed secret → accepted', async () => {
  const t = await token('cus_a', { secret: OLD_SECRET });
  const res = await get(SESSION, `Bearer ${t}`);
  assert.equal(res.statusCode, 200);
  assert.equal(res.json<Session>().customer?.id, 'cus_a');
  assert.equal(res.json<Session>().customer?.balance, 120);
});

test('malformed tokens and schemes → 401 token_invalid', async () => {
  for (const h of ['Bearer not-a-jwt', 'Bearer a.b.c', 'Basic dXNlcjpwYXNz', 'Bearer', `Bearer ${'x'.repeat(3000)}`]) {
    assertProblem(await get(LEDGER, h), 401, 'token_invalid');
  }
});

test('session: no token is a guest, but a bad token is rejected (not silently a guest)', async () => {
  const guest = await get(SESSION);
  assert.equal(guest.statusCode, 200);
  assert.equal(guest.json<Session>().customer, null);
  assertProblem(await get(SESSION, `Bearer ${await token('cus_a', { store: 'other-store' })}`), 401, 'token_invalid');
  const expired = await token('cus_a', { now: new Date(NOW.getTime() - 7200_000) });
  assertProblem(await get(SESSION, `Bearer ${expired}`), 401, 'token_expired');
});
