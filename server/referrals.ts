/**
 * Referrals (SPEC §2 referral share, §3): one code per customer, visits with `?ref=CODE` attributed
 * for the store's window, the referrer's stats, and the settlement of the double-sided reward when a
 * referred friend's order is ingested. Settlement runs inside the order's transaction
 * (server/orders.ts), which writes the points this module decides.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { prepared, type DB, type ReferralVisitsTable } from './db.ts';
import type { Store } from './stores.ts';
import type { ReferralInfo, ReferralOutcome, ReferralVisit, ReferralVisitRequest } from '../contract/types.ts';
import { ApiError } from './problem.ts';
import { newDiscountCode, newId } from './ids.ts';
import { DAY_MS } from './loyalty.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** Unambiguous symbols (no 0/O, 1/I), 32 of them, so `byte & 31` is unbiased. */
const CODE_SYMBOLS = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const CODE_ATTEMPTS = 8;

function randomSymbols(length: number): string {
  let out = '';
  for (const b of randomBytes(length)) out += CODE_SYMBOLS[b & 31];
  return out;
}

/** The first word of a name ("Hana Sato" → "Hana"); what a friend sees of the referrer. */
function firstName(name: string): string {
  return name.trim().split(/\s+/)[0] ?? '';
}

/**
 * A readable code: the first name's Latin letters and four random symbols (HANA-7K2Q), or eight
 * random symbols when the name has none; later attempts (after collisions) are fully random.
 */
export function newReferralCode(name: string, attempt = 0): string {
  const letters = firstName(name)
    .normalize('NFD')
    .toUpperCase()
    .replace(/[^A-Z]/g, '')
    .slice(0, 8);
  return letters.length >= 2 && attempt < 3 ? `${letters}-${randomSymbols(4)}` : randomSymbols(8);
}

/**
 * The customer's code, created on first use. Concurrent first calls converge on one code: the
 * primary key (store, customer) lets one insert win, and a clash with another customer's code
 * (unique (store, code)) is retried with a new code.
 */
const codeRow = prepared((db, a: { store: string; customer: string }) =>
  db.selectFrom('referral_codes').select('code').where('store_id', '=', a.store).where('customer_id', '=', a.customer),
);

