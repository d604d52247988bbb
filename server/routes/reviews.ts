/**
 * The reviews endpoints: what the rating prompt may still ask about, posting ratings (buyers only,
 * verified purchases, one per order item), and the public per-product aggregates that product and
 * listing pages show. The rules live in ../reviews.ts.
 */
import type { FastifyInstance } from 'fastify';
import { ID_PATTERN, IdempotencyHeaders, ReviewRequest as ReviewRequestSchema, StoreParams } from '../../contract/schemas.ts';
import type { PendingReviews, ProductReviews, Ratings, ReviewRequest, ReviewsCreated } from '../../contract/types.ts';
import { ApiError } from '../problem.ts';
import { problems, refTo } from '../openapi.ts';
import { ratingSummaries } from '../ratings.ts';
import { createReviews, ownedOrder, pendingForOrder, pendingForProduct, productReviews } from '../reviews.ts';
import { customerOf, storeOf, type RouteDeps } from './common.ts';

const MAX_RATINGS = 50;
const ID = { type: 'string', minLength: 1, maxLength: 128, pattern: ID_PATTERN } as const;

const ProductParams = {
  type: 'object',
  required: ['store', 'product'],
  properties: { ...StoreParams.properties, product: { ...ID, description: 'The product id.' } },
} as const;

const BUYER_AUTH =
  'The caller is the buyer: a customer token whose `sub` is the order\'s customer, or an order token (same form, `sub` = the order id) ' +
  'that the thank-you page renders for a guest. Any other token gets the same 404 `order_not_found` as an order that does not exist.';

export async function reviewsRoutes(app: FastifyInstance, { db, now }: RouteDeps): Promise<void> {
  app.get<{ Params: { store: string }; Querystring: { order?: string; product?: string } }>(
    '/v1/stores/:store/reviews/pending',
    {
      config: { customer: 'optional' },
      schema: {
        tags: ['reviews'],
        summary: 'Items the buyer may still rate',
        description:
          'With `order`: the items of that order not rated yet (none for a cancelled order). With `product`: the newest order of the caller ' +
          'that contains the product unrated, with that one item (`orderId` null and no items when there is none). Pass exactly one of them. ' +
          BUYER_AUTH,
        security: [{ customerToken: [] }],
        params: StoreParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            order: { ...ID, description: 'The order id.' },
            product: { ...ID, description: 'A product id (the rating prompt with `product="..."`).' },
          },
        },
        response: {
          200: { description: 'The items to ask about.', ...refTo('PendingReviews') },
          ...problems(400, 401, [404, 'order_not_found', 'product_not_found'], 429),
        },
      },
    },
    async (request, reply): Promise<PendingReviews> => {
      const store = storeOf(request);
      const { order, product } = request.query;
      if ((order === undefined) === (product === undefined)) {
        throw new ApiError(400, 'validation_failed', { field: '/order', detail: 'Pass either `order` or `product`.' });
      }
      const subject = customerOf(request);
      reply.header('cache-control', 'private, no-store');
      if (order !== undefined) return pendingForOrder(db, store, await ownedOrder(db, store.id, order, subject));
      return pendingForProduct(db, store, subject, product!);
    },
  );

  app.post<{ Params: { store: string }; Body: ReviewRequest }>(
    '/v1/stores/:store/reviews',
    {
      config: { customer: 'optional', idempotent: true },
      schema: {
        tags: ['reviews'],
        summary: 'Rate the items of an order',
        description:
          'Stores one verified review per item, all or nothing: an item reviewed before (409 `already_reviewed`) or not in the order ' +
          "(409 `item_not_in_order`) fails the whole request. Each review earns the program's review points for the order's customer " +
          '(none for a guest order), credited once. Text is stored as plain text, trimmed. Requires an Idempotency-Key. ' +
          BUYER_AUTH,
        security: [{ customerToken: [] }],
        params: StoreParams,
        headers: IdempotencyHeaders,
        body: ReviewRequestSchema,
        response: {
          201: { description: 'The stored reviews and the points earned.', ...refTo('ReviewsCreated') },
          ...problems(400, 401, 403, [404, 'order_not_found'], [409, 'already_reviewed', 'item_not_in_order', 'order_cancelled'], 413, 415, 422, 429),
        },
      },
    },
    async (request, reply): Promise<ReviewsCreated> => {
      const store = storeOf(request);
      const subject = customerOf(request);
      const result = await createReviews(db, store, subject, request.body, now());
      reply.code(201).header('cache-control', 'no-store');
      return result;
    },
  );

  app.get<{ Params: { store: string; product: string }; Querystring: { limit?: string; offset?: string } }>(
    '/v1/stores/:store/products/:product/reviews',
    {
      schema: {
        tags: ['reviews'],
        summary: "A product's rating and reviews",
        description:
          'Average (one decimal), count and star distribution, one page of reviews (newest first), and a schema.org `AggregateRating` ' +
          'to embed as JSON-LD (null without reviews). A product without reviews answers with zeros. Public; cached for 60 seconds.',
        security: [],
        params: ProductParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            limit: { type: 'string', pattern: '^(?:[1-9]|[1-4][0-9]|50)$', description: 'Reviews per page, 1 to 50 (default 10).' },
            offset: { type: 'string', pattern: '^[0-9]{1,6}$', description: 'Reviews to skip (default 0).' },
          },
        },
        response: { 200: { description: 'The aggregates and a page of reviews.', ...refTo('ProductReviews') }, ...problems(400, 404, 429) },
      },
    },
    async (request, reply): Promise<ProductReviews> => {
      const store = storeOf(request);
      const limit = Number(request.query.limit ?? 10);
      const offset = Number(request.query.offset ?? 0);
      const result = await productReviews(db, store.id, request.params.product, limit, offset);
      reply.header('cache-control', 'public, max-age=60');
      return result;
    },
  );

  app.get<{ Params: { store: string }; Querystring: { products: string } }>(
    '/v1/stores/:store/ratings',
    {
      schema: {
        tags: ['reviews'],
        summary: 'Star averages for several products',
        description: `Average (one decimal) and count per product, for listing pages: up to ${MAX_RATINGS} comma-separated ids. Public; cached for 60 seconds.`,
        security: [],
        params: StoreParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['products'],
          properties: {
            products: { type: 'string', minLength: 1, maxLength: MAX_RATINGS * 129, pattern: ID_PATTERN, description: `Product ids separated by commas (at most ${MAX_RATINGS}).` },
          },
        },
        response: { 200: { description: 'One rating per product.', ...refTo('Ratings') }, ...problems(400, 404, 429) },
      },
    },
    async (request, reply): Promise<Ratings> => {
      const store = storeOf(request);
      const ids = request.query.products.split(',').map((s) => s.trim());
      if (ids.some((id) => id.length === 0 || id.length > ID.maxLength)) {
        throw new ApiError(400, 'validation_failed', { field: '/products', detail: 'Each product id must be 1 to 128 characters.' });
      }
      const unique = [...new Set(ids)];
      if (unique.length > MAX_RATINGS) {
        throw new ApiError(400, 'validation_failed', { field: '/products', detail: `At most ${MAX_RATINGS} product ids.` });
      }
      const summaries = await ratingSummaries(db, store.id, unique);
      reply.header('cache-control', 'public, max-age=60');
      return { ratings: unique.map((productId) => ({ productId, ...summaries.get(productId)! })) };
    },
  );
}
