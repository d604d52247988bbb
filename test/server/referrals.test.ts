import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../../server/db.ts';
import type { OrderIngestResult, ReferralInfo, ReferralVisit } from '../../contract/types.ts';
import { DISCOUNT_CODE_PATTERN } from '../../server/ids.ts';
import { newReferralCode } from '../../server/referrals.ts';
import { makeDb, makeApp, addCustomer, bearer, ledgerSum, daysFromNow, DAY, NOW, SECRET, STORE } from './helpers.ts';
import { assertProblem, ingest, ledgerOf, orderBody, YieldPlugin } from './orders-fixtures.ts';

let db: Database;
let app: FastifyInstance;
const ME = `/v1/stores/${STORE}/referrals/me`;
const VISITS = `/v1/stores/${STORE}/referrals/visits`;
const CODE = /^[A-HJ-NP-Z2-9]{8}$/;

before(async () => {
  db = await makeDb();
  app = await makeApp(db);
});
afterEach(async () => {
  await db.updateTable('stores').set({ settings: '{}' }).where('id', '=', STORE).execute();
});
after(async () => {
  await app.close();
  await db.destroy();
});

/** Override the store's referral settings (read on every request). */
const referralSettings = (s: Record<string, unknown>) => db.updateTable('stores').set({ settings: JSON.stringify({ referral: s }) }).where('id', '=', STORE).execute();

const me = async (customerId: string) => app.inject({ method: 'GET', url: ME, headers: await bearer(customerId) });
const codeOf = async (customerId: string) => {
  const res = await me(customerId);
  assert.equal(res.statusCode, 200, res.body);
  return res.json<ReferralInfo>().code;
};

let ipSeq = 0;
let keySeq = 0;
/** A friend's landing; every call comes from its own IP unless one is given. */
function visit(body: unknown, opts: { ip?: string; key?: string; headers?: Record<string, string> } = {}) {
  return app.inject({
    method: 'POST',
    url: VISITS,
    remoteAddress: opts.ip ?? `10.0.${Math.floor(++ipSeq / 250)}.${ipSeq % 250}`,
    headers: { 'idempotency-key': opts.key ?? `visit-${++keySeq}`, ...opts.headers },
    payload: body as object,
  });
}

const referralRows = (orderId: string) => db.selectFrom('referrals').selectAll().where('store_id', '=', STORE).where('order_id', '=', orderId).execute();

test('referrals/me needs a valid customer token', async () => {
  assertProblem(await app.inject({ method: 'GET', url: ME }), 401, 'token_missing');
  assertProblem(await app.inject({ method: 'GET', url: ME, headers: { authorization: 'Bearer nope' } }), 401, 'token_invalid');
});

test('referrals/me: one readable code per customer, the link, both rewards and empty stats', async () => {
  await addCustomer(db, 'cus_hana', 'Hana Sato');
  const res = await me('cus_hana');
  assert.equal(res.statusCode, 200, res.body);
  const info = res.json<ReferralInfo>();
  assert.match(info.code, /^HANA-[A-HJ-NP-Z2-9]{4}$/);
  assert.deepEqual(info, {
    code: info.code,
    url: `/?ref=${info.code}`,
    referrerReward: { points: 500 },
    friendReward: { kind: 'amount_off', value: 1000, currency: 'JPY' },
    stats: { visits: 0, friends: 0, pending: 0, pointsEarned: 0 },
  });
  assert.equal(await codeOf('cus_hana'), info.code);
  const rows = await db.selectFrom('referral_codes').selectAll().where('customer_id', '=', 'cus_hana').execute();
  assert.deepEqual(rows, [{ store_id: STORE, customer_id: 'cus_hana', code: info.code, created_at: NOW.toISOString() }]);
  // A customer known only from a token (no name) gets eight random symbols.
  assert.match(await codeOf('cus_token_only'), CODE);
});

