/** Star-rating aggregates per product, read by reviews and recommendations alike. */
import type { Database } from './db.ts';

export interface RatingSummary {
  /** Mean of the ratings, rounded to one decimal; 0 when there are none. */
  average: number;
  count: number;
}

export const NO_RATING: RatingSummary = { average: 0, count: 0 };

/** Average and count for each product id (products without reviews map to `NO_RATING`). */
export async function ratingSummaries(db: Database, storeId: string, productIds: readonly string[]): Promise<Map<string, RatingSummary>> {
  const out = new Map<string, RatingSummary>(productIds.map((id) => [id, NO_RATING]));
  if (productIds.length === 0) return out;
  const rows = await db
    .selectFrom('reviews')
    .select((eb) => ['product_id', eb.fn.count<string | number>('id').as('count'), eb.fn.sum<string | number>('rating').as('total')])
    .where('store_id', '=', storeId)
    .where('product_id', 'in', [...new Set(productIds)])
    .groupBy('product_id')
    .execute();
  for (const r of rows) {
    // PostgreSQL returns count/sum as strings (bigint/numeric); SQLite as numbers.
    const count = Number(r.count);
    const total = Number(r.total);
    out.set(r.product_id, { average: count === 0 ? 0 : Math.round((total / count) * 10) / 10, count });
  }
  return out;
}
