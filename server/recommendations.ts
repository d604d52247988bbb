/**
 * Recommendations: "customers who bought this also bought", then co-purchases of what the signed-in
 * shopper bought before, then the store's best sellers, merged into one list.
 *
 * Storefront reads must stay fast (SPEC §5), so the ranked candidate ids of each source are cached
 * in this process's memory for RANKING_TTL_MS (per store and product, per store and customer, per
 * store for best sellers). Everything that must be exact on every read is applied after the cache:
 * the current product, `exclude`, the store's exclusions, stock, duplicates, the limit.
 */
import type { Database } from './db.ts';
import type { Recommendations, RecommendedProduct } from '../contract/types.ts';
import { ratingSummaries } from './ratings.ts';
import type { Store } from './stores.ts';

/** How long a ranked candidate list is reused. */
export const RANKING_TTL_MS = 60_000;
/** Candidates kept per source: room for the largest limit after exclusions and stock. */
export const CANDIDATES_PER_SOURCE = 200;
/** Best sellers count the units of orders this recent. */
export const BEST_SELLER_DAYS = 90;
/** The shopper's most recent distinct products that seed the history source. */
export const HISTORY_PRODUCTS = 50;
const CACHE_MAX_ENTRIES = 10_000;
/** Orders that did not end in a purchase count for nothing. */
const NOT_BOUGHT = ['cancelled', 'refunded'] as const;
const DAY_MS = 86_400_000;

type Source = 'co_purchase' | 'history' | 'best_sellers';

/** Rows of (product id, score) → ids by score, ties by id (the same order on both engines). */
function ranked(rows: { product_id: string; score: string | number | bigint | null }[]): string[] {
  return rows
    .map((r) => ({ id: r.product_id, score: Number(r.score ?? 0) }))
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((r) => r.id);
}

/** Products bought in the same orders as any of `productIds` (not those), by distinct co-orders. */
async function coPurchased(db: Database, storeId: string, productIds: readonly string[]): Promise<string[]> {
  if (productIds.length === 0) return [];
  const rows = await db
    .selectFrom('order_items as a')
    .innerJoin('order_items as b', (j) => j.onRef('b.store_id', '=', 'a.store_id').onRef('b.order_id', '=', 'a.order_id'))
    .innerJoin('orders as o', (j) => j.onRef('o.store_id', '=', 'a.store_id').onRef('o.id', '=', 'a.order_id'))
    .select((eb) => ['b.product_id', eb.fn.count<string | number>('b.order_id').distinct().as('score')])
    .where('a.store_id', '=', storeId)
    .where('a.product_id', 'in', productIds)
    .where('b.product_id', 'not in', productIds)
    .where('o.status', 'not in', NOT_BOUGHT)
    .groupBy('b.product_id')
    .orderBy('score', 'desc')
    .orderBy('b.product_id')
    .limit(CANDIDATES_PER_SOURCE)
    .execute();
  return ranked(rows);
}

/** The shopper's most recently bought distinct products. */
async function boughtBy(db: Database, storeId: string, customerId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('order_items as oi')
    .innerJoin('orders as o', (j) => j.onRef('o.store_id', '=', 'oi.store_id').onRef('o.id', '=', 'oi.order_id'))
    .select(['oi.product_id'])
    .where('o.store_id', '=', storeId)
    .where('o.customer_id', '=', customerId)
    .where('o.status', 'not in', NOT_BOUGHT)
    .orderBy('o.created_at', 'desc')
    .limit(HISTORY_PRODUCTS * 10)
    .execute();
  return [...new Set(rows.map((r) => r.product_id))].slice(0, HISTORY_PRODUCTS);
}

