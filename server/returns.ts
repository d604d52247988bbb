/**
 * Returns: the store's policy, the order lookup (order number + one contact detail), per-item
 * eligibility, the lookup token, and the lookup rate limiter.
 *
 * The lookup is the one place where a stranger can probe orders, so it is built against
 * enumeration: every mismatch (unknown number, wrong contact, a contact the order does not have)
 * gets the same answer after the same work (one query, then hash comparisons of normalised
 * values in constant time, against a dummy when there is no order), and lookups are rate-limited
 * per client IP and per order number whatever the app's global limiter does.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import type { Database, OrderRow } from './db.ts';
import type { ReturnableItem, ReturnPolicy, ReturnResolution } from '../contract/types.ts';
import { ApiError } from './problem.ts';
import type { Store } from './stores.ts';

const DAY_MS = 86_400_000;

/** Lookups per store + client IP in a window. */
export const LOOKUP_IP_LIMIT = { max: 10, windowMs: 15 * 60_000 } as const;
/** Lookups per store + normalised order number in a window (whatever the IP). */
export const LOOKUP_ORDER_LIMIT = { max: 10, windowMs: 60 * 60_000 } as const;
/** Lifetime of the lookup token that authorises creating a return. */
export const LOOKUP_TOKEN_TTL_S = 30 * 60;

export function returnPolicy(store: Store): ReturnPolicy {
  const r = store.settings.returns;
  return {
    refundDays: r.refundDays,
    exchangeDays: r.exchangeDays,
    storeCreditDays: r.storeCreditDays,
    finalSaleReturnable: false,
    reasons: [...r.reasons],
    currency: store.currency,
  };
}

// ---------------------------------------------------------------------------------------------
// Rate limiting

/**
 * A fixed-window counter per key, in this process's memory: with several server processes each
 * counts on its own (the limits are then per process). Expired windows are swept lazily.
 */
export class WindowLimiter {
  readonly #max: number;
  readonly #windowMs: number;
  readonly #windows = new Map<string, { count: number; resetAt: number }>();
  #lastSweep = 0;

  constructor(limit: { max: number; windowMs: number }) {
    this.#max = limit.max;
    this.#windowMs = limit.windowMs;
  }

