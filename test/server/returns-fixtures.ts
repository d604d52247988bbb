/**
 * Catalogue, order and review rows for the returns and recommendations tests, inserted directly
 * (independent of the merchant order API). Not a test file itself.
 */
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import type { Database, OrderStatus } from '../../server/db.ts';
import { DAY, NOW, STORE } from './helpers.ts';

export const daysAgo = (d: number): string => new Date(NOW.getTime() - d * DAY).toISOString();

export interface ProductFixture {
  id: string;
  price?: number;
  inStock?: boolean;
  finalSale?: boolean;
  title?: string;
}

export async function addProducts(db: Database, products: ProductFixture[]): Promise<void> {
  await db
    .insertInto('products')
    .values(
      products.map((p) => ({
        store_id: STORE,
        id: p.id,
        title: p.title ?? `Title ${p.id}`,
        url: `/products/${p.id}`,
        image: `https://img.test/${p.id}.jpg`,
        price: p.price ?? 1000,
        in_stock: p.inStock === false ? 0 : 1,
        final_sale: p.finalSale ? 1 : 0,
      })),
    )
    .execute();
}

export interface OrderFixture {
  id: string;
  number?: string;
  customerId?: string | null;
  email?: string;
  postalCode?: string | null;
  phone?: string | null;
  daysAgo?: number;
  status?: OrderStatus;
  items: { productId: string; quantity?: number; price?: number; finalSale?: boolean; title?: string | null }[];
}

export async function addOrder(db: Database, o: OrderFixture): Promise<void> {
  const items = o.items.map((i) => ({
    store_id: STORE,
    order_id: o.id,
    product_id: i.productId,
    quantity: i.quantity ?? 1,
    price: i.price ?? 1000,
    title: i.title === undefined ? `Ordered ${i.productId}` : i.title,
    final_sale: i.finalSale ? 1 : 0,
  }));
  await db
    .insertInto('orders')
    .values({
      store_id: STORE,
      id: o.id,
      number: o.number ?? `N-${o.id}`,
      customer_id: o.customerId ?? null,
      email: o.email ?? `${o.id}@example.com`,
      postal_code: o.postalCode === undefined ? null : o.postalCode,
      phone: o.phone === undefined ? null : o.phone,
      total: items.reduce((s, i) => s + i.price * i.quantity, 0),
      currency: 'JPY',
      created_at: daysAgo(o.daysAgo ?? 1),
      status: o.status ?? 'paid',
    })
    .execute();
  await db.insertInto('order_items').values(items).execute();
}

let reviewSeq = 0;
export async function addReview(db: Database, productId: string, orderId: string, rating: number): Promise<void> {
  await db
    .insertInto('reviews')
    .values({
      id: `rev_fixture_${++reviewSeq}`,
      store_id: STORE,
      product_id: productId,
      order_id: orderId,
      customer_id: null,
      rating,
      title: null,
      body: null,
      author: null,
      locale: null,
      verified: 1,
      points: 0,
      created_at: daysAgo(1),
    })
    .execute();
}

/** Counts the queries run through it (to check that work is cached, or the same in two cases). */
export class QueryCounter implements KyselyPlugin {
  count = 0;
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }
  // Counted as they run: a prepared query (server/db.ts) is compiled, and seen by transformQuery, once.
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    this.count++;
    return args.result;
  }
}

/**
 * Makes every query yield to the event loop before its result is used, as a networked database
 * would, so concurrent requests really interleave.
 */
export class YieldPlugin implements KyselyPlugin {
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    await new Promise((r) => setTimeout(r, 1));
    return args.result;
  }
}
