/**
 * The reviews part of the contract (JSON Schema, `as const`): star ratings (1–5) with an optional
 * written review, only by the buyer of an order (customer token or order token) and always marked
 * as a verified purchase; per-product aggregates, also as a schema.org AggregateRating.
 * Self-contained: it must not import ./schemas.ts (which re-exports it). Types are derived next to
 * each schema with FromSchema.
 */
import type { FromSchema } from 'json-schema-to-ts';

/** Error codes this part adds (merged into ErrorCodes in ./schemas.ts). */
export const ReviewsErrorCodes = {
  // `order_not_found` (contract/orders.ts) also answers a token that is not the order's buyer, so order ids cannot be probed.
  product_not_found: 'No product of the store has this id.',
  order_cancelled: 'The order was cancelled: its items cannot be rated.',
  item_not_in_order: 'The product (`field`) is not an item of the order.',
  already_reviewed: 'The order item (`field`) has been reviewed already; nothing of the request was stored.',
} as const;

/** Ids carry no control characters (PostgreSQL text cannot hold NUL at all). */
export const ID_PATTERN = '^[^\\u0000-\\u001F\\u007F]+$';
/** Free text may hold line breaks but no NUL. */
const TEXT_PATTERN = '^[^\\u0000]*$';

const ProductIdField = { type: 'string', minLength: 1, maxLength: 128, pattern: ID_PATTERN, description: 'A product id of the store.' } as const;
const OrderIdField = { type: 'string', minLength: 1, maxLength: 128, pattern: ID_PATTERN, description: 'An order id of the store.' } as const;

/** One item of an order that the caller may still rate. */
export const ReviewableItem = {
  type: 'object',
  additionalProperties: false,
  required: ['productId', 'title', 'url', 'image'],
  properties: {
    productId: { type: 'string' },
    title: { type: 'string', description: "The product title (the order item's title when the product is no longer in the catalogue)." },
    url: { anyOf: [{ type: 'string' }, { type: 'null' }], description: 'The product page; null when the product is no longer in the catalogue.' },
    image: { anyOf: [{ type: 'string' }, { type: 'null' }], description: 'The product image; null when the product is no longer in the catalogue.' },
  },
} as const;

/** GET /v1/stores/{store}/reviews/pending: what the rating prompt asks about. */
export const PendingReviews = {
  $id: 'PendingReviews',
  type: 'object',
  additionalProperties: false,
  required: ['orderId', 'items', 'pointsPerReview'],
  properties: {
    orderId: {
      anyOf: [{ type: 'string' }, { type: 'null' }],
      description: 'The order to post the reviews for; null when no order of the caller has the product unrated (`?product=`).',
    },
    items: { type: 'array', items: ReviewableItem, description: 'Items not rated yet (by product id); empty when everything is rated.' },
    pointsPerReview: {
      type: 'integer',
      minimum: 0,
      description: "Points the order's customer earns per review (the program's `review` earn rule); 0 for a guest order.",
    },
  },
} as const;
export type PendingReviews = FromSchema<typeof PendingReviews>;

/** POST /v1/stores/{store}/reviews. */
export const ReviewRequest = {
  type: 'object',
  additionalProperties: false,
  required: ['order', 'items'],
  properties: {
    order: OrderIdField,
    items: {
      type: 'array',
      minItems: 1,
      maxItems: 50,
      description: 'One entry per product of the order (each product at most once).',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['product', 'rating'],
        properties: {
          product: ProductIdField,
          rating: { type: 'integer', minimum: 1, maximum: 5, description: 'Stars, 1 to 5.' },
          title: { type: 'string', maxLength: 120, pattern: TEXT_PATTERN, description: 'Optional headline (trimmed; empty means none). Stored and returned as plain text.' },
          body: { type: 'string', maxLength: 2000, pattern: TEXT_PATTERN, description: 'Optional written review (trimmed; empty means none). Stored and returned as plain text.' },
        },
      },
    },
    locale: { type: 'string', enum: ['en', 'ja'], description: 'The language the review is written in.' },
    author: { type: 'string', maxLength: 60, pattern: TEXT_PATTERN, description: 'The name shown with the reviews (trimmed; empty means anonymous).' },
  },
} as const;
export type ReviewRequest = FromSchema<typeof ReviewRequest>;

