/**
 * Merchant orders (SPEC §3: "orders and their items, fed by a signed merchant webhook / admin API"):
 * the catalogue upsert, order ingestion and refunds.
 *
 * - Ingestion is idempotent by the merchant's order id: the order row's primary key lets exactly one
 *   request create it; that request, in the same transaction, stores the items, earns the purchase
 *   points and settles the order's referral. Any later request with the id compares the canonical
 *   payload hash: the same payload is a replay (nothing doubled), another one a conflict.
 * - Refunds are idempotent by the merchant's refund id (refunds primary key) and take back purchase
 *   points in proportion to the money refunded, rounded down cumulatively, so the reversals never
 *   exceed what was earned and a full refund reverses exactly all of it.
 */
import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { DB, LedgerKind, OrderRow } from './db.ts';
import { isSqlite } from './db.ts';
import type { Store } from './stores.ts';
import type {
  CatalogueProduct,
  Order,
  OrderIngestResult,
  OrderInput,
  ProductUpsertResult,
  ReferralOutcome,
  RefundInput,
  RefundResult,
  RefundSummary,
} from '../contract/types.ts';
import { MAX_ORDER_TOTAL } from '../contract/orders.ts';
import { ApiError } from './problem.ts';
import { canonicalJson } from './idempotency.ts';
import { newId } from './ids.ts';
import { DAY_MS, lockCustomer } from './loyalty.ts';
import { attributeReferral, referralOutcomeOf, settleReferral } from './referrals.ts';

/** Ledger points are 32-bit integers on PostgreSQL. */
const MAX_POINTS = 2_147_483_647;

const isInserted = (r: { numInsertedOrUpdatedRows?: bigint }) => Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;

/** PUT admin/products: insert or overwrite up to 500 products in one transaction. */
export async function upsertProducts(db: Kysely<DB>, store: Store, products: readonly CatalogueProduct[]): Promise<ProductUpsertResult> {
  const seen = new Set<string>();
  products.forEach((p, i) => {
    if (seen.has(p.id)) throw new ApiError(400, 'validation_failed', { field: `/products/${i}/id`, detail: `Product ${p.id} appears twice.` });
    seen.add(p.id);
  });
  const rows = products.map((p) => ({
    store_id: store.id,
    id: p.id,
    title: p.title,
    url: p.url,
    image: p.image ?? '',
    price: p.price,
    in_stock: p.inStock === false ? 0 : 1,
    final_sale: p.finalSale === true ? 1 : 0,
  }));
  return db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('products').select('id').where('store_id', '=', store.id).where('id', 'in', [...seen]).execute();
    await trx
      .insertInto('products')
      .values(rows)
      .onConflict((oc) =>
        oc.columns(['store_id', 'id']).doUpdateSet((eb) => ({
          title: eb.ref('excluded.title'),
          url: eb.ref('excluded.url'),
          image: eb.ref('excluded.image'),
          price: eb.ref('excluded.price'),
          in_stock: eb.ref('excluded.in_stock'),
          final_sale: eb.ref('excluded.final_sale'),
        })),
      )
      .execute();
    return { received: rows.length, created: rows.length - existing.length, updated: existing.length };
  });
}

/** floor(total / per) × points under the program's purchase rule (no `per`: per minor unit). */
function purchasePoints(store: Store, total: number): number {
  const rule = store.program.earn.find((r) => r.kind === 'purchase');
  if (!rule) return 0;
  return Math.min(MAX_POINTS, Math.floor(total / (rule.per ?? 1)) * rule.points);
}

function expiryOf(store: Store, earnedAt: Date): string | null {
  const days = store.program.expiryDays;
  return days > 0 ? new Date(earnedAt.getTime() + days * DAY_MS).toISOString() : null;
}

/** Credit earned points once per (customer, kind, ref): the ledger's unique index drops a second credit. */
async function credit(
  trx: Transaction<DB>,
  store: Store,
  entry: { customerId: string; kind: LedgerKind; points: number; ref: string; note: string; earnedAt: Date },
): Promise<void> {
  if (entry.points <= 0) return;
  await trx
    .insertInto('points_ledger')
    .values({
      id: newId('led'),
      store_id: store.id,
      customer_id: entry.customerId,
      kind: entry.kind,
      points: entry.points,
      created_at: entry.earnedAt.toISOString(),
      expires_at: expiryOf(store, entry.earnedAt),
      ref: entry.ref,
      note: entry.note,
    })
    .onConflict((oc) => oc.columns(['store_id', 'customer_id', 'kind', 'ref']).doNothing())
    .execute();
}

