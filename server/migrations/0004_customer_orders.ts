/**
 * The session read's `pendingReviews` looks up the shopper's newest order (newest first, ties by
 * id); with only (store_id, customer_id) and (store_id, created_at) to choose from, SQLite walked
 * every order of the store by time and sorted the ties. This index answers it with one seek.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('orders_store_customer_time').on('orders').columns(['store_id', 'customer_id', 'created_at', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('orders_store_customer_time').ifExists().execute();
}
