/** Fixtures for the orders and referrals tests (not a test file itself): merchant calls and order bodies. */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import assert from 'node:assert/strict';
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import type { Database } from '../../server/db.ts';
import type { OrderInput } from '../../contract/types.ts';
import { NOW, STORE } from './helpers.ts';

export const ADMIN_KEY = 'admin';
export const ORDERS = `/v1/stores/${STORE}/admin/orders`;
export const PRODUCTS = `/v1/stores/${STORE}/admin/products`;

/** A merchant call with the admin key (Bearer), as JSON. */
export function admin(app: FastifyInstance, method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown, headers: Record<string, string> = {}) {
  return app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, ...headers },
    ...(body === undefined ? {} : { payload: body as object }),
  });
}

let orderSeq = 0;
/** A valid order body: two items, 10,000 yen in total, placed at NOW. */
export function orderBody(over: Partial<OrderInput> = {}): OrderInput {
  const n = ++orderSeq;
  return {
    id: `ord-${n}`,
    number: `#${1000 + n}`,
    email: `buyer${n}@example.com`,
    currency: 'JPY',
    createdAt: NOW.toISOString(),
    items: [
      { productId: 'tea-1', quantity: 2, price: 3000 },
      { productId: 'cup-1', quantity: 1, price: 4000 },
    ],
    ...over,
  };
}

export async function ingest(app: FastifyInstance, body: OrderInput, headers: Record<string, string> = {}) {
  return admin(app, 'POST', ORDERS, body, headers);
}

export function assertProblem(res: LightMyRequestResponse, status: number, code: string, field?: string): void {
  assert.equal(res.statusCode, status, res.body);
  assert.match(res.headers['content-type'] as string, /^application\/problem\+json/);
  const p = res.json();
  assert.equal(p.code, code);
  if (field !== undefined) assert.equal(p.field, field);
}

/** Ledger rows of a customer, oldest first (then by kind and ref: entries of one instant have random ids). */
export async function ledgerOf(db: Database, customerId: string) {
  return db
    .selectFrom('points_ledger')
    .select(['kind', 'points', 'ref', 'created_at', 'expires_at', 'note'])
    .where('store_id', '=', STORE)
    .where('customer_id', '=', customerId)
    .orderBy('created_at')
    .orderBy('kind')
    .orderBy('ref')
    .execute();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Makes every query yield to the event loop before its result is used, as a networked database
 * would, so concurrent requests really interleave between their reads and writes.
 */
export class YieldPlugin implements KyselyPlugin {
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    await sleep(1);
    return args.result;
  }
}