async function referralCodeFor(db: Kysely<DB>, storeId: string, customer: { id: string; name: string }, at: Date): Promise<string> {
  for (let attempt = 0; attempt < CODE_ATTEMPTS; attempt++) {
    const [row] = await codeRow(db, { store: storeId, customer: customer.id });
    if (row) return row.code;
    await db
      .insertInto('referral_codes')
      .values({ store_id: storeId, customer_id: customer.id, code: newReferralCode(customer.name, attempt), created_at: at.toISOString() })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  throw new Error('No free referral code after several attempts');
}

/** The share link: the landing page with ?ref=CODE (absolute when the landing URL is). */
function referralUrl(landingUrl: string, code: string): string {
  const absolute = /^([a-z][a-z0-9+.-]*:|\/\/)/i.test(landingUrl);
  const url = new URL(landingUrl, 'https://landing.invalid');
  url.searchParams.set('ref', code);
  return absolute ? url.toString() : `${url.pathname}${url.search}${url.hash}`;
}

/** The visit's source for abuse limits: an HMAC of the client IP keyed by the store secret, never the IP. */
function sourceHash(store: Store, ip: string): string {
  return createHmac('sha256', store.secrets[0] ?? store.id).update(ip).digest('hex');
}

/** The referrer's four numbers in one statement (scalar subqueries). */
const referralStats = prepared((db, a: { store: string; customer: string; now: string }) =>
  db
    .selectNoFrom((eb) => [
      eb
        .selectFrom('referral_visits')
        .select((e) => e.fn.count<string | number>('visitor_id').distinct().as('n'))
        .where('store_id', '=', a.store)
        .where('referrer_id', '=', a.customer)
        .as('visits'),
      eb
        .selectFrom('referral_visits as v')
        .select((e) => e.fn.count<string | number>('v.visitor_id').distinct().as('n'))
        .where('v.store_id', '=', a.store)
        .where('v.referrer_id', '=', a.customer)
        .where('v.expires_at', '>', a.now)
        .where((e) =>
          e.not(
            e.exists(
              e
                .selectFrom('orders as o')
                .select('o.id')
                .whereRef('o.store_id', '=', 'v.store_id')
                .whereRef('o.visitor_id', '=', 'v.visitor_id'),
            ),
          ),
        )
        .as('pending'),
      eb
        .selectFrom('referrals')
        .select((e) => e.fn.countAll<string | number>().as('n'))
        .where('store_id', '=', a.store)
        .where('referrer_id', '=', a.customer)
        .where('status', '=', 'rewarded')
        .as('friends'),
      // Only the referrer's side: a customer who was once referred also has a friend-side 'referral' entry.
      eb
        .selectFrom('points_ledger')
        .select((e) => e.fn.sum<string | number | null>('points').as('n'))
        .where('store_id', '=', a.store)
        .where('customer_id', '=', a.customer)
        .where('kind', '=', 'referral')
        .where('ref', 'in', (e) =>
          e.selectFrom('referrals').select('order_id').where('store_id', '=', a.store).where('referrer_id', '=', a.customer),
        )
        .as('points'),
    ]),
);

/** GET referrals/me: the code, the link, both rewards and the stats. */
export async function referralInfo(db: Kysely<DB>, store: Store, customer: { id: string; name: string }, at: Date): Promise<ReferralInfo> {
  const s = store.settings.referral;
  const code = await referralCodeFor(db, store.id, customer, at);
  // This runs on every signed-in page's session read.
  const [stats] = await referralStats(db, { store: store.id, customer: customer.id, now: at.toISOString() });
  return {
    code,
    url: referralUrl(s.landingUrl, code),
    referrerReward: { points: s.referrerPoints },
    friendReward: { kind: s.friendReward.kind, value: s.friendReward.value, currency: store.currency },
    stats: {
      visits: Number(stats?.visits ?? 0),
      friends: Number(stats?.friends ?? 0),
      pending: Number(stats?.pending ?? 0),
      pointsEarned: Math.max(0, Number(stats?.points ?? 0)),
    },
  };
}

/**
 * POST referrals/visits: record a friend's arrival with ?ref=CODE. A visitor who already has a
 * visit for this code inside its window gets that visit (and its offer code) back, not a new one.
 */
export async function recordVisit(
  db: Kysely<DB>,
  store: Store,
  input: ReferralVisitRequest,
  customerId: string | undefined,
  ip: string,
  at: Date,
): Promise<{ visit: ReferralVisit; created: boolean }> {
  const code = input.code.toUpperCase();
  const owner = await db
    .selectFrom('referral_codes as rc')
    .innerJoin('customers as c', (j) => j.onRef('c.store_id', '=', 'rc.store_id').onRef('c.id', '=', 'rc.customer_id'))
    .select(['rc.customer_id', 'c.name'])
    .where('rc.store_id', '=', store.id)
    .where('rc.code', '=', code)
    .executeTakeFirst();
  if (!owner) throw new ApiError(404, 'referral_code_not_found', { field: '/code' });
  if (customerId === owner.customer_id) throw new ApiError(409, 'self_referral', { detail: 'This is your own referral link: share it with friends.' });

  const s = store.settings.referral;
  const existing = await db
    .selectFrom('referral_visits')
    .selectAll()
    .where('store_id', '=', store.id)
    .where('code', '=', code)
    .where('visitor_id', '=', input.visitorId)
    .where('expires_at', '>', at.toISOString())
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  let row: ReferralVisitsTable;
  if (existing) {
    row = existing;
  } else {
    row = {
      id: newId('vis'),
      store_id: store.id,
      code,
      referrer_id: owner.customer_id,
      visitor_id: input.visitorId,
      source: sourceHash(store, ip),
      offer_code: newDiscountCode(),
      created_at: at.toISOString(),
      expires_at: new Date(at.getTime() + s.windowDays * DAY_MS).toISOString(),
    };
    await db.insertInto('referral_visits').values(row).execute();
  }
  return {
    created: !existing,
    visit: {
      visitId: row.id,
      expiresAt: row.expires_at,
      offer: { kind: s.friendReward.kind, value: s.friendReward.value, currency: store.currency, code: row.offer_code ?? '' },
      referrerName: firstName(owner.name),
    },
  };
}

/** Who an order's referral points at. */
export interface Attribution {
  referrerId: string;
  code: string;
  /** The friend's visit (for the source limit and the window), when one is known. */
  visit: ReferralVisitsTable | null;
  /** Attributed through a visit whose window had closed when the order was placed. */
  expired: boolean;
}

/** A referral that points at nobody: a code no customer has, or a visitor id with no visit. */
export type Unattributed = 'unknown_code' | 'no_visit';

/**
 * Attribute an order: by the referral code it carries, else by the visitor's latest visit. With a
 * code the window does not apply (the friend typed or kept the code); the visit, if any, still
 * names the source.
 */
export async function attributeReferral(trx: Db, storeId: string, claim: { code?: string; visitorId?: string }, placedAt: string): Promise<Attribution | Unattributed> {
  const latestVisit = (code: string | undefined, visitorId: string) =>
    trx
      .selectFrom('referral_visits')
      .selectAll()
      .where('store_id', '=', storeId)
      .where('visitor_id', '=', visitorId)
      .$if(code !== undefined, (q) => q.where('code', '=', code!))
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .executeTakeFirst();
  if (claim.code !== undefined) {
    const code = claim.code.toUpperCase();
    const owner = await trx.selectFrom('referral_codes').select('customer_id').where('store_id', '=', storeId).where('code', '=', code).executeTakeFirst();
    if (owner) {
      const visit = claim.visitorId === undefined ? null : ((await latestVisit(code, claim.visitorId)) ?? null);
      return { referrerId: owner.customer_id, code, visit, expired: false };
    }
  }
  if (claim.visitorId !== undefined) {
    const visit = await latestVisit(undefined, claim.visitorId);
    if (visit) return { referrerId: visit.referrer_id, code: visit.code, visit, expired: visit.expires_at <= placedAt };
  }
  return claim.code !== undefined ? 'unknown_code' : 'no_visit';
}

export interface ReferredOrder {
  id: string;
  customerId: string | null;
  email: string;
  total: number;
  /** ISO time the order was placed. */
  createdAt: string;
}

export interface Settlement {
  outcome: ReferralOutcome;
  /** Points the caller credits (ledger kind 'referral', ref = the order id). */
  credits: { customerId: string; points: number; note: string }[];
}

type RejectReason = NonNullable<ReferralOutcome['reason']>;

async function rejection(trx: Transaction<DB>, store: Store, a: Attribution, order: ReferredOrder, at: Date): Promise<RejectReason | null> {
  const s = store.settings.referral;
  const friendEmail = order.email.toLowerCase();
  if (order.customerId === a.referrerId) return 'self_referral';
  const referrer = await trx.selectFrom('customers').select('email').where('store_id', '=', store.id).where('id', '=', a.referrerId).executeTakeFirst();
  if (referrer?.email?.toLowerCase() === friendEmail) return 'self_referral';
  const referrersOwnOrder = await trx
    .selectFrom('orders')
    .select('id')
    .where('store_id', '=', store.id)
    .where('customer_id', '=', a.referrerId)
    .where((eb) => eb(eb.fn('lower', ['email']), '=', friendEmail))
    .limit(1)
    .executeTakeFirst();
  if (referrersOwnOrder) return 'self_referral';

  const earlier = await trx
    .selectFrom('orders')
    .select('id')
    .where('store_id', '=', store.id)
    .where('id', '!=', order.id)
    .where('created_at', '<', order.createdAt)
    .where((eb) =>
      eb.or([eb(eb.fn('lower', ['email']), '=', friendEmail), ...(order.customerId === null ? [] : [eb('customer_id', '=', order.customerId)])]),
    )
    .limit(1)
    .executeTakeFirst();
  if (earlier) return 'existing_customer';
  if (a.expired) return 'expired';
  if (order.total < s.minOrderTotal) return 'below_minimum';

  // One reward per friend, whoever referred them.
  const rewardedBefore = await trx
    .selectFrom('referrals')
    .select('id')
    .where('store_id', '=', store.id)
    .where('status', '=', 'rewarded')
    .where((eb) => eb.or([eb('friend_email', '=', friendEmail), ...(order.customerId === null ? [] : [eb('friend_customer_id', '=', order.customerId)])]))
    .limit(1)
    .executeTakeFirst();
  if (rewardedBefore) return 'abuse';
  if (a.visit) {
    const since = new Date(at.getTime() - s.windowDays * DAY_MS).toISOString();
    const fromSource = await trx
      .selectFrom('referrals as r')
      .innerJoin('referral_visits as v', 'v.id', 'r.visit_id')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('r.store_id', '=', store.id)
      .where('r.status', '=', 'rewarded')
      .where('r.created_at', '>', since)
      .where('v.source', '=', a.visit.source)
      .executeTakeFirst();
    if (Number(fromSource?.n ?? 0) >= s.maxRewardsPerSource) return 'abuse';
  }
  return null;
}

/**
 * Decide an attributed order's referral and record it (once per order: unique (store, order)).
 * Runs in the order's transaction after the referrer and the friend are locked, so the per-friend
 * and per-source limits see every earlier reward of this referrer.
 */
export async function settleReferral(trx: Transaction<DB>, store: Store, a: Attribution, order: ReferredOrder, at: Date): Promise<Settlement> {
  const s = store.settings.referral;
  const reason = await rejection(trx, store, a, order, at);
  const referrerPoints = reason === null ? s.referrerPoints : 0;
  const friendPoints = reason === null && order.customerId !== null ? s.friendPoints : 0;
  await trx
    .insertInto('referrals')
    .values({
      id: newId('rfl'),
      store_id: store.id,
      referrer_id: a.referrerId,
      code: a.code,
      visit_id: a.visit?.id ?? null,
      order_id: order.id,
      friend_customer_id: order.customerId,
      friend_email: order.email.toLowerCase(),
      status: reason === null ? 'rewarded' : 'rejected',
      reason,
      referrer_points: referrerPoints,
      friend_points: friendPoints,
      created_at: at.toISOString(),
    })
    .onConflict((oc) => oc.columns(['store_id', 'order_id']).doNothing())
    .execute();
  const credits: Settlement['credits'] = [];
  if (referrerPoints > 0) credits.push({ customerId: a.referrerId, points: referrerPoints, note: "A friend's first order" });
  if (friendPoints > 0 && order.customerId !== null) credits.push({ customerId: order.customerId, points: friendPoints, note: 'Referral welcome' });
  return {
    outcome: reason === null ? { status: 'rewarded', referrerPoints, friendPoints } : { status: 'rejected', reason, referrerPoints, friendPoints },
    credits,
  };
}

function unattributedOutcome(reason: Unattributed): ReferralOutcome {
  return { status: 'rejected', reason, referrerPoints: 0, friendPoints: 0 };
}

/** The referral outcome of a stored order (replays and reads): the referrals row, else what its claim lacked. */
export async function referralOutcomeOf(
  db: Db,
  storeId: string,
  order: { id: string; referral_code: string | null; visitor_id: string | null },
): Promise<ReferralOutcome | null> {
  const row = await db
    .selectFrom('referrals')
    .select(['status', 'reason', 'referrer_points', 'friend_points'])
    .where('store_id', '=', storeId)
    .where('order_id', '=', order.id)
    .executeTakeFirst();
  if (row) {
    const points = { referrerPoints: row.referrer_points, friendPoints: row.friend_points };
    return row.status === 'rewarded' ? { status: 'rewarded', ...points } : { status: 'rejected', reason: row.reason as RejectReason, ...points };
  }
  if (order.referral_code !== null) return unattributedOutcome('unknown_code');
  if (order.visitor_id !== null) return unattributedOutcome('no_visit');
  return null;
}