test('the link follows the landing URL: absolute stays absolute, existing query and fragment are kept', async () => {
  await addCustomer(db, 'cus_link', 'Link');
  const code = await codeOf('cus_link');
  await referralSettings({ landingUrl: 'https://shop.test/welcome?utm_source=share#top' });
  assert.equal((await me('cus_link')).json<ReferralInfo>().url, `https://shop.test/welcome?utm_source=share&ref=${code}#top`);
  await referralSettings({ landingUrl: '/pages/refer' });
  assert.equal((await me('cus_link')).json<ReferralInfo>().url, `/pages/refer?ref=${code}`);
});

test('newReferralCode: Latin first-name prefix when there is one, random otherwise and after collisions', () => {
  assert.match(newReferralCode('José María'), /^JOSE-[A-HJ-NP-Z2-9]{4}$/);
  assert.match(newReferralCode('佐藤 花子'), CODE);
  assert.match(newReferralCode(''), CODE);
  assert.match(newReferralCode('Hana', 3), CODE);
});

test('10 concurrent first calls to referrals/me end with one code', async () => {
  const racing = await makeApp(db.withPlugin(new YieldPlugin()));
  try {
    await addCustomer(db, 'cus_race', 'Rin');
    const auth = await bearer('cus_race');
    const responses = await Promise.all(Array.from({ length: 10 }, () => racing.inject({ method: 'GET', url: ME, headers: auth })));
    for (const r of responses) assert.equal(r.statusCode, 200, r.body);
    const codes = new Set(responses.map((r) => r.json<ReferralInfo>().code));
    assert.equal(codes.size, 1);
    const rows = await db.selectFrom('referral_codes').select('code').where('customer_id', '=', 'cus_race').execute();
    assert.deepEqual(rows, [{ code: [...codes][0] }]);
  } finally {
    await racing.close();
  }
});

test('visit: 201 with the window, a one-time offer code and the first name; only a salted hash of the IP is kept', async () => {
  await addCustomer(db, 'cus_v', 'Kenji Mori');
  const code = await codeOf('cus_v');
  const res = await visit({ code: code.toLowerCase(), visitorId: 'visitor-v-0001' }, { ip: '192.0.2.33', key: 'v-key' });
  assert.equal(res.statusCode, 201, res.body);
  const v = res.json<ReferralVisit>();
  assert.match(v.visitId, /^vis_[0-9a-z]{16}$/);
  assert.equal(v.expiresAt, daysFromNow(30));
  assert.equal(v.referrerName, 'Kenji');
  assert.equal(v.offer.kind, 'amount_off');
  assert.equal(v.offer.value, 1000);
  assert.equal(v.offer.currency, 'JPY');
  assert.match(v.offer.code, DISCOUNT_CODE_PATTERN);
  const row = await db.selectFrom('referral_visits').selectAll().where('id', '=', v.visitId).executeTakeFirstOrThrow();
  assert.equal(row.code, code);
  assert.equal(row.referrer_id, 'cus_v');
  assert.equal(row.visitor_id, 'visitor-v-0001');
  assert.equal(row.offer_code, v.offer.code);
  assert.equal(row.source, createHmac('sha256', SECRET).update('192.0.2.33').digest('hex'));
  assert.ok(!row.source.includes('192.0.2.33'));

  // The same key replays; the same visitor with a new key gets the same visit and offer back.
  const replay = await visit({ code: code.toLowerCase(), visitorId: 'visitor-v-0001' }, { ip: '192.0.2.33', key: 'v-key' });
  assert.equal(replay.headers['idempotent-replayed'], 'true');
  assert.equal(replay.body, res.body);
  const again = await visit({ code, visitorId: 'visitor-v-0001' });
  assert.equal(again.statusCode, 200, again.body);
  assert.deepEqual(again.json<ReferralVisit>(), v);
  assert.equal((await db.selectFrom('referral_visits').select('id').where('referrer_id', '=', 'cus_v').execute()).length, 1);

  // Another shopper, signed in, may visit.
  await addCustomer(db, 'cus_other');
  const signedIn = await visit({ code, visitorId: 'visitor-v-0002' }, { headers: await bearer('cus_other') });
  assert.equal(signedIn.statusCode, 201, signedIn.body);
  const info = (await me('cus_v')).json<ReferralInfo>();
  assert.deepEqual(info.stats, { visits: 2, friends: 0, pending: 2, pointsEarned: 0 });
});

