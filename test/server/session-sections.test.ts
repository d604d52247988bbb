/**
 * The session's widget sections (`referral`, `nps`, `pendingReviews`, `returnPolicy`): each equals
 * what its own endpoint answers, for a guest, a visitor (visitorId) and a member; and the read
 * costs no more queries than it needs (none for a guest).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Database } from '../../server/db.ts';
import type { Session } from '../../contract/types.ts';
import { makeDb, makeApp, addCustomer, bearer, STORE } from './helpers.ts';
import { addOrder, addProduct } from './reviews-fixtures.ts';
import { QueryCounter } from './returns-fixtures.ts';

const BASE = `/v1/stores/${STORE}`;
const VISITOR = 'visitor-session-1';

let db: Database;
let app: FastifyInstance;
const counter = new QueryCounter();
let keySeq = 0;

before(async () => {
  db = await makeDb();
  app = await makeApp(db.withPlugin(counter));
  await addProduct(db, 'p-sencha', 'Sencha');
  await addProduct(db, 'p-matcha', 'Matcha');
  await addProduct(db, 'p-hojicha', 'Hojicha');
  // cus_rev: an older order (rated nothing) and a newer one with two items.
  await addCustomer(db, 'cus_rev', 'Rei Test');
  await addOrder(db, { id: 'ord_old', customerId: 'cus_rev', items: ['p-hojicha'], daysAgo: 30 });
  await addOrder(db, { id: 'ord_new', customerId: 'cus_rev', items: ['p-sencha', 'p-matcha'], daysAgo: 2 });
  // cus_none: a member without orders.
  await addCustomer(db, 'cus_none', 'Nao Test');
});
after(async () => {
  await app.close();
  await db.destroy();
});

const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url: `${BASE}${url}`, headers });

function ok<T>(res: LightMyRequestResponse): T {
  assert.equal(res.statusCode, 200, res.body);
  return res.json<T>();
}

/** The session read, with the number of queries it cost beyond the store lookup every store route makes. */
async function session(query: string, headers: Record<string, string> = {}): Promise<{ body: Session; res: LightMyRequestResponse; queries: number }> {
  const before = counter.count;
  const res = await get(`/session${query}`, headers);
  return { body: ok<Session>(res), res, queries: counter.count - before - 1 };
}

test('guest without visitorId: no customer sections, the return policy, and no query of its own', async () => {
  const customersBefore = (await db.selectFrom('customers').select('id').execute()).length;
  const { body, res, queries } = await session('');
  assert.equal(body.customer, null);
  assert.equal(body.referral, null);
  assert.equal(body.nps, null);
  assert.equal(body.pendingReviews, null);
  assert.deepEqual(body.returnPolicy, ok(await get('/returns/policy')));
  assert.equal(body.returnPolicy.currency, 'JPY');
  assert.equal(res.headers['cache-control'], 'no-cache');
  assert.equal(queries, 0);
  assert.equal((await db.selectFrom('customers').select('id').execute()).length, customersBefore);
});

test('guest with visitorId: nps as /nps/status answers it, before and after the visitor answers; two queries', async () => {
  const first = await session(`?visitorId=${VISITOR}`);
  assert.deepEqual(first.body.nps, { ask: true, reason: null, nextAskAt: null });
  assert.deepEqual(first.body.nps, ok(await get(`/nps/status?visitorId=${VISITOR}`)));
  assert.equal(first.body.customer, null);
  assert.equal(first.body.referral, null);
  assert.equal(first.body.pendingReviews, null);
  assert.equal(first.res.headers['cache-control'], 'private, no-store');
  assert.equal(first.queries, 2); // the two quiet periods, nothing customer-specific

  const answered = await app.inject({
    method: 'POST',
    url: `${BASE}/nps/responses`,
    headers: { 'idempotency-key': `session-nps-${++keySeq}` },
    payload: { score: 9, visitorId: VISITOR },
  });
  assert.equal(answered.statusCode, 201, answered.body);
  const after = await session(`?visitorId=${VISITOR}`);
  assert.equal(after.body.nps?.ask, false);
  assert.equal(after.body.nps?.reason, 'answered');
  assert.deepEqual(after.body.nps, ok(await get(`/nps/status?visitorId=${VISITOR}`)));
});