  /** Count one hit; undefined when allowed, else the seconds until the window resets. */
  hit(key: string, at: Date): number | undefined {
    const t = at.getTime();
    if (t - this.#lastSweep >= this.#windowMs) {
      this.#lastSweep = t;
      for (const [k, w] of this.#windows) if (w.resetAt <= t) this.#windows.delete(k);
    }
    let w = this.#windows.get(key);
    if (!w || w.resetAt <= t) {
      w = { count: 0, resetAt: t + this.#windowMs };
      this.#windows.set(key, w);
    }
    if (w.count >= this.#max) return Math.max(1, Math.ceil((w.resetAt - t) / 1000));
    w.count++;
    return undefined;
  }
}

export interface LookupLimiters {
  perIp: WindowLimiter;
  perOrder: WindowLimiter;
}

export function createLookupLimiters(): LookupLimiters {
  return { perIp: new WindowLimiter(LOOKUP_IP_LIMIT), perOrder: new WindowLimiter(LOOKUP_ORDER_LIMIT) };
}

/**
 * Both limits, IP first: a client already over its own limit does not use up the order number's
 * budget (which would lock the real shopper out). Throws 429 rate_limited.
 */
export function checkLookupLimits(limiters: LookupLimiters, storeId: string, ip: string, orderNumber: string, at: Date): void {
  const wait = limiters.perIp.hit(`${storeId}\n${ip}`, at) ?? limiters.perOrder.hit(`${storeId}\n${normaliseOrderNumber(orderNumber)}`, at);
  if (wait !== undefined) throw new ApiError(429, 'rate_limited', { retryAfter: wait });
}

// ---------------------------------------------------------------------------------------------
// Matching

/** `#kt-1001 ` → `KT-1001`: the form the per-order limit counts. */
export function normaliseOrderNumber(raw: string): string {
  return raw.normalize('NFKC').trim().replace(/^#/, '').replace(/\s+/g, '').toUpperCase();
}

/** The stored numbers a typed one may mean: as typed, without a leading "#", upper-cased. */
function orderNumberCandidates(raw: string): string[] {
  const t = raw.normalize('NFKC').trim();
  const bare = t.replace(/^#\s*/, '');
  return [...new Set([t, bare, bare.toUpperCase()])].filter((s) => s.length > 0);
}

export type ContactKind = 'email' | 'postalCode' | 'phone';

interface ContactKeys {
  /** A phone number written with its country code (`+` or `00`). */
  international: boolean;
  keys: { tag: 'e' | 'i' | 'n'; value: string }[];
}

/**
 * The comparable forms of a contact value:
 * - e-mail: trimmed, lower-cased;
 * - postal code: NFKC (full-width digits), upper-cased, only letters and digits kept (so spaces,
 *   hyphens and "〒" are ignored);
 * - phone: digits only, as `i:<all digits>` and `n:<national number>`. A number written
 *   internationally (`+` or `00`) gives the national number with a 1-3 digit country code
 *   dropped; a national one gives its digits without the trunk `0`. So "+81 90-1234-5678"
 *   matches "090-1234-5678" and "+1 415 555 0100" matches "(415) 555-0100". Two international
 *   forms must agree on every digit (see `contactMatches`). Fewer than 7 digits match nothing.
 */
export function contactKeys(kind: ContactKind, raw: string): ContactKeys {
  const s = raw.normalize('NFKC').trim();
  if (kind !== 'phone') {
    const v = kind === 'email' ? s.toLowerCase() : s.toUpperCase().replace(/[^0-9A-Z]/g, '');
    return { international: false, keys: v.length > 0 ? [{ tag: 'e', value: v }] : [] };
  }
  const digits = s.replace(/\D/g, '');
  const international = s.startsWith('+') || digits.startsWith('00');
  if (digits.length < 7) return { international, keys: [] };
  if (international) {
    const full = s.startsWith('+') ? digits : digits.slice(2);
    const keys: ContactKeys['keys'] = [{ tag: 'i', value: full }];
    for (let cc = 1; cc <= 3; cc++) if (full.length - cc >= 7) keys.push({ tag: 'n', value: full.slice(cc) });
    return { international, keys };
  }
  return {
    international,
    keys: [
      { tag: 'i', value: digits },
      { tag: 'n', value: digits.replace(/^0/, '') },
    ],
  };
}

const KEY_SLOTS = 4;

function hashedSlots(kind: ContactKind, { keys }: ContactKeys, side: 'given' | 'stored'): { tag: string; hash: Buffer }[] {
  const out: { tag: string; hash: Buffer }[] = [];
  for (let i = 0; i < KEY_SLOTS; i++) {
    const k = keys[i];
    // Empty slots hold a dummy that can equal nothing (other prefix, other side).
    const text = k ? `k:${kind}:${k.tag}:${k.value}` : `d:${side}:${i}`;
    out.push({ tag: k?.tag ?? 'd', hash: createHash('sha256').update(text).digest() });
  }
  return out;
}

/**
 * Whether a given contact value matches the stored one. The same work whatever the values are:
 * a fixed number of hashes and constant-time comparisons, no early exit.
 */
export function contactMatches(kind: ContactKind, given: string, stored: string): boolean {
  const gk = contactKeys(kind, given);
  const sk = contactKeys(kind, stored);
  // Two international numbers may not match on their national part alone (another country).
  const nationalCounts = !(gk.international && sk.international);
  const g = hashedSlots(kind, gk, 'given');
  const s = hashedSlots(kind, sk, 'stored');
  let match = false;
  for (const a of g) {
    for (const b of s) {
      const equal = timingSafeEqual(a.hash, b.hash);
      match = (equal && (a.tag !== 'n' || nationalCounts)) || match;
    }
  }
  return match;
}

type LookupOrder = Pick<OrderRow, 'id' | 'number' | 'email' | 'postal_code' | 'phone' | 'currency' | 'created_at' | 'status'>;

/** Random contact values nothing matches: they stand in for a missing order or a missing contact. */
const DUMMY_CONTACT: Record<ContactKind, string> = {
  email: `${randomBytes(16).toString('hex')}@invalid`,
  postalCode: randomBytes(16).toString('hex'),
  phone: `+${BigInt(`0x${randomBytes(12).toString('hex')}`).toString().slice(0, 15)}`,
};

/**
 * Find the order by number and check the contact detail. Every mismatch throws the identical
 * 404 order_lookup_failed.
 */
export async function findOrderForReturn(db: Database, storeId: string, orderNumber: string, kind: ContactKind, contact: string): Promise<LookupOrder> {
  const candidates = orderNumberCandidates(orderNumber);
  const rows = await db
    .selectFrom('orders')
    .select(['id', 'number', 'email', 'postal_code', 'phone', 'currency', 'created_at', 'status'])
    .where('store_id', '=', storeId)
    .where('number', 'in', candidates.length > 0 ? candidates : [''])
    .execute();
  // Prefer the number exactly as typed, then the other readings in order.
  const found = candidates.map((c) => rows.find((r) => r.number === c)).find((r) => r !== undefined);
  // A missing order, or a contact the order lacks, is compared with a dummy: the same work.
  const stored = found ? { email: found.email, postalCode: found.postal_code, phone: found.phone }[kind] : null;
  const ok = contactMatches(kind, contact, stored ?? DUMMY_CONTACT[kind]);
  if (!ok || !found) throw new ApiError(404, 'order_lookup_failed');
  return found;
}

// ---------------------------------------------------------------------------------------------
// Eligibility

export interface OrderLine {
  productId: string;
  title: string;
  image: string | null;
  quantity: number;
  price: number;
  finalSale: boolean;
  /** Units already in returns of this order. */
  returned: number;
}

/** The resolutions still open on `at` for an order placed at `createdAt`. */
export function openResolutions(store: Store, createdAt: string, at: Date): ReturnResolution[] {
  const r = store.settings.returns;
  const age = at.getTime() - Date.parse(createdAt);
  const windows: [ReturnResolution, number][] = [
    ['refund', r.refundDays],
    ['exchange', r.exchangeDays],
    ['store_credit', r.storeCreditDays],
  ];
  return windows.filter(([, days]) => days > 0 && age <= days * DAY_MS).map(([res]) => res);
}

/**
 * Per-item eligibility. The first reason that applies wins: a refunded (or cancelled) order,
 * a final-sale item, nothing left to return, every window passed.
 */
export function eligibility(store: Store, order: Pick<OrderRow, 'created_at' | 'status'>, lines: OrderLine[], at: Date): ReturnableItem[] {
  const open = openResolutions(store, order.created_at, at);
  return lines.map((l) => {
    const left = Math.max(0, l.quantity - l.returned);
    const reason: ReturnableItem['reason'] =
      order.status === 'refunded' || order.status === 'cancelled'
        ? 'refunded'
        : l.finalSale
          ? 'final_sale'
          : left === 0
            ? 'already_returned'
            : open.length === 0
              ? 'window_passed'
              : null;
    return {
      productId: l.productId,
      title: l.title,
      image: l.image,
      quantity: l.quantity,
      returnableQuantity: reason === null ? left : 0,
      price: l.price,
      options: reason === null ? open : [],
      reason,
    };
  });
}

/** The order's lines with product data and the units already returned. */
export async function orderLines(db: Database, storeId: string, orderId: string): Promise<OrderLine[]> {
  const rows = await db
    .selectFrom('order_items as oi')
    .leftJoin('products as p', (j) => j.onRef('p.store_id', '=', 'oi.store_id').onRef('p.id', '=', 'oi.product_id'))
    .select(['oi.product_id', 'oi.quantity', 'oi.price', 'oi.title', 'oi.final_sale', 'p.title as product_title', 'p.image', 'p.final_sale as product_final_sale'])
    .where('oi.store_id', '=', storeId)
    .where('oi.order_id', '=', orderId)
    .orderBy('oi.product_id')
    .execute();
  const returned = await db
    .selectFrom('return_items as ri')
    .innerJoin('returns as r', 'r.id', 'ri.return_id')
    .select((eb) => ['ri.product_id', eb.fn.sum<string | number>('ri.quantity').as('units')])
    .where('r.store_id', '=', storeId)
    .where('r.order_id', '=', orderId)
    .groupBy('ri.product_id')
    .execute();
  const returnedBy = new Map(returned.map((r) => [r.product_id, Number(r.units)]));
  return rows.map((r) => ({
    productId: r.product_id,
    title: r.title ?? r.product_title ?? r.product_id,
    image: r.image,
    quantity: r.quantity,
    price: r.price,
    finalSale: r.final_sale === 1 || r.product_final_sale === 1,
    returned: returnedBy.get(r.product_id) ?? 0,
  }));
}

// ---------------------------------------------------------------------------------------------
// Lookup token

/**
 * The token is signed with a key derived from the store secret (HMAC of a fixed label), not the
 * secret itself, so it can never pass as a customer token (same claims shape: sub, aud) and a
 * customer token can never pass as a lookup token.
 */
function lookupKey(secret: string): Uint8Array {
  return createHmac('sha256', secret).update('encore:return-lookup').digest();
}

export async function mintLookupToken(store: Store, orderId: string, at: Date): Promise<{ token: string; expiresAt: string }> {
  const iat = Math.floor(at.getTime() / 1000);
  const exp = iat + LOOKUP_TOKEN_TTL_S;
  const token = await new SignJWT({ use: 'return' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(orderId)
    .setAudience(store.id)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(lookupKey(store.secrets[0]!));
  return { token, expiresAt: new Date(exp * 1000).toISOString() };
}

/** The order id a lookup token grants; 401 lookup_expired for anything else. */
export async function verifyLookupToken(store: Store, token: string, at: Date): Promise<string> {
  for (const secret of store.secrets) {
    try {
      const { payload } = await jwtVerify(token, lookupKey(secret), {
        algorithms: ['HS256'],
        audience: store.id,
        requiredClaims: ['sub', 'exp'],
        currentDate: at,
      });
      if (payload.use === 'return' && typeof payload.sub === 'string' && payload.sub.length > 0) return payload.sub;
      break;
    } catch {
      // Another secret may have signed it (rotation); anything else fails below.
    }
  }
  throw new ApiError(401, 'lookup_expired');
}

// ---------------------------------------------------------------------------------------------
// Return numbers

/** Unambiguous symbols (no 0/O, 1/I): 32, so `byte & 31` is unbiased. */
const NUMBER_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** `R-7KQ2M9`: 30 bits; uniqueness per store comes from the unique index (the caller retries). */
export function newReturnNumber(): string {
  let s = '';
  for (const b of randomBytes(6)) s += NUMBER_ALPHABET[b & 31];
  return `R-${s}`;
}
