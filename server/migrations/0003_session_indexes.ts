/**
 * Indexes for the session read (GET /session), the hottest read: its `referral` section counts the
 * shopper's referred visitors who have not ordered yet, a lookup of orders by visitor id that
 * otherwise scans every order of the store for each visit.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('orders_store_visitor').on('orders').columns(['store_id', 'visitor_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('orders_store_visitor').ifExists().execute();
}
