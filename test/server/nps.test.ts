import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Database } from '../../server/db.ts';
import type { NpsDismissal, NpsResponse, NpsStatus } from '../../contract/types.ts';
import { createStore } from '../../server/stores.ts';
import { categoryOf } from '../../server/nps.ts';
import { makeDb, makeApp, bearer, DAY, NOW, PROGRAM, SECRET, STORE, daysFromNow } from './helpers.ts';

const OTHER = 'tea-quiet';
let db: Database;
let app: FastifyInstance;
const apps: FastifyInstance[] = [];
let keySeq = 0;

before(async () => {
  db = await makeDb();
  await createStore(db, {
    id: OTHER,
    name: 'Quiet Tea',
    currency: 'JPY',
    locale: 'ja',
    origins: [],
    secrets: [SECRET],
    adminKey: 'admin2',
    links: { signIn: '/in', join: '/join' },
    program: PROGRAM,
    settings: { nps: { answeredQuietDays: 10 } },
    createdAt: NOW.toISOString(),
  });
  app = await makeApp(db);
});
after(async () => {
  for (const a of apps) await a.close();
  await app.close();
  await db.destroy();
});

/** An app whose clock reads NOW + `days`. */
async function appAt(days: number): Promise<FastifyInstance> {
  const a = await makeApp(db, { now: () => new Date(NOW.getTime() + days * DAY) });
  apps.push(a);
  return a;
}

function assertProblem(res: LightMyRequestResponse, status: number, code: string, field?: string) {
  assert.equal(res.statusCode, status, res.body);
  assert.match(res.headers['content-type'] as string, /^application\/problem\+json/);
  assert.equal(res.json().code, code);
  if (field !== undefined) assert.equal(res.json().field, field);
}

const status = (on: FastifyInstance, query: string, headers: Record<string, string> = {}, store = STORE) =>
  on.inject({ method: 'GET', url: `/v1/stores/${store}/nps/status?${query}`, headers });
const answer = (on: FastifyInstance, body: unknown, headers: Record<string, string> = {}, key = `nps-${++keySeq}`, store = STORE) =>
  on.inject({ method: 'POST', url: `/v1/stores/${store}/nps/responses`, headers: { ...headers, 'idempotency-key': key }, payload: body as object });
const dismiss = (on: FastifyInstance, body: unknown, headers: Record<string, string> = {}, key = `npd-${++keySeq}`) =>
  on.inject({ method: 'POST', url: `/v1/stores/${STORE}/nps/dismissals`, headers: { ...headers, 'idempotency-key': key }, payload: body as object });

const responsesOf = (subject: string) => db.selectFrom('nps_responses').selectAll().where('subject', '=', subject).execute();

test('categories: detractor 0–6, passive 7–8, promoter 9–10', () => {
  assert.deepEqual(
    Array.from({ length: 11 }, (_, s) => categoryOf(s)),
    ['detractor', 'detractor', 'detractor', 'detractor', 'detractor', 'detractor', 'detractor', 'passive', 'passive', 'promoter', 'promoter'],
  );
});

test('status: a new visitor is asked; private, no-store', async () => {
  const res = await status(app, 'visitorId=visitor-new-1');
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.headers['cache-control'], 'private, no-store');
  assert.deepEqual(res.json<NpsStatus>(), { ask: true, reason: null, nextAskAt: null });
});

test('visitor id: required without a token, and well-formed', async () => {
  assertProblem(await status(app, ''), 400, 'validation_failed', '/visitorId');
  assertProblem(await status(app, 'visitorId=short'), 400, 'validation_failed', '/visitorId');
  assertProblem(await status(app, 'visitorId=has%20space%20inside'), 400, 'validation_failed', '/visitorId');
  assertProblem(await answer(app, { score: 5 }), 400, 'validation_failed', '/visitorId');
  assertProblem(await dismiss(app, {}), 400, 'validation_failed', '/visitorId');
  assertProblem(await status(app, 'visitorId=visitor-new-1', { authorization: 'Bearer nope.nope.nope' }), 401, 'token_invalid');
  assert.equal((await db.selectFrom('nps_responses').select('id').execute()).length, 0);
  assert.equal((await db.selectFrom('nps_dismissals').select('id').execute()).length, 0);
});

