import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import type { Database } from '../../server/db.ts';
import type { Ledger } from '../../contract/types.ts';
import { makeDb, makeApp, addCustomer, addEntry, bearer, ledgerSum, STORE, ENGINE } from './helpers.ts';

let db: Database;
let app: FastifyInstance;
let base: string;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Makes every query yield to the event loop before its result is used, as a networked database
 * would, so concurrent requests really interleave between their reads and writes.
 */
class YieldPlugin implements KyselyPlugin {
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    await sleep(1);
    return args.result;
  }
}

before(async () => {
  db = await makeDb();
  app = await makeApp(db.withPlugin(new YieldPlugin()));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  assert.ok(addr && typeof addr === 'object');
  base = `http://127.0.0.1:${addr.port}`;
  // Affords exactly 3 × 100 (350 points, in two lots).
  await addCustomer(db, 'cus_many');
  await addEntry(db, 'cus_many', 'purchase', 200, 40, 325, 'o1');
  await addEntry(db, 'cus_many', 'purchase', 150, 20, 345, 'o2');
});
after(async () => {
  await app.close();
  await db.destroy();
});

test('50 concurrent redemptions over HTTP never overspend: exactly 3 succeed', async () => {
  const auth = await bearer('cus_many');
  const start = await ledgerSum(db, 'cus_many');
  assert.equal(start, 350);
  const responses = await Promise.all(
    Array.from({ length: 50 }, (_, i) =>
      fetch(`${base}/v1/stores/${STORE}/loyalty/redemptions`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': `concurrent-${i}` },
        body: JSON.stringify({ rewardId: 'r-100' }),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as { code?: string; balance?: number } })),
    ),
  );
  const ok = responses.filter((r) => r.status === 201);
  const refused = responses.filter((r) => r.status === 409);
  assert.equal(ok.length, 3);
  assert.equal(refused.length, 47);
  assert.ok(refused.every((r) => r.body.code === 'insufficient_points'));
  assert.deepEqual(ok.map((r) => r.body.balance).sort(), [150, 250, 50]);

  const end = await ledgerSum(db, 'cus_many');
  assert.equal(end, start - 3 * 100);
  assert.ok(end >= 0);
  const res = await fetch(`${base}/v1/stores/${STORE}/loyalty/ledger`, { headers: auth });
  const ledger = (await res.json()) as Ledger;
  assert.equal(ledger.balance, 50);
  assert.equal(ledger.entries.reduce((s, e) => s + e.points, 0), 50);
  assert.equal(ledger.entries.filter((e) => e.kind === 'redeem').length, 3);
  const redemptions = await db.selectFrom('redemptions').select('code').where('customer_id', '=', 'cus_many').execute();
  assert.equal(redemptions.length, 3);
  assert.equal(new Set(redemptions.map((r) => r.code)).size, 3);
});

test('the SQLite driver serialises transactions on its one connection', { skip: ENGINE !== 'sqlite' && 'SQLite only' }, async () => {
  const order: string[] = [];
  const slow = db.transaction().execute(async (trx) => {
    order.push('t1 begin');
    await trx.selectFrom('stores').select('id').execute();
    await sleep(30);
    order.push('t1 commit');
  });
  await sleep(5);
  const other = db.selectFrom('stores').select('id').execute().then(() => order.push('query outside'));
  const fast = db.transaction().execute(async (trx) => {
    order.push('t2 begin');
    await trx.selectFrom('stores').select('id').execute();
    order.push('t2 commit');
  });
  await Promise.all([slow, other, fast]);
  assert.deepEqual(order, ['t1 begin', 't1 commit', 'query outside', 't2 begin', 't2 commit']);
});
