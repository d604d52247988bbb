/**
 * Database access: one Kysely query layer over two engines.
 * - SQLite (better-sqlite3), the embedded default: a file, or `:memory:`.
 * - PostgreSQL (node-postgres pool) when the target is a `postgres://` / `postgresql://` URL
 *   (the server passes `DATABASE_URL`), so several server processes can share one database.
 *
 * Portability rules (the same code runs on both):
 * - queries go through the Kysely query builder; engine-specific SQL only behind `isSqlite()`;
 * - timestamps are ISO-8601 strings (UTC, `Date#toISOString()`), money is integer minor units,
 *   booleans are integers (0/1), JSON is stored as text;
 * - aggregates (`count`, `sum`) come back as strings from PostgreSQL: wrap them in `Number()`;
 * - a read-then-write on a customer's balance locks the customer row first (`lockCustomer`);
 *   uniqueness (idempotency keys, one review per order item, ledger refs) is enforced by unique
 *   indexes with `onConflict(...).doNothing()`, never by a read followed by an insert.
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { CompiledQuery, Kysely, PostgresDialect, SqliteDialect, SqliteAdapter, type Compilable, type Generated, type Selectable, type SqliteDatabase, type SqliteStatement } from 'kysely';

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
  /** JSON: per-domain settings (referrals, NPS, returns, recommendations); see server/settings.ts. */
  settings: Generated<string>;
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
  /** 0 | 1: cannot be returned */
  final_sale: Generated<number>;
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
  status: Generated<OrderStatus>;
  /** minor units refunded so far */
  refunded_total: Generated<number>;
  /** sha256 of the canonical webhook payload that created it (replays compare against it) */
  payload_hash: Generated<string | null>;
  /** referral code the merchant passed with the order (attribution) */
  referral_code: Generated<string | null>;
  /** the anonymous visitor id the storefront passed with the order (attribution of a visit) */
  visitor_id: Generated<string | null>;
  updated_at: Generated<string | null>;
}

export type OrderStatus = 'paid' | 'partially_refunded' | 'refunded' | 'cancelled';

export interface OrderItemsTable {
  store_id: string;
  order_id: string;
  product_id: string;
  quantity: number;
  /** unit price, minor units */
  price: number;
  /** title at the time of the order */
  title: string | null;
  /** 0 | 1 */
  final_sale: Generated<number>;
}

export interface RefundsTable {
  store_id: string;
  /** the merchant's refund id (idempotent) */
  id: string;
  order_id: string;
  amount: number;
  /** points reversed (positive number; the ledger entry is negative) */
  points: number;
  /** the merchant's note (never shown to the shopper) */
  reason: string | null;
  created_at: string;
}

export interface ReferralCodesTable {
  store_id: string;
  customer_id: string;
  code: string;
  created_at: string;
}

export interface ReferralVisitsTable {
  id: string;
  store_id: string;
  code: string;
  referrer_id: string;
  visitor_id: string | null;
  /** salted hash of the source (IP) for abuse limits; never the raw address */
  source: string;
  /** the one-time discount code offered to the friend on this visit */
  offer_code: string | null;
  created_at: string;
  expires_at: string;
}

export interface ReferralsTable {
  id: string;
  store_id: string;
  referrer_id: string;
  code: string;
  visit_id: string | null;
  order_id: string;
  friend_customer_id: string | null;
  friend_email: string;
  status: 'rewarded' | 'rejected';
  /** why a referral earned nothing: self_referral, existing_customer, abuse, below_minimum, expired, ... */
  reason: string | null;
  referrer_points: number;
  friend_points: number;
  created_at: string;
}

export interface ReviewsTable {
  id: string;
  store_id: string;
  product_id: string;
  order_id: string;
  customer_id: string | null;
  rating: number;
  title: string | null;
  body: string | null;
  author: string | null;
  locale: string | null;
  /** 0 | 1 */
  verified: number;
  points: number;
  created_at: string;
}

export interface NpsResponsesTable {
  id: string;
  store_id: string;
  /** `c:<customer id>` or `v:<anonymous visitor id>` */
  subject: string;
  customer_id: string | null;
  /** the browser's visitor id also when a customer answered, so that browser stays quiet signed out too */
  visitor_id: string | null;
  score: number;
  category: 'detractor' | 'passive' | 'promoter';
  comment: string | null;
  locale: string | null;
  created_at: string;
}

