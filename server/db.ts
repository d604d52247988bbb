/**
 * Database access: Kysely over better-sqlite3 (the embedded default).
 *
 * Portability rules (so a PostgreSQL dialect can drop in later):
 * - queries go through the Kysely query builder; no SQLite-only SQL outside `isSqlite()` guards;
 * - timestamps are ISO-8601 strings (UTC, `Date#toISOString()`), money is integer minor units,
 *   booleans are integers (0/1), JSON is stored as text.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, SqliteAdapter, type Generated } from 'kysely';

export interface StoresTable {
  id: string;
  name: string;
  currency: string;
  locale: string;
  /** JSON: string[] of allowed browser origins. */
  origins: string;
  /** JSON: string[]; the first mints tokens, all verify (rotation). */
  secrets: string;
  admin_key: string;
  /** JSON: { signIn, join } */
  links: string;
  /** JSON: { [locale]: { [key]: text } } */
  messages: string;
  /** JSON: contract Program */
  program: string;
  created_at: string;
}

export interface CustomersTable {
  store_id: string;
  id: string;
  name: string;
  email: string | null;
  created_at: string;
}

export interface ProductsTable {
  store_id: string;
  id: string;
  title: string;
  url: string;
  image: string;
  /** minor units */
  price: number;
  /** 0 | 1 */
  in_stock: number;
}

export interface OrdersTable {
  store_id: string;
  id: string;
  number: string;
  customer_id: string | null;
  email: string;
  postal_code: string | null;
  phone: string | null;
  /** minor units */
  total: number;
  currency: string;
  created_at: string;
}

export interface OrderItemsTable {
  order_id: string;
  product_id: string;
  quantity: number;
  /** unit price, minor units */
  price: number;
}

export type LedgerKind =
  | 'signup'
  | 'purchase'
  | 'review'
  | 'referral'
  | 'birthday'
  | 'redeem'
  | 'expire'
  | 'adjust'
  | 'refund';

export interface PointsLedgerTable {
  id: string;
  store_id: string;
  customer_id: string;
  kind: LedgerKind;
  /** signed */
  points: number;
  created_at: string;
  expires_at: string | null;
  ref: string | null;
  note: string | null;
}

export interface RedemptionsTable {
  id: string;
  store_id: string;
  customer_id: string;
  reward_id: string;
  points: number;
  code: string;
  created_at: string;
}

export interface IdempotencyKeysTable {
  store_id: string;
  scope: string;
  key: string;
  request_hash: string;
  state: 'running' | 'done';
  status_code: number | null;
  response_body: string | null;
  created_at: string;
}

export interface DB {
  stores: StoresTable;
  customers: CustomersTable;
  products: ProductsTable;
  orders: OrdersTable;
  order_items: OrderItemsTable;
  points_ledger: PointsLedgerTable;
  redemptions: RedemptionsTable;
  idempotency_keys: IdempotencyKeysTable;
}

export type Database = Kysely<DB>;

// Keep `Generated` importable for future tables with generated columns.
export type { Generated };

/** Open (and create) an embedded SQLite database. `:memory:` gives a private in-memory one. */
export function openDatabase(file: string | ':memory:'): Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const sqlite = new SQLite(file);
  if (file !== ':memory:') {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
  }
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  return new Kysely<DB>({ dialect: new SqliteDialect({ database: sqlite }) });
}

/** True when the database runs on SQLite (one serialised connection). */
export function isSqlite(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof SqliteAdapter;
}
