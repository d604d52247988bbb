/**
 * Merchant authentication for admin calls and webhooks (SPEC §3: "merchant/admin calls with a
 * secret key"). Either:
 * - `Authorization: Bearer <store admin key>`, compared in constant time; or
 * - `Encore-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with a store secret>`,
 *   the form a webhook sender uses; the timestamp must be within 5 minutes (replay window).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { ApiError } from './problem.ts';
import type { Store } from './stores.ts';

export const SIGNATURE_TOLERANCE_S = 300;

function sameSecret(a: string, b: string): boolean {
  // Hash both sides first so the comparison is constant-time whatever the lengths.
  const da = createHash('sha256').update(a).digest();
  const db = createHash('sha256').update(b).digest();
  return timingSafeEqual(da, db);
}

/** Sign a webhook body as a merchant system would (tests, README example). */
export function signWebhook(secret: string, rawBody: string, at: Date = new Date()): string {
  const t = Math.floor(at.getTime() / 1000);
  const mac = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest('hex');
  return `t=${t},v1=${mac}`;
}

function verifySignature(store: Store, header: string, rawBody: string, now: Date): boolean {
  const parts = new Map(header.split(',').map((p) => p.trim().split('=', 2) as [string, string]));
  const t = Number(parts.get('t'));
  const v1 = parts.get('v1') ?? '';
  if (!Number.isInteger(t) || !/^[0-9a-f]{64}$/.test(v1)) return false;
  if (Math.abs(now.getTime() / 1000 - t) > SIGNATURE_TOLERANCE_S) return false;
  const given = Buffer.from(v1, 'hex');
  return store.secrets.some((secret) => timingSafeEqual(createHmac('sha256', secret).update(`${t}.${rawBody}`).digest(), given));
}

export function verifyAdmin(store: Store, request: FastifyRequest, now: Date): void {
  const signature = request.headers['encore-signature'];
  if (typeof signature === 'string') {
    if (verifySignature(store, signature, request.encore.rawBody ?? '', now)) {
      request.encore.admin = true;
      return;
    }
    throw new ApiError(401, 'admin_key_invalid', { detail: 'The Encore-Signature does not match the body, or its timestamp is outside 5 minutes.' });
  }
  const auth = request.headers.authorization;
  const m = typeof auth === 'string' ? /^Bearer[ ]+([^ ]+)[ ]*$/i.exec(auth) : null;
  if (!m || !sameSecret(m[1]!, store.adminKey)) throw new ApiError(401, 'admin_key_invalid');
  request.encore.admin = true;
}
