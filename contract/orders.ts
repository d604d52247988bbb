/**
 * The orders part of the contract (JSON Schema, `as const`): the merchant's catalogue upsert, order
 * ingestion (webhook / admin API, idempotent by the merchant's own ids) and refunds. Self-contained:
 * it must not import ./schemas.ts (which re-exports it). Types are derived next to each schema.
 */
import type { FromSchema } from 'json-schema-to-ts';

/** Error codes this part adds (merged into ErrorCodes in ./schemas.ts). */
export const OrdersErrorCodes = {
  order_not_found: 'No order of this store has this id.',
  order_conflict: 'An order with this id was already ingested with a different payload (409).',
  order_number_taken: 'Another order of this store already has this order number (409).',
  refund_exceeds_total: 'The refund is larger than what is left to refund on the order (409).',
  refund_conflict: 'A refund with this id already exists for another order or amount (409).',
} as const;

/** Largest money amount (minor units) of a price; order totals are capped at MAX_ORDER_TOTAL. */
export const MAX_PRICE = 100_000_000;
/** Largest order total (minor units): the money columns are 32-bit integers on PostgreSQL. */
export const MAX_ORDER_TOTAL = 2_000_000_000;

/** A merchant-side identifier (order, refund, product): visible ASCII, no spaces. */
const MerchantId = { type: 'string', minLength: 1, maxLength: 64, pattern: '^[\\x21-\\x7E]+$' } as const;
/** A storefront link: absolute http(s) or a root-relative path (never `javascript:` and the like). */
const Link = { type: 'string', minLength: 1, maxLength: 2048, pattern: '^(https?://|/)[^\\s]*$' } as const;

export const CatalogueProduct = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'title', 'url', 'price'],
  properties: {
    id: { ...MerchantId, description: "The merchant's product id." },
    title: { type: 'string', minLength: 1, maxLength: 200 },
    url: { ...Link, description: 'The product page (absolute http(s) URL or root-relative path).' },
    image: { ...Link, description: 'The product image (absolute http(s) URL or root-relative path).' },
    price: { type: 'integer', minimum: 0, maximum: MAX_PRICE, description: 'Minor units of the store currency.' },
    inStock: { type: 'boolean', description: 'Default true.' },
    finalSale: { type: 'boolean', description: 'Cannot be returned. Default false.' },
  },
} as const;
export type CatalogueProduct = FromSchema<typeof CatalogueProduct>;

/** PUT /v1/stores/{store}/admin/products */
export const ProductUpsertRequest = {
  type: 'object',
  additionalProperties: false,
  required: ['products'],
  properties: {
    products: { type: 'array', minItems: 1, maxItems: 500, items: CatalogueProduct, description: 'Up to 500 products; ids unique.' },
  },
} as const;
export type ProductUpsertRequest = FromSchema<typeof ProductUpsertRequest>;

export const ProductUpsertResult = {
  $id: 'ProductUpsertResult',
  type: 'object',
  additionalProperties: false,
  required: ['received', 'created', 'updated'],
  properties: {
    received: { type: 'integer', minimum: 0, description: 'Products in the request.' },
    created: { type: 'integer', minimum: 0, description: 'Products that were new.' },
    updated: { type: 'integer', minimum: 0, description: 'Products that existed and were overwritten.' },
  },
} as const;
export type ProductUpsertResult = FromSchema<typeof ProductUpsertResult>;

export const OrderItemInput = {
  type: 'object',
  additionalProperties: false,
  required: ['productId', 'quantity', 'price'],
  properties: {
    productId: { ...MerchantId, description: 'Unique within the order.' },
    title: { type: 'string', minLength: 1, maxLength: 200, description: "Defaults to the catalogue product's title." },
    quantity: { type: 'integer', minimum: 1, maximum: 10_000 },
    price: { type: 'integer', minimum: 0, maximum: MAX_PRICE, description: 'Unit price, minor units.' },
    finalSale: { type: 'boolean', description: "Cannot be returned. Defaults to the catalogue product's flag." },
  },
} as const;

/** POST /v1/stores/{store}/admin/orders (the order webhook). */
export const OrderInput = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'number', 'email', 'currency', 'createdAt', 'items'],
  properties: {
    id: { ...MerchantId, description: "The merchant's order id: ingestion is idempotent by it." },
    number: { type: 'string', minLength: 1, maxLength: 64, description: 'The order number the shopper sees (unique per store).' },
    customerId: { type: 'string', minLength: 1, maxLength: 128, description: 'The customer id (the `sub` of their tokens); absent for a guest order.' },
    customerName: { type: 'string', minLength: 1, maxLength: 200, description: "Fills in the customer's name when it is not known yet." },
    email: { type: 'string', format: 'email', maxLength: 254 },
    postalCode: { type: 'string', minLength: 1, maxLength: 32 },
    phone: { type: 'string', minLength: 1, maxLength: 32 },
    currency: { type: 'string', pattern: '^[A-Z]{3}$', description: 'Must be the store currency.' },
    createdAt: { type: 'string', format: 'date-time', maxLength: 40, description: 'When the order was placed.' },
    total: {
      type: 'integer',
      minimum: 0,
      maximum: MAX_ORDER_TOTAL,
      description: 'What the shopper paid (minor units; after discounts). Defaults to the sum of quantity × price.',
    },
    items: { type: 'array', minItems: 1, maxItems: 100, items: OrderItemInput },
    referral: {
      type: 'object',
      additionalProperties: false,
      description: 'Referral attribution the storefront captured: the code used at checkout and/or the visitor id of a referral visit.',
      properties: {
        code: { type: 'string', minLength: 1, maxLength: 32, pattern: '^[A-Za-z0-9-]+$' },
        visitorId: { type: 'string', pattern: '^[A-Za-z0-9_-]{8,64}$' },
      },
    },
  },
} as const;
export type OrderInput = FromSchema<typeof OrderInput>;

