/**
 * The Encore HTTP contract, written once as JSON Schema.
 *
 * - The reference server validates requests and serialises replies with these schemas.
 * - The OpenAPI 3.1 document (`openapi.json`, `/openapi.json`) is generated from them.
 * - The browser client takes its TypeScript types from them (`contract/types.ts`) and checks the
 *   shape of each reply against them before a widget renders it.
 *
 * Every schema is a plain `as const` object so the types can be derived without a runtime.
 */

import { NpsStatus } from './nps.ts';
import { ReferralInfo } from './referrals.ts';
import { ReturnPolicy } from './returns.ts';
import { PendingReviews } from './reviews.ts';

/** `application/problem+json` (RFC 9457) with a stable machine-readable `code`. */
export const Problem = {
  $id: 'Problem',
  type: 'object',
  required: ['type', 'title', 'status', 'code'],
  properties: {
    type: { type: 'string', description: 'A URI naming the problem type.' },
    title: { type: 'string' },
    status: { type: 'integer' },
    code: { type: 'string', description: 'Stable error code; see the API description for the list.' },
    detail: { type: 'string' },
    field: { type: 'string', description: 'The request field (JSON pointer) that failed validation.' },
    retryAfter: { type: 'integer', description: 'Seconds to wait before trying again (429, 503).' },
  },
} as const;

export const StoreParams = {
  type: 'object',
  required: ['store'],
  properties: {
    store: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,62}$', description: 'The store id.' },
  },
} as const;

export const Tier = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name', 'threshold', 'perks'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    threshold: { type: 'integer', minimum: 0, description: 'Tier points needed (points earned in the last 12 months).' },
    perks: { type: 'array', items: { type: 'string' } },
  },
} as const;

export const Reward = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name', 'kind', 'cost', 'value'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    kind: { type: 'string', enum: ['amount_off', 'percent_off', 'free_shipping'] },
    cost: { type: 'integer', minimum: 1, description: 'Points the reward costs.' },
    value: {
      type: 'integer',
      minimum: 0,
      description: 'amount_off: minor units of the store currency; percent_off: percent; free_shipping: 0.',
    },
  },
} as const;

export const EarnRule = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'points'],
  properties: {
    kind: { type: 'string', enum: ['purchase', 'signup', 'review', 'referral', 'birthday'] },
    points: { type: 'integer', minimum: 0 },
    per: {
      type: 'integer',
      minimum: 1,
      description: 'purchase only: `points` are earned per this many minor units spent.',
    },
  },
} as const;

export const Program = {
  type: 'object',
  additionalProperties: false,
  required: ['welcomePoints', 'earn', 'tiers', 'rewards', 'expiryDays'],
  properties: {
    welcomePoints: { type: 'integer', minimum: 0 },
    earn: { type: 'array', items: EarnRule },
    tiers: { type: 'array', items: Tier },
    rewards: { type: 'array', items: Reward },
    expiryDays: { type: 'integer', minimum: 0, description: 'Points expire this many days after they are earned; 0 = never.' },
  },
} as const;

export const StoreInfo = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name', 'currency', 'locale', 'links', 'messages'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    currency: { type: 'string', pattern: '^[A-Z]{3}$', description: 'ISO 4217 code.' },
    locale: { type: 'string' },
    links: {
      type: 'object',
      additionalProperties: false,
      required: ['signIn', 'join'],
      properties: { signIn: { type: 'string' }, join: { type: 'string' } },
    },
    messages: {
      type: 'object',
      description: 'Merchant rewording of widget text, per locale: { "ja": { "points.balance": "..." } }.',
      additionalProperties: { type: 'object', additionalProperties: { type: 'string' } },
    },
  },
} as const;

export const Member = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name', 'balance', 'tierPoints', 'tier', 'nextTier', 'expiring'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    balance: { type: 'integer', minimum: 0 },
    tierPoints: { type: 'integer', minimum: 0 },
    tier: { type: 'string', description: 'Tier id.' },
    nextTier: { anyOf: [{ type: 'string' }, { type: 'null' }], description: 'Next tier id, or null at the top.' },
    expiring: {
      anyOf: [
        {
          type: 'object',
          additionalProperties: false,
          required: ['points', 'date'],
          properties: {
            points: { type: 'integer', minimum: 1 },
            date: { type: 'string', format: 'date-time' },
          },
        },
        { type: 'null' },
      ],
      description: 'Points that expire within the next 60 days, and the earliest date.',
    },
  },
} as const;

/** A schema embedded in another one, without its `$id` (which names it only once, at the top level). */
function embedded<S extends { $id: string }>({ $id: _id, ...schema }: S): Omit<S, '$id'> {
  return schema;
}

/**
 * GET /v1/stores/{store}/session: everything a page of widgets needs before the shopper interacts,
 * in one read. Each section is what its own endpoint answers (computed by the same code).
 */
