/**
 * Reviews: star ratings (1–5) with optional text, written only by the buyer of an order and marked
 * as verified purchases; one review per order item, enforced by the unique index
 * (store_id, order_id, product_id); points per review credited to the order's customer through the
 * ledger; per-product aggregates (average, count, distribution, schema.org AggregateRating).
 *
 * Who is the buyer: the verified token's `sub` is either the order's customer id (customer token)
 * or the order id itself (order token, SPEC §1). Anyone else gets the same 404 as for an order that
 * does not exist, so order ids cannot be probed with a valid token for another order.
 */
import type { Kysely } from 'kysely';
import { prepared, type PreparedQuery, type DB, type Database, type ReviewsTable } from './db.ts';
import type { Program } from '../contract/types.ts';
import type { PendingReviews, ProductReviews, ReviewRequest, ReviewsCreated } from '../contract/reviews.ts';
import { ApiError } from './problem.ts';
import { newId } from './ids.ts';
import { DAY_MS, ensureCustomer, lockCustomer, settleInTransaction } from './loyalty.ts';
import { ratingSummaries } from './ratings.ts';
import type { Store } from './stores.ts';

type ReviewableItem = PendingReviews['items'][number];

export interface ReviewableOrder {
  id: string;
  customerId: string | null;
  status: string;
}

/** Points per review from the program's `review` earn rule (0 when the program has none). */
export function pointsPerReview(program: Program): number {
  return program.earn.find((r) => r.kind === 'review')?.points ?? 0;
}

/** Trimmed text, or null when nothing is left. */
function text(value: string | undefined): string | null {
  const t = value?.trim() ?? '';
  return t === '' ? null : t;
}

/** The order when the caller (token subject) bought it; 404 order_not_found otherwise. */
export async function ownedOrder(db: Kysely<DB>, storeId: string, orderId: string, subject: string): Promise<ReviewableOrder> {
  const row = await db
    .selectFrom('orders')
    .select(['id', 'customer_id', 'status'])
    .where('store_id', '=', storeId)
    .where('id', '=', orderId)
    .executeTakeFirst();
  if (!row || (row.id !== subject && row.customer_id !== subject)) throw new ApiError(404, 'order_not_found', { field: '/order' });
  return { id: row.id, customerId: row.customer_id, status: row.status };
}

/** orderItems' queries by shape: bit 0 with a product, bit 1 unreviewed items only. */
const itemQueries: PreparedQuery<{ store: string; order: string; product: string | null }, ItemRow>[] = [];
type ItemRow = { product_id: string; item_title: string | null; title: string | null; url: string | null; image: string | null };

/** The order's items with catalogue data, optionally only those not reviewed yet or one product. */
async function orderItems(
  db: Kysely<DB>,
  storeId: string,
  orderId: string,
  opts: { unreviewedOnly: boolean; productId?: string },
): Promise<ReviewableItem[]> {
  const shape = Number(opts.productId !== undefined) + 2 * Number(opts.unreviewedOnly);
  const query = (itemQueries[shape] ??= prepared((db, a: { store: string; order: string; product: string | null }) => {
    let q = db
      .selectFrom('order_items as oi')
      .leftJoin('products as p', (j) => j.onRef('p.store_id', '=', 'oi.store_id').onRef('p.id', '=', 'oi.product_id'))
      .select(['oi.product_id', 'oi.title as item_title', 'p.title', 'p.url', 'p.image'])
      .where('oi.store_id', '=', a.store)
      .where('oi.order_id', '=', a.order);
    if (opts.productId !== undefined) q = q.where('oi.product_id', '=', a.product!);
    if (opts.unreviewedOnly) {
      q = q.where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('reviews as r')
              .select('r.id')
              .whereRef('r.store_id', '=', 'oi.store_id')
              .whereRef('r.order_id', '=', 'oi.order_id')
              .whereRef('r.product_id', '=', 'oi.product_id'),
          ),
        ),
      );
    }
    return q.orderBy('oi.product_id');
  }));
  const rows = await query(db, { store: storeId, order: orderId, product: opts.productId ?? null });
  return rows.map((r) => ({ productId: r.product_id, title: r.title ?? r.item_title ?? r.product_id, url: r.url, image: r.image }));
}

