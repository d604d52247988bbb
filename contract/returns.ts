/**
 * The returns part of the contract (JSON Schema, `as const`). Self-contained: it must not import
 * ./schemas.ts (which re-exports it). Types are derived next to each schema with FromSchema.
 *
 * The flow: read the store's policy, look the order up by its number plus one contact detail
 * (which answers per-item eligibility and a short-lived lookup token), then create a return with
 * that token.
 */
import type { FromSchema } from 'json-schema-to-ts';

/** Error codes this part adds (merged into ErrorCodes in ./schemas.ts). */
export const ReturnsErrorCodes = {
  order_lookup_failed: 'No order matches this order number and contact detail (the same answer for every mismatch).',
  lookup_expired: 'The lookup token is missing, invalid or expired: look the order up again.',
  item_not_returnable: 'An item cannot be returned this way (see `detail` for the reason) or the quantity is more than can be returned.',
} as const;

export const ReturnResolution = {
  type: 'string',
  enum: ['refund', 'exchange', 'store_credit'],
  description: 'refund: money back; exchange: another size or item; store_credit: credit for a later order.',
} as const;
export type ReturnResolution = FromSchema<typeof ReturnResolution>;

const policyProperties = {
  refundDays: { type: 'integer', minimum: 0, description: 'Days after the order within which a refund is possible.' },
  exchangeDays: { type: 'integer', minimum: 0, description: 'Days after the order within which an exchange is possible.' },
  storeCreditDays: { type: 'integer', minimum: 0, description: 'Days after the order within which store credit is possible.' },
  finalSaleReturnable: { type: 'boolean', const: false, description: 'Final-sale items can never be returned.' },
  reasons: { type: 'array', items: { type: 'string' }, description: 'Reason ids a shopper may choose (the widget translates them).' },
  currency: { type: 'string', pattern: '^[A-Z]{3}$', description: 'The store currency (ISO 4217).' },
} as const;
const policyRequired = ['refundDays', 'exchangeDays', 'storeCreditDays', 'finalSaleReturnable', 'reasons', 'currency'] as const;

/** GET /v1/stores/{store}/returns/policy */
export const ReturnPolicy = {
  $id: 'ReturnPolicy',
  type: 'object',
  additionalProperties: false,
  required: policyRequired,
  properties: policyProperties,
} as const;
export type ReturnPolicy = FromSchema<typeof ReturnPolicy>;

export const ReturnLookupRequest = {
  type: 'object',
  additionalProperties: false,
  required: ['orderNumber'],
  description: 'The order number plus exactly one of email, postalCode or phone.',
  properties: {
    orderNumber: { type: 'string', minLength: 1, maxLength: 40, description: 'As on the confirmation e-mail; a leading "#" and letter case are ignored.' },
    email: { type: 'string', minLength: 1, maxLength: 254, description: 'The e-mail on the order (case and surrounding spaces are ignored).' },
    postalCode: { type: 'string', minLength: 1, maxLength: 20, description: 'The shipping postal code (spaces, hyphens and case are ignored).' },
    phone: {
      type: 'string',
      minLength: 1,
      maxLength: 32,
      description: 'The phone number on the order (only digits count; "+81 90…" matches "090…").',
    },
  },
} as const;
export type ReturnLookupRequest = FromSchema<typeof ReturnLookupRequest>;

export const ReturnableItem = {
  type: 'object',
  additionalProperties: false,
  required: ['productId', 'title', 'image', 'quantity', 'returnableQuantity', 'price', 'options', 'reason'],
  properties: {
    productId: { type: 'string' },
    title: { type: 'string', description: 'The title at the time of the order.' },
    image: { anyOf: [{ type: 'string' }, { type: 'null' }], description: 'Product image URL, null when the product is no longer listed.' },
    quantity: { type: 'integer', minimum: 1, description: 'Units ordered.' },
    returnableQuantity: { type: 'integer', minimum: 0, description: 'Units that can still be returned (0 when `options` is empty).' },
    price: { type: 'integer', minimum: 0, description: 'Unit price in minor units of the order currency.' },
    options: { type: 'array', items: ReturnResolution, description: 'The resolutions still open for this item.' },
    reason: {
      anyOf: [{ type: 'string', enum: ['window_passed', 'final_sale', 'already_returned', 'refunded'] }, { type: 'null' }],
      description: 'Why the item cannot be returned (null when it can).',
    },
  },
} as const;
export type ReturnableItem = FromSchema<typeof ReturnableItem>;

/** POST /v1/stores/{store}/returns/lookup */
export const ReturnLookup = {
  $id: 'ReturnLookup',
  type: 'object',
  additionalProperties: false,
  required: ['lookupToken', 'expiresAt', 'order', 'policy'],
  properties: {
    lookupToken: { type: 'string', description: 'Authorises creating a return for this order; valid for 30 minutes.' },
    expiresAt: { type: 'string', format: 'date-time' },
    order: {
      type: 'object',
      additionalProperties: false,
      required: ['number', 'createdAt', 'currency', 'items'],
      properties: {
        number: { type: 'string' },
        createdAt: { type: 'string', format: 'date-time' },
        currency: { type: 'string', pattern: '^[A-Z]{3}$' },
        items: { type: 'array', items: ReturnableItem },
      },
    },
    policy: { type: 'object', additionalProperties: false, required: policyRequired, properties: policyProperties },
  },
} as const;
export type ReturnLookup = FromSchema<typeof ReturnLookup>;

const ReturnLine = {
  type: 'object',
  additionalProperties: false,
  required: ['productId', 'quantity'],
  properties: {
    productId: { type: 'string', minLength: 1, maxLength: 128 },
    quantity: { type: 'integer', minimum: 1, maximum: 10000 },
  },
} as const;

export const ReturnRequest = {
  type: 'object',
  additionalProperties: false,
  required: ['lookupToken', 'items', 'reason', 'resolution'],
  properties: {
    lookupToken: { type: 'string', minLength: 1, maxLength: 2048, description: 'From the order lookup.' },
    items: { type: 'array', minItems: 1, maxItems: 50, items: ReturnLine, description: 'Each product at most once.' },
    reason: { type: 'string', minLength: 1, maxLength: 64, description: "One of the policy's reasons." },
    resolution: ReturnResolution,
    comment: { type: 'string', maxLength: 1000, description: 'Free text for the merchant.' },
  },
} as const;
export type ReturnRequest = FromSchema<typeof ReturnRequest>;

/** POST /v1/stores/{store}/returns */
export const Return = {
  $id: 'Return',
  type: 'object',
  additionalProperties: false,
  required: ['number', 'orderNumber', 'status', 'labelUrl', 'resolution', 'reason', 'items', 'createdAt'],
  properties: {
    number: { type: 'string', description: 'The return number (e.g. R-7KQ2M9), unique per store.' },
    orderNumber: { type: 'string' },
    status: { type: 'string', enum: ['requested'], description: 'A new return is `requested` until the merchant receives it.' },
    labelUrl: { type: 'string', description: 'The prepaid return label.' },
    resolution: ReturnResolution,
    reason: { type: 'string' },
    items: { type: 'array', items: ReturnLine },
    createdAt: { type: 'string', format: 'date-time' },
  },
} as const;
export type Return = FromSchema<typeof Return>;
