/**
 * The offer a friend got by arriving through a referral link, kept in this browser for the
 * attribution window. Written by the loader's visit recording (src/referral-visit.ts, loaded only
 * on `?ref=` visits) and read by <encore-referral-share>; kept here so the widget does not load
 * the visit code on every page.
 */
import * as contract from '../../contract/schemas.ts';
import type { ReferralVisit } from '../../contract/types.ts';
import type { Outbox } from './outbox.ts';
import { mismatch } from './validate.ts';

/** The outbox kind of a referral visit. */
export const REFERRAL_VISIT = 'referral-visit';
const listening = new WeakSet<Outbox>();

/** The recorded visit: the referral code, the attribution window and the friend's offer. */
export interface ReferralVisitDetail extends ReferralVisit {
  /** The referral code the friend arrived with (upper case). */
  code: string;
}

/** The localStorage key of the store's kept offer. */
export const offerKey = (store: string): string => `encore:referral-offer:${store}`;

/** The store's kept offer, while its attribution window is open; null otherwise. */
export function readOffer(store: string): ReferralVisitDetail | null {
  try {
    const kept = JSON.parse(localStorage.getItem(offerKey(store)) ?? 'null') as ReferralVisitDetail | null;
    if (kept && typeof kept.code === 'string' && !mismatch(contract.ReferralVisit, kept) && Date.parse(kept.expiresAt) > Date.now()) return kept;
  } catch {
    // unreadable storage or a corrupt item: no offer
  }
  return null;
}

/** Keeps every delivered visit of this outbox (this page's, an earlier page's, another tab's). */
export function keepOffers(outbox: Outbox, store: string): void {
  if (listening.has(outbox)) return;
  listening.add(outbox);
  outbox.subscribe(({ entry, result }) => {
    if (entry.kind !== REFERRAL_VISIT || !result) return;
    const detail: ReferralVisitDetail = { code: String((entry.body as { code: unknown }).code).toUpperCase(), ...(result as ReferralVisit) };
    try {
      localStorage.setItem(offerKey(store), JSON.stringify(detail));
    } catch {
      // storage refused: the event still tells the page
    }
    document.dispatchEvent(new CustomEvent('encore-referral-visit', { detail, bubbles: true }));
  });
}