test('answer: validation names the field', async () => {
  const v = { visitorId: 'visitor-valid-1' };
  assertProblem(await answer(app, { ...v }), 400, 'validation_failed', '/score');
  assertProblem(await answer(app, { ...v, score: 11 }), 400, 'validation_failed', '/score');
  assertProblem(await answer(app, { ...v, score: -1 }), 400, 'validation_failed', '/score');
  assertProblem(await answer(app, { ...v, score: '9' }), 400, 'validation_failed', '/score');
  assertProblem(await answer(app, { ...v, score: 7.5 }), 400, 'validation_failed', '/score');
  assertProblem(await answer(app, { ...v, score: 9, comment: 'x'.repeat(2001) }), 400, 'validation_failed', '/comment');
  assertProblem(await answer(app, { ...v, score: 9, locale: 'de' }), 400, 'validation_failed', '/locale');
  assertProblem(await answer(app, { ...v, score: 9, comment: 'ok\u0000' }), 400, 'validation_failed', '/comment');
  assertProblem(await answer(app, { ...v, score: 9, category: 'promoter' }), 400, 'validation_failed', '/category');
  assert.equal((await responsesOf('v:visitor-valid-1')).length, 0);
});

test('a visitor answers: 201 with category and nextAskAt (90 days); stored; a second answer is refused until then', async () => {
  const res = await answer(app, { score: 9, comment: '  Lovely tea  ', visitorId: 'visitor-aaa-1', locale: 'ja' });
  assert.equal(res.statusCode, 201, res.body);
  const body = res.json<NpsResponse>();
  assert.match(body.id, /^nps_[0-9a-z]{16}$/);
  assert.deepEqual({ ...body, id: '' }, { id: '', score: 9, category: 'promoter', createdAt: NOW.toISOString(), nextAskAt: daysFromNow(90) });
  const rows = await responsesOf('v:visitor-aaa-1');
  assert.deepEqual(
    rows.map((r) => [r.id, r.score, r.category, r.comment, r.locale, r.customer_id, r.visitor_id, r.created_at]),
    [[body.id, 9, 'promoter', 'Lovely tea', 'ja', null, 'visitor-aaa-1', NOW.toISOString()]],
  );

  assert.deepEqual((await status(app, 'visitorId=visitor-aaa-1')).json<NpsStatus>(), { ask: false, reason: 'answered', nextAskAt: daysFromNow(90) });
  const again = await answer(app, { score: 3, visitorId: 'visitor-aaa-1' });
  assertProblem(again, 409, 'nps_quiet_period');
  assert.match(again.json().detail, new RegExp(daysFromNow(90).replace(/\./g, '\\.')));
  assert.equal((await responsesOf('v:visitor-aaa-1')).length, 1);

  // The clock moves: still quiet a moment before 90 days, asked again at 90 days.
  const day89 = await appAt(89.99);
  assert.equal((await status(day89, 'visitorId=visitor-aaa-1')).json<NpsStatus>().ask, false);
  assertProblem(await answer(day89, { score: 3, visitorId: 'visitor-aaa-1' }), 409, 'nps_quiet_period');
  const day90 = await appAt(90);
  assert.deepEqual((await status(day90, 'visitorId=visitor-aaa-1')).json<NpsStatus>(), { ask: true, reason: null, nextAskAt: null });
  const later = await answer(day90, { score: 6, comment: '   ', visitorId: 'visitor-aaa-1' });
  assert.equal(later.statusCode, 201, later.body);
  assert.equal(later.json<NpsResponse>().category, 'detractor');
  assert.equal(later.json<NpsResponse>().nextAskAt, daysFromNow(180));
  const rows2 = await responsesOf('v:visitor-aaa-1');
  assert.equal(rows2.length, 2);
  assert.equal(rows2.find((r) => r.score === 6)!.comment, null);
});