test('a bad visitorId, or an unknown parameter, is a 400 naming the field, as on /nps/status', async () => {
  for (const query of ['visitorId=short', 'visitorId=has%20space%20inside', `visitorId=${'x'.repeat(65)}`]) {
    for (const path of ['/session', '/nps/status']) {
      const res = await get(`${path}?${query}`);
      assert.equal(res.statusCode, 400, `${path}?${query}`);
      assert.match(res.headers['content-type'] as string, /^application\/problem\+json/);
      assert.equal(res.json().code, 'validation_failed');
      assert.equal(res.json().field, '/visitorId');
    }
  }
  const extra = await get('/session?order=ord_new', await bearer('cus_rev'));
  assert.equal(extra.statusCode, 400);
  assert.equal(extra.json().code, 'validation_failed');
  const badToken = await get(`/session?visitorId=${VISITOR}`, { authorization: 'Bearer nope.nope.nope' });
  assert.equal(badToken.statusCode, 401);
  assert.equal(badToken.json().code, 'token_invalid');
});

test('member: every section equals what its own endpoint answers', async () => {
  const auth = await bearer('cus_rev');
  const { body, res } = await session(`?visitorId=${VISITOR}`, auth);
  assert.equal(res.headers['cache-control'], 'private, no-store');
  assert.equal(body.customer?.id, 'cus_rev');
  assert.deepEqual(body.referral, ok(await get('/referrals/me', auth)));
  assert.match(body.referral!.code, /^[A-Z0-9]+-[A-Z0-9]+$/);
  // Signed in on the browser that answered as a visitor: quiet, as /nps/status says.
  assert.deepEqual(body.nps, ok(await get(`/nps/status?visitorId=${VISITOR}`, auth)));
  assert.equal(body.nps?.ask, false);
  // The newest order, as /reviews/pending?order= answers it.
  assert.equal(body.pendingReviews?.orderId, 'ord_new');
  assert.deepEqual(body.pendingReviews, ok(await get('/reviews/pending?order=ord_new', auth)));
  assert.deepEqual(
    body.pendingReviews?.items.map((i) => i.productId),
    ['p-matcha', 'p-sencha'],
  );
  assert.deepEqual(body.returnPolicy, ok(await get('/returns/policy')));
  // The rest of the session is unchanged.
  assert.deepEqual(Object.keys(body).sort(), ['customer', 'nps', 'pendingReviews', 'program', 'referral', 'returnPolicy', 'store']);

  // Without visitorId the customer alone decides the NPS status (they never answered).
  const alone = await session('', auth);
  assert.deepEqual(alone.body.nps, { ask: true, reason: null, nextAskAt: null });
  assert.deepEqual(alone.body.nps, ok(await get('/nps/status', auth)));
});

test('member: pendingReviews follows the reviews (a rated item leaves it), still equal to /reviews/pending', async () => {
  const auth = await bearer('cus_rev');
  const posted = await app.inject({
    method: 'POST',
    url: `${BASE}/reviews`,
    headers: { ...auth, 'idempotency-key': `session-review-${++keySeq}` },
    payload: { order: 'ord_new', items: [{ product: 'p-sencha', rating: 5 }] },
  });
  assert.equal(posted.statusCode, 201, posted.body);
  const { body } = await session(`?visitorId=${VISITOR}`, auth);
  assert.deepEqual(
    body.pendingReviews?.items.map((i) => i.productId),
    ['p-matcha'],
  );
  assert.deepEqual(body.pendingReviews, ok(await get('/reviews/pending?order=ord_new', auth)));
});

test('member without orders: pendingReviews has no order and no items; a new member gets a customer and a referral code', async () => {
  const none = await session(`?visitorId=${VISITOR}`, await bearer('cus_none'));
  assert.deepEqual(none.body.pendingReviews, { orderId: null, items: [], pointsPerReview: 0 });
  assert.deepEqual(none.body.referral, ok(await get('/referrals/me', await bearer('cus_none'))));

  const fresh = await session(`?visitorId=${VISITOR}`, await bearer('cus_brand_new'));
  assert.equal(fresh.body.customer?.id, 'cus_brand_new');
  assert.deepEqual(fresh.body.pendingReviews, { orderId: null, items: [], pointsPerReview: 0 });
  const codes = await db.selectFrom('referral_codes').select('code').where('customer_id', '=', 'cus_brand_new').execute();
  assert.deepEqual(codes.map((c) => c.code), [fresh.body.referral!.code]);
  // A second read finds the code and creates nothing.
  const again = await session(`?visitorId=${VISITOR}`, await bearer('cus_brand_new'));
  assert.equal(again.body.referral!.code, fresh.body.referral!.code);
  assert.equal((await db.selectFrom('referral_codes').select('code').where('customer_id', '=', 'cus_brand_new').execute()).length, 1);
});

test('member read cost: a fixed number of queries once the referral code exists and nothing expires', async () => {
  const auth = await bearer('cus_rev');
  await session(`?visitorId=${VISITOR}`, auth); // code exists, nothing to expire
  const { queries } = await session(`?visitorId=${VISITOR}`, auth);
  // customer 1 + ledger 1 + referral 2 (code; the four stats in one) + NPS 2 + newest order 1 + its items 1
  assert.equal(queries, 8);
});
