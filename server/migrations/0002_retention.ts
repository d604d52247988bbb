/**
 * Everything after the points ledger: order status and refunds, store settings, referrals, reviews,
 * NPS, returns and recommendation events. Portable SQL only (text, integer), so it runs the same on
 * SQLite and PostgreSQL.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Per-store settings for the domains below (JSON; see server/settings.ts).
  await db.schema.alterTable('stores').addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}')).execute();

  await db.schema.alterTable('products').addColumn('final_sale', 'integer', (c) => c.notNull().defaultTo(0)).execute();

  await db.schema.alterTable('orders').addColumn('status', 'text', (c) => c.notNull().defaultTo('paid')).execute();
  await db.schema.alterTable('orders').addColumn('refunded_total', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('orders').addColumn('payload_hash', 'text').execute();
  await db.schema.alterTable('orders').addColumn('referral_code', 'text').execute();
  await db.schema.alterTable('orders').addColumn('visitor_id', 'text').execute();
  await db.schema.alterTable('orders').addColumn('updated_at', 'text').execute();
  await db.schema.createIndex('orders_store_time').on('orders').columns(['store_id', 'created_at']).execute();

  await db.schema.alterTable('order_items').addColumn('title', 'text').execute();
  await db.schema.alterTable('order_items').addColumn('final_sale', 'integer', (c) => c.notNull().defaultTo(0)).execute();

  await db.schema
    .createTable('refunds')
    .addColumn('store_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('amount', 'integer', (c) => c.notNull())
    .addColumn('points', 'integer', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('refunds_pk', ['store_id', 'id'])
    .addForeignKeyConstraint('refunds_order', ['store_id', 'order_id'], 'orders', ['store_id', 'id'])
    .execute();

  await db.schema
    .createTable('referral_codes')
    .addColumn('store_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('referral_codes_pk', ['store_id', 'customer_id'])
    .addForeignKeyConstraint('referral_codes_customer', ['store_id', 'customer_id'], 'customers', ['store_id', 'id'])
    .execute();
  await db.schema.createIndex('referral_codes_code').unique().on('referral_codes').columns(['store_id', 'code']).execute();

  await db.schema
    .createTable('referral_visits')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('store_id', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('referrer_id', 'text', (c) => c.notNull())
    .addColumn('visitor_id', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('offer_code', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('referral_visits_code').on('referral_visits').columns(['store_id', 'code', 'created_at']).execute();
  await db.schema.createIndex('referral_visits_visitor').on('referral_visits').columns(['store_id', 'visitor_id']).execute();

  await db.schema
    .createTable('referrals')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('store_id', 'text', (c) => c.notNull())
    .addColumn('referrer_id', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('visit_id', 'text')
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('friend_customer_id', 'text')
    .addColumn('friend_email', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('referrer_points', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('friend_points', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('referrals_order').unique().on('referrals').columns(['store_id', 'order_id']).execute();
  await db.schema.createIndex('referrals_referrer').on('referrals').columns(['store_id', 'referrer_id']).execute();

  await db.schema
    .createTable('reviews')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('store_id', 'text', (c) => c.notNull())
    .addColumn('product_id', 'text', (c) => c.notNull())
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text')
    .addColumn('rating', 'integer', (c) => c.notNull())
    .addColumn('title', 'text')
    .addColumn('body', 'text')
    .addColumn('author', 'text')
    .addColumn('locale', 'text')
    .addColumn('verified', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('points', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('reviews_order_item').unique().on('reviews').columns(['store_id', 'order_id', 'product_id']).execute();
  await db.schema.createIndex('reviews_product').on('reviews').columns(['store_id', 'product_id', 'created_at']).execute();

  await db.schema
    .createTable('nps_responses')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('store_id', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text')
    .addColumn('visitor_id', 'text')
    .addColumn('score', 'integer', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('comment', 'text')
    .addColumn('locale', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('nps_responses_time').on('nps_responses').columns(['store_id', 'created_at']).execute();
  await db.schema.createIndex('nps_responses_subject').on('nps_responses').columns(['store_id', 'subject', 'created_at']).execute();
  await db.schema.createIndex('nps_responses_visitor').on('nps_responses').columns(['store_id', 'visitor_id', 'created_at']).execute();

  await db.schema
    .createTable('nps_dismissals')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('store_id', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('visitor_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('nps_dismissals_subject').on('nps_dismissals').columns(['store_id', 'subject', 'created_at']).execute();
  await db.schema.createIndex('nps_dismissals_visitor').on('nps_dismissals').columns(['store_id', 'visitor_id', 'created_at']).execute();

  await db.schema
    .createTable('returns')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('store_id', 'text', (c) => c.notNull())
    .addColumn('number', 'text', (c) => c.notNull())
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('resolution', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('comment', 'text')
    .addColumn('label_url', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('returns_number').unique().on('returns').columns(['store_id', 'number']).execute();
  await db.schema.createIndex('returns_order').on('returns').columns(['store_id', 'order_id']).execute();

  await db.schema
    .createTable('return_items')
    .addColumn('return_id', 'text', (c) => c.notNull().references('returns.id'))
    .addColumn('product_id', 'text', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('return_items_pk', ['return_id', 'product_id'])
    .execute();

  await db.schema
    .createTable('rec_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('store_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('product_id', 'text', (c) => c.notNull())
    .addColumn('source_product_id', 'text')
    .addColumn('visitor_id', 'text')
    .addColumn('position', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('rec_events_product').on('rec_events').columns(['store_id', 'product_id', 'kind']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['rec_events', 'return_items', 'returns', 'nps_dismissals', 'nps_responses', 'reviews', 'referrals', 'referral_visits', 'referral_codes', 'refunds']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