test('visit: unknown code → 404, own code → 409 self_referral, bad input → 400, no key → 400', async () => {
  await addCustomer(db, 'cus_self', 'Self');
  const code = await codeOf('cus_self');
  assertProblem(await visit({ code: 'NOPE-2222', visitorId: 'visitor-x-0001' }), 404, 'referral_code_not_found', '/code');
  assertProblem(await visit({ code, visitorId: 'visitor-x-0001' }, { headers: await bearer('cus_self') }), 409, 'self_referral');
  assertProblem(await visit({ code, visitorId: 'short' }), 400, 'validation_failed', '/visitorId');
  assertProblem(await visit({ code, visitorId: 'has spaces in it' }), 400, 'validation_failed', '/visitorId');
  assertProblem(await visit({ code: 'x', visitorId: 'visitor-x-0001' }), 400, 'validation_failed', '/code');
  assertProblem(await visit({ code, visitorId: 'visitor-x-0001', extra: 1 }), 400, 'validation_failed', '/extra');
  assertProblem(await visit({ code, visitorId: 'visitor-x-0001' }, { headers: { authorization: 'Bearer bad' } }), 401, 'token_invalid');
  const noKey = await app.inject({ method: 'POST', url: VISITS, payload: { code, visitorId: 'visitor-x-0001' } });
  assertProblem(noKey, 400, 'idempotency_key_required');
  assert.equal((await db.selectFrom('referral_visits').select('id').where('referrer_id', '=', 'cus_self').execute()).length, 0);
});

test('end to end: code → friend visit → friend order → referrer credited once, stats updated', async () => {
  await addCustomer(db, 'cus_e2e', 'Emi Ito');
  const code = await codeOf('cus_e2e');
  const v = await visit({ code, visitorId: 'visitor-e2e-0001' });
  assert.equal(v.statusCode, 201, v.body);
  const order = orderBody({ email: 'Friend.E2E@Example.com', referral: { visitorId: 'visitor-e2e-0001' } });
  const res = await ingest(app, order);
  assert.equal(res.statusCode, 201, res.body);
  assert.deepEqual(res.json<OrderIngestResult>().referral, { status: 'rewarded', referrerPoints: 500, friendPoints: 0 });

  assert.deepEqual(
    (await ledgerOf(db, 'cus_e2e')).map((e) => [e.kind, e.points, e.ref, e.expires_at]),
    [['referral', 500, order.id, daysFromNow(365)]],
  );
  const [row] = await referralRows(order.id);
  assert.equal(row?.status, 'rewarded');
  assert.equal(row?.referrer_id, 'cus_e2e');
  assert.equal(row?.code, code);
  assert.equal(row?.visit_id, v.json<ReferralVisit>().visitId);
  assert.equal(row?.friend_email, 'friend.e2e@example.com');
  assert.equal(row?.referrer_points, 500);
  assert.deepEqual((await me('cus_e2e')).json<ReferralInfo>().stats, { visits: 1, friends: 1, pending: 0, pointsEarned: 500 });

  // The webhook delivered again: same answer, nothing doubled.
  const replay = await ingest(app, order);
  assert.equal(replay.statusCode, 200);
  assert.deepEqual(replay.json<OrderIngestResult>().referral, { status: 'rewarded', referrerPoints: 500, friendPoints: 0 });
  assert.equal(await ledgerSum(db, 'cus_e2e'), 500);
  assert.equal((await referralRows(order.id)).length, 1);
});