export const RefundSummary = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'amount', 'reason', 'pointsReversed', 'createdAt'],
  properties: {
    id: { type: 'string', description: "The merchant's refund id." },
    amount: { type: 'integer', minimum: 1, description: 'Minor units.' },
    reason: { anyOf: [{ type: 'string' }, { type: 'null' }] },
    pointsReversed: { type: 'integer', minimum: 0, description: 'Purchase points taken back by this refund.' },
    createdAt: { type: 'string', format: 'date-time' },
  },
} as const;
export type RefundSummary = FromSchema<typeof RefundSummary>;

/** An ingested order as the merchant API returns it (nested in the results below, so without `$id`). */
const OrderShape = {
  type: 'object',
  additionalProperties: false,
  required: [
    'id',
    'number',
    'customerId',
    'email',
    'postalCode',
    'phone',
    'currency',
    'total',
    'refundedTotal',
    'status',
    'createdAt',
    'items',
    'refunds',
    'pointsEarned',
    'pointsReversed',
  ],
  properties: {
    id: { type: 'string' },
    number: { type: 'string' },
    customerId: { anyOf: [{ type: 'string' }, { type: 'null' }], description: 'null for a guest order.' },
    email: { type: 'string' },
    postalCode: { anyOf: [{ type: 'string' }, { type: 'null' }] },
    phone: { anyOf: [{ type: 'string' }, { type: 'null' }] },
    currency: { type: 'string' },
    total: { type: 'integer', minimum: 0, description: 'Minor units.' },
    refundedTotal: { type: 'integer', minimum: 0, description: 'Minor units refunded so far.' },
    status: { type: 'string', enum: ['paid', 'partially_refunded', 'refunded', 'cancelled'] },
    createdAt: { type: 'string', format: 'date-time' },
    items: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['productId', 'title', 'quantity', 'price', 'finalSale'],
        properties: {
          productId: { type: 'string' },
          title: { anyOf: [{ type: 'string' }, { type: 'null' }] },
          quantity: { type: 'integer', minimum: 1 },
          price: { type: 'integer', minimum: 0, description: 'Unit price, minor units.' },
          finalSale: { type: 'boolean' },
        },
      },
    },
    refunds: { type: 'array', items: RefundSummary, description: 'Oldest first.' },
    pointsEarned: { type: 'integer', minimum: 0, description: 'Purchase points the order credited (0 for a guest).' },
    pointsReversed: { type: 'integer', minimum: 0, description: 'Purchase points taken back by refunds.' },
  },
} as const;
export const Order = { $id: 'Order', ...OrderShape } as const;
export type Order = FromSchema<typeof Order>;

/** What became of the referral an order carried. */
export const ReferralOutcome = {
  type: 'object',
  additionalProperties: false,
  required: ['status', 'referrerPoints', 'friendPoints'],
  properties: {
    status: { type: 'string', enum: ['rewarded', 'rejected'] },
    reason: {
      type: 'string',
      enum: ['self_referral', 'existing_customer', 'expired', 'below_minimum', 'abuse', 'unknown_code', 'no_visit'],
      description: 'Why a rejected referral earned nothing.',
    },
    referrerPoints: { type: 'integer', minimum: 0 },
    friendPoints: { type: 'integer', minimum: 0 },
  },
} as const;
export type ReferralOutcome = FromSchema<typeof ReferralOutcome>;

export const OrderIngestResult = {
  $id: 'OrderIngestResult',
  type: 'object',
  additionalProperties: false,
  required: ['order', 'pointsEarned', 'referral', 'replayed'],
  properties: {
    order: OrderShape,
    pointsEarned: { type: 'integer', minimum: 0, description: 'Purchase points credited to the customer for this order.' },
    referral: { anyOf: [ReferralOutcome, { type: 'null' }], description: 'null when the order carried no referral.' },
    replayed: { type: 'boolean', description: 'true when this order id had already been ingested with the same payload.' },
  },
} as const;
export type OrderIngestResult = FromSchema<typeof OrderIngestResult>;

/** POST /v1/stores/{store}/admin/orders/{order}/refunds */
export const RefundInput = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'amount'],
  properties: {
    id: { ...MerchantId, description: "The merchant's refund id: refunds are idempotent by it." },
    amount: { type: 'integer', minimum: 1, maximum: MAX_ORDER_TOTAL, description: 'Minor units.' },
    reason: { type: 'string', minLength: 1, maxLength: 500, description: 'For the merchant; never shown to the shopper.' },
  },
} as const;
export type RefundInput = FromSchema<typeof RefundInput>;

export const RefundResult = {
  $id: 'RefundResult',
  type: 'object',
  additionalProperties: false,
  required: ['refund', 'order', 'replayed'],
  properties: {
    refund: RefundSummary,
    order: OrderShape,
    replayed: { type: 'boolean', description: 'true when this refund id had already been applied with the same amount.' },
  },
} as const;
export type RefundResult = FromSchema<typeof RefundResult>;
