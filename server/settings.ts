/**
 * Per-store settings for the domains after loyalty, stored as JSON in `stores.settings` and merged
 * over these defaults (a store keeps only what it changes). Money is in minor units of the store
 * currency.
 */
export interface StoreSettings {
  referral: {
    /** Points the referrer earns when a friend's first qualifying order is placed. */
    referrerPoints: number;
    /** Points the friend earns on that order when they have an account. */
    friendPoints: number;
    /** What the friend is offered on arrival (a one-time discount code). */
    friendReward: { kind: 'amount_off' | 'percent_off'; value: number };
    /** How long a visit with ?ref=CODE stays attributed. */
    windowDays: number;
    /** A friend's order must be at least this much to qualify. */
    minOrderTotal: number;
    /** Referral rewards one source (hashed IP) may produce in the window; more earn nothing. */
    maxRewardsPerSource: number;
    /** The storefront page a referral link points at (absolute URL or path). */
    landingUrl: string;
  };
  nps: {
    /** Days a shopper who answered is not asked again. */
    answeredQuietDays: number;
    /** Days a shopper who dismissed the survey is not asked again. */
    dismissedQuietDays: number;
  };
  returns: {
    /** Days after the order within which a refund is possible. */
    refundDays: number;
    /** Days after the order within which an exchange is possible. */
    exchangeDays: number;
    /** Days after the order within which store credit is possible. */
    storeCreditDays: number;
    /** Base of the prepaid label link; the return number is appended. */
    labelBaseUrl: string;
    /** Reasons a shopper may choose (ids; the widget translates them). */
    reasons: string[];
  };
  recommendations: {
    /** Products never recommended (e.g. gift cards). */
    exclude: string[];
  };
}

export const DEFAULT_SETTINGS: StoreSettings = {
  referral: {
    referrerPoints: 500,
    friendPoints: 0,
    friendReward: { kind: 'amount_off', value: 1000 },
    windowDays: 30,
    minOrderTotal: 0,
    maxRewardsPerSource: 3,
    landingUrl: '/',
  },
  nps: { answeredQuietDays: 90, dismissedQuietDays: 30 },
  returns: {
    refundDays: 30,
    exchangeDays: 90,
    storeCreditDays: 90,
    labelBaseUrl: 'https://labels.example.com/return/',
    reasons: ['too_small', 'too_large', 'damaged', 'not_as_described', 'changed_mind', 'other'],
  },
  recommendations: { exclude: [] },
};

export type SettingsOverrides = { [K in keyof StoreSettings]?: Partial<StoreSettings[K]> };

/** Merge stored overrides over the defaults, section by section. */
export function resolveSettings(stored: SettingsOverrides | null | undefined): StoreSettings {
  const out = structuredClone(DEFAULT_SETTINGS);
  if (!stored || typeof stored !== 'object') return out;
  for (const key of Object.keys(DEFAULT_SETTINGS) as (keyof StoreSettings)[]) {
    const section = stored[key];
    if (section && typeof section === 'object') Object.assign(out[key], section);
  }
  return out;
}