test('answer: the same Idempotency-Key replays the answer (no second row, no 409)', async () => {
  const body = { score: 8, visitorId: 'visitor-replay-1' };
  const first = await answer(app, body, {}, 'nps-replay');
  assert.equal(first.statusCode, 201, first.body);
  assert.equal(first.json<NpsResponse>().category, 'passive');
  const again = await answer(app, body, {}, 'nps-replay');
  assert.equal(again.statusCode, 201);
  assert.equal(again.headers['idempotent-replayed'], 'true');
  assert.deepEqual(again.json(), first.json());
  assert.equal((await responsesOf('v:visitor-replay-1')).length, 1);
  assertProblem(await answer(app, { ...body, score: 2 }, {}, 'nps-replay'), 422, 'idempotency_key_reused');
  assertProblem(
    await app.inject({ method: 'POST', url: `/v1/stores/${STORE}/nps/responses`, payload: body }),
    400,
    'idempotency_key_required',
  );
});

test('dismissal: 30 days of quiet (moved clock), then asked again', async () => {
  const res = await dismiss(app, { visitorId: 'visitor-dis-1' });
  assert.equal(res.statusCode, 201, res.body);
  assert.deepEqual(res.json<NpsDismissal>(), { nextAskAt: daysFromNow(30) });
  const rows = await db.selectFrom('nps_dismissals').selectAll().where('subject', '=', 'v:visitor-dis-1').execute();
  assert.deepEqual(
    rows.map((r) => [r.visitor_id, r.created_at]),
    [['visitor-dis-1', NOW.toISOString()]],
  );
  assert.deepEqual((await status(app, 'visitorId=visitor-dis-1')).json<NpsStatus>(), { ask: false, reason: 'dismissed', nextAskAt: daysFromNow(30) });
  assertProblem(await answer(app, { score: 10, visitorId: 'visitor-dis-1' }), 409, 'nps_quiet_period');
  assert.equal((await status(await appAt(29), 'visitorId=visitor-dis-1')).json<NpsStatus>().reason, 'dismissed');
  const day30 = await appAt(30);
  assert.deepEqual((await status(day30, 'visitorId=visitor-dis-1')).json<NpsStatus>(), { ask: true, reason: null, nextAskAt: null });
  assert.equal((await answer(day30, { score: 10, visitorId: 'visitor-dis-1' })).statusCode, 201);
});

test('dismissing after answering does not shorten the answered quiet period', async () => {
  assert.equal((await answer(app, { score: 7, visitorId: 'visitor-both-1' })).statusCode, 201);
  const day5 = await appAt(5);
  const res = await dismiss(day5, { visitorId: 'visitor-both-1' });
  assert.deepEqual(res.json<NpsDismissal>(), { nextAskAt: daysFromNow(90) });
  assert.deepEqual((await status(await appAt(60), 'visitorId=visitor-both-1')).json<NpsStatus>(), {
    ask: false,
    reason: 'answered',
    nextAskAt: daysFromNow(90),
  });
});

test('a customer: quiet across devices (any visitor id), and the browser they answered in stays quiet signed out', async () => {
  const auth = await bearer('cus_nps');
  assert.deepEqual((await status(app, '', auth)).json<NpsStatus>(), { ask: true, reason: null, nextAskAt: null });
  const res = await answer(app, { score: 10, visitorId: 'browser-one-1' }, auth);
  assert.equal(res.statusCode, 201, res.body);
  const rows = await responsesOf('c:cus_nps');
  assert.deepEqual(
    rows.map((r) => [r.customer_id, r.visitor_id]),
    [['cus_nps', 'browser-one-1']],
  );
  // Another device, signed in.
  assert.equal((await status(app, 'visitorId=browser-two-2', auth)).json<NpsStatus>().reason, 'answered');
  assertProblem(await answer(app, { score: 1, visitorId: 'browser-two-2' }, auth), 409, 'nps_quiet_period');
  // The same browser, signed out.
  assert.equal((await status(app, 'visitorId=browser-one-1')).json<NpsStatus>().reason, 'answered');
  // Another browser, signed out: an unknown visitor.
  assert.equal((await status(app, 'visitorId=browser-two-2')).json<NpsStatus>().ask, true);
  assert.equal((await responsesOf('c:cus_nps')).length, 1);
});

