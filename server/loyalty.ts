/**
 * The points ledger: an append-only list of signed entries per customer. Positive entries are
 * "lots" that may expire; spending consumes the oldest live lots first (FIFO); an expired lot's
 * remainder is written off once by an `expire` entry whose `ref` is the lot id (the unique index on
 * (store_id, customer_id, kind, ref) makes that idempotent, even when two readers race).
 */
import type { Kysely, Transaction } from 'kysely';
import type { DB, LedgerKind, PointsLedgerTable } from './db.ts';
import { isSqlite, prepared } from './db.ts';
import type { Program, Member } from '../contract/types.ts';
import { newId } from './ids.ts';

export const EARN_KINDS: readonly LedgerKind[] = ['purchase', 'signup', 'review', 'referral', 'birthday'];
export const DAY_MS = 86_400_000;
export const EXPIRING_WINDOW_DAYS = 60;
export const TIER_WINDOW_DAYS = 365;

export type LedgerRow = Pick<PointsLedgerTable, 'id' | 'kind' | 'points' | 'created_at' | 'expires_at' | 'ref'>;

export interface Lot {
  id: string;
  createdAt: string;
  expiresAt: string | null;
  points: number;
  remaining: number;
}

export interface LedgerState {
  balance: number;
  tierPoints: number;
  lots: Lot[];
  /** Lots past their expiry with points left and no `expire` entry yet. */
  toExpire: Lot[];
  expiring: { points: number; date: string } | null;
}

