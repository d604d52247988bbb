/** Shared fixtures for the server tests (not a test file itself). */
import { buildApp, type BuildAppOptions } from '../../server/app.ts';
import { dropPostgresSchema, openDatabase, type Database, type LedgerKind } from '../../server/db.ts';
import { migrate } from '../../server/migrations/index.ts';
import { createStore } from '../../server/stores.ts';
import { mintCustomerToken } from '../../server/auth.ts';
import type { Program } from '../../contract/types.ts';

export const NOW = new Date('2026-06-01T00:00:00.000Z');
export const DAY = 86_400_000;
export const STORE = 'tea-test';
export const SECRET = 'secret-current-0123456789';
export const OLD_SECRET = 'secret-previous-0123456789';
export const RETIRED_SECRET = 'secret-retired-0123456789';
export const ORIGIN = 'https://shop.test';

export const PROGRAM: Program = {
  welcomePoints: 500,
  earn: [
    { kind: 'purchase', points: 1, per: 100 },
    { kind: 'signup', points: 500 },
  ],
  tiers: [
    { id: 'bronze', name: 'Bronze', threshold: 0, perks: [] },
    { id: 'silver', name: 'Silver', threshold: 1000, perks: ['Free shipping'] },
    { id: 'gold', name: 'Gold', threshold: 5000, perks: ['Gifts'] },
  ],
  rewards: [
    { id: 'r-100', name: '¥100 off', kind: 'amount_off', value: 100, cost: 100 },
    { id: 'r-big', name: 'Big', kind: 'percent_off', value: 50, cost: 100000 },
  ],
  expiryDays: 365,
};

export const daysFromNow = (d: number): string => new Date(NOW.getTime() + d * DAY).toISOString();

/**
 * The database the suite runs on: SQLite in memory by default; PostgreSQL when TEST_DATABASE_URL is
 * set (`npm run test:server:pg`), each test database in a fresh schema that is dropped on destroy.
 */
export const PG_URL = process.env.TEST_DATABASE_URL || undefined;
export const ENGINE: 'sqlite' | 'postgres' = PG_URL ? 'postgres' : 'sqlite';

let schemaSeq = 0;
export function freshDatabase(): { db: Database; schema?: string } {
  if (!PG_URL) return { db: openDatabase(':memory:') };
  const schema = `t_${process.pid}_${++schemaSeq}_${Math.random().toString(36).slice(2, 8)}`;
  const db = openDatabase(PG_URL, { schema, max: 10 });
  const destroy = db.destroy.bind(db);
  db.destroy = async () => {
    await destroy();
    await dropPostgresSchema(PG_URL, schema);
  };
  return { db, schema };
}

/** A migrated database with the test store (SQLite in memory, or a fresh PostgreSQL schema). */
export async function makeDb(): Promise<Database> {
  const { db } = freshDatabase();
  await migrate(db);
  await createStore(db, {
    id: STORE,
    name: 'Tea Test',
    currency: 'JPY',
    locale: 'ja',
    origins: [ORIGIN],
    secrets: [SECRET, OLD_SECRET],
    adminKey: 'admin',
    links: { signIn: '/in', join: '/join' },
    messages: { ja: { 'points.balance': 'スター' } },
    program: PROGRAM,
    createdAt: NOW.toISOString(),
  });
  return db;
}

export async function makeApp(db: Database, extra: Partial<BuildAppOptions> = {}) {
  return buildApp({ db, now: () => NOW, rateLimit: false, ...extra });
}

export async function addCustomer(db: Database, id: string, name = 'Test Customer'): Promise<void> {
  await db.insertInto('customers').values({ store_id: STORE, id, name, email: `${id}@example.com`, created_at: daysFromNow(-500) }).execute();
}

let seq = 0;
export async function addEntry(
  db: Database,
  customerId: string,
  kind: LedgerKind,
  points: number,
  createdDaysAgo: number,
  expiresInDays: number | null = null,
  ref: string | null = null,
): Promise<string> {
  const id = `led_fixture_${String(++seq).padStart(4, '0')}`;
  await db
    .insertInto('points_ledger')
    .values({
      id,
      store_id: STORE,
      customer_id: customerId,
      kind,
      points,
      created_at: daysFromNow(-createdDaysAgo),
      expires_at: expiresInDays === null ? null : daysFromNow(expiresInDays),
      ref,
      note: null,
    })
    .execute();
  return id;
}

export async function ledgerSum(db: Database, customerId: string): Promise<number> {
  const rows = await db.selectFrom('points_ledger').select('points').where('store_id', '=', STORE).where('customer_id', '=', customerId).execute();
  return rows.reduce((s, r) => s + r.points, 0);
}

export function token(customerId: string, opts: { secret?: string; store?: string; ttlSeconds?: number; now?: Date } = {}): Promise<string> {
  return mintCustomerToken({
    store: opts.store ?? STORE,
    secret: opts.secret ?? SECRET,
    customerId,
    ttlSeconds: opts.ttlSeconds ?? 3600,
    now: opts.now ?? NOW,
  });
}

export const bearer = async (customerId: string, opts?: Parameters<typeof token>[1]) => ({
  authorization: `Bearer ${await token(customerId, opts)}`,
});