test('double-sided: a friend with an account also earns friendPoints; a code at checkout needs no visit', async () => {
  await referralSettings({ friendPoints: 200, referrerPoints: 300 });
  await addCustomer(db, 'cus_ds', 'Daisuke');
  const code = await codeOf('cus_ds');
  const order = orderBody({ customerId: 'cus_ds_friend', referral: { code: code.toLowerCase() } });
  const res = await ingest(app, order);
  assert.equal(res.statusCode, 201, res.body);
  const r = res.json<OrderIngestResult>();
  assert.deepEqual(r.referral, { status: 'rewarded', referrerPoints: 300, friendPoints: 200 });
  assert.equal(r.pointsEarned, 100);
  assert.deepEqual(
    (await ledgerOf(db, 'cus_ds_friend')).map((e) => [e.kind, e.points, e.ref]),
    [
      ['purchase', 100, order.id],
      ['referral', 200, order.id],
    ],
  );
  assert.equal(await ledgerSum(db, 'cus_ds'), 300);
  const [row] = await referralRows(order.id);
  assert.equal(row?.visit_id, null);
  assert.equal(row?.friend_customer_id, 'cus_ds_friend');
  assert.equal(row?.friend_points, 200);
  // The friend's own stats do not count the friend-side points.
  assert.equal((await me('cus_ds_friend')).json<ReferralInfo>().stats.pointsEarned, 0);
});

async function rejected(order: ReturnType<typeof orderBody>, reason: string, referrerId: string): Promise<void> {
  const res = await ingest(app, order);
  assert.equal(res.statusCode, 201, res.body);
  assert.deepEqual(res.json<OrderIngestResult>().referral, { status: 'rejected', reason, referrerPoints: 0, friendPoints: 0 });
  const [row] = await referralRows(order.id);
  assert.equal(row?.status, 'rejected');
  assert.equal(row?.reason, reason);
  assert.equal(row?.referrer_id, referrerId);
  assert.equal((await ledgerOf(db, referrerId)).filter((e) => e.kind === 'referral').length, 0);
}

test('self-referral earns nothing: the referrer\'s own account, own e-mail (any case) or an e-mail they ordered with', async () => {
  await addCustomer(db, 'cus_sr', 'Sora');
  const code = await codeOf('cus_sr');
  await rejected(orderBody({ customerId: 'cus_sr', referral: { code } }), 'self_referral', 'cus_sr');
  await rejected(orderBody({ email: 'CUS_SR@EXAMPLE.COM', referral: { code } }), 'self_referral', 'cus_sr');
  assert.equal((await ingest(app, orderBody({ id: 'sr-alias', customerId: 'cus_sr', email: 'sora.alias@example.org' }))).statusCode, 201);
  await rejected(orderBody({ email: 'Sora.Alias@example.org', referral: { code } }), 'self_referral', 'cus_sr');
});

test('an existing customer earns nothing: an earlier order by the same e-mail or customer id', async () => {
  await addCustomer(db, 'cus_ex', 'Ema');
  const code = await codeOf('cus_ex');
  const earlier = new Date(NOW.getTime() - 10 * DAY).toISOString();
  assert.equal((await ingest(app, orderBody({ email: 'old@example.com', createdAt: earlier }))).statusCode, 201);
  await rejected(orderBody({ email: 'OLD@example.com', referral: { code } }), 'existing_customer', 'cus_ex');
  assert.equal((await ingest(app, orderBody({ customerId: 'cus_ex_old', email: 'a@example.com', createdAt: earlier }))).statusCode, 201);
  await rejected(orderBody({ customerId: 'cus_ex_old', email: 'b@example.com', referral: { code } }), 'existing_customer', 'cus_ex');
});

test('an order below the minimum earns nothing', async () => {
  await referralSettings({ minOrderTotal: 20000 });
  await addCustomer(db, 'cus_min', 'Mina');
  const code = await codeOf('cus_min');
  await rejected(orderBody({ referral: { code } }), 'below_minimum', 'cus_min');
});

