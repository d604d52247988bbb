/**
 * Fixtures for the reviews tests: catalogue products and orders written straight into the tables
 * (orders normally arrive through the merchant API, which these tests do not depend on).
 */
import type { Database } from '../../server/db.ts';
import { mintOrderToken } from '../../server/auth.ts';
import { NOW, SECRET, STORE, daysFromNow } from './helpers.ts';

export async function addProduct(db: Database, id: string, title: string, price = 1000): Promise<void> {
  await db
    .insertInto('products')
    .values({ store_id: STORE, id, title, url: `/products/${id}`, image: `/img/${id}.jpg`, price, in_stock: 1, final_sale: 0 })
    .execute();
}

export interface OrderFixture {
  id: string;
  customerId: string | null;
  /** product ids (with an order-time title each: `Item <id>`) */
  items: string[];
  daysAgo?: number;
  status?: 'paid' | 'partially_refunded' | 'refunded' | 'cancelled';
}

let orderNo = 5000;
export async function addOrder(db: Database, o: OrderFixture): Promise<void> {
  await db
    .insertInto('orders')
    .values({
      store_id: STORE,
      id: o.id,
      number: String(++orderNo),
      customer_id: o.customerId,
      email: `${o.customerId ?? o.id}@example.com`,
      postal_code: null,
      phone: null,
      total: 1000 * o.items.length,
      currency: 'JPY',
      created_at: daysFromNow(-(o.daysAgo ?? 10)),
      status: o.status ?? 'paid',
    })
    .execute();
  for (const product of o.items) {
    await db
      .insertInto('order_items')
      .values({ store_id: STORE, order_id: o.id, product_id: product, quantity: 1, price: 1000, title: `Item ${product}`, final_sale: 0 })
      .execute();
  }
}

export const orderBearer = async (orderId: string) => ({
  authorization: `Bearer ${await mintOrderToken({ store: STORE, secret: SECRET, orderId, now: NOW })}`,
});
