/**
 * The referrals part of the contract (JSON Schema, `as const`): the shopper's referral code, link,
 * double-sided rewards and stats, and the visit a friend makes with `?ref=CODE`. Self-contained: it
 * must not import ./schemas.ts (which re-exports it). Types are derived next to each schema.
 */
import type { FromSchema } from 'json-schema-to-ts';

/** Error codes this part adds (merged into ErrorCodes in ./schemas.ts). */
export const ReferralsErrorCodes = {
  referral_code_not_found: 'No customer of this store has this referral code.',
  self_referral: 'A shopper cannot use their own referral code (409).',
} as const;

const FriendReward = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'value', 'currency'],
  properties: {
    kind: { type: 'string', enum: ['amount_off', 'percent_off'] },
    value: { type: 'integer', minimum: 0, description: 'amount_off: minor units of `currency`; percent_off: percent.' },
    currency: { type: 'string', description: 'The store currency (ISO 4217).' },
  },
} as const;

/** GET /v1/stores/{store}/referrals/me */
export const ReferralInfo = {
  $id: 'ReferralInfo',
  type: 'object',
  additionalProperties: false,
  required: ['code', 'url', 'referrerReward', 'friendReward', 'stats'],
  properties: {
    code: { type: 'string', description: "The shopper's referral code (one per customer, created on first read)." },
    url: { type: 'string', description: 'The link to share: the store landing page with `?ref=CODE` (absolute when the store configured an absolute landing URL).' },
    referrerReward: {
      type: 'object',
      additionalProperties: false,
      required: ['points'],
      properties: { points: { type: 'integer', minimum: 0, description: "Points the shopper earns for each friend's first qualifying order." } },
    },
    friendReward: { ...FriendReward, description: 'What a friend is offered on arrival.' },
    stats: {
      type: 'object',
      additionalProperties: false,
      required: ['visits', 'friends', 'pending', 'pointsEarned'],
      properties: {
        visits: { type: 'integer', minimum: 0, description: 'Distinct visitors who arrived through the link.' },
        friends: { type: 'integer', minimum: 0, description: 'Referrals that were rewarded.' },
        pending: { type: 'integer', minimum: 0, description: 'Visitors still inside the attribution window who have not ordered yet.' },
        pointsEarned: { type: 'integer', minimum: 0, description: 'Points earned from referrals.' },
      },
    },
  },
} as const;
export type ReferralInfo = FromSchema<typeof ReferralInfo>;

/** POST /v1/stores/{store}/referrals/visits */
export const ReferralVisitRequest = {
  type: 'object',
  additionalProperties: false,
  required: ['code', 'visitorId'],
  properties: {
    code: { type: 'string', minLength: 4, maxLength: 32, pattern: '^[A-Za-z0-9-]+$', description: 'The `ref` parameter of the landing URL (case-insensitive).' },
    visitorId: {
      type: 'string',
      pattern: '^[A-Za-z0-9_-]{8,64}$',
      description: 'A random id the storefront keeps for this browser; pass it with the order so the visit is attributed.',
    },
  },
} as const;
export type ReferralVisitRequest = FromSchema<typeof ReferralVisitRequest>;

export const ReferralVisit = {
  $id: 'ReferralVisit',
  type: 'object',
  additionalProperties: false,
  required: ['visitId', 'expiresAt', 'offer', 'referrerName'],
  properties: {
    visitId: { type: 'string' },
    expiresAt: { type: 'string', format: 'date-time', description: 'The end of the attribution window.' },
    offer: {
      type: 'object',
      additionalProperties: false,
      required: ['kind', 'value', 'currency', 'code'],
      properties: {
        ...FriendReward.properties,
        code: { type: 'string', description: "A one-time discount code for the friend's first order." },
      },
    },
    referrerName: { type: 'string', description: "The referrer's first name (may be empty)." },
  },
} as const;
export type ReferralVisit = FromSchema<typeof ReferralVisit>;