/** The customer's newest order: the one a thank-you page asks about (the session's `pendingReviews`). */
const newestOrderRow = prepared((db, a: { store: string; customer: string }) =>
  db
    .selectFrom('orders')
    .select(['id', 'customer_id', 'status'])
    .where('store_id', '=', a.store)
    .where('customer_id', '=', a.customer)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1),
);

export async function newestOrder(db: Kysely<DB>, storeId: string, customerId: string): Promise<ReviewableOrder | null> {
  const [row] = await newestOrderRow(db, { store: storeId, customer: customerId });
  return row ? { id: row.id, customerId: row.customer_id, status: row.status } : null;
}

/** What the rating prompt asks about for one order (cancelled orders have nothing to rate). */
export async function pendingForOrder(db: Database, store: Store, order: ReviewableOrder): Promise<PendingReviews> {
  const items = order.status === 'cancelled' ? [] : await orderItems(db, store.id, order.id, { unreviewedOnly: true });
  return { orderId: order.id, items, pointsPerReview: order.customerId !== null ? pointsPerReview(store.program) : 0 };
}

/**
 * For `?product=`: the caller's newest order (by customer or order token) that contains the product
 * and has it unrated; 404 product_not_found when the store has never heard of the product.
 */
export async function pendingForProduct(db: Database, store: Store, subject: string, productId: string): Promise<PendingReviews> {
  const known = await db
    .selectFrom('products')
    .select('id')
    .where('store_id', '=', store.id)
    .where('id', '=', productId)
    .unionAll(db.selectFrom('order_items').select('product_id as id').where('store_id', '=', store.id).where('product_id', '=', productId))
    .limit(1)
    .executeTakeFirst();
  if (!known) throw new ApiError(404, 'product_not_found', { field: '/product' });
  const order = await db
    .selectFrom('orders as o')
    .innerJoin('order_items as oi', (j) => j.onRef('oi.store_id', '=', 'o.store_id').onRef('oi.order_id', '=', 'o.id'))
    .select(['o.id', 'o.customer_id', 'o.status'])
    .where('o.store_id', '=', store.id)
    .where((eb) => eb.or([eb('o.customer_id', '=', subject), eb('o.id', '=', subject)]))
    .where('o.status', '!=', 'cancelled')
    .where('oi.product_id', '=', productId)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('reviews as r')
            .select('r.id')
            .whereRef('r.store_id', '=', 'o.store_id')
            .whereRef('r.order_id', '=', 'o.id')
            .where('r.product_id', '=', productId),
        ),
      ),
    )
    .orderBy('o.created_at', 'desc')
    .orderBy('o.id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!order) return { orderId: null, items: [], pointsPerReview: 0 };
  return {
    orderId: order.id,
    items: await orderItems(db, store.id, order.id, { unreviewedOnly: true, productId }),
    pointsPerReview: order.customer_id !== null ? pointsPerReview(store.program) : 0,
  };
}

/**
 * Store the reviews of one request in one transaction: every item or none. The unique index makes a
 * second review of an order item fail (409 already_reviewed), also under concurrent requests; each
 * review's points are a ledger entry with the stable ref `<order>:<product>`, so they are never
 * credited twice.
 */