test('a visit past its window earns nothing', async () => {
  await addCustomer(db, 'cus_exp', 'Eri');
  const code = await codeOf('cus_exp');
  await db
    .insertInto('referral_visits')
    .values({
      id: 'vis_expired',
      store_id: STORE,
      code,
      referrer_id: 'cus_exp',
      visitor_id: 'visitor-expired-01',
      source: 'x',
      offer_code: null,
      created_at: daysFromNow(-40),
      expires_at: daysFromNow(-10),
    })
    .execute();
  const order = orderBody({ referral: { visitorId: 'visitor-expired-01' } });
  await rejected(order, 'expired', 'cus_exp');
  assert.equal((await referralRows(order.id))[0]?.visit_id, 'vis_expired');
  assert.deepEqual((await me('cus_exp')).json<ReferralInfo>().stats, { visits: 1, friends: 0, pending: 0, pointsEarned: 0 });
});

test('a referral that points at nobody: unknown code or a visitor without a visit (also on replay)', async () => {
  for (const [referral, reason] of [
    [{ code: 'NOPE-2222' }, 'unknown_code'],
    [{ visitorId: 'visitor-nobody-001' }, 'no_visit'],
    [{ code: 'NOPE-3333', visitorId: 'visitor-nobody-002' }, 'unknown_code'],
  ] as const) {
    const order = orderBody({ customerId: 'cus_nobody', referral });
    for (const status of [201, 200]) {
      const res = await ingest(app, order);
      assert.equal(res.statusCode, status, res.body);
      assert.deepEqual(res.json<OrderIngestResult>().referral, { status: 'rejected', reason, referrerPoints: 0, friendPoints: 0 });
    }
    assert.equal((await referralRows(order.id)).length, 0);
  }
  assert.equal(await ledgerSum(db, 'cus_nobody'), 300);
});

test('abuse: one source earns at most maxRewardsPerSource rewards in the window', async () => {
  await addCustomer(db, 'cus_src', 'Sam');
  const code = await codeOf('cus_src');
  const reasons: (string | undefined)[] = [];
  for (let i = 0; i < 4; i++) {
    const visitorId = `visitor-src-000${i}`;
    assert.equal((await visit({ code, visitorId }, { ip: '198.51.100.4' })).statusCode, 201);
    const res = await ingest(app, orderBody({ referral: { visitorId } }));
    const r = res.json<OrderIngestResult>().referral;
    reasons.push(r?.status === 'rewarded' ? 'rewarded' : r?.reason);
  }
  assert.deepEqual(reasons, ['rewarded', 'rewarded', 'rewarded', 'abuse']);
  // Another source still earns.
  assert.equal((await visit({ code, visitorId: 'visitor-src-0009' }, { ip: '198.51.100.5' })).statusCode, 201);
  const other = await ingest(app, orderBody({ referral: { visitorId: 'visitor-src-0009' } }));
  assert.equal(other.json<OrderIngestResult>().referral?.status, 'rewarded');
  assert.equal(await ledgerSum(db, 'cus_src'), 4 * 500);
  assert.deepEqual((await me('cus_src')).json<ReferralInfo>().stats, { visits: 5, friends: 4, pending: 0, pointsEarned: 2000 });
});

test('abuse: a friend e-mail is rewarded once, whoever referred it (a late webhook of an earlier order)', async () => {
  await addCustomer(db, 'cus_ab1', 'Aki');
  await addCustomer(db, 'cus_ab2', 'Bo');
  const first = await ingest(app, orderBody({ email: 'twice@example.com', referral: { code: await codeOf('cus_ab1') } }));
  assert.equal(first.json<OrderIngestResult>().referral?.status, 'rewarded');
  const late = orderBody({ email: 'Twice@example.com', createdAt: new Date(NOW.getTime() - 3600_000).toISOString(), referral: { code: await codeOf('cus_ab2') } });
  await rejected(late, 'abuse', 'cus_ab2');
  assert.equal(await ledgerSum(db, 'cus_ab1'), 500);
});