/** Units sold per product in the last BEST_SELLER_DAYS. */
async function bestSellers(db: Database, storeId: string, at: Date): Promise<string[]> {
  const since = new Date(at.getTime() - BEST_SELLER_DAYS * DAY_MS).toISOString();
  const rows = await db
    .selectFrom('order_items as oi')
    .innerJoin('orders as o', (j) => j.onRef('o.store_id', '=', 'oi.store_id').onRef('o.id', '=', 'oi.order_id'))
    .select((eb) => ['oi.product_id', eb.fn.sum<string | number>('oi.quantity').as('score')])
    .where('o.store_id', '=', storeId)
    .where('o.created_at', '>=', since)
    .where('o.status', 'not in', NOT_BOUGHT)
    .groupBy('oi.product_id')
    .orderBy('score', 'desc')
    .orderBy('oi.product_id')
    .limit(CANDIDATES_PER_SOURCE)
    .execute();
  return ranked(rows);
}

/** A small TTL cache of computations (the promise, so concurrent misses compute once). */
class TtlCache {
  readonly #entries = new Map<string, { expires: number; value: Promise<string[]> }>();

  get(key: string, at: Date, compute: () => Promise<string[]>): Promise<string[]> {
    const t = at.getTime();
    const hit = this.#entries.get(key);
    if (hit && hit.expires > t) return hit.value;
    this.#entries.delete(key);
    if (this.#entries.size >= CACHE_MAX_ENTRIES) {
      // Oldest insertion first: drop it.
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    const value = compute();
    this.#entries.set(key, { expires: t + RANKING_TTL_MS, value });
    value.catch(() => this.#entries.delete(key));
    return value;
  }
}

export interface RecommendOptions {
  store: Store;
  /** The product on the page (unknown ids simply have no co-purchases). */
  productId: string | undefined;
  customerId: string | undefined;
  limit: number;
  exclude: readonly string[];
}

export function createRecommender(db: Database, now: () => Date) {
  const cache = new TtlCache();

  async function history(storeId: string, customerId: string): Promise<string[]> {
    const bought = await boughtBy(db, storeId, customerId);
    return coPurchased(db, storeId, bought);
  }

  async function recommend({ store, productId, customerId, limit, exclude }: RecommendOptions): Promise<Recommendations> {
    const at = now();
    const s = store.id;
    const sections: [Source, Promise<string[]>][] = [
      ['co_purchase', productId === undefined ? Promise.resolve([]) : cache.get(`${s}\np\n${productId}`, at, () => coPurchased(db, s, [productId]))],
      ['history', customerId === undefined ? Promise.resolve([]) : cache.get(`${s}\nc\n${customerId}`, at, () => history(s, customerId))],
      ['best_sellers', cache.get(`${s}\nbest`, at, () => bestSellers(db, s, at))],
    ];
    const blocked = new Set<string>([...exclude, ...store.settings.recommendations.exclude]);
    if (productId !== undefined) blocked.add(productId);
    const candidates: { id: string; source: Source }[] = [];
    for (const [source, ids] of sections) {
      for (const id of await ids) {
        if (blocked.has(id)) continue;
        blocked.add(id);
        candidates.push({ id, source });
      }
    }

    // Stock is read fresh, in slices, until the list is full.
    const picked: { row: Omit<RecommendedProduct, 'currency' | 'rating'>; source: Source }[] = [];
    const slice = Math.max(limit * 2, 16);
    for (let i = 0; i < candidates.length && picked.length < limit; i += slice) {
      const part = candidates.slice(i, i + slice);
      const rows = await db
        .selectFrom('products')
        .select(['id', 'title', 'url', 'image', 'price'])
        .where('store_id', '=', s)
        .where('id', 'in', part.map((c) => c.id))
        .where('in_stock', '=', 1)
        .execute();
      const byId = new Map(rows.map((r) => [r.id, r]));
      for (const c of part) {
        const row = byId.get(c.id);
        if (row && picked.length < limit) picked.push({ row, source: c.source });
      }
    }

    const ratings = await ratingSummaries(db, s, picked.map((p) => p.row.id));
    const sources = new Set(picked.map((p) => p.source));
    return {
      productId: productId ?? null,
      source: sources.size > 1 ? 'mixed' : (sources.values().next().value ?? 'best_sellers'),
      products: picked.map(({ row }) => ({ ...row, currency: store.currency, rating: ratings.get(row.id)! })),
    };
  }

  return { recommend };
}