export async function createReviews(
  db: Database,
  store: Store,
  subject: string,
  input: ReviewRequest,
  now: Date,
): Promise<ReviewsCreated> {
  const order = await ownedOrder(db, store.id, input.order, subject);
  if (order.status === 'cancelled') throw new ApiError(409, 'order_cancelled', { field: '/order' });
  const seen = new Set<string>();
  input.items.forEach((item, i) => {
    if (seen.has(item.product)) {
      throw new ApiError(400, 'validation_failed', { field: `/items/${i}/product`, detail: 'Each product may appear once.' });
    }
    seen.add(item.product);
  });
  const lines = new Map((await orderItems(db, store.id, order.id, { unreviewedOnly: false })).map((l) => [l.productId, l]));
  input.items.forEach((item, i) => {
    if (!lines.has(item.product)) throw new ApiError(409, 'item_not_in_order', { field: `/items/${i}/product` });
  });

  const customerId = order.customerId;
  const perReview = customerId !== null ? pointsPerReview(store.program) : 0;
  const createdAt = now.toISOString();
  const expiresAt = store.program.expiryDays > 0 ? new Date(now.getTime() + store.program.expiryDays * DAY_MS).toISOString() : null;
  const locale = input.locale ?? null;
  const author = text(input.author);
  if (customerId !== null) await ensureCustomer(db, store.id, customerId, now);

  return db.transaction().execute(async (trx) => {
    if (customerId !== null) await lockCustomer(trx, store.id, customerId);
    const rows: ReviewsTable[] = [];
    for (const [i, item] of input.items.entries()) {
      const row: ReviewsTable = {
        id: newId('rev'),
        store_id: store.id,
        product_id: item.product,
        order_id: order.id,
        customer_id: customerId,
        rating: item.rating,
        title: text(item.title),
        body: text(item.body),
        author,
        locale,
        verified: 1,
        points: perReview,
        created_at: createdAt,
      };
      const res = await trx
        .insertInto('reviews')
        .values(row)
        .onConflict((oc) => oc.columns(['store_id', 'order_id', 'product_id']).doNothing())
        .executeTakeFirst();
      // Throwing rolls the whole request back: nothing of it is stored.
      if (Number(res.numInsertedOrUpdatedRows ?? 0n) !== 1) throw new ApiError(409, 'already_reviewed', { field: `/items/${i}/product` });
      rows.push(row);
    }

    let pointsEarned = 0;
    if (customerId !== null && perReview > 0) {
      for (const row of rows) {
        const res = await trx
          .insertInto('points_ledger')
          .values({
            id: newId('led'),
            store_id: store.id,
            customer_id: customerId,
            kind: 'review',
            points: perReview,
            created_at: createdAt,
            expires_at: expiresAt,
            ref: `${order.id}:${row.product_id}`,
            note: lines.get(row.product_id)!.title,
          })
          .onConflict((oc) => oc.columns(['store_id', 'customer_id', 'kind', 'ref']).doNothing())
          .executeTakeFirst();
        if (Number(res.numInsertedOrUpdatedRows ?? 0n) === 1) pointsEarned += perReview;
        else await trx.updateTable('reviews').set({ points: 0 }).where('id', '=', row.id).execute();
      }
    }
    // The balance is the customer's own business: an order-token holder does not see it.
    const balance = customerId !== null && customerId === subject ? Math.max(0, (await settleInTransaction(trx, store.id, customerId, now)).balance) : null;
    return {
      reviews: rows.map((r) => ({ id: r.id, productId: r.product_id, rating: r.rating, verified: true, createdAt })),
      pointsEarned,
      balance,
    };
  });
}

/** A product's aggregates and one page of its reviews, newest first. */
export async function productReviews(db: Database, storeId: string, productId: string, limit: number, offset: number): Promise<ProductReviews> {
  const [summaries, counts, page, product] = await Promise.all([
    ratingSummaries(db, storeId, [productId]),
    db
      .selectFrom('reviews')
      .select((eb) => ['rating', eb.fn.count<string | number>('id').as('n')])
      .where('store_id', '=', storeId)
      .where('product_id', '=', productId)
      .groupBy('rating')
      .execute(),
    db
      .selectFrom('reviews')
      .select(['id', 'rating', 'title', 'body', 'author', 'locale', 'verified', 'created_at'])
      .where('store_id', '=', storeId)
      .where('product_id', '=', productId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .offset(offset)
      .execute(),
    db.selectFrom('products').select('title').where('store_id', '=', storeId).where('id', '=', productId).executeTakeFirst(),
  ]);
  const { average, count } = summaries.get(productId)!;
  const distribution = { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 };
  for (const c of counts) {
    const key = String(c.rating);
    if (key in distribution) distribution[key as keyof typeof distribution] = Number(c.n);
  }
  return {
    productId,
    average,
    count,
    distribution,
    reviews: page.map((r) => ({
      id: r.id,
      rating: r.rating,
      title: r.title,
      body: r.body,
      author: r.author,
      locale: r.locale,
      verified: r.verified === 1,
      createdAt: r.created_at,
    })),
    aggregateRating:
      count === 0
        ? null
        : {
            '@context': 'https://schema.org',
            '@type': 'AggregateRating',
            ratingValue: average,
            reviewCount: count,
            bestRating: 5,
            worstRating: 1,
            ...(product ? { itemReviewed: { '@type': 'Product' as const, name: product.title } } : {}),
          },
  };
}