export const Session = {
  $id: 'Session',
  type: 'object',
  additionalProperties: false,
  required: ['store', 'program', 'customer', 'referral', 'nps', 'pendingReviews', 'returnPolicy'],
  properties: {
    store: StoreInfo,
    program: Program,
    customer: { anyOf: [Member, { type: 'null' }], description: 'null for a guest (no customer token).' },
    referral: {
      anyOf: [embedded(ReferralInfo), { type: 'null' }],
      description: 'As GET /referrals/me answers (the code is created on the first read); null for a guest.',
    },
    nps: {
      anyOf: [embedded(NpsStatus), { type: 'null' }],
      description: 'As GET /nps/status answers for the customer and the `visitorId`; null for a guest without `visitorId`.',
    },
    pendingReviews: {
      anyOf: [embedded(PendingReviews), { type: 'null' }],
      description:
        "As GET /reviews/pending?order=<id> answers for the customer's newest order (the order a thank-you page asks about); " +
        '`orderId` null and no items when the customer has no order; null for a guest.',
    },
    returnPolicy: { ...embedded(ReturnPolicy), description: 'As GET /returns/policy answers.' },
  },
} as const;

export const RedeemRequest = {
  type: 'object',
  additionalProperties: false,
  required: ['rewardId'],
  properties: { rewardId: { type: 'string', minLength: 1, maxLength: 64 } },
} as const;

export const Redemption = {
  $id: 'Redemption',
  type: 'object',
  additionalProperties: false,
  required: ['id', 'rewardId', 'pointsSpent', 'code', 'balance', 'createdAt'],
  properties: {
    id: { type: 'string' },
    rewardId: { type: 'string' },
    pointsSpent: { type: 'integer', minimum: 1 },
    code: { type: 'string', description: 'The discount code to use at checkout.' },
    balance: { type: 'integer', minimum: 0, description: 'The balance after the redemption.' },
    createdAt: { type: 'string', format: 'date-time' },
  },
} as const;

export const LedgerEntry = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'kind', 'points', 'createdAt'],
  properties: {
    id: { type: 'string' },
    kind: { type: 'string', enum: ['signup', 'purchase', 'review', 'referral', 'birthday', 'redeem', 'expire', 'adjust', 'refund'] },
    points: { type: 'integer', description: 'Signed: positive for earned, negative for spent or expired.' },
    createdAt: { type: 'string', format: 'date-time' },
    note: { type: 'string' },
  },
} as const;

export const Ledger = {
  $id: 'Ledger',
  type: 'object',
  additionalProperties: false,
  required: ['balance', 'entries'],
  properties: {
    balance: { type: 'integer', minimum: 0 },
    entries: { type: 'array', items: LedgerEntry },
  },
} as const;

/** Request headers of every state-changing call (documented in the OpenAPI document, checked by the server). */
export const IdempotencyHeaders = {
  type: 'object',
  required: ['idempotency-key'],
  properties: {
    'idempotency-key': {
      type: 'string',
      pattern: '^[\\x21-\\x7E]{1,255}$',
      description:
        'A unique key per user action (1-255 visible ASCII characters, e.g. a UUID). Retrying with the same key and body replays the stored answer; keys are kept 48 hours.',
    },
  },
} as const;

export * from './orders.ts';
export * from './referrals.ts';
export * from './reviews.ts';
export * from './nps.ts';
export * from './returns.ts';
export * from './recommendations.ts';
export * from './metrics.ts';
import { OrdersErrorCodes } from './orders.ts';
import { ReferralsErrorCodes } from './referrals.ts';
import { ReviewsErrorCodes } from './reviews.ts';
import { NpsErrorCodes } from './nps.ts';
import { ReturnsErrorCodes } from './returns.ts';
import { RecommendationsErrorCodes } from './recommendations.ts';
import { MetricsErrorCodes } from './metrics.ts';

/** Stable error codes. Each is documented in the OpenAPI description. */
export const ErrorCodes = {
  ...OrdersErrorCodes,
  ...ReferralsErrorCodes,
  ...ReviewsErrorCodes,
  ...NpsErrorCodes,
  ...ReturnsErrorCodes,
  ...RecommendationsErrorCodes,
  ...MetricsErrorCodes,
  validation_failed: 'A request field is missing or invalid; `field` names it.',
  token_missing: 'This call needs a customer token (Authorization: Bearer ...).',
  token_invalid: 'The customer token is malformed, has a bad signature or is for another store.',
  token_expired: 'The customer token has expired; mint a fresh one and retry.',
  store_not_found: 'No store has this id.',
  not_found: 'No such resource.',
  reward_not_found: 'No reward in the catalogue has this id.',
  insufficient_points: 'The balance does not cover the reward.',
  idempotency_key_required: 'State-changing calls need an Idempotency-Key header.',
  idempotency_key_reused: 'The Idempotency-Key was already used with another request body (422).',
  idempotency_in_progress: 'A request with this Idempotency-Key is still running (409).',
  origin_not_allowed: 'The request Origin is not one of the store origins.',
  payload_too_large: 'The request body is larger than allowed.',
  unsupported_media_type: 'Send application/json.',
  rate_limited: 'Too many requests; wait `retryAfter` seconds.',
  internal: 'An unexpected server error.',
  admin_key_invalid: 'Merchant calls need the store admin key (Authorization: Bearer <admin key>) or a valid webhook signature.',
} as const;

export type ErrorCode = keyof typeof ErrorCodes;
