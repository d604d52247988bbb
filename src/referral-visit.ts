/**
 * A friend arriving through a referral link (`?ref=CODE`, SPEC §2): the visit is recorded so the
 * friend's first order is attributed, and the friend's offer is kept for the page to show.
 *
 * encore.js imports this chunk only when the address has `?ref=`. A visit the outbox delivers on a
 * later page is kept by the core's `keepOffers`, which <encore-referral-share> also starts.
 *
 * - The code must look like one (4-32 letters, digits, dashes); anything else under `ref` is left
 *   alone, since it may be another tool's parameter.
 * - `ref` leaves the address bar at once (`history.replaceState`, other parameters and the hash
 *   kept), so a shared or bookmarked address carries no code.
 * - The visit goes through the outbox (stored, retried, sent once under one idempotency key) with
 *   the browser's visitor id; on success the visit and offer are kept in localStorage under
 *   `encore:referral-offer:<store>` and `encore-referral-visit` is dispatched on `document`.
 * - 404 (no such code) and 409 (the shopper's own code) leave nothing behind. Nothing here throws
 *   into the page.
 */
import * as contract from '../contract/schemas.ts';
import type { ReferralVisit } from '../contract/types.ts';
import { clientFor } from './core/context.ts';
import { encoreGlobal } from './core/global.ts';
import { outboxFor } from './core/outbox.ts';
import { keepOffers, REFERRAL_VISIT, type ReferralVisitDetail } from './core/referral-offer.ts';
import { visitorId } from './core/visitor.ts';

export { offerKey, readOffer, type ReferralVisitDetail } from './core/referral-offer.ts';

declare global {
  interface DocumentEventMap {
    'encore-referral-visit': CustomEvent<ReferralVisitDetail>;
  }
}

const CODE = /^[A-Za-z0-9-]{4,32}$/;

/**
 * Records the visit when the address has `?ref=CODE`. Resolves with the visit once the server
 * has it, or null (no code, a refused code, Encore not configured); never rejects.
 */
export function recordReferralVisit(): Promise<ReferralVisitDetail | null> {
  try {
    const { config } = encoreGlobal();
    if (!config.api || !config.store) return Promise.resolve(null);
    const outbox = outboxFor(clientFor(config));
    keepOffers(outbox, config.store);
    const params = location.search.slice(1).split('&');
    // A code needs no escaping: an escaped value is not a code.
    const code = params.find((p) => p.startsWith('ref='))?.slice(4) ?? '';
    if (!CODE.test(code)) return Promise.resolve(null);
    const rest = params.filter((p) => p && !/^ref(=|$)/.test(p)).join('&');
    history.replaceState(history.state, '', location.pathname + (rest && `?${rest}`) + location.hash);
    const { done } = outbox.enqueue<ReferralVisit>({ kind: REFERRAL_VISIT, path: '/referrals/visits', body: { code, visitorId: visitorId() }, schema: contract.ReferralVisit });
    // No reply: another tab settled it (the listener kept its offer) or the storage was cleared.
    return done.then(
      (visit) => (visit ? { code: code.toUpperCase(), ...visit } : null),
      () => null,
    );
  } catch (error) {
    console.warn('[encore] could not record the referral visit', error);
    return Promise.resolve(null);
  }
}

void recordReferralVisit();