/** Checks the schema cannot express; returns the order's total and its placement time. */
function checkOrder(store: Store, input: OrderInput): { total: number; placed: Date } {
  if (input.currency !== store.currency) {
    throw new ApiError(400, 'validation_failed', { field: '/currency', detail: `The store sells in ${store.currency}.` });
  }
  const placed = new Date(input.createdAt);
  // A leap second (23:59:60) passes the date-time format but is no JavaScript date.
  if (Number.isNaN(placed.getTime())) throw new ApiError(400, 'validation_failed', { field: '/createdAt', detail: 'Not a valid instant.' });
  const seen = new Set<string>();
  input.items.forEach((item, i) => {
    if (seen.has(item.productId)) {
      throw new ApiError(400, 'validation_failed', { field: `/items/${i}/productId`, detail: `Product ${item.productId} appears twice; use quantity.` });
    }
    seen.add(item.productId);
  });
  const total = input.total ?? input.items.reduce((sum, item) => sum + item.quantity * item.price, 0);
  if (total > MAX_ORDER_TOTAL) throw new ApiError(400, 'validation_failed', { field: '/items', detail: `The order total exceeds ${MAX_ORDER_TOTAL}.` });
  return { total, placed };
}

/**
 * POST admin/orders. Returns `created: false` for a replay of an order already ingested with the
 * same payload; throws 409 order_conflict for the same id with another payload.
 */
export async function ingestOrder(db: Kysely<DB>, store: Store, input: OrderInput, at: Date): Promise<{ result: OrderIngestResult; created: boolean }> {
  const { total, placed } = checkOrder(store, input);
  const hash = createHash('sha256').update(canonicalJson(input)).digest('hex');
  const createdAt = placed.toISOString();
  // Points are dated when the order was placed, but never in the future (a merchant clock may run ahead).
  const earnedAt = new Date(Math.min(placed.getTime(), at.getTime()));
  const customerId = input.customerId ?? null;
  const claim = input.referral;

  const created = await db.transaction().execute(async (trx) => {
    // The order id (primary key) or number (unique) already taken: nothing is written.
    const inserted = await trx
      .insertInto('orders')
      .values({
        store_id: store.id,
        id: input.id,
        number: input.number,
        customer_id: customerId,
        email: input.email,
        postal_code: input.postalCode ?? null,
        phone: input.phone ?? null,
        total,
        currency: input.currency,
        created_at: createdAt,
        status: 'paid',
        refunded_total: 0,
        payload_hash: hash,
        referral_code: claim?.code?.toUpperCase() ?? null,
        visitor_id: claim?.visitorId ?? null,
        updated_at: at.toISOString(),
      })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (!isInserted(inserted)) return false;

    const catalogue = await trx
      .selectFrom('products')
      .select(['id', 'title', 'final_sale'])
      .where('store_id', '=', store.id)
      .where('id', 'in', input.items.map((i) => i.productId))
      .execute();
    const known = new Map(catalogue.map((p) => [p.id, p]));
    await trx
      .insertInto('order_items')
      .values(
        input.items.map((item) => ({
          store_id: store.id,
          order_id: input.id,
          product_id: item.productId,
          quantity: item.quantity,
          price: item.price,
          title: item.title ?? known.get(item.productId)?.title ?? null,
          final_sale: (item.finalSale ?? (known.get(item.productId)?.final_sale === 1)) ? 1 : 0,
        })),
      )
      .execute();

    if (customerId !== null) {
      await trx
        .insertInto('customers')
        .values({ store_id: store.id, id: customerId, name: input.customerName ?? '', email: input.email, created_at: earnedAt.toISOString() })
        .onConflict((oc) => oc.columns(['store_id', 'id']).doNothing())
        .execute();
    }

    const attribution = claim && (claim.code !== undefined || claim.visitorId !== undefined) ? await attributeReferral(trx, store.id, claim, createdAt) : null;
    // Lock every customer whose balance changes, in one order, so two orders never deadlock.
    const locked = new Set<string>();
    if (customerId !== null) locked.add(customerId);
    if (attribution !== null && typeof attribution === 'object') locked.add(attribution.referrerId);
    for (const id of [...locked].sort()) await lockCustomer(trx, store.id, id);

    if (customerId !== null) {
      // A customer first seen through a token has neither name nor e-mail yet (updated only once
      // locked: an earlier row lock would break the lock order above).
      if (input.customerName !== undefined) {
        await trx.updateTable('customers').set({ name: input.customerName }).where('store_id', '=', store.id).where('id', '=', customerId).where('name', '=', '').execute();
      }
      await trx.updateTable('customers').set({ email: input.email }).where('store_id', '=', store.id).where('id', '=', customerId).where('email', 'is', null).execute();
      await credit(trx, store, { customerId, kind: 'purchase', points: purchasePoints(store, total), ref: input.id, note: `Order ${input.number}`, earnedAt });
    }
    if (attribution !== null && typeof attribution === 'object') {
      const settled = await settleReferral(trx, store, attribution, { id: input.id, customerId, email: input.email, total, createdAt }, at);
      for (const c of settled.credits) await credit(trx, store, { ...c, kind: 'referral', ref: input.id, earnedAt });
    }
    return true;
  });

  if (!created) {
    const existing = await db.selectFrom('orders').selectAll().where('store_id', '=', store.id).where('id', '=', input.id).executeTakeFirst();
    if (!existing) throw new ApiError(409, 'order_number_taken', { field: '/number', detail: `Another order already has the number ${input.number}.` });
    if (existing.payload_hash !== hash) {
      throw new ApiError(409, 'order_conflict', { detail: `Order ${input.id} was already ingested with a different payload.` });
    }
  }
  const result = await ingestSummary(db, store.id, input.id, !created);
  return { result, created };
}

