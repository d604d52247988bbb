/**
 * Two server processes on one PostgreSQL database (SPEC §3: "several server processes can share
 * one database"): concurrent redemptions spread over both never overspend, and one idempotency
 * key sent to both at once is applied once. Runs only when TEST_DATABASE_URL is set.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { migrate } from '../../server/migrations/index.ts';
import { createStore } from '../../server/stores.ts';
import { mintCustomerToken } from '../../server/auth.ts';
import type { Database } from '../../server/db.ts';
import { ENGINE, PG_URL, PROGRAM, SECRET, freshDatabase } from './helpers.ts';

const skip = ENGINE !== 'postgres' && 'needs TEST_DATABASE_URL (PostgreSQL)';
const STORE = 'two-proc';
let db: Database;
let schema = '';
const servers: { proc: ChildProcess; url: string }[] = [];

function startServer(): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: PG_URL,
      DATABASE_SCHEMA: schema,
      DATABASE_POOL: '5',
      PORT: '0',
      HOST: '127.0.0.1',
      ENCORE_SEED: '0',
      ENCORE_RATE_LIMIT: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 20_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /Encore reference server on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, url: m[1]!.replace('localhost', '127.0.0.1') });
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    proc.once('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
}

before(async () => {
  if (skip) return;
  const fresh = freshDatabase();
  db = fresh.db;
  schema = fresh.schema!;
  await migrate(db);
  await createStore(db, {
    id: STORE,
    name: 'Two processes',
    currency: 'JPY',
    locale: 'ja',
    origins: [],
    secrets: [SECRET],
    adminKey: 'admin-two-proc',
    links: { signIn: '/in', join: '/join' },
    program: PROGRAM,
    createdAt: new Date().toISOString(),
  });
  const now = new Date().toISOString();
  const year = new Date(Date.now() + 365 * 86_400_000).toISOString();
  for (const id of ['cus_race', 'cus_idem']) {
    await db.insertInto('customers').values({ store_id: STORE, id, name: id, email: null, created_at: now }).execute();
  }
  // cus_race affords exactly 3 × 100; cus_idem 1000.
  await db
    .insertInto('points_ledger')
    .values([
      { id: 'led_r1', store_id: STORE, customer_id: 'cus_race', kind: 'purchase', points: 200, created_at: now, expires_at: year, ref: 'o1', note: null },
      { id: 'led_r2', store_id: STORE, customer_id: 'cus_race', kind: 'purchase', points: 150, created_at: now, expires_at: year, ref: 'o2', note: null },
      { id: 'led_i1', store_id: STORE, customer_id: 'cus_idem', kind: 'purchase', points: 1000, created_at: now, expires_at: year, ref: 'o3', note: null },
    ])
    .execute();
  // Both processes start at once: their migrations race too (Kysely takes a lock on PostgreSQL).
  servers.push(...(await Promise.all([startServer(), startServer()])));
});

after(async () => {
  for (const s of servers) s.proc.kill('SIGTERM');
  await Promise.all(servers.map((s) => new Promise((r) => (s.proc.exitCode !== null ? r(null) : s.proc.once('exit', r)))));
  await db?.destroy();
});

async function redeem(base: string, auth: string, key: string): Promise<{ status: number; body: { code?: string; balance?: number } }> {
  const res = await fetch(`${base}/v1/stores/${STORE}/loyalty/redemptions`, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify({ rewardId: 'r-100' }),
  });
  return { status: res.status, body: (await res.json()) as { code?: string; balance?: number } };
}

const sum = async (customer: string) =>
  (await db.selectFrom('points_ledger').select('points').where('store_id', '=', STORE).where('customer_id', '=', customer).execute()).reduce(
    (s, r) => s + r.points,
    0,
  );

test('60 concurrent redemptions over two processes: exactly 3 succeed, the balance never goes below 0', { skip }, async () => {
  const auth = `Bearer ${await mintCustomerToken({ store: STORE, secret: SECRET, customerId: 'cus_race' })}`;
  const started = performance.now();
  const results = await Promise.all(Array.from({ length: 60 }, (_, i) => redeem(servers[i % 2]!.url, auth, `race-${i}`)));
  const ms = Math.round(performance.now() - started);
  const ok = results.filter((r) => r.status === 201);
  assert.equal(ok.length, 3, JSON.stringify(results.map((r) => r.status)));
  assert.equal(results.filter((r) => r.status === 409).length, 57);
  assert.deepEqual(ok.map((r) => r.body.balance).sort(), [150, 250, 50]);
  assert.equal(await sum('cus_race'), 50);
  const codes = await db.selectFrom('redemptions').select('code').where('store_id', '=', STORE).where('customer_id', '=', 'cus_race').execute();
  assert.equal(codes.length, 3);
  console.log(`two processes: 60 concurrent redemptions (30 per process) in ${ms} ms: 3 × 201, 57 × 409 insufficient_points, final balance 50`);
});

test('one Idempotency-Key sent to both processes at once is applied once', { skip }, async () => {
  const auth = `Bearer ${await mintCustomerToken({ store: STORE, secret: SECRET, customerId: 'cus_idem' })}`;
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) => redeem(servers[i % 2]!.url, auth, 'same-key-both')));
  const created = results.filter((r) => r.status === 201);
  const inProgress = results.filter((r) => r.status === 409);
  assert.equal(created.length + inProgress.length, 20, JSON.stringify(results.map((r) => r.status)));
  assert.ok(created.length >= 1);
  // Every 201 is the same redemption (the first, or its replay).
  assert.equal(new Set(created.map((r) => r.body.code)).size, 1);
  assert.equal(await sum('cus_idem'), 900);
  // Once settled, both processes replay the stored answer.
  for (const s of servers) {
    const again = await redeem(s.url, auth, 'same-key-both');
    assert.equal(again.status, 201);
    assert.equal(again.body.code, created[0]!.body.code);
  }
  assert.equal(await sum('cus_idem'), 900);
  const rows = await db.selectFrom('redemptions').select('id').where('store_id', '=', STORE).where('customer_id', '=', 'cus_idem').execute();
  assert.equal(rows.length, 1);
  console.log(`two processes: one key × 20 concurrent posts: ${created.length} × 201 (first + replays), ${inProgress.length} × 409 idempotency_in_progress, 1 redemption stored`);
});

test('one order webhook delivered 20 times at once to both processes earns its points once', { skip }, async () => {
  const order = {
    id: 'ord-two-proc-1',
    number: '#2P-1',
    customerId: 'cus_race',
    email: 'race@example.com',
    currency: 'JPY',
    createdAt: new Date().toISOString(),
    items: [{ productId: 'tea-1', title: 'Sencha', quantity: 3, price: 1500 }],
  };
  const before = await sum('cus_race');
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      fetch(`${servers[i % 2]!.url}/v1/stores/${STORE}/admin/orders`, {
        method: 'POST',
        headers: { authorization: 'Bearer admin-two-proc', 'content-type': 'application/json' },
        body: JSON.stringify(order),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as { pointsEarned?: number; replayed?: boolean } })),
    ),
  );
  const statuses = results.map((r) => r.status);
  assert.equal(statuses.filter((s) => s === 201).length, 1, JSON.stringify(statuses));
  assert.equal(statuses.filter((s) => s === 200).length, 19, JSON.stringify(statuses));
  assert.ok(results.every((r) => r.body.pointsEarned === 45));
  // PROGRAM earns 1 point per ¥100: ¥4,500 → 45 points, credited once.
  assert.equal((await sum('cus_race')) - before, 45);
  const purchases = await db.selectFrom('points_ledger').select('id').where('store_id', '=', STORE).where('ref', '=', 'ord-two-proc-1').execute();
  assert.equal(purchases.length, 1);
  console.log('two processes: one order × 20 concurrent webhook deliveries: 1 × 201, 19 × 200 replayed, 45 points credited once');
});
