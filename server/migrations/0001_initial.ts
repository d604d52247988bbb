import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('stores')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('locale', 'text', (c) => c.notNull())
    .addColumn('origins', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('secrets', 'text', (c) => c.notNull())
    .addColumn('admin_key', 'text', (c) => c.notNull())
    .addColumn('links', 'text', (c) => c.notNull())
    .addColumn('messages', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('program', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('customers')
    .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('customers_pk', ['store_id', 'id'])
    .execute();

  await db.schema
    .createTable('products')
    .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('image', 'text', (c) => c.notNull())
    .addColumn('price', 'integer', (c) => c.notNull())
    .addColumn('in_stock', 'integer', (c) => c.notNull().defaultTo(1))
    .addPrimaryKeyConstraint('products_pk', ['store_id', 'id'])
    .execute();

  await db.schema
    .createTable('orders')
    .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('number', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text')
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('postal_code', 'text')
    .addColumn('phone', 'text')
    .addColumn('total', 'integer', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('orders_pk', ['store_id', 'id'])
    .execute();
  await db.schema.createIndex('orders_store_number').unique().on('orders').columns(['store_id', 'number']).execute();
  await db.schema.createIndex('orders_store_customer').on('orders').columns(['store_id', 'customer_id']).execute();

  await db.schema
    .createTable('order_items')
    .addColumn('store_id', 'text', (c) => c.notNull())
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('product_id', 'text', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('price', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('order_items_pk', ['store_id', 'order_id', 'product_id'])
    .addForeignKeyConstraint('order_items_order', ['store_id', 'order_id'], 'orders', ['store_id', 'id'])
    .execute();
  await db.schema.createIndex('order_items_product').on('order_items').columns(['store_id', 'product_id']).execute();

  await db.schema
    .createTable('points_ledger')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('store_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('points', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text')
    .addColumn('ref', 'text')
    .addColumn('note', 'text')
    .addForeignKeyConstraint('points_ledger_customer', ['store_id', 'customer_id'], 'customers', ['store_id', 'id'])
    .execute();
  // NULL refs never collide (SQL NULL semantics, same on PostgreSQL), so only referenced entries are unique.
  await db.schema
    .createIndex('points_ledger_unique_ref')
    .unique()
    .on('points_ledger')
    .columns(['store_id', 'customer_id', 'kind', 'ref'])
    .execute();
  await db.schema
    .createIndex('points_ledger_customer_time')
    .on('points_ledger')
    .columns(['store_id', 'customer_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('redemptions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('store_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('reward_id', 'text', (c) => c.notNull())
    .addColumn('points', 'integer', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addForeignKeyConstraint('redemptions_customer', ['store_id', 'customer_id'], 'customers', ['store_id', 'id'])
    .execute();
  await db.schema.createIndex('redemptions_customer').on('redemptions').columns(['store_id', 'customer_id']).execute();

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('store_id', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('response_body', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['store_id', 'scope', 'key'])
    .execute();
  await db.schema.createIndex('idempotency_keys_created').on('idempotency_keys').column('created_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['idempotency_keys', 'redemptions', 'points_ledger', 'order_items', 'orders', 'products', 'customers', 'stores']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