async function ingestSummary(db: Kysely<DB>, storeId: string, orderId: string, replayed: boolean): Promise<OrderIngestResult> {
  const row = await db.selectFrom('orders').selectAll().where('store_id', '=', storeId).where('id', '=', orderId).executeTakeFirstOrThrow();
  const order = await orderOf(db, row);
  const referral: ReferralOutcome | null = await referralOutcomeOf(db, storeId, row);
  return { order, pointsEarned: order.pointsEarned, referral, replayed };
}

function refundSummary(r: { id: string; amount: number; reason: string | null; points: number; created_at: string }): RefundSummary {
  return { id: r.id, amount: r.amount, reason: r.reason, pointsReversed: r.points, createdAt: r.created_at };
}

/** Purchase points an order credited (its ledger entry, ref = order id). */
async function earnedFor(db: Kysely<DB> | Transaction<DB>, storeId: string, order: Pick<OrderRow, 'id' | 'customer_id'>): Promise<number> {
  if (order.customer_id === null) return 0;
  const entry = await db
    .selectFrom('points_ledger')
    .select('points')
    .where('store_id', '=', storeId)
    .where('customer_id', '=', order.customer_id)
    .where('kind', '=', 'purchase')
    .where('ref', '=', order.id)
    .executeTakeFirst();
  return entry?.points ?? 0;
}

async function orderOf(db: Kysely<DB>, row: OrderRow): Promise<Order> {
  const items = await db
    .selectFrom('order_items')
    .select(['product_id', 'title', 'quantity', 'price', 'final_sale'])
    .where('store_id', '=', row.store_id)
    .where('order_id', '=', row.id)
    .orderBy('product_id')
    .execute();
  const refunds = await db
    .selectFrom('refunds')
    .select(['id', 'amount', 'reason', 'points', 'created_at'])
    .where('store_id', '=', row.store_id)
    .where('order_id', '=', row.id)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return {
    id: row.id,
    number: row.number,
    customerId: row.customer_id,
    email: row.email,
    postalCode: row.postal_code,
    phone: row.phone,
    currency: row.currency,
    total: row.total,
    refundedTotal: row.refunded_total,
    status: row.status,
    createdAt: row.created_at,
    items: items.map((i) => ({ productId: i.product_id, title: i.title, quantity: i.quantity, price: i.price, finalSale: i.final_sale === 1 })),
    refunds: refunds.map(refundSummary),
    pointsEarned: await earnedFor(db, row.store_id, row),
    pointsReversed: refunds.reduce((sum, r) => sum + r.points, 0),
  };
}

