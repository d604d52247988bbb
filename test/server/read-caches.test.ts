/**
 * The caches behind the storefront reads (SPEC §5): parsed stores, verified customer tokens,
 * queries compiled once (prepared()), and (SQLite) prepared statements. Each must never change an answer: a store change is seen by the
 * next read, a remembered token still expires and still dies with its secret.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import SQLite from 'better-sqlite3';
import type { Database } from '../../server/db.ts';
import { sql } from 'kysely';
import { cachingStatements, prepared } from '../../server/db.ts';
import { findStore } from '../../server/stores.ts';
import { makeDb, makeApp, addCustomer, token, NOW, STORE, SECRET, OLD_SECRET } from './helpers.ts';

let db: Database;
let app: FastifyInstance;
let clock = NOW;
const SESSION = `/v1/stores/${STORE}/session`;

before(async () => {
  db = await makeDb();
  app = await makeApp(db, { now: () => clock });
  await addCustomer(db, 'cus_cache');
});
after(async () => {
  await app.close();
  await db.destroy();
});

const session = (authorization?: string) =>
  app.inject({ method: 'GET', url: SESSION, headers: authorization === undefined ? {} : { authorization } });

test('a settings change made in the database is seen by the very next read', async () => {
  const before = await session();
  assert.equal(before.statusCode, 200, before.body);
  assert.equal(before.json().returnPolicy.refundDays, 30);
  await db.updateTable('stores').set({ settings: JSON.stringify({ returns: { refundDays: 14 } }) }).where('id', '=', STORE).execute();
  const after1 = await session();
  assert.equal(after1.json().returnPolicy.refundDays, 14);
  await db.updateTable('stores').set({ name: 'Tea Test Renamed', settings: '{}' }).where('id', '=', STORE).execute();
  const after2 = await session();
  assert.equal(after2.json().store.name, 'Tea Test Renamed');
  assert.equal(after2.json().returnPolicy.refundDays, 30);
  await db.updateTable('stores').set({ name: 'Tea Test' }).where('id', '=', STORE).execute();
});

test('findStore reuses the parsed store while its row is unchanged, and parses a changed row again', async () => {
  const a = await findStore(db, STORE);
  const b = await findStore(db, STORE);
  assert.ok(a && b);
  assert.equal(a, b);
  await db.updateTable('stores').set({ origins: JSON.stringify(['https://other.test']) }).where('id', '=', STORE).execute();
  const c = await findStore(db, STORE);
  assert.notEqual(c, a);
  assert.deepEqual(c!.origins, ['https://other.test']);
  await db.updateTable('stores').set({ origins: JSON.stringify(['https://shop.test']) }).where('id', '=', STORE).execute();
  assert.equal(await findStore(db, 'no-such-store'), undefined);
});

test('a verified token is still refused once it expires (the clock moves past exp + 30 s)', async () => {
  clock = NOW;
  const t = `Bearer ${await token('cus_cache', { ttlSeconds: 60 })}`;
  assert.equal((await session(t)).statusCode, 200);
  assert.equal((await session(t)).json().customer.id, 'cus_cache');
  clock = new Date(NOW.getTime() + 89_000); // within the 30 s tolerance
  assert.equal((await session(t)).statusCode, 200);
  clock = new Date(NOW.getTime() + 91_000);
  const res = await session(t);
  assert.equal(res.statusCode, 401, res.body);
  assert.equal(res.json().code, 'token_expired');
  clock = NOW;
});

test('a verified token is refused once its secret is retired, and by another store', async () => {
  clock = NOW;
  const t = `Bearer ${await token('cus_cache', { secret: OLD_SECRET })}`;
  assert.equal((await session(t)).statusCode, 200);
  await db.updateTable('stores').set({ secrets: JSON.stringify([SECRET]) }).where('id', '=', STORE).execute();
  try {
    const res = await session(t);
    assert.equal(res.statusCode, 401, res.body);
    assert.equal(res.json().code, 'token_invalid');
  } finally {
    await db.updateTable('stores').set({ secrets: JSON.stringify([SECRET, OLD_SECRET]) }).where('id', '=', STORE).execute();
  }
  assert.equal((await session(t)).statusCode, 200);
  // The same token (audience STORE) sent to another store, which shares the secret.
  await db
    .insertInto('stores')
    .values({
      id: 'tea-other',
      name: 'Other',
      currency: 'JPY',
      locale: 'ja',
      origins: '[]',
      secrets: JSON.stringify([SECRET, OLD_SECRET]),
      admin_key: 'admin-other',
      links: JSON.stringify({ signIn: '/in', join: '/join' }),
      messages: '{}',
      program: (await db.selectFrom('stores').select('program').where('id', '=', STORE).executeTakeFirstOrThrow()).program,
      created_at: NOW.toISOString(),
    })
    .execute();
  const other = await app.inject({ method: 'GET', url: '/v1/stores/tea-other/session', headers: { authorization: t } });
  assert.equal(other.statusCode, 401, other.body);
  assert.equal(other.json().code, 'token_invalid');
});

test('SQLite statements are prepared once per SQL text, bounded, and streaming gets its own', () => {
  const sqlite = new SQLite(':memory:');
  let prepared = 0;
  const prepare = sqlite.prepare.bind(sqlite);
  sqlite.prepare = ((text: string) => {
    prepared++;
    return prepare(text);
  }) as typeof sqlite.prepare;
  const cached = cachingStatements(sqlite, 2);
  cached.prepare('create table t (a integer)').run([]);
  cached.prepare('insert into t (a) values (?)').run([1]);
  cached.prepare('insert into t (a) values (?)').run([2]);
  assert.equal(prepared, 2);
  const select = 'select * from t order by a';
  assert.deepEqual(cached.prepare(select).all([]), [{ a: 1 }, { a: 2 }]);
  assert.equal(prepared, 3);
  // The schema changes under a cached statement: SQLite prepares it again by itself.
  cached.prepare('alter table t add column b text').run([]);
  assert.deepEqual(cached.prepare(select).all([]), [
    { a: 1, b: null },
    { a: 2, b: null },
  ]);
  // Iterating (a statement busy until the end) while the cached one runs in between.
  const seen: unknown[] = [];
  for (const row of cached.prepare(select).iterate([])) {
    seen.push(row);
    assert.equal(cached.prepare(select).all([]).length, 2);
  }
  assert.equal(seen.length, 2);
  // Bounded: with room for 2, a third text evicts the oldest, which is prepared again when used.
  const before = prepared;
  cached.prepare('select 1 as x').all([]);
  cached.prepare('select 2 as x').all([]);
  cached.prepare('select 2 as x').all([]);
  assert.equal(prepared - before, 2);
  cached.prepare('select 3 as x').all([]);
  assert.deepEqual(cached.prepare('select 1 as x').all([]), [{ x: 1 }]);
  assert.equal(prepared - before, 4);
  cached.prepare('select 1 as x').all([]);
  assert.equal(prepared - before, 4);
  cached.close();
  assert.equal(sqlite.open, false);
});

test('prepared(): built and compiled once, run with each call\'s values, in or out of a transaction', async () => {
  await addCustomer(db, 'cus_prep_a', 'Aiko');
  await addCustomer(db, 'cus_prep_b', 'Ben');
  let built = 0;
  const names = prepared((db, a: { store: string; ids0: string; ids1: string }) => {
    built++;
    return db.selectFrom('customers').select(['id', 'name']).where('store_id', '=', a.store).where('id', 'in', [a.ids0, a.ids1]).orderBy('id').limit(5);
  });
  const run = (ids0: string, ids1: string, on: Database = db) => names(on, { store: STORE, ids0, ids1 });
  assert.deepEqual(await run('cus_prep_a', 'nobody'), [{ id: 'cus_prep_a', name: 'Aiko' }]);
  assert.deepEqual(await run('cus_prep_b', 'cus_prep_a'), [
    { id: 'cus_prep_a', name: 'Aiko' },
    { id: 'cus_prep_b', name: 'Ben' },
  ]);
  assert.deepEqual(await run('nobody', 'nobody either'), []);
  // Inside a transaction it sees that transaction's own writes; a rollback takes them away.
  await db
    .transaction()
    .execute(async (trx) => {
      await trx.updateTable('customers').set({ name: 'Aiko K.' }).where('store_id', '=', STORE).where('id', '=', 'cus_prep_a').execute();
      assert.deepEqual(await run('cus_prep_a', 'nobody', trx), [{ id: 'cus_prep_a', name: 'Aiko K.' }]);
      throw new Error('roll back');
    })
    .catch((error: Error) => assert.equal(error.message, 'roll back'));
  assert.deepEqual(await run('cus_prep_a', 'nobody'), [{ id: 'cus_prep_a', name: 'Aiko' }]);
  assert.equal(built, 1);
});

test('prepared(): an argument computed with or written into the SQL is refused when it compiles', async () => {
  const computed = prepared((db, a: { name: string }) => db.selectFrom('customers').select('id').where('name', 'like', `${a.name}%`));
  await assert.rejects(computed(db, { name: 'Ai' }), /computed with/);
  const written = prepared((db, a: { name: string }) => db.selectFrom('customers').select('id').where('name', '=', sql.lit(a.name)));
  await assert.rejects(written(db, { name: 'Aiko' }), /into the SQL text/);
});