function byTime(a: LedgerRow, b: LedgerRow): number {
  if (a.created_at !== b.created_at) return a.created_at < b.created_at ? -1 : 1;
  // Credits before debits at the same instant; then by id for a stable order.
  if (a.points > 0 !== b.points > 0) return a.points > 0 ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Replay a customer's ledger (pure: no I/O). */
export function computeState(rows: readonly LedgerRow[], now: Date): LedgerState {
  const nowIso = now.toISOString();
  const sorted = [...rows].sort(byTime);
  const lots: Lot[] = [];
  const lotById = new Map<string, Lot>();
  const expiredRefs = new Set<string>();
  let balance = 0;
  let tierPoints = 0;
  const tierSince = new Date(now.getTime() - TIER_WINDOW_DAYS * DAY_MS).toISOString();

  for (const e of sorted) {
    balance += e.points;
    if (e.points > 0) {
      const lot: Lot = { id: e.id, createdAt: e.created_at, expiresAt: e.expires_at, points: e.points, remaining: e.points };
      lots.push(lot);
      lotById.set(e.id, lot);
      if (EARN_KINDS.includes(e.kind) && e.created_at > tierSince && e.created_at <= nowIso) tierPoints += e.points;
      continue;
    }
    if (e.points === 0) continue;
    if (e.kind === 'expire' && e.ref !== null) {
      expiredRefs.add(e.ref);
      const lot = lotById.get(e.ref);
      if (lot) lot.remaining = Math.max(0, lot.remaining + e.points);
      continue;
    }
    // A debit: consume the oldest lots that were still live at the time of the debit.
    let due = -e.points;
    for (const lot of lots) {
      if (due === 0) break;
      if (lot.remaining === 0) continue;
      if (lot.expiresAt !== null && lot.expiresAt <= e.created_at) continue;
      const take = Math.min(lot.remaining, due);
      lot.remaining -= take;
      due -= take;
    }
  }

  const toExpire = lots.filter((l) => l.remaining > 0 && l.expiresAt !== null && l.expiresAt <= nowIso && !expiredRefs.has(l.id));
  const windowEnd = new Date(now.getTime() + EXPIRING_WINDOW_DAYS * DAY_MS).toISOString();
  let expPoints = 0;
  let expDate: string | null = null;
  for (const l of lots) {
    if (l.remaining > 0 && l.expiresAt !== null && l.expiresAt > nowIso && l.expiresAt <= windowEnd) {
      expPoints += l.remaining;
      if (expDate === null || l.expiresAt < expDate) expDate = l.expiresAt;
    }
  }
  return {
    balance,
    tierPoints,
    lots,
    toExpire,
    expiring: expPoints > 0 && expDate !== null ? { points: expPoints, date: expDate } : null,
  };
}

export function tierFor(program: Program, tierPoints: number): { tier: string; nextTier: string | null } {
  const tiers = [...program.tiers].sort((a, b) => a.threshold - b.threshold);
  let current = tiers[0];
  let next: (typeof tiers)[number] | undefined;
  for (const t of tiers) {
    if (t.threshold <= tierPoints) current = t;
    else {
      next = t;
      break;
    }
  }
  return { tier: current?.id ?? '', nextTier: next?.id ?? null };
}

type Db = Kysely<DB> | Transaction<DB>;

const ledgerRows = prepared((db, a: { store: string; customer: string }) =>
  db.selectFrom('points_ledger').select(['id', 'kind', 'points', 'created_at', 'expires_at', 'ref']).where('store_id', '=', a.store).where('customer_id', '=', a.customer),
);

export async function loadLedger(db: Db, storeId: string, customerId: string): Promise<LedgerRow[]> {
  return ledgerRows(db, { store: storeId, customer: customerId });
}

/** Lock the customer row for the rest of the transaction (PostgreSQL); SQLite serialises transactions already. */
export async function lockCustomer(trx: Transaction<DB>, storeId: string, customerId: string): Promise<void> {
  if (isSqlite(trx)) return;
  await trx.selectFrom('customers').select('id').where('store_id', '=', storeId).where('id', '=', customerId).forUpdate().execute();
}

/** Write the `expire` entries a state asks for; a concurrent writer's entry wins (no duplicate). */
export async function writeExpiries(db: Db, storeId: string, customerId: string, lots: readonly Lot[]): Promise<void> {
  if (lots.length === 0) return;
  await db
    .insertInto('points_ledger')
    .values(
      lots.map((l) => ({
        id: newId('led'),
        store_id: storeId,
        customer_id: customerId,
        kind: 'expire' as const,
        points: -l.remaining,
        // Dated when the lot expired, so the ledger reads chronologically.
        created_at: l.expiresAt!,
        expires_at: null,
        ref: l.id,
        note: null,
      })),
    )
    .onConflict((oc) => oc.columns(['store_id', 'customer_id', 'kind', 'ref']).doNothing())
    .execute();
}

/** Read the ledger state, settling expired lots first (lazily, once). */
export async function settledState(db: Kysely<DB>, storeId: string, customerId: string, now: Date): Promise<LedgerState> {
  const state = computeState(await loadLedger(db, storeId, customerId), now);
  if (state.toExpire.length === 0) return state;
  return db.transaction().execute(async (trx) => {
    await lockCustomer(trx, storeId, customerId);
    return settleInTransaction(trx, storeId, customerId, now);
  });
}

/** Inside a transaction (customer locked): settle expiry and return the fresh state. */
export async function settleInTransaction(trx: Transaction<DB>, storeId: string, customerId: string, now: Date): Promise<LedgerState> {
  let state = computeState(await loadLedger(trx, storeId, customerId), now);
  if (state.toExpire.length > 0) {
    await writeExpiries(trx, storeId, customerId, state.toExpire);
    state = computeState(await loadLedger(trx, storeId, customerId), now);
  }
  return state;
}

export function memberOf(program: Program, customer: { id: string; name: string }, state: LedgerState): Member {
  const { tier, nextTier } = tierFor(program, state.tierPoints);
  return {
    id: customer.id,
    name: customer.name,
    balance: Math.max(0, state.balance),
    tierPoints: Math.max(0, state.tierPoints),
    tier,
    nextTier,
    expiring: state.expiring,
  };
}

/** Make sure a customer row exists for a verified token subject (the merchant vouches for it). */
const customerRow = prepared((db, a: { store: string; customer: string }) =>
  db.selectFrom('customers').select(['id', 'name']).where('store_id', '=', a.store).where('id', '=', a.customer),
);

export async function ensureCustomer(db: Kysely<DB>, storeId: string, customerId: string, now: Date): Promise<{ id: string; name: string }> {
  const [row] = await customerRow(db, { store: storeId, customer: customerId });
  if (row) return row;
  await db
    .insertInto('customers')
    .values({ store_id: storeId, id: customerId, name: '', email: null, created_at: now.toISOString() })
    .onConflict((oc) => oc.columns(['store_id', 'id']).doNothing())
    .execute();
  return { id: customerId, name: '' };
}