/** GET admin/orders/{order}. */
export async function getOrder(db: Kysely<DB>, storeId: string, orderId: string): Promise<Order> {
  const row = await db.selectFrom('orders').selectAll().where('store_id', '=', storeId).where('id', '=', orderId).executeTakeFirst();
  if (!row) throw new ApiError(404, 'order_not_found');
  return orderOf(db, row);
}

/**
 * POST admin/orders/{order}/refunds. Returns `created: false` for a replay (same refund id, order,
 * amount and reason); throws 409 refund_conflict when the id was used otherwise.
 */
export async function refundOrder(db: Kysely<DB>, store: Store, orderId: string, input: RefundInput, at: Date): Promise<{ result: RefundResult; created: boolean }> {
  const created = await db.transaction().execute(async (trx) => {
    // The order row lock serialises refunds of one order (SQLite serialises every transaction).
    const order = await trx
      .selectFrom('orders')
      .selectAll()
      .where('store_id', '=', store.id)
      .where('id', '=', orderId)
      .$if(!isSqlite(trx), (q) => q.forUpdate())
      .executeTakeFirst();
    if (!order) throw new ApiError(404, 'order_not_found');
    const known = await trx.selectFrom('refunds').select('id').where('store_id', '=', store.id).where('id', '=', input.id).executeTakeFirst();
    if (known) return false;
    const remaining = order.total - order.refunded_total;
    if (input.amount > remaining) {
      throw new ApiError(409, 'refund_exceeds_total', { field: '/amount', detail: `At most ${remaining} of order ${order.id} can still be refunded.` });
    }
    if (order.customer_id !== null) await lockCustomer(trx, store.id, order.customer_id);

    const earned = await earnedFor(trx, store.id, order);
    const before = await trx
      .selectFrom('refunds')
      .select((eb) => eb.fn.sum<string | number | null>('points').as('n'))
      .where('store_id', '=', store.id)
      .where('order_id', '=', order.id)
      .executeTakeFirst();
    const reversedBefore = Number(before?.n ?? 0);
    const refundedAfter = order.refunded_total + input.amount;
    // Cumulative floor(earned × refunded / total), exact in BigInt (the product may pass 2^53).
    const target = Number((BigInt(earned) * BigInt(refundedAfter)) / BigInt(order.total));
    const points = Math.max(0, target - reversedBefore);

    const inserted = await trx
      .insertInto('refunds')
      .values({ store_id: store.id, id: input.id, order_id: order.id, amount: input.amount, points, reason: input.reason ?? null, created_at: at.toISOString() })
      .onConflict((oc) => oc.columns(['store_id', 'id']).doNothing())
      .executeTakeFirst();
    // The same refund id taken meanwhile by a request for another order: nothing written here.
    if (!isInserted(inserted)) return false;
    if (order.customer_id !== null && points > 0) {
      await trx
        .insertInto('points_ledger')
        .values({
          id: newId('led'),
          store_id: store.id,
          customer_id: order.customer_id,
          kind: 'refund',
          points: -points,
          created_at: at.toISOString(),
          expires_at: null,
          ref: input.id,
          note: `Refund, order ${order.number}`,
        })
        .execute();
    }
    await trx
      .updateTable('orders')
      .set({ refunded_total: refundedAfter, status: refundedAfter === order.total ? 'refunded' : 'partially_refunded', updated_at: at.toISOString() })
      .where('store_id', '=', store.id)
      .where('id', '=', order.id)
      .execute();
    return true;
  });

  const refund = await db.selectFrom('refunds').selectAll().where('store_id', '=', store.id).where('id', '=', input.id).executeTakeFirstOrThrow();
  if (!created && (refund.order_id !== orderId || refund.amount !== input.amount || refund.reason !== (input.reason ?? null))) {
    throw new ApiError(409, 'refund_conflict', { detail: `Refund ${input.id} was already recorded for another order, amount or reason.` });
  }
  return { result: { refund: refundSummary(refund), order: await getOrder(db, store.id, orderId), replayed: !created }, created };
}