export interface NpsDismissalsTable {
  id: string;
  store_id: string;
  subject: string;
  /** as in nps_responses */
  visitor_id: string | null;
  created_at: string;
}

export interface ReturnsTable {
  id: string;
  store_id: string;
  number: string;
  order_id: string;
  status: string;
  resolution: 'refund' | 'exchange' | 'store_credit';
  reason: string;
  comment: string | null;
  label_url: string;
  created_at: string;
}

export interface ReturnItemsTable {
  return_id: string;
  product_id: string;
  quantity: number;
}

export interface RecEventsTable {
  id: string;
  store_id: string;
  kind: 'impression' | 'click';
  product_id: string;
  source_product_id: string | null;
  visitor_id: string | null;
  position: number | null;
  created_at: string;
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
  refunds: RefundsTable;
  referral_codes: ReferralCodesTable;
  referral_visits: ReferralVisitsTable;
  referrals: ReferralsTable;
  reviews: ReviewsTable;
  nps_responses: NpsResponsesTable;
  nps_dismissals: NpsDismissalsTable;
  returns: ReturnsTable;
  return_items: ReturnItemsTable;
  rec_events: RecEventsTable;
}

export type Database = Kysely<DB>;

/** Rows as read (defaulted columns filled in). */
export type StoreRow = Selectable<StoresTable>;
export type OrderRow = Selectable<OrdersTable>;
export type OrderItemRow = Selectable<OrderItemsTable>;

// Columns added with a default in migration 0002 are `Generated`: optional on insert, never null on read.
export type { Generated };

export function isPostgresUrl(target: string): boolean {
  return /^postgres(ql)?:\/\//i.test(target);
}

export interface PostgresOptions {
  /** Pool size per process (default 10). */
  max?: number;
  /** A schema to create (if missing) and use as the search path: isolates test runs in one database. */
  schema?: string;
}

/**
 * Open a database: a `postgres://` URL opens a PostgreSQL pool; anything else is an SQLite file
 * (created with its folder), or `:memory:` for a private in-memory one.
 */
export function openDatabase(target: string, pgOptions: PostgresOptions = {}): Database {
  if (isPostgresUrl(target)) return openPostgres(target, pgOptions);
  const file = target;
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const sqlite = new SQLite(file);
  if (file !== ':memory:') {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
  }
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  return new Kysely<DB>({ dialect: new SqliteDialect({ database: cachingStatements(sqlite) }) });
}

/** Prepared statements kept per SQL text (the oldest is dropped beyond this many). */
export const STATEMENT_CACHE_MAX = 500;

/**
 * better-sqlite3 behind Kysely's SQLite driver, which prepares every query anew (compiling the SQL
 * took about a sixth of the server's CPU under load): statements are prepared once per SQL text and
 * reused. The driver runs one query at a time and `all`/`run` finish synchronously, so a cached
 * statement is never busy; `iterate` (streaming, which keeps a statement busy) gets a fresh one.
 * SQLite re-prepares a statement by itself when the schema changes.
 */
export function cachingStatements(sqlite: SQLite.Database, max = STATEMENT_CACHE_MAX): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => {
      cache.clear();
      sqlite.close();
    },
    prepare: (text: string): SqliteStatement => {
      let stmt = cache.get(text);
      if (stmt === undefined) {
        stmt = sqlite.prepare(text);
        if (cache.size >= max) cache.delete(cache.keys().next().value!);
        cache.set(text, stmt);
      }
      const s = stmt;
      return {
        reader: s.reader,
        all: (parameters) => s.all(parameters),
        run: (parameters) => s.run(parameters),
        iterate: (parameters) => sqlite.prepare(text).iterate(parameters),
      };
    },
  };
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

function openPostgres(url: string, { max = 10, schema }: PostgresOptions): Database {
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) throw new Error(`Invalid schema name: ${schema}`);
  const pool = new pg.Pool({
    connectionString: url,
    max,
    // Every connection of the pool works in the schema (created on first connect).
    ...(schema !== undefined && { options: `-c search_path=${schema}` }),
  });
  let ready: Promise<void> | undefined;
  const ensureSchema = async (): Promise<void> => {
    if (schema === undefined) return;
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    } catch (err) {
      // Two processes creating the same schema at once: the loser sees a unique violation.
      if ((err as { code?: string }).code !== '23505') throw err;
    } finally {
      await client.end();
    }
  };
  const named = namedStatements();
  return new Kysely<DB>({
    dialect: new PostgresDialect({
      pool: async () => {
        ready ??= ensureSchema();
        await ready;
        return { connect: async () => named(await pool.connect()), end: () => pool.end() };
      },
    }),
  });
}