/** The answer to POST /v1/stores/{store}/reviews. */
export const ReviewsCreated = {
  $id: 'ReviewsCreated',
  type: 'object',
  additionalProperties: false,
  required: ['reviews', 'pointsEarned', 'balance'],
  properties: {
    reviews: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'productId', 'rating', 'verified', 'createdAt'],
        properties: {
          id: { type: 'string' },
          productId: { type: 'string' },
          rating: { type: 'integer', minimum: 1, maximum: 5 },
          verified: { type: 'boolean', description: 'Always true: only the buyer of the order can review it.' },
          createdAt: { type: 'string', format: 'date-time' },
        },
      },
    },
    pointsEarned: { type: 'integer', minimum: 0, description: "Points credited to the order's customer for these reviews (0 for a guest order)." },
    balance: {
      anyOf: [{ type: 'integer', minimum: 0 }, { type: 'null' }],
      description: 'The balance after the reviews when the caller is the signed-in customer who placed the order; null otherwise (guest or order token).',
    },
  },
} as const;
export type ReviewsCreated = FromSchema<typeof ReviewsCreated>;

/** One published review. Text is plain text: render it as text, never as HTML. */
export const ReviewEntry = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'rating', 'title', 'body', 'author', 'locale', 'verified', 'createdAt'],
  properties: {
    id: { type: 'string' },
    rating: { type: 'integer', minimum: 1, maximum: 5 },
    title: { anyOf: [{ type: 'string' }, { type: 'null' }] },
    body: { anyOf: [{ type: 'string' }, { type: 'null' }] },
    author: { anyOf: [{ type: 'string' }, { type: 'null' }], description: 'null: show it as an anonymous verified buyer.' },
    locale: { anyOf: [{ type: 'string' }, { type: 'null' }] },
    verified: { type: 'boolean', description: 'A verified purchase.' },
    createdAt: { type: 'string', format: 'date-time' },
  },
} as const;

/** schema.org AggregateRating, ready to be embedded as JSON-LD on the product page. */
export const AggregateRating = {
  type: 'object',
  additionalProperties: false,
  required: ['@context', '@type', 'ratingValue', 'reviewCount', 'bestRating', 'worstRating'],
  properties: {
    '@context': { type: 'string', const: 'https://schema.org' },
    '@type': { type: 'string', const: 'AggregateRating' },
    ratingValue: { type: 'number', minimum: 1, maximum: 5 },
    reviewCount: { type: 'integer', minimum: 1 },
    bestRating: { type: 'integer', const: 5 },
    worstRating: { type: 'integer', const: 1 },
    itemReviewed: {
      type: 'object',
      additionalProperties: false,
      required: ['@type', 'name'],
      properties: { '@type': { type: 'string', const: 'Product' }, name: { type: 'string' } },
      description: 'Present when the product is in the catalogue.',
    },
  },
} as const;

/** GET /v1/stores/{store}/products/{product}/reviews. */
export const ProductReviews = {
  $id: 'ProductReviews',
  type: 'object',
  additionalProperties: false,
  required: ['productId', 'average', 'count', 'distribution', 'reviews', 'aggregateRating'],
  properties: {
    productId: { type: 'string' },
    average: { type: 'number', minimum: 0, maximum: 5, description: 'Mean rating rounded to one decimal; 0 without reviews.' },
    count: { type: 'integer', minimum: 0 },
    distribution: {
      type: 'object',
      additionalProperties: false,
      required: ['1', '2', '3', '4', '5'],
      description: 'Number of reviews per star value.',
      properties: {
        '1': { type: 'integer', minimum: 0 },
        '2': { type: 'integer', minimum: 0 },
        '3': { type: 'integer', minimum: 0 },
        '4': { type: 'integer', minimum: 0 },
        '5': { type: 'integer', minimum: 0 },
      },
    },
    reviews: { type: 'array', items: ReviewEntry, description: 'Newest first, one page (`limit`, `offset`).' },
    aggregateRating: { anyOf: [AggregateRating, { type: 'null' }], description: 'null while the product has no reviews (search engines reject a count of 0).' },
  },
} as const;
export type ProductReviews = FromSchema<typeof ProductReviews>;

/** GET /v1/stores/{store}/ratings: star averages for a listing page. */
export const Ratings = {
  $id: 'Ratings',
  type: 'object',
  additionalProperties: false,
  required: ['ratings'],
  properties: {
    ratings: {
      type: 'array',
      description: 'One entry per requested product, in the order asked (duplicates removed).',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['productId', 'average', 'count'],
        properties: {
          productId: { type: 'string' },
          average: { type: 'number', minimum: 0, maximum: 5, description: 'Rounded to one decimal; 0 without reviews.' },
          count: { type: 'integer', minimum: 0 },
        },
      },
    },
  },
} as const;
export type Ratings = FromSchema<typeof Ratings>;
