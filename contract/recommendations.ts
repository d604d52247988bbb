/**
 * The recommendations part of the contract (JSON Schema, `as const`). Self-contained: it must not import
 * ./schemas.ts (which re-exports it). Types are derived next to each schema with FromSchema.
 */
import type { FromSchema } from 'json-schema-to-ts';

/** Error codes this part adds (merged into ErrorCodes in ./schemas.ts). */
export const RecommendationsErrorCodes = {} as const;

/** Most recommendations one call returns, and the default. */
export const RECOMMENDATIONS_MAX = 24;
export const RECOMMENDATIONS_DEFAULT = 8;
/** Most product ids `exclude` may list. */
export const RECOMMENDATIONS_MAX_EXCLUDE = 50;

export const RecommendationsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    product: { type: 'string', minLength: 1, maxLength: 128, description: 'The product on the page; omit it on pages without one.' },
    limit: {
      type: 'string',
      pattern: '^[0-9]{1,2}$',
      description: `How many products to return: an integer from 1 to ${RECOMMENDATIONS_MAX} (default ${RECOMMENDATIONS_DEFAULT}).`,
    },
    exclude: {
      type: 'string',
      maxLength: 6600,
      description: `Comma-separated product ids never to return (e.g. what is in the cart), at most ${RECOMMENDATIONS_MAX_EXCLUDE}.`,
    },
  },
} as const;
export type RecommendationsQuery = FromSchema<typeof RecommendationsQuery>;

export const RecommendedProduct = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'title', 'url', 'image', 'price', 'currency', 'rating'],
  properties: {
    id: { type: 'string' },
    title: { type: 'string' },
    url: { type: 'string' },
    image: { type: 'string' },
    price: { type: 'integer', minimum: 0, description: 'Minor units of `currency`.' },
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
    rating: {
      type: 'object',
      additionalProperties: false,
      required: ['average', 'count'],
      properties: {
        average: { type: 'number', minimum: 0, maximum: 5, description: 'Mean rating to one decimal; 0 without reviews.' },
        count: { type: 'integer', minimum: 0 },
      },
    },
  },
} as const;
export type RecommendedProduct = FromSchema<typeof RecommendedProduct>;

/** GET /v1/stores/{store}/recommendations */
export const Recommendations = {
  $id: 'Recommendations',
  type: 'object',
  additionalProperties: false,
  required: ['productId', 'source', 'products'],
  properties: {
    productId: { anyOf: [{ type: 'string' }, { type: 'null' }], description: 'The `product` asked about (null without one).' },
    source: {
      type: 'string',
      enum: ['co_purchase', 'history', 'best_sellers', 'mixed'],
      description:
        "Where the list came from: bought together with the product, bought together with the shopper's earlier purchases, the store's best sellers of the last 90 days, or more than one of these.",
    },
    products: { type: 'array', maxItems: RECOMMENDATIONS_MAX, items: RecommendedProduct },
  },
} as const;
export type Recommendations = FromSchema<typeof Recommendations>;

export const RecommendationEvent = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'productId'],
  properties: {
    kind: { type: 'string', enum: ['impression', 'click'] },
    productId: { type: 'string', minLength: 1, maxLength: 128, description: 'The recommended product shown or clicked.' },
    sourceProductId: { type: 'string', minLength: 1, maxLength: 128, description: 'The product whose page showed the recommendation.' },
    position: { type: 'integer', minimum: 0, maximum: 200, description: 'Zero-based position in the list.' },
    visitorId: { type: 'string', minLength: 1, maxLength: 64, description: 'The anonymous visitor id of the storefront.' },
  },
} as const;

export const RecommendationEventsRequest = {
  type: 'object',
  additionalProperties: false,
  required: ['events'],
  properties: {
    events: { type: 'array', minItems: 1, maxItems: 100, items: RecommendationEvent },
  },
} as const;
export type RecommendationEventsRequest = FromSchema<typeof RecommendationEventsRequest>;

/** POST /v1/stores/{store}/recommendations/events */
export const RecommendationEventsAccepted = {
  $id: 'RecommendationEventsAccepted',
  type: 'object',
  additionalProperties: false,
  required: ['accepted', 'dropped'],
  properties: {
    accepted: { type: 'integer', minimum: 0, description: 'Events stored.' },
    dropped: { type: 'integer', minimum: 0, description: 'Events for product ids the store does not know (ignored, not an error).' },
  },
} as const;
export type RecommendationEventsAccepted = FromSchema<typeof RecommendationEventsAccepted>;