test('a visitor who answered and then signs in is not asked again', async () => {
  assert.equal((await answer(app, { score: 4, visitorId: 'browser-anon-1' })).statusCode, 201);
  const auth = await bearer('cus_signed_in');
  assert.equal((await status(app, '', auth)).json<NpsStatus>().ask, true);
  assert.deepEqual((await status(app, 'visitorId=browser-anon-1', auth)).json<NpsStatus>(), {
    ask: false,
    reason: 'answered',
    nextAskAt: daysFromNow(90),
  });
  assertProblem(await answer(app, { score: 9, visitorId: 'browser-anon-1' }, auth), 409, 'nps_quiet_period');
  assert.equal((await responsesOf('c:cus_signed_in')).length, 0);
  // A customer dismissing without a visitor id: `{}`.
  const dis = await dismiss(app, {}, auth);
  assert.equal(dis.statusCode, 201, dis.body);
  assert.deepEqual((await status(app, '', auth)).json<NpsStatus>(), { ask: false, reason: 'dismissed', nextAskAt: daysFromNow(30) });
});

test('per-store quiet period: answeredQuietDays 10 for one store, the default 30 for dismissals there', async () => {
  const res = await answer(app, { score: 9, visitorId: 'visitor-store-1' }, {}, 'nps-store-1', OTHER);
  assert.equal(res.statusCode, 201, res.body);
  assert.equal(res.json<NpsResponse>().nextAskAt, daysFromNow(10));
  assert.equal((await status(await appAt(9), 'visitorId=visitor-store-1', {}, OTHER)).json<NpsStatus>().nextAskAt, daysFromNow(10));
  const day10 = await appAt(10);
  assert.equal((await status(day10, 'visitorId=visitor-store-1', {}, OTHER)).json<NpsStatus>().ask, true);
  // Stores are separate: the answer in one store does not silence the other.
  assert.equal((await status(app, 'visitorId=visitor-store-1')).json<NpsStatus>().ask, true);
  // A customer token for the other store is rejected (audience).
  assertProblem(await status(app, 'visitorId=visitor-store-1', await bearer('cus_x', { store: OTHER })), 401, 'token_invalid');
});

test('concurrent first answers of one shopper store exactly one (visitor and customer)', async () => {
  const visitor = await Promise.all(Array.from({ length: 10 }, (_, i) => answer(app, { score: i, visitorId: 'visitor-race-1' }, {}, `race-v-${i}`)));
  assert.deepEqual(
    visitor.map((r) => r.statusCode).sort(),
    [201, 409, 409, 409, 409, 409, 409, 409, 409, 409],
  );
  for (const r of visitor) if (r.statusCode === 409) assert.equal(r.json().code, 'nps_quiet_period');
  assert.equal((await responsesOf('v:visitor-race-1')).length, 1);

  const auth = await bearer('cus_race');
  const customer = await Promise.all(
    Array.from({ length: 10 }, (_, i) => answer(app, { score: 10 - i, visitorId: `race-browser-${i}` }, auth, `race-c-${i}`)),
  );
  assert.deepEqual(
    customer.map((r) => r.statusCode).sort(),
    [201, 409, 409, 409, 409, 409, 409, 409, 409, 409],
  );
  assert.equal((await responsesOf('c:cus_race')).length, 1);
});
