/**
 * Shopper identity (SPEC §1): `Authorization: Bearer <JWT>`, HS256, `sub` = customer id,
 * `aud` = store id, `iat`, `exp`, signed with one of the store's secrets. jose compares the
 * signature in constant time; only HS256 is accepted (so `alg: none` and key confusion fail).
 */
import { SignJWT, jwtVerify, errors } from 'jose';
import { ApiError } from './problem.ts';
import type { Store } from './stores.ts';

const encoder = new TextEncoder();

export interface MintOptions {
  /** Store id (the token's audience). */
  store: string;
  secret: string;
  customerId: string;
  ttlSeconds?: number;
  /** Issue time; defaults to the current clock. */
  now?: Date;
}

/** Mint a customer token as a merchant's server would (used by the demo storefront and tests). */
export async function mintCustomerToken({ store, secret, customerId, ttlSeconds = 3600, now }: MintOptions): Promise<string> {
  const iat = Math.floor((now ?? new Date()).getTime() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(customerId)
    .setAudience(store)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttlSeconds)
    .sign(encoder.encode(secret));
}

export interface MintOrderOptions extends Omit<MintOptions, 'customerId'> {
  orderId: string;
}

/**
 * Mint an order token (SPEC §1): the same form as a customer token with `sub` = the order id, which
 * a thank-you page renders so that a guest buyer can rate the order's items. A merchant e-mailing a
 * rating link later may give it a longer `ttlSeconds`.
 */
export async function mintOrderToken({ orderId, ...rest }: MintOrderOptions): Promise<string> {
  return mintCustomerToken({ ...rest, customerId: orderId });
}

/** Extract the bearer token; undefined when there is no Authorization header. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const m = /^Bearer[ ]+([^ ]+)[ ]*$/i.exec(header);
  if (!m) throw new ApiError(401, 'token_invalid', { detail: 'The Authorization header must be "Bearer <token>".' });
  return m[1];
}

/** Seconds of clock skew allowed on `exp` and `nbf`. */
const CLOCK_TOLERANCE_S = 30;
/** Verified tokens remembered by this process (the oldest is dropped beyond this many). */
export const VERIFIED_TOKENS_MAX = 10_000;

interface Verified {
  store: string;
  secret: string;
  sub: string;
  exp: number;
  nbf: number | undefined;
}

/**
 * Tokens whose signature and claims were verified, so that a shopper's next reads skip the HMAC and
 * the key import (about a tenth of the server's CPU on the session read). A remembered token is
 * accepted only for the same store, while the secret that verified it is still one of the store's
 * secrets, and while its `exp` and `nbf` still hold at the request's clock (the same checks, with
 * the same tolerance, as jose's); otherwise it is verified again in full, which also gives the error.
 */
const verified = new Map<string, Verified>();

function stillValid(hit: Verified, store: Store, now: Date): boolean {
  const t = Math.floor(now.getTime() / 1000);
  return (
    hit.store === store.id &&
    store.secrets.includes(hit.secret) &&
    hit.exp > t - CLOCK_TOLERANCE_S &&
    (hit.nbf === undefined || hit.nbf <= t + CLOCK_TOLERANCE_S)
  );
}

/** Forget every verified token (tests). */
export function clearVerifiedTokens(): void {
  verified.clear();
}

/** Verify a customer token against every secret of the store; returns the customer id. */
export async function verifyCustomerToken(store: Store, token: string, now: Date): Promise<string> {
  const hit = verified.get(token);
  if (hit !== undefined && stillValid(hit, store, now)) return hit.sub;
  for (const secret of store.secrets) {
    try {
      const { payload } = await jwtVerify(token, encoder.encode(secret), {
        algorithms: ['HS256'],
        audience: store.id,
        requiredClaims: ['sub', 'exp'],
        currentDate: now,
        clockTolerance: CLOCK_TOLERANCE_S,
      });
      const sub = payload.sub;
      if (typeof sub !== 'string' || sub.length === 0 || sub.length > 128) {
        throw new ApiError(401, 'token_invalid', { detail: 'The token subject is not a customer id.' });
      }
      if (typeof payload.exp === 'number' && (payload.nbf === undefined || typeof payload.nbf === 'number')) {
        verified.delete(token);
        if (verified.size >= VERIFIED_TOKENS_MAX) verified.delete(verified.keys().next().value!);
        verified.set(token, { store: store.id, secret, sub, exp: payload.exp, nbf: payload.nbf });
      }
      return sub;
    } catch (err) {
      if (err instanceof ApiError) throw err;
      // A signature made with another key: try the next (older, still accepted) secret.
      if (err instanceof errors.JWSSignatureVerificationFailed) continue;
      if (err instanceof errors.JWTExpired) throw new ApiError(401, 'token_expired');
      throw new ApiError(401, 'token_invalid');
    }
  }
  throw new ApiError(401, 'token_invalid');
}