/**
 * Kysely's PostgreSQL driver sends every query unnamed, so the server parses and plans it again
 * each time (the session read is nine queries). Named, a statement is parsed once per connection
 * and then only bound and run. Names come from the SQL text; a query shape that varies with its
 * input (an `in` list's length) makes a statement per length, and a connection's statements go
 * with it when the pool closes it after 10 s idle.
 */
function namedStatements(): (client: pg.PoolClient) => pg.PoolClient {
  const names = new Map<string, string>();
  const nameOf = (text: string): string => {
    let name = names.get(text);
    if (name === undefined) {
      name = `k${createHash('sha1').update(text).digest('base64url')}`;
      if (names.size >= STATEMENT_CACHE_MAX) names.delete(names.keys().next().value!);
      names.set(text, name);
    }
    return name;
  };
  const wrapped = new WeakSet<pg.PoolClient>();
  return (client) => {
    if (wrapped.has(client)) return client;
    wrapped.add(client);
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    client.query = ((text: unknown, values?: unknown) =>
      typeof text === 'string' && Array.isArray(values) ? query({ name: nameOf(text), text, values }) : query(text, values)) as typeof client.query;
    return client;
  };
}

/** Drop a test schema (PostgreSQL only). */
export async function dropPostgresSchema(url: string, schema: string): Promise<void> {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`Invalid schema name: ${schema}`);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

/** Values a prepared query takes by name: each is bound as one parameter. */
export type QueryArgs = Record<string, string | number | null>;

/** A prepared query: run it on a database or in a transaction with this call's values. */
export type PreparedQuery<A extends QueryArgs, R> = (db: Kysely<DB>, args: A) => Promise<R[]>;

const PLACEHOLDER = /^\u0000arg:(.+)\u0000$/;

/**
 * A read built with Kysely once per engine and then run with new values. Kysely builds and
 * compiles every query on every call: on the session read (nine queries) building and compiling
 * took about a third of the server's CPU under load. Prepared, the read is answered at about
 * 1,300 requests/s instead of 750 on SQLite, and that headroom is what drains a backlog after a
 * pause (SPEC §5, p99 at 500 requests/s).
 *
 * `build` receives stand-ins for its arguments and must use each only as a whole value (a `where`
 * operand, an inserted value), never compute with it or branch on it: a query whose shape depends
 * on its input needs one prepared query per shape. Both rules are checked when it compiles.
 * Plugins see the query once, at that compile (`transformQuery`), and every result
 * (`transformResult`); the SQL is kept per engine, so a plugin must not change the SQL text.
 */
export function prepared<A extends QueryArgs, R>(build: (db: Kysely<DB>, args: A) => Compilable<R>): PreparedQuery<A, R> {
  const byEngine = new Map<boolean, { sql: string; slots: ({ arg: string } | { value: unknown })[] }>();
  const compile = (db: Kysely<DB>) => {
    const standIns = new Proxy({} as A, { get: (_, key) => `\u0000arg:${String(key)}\u0000` });
    const { sql, parameters } = build(db, standIns).compile();
    if (sql.includes('\u0000')) throw new Error(`prepared(): an argument was written into the SQL text: ${sql}`);
    const slots = parameters.map((value) => {
      if (typeof value !== 'string' || !value.includes('\u0000')) return { value };
      const arg = PLACEHOLDER.exec(value)?.[1];
      if (arg === undefined) throw new Error(`prepared(): an argument was computed with, not bound as a value: ${JSON.stringify(value)}`);
      return { arg };
    });
    return { sql, slots };
  };
  return async (db, args) => {
    const sqlite = isSqlite(db);
    let query = byEngine.get(sqlite);
    if (query === undefined) byEngine.set(sqlite, (query = compile(db)));
    const parameters = query.slots.map((slot) => ('arg' in slot ? args[slot.arg] : slot.value));
    const { rows } = await db.executeQuery<R>(CompiledQuery.raw(query.sql, parameters));
    return rows;
  };
}

/** True when the database runs on SQLite (one serialised connection). */
export function isSqlite(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof SqliteAdapter;
}
